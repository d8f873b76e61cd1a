"""What the learner experiments share: advantage names, sizes, measures.

Every learner experiment runs ``replicators.learn`` on the shared runner
(``runner.sweep(..., runner=LEARN)``): one run is a population of
``learners`` learners with one seed, its history the mean over learners;
intervals are over seeds.

Examples
--------
>>> advantage("group"), advantage("gae")
(Group(scale=True), GAE(gamma=1.0, lam=0.95))
"""

from __future__ import annotations

from typing import Any

from .. import _validate as v
from ..learn import GAE, Group, Reinforce

__all__ = ["ADVANTAGES", "HEADLINE", "LABELS", "advantage", "sizes"]

#: Advantage estimators by name (default knobs).
ADVANTAGES = {"gae": GAE, "group": Group, "dr_group": lambda: Group(scale=False), "reinforce": Reinforce}

#: The measures a learner summary shows, in order.
HEADLINE = ("gold_per_need", "proxy_per_need", "episode_length", "farming_share", "policy_entropy", "failed_length",
            "value_share")

#: Human names of the learner measures.
LABELS = {
    "gold_per_need": "gold per need (exact, per fresh request)",
    "proxy_per_need": "proxy per need (exact)",
    "episode_length": "steps per episode",
    "farming_share": "farming share of steps",
    "policy_entropy": "policy entropy (nats)",
    "failed_length": "steps of trajectories with no solved episode",
    "value_share": "share of the first gradient through the value head",
    "reward_share": "share of the first gradient from the reward",
    "return_mean": "mean trajectory return (as the learners see it)",
}


def advantage(name: str) -> Any:
    """The advantage estimator called ``name`` (``ADVANTAGES``)."""
    return ADVANTAGES[v.choice("advantages", name, ADVANTAGES)]()


def sizes(learners: int, iterations: int, episodes: int) -> dict[str, int]:
    """The size arguments of ``learn`` every cell shares, checked."""
    return {
        "learners": int(v.law("learners", "learners", learners)),
        "iterations": int(v.law("iterations", "iterations", iterations)),
        "episodes": int(v.law("episodes", "episodes", episodes)),
    }
