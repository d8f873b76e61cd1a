"""``competition``: users who choose their assistant (SPEC 1.1).

Three questions, three functions:

``competition``
    Grid: shortlist x choose_by x fitness (x tradeoff x time_budget) on the
    ``assistant`` preset under ``routing = "choice"``. Does choice by gold
    (reputation) discipline engagement farming under ``sum``, and does
    choice by proxy (ratings) not? The measures to read: gold per need,
    ``lengthening_share`` and ``returning_share`` (the two kinds of
    farming), effective personas, niche coverage.
``persona_phases``
    Grid: shortlist x tradeoff x regime, with regime ``sum`` (no budget),
    ``sum+budget`` (a time budget per agent) and ``rate``: the persona
    phase diagram (``charts.persona_phases``), effective personas where
    they appear and where they vanish.
``ideal_free_check``
    Full specialists in a world without reroutes, under choice at several
    shortlists and demand vectors, and under uniform routing: their settled
    shares beside ``analytic.ideal_free``'s prediction, with intervals over
    seeds (``charts.ideal_free``).

A shortlist of 1 is uniform routing when no budget binds (SPEC 1.1); with a
budget it draws among the agents with time left.

Examples
--------
>>> from replicators.experiments.competition import competition, ideal_free_check
>>> res = competition(shortlists=(1, 4), choose_by=("gold",), fitness=("sum",), population=60,
...                   generations=3, seeds=2)
>>> res.dims
('shortlist', 'choose_by', 'fitness', 'tradeoff', 'time_budget')
>>> t = ideal_free_check(demands=[(0.6, 0.4)], shortlists=(2,), population=100, generations=4, seeds=2)
>>> t.columns[:5]
['demand', 'routing', 'shortlist', 'niche', 'predicted']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from .. import _validate as v
from .._callable import callable_module
from ..errors import ConfigError
from ..selection import Mutation, Proportional
from ..worlds.niche.analytic import ideal_free
from ..worlds.niche.world import FITNESS, Action, Niche, NicheWorld
from .niche_runs import base_world, measure, persona_table
from ..sweeps import Progress, Sizes, SweepResult, interval, levels, sweep

__all__ = ["competition", "persona_phases", "ideal_free_check", "within", "specialist_world", "specialists",
           "SHORTLISTS", "REGIMES", "DEMANDS"]

#: Default shortlist sizes.
SHORTLISTS = (1, 2, 4, 8)
#: The persona phase diagram's regimes: fitness, and whether a time budget binds.
REGIMES = ("sum", "sum+budget", "rate")
#: Default demand vectors of the ideal-free check.
DEMANDS = ((0.4, 0.3, 0.2, 0.1), (0.55, 0.25, 0.15, 0.05))


def _shortlists(values: Sequence[int]) -> list[int]:
    return [v.integer("shortlists", m, 1) for m in levels("shortlists", values)]


def _budget(x: Any) -> int | None:
    return None if x is None else v.integer("time_budget", x, 1)


def competition(
    *,
    shortlists: Sequence[int] = SHORTLISTS,
    choose_by: Sequence[str] = ("gold", "proxy"),
    fitness: Sequence[str] = ("sum", "rate"),
    tradeoffs: Sequence[float] = (4.0,),
    time_budget: Sequence[int | None] = (None,),
    decline_steps: int = 1,
    pressure: float = 1.0,
    initial_spread: float = 1.0,
    world: NicheWorld | None = None,
    population: int = 1000,
    generations: int = 300,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    mutation: Mutation | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the shortlist x choose_by x fitness x tradeoff x time_budget grid
    (tables ``runs``, ``per_run``, ``cells``, ``personas``).

    Parameters
    ----------
    shortlists
        Shortlist sizes (1-64, at most the population).
    choose_by
        What users choose on: ``gold`` (reputation), ``proxy`` (ratings).
    fitness, tradeoffs, time_budget
        Fitness modes; skill trade-off exponents (> 0; default 4, which
        makes spreading costly); time budgets in steps per agent per
        generation (``None``: unlimited).
    decline_steps
        Whether declining costs a step (1) or not (0).
    pressure, initial_spread
        Selection pressure (``Proportional``) and the spread of the initial
        genomes (a diverse start, so that specialists can be found).
    world
        Base world (``assistant``); its routing knobs are replaced.
    population, generations, seeds, seed, threads, mutation, progress
        Sizes, as in ``sum_vs_rate``.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Sizes().mutation)
    grid = {
        "shortlist": _shortlists(shortlists),
        "choose_by": [v.choice("choose_by", b, ("gold", "proxy")) for b in levels("choose_by", choose_by)],
        "fitness": [v.choice("fitness", f, FITNESS) for f in levels("fitness", fitness)],
        "tradeoff": [v.at_least("tradeoffs", x, 0.0, strict=True) for x in levels("tradeoffs", tradeoffs)],
        "time_budget": [_budget(b) for b in levels("time_budget", time_budget)],
    }
    selection = Proportional(pressure=v.at_least("pressure", pressure, 0.0))
    spread = v.at_least("initial_spread", initial_spread, 0.0)
    base = replace(base_world(world), decline_steps=v.integer("decline_steps", decline_steps, 0))

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        w = replace(base, routing="choice", shortlist=cell["shortlist"], choose_by=cell["choose_by"],
                    tradeoff=cell["tradeoff"], time_budget=cell["time_budget"])
        return w, {**sizes.evolve_kwargs(), "fitness": cell["fitness"], "selection": selection,
                   "initial_spread": spread}

    return sweep(
        grid, build, seeds=sizes.seeds, seed=sizes.seed, measure=measure, tables={"personas": persona_table},
        threads=sizes.threads, progress=progress, name="competition",
        config={**sizes.config(), "pressure": selection.pressure, "initial_spread": spread,
                "decline_steps": base.decline_steps, "world": base.to_toml()},
    )


def persona_phases(
    *,
    shortlists: Sequence[int] = SHORTLISTS,
    tradeoffs: Sequence[float] = (0.5, 1.0, 2.0, 4.0),
    regimes: Sequence[str] = REGIMES,
    budget: int = 40,
    choose_by: str = "gold",
    pressure: float = 1.0,
    initial_spread: float = 1.0,
    world: NicheWorld | None = None,
    population: int = 1000,
    generations: int = 300,
    seeds: int = 2,
    seed: int = 0,
    threads: int | None = None,
    mutation: Mutation | None = None,
    progress: Progress = False,
) -> SweepResult:
    """The persona phase diagram: effective personas (and every other
    measure) over shortlist x tradeoff, per regime.

    Parameters
    ----------
    regimes
        Any of ``sum`` (no budget), ``sum+budget`` (``budget`` steps per
        agent per generation: sum becomes reward per lifetime, idle time
        included) and ``rate``.
    budget
        The time budget of ``sum+budget`` (default 40 steps: about four
        farming episodes, or twenty solved ones).
    choose_by, pressure, initial_spread, world, sizes...
        As in ``competition``.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Sizes().mutation)
    grid = {
        "regime": [v.choice("regimes", x, REGIMES) for x in levels("regimes", regimes)],
        "shortlist": _shortlists(shortlists),
        "tradeoff": [v.at_least("tradeoffs", x, 0.0, strict=True) for x in levels("tradeoffs", tradeoffs)],
    }
    budget = v.integer("budget", budget, 1)
    by = v.choice("choose_by", choose_by, ("gold", "proxy"))
    selection = Proportional(pressure=v.at_least("pressure", pressure, 0.0))
    spread = v.at_least("initial_spread", initial_spread, 0.0)
    base = base_world(world)

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        regime = cell["regime"]
        w = replace(base, routing="choice", shortlist=cell["shortlist"], choose_by=by, tradeoff=cell["tradeoff"],
                    time_budget=budget if regime == "sum+budget" else None)
        return w, {**sizes.evolve_kwargs(), "fitness": "rate" if regime == "rate" else "sum",
                   "selection": selection, "initial_spread": spread}

    return sweep(
        grid, build, seeds=sizes.seeds, seed=sizes.seed, measure=measure, tables={"personas": persona_table},
        threads=sizes.threads, progress=progress, name="persona_phases",
        config={**sizes.config(), "pressure": selection.pressure, "initial_spread": spread, "budget": budget,
                "choose_by": by, "world": base.to_toml()},
    )


