"""What a sweep returns: its tidy tables (``SweepResult``) and the
statistics of the ``cells`` table (a mean over seeds with its Student t
interval).

``runs``
    one row per run x generation: the grid's columns, ``seed``, ``run``,
    ``generation`` (``iteration``) and the measures.
``per_run``
    one row per run: the measures averaged over the last ``tail`` fraction
    of generations (the run's settled state), plus ``status``.
``cells``
    one row per grid cell x measure (long): ``n`` seeds, ``mean``, ``sd``,
    ``stderr`` and a 95% confidence interval ``low``..``high`` for the mean
    over seeds (Student t with n - 1 degrees of freedom).
``tables``
    further long tables per run (e.g. persona shares), keyed by name.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from .. import _validate as v
from ..errors import ConfigError, invalid
from ..io.folder import output_folder
from ..io.tables import read_provenance, read_table, write_table

__all__ = ["SweepResult", "t_quantile", "interval", "summarise", "cell_table"]

# Two-sided 95% Student t quantiles t_{0.975, df} for df = 1..30.
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)


def t_quantile(df: int) -> float:
    """t_{0.975} with ``df`` degrees of freedom (a table to 30, then the
    Cornish-Fisher expansion, within 1e-3 of the exact value).

    Examples
    --------
    >>> t_quantile(2), round(t_quantile(1000), 3)
    (4.303, 1.962)
    """
    df = v.integer("df", df, 1)
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def interval(values: Sequence[float]) -> dict[str, float]:
    """Mean, sd, stderr and 95% t interval of a sample (NaN values dropped).

    Examples
    --------
    >>> i = interval([1.0, 2.0, 3.0])
    >>> i["mean"], round(i["low"], 3), round(i["high"], 3)
    (2.0, -0.484, 4.484)
    """
    xs = [float(x) for x in values if x is not None and not math.isnan(x)]
    n = len(xs)
    if n == 0:
        return {"n": 0, "mean": math.nan, "sd": math.nan, "stderr": math.nan, "low": math.nan, "high": math.nan}
    mean = sum(xs) / n
    if n == 1:
        return {"n": 1, "mean": mean, "sd": math.nan, "stderr": math.nan, "low": math.nan, "high": math.nan}
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    se = sd / math.sqrt(n)
    h = t_quantile(n - 1) * se
    return {"n": n, "mean": mean, "sd": sd, "stderr": se, "low": mean - h, "high": mean + h}


@dataclass(frozen=True, eq=False)
class SweepResult:
    """What ``sweep`` returns (see the module docs for the tables).

    Attributes
    ----------
    name
        The experiment's name (``sum_vs_rate``, ...).
    dims
        The grid's column names, in order.
    runs, per_run, cells
        The tidy tables.
    tables
        Further long tables, keyed by name.
    config
        JSON-able description of what was run (grid, seeds, sizes, knobs).
    fingerprint
        What a resumed sweep must match (``sweeps.store``), when its runs
        were kept in a folder; ``None`` otherwise.
    resumed
        How many runs were read back from that folder instead of run.
    """

    name: str
    dims: tuple[str, ...]
    runs: pl.DataFrame
    per_run: pl.DataFrame
    cells: pl.DataFrame
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    fingerprint: str | None = field(default=None, compare=False)
    resumed: int = field(default=0, compare=False)

    def equals(self, other: SweepResult) -> bool:
        """Whether ``other`` has the same name, grid, config and identical
        tables (values, dtypes and row order)."""
        mine = {"runs": self.runs, "per_run": self.per_run, "cells": self.cells, **self.tables}
        theirs = {"runs": other.runs, "per_run": other.per_run, "cells": other.cells, **other.tables}
        return (self.name == other.name and self.dims == other.dims and self.config == other.config
                and mine.keys() == theirs.keys()
                and all(mine[k].schema == theirs[k].schema and mine[k].equals(theirs[k]) for k in mine))

    def wide(self, metrics: Sequence[str] | None = None) -> pl.DataFrame:
        """Cells as one row per grid cell: ``<metric>``, ``<metric>_low``,
        ``<metric>_high`` columns.

        Examples
        --------
        >>> import polars as pl
        >>> s = SweepResult("x", ("a",), pl.DataFrame(), pl.DataFrame(),
        ...     pl.DataFrame({"a": [1], "metric": ["m"], "n": [2], "mean": [0.5], "sd": [0.1],
        ...                   "stderr": [0.07], "low": [0.4], "high": [0.6]}))
        >>> s.wide().columns
        ['a', 'm', 'm_low', 'm_high', 'n']
        """
        if metrics is not None:
            have = list(dict.fromkeys(self.cells["metric"].to_list())) if "metric" in self.cells.columns else []
            if isinstance(metrics, str) or not isinstance(metrics, Sequence):
                raise invalid("metrics", metrics, f"a list of measures of {have}")
            unknown = [m for m in metrics if m not in have]
            if isinstance(metrics, str) or unknown:
                raise ConfigError(f"metrics = {list(metrics) if not isinstance(metrics, str) else metrics!r} is "
                                  f"invalid: {unknown or metrics!r} not measured; expected measures of {have}")
        cells = self.cells if metrics is None else self.cells.filter(pl.col("metric").is_in(list(metrics)))
        order = list(dict.fromkeys(cells["metric"].to_list())) if metrics is None else list(metrics)
        index = list(self.dims)
        # A cell's seeds: the most any of its measures has (a measure with no
        # value in a cell, e.g. an exact share left empty, has n = 0).
        out = (cells.group_by(index, maintain_order=True).agg(pl.col("n").max()) if index
               else cells.select(pl.col("n").max()))
        for m in order:
            part = cells.filter(pl.col("metric") == m).select(
                *index, pl.col("mean").alias(m), pl.col("low").alias(f"{m}_low"), pl.col("high").alias(f"{m}_high")
            )
            out = out.join(part, on=index, how="left", maintain_order="left", nulls_equal=True) if index else pl.concat(
                [out, part], how="horizontal"
            )
        return out.select(*index, pl.exclude(*index, "n"), "n")

    def headline(self, metrics: Sequence[str], *, digits: int = 3) -> pl.DataFrame:
        """Cells as text, one row per grid cell: ``mean [low, high]`` per measure
        (the 95% interval over seeds), then ``seeds``.

        Examples
        --------
        >>> import polars as pl
        >>> s = SweepResult("x", ("a",), pl.DataFrame(), pl.DataFrame(),
        ...     pl.DataFrame({"a": [1], "metric": ["m"], "n": [2], "mean": [0.5], "sd": [0.1],
        ...                   "stderr": [0.07], "low": [0.4], "high": [0.6]}))
        >>> s.headline(["m"]).row(0)
        (1, '0.500 [0.400, 0.600]', 2)
        """
        digits = v.integer("digits", digits, 0, 15)
        w = self.wide(metrics)

        def fmt(m: str) -> pl.Expr:
            def one(x: float | None) -> str:
                return "nan" if x is None or math.isnan(x) else f"{x:.{digits}f}"

            return pl.struct(m, f"{m}_low", f"{m}_high").map_elements(
                lambda r: f"{one(r[m])} [{one(r[m + '_low'])}, {one(r[m + '_high'])}]"
                if r[f"{m}_low"] is not None and not math.isnan(r[f"{m}_low"]) else one(r[m]),
                return_dtype=pl.String,
            ).alias(m)

        return w.select(*self.dims, *(fmt(m) for m in metrics), seeds=pl.col("n"))

    def write(self, folder: str | os.PathLike[str]) -> list[Path]:
        """Write every table as Parquet (atomic, provenance in the metadata).

        Examples
        --------
        >>> import tempfile, polars as pl
        >>> s = SweepResult("x", (), pl.DataFrame({"a": [1]}), pl.DataFrame({"a": [1]}),
        ...                 pl.DataFrame({"a": [1]}), config={"seeds": [0]})
        >>> d = tempfile.mkdtemp()
        >>> [p.name for p in s.write(d)]
        ['runs.parquet', 'per_run.parquet', 'cells.parquet']
        >>> SweepResult.read(d).name
        'x'
        """
        from .store import kept

        final = Path(folder).resolve()
        written = []
        frames = {"runs": self.runs, "per_run": self.per_run, "cells": self.cells, **self.tables}
        # The whole folder at once (`io.folder`): a sweep killed while
        # writing never leaves tables of two sweeps side by side. The runs
        # kept for a resume of this very sweep stay.
        with output_folder(final, "folder", keep=kept(final, self.fingerprint)) as tmp:
            for key, frame in frames.items():
                write_table(
                    frame, tmp / f"{key}.parquet", config=self.config, seed=self.config.get("seeds"),
                    experiment=self.name, dims=list(self.dims), table=key,
                )
                written.append(final / f"{key}.parquet")
        return written

    @staticmethod
    def read(folder: str | os.PathLike[str]) -> SweepResult:
        """Read a sweep written by ``write``."""
        folder = Path(folder)
        cells = folder / "cells.parquet"
        if not cells.exists():
            raise ConfigError(f"results = {str(folder)!r} is invalid: expected a folder with cells.parquet")
        meta = read_provenance(cells)
        tables = {
            p.stem: read_table(p)
            for p in sorted(folder.glob("*.parquet"))
            if p.stem not in ("runs", "per_run", "cells")
        }
        return SweepResult(
            name=meta.get("experiment", "sweep"),
            dims=tuple(meta.get("dims", ())),
            runs=read_table(folder / "runs.parquet"),
            per_run=read_table(folder / "per_run.parquet"),
            cells=read_table(cells),
            tables=tables,
            config=meta.get("config") or {},
        )


def cell_table(cells: Sequence[dict[str, Any]], dims: tuple[str, ...], per_run: pl.DataFrame,
               schema: Any, time: str) -> pl.DataFrame:
    """The ``cells`` table: each grid cell's measures over its seeds
    (``interval``), one row per cell x measure."""
    metrics = [c for c in per_run.columns if c not in (*dims, "seed", "run", "status", f"{time}s")]
    rows = []
    for cell in cells:
        mask = pl.lit(True)
        for d in dims:
            # A level may be None (e.g. no time budget): match it as null.
            mask = mask & (pl.col(d).is_null() if cell[d] is None else pl.col(d) == cell[d])
        sub = per_run.filter(mask)
        for m in metrics:
            rows.append({**cell, "metric": m, **interval(sub[m].to_list())})
    frame = pl.DataFrame(rows, schema_overrides={d: schema[d] for d in dims})
    return frame.select(*dims, "metric", "n", "mean", "sd", "stderr", "low", "high")


def summarise(frame: pl.DataFrame, keys: dict[str, Any], tail: float, status: str, time: str) -> pl.DataFrame:
    """One run's ``per_run`` row: its measures over the last ``tail`` of its
    time steps (``frame`` in time order, as ``run.execute`` hands it over)."""
    numeric = [
        c for c, t in frame.schema.items()
        if c not in keys and c != time and t.is_numeric()
    ]
    last = frame[time].max()
    first = frame[time].min()
    span = last - first + 1
    start = last - max(1, math.ceil(tail * span)) + 1
    settled = frame.filter(pl.col(time) >= start)
    means = settled.select(pl.col(numeric).cast(pl.Float64).mean())
    return pl.concat(
        [pl.DataFrame({**{k: [x] for k, x in keys.items()}, "status": [status], f"{time}s": [span]}), means],
        how="horizontal",
    )

