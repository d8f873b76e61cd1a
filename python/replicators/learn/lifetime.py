"""``Learn``: learning inside a lifetime, population-based training (SPEC 5).

``replicators.evolve(world, ..., lifetime=Learn(...))`` makes each
generation of a NicheWorld learn, then replicate: every individual learns
for ``iterations`` from its inherited starting logits (the learner of
``replicators.learn``, with its knobs), then serves the generation with
what it learned; the sum or rate of proxy it collects there is its
fitness (the learning episodes themselves earn nothing). Selection and
mutation act on what is inherited: with ``inherit="innate"`` (Darwinian)
offspring start from the parent's starting logits, with ``"learned"``
(Lamarckian) from its logits after learning. Skill logits never change
while learning; evolution alone moves them.

``iterations=0`` is plain ``evolve``, number for number (the history gains
the lifetime's columns, all of them then equal to their innate values).
Each lifetime starts afresh: a zero value table, fresh optimizer moments,
the inherited policy as the KL penalty's reference.

The history gains, per generation:

``learning_kl``
    mean over agents of KL(learned || inherited policy), demand-weighted
    over niches: how far learning moved an individual.
``innate_proxy_per_need``, ``innate_gold_per_need``
    the exact evaluator's per-need value of the inherited genomes, averaged
    over agents (the unit of ``proxy_per_need``).
``learned_proxy_per_need``, ``learned_gold_per_need``
    the same for the learned genomes, the ones that played.

The gap between learned and innate is what learning adds in a lifetime; if
it closes over generations under ``inherit="innate"``, learned behaviour
became innate (the Baldwin effect).

Examples
--------
>>> import replicators as r
>>> from replicators.learn import Learn
>>> res = r.evolve(r.NicheWorld.preset(), population=20, generations=2, fitness="rate",
...                lifetime=Learn(iterations=2, episodes=16), seed=1)
>>> bool((res.history["learning_kl"] > 0).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import _core
from .. import _validate as v
from ..errors import invalid
from .knobs import AGGREGATIONS, PPO, RETURNS, TRAJECTORIES, GAE, Adam, Group, PolicyGradient, Reinforce, SGD

__all__ = ["Learn", "INHERIT"]

#: What offspring inherit: the starting logits or the learned ones.
INHERIT: tuple[str, ...] = tuple(_core.names("learn.inherit"))


def _knob(name: str, x: object, kinds: tuple[type, ...]) -> None:
    if not isinstance(x, kinds):
        raise invalid(f"lifetime.{name}", x, " or ".join(f"{k.__name__}(...)" for k in kinds))


@dataclass(frozen=True, kw_only=True)
class Learn:
    """How every individual learns in its lifetime, and what it passes on.

    Parameters
    ----------
    iterations
        Learning iterations per lifetime (>= 0; 0 is plain evolution).
    episodes
        Fresh requests per iteration (split over niches by demand).
    inherit
        ``"innate"`` (offspring start from the parent's starting logits) or
        ``"learned"`` (from its logits after learning).
    evolve_lr
        PBT's explore/exploit on the learning rate: each agent carries
        ln(lr) as one more gene, starting from the optimizer's lr,
        inherited and mutated with its genome (kept in [1e-6, 10]); the
        history gains ``learning_rate`` (mean over agents) and the
        ``agents`` table each agent's rate at snapshots.
    algorithm, advantage, aggregation, returns, trajectory, max_chain, optimizer, entropy_bonus, kl_penalty
        The learner's knobs, as ``replicators.learn`` takes them (PPO, GAE,
        Adam with lr 0.05 by default).

    Examples
    --------
    >>> Learn(iterations=0).inherit
    'innate'
    >>> Learn(inherit="epigenetic")
    Traceback (most recent call last):
    ...
    replicators.errors.UnknownNameError: lifetime.inherit = 'epigenetic' is not known: expected one of innate, learned
    """

    iterations: int = 5
    episodes: int = 32
    inherit: str = "innate"
    evolve_lr: bool = False
    algorithm: PPO | PolicyGradient = field(default_factory=PPO)
    advantage: GAE | Group | Reinforce = field(default_factory=GAE)
    aggregation: str = "sum"
    returns: str = "sum"
    trajectory: str = "episode"
    max_chain: int = 4
    optimizer: Adam | SGD = field(default_factory=Adam)
    entropy_bonus: float = 0.0
    kl_penalty: float = 0.0

    def __post_init__(self) -> None:
        v.obey(self, {"iterations": "lifetime.iterations"}, "lifetime.")
        v.obey(self, {f: f for f in ("episodes", "max_chain", "kl_penalty")}, "lifetime.")
        v.obey(self, {"entropy_bonus": "learn.entropy_bonus"}, "lifetime.")
        v.choice("lifetime.inherit", self.inherit, INHERIT)
        if not isinstance(self.evolve_lr, bool):
            raise invalid("lifetime.evolve_lr", self.evolve_lr, "true or false")
        v.choice("lifetime.aggregation", self.aggregation, AGGREGATIONS)
        v.choice("lifetime.returns", self.returns, RETURNS)
        v.choice("lifetime.trajectory", self.trajectory, TRAJECTORIES)
        _knob("algorithm", self.algorithm, (PPO, PolicyGradient))
        _knob("advantage", self.advantage, (GAE, Group, Reinforce))
        _knob("optimizer", self.optimizer, (Adam, SGD))

    def _lifetime(self) -> dict[str, Any]:
        """The knobs as the core's evolve takes them."""
        return {
            "iterations": self.iterations, "episodes": self.episodes, "inherit": self.inherit, "evolve_lr": self.evolve_lr,
            "algorithm": self.algorithm._core(), "advantage": self.advantage._core(), "aggregation": self.aggregation,
            "returns": self.returns, "trajectory": self.trajectory, "max_chain": self.max_chain,
            "optimizer": self.optimizer._core(), "entropy_bonus": self.entropy_bonus, "kl_penalty": self.kl_penalty,
        }