def specialist_world(demand: Sequence[float], shortlist: int = 1, routing: str = "choice") -> NicheWorld:
    """The world of the ideal-free prediction: niches of the given demand
    (patient users, at most 4 steps), one skilled ending action (``solve``:
    proxy and gold 1) and a free ``decline``, no reroutes, tradeoff 4.

    Examples
    --------
    >>> specialist_world((0.7, 0.3), 2).action_names
    ('solve', 'decline')
    """
    d = [v.at_least("demand", x, 0.0, strict=True) for x in levels("demand", demand, distinct=False)]
    niches = [Niche(name=f"niche{k}", demand=x, patience=1.0, max_steps=4) for k, x in enumerate(d)]
    actions = [Action(name="solve", proxy=1.0, gold=1.0, ends=True, skilled=True), Action(name="decline", reroute=True)]
    return NicheWorld(niches=niches, actions=actions, tradeoff=4.0, max_reroutes=0, routing=routing,
                      shortlist=shortlist, decline_steps=0)


def specialists(world: NicheWorld, population: int) -> np.ndarray:
    """Equal numbers of identical full specialists of every niche: agent i
    solves in niche i mod K (all its skill there) and declines elsewhere.
    Identical copies matter: users pick the best of a shortlist, so between
    two specialists of one niche the one with the marginally higher score
    would win every time, and the mean field assumes equally good ones.

    Examples
    --------
    >>> specialists(specialist_world((0.5, 0.5)), 4).shape
    (4, 6)
    """
    k = len(world.niches)
    if world.action_names[:1] != ("solve",) or "decline" not in world.action_names:
        raise ConfigError("world is invalid: expected a specialist_world (actions solve, ..., decline)")
    rows = []
    for j in range(k):
        logits = np.zeros((k, len(world.actions)))
        logits[:, world.action_names.index("decline")] = 30.0
        logits[j] = 0.0
        logits[j, 0] = 30.0
        skill = np.zeros(k)
        skill[j] = 30.0
        rows.append(world.genome(action_logits=logits, skill_logits=skill))
    return np.array([rows[i % k] for i in range(v.integer("population", population, 2))])


