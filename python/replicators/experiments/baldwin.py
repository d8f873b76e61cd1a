"""``baldwin``: does learned behaviour become innate?

Population-based training (SPEC 5, ``replicators.learn.Learn``): each
generation every agent learns for ``iterations`` iterations of PPO from the
genome it inherited, then serves a NicheWorld generation with what it
learned, and selection acts on what is inherited. Grid: ``inherit``
{``none`` (no learning: plain ``evolve``, the control), ``innate``
(Darwinian: offspring start from the parent's starting logits),
``learned`` (Lamarckian)} x ``objective`` (the fitness, and the learner's
``returns``: ``sum`` or ``rate``) on the ``assistant`` preset.

The measures to read (per need, the exact evaluator's unit, averaged over
agents): ``innate_proxy_per_need`` and ``innate_gold_per_need`` (what the
inherited genomes do), ``learned_proxy_per_need`` and
``learned_gold_per_need`` (what the agents do after learning, the
behaviour that is selected), their gaps ``learning_gain_proxy`` and
``learning_gain_gold``, and ``learning_kl`` (how far learning moves an
agent). Learned behaviour becoming innate shows, under ``innate``, as the
innate value rising towards the learned one faster than without learning,
and the gain and ``learning_kl`` shrinking over generations; a gain that
stays means evolution leaves the work to learning.

Examples
--------
>>> from replicators.experiments.baldwin import baldwin
>>> res = baldwin(objectives=("rate",), iterations=1, episodes=16, population=30, generations=3, seeds=2)
>>> sorted(res.per_run["inherit"].unique())
['innate', 'learned', 'none']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from .. import _validate as v
from .._callable import callable_module
from ..learn.knobs import PPO, Algorithm
from ..learn.lifetime import INHERIT, Learn
from ..selection import Mutation, Proportional
from ..sweeps import Progress, Sizes, SweepResult, levels, sweep
from ..worlds.niche.world import NicheWorld
from .niche_runs import base_world, measure

__all__ = ["baldwin", "INHERITS", "OBJECTIVES", "MEASURES"]

#: Inheritance rules compared; ``none`` is evolution without learning.
INHERITS = ("none", *INHERIT)
#: Objectives: each is both the fitness and the learner's returns.
OBJECTIVES = ("sum", "rate")
#: The measures a summary shows, in order.
MEASURES = ("innate_proxy_per_need", "learned_proxy_per_need", "innate_gold_per_need", "learned_gold_per_need",
            "learning_gain_gold", "learning_kl")


def _measure(result: Any) -> pl.DataFrame:
    return measure(result).with_columns(
        learning_gain_proxy=pl.col("learned_proxy_per_need") - pl.col("innate_proxy_per_need"),
        learning_gain_gold=pl.col("learned_gold_per_need") - pl.col("innate_gold_per_need"),
    )


def baldwin(
    *,
    inherits: Sequence[str] = INHERITS,
    objectives: Sequence[str] = OBJECTIVES,
    iterations: int = 5,
    episodes: int = 32,
    algorithm: Algorithm | None = None,
    pressure: float = 1.0,
    world: NicheWorld | None = None,
    population: int = 300,
    generations: int = 100,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    workers: int | None = None,
    mutation: Mutation | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the inherit x objective grid (tables ``runs``, ``per_run``, ``cells``).

    Parameters
    ----------
    inherits
        Among ``none``, ``innate``, ``learned``.
    objectives
        ``sum`` and/or ``rate``: the fitness, and the learner's returns.
    iterations, episodes, algorithm
        Each lifetime's learning: iterations (>= 1), fresh requests per
        iteration, and the update (default ``PPO()``).
    pressure, world
        Selection pressure (``Proportional``) and base world (``assistant``).
    population, generations, seeds, seed, threads, workers, mutation, progress
        Sizes, as in ``sum_vs_rate``; ``workers`` runs in parallel.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Sizes().mutation)
    rules = [v.choice("inherits", x, INHERITS) for x in levels("inherits", inherits)]
    objs = [v.choice("objectives", x, OBJECTIVES) for x in levels("objectives", objectives)]
    iterations = v.integer("iterations", iterations, 1)
    # Checked once here, by Learn, with the lifetime's field names.
    Learn(iterations=iterations, episodes=episodes, algorithm=PPO() if algorithm is None else algorithm)
    selection = Proportional(pressure=v.at_least("pressure", pressure, 0.0))
    base = base_world(world)

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        learning = cell["inherit"] != "none"
        life = Learn(iterations=iterations if learning else 0, episodes=episodes,
                     inherit=cell["inherit"] if learning else "innate", returns=cell["objective"],
                     algorithm=PPO() if algorithm is None else algorithm)
        return base, {**sizes.evolve_kwargs(), "fitness": cell["objective"], "selection": selection,
                      "lifetime": life}

    return sweep(
        {"inherit": rules, "objective": objs}, build, seeds=sizes.seeds, seed=sizes.seed, measure=_measure,
        threads=sizes.threads, workers=workers, progress=progress, name="baldwin",
        config={**sizes.config(), "iterations": iterations, "episodes": episodes, "pressure": selection.pressure,
                "world": base.to_toml()},
    )


callable_module(__name__)
