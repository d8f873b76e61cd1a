"""Gold and proxy reward against sqrt(KL from the initial policy).

Examples
--------
>>> import polars as pl
>>> from replicators.charts import gold_vs_kl
>>> df = pl.DataFrame({"capacity": [1.0] * 3, "generation": [0, 1, 2], "sqrt_kl": [0.0, 0.3, 0.5],
...                    "proxy_per_need": [0.9, 1.2, 1.5], "gold_per_need": [0.3, 0.2, 0.0]})
>>> type(gold_vs_kl(df)).__name__
'FacetChart'
"""

from __future__ import annotations

from typing import Any

import polars as pl

from . import style
from ._data import checked, dims_of, inline, require, runs_frame, series_label

__all__ = ["gold_vs_kl"]


@checked
def gold_vs_kl(
    data: Any,
    *,
    by: list[str] | None = None,
    width: int = 300,
    height: int = 220,
) -> Any:
    """Proxy and gold per need (two panels) against sqrt(KL), one line per
    grid cell (``by``; default the sweep's grid, or ``capacity`` if present),
    each point a generation averaged over seeds.

    ``data``: a goodhart sweep (its ``runs``), a result (its ``history``;
    ``sqrt_kl`` is computed from ``kl_from_initial``) or a DataFrame.
    """
    import altair as alt

    frame = runs_frame(data)
    if "sqrt_kl" not in frame.columns and "kl_from_initial" in frame.columns:
        frame = frame.with_columns(sqrt_kl=pl.col("kl_from_initial").clip(lower_bound=0.0).sqrt())
    require(frame, ["generation", "sqrt_kl", "proxy_per_need", "gold_per_need"], "data")
    if by is None:
        by = dims_of(data, frame) or [c for c in ("capacity",) if c in frame.columns]
    ys = ["proxy_per_need", "gold_per_need"]
    means = frame.group_by(*by, "generation").agg(pl.col("sqrt_kl", *ys).mean())
    long = (
        means.with_columns(series=series_label(means, by))
        .unpivot(index=["series", "generation", "sqrt_kl"], on=ys, variable_name="reward", value_name="value")
        .with_columns(pl.col("reward").str.replace("_per_need", ""))
        .sort("reward", "series", "generation")
    )
    return (
        alt.Chart(inline(long))
        # Points only while they can be told apart; long runs draw lines.
        .mark_line(point=alt.OverlayMarkDef(size=12) if means["generation"].n_unique() <= 60 else False)
        .encode(
            x=alt.X("sqrt_kl:Q", title=style.title("sqrt_kl")),
            y=alt.Y("value:Q", title="reward per need"),
            color=style.color("series", long["series"].unique(maintain_order=True).to_list(),
                              palette=by[0] if len(by) == 1 else None,
                              legend=style.title(by[0]) if len(by) == 1 else ", ".join(by) or "run"),
            order="generation:Q",
            tooltip=["series:N", "generation:Q", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=width, height=height)
        .facet(column=alt.Column("reward:N", title="reward (proxy: what selection sees; gold: true value)"))
    )
