"""The sweep runner every experiment shares: a grid x seeds of runs.

``sweep`` is world-agnostic: it takes a ``build`` function that turns one
grid cell (a dict of the grid's values) into a world and the keyword
arguments of ``replicators.evolve`` (population, generations, fitness,
selection, ...) or, with ``runner=LEARN``, of ``replicators.learn``
(learners, iterations, aggregation, ...), and a ``measure`` function that
turns a result into one row per generation (iteration). It validates every
cell (by building it and checking its arguments) before the first run
starts, runs each cell once per seed, and returns tidy polars tables
(``SweepResult``):

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

A run's seed is ``seed + replicate``: the same for every cell, so that cells
are compared on common random numbers, and each run can be repeated alone
(``replicators run`` with that seed gives the same numbers).

Examples
--------
>>> import replicators as r
>>> from replicators.experiments.runner import sweep
>>> def build(cell):
...     return r.NicheWorld.preset(), {"population": 50, "generations": 4, "fitness": cell["fitness"]}
>>> res = sweep({"fitness": ["sum", "rate"]}, build, seeds=2,
...             measure=lambda result: result.history.select("generation", "gold_per_need"))
>>> res.runs.height, res.per_run.height, res.cells.height
(16, 4, 2)
>>> res.cells.columns
['fitness', 'metric', 'n', 'mean', 'sd', 'stderr', 'low', 'high']
"""

from __future__ import annotations

import inspect
import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from .. import _validate as v
from ..errors import ConfigError, invalid
from ..learn import learn
from ..learn.training import arguments
from ..selection.protocol import evolve
from ..io.folder import output_folder
from ..io.tables import read_provenance, read_table, write_table
from ..selection import Mutation

__all__ = ["sweep", "Runner", "EVOLVE", "LEARN", "Sizes", "levels", "SweepResult", "t_quantile", "interval", "Progress"]

Build = Callable[[dict[str, Any]], tuple[Any, dict[str, Any]]]
Measure = Callable[[Any], pl.DataFrame]
Progress = bool | Callable[[int], object] | None


@dataclass(frozen=True)
class Runner:
    """What a sweep runs: a function called as ``run(world, seed=, threads=,
    progress=, **kwargs)``, the name of its time column, and ``check(world,
    kwargs)``, which validates a cell's arguments before any run starts and
    returns how many time steps the run has (for the progress bar)."""

    run: Callable[..., Any]
    time: str
    check: Callable[[Any, dict[str, Any]], int]


def _check_evolve(world: Any, kwargs: dict[str, Any]) -> int:
    v.integer("population", kwargs.get("population"), 2)
    return v.integer("generations", kwargs.get("generations"), 1)


def _check_learn(world: Any, kwargs: dict[str, Any]) -> int:
    defaults = {k: p.default for k, p in inspect.signature(learn).parameters.items()
                if p.default is not inspect.Parameter.empty and k not in ("progress",)}
    args = arguments(world, **{**defaults, **kwargs})
    return int(args["iterations"])


#: Sweeps of ``replicators.evolve`` (generations) and of ``replicators.learn`` (iterations).
EVOLVE = Runner(evolve, "generation", _check_evolve)
LEARN = Runner(learn, "iteration", _check_learn)

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


