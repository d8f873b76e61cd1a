"""What ``replicators.learn`` returns: the history, the learned genomes, snapshots.

``history`` (polars), one row per iteration; columns that ``evolve`` also
has keep its names and meaning (``steps``, ``episodes``, ``solved``,
``episode_length``, ``proxy_per_step``, ``solved_fraction``,
``policy_entropy``, ``kl_from_initial``, ``effective_personas``,
``farming_share``, ``share_<action>``), and the learners add:

``iteration``, ``trajectories``, ``declined``, ``follow_ups``
    Counts over all learners' batches.
``return_mean``, ``trajectory_length``, ``failed_length``
    Mean trajectory return as the learners see it (returns transform and
    shaping included), mean steps per trajectory, and mean steps of the
    trajectories with no solved episode.
``gold_per_step``
    Gold per step of the batches.
``proxy_per_need``, ``gold_per_need``
    Exact (``replicators.analytic``): expected proxy and gold per fresh
    request, follow-ups included, of each learner's policy (demand-weighted),
    averaged over learners.
``value_loss``, ``clip_fraction``, ``approx_kl``
    The update's means over its minibatches: 0.5 x squared error of V,
    share of steps with |ratio - 1| > clip, and (ratio - 1) - log ratio.
``grad_norm``, ``grad_reward_norm``, ``grad_value_norm``, ``reward_share``, ``value_share``
    The first gradient of each iteration (whole batch, before any step and
    before advantage normalisation) g = g^R + g^V split by the advantages'
    reward and value parts (GAE: A^R_t = sum_l (gamma lambda)^l r_{t+l});
    norms (means over learners) and projection shares <g^X, g> / |g|^2, pooled
    over learners (sums of the projections over the sum of |g|^2; they sum
    to 1), since a learner near a stationary point has g ~ 0 and parts that
    cancel.

Examples
--------
>>> import replicators as r
>>> res = r.learn(r.NicheWorld.preset(), learners=4, iterations=3, episodes=16, seed=1)
>>> res.history.height, res.genomes.shape
(3, (4, 24))
>>> res.policies().shape
(4, 4, 5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..worlds.niche.world import NicheWorld

__all__ = ["LearnResult"]


@dataclass(frozen=True)
class LearnResult:
    """The learners' history and their learned genomes.

    Attributes
    ----------
    history
        polars table, one row per iteration (see the module docs).
    genomes
        (learners, genome_width): the learned action logits and the skill
        logits as given, in NicheWorld's genome layout, for
        ``analytic.evaluate`` and ``evolve(initial=...)``.
    snapshots
        ``{iteration: genomes}`` at the asked iterations: the state each
        learner plays that iteration with (0 = before learning).
    values, value_snapshots
        The value tables V(k, t) (learners, niches, longest episode): learned,
        and at the snapshot iterations.
    world, config, seed
        What was run.
    bytes_per_learner
        A learner's state in the core (parameters, optimizer moments, value
        table, references), not counting the per-thread batch buffers.
    """

    history: pl.DataFrame
    genomes: np.ndarray
    snapshots: dict[int, np.ndarray]
    values: np.ndarray
    value_snapshots: dict[int, np.ndarray]
    world: NicheWorld
    config: dict[str, Any]
    seed: int
    bytes_per_learner: float

    def policies(self, iteration: int | None = None) -> np.ndarray:
        """pi(a | k) of every learner, (learners, niches, actions), at the
        end or at a snapshot ``iteration``."""
        if iteration is None:
            g = self.genomes
        elif iteration in self.snapshots:
            g = self.snapshots[iteration]
        else:
            raise ConfigError(
                f"iteration = {iteration!r} is invalid: expected a snapshot iteration {sorted(self.snapshots)}"
            )
        k, a = len(self.world.niches), len(self.world.actions)
        logits = g[:, : k * a].reshape(-1, k, a)
        z = np.exp(logits - logits.max(axis=2, keepdims=True))
        return z / z.sum(axis=2, keepdims=True)
