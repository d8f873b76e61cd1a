"""Charts of competition between assistants (``experiments.competition``).

- ``ideal_free``: settled specialist shares per niche (points, 95%
  intervals over seeds) beside the ideal free distribution's prediction
  (ticks), one panel per demand vector, shortlist on the x axis.
- ``persona_phases``: the persona phase diagram, effective personas over
  shortlist x tradeoff, one heatmap per regime (``phase_heatmap``).

Examples
--------
>>> import polars as pl
>>> from replicators.charts import competition
>>> t = pl.DataFrame({"demand": ["(0.6, 0.4)"] * 2, "routing": ["choice"] * 2, "shortlist": [2, 2],
...     "niche": ["niche0", "niche1"], "predicted": [0.6, 0.4], "mean": [0.61, 0.39],
...     "low": [0.6, 0.38], "high": [0.62, 0.4]})
>>> type(competition.ideal_free(t)).__name__
'FacetChart'
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ._data import checked, inline, require
from .phase import phase_heatmap

__all__ = ["ideal_free", "persona_phases"]


@checked
def ideal_free(table: pl.DataFrame, *, width: int = 260, height: int = 180) -> Any:
    """Measured shares (points and interval bars) and predicted shares
    (ticks) per niche against the case (``choice m=...``, ``uniform``), one
    panel per demand vector. ``table``: ``ideal_free_check``'s output."""
    import altair as alt

    require(table, ["demand", "routing", "shortlist", "niche", "predicted", "mean", "low", "high"], "table")
    frame = table.with_columns(
        case=pl.when(pl.col("routing") == "uniform").then(pl.lit("uniform"))
        .otherwise(pl.lit("choice m=") + pl.col("shortlist").cast(pl.String)))
    order = frame.sort("routing", "shortlist")["case"].unique(maintain_order=True).to_list()
    x = alt.X("case:N", title=None, sort=order)
    color = alt.Color("niche:N", title="niche")
    offset = alt.XOffset("niche:N")
    tip = ["demand:N", "case:N", "niche:N", alt.Tooltip("mean:Q", format=".3f"),
           alt.Tooltip("predicted:Q", format=".3f"), alt.Tooltip("low:Q", format=".3f"),
           alt.Tooltip("high:Q", format=".3f")]
    points = alt.Chart().mark_point(filled=True, size=40).encode(
        x=x, xOffset=offset, color=color, y=alt.Y("mean:Q", title="specialist share"), tooltip=tip)
    bars = alt.Chart().mark_errorbar().encode(x=x, xOffset=offset, color=color,
                                              y=alt.Y("low:Q", title="specialist share"), y2="high:Q")
    ticks = alt.Chart().mark_tick(color="black", thickness=1, size=10).encode(
        x=x, xOffset=offset, y="predicted:Q", tooltip=tip)
    return (
        alt.layer(bars, points, ticks, data=inline(frame))
        .properties(width=width, height=height)
        .facet(column=alt.Column("demand:N", title="demand (ticks: ideal free prediction)"))
    )


@checked
def persona_phases(data: Any, metric: str = "effective_personas", **kwargs: Any) -> Any:
    """``metric`` (default effective personas) over shortlist x tradeoff, one
    heatmap per regime; ``data``: ``persona_phases``' result or its cells.

    Examples
    --------
    >>> import polars as pl
    >>> cells = pl.DataFrame({"regime": ["sum"] * 2, "shortlist": [1, 4], "tradeoff": [4.0, 4.0],
    ...     "metric": ["effective_personas"] * 2, "mean": [1.0, 2.0], "low": [1.0, 1.5], "high": [1.0, 2.5]})
    >>> type(persona_phases(cells)).__name__
    'FacetChart'
    """
    return phase_heatmap(data, metric, x="shortlist", y="tradeoff", facet="regime", **kwargs)
