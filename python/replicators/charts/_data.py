"""Coercions shared by the charts: results and sweeps to tidy frames."""

from __future__ import annotations

from typing import Any

import polars as pl

from ..errors import ConfigError


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


def inline(frame: pl.DataFrame) -> Any:
    """The frame as inline Vega-Lite values: no row limit (altair's 5,000-row
    guard is for notebooks shipping huge frames; ours are aggregated), NaN as
    null (JSON has no NaN)."""
    import altair as alt

    floats = [c for c, t in frame.schema.items() if t.is_float()]
    clean = frame.with_columns(pl.col(floats).fill_nan(None)) if floats else frame
    return alt.Data(values=clean.to_dicts())
