"""Trajectories over generations, with a brush to zoom on generations.

Examples
--------
>>> import replicators as r
>>> from replicators.charts import trajectories
>>> res = r.evolve(r.NicheWorld.preset(), population=50, generations=5, fitness="sum")
>>> chart = trajectories(res, ["gold_per_need", "episode_length"])
>>> type(chart).__name__
'VConcatChart'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from ..errors import ConfigError
from . import style
from ._data import checked, dims_of, inline, require, runs_frame, series_label

__all__ = ["trajectories"]


@checked
def trajectories(
    data: Any,
    metrics: Sequence[str] = ("gold_per_need", "episode_length", "farming_share"),
    *,
    by: Sequence[str] | None = None,
    where: Mapping[str, Any] | None = None,
    x: str = "generation",
    width: int = 480,
    height: int = 140,
) -> Any:
    """Each metric against generation, one line per grid cell (mean over
    seeds); drag on the bottom strip to zoom every panel on a range of
    generations.

    Parameters
    ----------
    data
        A ``SweepResult`` (its ``runs``), a result (its ``history``) or a
        DataFrame with ``generation`` and the metrics.
    metrics
        Columns to draw, one panel each.
    by
        Columns whose values make the lines (default: the sweep's grid,
        less the columns fixed by ``where``).
    where
        Keep rows whose columns equal these values (e.g. ``{"pressure": 1.0}``).
    x
        The time column: ``generation`` (evolve) or ``iteration`` (learn).
    """
    import altair as alt

    frame = runs_frame(data)
    metrics = [m for m in metrics]
    require(frame, [x, *metrics], "data")
    for key, value in (where or {}).items():
        require(frame, [key], "where")
        frame = frame.filter(pl.col(key) == value)
    if frame.height == 0:
        raise ConfigError(f"where = {dict(where or {})!r} is invalid: no rows match")
    by = list(by) if by is not None else [d for d in dims_of(data, frame) if d not in (where or {})]
    means = (
        frame.group_by(*by, x).agg(pl.col(metrics).mean()) if by
        else frame.group_by(x).agg(pl.col(metrics).mean())
    )
    long = (
        means.with_columns(series=series_label(means, by))
        .unpivot(index=["series", x], on=metrics, variable_name="metric", value_name="value")
        .sort("series", "metric", x)
    )
    brush = alt.selection_interval(encodings=["x"], name=f"{x}s")
    # One grid column: its fixed colours (a fitness mode is the same colour everywhere).
    color = style.color("series", long["series"].unique(maintain_order=True).to_list(),
                        palette=by[0] if len(by) == 1 else None,
                        legend=style.title(by[0]) if len(by) == 1 else ", ".join(by) or "run")
    panels = [
        alt.Chart(inline(long.filter(pl.col("metric") == m)))
        .mark_line()
        .encode(
            x=alt.X(f"{x}:Q", scale=alt.Scale(domain=brush), title=None),
            y=alt.Y("value:Q", title=style.title(m), scale=alt.Scale(zero=False)),
            color=color,
            tooltip=["series:N", f"{x}:Q", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=width, height=height)
        for m in metrics
    ]
    overview = (
        alt.Chart(inline(long.filter(pl.col("metric") == metrics[0])))
        .mark_line()
        .encode(x=alt.X(f"{x}:Q", title=f"{style.title(x)} (drag across this strip to zoom the panels above)"),
                y=alt.Y("value:Q", title="zoom",
                        axis=alt.Axis(labels=False, ticks=False), scale=alt.Scale(zero=False)),
                color=color)
        .add_params(brush)
        .properties(width=width, height=max(30, height // 3))
    )
    return alt.vconcat(*panels, overview)