def ideal_free_check(
    *,
    demands: Sequence[Sequence[float]] = DEMANDS,
    shortlists: Sequence[int] = (2, 4, 8),
    uniform: bool = True,
    pressure: float = 0.2,
    population: int = 2000,
    generations: int = 250,
    seeds: int = 5,
    seed: int = 0,
    threads: int | None = None,
    progress: Progress = False,
) -> pl.DataFrame:
    """Settled specialist shares against the ideal free distribution.

    Each run starts from equal numbers of identical full specialists
    (``specialists``), mutation off, selection on ``sum``; a run's share of
    a niche is its mean over the second half of the generations. Returns
    one row per demand x routing x shortlist x niche: ``predicted``
    (``analytic.ideal_free``; for uniform routing, the prediction of the
    largest shortlist, which uniform routing should miss), the mean share
    over seeds with ``sd``, ``stderr``, 95% ``low``/``high``, and
    ``error`` = mean - predicted.

    Pressure 0.2 by default: at pressure 1 the equilibrium at large
    shortlists is overshot each generation (the shares cycle around it),
    so a time average is not the fixed point.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed, threads=threads)
    ms = _shortlists(shortlists)
    selection = Proportional(pressure=v.at_least("pressure", pressure, 0.0))
    rows = []
    for demand in levels("demands", demands):
        label = "(" + ", ".join(f"{x:g}" for x in demand) + ")"
        cases = [("choice", m) for m in ms] + ([("uniform", 1)] if uniform else [])
        grid = {"case": list(range(len(cases)))}

        def build(cell: dict[str, Any], demand: Sequence[float] = demand, cases: list = cases) -> tuple[Any, dict]:
            routing, m = cases[cell["case"]]
            w = specialist_world(demand, m, routing)
            return w, {"population": sizes.population, "generations": sizes.generations, "fitness": "sum",
                       "selection": selection, "mutation": Mutation(rate=0.0),
                       "initial": specialists(w, sizes.population)}

        names = specialist_world(demand).niche_names

        def shares(result: Any, names: tuple[str, ...] = names) -> pl.DataFrame:
            p = result.personas.filter(pl.col("niche") != "generalist")
            wide = p.group_by("generation", "niche").agg(pl.col("share").sum()).pivot(
                on="niche", index="generation", values="share")
            return wide.select("generation", *[pl.col(n).fill_null(0.0) if n in wide.columns else pl.lit(0.0).alias(n)
                                               for n in names])

        res = sweep(grid, build, seeds=sizes.seeds, seed=sizes.seed, measure=shares, tail=0.5,
                    threads=sizes.threads, progress=progress, name="ideal_free_check")
        for c, (routing, m) in enumerate(cases):
            predicted = ideal_free(demand, max(ms) if routing == "uniform" else m)
            per = res.per_run.filter(pl.col("case") == c)
            for k, n in enumerate(names):
                stats = interval(per[n].to_list())
                rows.append({"demand": label, "routing": routing, "shortlist": m, "niche": n,
                             "predicted": float(predicted[k]), **stats,
                             "error": stats["mean"] - float(predicted[k])})
    return pl.DataFrame(rows)


def within(table: pl.DataFrame, *, standard_errors: float = 4.0, floor: float = 0.005) -> pl.DataFrame:
    """``table`` (from ``ideal_free_check``) with ``tolerance`` = k SE +
    ``floor`` and ``matches`` = |error| <= tolerance.

    Examples
    --------
    >>> t = pl.DataFrame({"error": [0.001, 0.1], "stderr": [0.001, 0.001]})
    >>> within(t)["matches"].to_list()
    [True, False]
    """
    if not math.isfinite(standard_errors) or standard_errors <= 0:
        raise ConfigError(f"standard_errors = {standard_errors!r} is invalid: expected a positive number")
    return table.with_columns(tolerance=standard_errors * pl.col("stderr").fill_nan(0.0) + floor).with_columns(
        matches=pl.col("error").abs() <= pl.col("tolerance"))


callable_module(__name__)
