"""The sum-vs-rate summary panel: each measure against pressure, per fitness
mode, with 95% intervals over seeds.

Examples
--------
>>> import polars as pl
>>> from replicators.charts import summary_panel
>>> cells = pl.DataFrame({"fitness": ["sum", "rate"], "pressure": [1.0, 1.0],
...     "metric": ["gold_per_need"] * 2, "mean": [-0.5, 0.4], "low": [-0.6, 0.3], "high": [-0.4, 0.5]})
>>> type(summary_panel(cells, ["gold_per_need"])).__name__
'FacetChart'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from ._data import cells_frame, inline, require

__all__ = ["summary_panel"]


def summary_panel(
    data: Any,
    metrics: Sequence[str] = ("gold_per_need", "episode_length", "farming_share", "effective_personas"),
    *,
    x: str = "pressure",
    color: str = "fitness",
    columns: int = 2,
    width: int = 240,
    height: int = 160,
) -> Any:
    """One panel per measure: mean (line and points) and 95% interval (bars)
    against ``x``, one colour per ``color`` value. ``data``: a sweep or its
    ``cells`` table."""
    import altair as alt

    frame = cells_frame(data)
    require(frame, [x, color], "data")
    frame = frame.filter(pl.col("metric").is_in(list(metrics)))
    base = alt.Chart().encode(
        x=alt.X(f"{x}:Q", title=x),
        color=alt.Color(f"{color}:N", title=color, scale=_colors(frame, color)),
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=[f"{color}:N", f"{x}:Q", alt.Tooltip("mean:Q", format=".3f"),
                 alt.Tooltip("low:Q", format=".3f"), alt.Tooltip("high:Q", format=".3f")],
    )
    bars = base.mark_errorbar(ticks=True).encode(y=alt.Y("low:Q", title=None), y2="high:Q")
    return (
        alt.layer(line, bars, data=inline(frame))
        .properties(width=width, height=height)
        .facet(facet=alt.Facet("metric:N", title=None, sort=list(metrics)), columns=columns)
        .resolve_scale(y="independent")
    )


#: The fitness modes keep their colours from chart to chart.
FITNESS_COLORS = {"sum": "#d62728", "rate": "#1f77b4", "episode_rate": "#2ca02c"}


def _colors(frame: pl.DataFrame, column: str) -> Any:
    import altair as alt

    values = frame[column].unique(maintain_order=True).to_list()
    if column == "fitness" and set(values) <= set(FITNESS_COLORS):
        return alt.Scale(domain=values, range=[FITNESS_COLORS[v] for v in values])
    return alt.Undefined
