"""``length_bias``: does GRPO's 1/|o| lengthen wrong answers? (Dr. GRPO, Liu et al. 2025)

The world is the ``answer`` preset: one question, answered right with
probability 0.5 (reward 1, else 0, a terminal reward), and a ``think``
action that costs nothing, earns nothing and only adds length (users
wait up to 16 steps). Thinking never helps, so the objective is
indifferent to it; what a learner does with it is the aggregation's bias.
Grid: aggregation x advantage ({group, dr_group} by default, GRPO's own)
of PPO learners whose advantages are used as estimated (no
per-minibatch standardisation, as GRPO); ``failed_length`` is the mean length of the
trajectories that ended with a wrong answer (or the cap), per iteration.

Examples
--------
>>> from replicators.experiments import length_bias
>>> res = length_bias(aggregations=("sum", "seq_mean"), advantages=("group",), learners=4, iterations=3, seeds=2)
>>> sorted(res.per_run["aggregation"].unique())
['seq_mean', 'sum']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _validate as v
from .._callable import callable_module
from ..learn import AGGREGATIONS, PPO
from ..worlds.niche.world import NicheWorld
from .learner_runs import ADVANTAGES, advantage, sizes
from ..sweeps import LEARN, Progress, SweepResult, levels, sweep

__all__ = ["length_bias"]


def length_bias(
    *,
    aggregations: Sequence[str] = AGGREGATIONS,
    advantages: Sequence[str] = ("group", "dr_group"),
    world: NicheWorld | None = None,
    learners: int = 32,
    iterations: int = 200,
    episodes: int = 16,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the aggregation x advantage grid on the terminal-reward ``answer`` world.

    Parameters
    ----------
    aggregations, advantages
        Levels (``replicators.learn``; ``learner_runs.ADVANTAGES``).
    world
        The world (default: ``NicheWorld.preset("answer")``).
    learners, iterations, episodes
        Learners per run, iterations, answers per learner per iteration
        (GRPO's group size when there is one question).
    seeds, seed, threads, progress
        As in ``loss_aggregation``.
    """
    aggs = [v.choice("aggregations", x, AGGREGATIONS) for x in levels("aggregations", aggregations)]
    advs = [v.choice("advantages", x, ADVANTAGES) for x in levels("advantages", advantages)]
    size = sizes(learners, iterations, episodes)
    base = NicheWorld.preset("answer") if world is None else world
    if not isinstance(base, NicheWorld):
        raise v.ConfigError(f"world = {base!r} is invalid: expected a NicheWorld")

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        # GRPO's update: PPO clipping on the group advantages as they are.
        return base, {**size, "algorithm": PPO(normalize=False), "advantage": advantage(cell["advantage"]),
                      "aggregation": cell["aggregation"]}

    return sweep(
        {"aggregation": aggs, "advantage": advs}, build, seeds=seeds, seed=seed, threads=threads, progress=progress,
        name="length_bias", runner=LEARN, config={**size, "seeds": seeds, "seed": seed, "world": base.to_toml()},
    )


callable_module(__name__)