@dataclass(frozen=True)
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
    """

    name: str
    dims: tuple[str, ...]
    runs: pl.DataFrame
    per_run: pl.DataFrame
    cells: pl.DataFrame
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

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
        final = Path(folder).resolve()
        written = []
        frames = {"runs": self.runs, "per_run": self.per_run, "cells": self.cells, **self.tables}
        # The whole folder at once (`io.folder`): a sweep killed while
        # writing never leaves tables of two sweeps side by side.
        with output_folder(final, "folder") as tmp:
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


@dataclass(frozen=True, kw_only=True)
class Sizes:
    """Size knobs every NicheWorld experiment takes (validated at once).

    Examples
    --------
    >>> Sizes(population=2).population
    2
    >>> Sizes(generations=0)
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: generations = 0 is invalid: expected an integer >= 1
    """

    population: int = 1000
    generations: int = 200
    seeds: int = 3
    seed: int = 0
    threads: int | None = None
    mutation: Mutation = Mutation(rate=0.2, scale=0.3)

    def __post_init__(self) -> None:
        v.integer("population", self.population, 2)
        v.integer("generations", self.generations, 1)
        v.integer("seeds", self.seeds, 1)
        v.seed("seed", self.seed)
        v.threads(self.threads)
        if not isinstance(self.mutation, Mutation):
            raise v.ConfigError(f"mutation = {self.mutation!r} is invalid: expected Mutation(rate=..., scale=...)")

    def evolve_kwargs(self) -> dict[str, Any]:
        """The evolve arguments these sizes fix (the sweep adds seed and threads)."""
        return {"population": self.population, "generations": self.generations, "mutation": self.mutation}

    def config(self) -> dict[str, Any]:
        """JSON-able record of the sizes."""
        return {
            "population": self.population, "generations": self.generations, "seeds": self.seeds,
            "seed": self.seed, "threads": self.threads,
            "mutation": {"rate": self.mutation.rate, "scale": self.mutation.scale},
        }


def levels(field: str, values: Any, *, distinct: bool = True) -> list[Any]:
    """A grid dimension's values as a non-empty list (``field`` names it in
    errors), distinct unless ``distinct=False`` (a vector, not levels)."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
        raise v.ConfigError(f"{field} = {values!r} is invalid: expected a non-empty list")
    out = list(values)
    if not distinct:
        return out
    # A repeated level would merge two cells into one with too-narrow intervals.
    seen = []
    for x in out:
        if x in seen:
            raise v.ConfigError(f"{field} = {values!r} is invalid: expected distinct levels ({x!r} is repeated)")
        seen.append(x)
    return out


def _seeds(seeds: int | Sequence[int], seed: int) -> list[int]:
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        n = v.integer("seeds", seeds, 1)
        base = v.seed("seed", seed)
        if base + n > 2**64:
            raise invalid("seed", seed, f"a first seed whose {n} seeds stay below 2^64")
        return [base + i for i in range(n)]
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence):
        raise invalid("seeds", seeds, "a number of seeds (an integer >= 1) or a list of seeds")
    out = [v.seed("seeds", s) for s in seeds]
    if not out or len(set(out)) != len(out):
        raise ConfigError(f"seeds = {seeds!r} is invalid: expected distinct seeds, at least one")
    return out


def _progress_callback(progress: Progress, total: int, label: str) -> tuple[Callable[[int], object] | None, Any]:
    if progress is None or progress is False:
        return None, None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, unit="gen", desc=label, mininterval=0.5)
        return bar.update, bar
    if callable(progress):
        return progress, None
    raise ConfigError(f"progress = {progress!r} is invalid: expected true, false or a callable")


