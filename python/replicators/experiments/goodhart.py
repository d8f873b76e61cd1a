"""``goodhart``: gold and proxy reward against sqrt(KL from the initial policy).

Over a run, selection moves the population away from its initial policy;
the KL divergence measures how far (``kl_from_initial``, demand-weighted
over niches). Plotting proxy and gold per need against sqrt(KL) gives the
Goodhart curve: the proxy climbs, while gold may rise and then fall. The
grid varies the genome's capacity (the skill of a full specialist) and the
fitness mode; ``curve`` averages the per-generation points over seeds.

Examples
--------
>>> from replicators.experiments.goodhart import goodhart, curve
>>> res = goodhart(capacities=(0.5, 1.0), population=60, generations=5, seeds=2)
>>> c = curve(res)
>>> c.height, {"sqrt_kl", "gold_per_need", "proxy_per_need"} <= set(c.columns)
(10, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import polars as pl

from .. import _validate as v
from ..worlds.niche.world import FITNESS, NicheWorld
from ..selection import Mutation, Proportional
from .niche_runs import base_world, measure
from .._callable import callable_module
from ..sweeps import Progress, Sizes, SweepResult, levels, sweep

__all__ = ["goodhart", "curve", "CAPACITIES"]

#: Default capacities.
CAPACITIES = (0.25, 0.5, 0.75, 1.0)


def goodhart(
    *,
    capacities: Sequence[float] = CAPACITIES,
    fitness: Sequence[str] = ("sum",),
    pressure: float = 1.0,
    world: NicheWorld | None = None,
    population: int = 1000,
    generations: int = 200,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    mutation: Mutation | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the capacity x fitness grid; read ``runs`` (or ``curve``) for the curves.

    Parameters
    ----------
    capacities
        Skill of a full specialist, in [0, 1].
    fitness, pressure, world
        Fitness modes (default ``sum``), pressure and base world (``assistant``).
    population, generations, seeds, seed, threads, mutation, progress
        Sizes, as in ``sum_vs_rate``.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Sizes().mutation)
    caps = [v.probability("capacities", x) for x in levels("capacities", capacities)]
    fitness = [v.choice("fitness", f, FITNESS) for f in levels("fitness", fitness)]
    selection = Proportional(pressure=v.at_least("pressure", pressure, 0.0))
    base = base_world(world)

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        return replace(base, capacity=cell["capacity"]), {
            **sizes.evolve_kwargs(), "fitness": cell["fitness"], "selection": selection}

    return sweep(
        {"capacity": caps, "fitness": fitness}, build, seeds=sizes.seeds, seed=sizes.seed, measure=measure,
        threads=sizes.threads, progress=progress, name="goodhart",
        config={**sizes.config(), "pressure": selection.pressure, "world": base.to_toml()},
    )


def curve(result: SweepResult) -> pl.DataFrame:
    """Per capacity x fitness x generation: sqrt(KL), proxy and gold per
    request, averaged over seeds."""
    return (
        result.runs.group_by("capacity", "fitness", "generation")
        .agg(pl.col("sqrt_kl", "proxy_per_need", "gold_per_need").mean())
        .sort("capacity", "fitness", "generation")
    )


callable_module(__name__)
