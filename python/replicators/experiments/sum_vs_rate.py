"""``sum_vs_rate``: does selection on the rate of reward give helpers, and on
the sum engagement farmers?

Grid: fitness {sum, rate, episode_rate} x selection pressure (``Proportional``
on standardised fitness; pressure 0 is neutral drift, the control) on the
``assistant`` preset (SPEC 1). Every cell runs once per seed from the
uniform policy; the summary averages each run's last 20% of generations.
The headline measures (``HEADLINE``): gold per need, proxy per need,
mean episode length, farming share of steps (engage + flatter + partial,
the actions that keep the user or score more than they give), effective
number of personas, niche coverage and specialisation.

Examples
--------
>>> from replicators.experiments.sum_vs_rate import sum_vs_rate
>>> res = sum_vs_rate(pressures=(0.0, 2.0), population=100, generations=5, seeds=2)
>>> res.per_run.height, sorted(res.per_run["fitness"].unique())
(12, ['episode_rate', 'rate', 'sum'])
>>> res.wide(["gold_per_need"]).columns[:4]
['fitness', 'pressure', 'gold_per_need', 'gold_per_need_low']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _validate as v
from ..worlds.niche.world import FITNESS, NicheWorld
from ..selection import Mutation, Proportional
from .niche_runs import COMPARED, base_world, measure, persona_table
from .._callable import callable_module
from ..sweeps import Progress, Sizes, SweepResult, levels, sweep

__all__ = ["sum_vs_rate", "PRESSURES"]

#: Default pressure levels (0 = neutral drift).
PRESSURES = (0.0, 0.5, 1.0, 2.0, 4.0)


def sum_vs_rate(
    *,
    fitness: Sequence[str] = COMPARED,
    pressures: Sequence[float] = PRESSURES,
    world: NicheWorld | None = None,
    population: int = 1000,
    generations: int = 200,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    mutation: Mutation | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the sum-vs-rate grid; returns a ``SweepResult`` (tables ``runs``,
    ``per_run``, ``cells`` and ``personas``).

    Parameters
    ----------
    fitness
        Fitness modes to compare.
    pressures
        Selection pressures (>= 0).
    world
        The world (default: the ``assistant`` preset).
    population, generations, seeds, seed, threads, mutation
        Sizes (``Sizes``); default mutation: rate 0.2, scale 0.3.
    progress
        True for a progress bar, or a callable fed generation increments.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Sizes().mutation)
    fitness = [v.choice("fitness", f, FITNESS) for f in levels("fitness", fitness)]
    pressures = [v.at_least("pressures", p, 0.0) for p in levels("pressures", pressures)]
    world = base_world(world)

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        return world, {**sizes.evolve_kwargs(), "fitness": cell["fitness"],
                       "selection": Proportional(pressure=cell["pressure"])}

    return sweep(
        {"fitness": fitness, "pressure": pressures}, build, seeds=sizes.seeds, seed=sizes.seed,
        measure=measure, tables={"personas": persona_table}, threads=sizes.threads, progress=progress,
        name="sum_vs_rate", config={**sizes.config(), "world": world.to_toml()},
    )


callable_module(__name__)
