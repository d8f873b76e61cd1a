"""The phase diagram as a heatmap: a measure over two knobs.

Examples
--------
>>> import polars as pl
>>> from replicators.charts import phase_heatmap
>>> cells = pl.DataFrame({"fitness": ["sum"] * 4, "engage_proxy": [0.0, 0.0, 1.0, 1.0],
...     "patience": [0.5, 0.9] * 2, "metric": ["gold_per_need"] * 4,
...     "mean": [0.1, 0.2, -0.3, -0.5], "low": [0.0] * 4, "high": [0.3] * 4})
>>> type(phase_heatmap(cells)).__name__
'FacetChart'
"""

from __future__ import annotations

from typing import Any

import polars as pl

from . import style
from ._data import checked, cells_frame, inline, require

__all__ = ["phase_heatmap"]


@checked
def phase_heatmap(
    data: Any,
    metric: str = "gold_per_need",
    *,
    x: str = "engage_proxy",
    y: str = "patience",
    facet: str | None = "fitness",
    width: int = 220,
    height: int = 200,
    diverging: bool | None = None,
) -> Any:
    """Mean of ``metric`` per (x, y) cell as colour, with the value written
    in each cell, one panel per ``facet`` value.

    ``data`` is a sweep (its ``cells``), its cells table, or the output of
    ``phase_diagram.divergence`` (then ``facet=None``). Diverging colours
    (centred on 0) are used when the values change sign.
    """
    import altair as alt

    frame = cells_frame(data)
    if "metric" in frame.columns and frame["metric"].n_unique() > 1:
        frame = frame.filter(pl.col("metric") == metric)
    require(frame, [x, y, "mean"], "data")
    if facet is not None:
        require(frame, [facet], "facet")
    lo, hi = frame["mean"].min(), frame["mean"].max()
    if diverging is None:
        diverging = lo is not None and hi is not None and lo < 0 < hi
    scale = alt.Scale(scheme="redblue", domainMid=0) if diverging else alt.Scale(scheme="viridis")
    name = frame["metric"][0] if "metric" in frame.columns and frame.height else metric
    title = style.title(name)
    base = alt.Chart(inline(frame)).encode(x=alt.X(f"{x}:O", title=style.title(x)),
                                           y=alt.Y(f"{y}:O", title=style.title(y), sort="descending"))
    rect = base.mark_rect().encode(
        color=alt.Color("mean:Q", title=title, scale=scale),
        tooltip=[f"{x}:O", f"{y}:O", alt.Tooltip("mean:Q", format=".3f"),
                 alt.Tooltip("low:Q", format=".3f"), alt.Tooltip("high:Q", format=".3f")],
    )
    # Numbers stay readable: white on the dark end(s) of the colour scale.
    if diverging:
        edge = 0.6 * max(abs(lo or 0.0), abs(hi or 0.0))
        dark = (alt.datum.mean > edge) | (alt.datum.mean < -edge)
    else:
        dark = alt.datum.mean < (lo or 0.0) + 0.4 * ((hi or 0.0) - (lo or 0.0))
    text = base.mark_text(fontSize=9).encode(text=alt.Text("mean:Q", format=".2f"),
                                             color=alt.condition(dark, alt.value("white"), alt.value("black")))
    chart = (rect + text).properties(width=width, height=height)
    if not facet:
        return chart
    return chart.facet(column=alt.Column(f"{facet}:N", title=style.title(facet),
                                         sort=style.order(facet, frame[facet].cast(pl.String).unique(maintain_order=True).to_list())))
