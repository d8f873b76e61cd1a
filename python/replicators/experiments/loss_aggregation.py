"""``loss_aggregation``: what loss aggregation, returns and trajectories teach learners.

Grid: aggregation {sum, seq_mean, token_mean, constant} x returns {sum,
rate} x trajectory {episode, user} (x advantage) of PPO learners on the
``assistant`` preset (SPEC 4; advantages standardised per minibatch
for GAE, as CleanRL, and used as estimated otherwise), every cell once per seed from the uniform
policy; the summary averages each run's last 20% of iterations (means over
its learners), intervals over seeds. The headline measures
(``learner_runs.HEADLINE``): gold and proxy per need (exact, per fresh
request with its follow-ups), steps per episode, farming share, policy
entropy, the length of failed trajectories and the value head's share of
the gradient.

Examples
--------
>>> from replicators.experiments import loss_aggregation
>>> res = loss_aggregation(aggregations=("sum", "seq_mean"), returns=("sum",), trajectories=("episode",),
...                        learners=4, iterations=3, episodes=16, seeds=2)
>>> res.per_run.height, res.dims
(4, ('aggregation', 'returns', 'trajectory', 'advantage'))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _validate as v
from .._callable import callable_module
from ..learn import AGGREGATIONS, PPO, RETURNS, TRAJECTORIES
from ..worlds.niche.world import NicheWorld
from .learner_runs import ADVANTAGES, advantage, sizes
from .niche_runs import base_world
from ..sweeps import LEARN, Progress, SweepResult, levels, sweep

__all__ = ["loss_aggregation"]


def loss_aggregation(
    *,
    aggregations: Sequence[str] = AGGREGATIONS,
    returns: Sequence[str] = RETURNS,
    trajectories: Sequence[str] = TRAJECTORIES,
    advantages: Sequence[str] = ("gae",),
    world: NicheWorld | None = None,
    learners: int = 32,
    iterations: int = 200,
    episodes: int = 64,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the aggregation x returns x trajectory (x advantage) grid of PPO learners.

    Parameters
    ----------
    aggregations, returns, trajectories
        Levels of each knob (``replicators.learn``).
    advantages
        Advantage estimators by name: ``gae``, ``group``, ``dr_group``
        (unscaled), ``reinforce``.
    world
        The world (default: the ``assistant`` preset).
    learners, iterations, episodes
        Learners per run, iterations, fresh requests per learner per iteration.
    seeds, seed, threads, progress
        Runs per cell (seeds ``seed .. seed + seeds - 1``), threads per run,
        progress bar.
    """
    aggs = [v.choice("aggregations", x, AGGREGATIONS) for x in levels("aggregations", aggregations)]
    rets = [v.choice("returns", x, RETURNS) for x in levels("returns", returns)]
    trajs = [v.choice("trajectories", x, TRAJECTORIES) for x in levels("trajectories", trajectories)]
    advs = [v.choice("advantages", x, ADVANTAGES) for x in levels("advantages", advantages)]
    size = sizes(learners, iterations, episodes)
    base = base_world(world)

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        # CleanRL standardises GAE advantages per minibatch; GRPO and
        # REINFORCE use theirs as estimated.
        algorithm = PPO(normalize=cell["advantage"] == "gae")
        return base, {**size, "algorithm": algorithm, "advantage": advantage(cell["advantage"]),
                      "aggregation": cell["aggregation"], "returns": cell["returns"], "trajectory": cell["trajectory"]}

    return sweep(
        {"aggregation": aggs, "returns": rets, "trajectory": trajs, "advantage": advs}, build, seeds=seeds, seed=seed,
        threads=threads, progress=progress, name="loss_aggregation", runner=LEARN,
        config={**size, "seeds": seeds, "seed": seed, "world": base.to_toml()},
    )


callable_module(__name__)
