"""``tradeoff``: when do personas appear, and when generalists?

Grid: the skill trade-off exponent (skill_k = capacity * w_k ** tradeoff;
> 1 makes spreading costly) x fitness, on the ``assistant`` preset. The
measures to read: effective number of personas, specialisation index, niche
coverage by specialist helpers, the helper share of agents, and gold per
request.

Examples
--------
>>> from replicators.experiments.tradeoff import tradeoff
>>> res = tradeoff(tradeoffs=(0.5, 3.0), fitness=("rate",), population=60, generations=4, seeds=2)
>>> sorted(res.per_run["tradeoff"].unique())
[0.5, 3.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .. import _validate as v
from ..worlds.niche.world import FITNESS, NicheWorld
from ..selection import Mutation, Proportional
from .niche_runs import COMPARED, base_world, measure, persona_table
from .._callable import callable_module
from ..sweeps import Progress, Sizes, SweepResult, levels, sweep

__all__ = ["tradeoff", "TRADEOFFS"]

#: Default trade-off exponents.
TRADEOFFS = (0.5, 1.0, 2.0, 4.0)


def tradeoff(
    *,
    tradeoffs: Sequence[float] = TRADEOFFS,
    fitness: Sequence[str] = COMPARED,
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
    """Run the trade-off x fitness grid (tables ``runs``, ``per_run``,
    ``cells``, ``personas``).

    Parameters
    ----------
    tradeoffs
        Trade-off exponents (> 0).
    fitness, pressure, world
        Fitness modes, selection pressure and base world (``assistant``).
    population, generations, seeds, seed, threads, mutation, progress
        Sizes, as in ``sum_vs_rate``.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Sizes().mutation)
    exps = [v.at_least("tradeoffs", x, 0.0, strict=True) for x in levels("tradeoffs", tradeoffs)]
    fitness = [v.choice("fitness", f, FITNESS) for f in levels("fitness", fitness)]
    selection = Proportional(pressure=v.at_least("pressure", pressure, 0.0))
    base = base_world(world)

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        return replace(base, tradeoff=cell["tradeoff"]), {
            **sizes.evolve_kwargs(), "fitness": cell["fitness"], "selection": selection}

    return sweep(
        {"tradeoff": exps, "fitness": fitness}, build, seeds=sizes.seeds, seed=sizes.seed, measure=measure,
        tables={"personas": persona_table}, threads=sizes.threads, progress=progress, name="tradeoff",
        config={**sizes.config(), "pressure": selection.pressure, "world": base.to_toml()},
    )


callable_module(__name__)
