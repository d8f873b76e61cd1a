"""Coercions shared by the charts: results and sweeps to tidy frames."""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import polars as pl

from .. import _validate as v
from ..errors import ConfigError, first_line, invalid


def runs_frame(data: Any) -> pl.DataFrame:
    """Per-generation rows from a SweepResult (``runs``), a result (``history``)
    or a DataFrame."""
    if isinstance(data, pl.DataFrame):
        return data
    for attr in ("runs", "history"):
        frame = getattr(data, attr, None)
        if isinstance(frame, pl.DataFrame):
            return frame
    raise ConfigError(f"data = {type(data).__name__} is invalid: expected a result, a sweep or a DataFrame")


def cells_frame(data: Any) -> pl.DataFrame:
    """Long per-cell rows (``metric``, ``mean``, ``low``, ``high``)."""
    frame = data if isinstance(data, pl.DataFrame) else getattr(data, "cells", None)
    if not isinstance(frame, pl.DataFrame) or not {"metric", "mean", "low", "high"} <= set(frame.columns):
        raise ConfigError("data is invalid: expected a sweep result or its cells table (metric, mean, low, high)")
    return frame


def require(frame: pl.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"{what} is invalid: columns {missing} are missing (have {frame.columns})")


def dims_of(data: Any, frame: pl.DataFrame) -> list[str]:
    """The grid's columns (besides seed and run), or []."""
    dims = getattr(data, "dims", None)
    if dims is not None:
        return [d for d in dims if d in frame.columns]
    return []


def series_label(frame: pl.DataFrame, by: list[str]) -> pl.Expr:
    """One string label per grid cell, e.g. ``fitness=sum, pressure=1.0``."""
    if not by:
        return pl.lit("run")
    if len(by) == 1:
        return pl.col(by[0]).cast(pl.String)
    return pl.concat_str([pl.lit(f"{d}=") + pl.col(d).cast(pl.String) for d in by], separator=", ")


class _Rows:
    """Inline rows that altair passes through as they are.

    ``Chart.to_dict`` walks every value of a spec, and each scalar costs a
    runtime protocol check (``SchemaLike``), a few microseconds: at tens of
    thousands of values that is most of a report's chart time, spent on
    rows that are plain JSON already. An object with ``_schema`` and
    ``to_dict`` *is* a ``SchemaLike`` (altair's own protocol for values
    that are not ``SchemaBase``), so the walk takes its ``to_dict()``
    whole. The spec it gives is the same dict, validated the same way."""

    _schema: ClassVar[dict[str, str]] = {"type": "array"}

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def to_dict(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return self.rows

    # A list to whoever reads ``chart.data.values``.
    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __getitem__(self, i: Any) -> Any:
        return self.rows[i]

    def __repr__(self) -> str:
        # Altair names a view with a selection by hashing its spec's text,
        # data included: the same rows must give the same name in any process.
        digest = hashlib.sha256(json.dumps(self.rows, sort_keys=True, default=str).encode()).hexdigest()
        return f"_Rows({len(self.rows)} rows, sha256 {digest[:16]})"


def inline(frame: pl.DataFrame) -> Any:
    """The frame as inline Vega-Lite values: no row limit (altair's 5,000-row
    guard is for notebooks shipping huge frames; ours are aggregated), NaN as
    null (JSON has no NaN). Not checked against the schema row by row on
    construction (a second per 10,000 rows): rows of a polars frame are
    valid values by construction; nor walked value by value when the chart
    becomes a spec (`_Rows`)."""
    import altair as alt
    from altair.utils.schemapi import debug_mode

    floats = [c for c, t in frame.schema.items() if t.is_float()]
    clean = frame.with_columns(pl.col(floats).fill_nan(None)) if floats else frame
    with debug_mode(False):
        return alt.Data(values=_Rows(clean.to_dicts()))


#: Arguments every chart names the same way, and what they must be.
_SIZES = ("width", "height")
_COLUMN = ("x", "y", "color", "facet", "metric")
_COLUMNS = ("metrics", "by", "measures")


def checked(chart: Callable[..., Any]) -> Callable[..., Any]:
    """Validate a chart's common arguments by name before drawing: sizes in
    [1, 10000] pixels, ``columns`` in [1, 100], ``min_share`` a
    probability, column names as strings, ``where`` a mapping; a column the
    data does not have becomes a ``ConfigError`` naming the chart."""
    sig = inspect.signature(chart)

    @functools.wraps(chart)
    def draw(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind(*args, **kwargs)
        for name, x in bound.arguments.items():
            if name in _SIZES:
                if v.at_least(name, x, 1.0) > 10_000:
                    raise invalid(name, x, "a size in [1, 10000] pixels")
            elif name == "columns":
                v.integer(name, x, 1, 100)
            elif name == "min_share":
                v.probability(name, x)
            elif name in _COLUMN and x is not None and not isinstance(x, str):
                raise invalid(name, x, "a column name")
            elif name in _COLUMNS and x is not None and (
                    isinstance(x, str) or not isinstance(x, Sequence) or not all(isinstance(c, str) for c in x)):
                raise invalid(name, x, "a list of column names")
            elif name == "where" and x is not None and not isinstance(x, Mapping):
                raise invalid(name, x, "a mapping of column to value")
            elif name == "diverging" and x is not None and not isinstance(x, bool):
                raise invalid(name, x, "True, False or None")
        try:
            return chart(*bound.args, **bound.kwargs)
        except pl.exceptions.ColumnNotFoundError as e:
            raise ConfigError(f"{chart.__name__}: a column named in its arguments is not in the data "
                              f"({first_line(e)})") from None

    return draw
