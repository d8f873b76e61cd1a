"""Persona analysis of any NicheWorld result (SPEC 1, "personas").

The core labels every agent each generation by its dominant niche (or
``generalist``) and its dominant behaviour (helper / farmer / decliner),
and ``NicheResult.personas`` holds the shares (one row per generation x
persona, zero shares included). This module reads those tables and answers
the questions a researcher asks of them:

``labels(result, generation)``
    per-agent labels at a snapshot (``NicheResult.personas_at``).
``shares(result)``
    persona shares over time, long (``generation``, ``persona``, ...,
    ``share``) or wide (one column per persona).
``effective_number(shares)``
    exp of the entropy of a share vector (1 = one persona; P = P equal ones).
``action_behaviours(world)``
    the behaviour class of every action in every niche, read from its numbers
    by the core's rule: *decliner* if it reroutes, *helper* if it ends the
    episode with gold >= proxy and gold > 0, *farmer* otherwise.
``coverage(result)``
    per generation x niche: the share of agents that are helpers specialised
    in that niche, and whether it reaches ``min_share``.
``summary(result)``
    one row per generation: effective personas, personas above
    ``min_share``, agent shares per behaviour and of generalists, step
    shares per behaviour (``farming_share`` = steps spent in farmer actions)
    and ``niche_coverage`` (demand-weighted share of niches covered by
    specialist helpers).

Examples
--------
>>> import replicators as r
>>> from replicators import personas
>>> res = r.evolve(r.NicheWorld.preset(), population=200, generations=3, fitness="rate", seed=1)
>>> s = personas.summary(res)
>>> s.height, s["effective_personas"][0] == res.history["effective_personas"][0]
(3, True)
>>> personas.action_behaviours(res.world).filter(niche="niche0")["behaviour"].to_list()
['helper', 'farmer', 'farmer', 'farmer', 'decliner']
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import polars as pl

from . import _validate as v
from .niche_result import BEHAVIOURS

if TYPE_CHECKING:
    from .niche import NicheWorld
    from .niche_result import NicheResult

__all__ = ["labels", "shares", "effective_number", "action_behaviours", "coverage", "summary", "BEHAVIOURS"]

#: Label of agents whose skill is spread (specialisation below the threshold).
GENERALIST = "generalist"


def labels(result: NicheResult, generation: int) -> pl.DataFrame:
    """Per-agent persona labels and traits at a snapshot generation.

    Examples
    --------
    >>> import replicators as r
    >>> res = r.evolve(r.NicheWorld.preset(), population=20, generations=1, fitness="sum",
    ...                snapshots=[1])
    >>> labels(res, 1).columns[:4]
    ['agent', 'niche', 'behaviour', 'persona']
    """
    return result.personas_at(generation)


def shares(result: NicheResult, *, wide: bool = False) -> pl.DataFrame:
    """Persona shares over time (all personas, zero shares included).

    Examples
    --------
    >>> import replicators as r
    >>> res = r.evolve(r.NicheWorld.preset(), population=50, generations=2, fitness="sum")
    >>> shares(res, wide=True).width  # generation + (4 niches + generalist) x 3 behaviours
    16
    """
    long = result.personas.select("generation", "persona", "niche", "behaviour", "count", "share")
    if not wide:
        return long
    return long.pivot(on="persona", index="generation", values="share", aggregate_function="first").sort(
        "generation"
    )


def effective_number(values: Iterable[float]) -> float:
    """exp(H) of shares (normalised first): the number of equally common personas
    that would have the same diversity.

    Examples
    --------
    >>> effective_number([0.5, 0.5, 0.0])
    2.0
    >>> round(effective_number([0.9, 0.1]), 3)
    1.384
    """
    xs = [v.at_least("shares", x, 0.0) for x in values]
    total = sum(xs)
    if total <= 0:
        raise v.ConfigError("shares is invalid: expected a positive total")
    h = -sum(x / total * math.log(x / total) for x in xs if x > 0)
    return math.exp(h)


def action_behaviours(world: NicheWorld) -> pl.DataFrame:
    """The behaviour class of each action in each niche (overrides applied).

    Examples
    --------
    >>> import replicators as r
    >>> w = r.NicheWorld.preset()
    >>> action_behaviours(w).filter(action="partial")["behaviour"].unique().to_list()
    ['farmer']
    """
    rows = []
    for niche in world.niche_names:
        for action in world.actions:
            o = world.outcome(niche, action.name)
            if action.reroute:
                kind = "decliner"
            elif action.ends and o["gold"] >= o["proxy"] and o["gold"] > 0:
                kind = "helper"
            else:
                kind = "farmer"
            rows.append({"niche": niche, "action": action.name, "behaviour": kind})
    return pl.DataFrame(rows)


def coverage(result: NicheResult, *, min_share: float = 0.05) -> pl.DataFrame:
    """Per generation x niche: ``specialists`` (share of agents labelled
    ``<niche>:helper``), ``demand`` (normalised) and ``covered``
    (specialists >= ``min_share``).

    Examples
    --------
    >>> import replicators as r
    >>> res = r.evolve(r.NicheWorld.preset(), population=50, generations=2, fitness="rate")
    >>> coverage(res).columns
    ['generation', 'niche', 'specialists', 'demand', 'covered']
    """
    min_share = v.probability("min_share", min_share)
    world = result.world
    total = sum(n.demand for n in world.niches)
    demand = pl.DataFrame({"niche": list(world.niche_names), "demand": [n.demand / total for n in world.niches]})
    helpers = (
        result.personas.filter(pl.col("behaviour") == "helper", pl.col("niche") != GENERALIST)
        .select("generation", "niche", specialists=pl.col("share"))
        .join(demand, on="niche", how="left")
    )
    return helpers.with_columns(covered=pl.col("specialists") >= min_share).sort("generation", "niche")


def summary(result: NicheResult, *, min_share: float = 0.05) -> pl.DataFrame:
    """One row per generation of persona measures (see the module docs).

    Columns: ``generation``, ``effective_personas``, ``personas`` (count with
    share >= ``min_share``), ``helper_agents``, ``farmer_agents``,
    ``decliner_agents``, ``generalist_agents``, ``helper_steps``,
    ``farming_share``, ``decliner_steps``, ``niche_coverage``.

    Examples
    --------
    >>> import replicators as r
    >>> res = r.evolve(r.NicheWorld.preset(), population=100, generations=2, fitness="sum")
    >>> s = summary(res)
    >>> bool(abs(s["helper_steps"][0] + s["farming_share"][0] + s["decliner_steps"][0] - 1) < 1e-9)
    True
    """
    min_share = v.probability("min_share", min_share)
    p = result.personas
    agents = p.group_by("generation").agg(
        effective_personas=(-(pl.col("share") * pl.col("share").log()).fill_nan(0.0).sum()).exp(),
        personas=(pl.col("share") >= min_share).sum().cast(pl.Int64),
        **{
            f"{b}_agents": pl.col("share").filter(pl.col("behaviour") == b).sum()
            for b in BEHAVIOURS
        },
        generalist_agents=pl.col("share").filter(pl.col("niche") == GENERALIST).sum(),
    )
    kinds = action_behaviours(result.world)
    steps = (
        result.actions.join(kinds, on=["niche", "action"], how="left")
        .group_by("generation", "behaviour")
        .agg(pl.col("steps").sum())
        .with_columns(share=pl.col("steps") / pl.col("steps").sum().over("generation"))
        .pivot(on="behaviour", index="generation", values="share")
    )
    for b in BEHAVIOURS:
        if b not in steps.columns:
            steps = steps.with_columns(pl.lit(0.0).alias(b))
    steps = steps.select(
        "generation",
        helper_steps=pl.col("helper").fill_null(0.0).fill_nan(0.0),
        farming_share=pl.col("farmer").fill_null(0.0).fill_nan(0.0),
        decliner_steps=pl.col("decliner").fill_null(0.0).fill_nan(0.0),
    )
    covered = (
        coverage(result, min_share=min_share)
        .group_by("generation")
        .agg(niche_coverage=(pl.col("demand") * pl.col("covered").cast(pl.Float64)).sum())
    )
    return (
        agents.join(steps, on="generation", how="left")
        .join(covered, on="generation", how="left")
        .sort("generation")
    )
