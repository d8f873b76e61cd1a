"""Persona shares over generations as a stacked area, one panel per run.

Examples
--------
>>> import replicators as r
>>> from replicators.charts import persona_shares
>>> res = r.evolve(r.NicheWorld.preset(), population=50, generations=5, fitness="rate")
>>> type(persona_shares(res)).__name__
'LayerChart'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from ..errors import ConfigError
from . import style
from ._data import checked, inline, require

__all__ = ["persona_shares"]


@checked
def persona_shares(
    data: Any,
    *,
    where: Mapping[str, Any] | None = None,
    facet: str | None = None,
    min_share: float = 0.02,
    width: int = 480,
    height: int = 200,
) -> Any:
    """Share of agents per persona against generation, run by run: one
    small panel per seed (rows), never an average over seeds, which can
    show personas coexisting that no run had. Long runs are drawn at every
    k-th generation (at most about 120 points per run).

    Parameters
    ----------
    data
        A NicheResult (its ``personas``), a sweep with a ``personas`` table,
        or a DataFrame with ``generation``, ``persona``, ``share`` (and
        ``seed`` for several runs).
    where
        Keep rows whose columns equal these values (e.g. ``{"pressure": 1.0}``).
    facet
        A column to draw side by side (e.g. ``"fitness"``).
    min_share
        Personas never reaching this share are pooled as ``other``.
    """
    import altair as alt

    if isinstance(data, pl.DataFrame):
        frame = data
    elif isinstance(getattr(data, "tables", None), dict) and "personas" in data.tables:
        frame = data.tables["personas"]
    elif isinstance(getattr(data, "personas", None), pl.DataFrame):
        frame = data.personas
    else:
        raise ConfigError("data is invalid: expected a NicheResult, a sweep with personas, or a DataFrame")
    require(frame, ["generation", "persona", "share"], "data")
    for key, value in (where or {}).items():
        require(frame, [key], "where")
        frame = frame.filter(pl.col(key) == value)
    if frame.height == 0:
        raise ConfigError(f"where = {dict(where or {})!r} is invalid: no rows match")
    if facet:
        require(frame, [facet], "facet")
    runs = ["seed"] if "seed" in frame.columns else []
    keys = ([facet] if facet else []) + runs
    if "run" in frame.columns and keys:
        # One panel is one run: other grid columns must be pinned by `where`.
        mixed = frame.group_by(keys).agg(pl.col("run").n_unique()).filter(pl.col("run") > 1)
        if mixed.height:
            raise ConfigError("where is invalid: several runs share a panel; pin the other grid columns "
                              "(e.g. where={'pressure': ...}) so each (facet, seed) is one run")
    # At most ~120 generations per run are drawn (every k-th and the last):
    # an area over more points looks the same and costs seconds per chart.
    gens = frame["generation"].unique().sort()
    step = max(1, -(-gens.len() // 120))
    if step > 1:
        keep = gens.gather_every(step).append(gens.tail(1)).unique()
        frame = frame.filter(pl.col("generation").is_in(keep.implode()))
    per = frame.group_by(*keys, "generation", "persona").agg(pl.col("share").sum())
    top = per.group_by("persona").agg(pl.col("share").max()).filter(pl.col("share") >= min_share)["persona"]
    per = (
        per.with_columns(persona=pl.when(pl.col("persona").is_in(top.implode())).then("persona").otherwise(pl.lit("other")))
        .group_by(*keys, "generation", "persona")
        .agg(pl.col("share").sum())
        .sort(*keys, "generation", "persona")
    )
    tip = [*(f"{k}:N" for k in keys), "persona:N", "generation:Q", alt.Tooltip("share:Q", format=".3f")]
    chart = (
        alt.Chart()
        .mark_area()
        .encode(
            x=alt.X("generation:Q", title=style.title("generation")),
            y=alt.Y("share:Q", stack="zero", title="share", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("persona:N", title="persona (niche:behaviour)"),
            tooltip=tip,
        )
        .properties(width=width, height=height)
    )
    if not keys:
        return alt.layer(chart, data=inline(per))
    row = alt.Row("seed:N", title="one run per row (seed)") if runs else alt.Undefined
    column = (alt.Column(f"{facet}:N", title=style.title(facet),
                         sort=style.order(facet, per[facet].cast(pl.String).unique(maintain_order=True).to_list()))
              if facet else alt.Undefined)
    return alt.layer(chart, data=inline(per)).facet(row=row, column=column)