def sweep(
    grid: Mapping[str, Sequence[Any]],
    build: Build,
    *,
    seeds: int | Sequence[int] = 3,
    seed: int = 0,
    measure: Measure | None = None,
    tables: Mapping[str, Measure] | None = None,
    tail: float = 0.2,
    threads: int | None = None,
    progress: Progress = False,
    name: str = "sweep",
    config: Mapping[str, Any] | None = None,
    runner: Runner = EVOLVE,
) -> SweepResult:
    """Run ``build(cell)`` for every cell of ``grid`` and every seed.

    Parameters
    ----------
    grid
        ``{dimension: values}``; cells are the product, in order.
    build
        ``cell -> (world, kwargs)``: the world and keyword arguments of
        ``runner.run`` (``evolve`` by default, or ``learn`` with
        ``runner=LEARN``); must not set ``seed``, ``threads`` or ``progress``
        (the sweep does).
    seeds, seed
        Replicates per cell (seeds ``seed .. seed + seeds - 1``), or an
        explicit list of seeds.
    measure
        ``result -> DataFrame`` with the time column (``generation`` or
        ``iteration``), one row per time step (default: ``result.history``).
    tables
        ``{name: result -> DataFrame}``: further long tables kept per run.
    tail
        Fraction of the last generations (iterations) averaged into ``per_run`` (0, 1].
    threads, progress
        Threads per run; progress: True for a tqdm bar over all generations,
        or a callable receiving generation increments.
    name, config
        Recorded in the result (and in the Parquet metadata).
    runner
        ``EVOLVE`` (default) or ``LEARN``.
    """
    if not isinstance(grid, Mapping) or not grid:
        raise ConfigError(f"grid = {grid!r} is invalid: expected {{dimension: [values]}}")
    dims = tuple(grid)
    for d in dims:
        values = grid[d]
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise ConfigError(f"{d} = {values!r} is invalid: expected a non-empty list of values")
    seed_list = _seeds(seeds, seed)
    tail = v.number("tail", tail)
    if not 0.0 < tail <= 1.0:
        raise ConfigError(f"tail = {tail!r} is invalid: expected a fraction in (0, 1]")
    threads = v.threads(threads)
    measure = measure or (lambda result: result.history)
    # Build every cell first: a bad value fails before any run starts.
    cells = [dict(zip(dims, values, strict=True)) for values in itertools.product(*(grid[d] for d in dims))]
    plans = []
    for cell in cells:
        world, kwargs = build(cell)
        for reserved in ("seed", "threads", "progress"):
            if reserved in kwargs:
                raise ConfigError(f"build returned {reserved!r}: the sweep sets it")
        plans.append((cell, world, kwargs, runner.check(world, kwargs)))
    total = sum(length for *_, length in plans) * len(seed_list)
    callback, bar = _progress_callback(progress, total, name)
    rows, summaries = [], []
    extra: dict[str, list[pl.DataFrame]] = {k: [] for k in (tables or {})}
    try:
        run = 0
        for cell, world, kwargs, _ in plans:
            for s in seed_list:
                result = runner.run(world, seed=s, threads=threads, progress=callback, **kwargs)
                keys = {**cell, "seed": s, "run": run}
                frame = measure(result)
                if runner.time not in frame.columns:
                    raise ConfigError(f"measure returned no {runner.time!r} column: expected one row per {runner.time}")
                frame = frame.select(*(pl.lit(x).alias(k) for k, x in keys.items()), pl.all())
                rows.append(frame)
                summaries.append(_summarise(frame, keys, tail, getattr(result, "status", "completed"), runner.time))
                for key, fn in (tables or {}).items():
                    t = fn(result)
                    extra[key].append(t.select(*(pl.lit(x).alias(k) for k, x in keys.items()), pl.all()))
                run += 1
    finally:
        if bar is not None:
            bar.close()
    runs = pl.concat(rows, how="diagonal_relaxed")
    per_run = pl.concat(summaries, how="diagonal_relaxed")
    metrics = [c for c in per_run.columns if c not in (*dims, "seed", "run", "status", f"{runner.time}s")]
    cell_rows = []
    for cell in cells:
        mask = pl.lit(True)
        for d in dims:
            # A level may be None (e.g. no time budget): match it as null.
            mask = mask & (pl.col(d).is_null() if cell[d] is None else pl.col(d) == cell[d])
        sub = per_run.filter(mask)
        for m in metrics:
            cell_rows.append({**cell, "metric": m, **interval(sub[m].to_list())})
    cell_frame = pl.DataFrame(cell_rows, schema_overrides={d: runs.schema[d] for d in dims})
    return SweepResult(
        name=name,
        dims=dims,
        runs=runs,
        per_run=per_run,
        cells=cell_frame.select(*dims, "metric", "n", "mean", "sd", "stderr", "low", "high"),
        tables={k: pl.concat(fs, how="diagonal_relaxed") for k, fs in extra.items()},
        config={**(dict(config) if config else {}), "grid": {d: list(grid[d]) for d in dims},
                "seeds": seed_list, "tail": tail},
    )


def _summarise(frame: pl.DataFrame, keys: dict[str, Any], tail: float, status: str, time: str) -> pl.DataFrame:
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
