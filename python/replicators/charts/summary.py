"""The sum-vs-rate summary panel: each measure against pressure, per fitness
mode, with 95% intervals over seeds.

Examples
--------
>>> import polars as pl
>>> from replicators.charts import summary_panel
>>> cells = pl.DataFrame({"fitness": ["sum", "rate"], "pressure": [1.0, 1.0],
...     "metric": ["gold_per_need"] * 2, "mean": [-0.5, 0.4], "low": [-0.6, 0.3], "high": [-0.4, 0.5]})
>>> type(summary_panel(cells, ["gold_per_need"])).__name__
'ConcatChart'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from . import style
from ..errors import ConfigError
from ._data import checked, cells_frame, inline, require

__all__ = ["summary_panel"]


@checked
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
    against ``x``, one colour per ``color`` value (fixed colours from
    ``charts.style``). Each panel has its own y axis titled in words; panels
    wrap after ``columns``, with no empty slot. ``data``: a sweep or its
    ``cells`` table."""
    import altair as alt

    frame = cells_frame(data)
    require(frame, [x, color], "data")
    frame = frame.filter(pl.col("metric").is_in(list(metrics)))
    present = [m for m in metrics if m in set(frame["metric"].to_list())]
    if not present:
        raise ConfigError(f"metrics = {list(metrics)!r} is invalid: none is in the data")
    enc = style.color(color, frame[color].cast(pl.String).unique(maintain_order=True).to_list())
    panels = []
    for m in present:
        part = frame.filter(pl.col("metric") == m).with_columns(pl.col(color).cast(pl.String))
        base = alt.Chart(inline(part)).encode(x=alt.X(f"{x}:Q", title=style.title(x)), color=enc)
        line = base.mark_line(point=True).encode(
            y=alt.Y("mean:Q", title=style.title(m), scale=alt.Scale(zero=False)),
            tooltip=[f"{color}:N", f"{x}:Q", alt.Tooltip("mean:Q", format=".3f"),
                     alt.Tooltip("low:Q", format=".3f"), alt.Tooltip("high:Q", format=".3f")],
        )
        bars = base.mark_errorbar(ticks=True).encode(y=alt.Y("low:Q", title=style.title(m)), y2="high:Q")
        panels.append(alt.layer(line, bars).properties(width=width, height=height))
    return alt.concat(*panels, columns=columns)


#: The fitness modes keep their colours from chart to chart (``charts.style``).
FITNESS_COLORS = style.COLORS["fitness"]
