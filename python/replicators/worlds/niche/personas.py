"""Persona analysis of any NicheWorld result (SPEC 1, "personas").

The core labels every agent each generation by its dominant niche (or
``generalist``) and its dominant behaviour (helper / farmer / decliner),
and ``NicheResult.personas`` holds the shares (one row per generation x
persona, zero shares included). This module reads those tables and answers
the questions a researcher asks of them:

``of_genomes(world, genomes)``
    per-agent labels and traits of any genome matrix (the core labels them).
``labels(result, generation)``
    per-agent labels at a snapshot (``NicheResult.personas_at``).
``shares(result)``
    persona shares over time, long (``generation``, ``persona``, ...,
    ``share``) or wide (one column per persona).
``effective_number(shares)``
    exp of the entropy of a share vector (1 = one persona; P = P equal ones).
``action_behaviours(world)``
    the behaviour class of every action in every niche, as the core reads
    it from the action's numbers (see "The rule" below).
``coverage(result)``
    per generation x niche: the share of agents that are helpers specialised
    in that niche, and whether it reaches ``min_share``.
``summary(result)``
    one row per generation: effective personas, personas above
    ``min_share``, agent shares per behaviour and of generalists, step
    shares per behaviour (``farming_share`` = steps spent in farmer actions,
    split into ``lengthening_share`` and ``returning_share``) and
    ``niche_coverage`` (demand-weighted share of niches covered by
    specialist helpers).

The rule (owned by the Rust core, ``rust/core/src/niche/persona.rs``; this
module asks the core and never re-implements it): an action is a
*decliner* if it reroutes, a *helper* if it ends the episode with
gold >= proxy and gold > 0, a *farmer* otherwise (it keeps the user, or
scores more than it gives). An agent's niche label is the argmax of its
skill weights, or ``generalist`` when its specialisation index
1 - H(w)/ln K is below ``specialist_threshold`` (default 0.5). Its
behaviour is read from its policy in every niche weighted by demand (a
specialist who solves in one niche and half-solves in three is mostly a
farmer): helper or farmer, whichever has more demand-weighted policy mass;
declining passes the user on and outvotes neither, so an agent is a
decliner only if declining is its most likely class in every niche.

Farming splits by how a farmer action earns: *lengthening* if it does not
end the episode (engage, flatter), *returning* if it ends and brings the
user back (follow-ups; partial), *other* if it ends with no follow-up and
scores more than it gives. ``farming_share`` = lengthening + returning +
other shares of steps.

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
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from ... import _core
from ... import _validate as v
from ...errors import ConfigError, invalid

if TYPE_CHECKING:
    from .result import NicheResult
    from .world import NicheWorld

__all__ = [
    "of_genomes", "labels", "shares", "effective_number", "action_behaviours", "coverage", "summary", "BEHAVIOURS", "FARMING",
]

#: Behaviour classes of personas, in the core's order.
BEHAVIOURS: tuple[str, ...] = tuple(_core.niche_behaviour_names())
#: Farming kinds of actions, in the core's order ("none" for non-farmer actions).
FARMING: tuple[str, ...] = tuple(_core.names("niche.farming"))
#: Label of agents whose skill is spread (specialisation below the threshold).
GENERALIST = "generalist"


def tagged(labels: np.ndarray, names: tuple[str, ...]) -> pl.Series:
    """The names of integer labels, as a string column."""
    return pl.Series(np.asarray(names, dtype=object)[labels].tolist(), dtype=pl.String)


def of_genomes(world: NicheWorld, genomes: Any, specialist_threshold: float = 0.5) -> pl.DataFrame:
    """Label each genome (row) by persona, with its traits.

    Returns one row per agent: ``agent``, ``niche`` (name or ``generalist``),
    ``behaviour``, ``persona``, ``specialization``, ``entropy``, ``kl``
    (from the rows' own mean policy), ``skill``.

    Examples
    --------
    >>> import replicators as r
    >>> w = r.NicheWorld.preset()
    >>> g = w.genome(action_logits=[6, 0, 0, 0, 0], skill_logits=[9, 0, 0, 0])
    >>> of_genomes(w, g[None, :])["persona"].to_list()
    ['niche0:helper']
    """
    g = np.ascontiguousarray(v.array("genomes", genomes))
    if g.ndim != 2:
        raise ConfigError(f"genomes has shape {g.shape}: expected (agents, {world.genome_width})")
    t = _core.niche_traits(world._tables(), g, v.probability("specialist_threshold", specialist_threshold))
    niche = tagged(t["niche"], (*world.niche_names, GENERALIST))
    behaviour = tagged(t["behaviour"], BEHAVIOURS)
    return pl.DataFrame(
        {
            "agent": np.arange(g.shape[0]),
            "niche": niche,
            "behaviour": behaviour,
            "persona": niche + ":" + behaviour,
            "specialization": t["specialization"],
            "entropy": t["entropy"],
            "kl": t["kl"],
            "skill": t["skill"],
        }
    )


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
    if not isinstance(wide, bool):
        raise ConfigError(f"wide = {wide!r} is invalid: expected True or False")
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
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise invalid("values", values, "shares (non-negative numbers)")
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
    k, a = len(world.niches), len(world.actions)
    tables = world._tables()
    classes = np.asarray(_core.niche_behaviours(tables))
    kinds = np.asarray(_core.niche_farming(tables))
    return pl.DataFrame({
        "niche": [n for n in world.niche_names for _ in range(a)],
        "action": list(world.action_names) * k,
        "behaviour": tagged(classes, BEHAVIOURS),
        "farming": tagged(kinds, FARMING),
    })


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
    ``farming_share``, ``decliner_steps``, ``lengthening_share``,
    ``returning_share``, ``niche_coverage``.

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
    split = (
        result.actions.join(kinds, on=["niche", "action"], how="left")
        .group_by("generation")
        .agg(
            lengthening_share=pl.col("steps").filter(pl.col("farming") == "lengthening").sum()
            / pl.col("steps").sum(),
            returning_share=pl.col("steps").filter(pl.col("farming") == "returning").sum() / pl.col("steps").sum(),
        )
        .with_columns(pl.col("lengthening_share", "returning_share").fill_nan(0.0))
    )
    steps = steps.join(split, on="generation", how="left")
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
