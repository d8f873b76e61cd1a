"""Persona shares over generations as a stacked area.

Examples
--------
>>> import replicators as r
>>> from replicators.charts import persona_shares
>>> res = r.evolve(r.NicheWorld.preset(), population=50, generations=5, fitness="rate")
>>> type(persona_shares(res)).__name__
'Chart'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from ..errors import ConfigError
from ._data import inline, require

__all__ = ["persona_shares"]


def persona_shares(
    data: Any,
    *,
    where: Mapping[str, Any] | None = None,
    facet: str | None = None,
    min_share: float = 0.02,
    width: int = 480,
    height: int = 200,
) -> Any:
    """Share of agents per persona against generation (mean over seeds).

    Parameters
    ----------
    data
        A NicheResult (its ``personas``), a sweep with a ``personas`` table,
        or a DataFrame with ``generation``, ``persona``, ``share``.
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
    keys = [facet] if facet else []
    if facet:
        require(frame, [facet], "facet")
    # Mean over seeds (runs) of each persona's share per generation.
    if "run" in frame.columns:
        runs = frame.group_by(*keys).agg(runs=pl.col("run").n_unique()) if keys else frame.select(
            runs=pl.col("run").n_unique())
    else:
        runs = frame.group_by(*keys).agg(runs=pl.lit(1)) if keys else pl.DataFrame({"runs": [1]})
    per = frame.group_by(*keys, "generation", "persona").agg(pl.col("share").sum())
    per = (per.join(runs, on=keys) if keys else per.join(runs, how="cross")).select(
        *keys, "generation", "persona", share=pl.col("share") / pl.col("runs"))
    top = per.group_by("persona").agg(pl.col("share").max()).filter(pl.col("share") >= min_share)["persona"]
    per = (
        per.with_columns(persona=pl.when(pl.col("persona").is_in(top.implode())).then("persona").otherwise(pl.lit("other")))
        .group_by(*keys, "generation", "persona")
        .agg(pl.col("share").sum())
        .sort(*keys, "generation", "persona")
    )
    chart = (
        alt.Chart(inline(per))
        .mark_area()
        .encode(
            x=alt.X("generation:Q"),
            y=alt.Y("share:Q", stack="zero", title="share of agents", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("persona:N", title="persona (niche:behaviour)"),
            tooltip=["persona:N", "generation:Q", alt.Tooltip("share:Q", format=".3f")],
        )
        .properties(width=width, height=height)
    )
    return chart.facet(column=alt.Column(f"{facet}:N")) if facet else chart
