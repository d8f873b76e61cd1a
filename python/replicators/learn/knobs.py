"""The knobs of a learner (SPEC 4), each its own frozen object.

``PPO`` / ``PolicyGradient`` (the update), ``GAE`` / ``Group`` /
``Reinforce`` (the advantage), ``Adam`` / ``SGD`` (the optimizer). The
aggregation, returns and trajectory modes are names (``AGGREGATIONS``,
``RETURNS``, ``TRAJECTORIES``). Every range is the core's law
(``rust/core/src/learn/config.rs``).

Examples
--------
>>> from replicators.learn import PPO, GAE, Adam
>>> PPO(clip=0.1).epochs, GAE().gamma, Adam().lr
(4, 1.0, 0.05)
>>> GAE(lam=1.5)
Traceback (most recent call last):
...
replicators.errors.ConfigError: advantage.lam = 1.5 is invalid: expected a probability in [0, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import _core
from .. import _validate as v
from ..errors import invalid

__all__ = [
    "PPO", "PolicyGradient", "GAE", "Group", "Reinforce", "Adam", "SGD", "Algorithm", "Advantage", "Optimizer",
    "AGGREGATIONS", "RETURNS", "TRAJECTORIES",
]

#: Aggregations of per-step losses (SPEC 4), returns and trajectory modes.
AGGREGATIONS: tuple[str, ...] = tuple(_core.names("learn.aggregation"))
RETURNS: tuple[str, ...] = tuple(_core.names("learn.returns"))
TRAJECTORIES: tuple[str, ...] = tuple(_core.names("learn.trajectory"))


def _flag(field: str, x: object) -> bool:
    if not isinstance(x, bool):
        raise invalid(field, x, "true or false")
    return x


@dataclass(frozen=True, kw_only=True)
class PPO:
    """PPO-clip (Schulman et al. 2017): ``epochs`` passes over ``minibatches``
    shuffled parts of the batch (whole trajectories), the probability ratio
    clipped to [1 - clip, 1 + clip]; advantages standardised per minibatch
    when ``normalize`` (as CleanRL does).

    Examples
    --------
    >>> PPO()
    PPO(clip=0.2, epochs=4, minibatches=4, normalize=True)
    """

    clip: float = 0.2
    epochs: int = 4
    minibatches: int = 4
    normalize: bool = True

    def __post_init__(self) -> None:
        v.obey(self, {f: f"algorithm.{f}" for f in ("clip", "epochs", "minibatches")}, "algorithm.")
        _flag("algorithm.normalize", self.normalize)

    def _core(self) -> tuple[str, list[float]]:
        return ("ppo", [self.clip, self.epochs, self.minibatches, float(self.normalize)])


@dataclass(frozen=True, kw_only=True)
class PolicyGradient:
    """One plain policy-gradient step on the whole batch per iteration.

    Examples
    --------
    >>> PolicyGradient()
    PolicyGradient()
    """

    def _core(self) -> tuple[str, list[float]]:
        return ("policy_gradient", [])


@dataclass(frozen=True, kw_only=True)
class GAE:
    """Generalised advantage estimation with a learned value V(k, t) (the
    value head; k the niche, t the step within the episode). ``gamma``
    defaults to 1 so that returns are undiscounted, as the exact checks assume.

    Examples
    --------
    >>> GAE(lam=1.0).lam
    1.0
    """

    gamma: float = 1.0
    lam: float = 0.95

    def __post_init__(self) -> None:
        v.obey(self, {"gamma": "advantage.gamma", "lam": "advantage.lam"}, "advantage.")

    def _core(self) -> tuple[str, list[float]]:
        return ("gae", [self.gamma, self.lam])


@dataclass(frozen=True, kw_only=True)
class Group:
    """GRPO's advantage: (G - mean) / std over the batch's trajectories of the
    same niche (unbiased std + 1e-6, as verl); ``scale=False`` is Dr. GRPO's
    G - mean. Needs at least two trajectories per niche.

    Examples
    --------
    >>> Group(scale=False).scale
    False
    """

    scale: bool = True

    def __post_init__(self) -> None:
        _flag("advantage.scale", self.scale)

    def _core(self) -> tuple[str, list[float]]:
        return ("group", [float(self.scale)])


@dataclass(frozen=True, kw_only=True)
class Reinforce:
    """One advantage per trajectory: its return minus a running baseline per
    niche (b += baseline_rate * (batch mean - b) after each iteration;
    ``baseline_rate=0`` is plain REINFORCE, the unbiased estimator).

    Examples
    --------
    >>> Reinforce(baseline_rate=0.0).baseline_rate
    0.0
    """

    baseline_rate: float = 0.1

    def __post_init__(self) -> None:
        v.obey(self, {"baseline_rate": "advantage.baseline_rate"}, "advantage.")

    def _core(self) -> tuple[str, list[float]]:
        return ("reinforce", [self.baseline_rate])


@dataclass(frozen=True, kw_only=True)
class Adam:
    """Adam (Kingma & Ba 2015) on the logits and on the value table.

    Examples
    --------
    >>> Adam(lr=0.1).betas
    (0.9, 0.999)
    """

    lr: float = 0.05
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8

    def __post_init__(self) -> None:
        v.obey(self, {"lr": "optimizer.lr", "eps": "optimizer.eps"}, "optimizer.")
        if not isinstance(self.betas, tuple | list) or len(self.betas) != 2:
            raise invalid("optimizer.betas", self.betas, "two numbers (beta1, beta2)")
        object.__setattr__(self, "betas", (
            float(v.law("optimizer.beta1", "optimizer.betas[0]", self.betas[0])),
            float(v.law("optimizer.beta2", "optimizer.betas[1]", self.betas[1])),
        ))

    def _core(self) -> tuple[str, list[float]]:
        return ("adam", [self.lr, *self.betas, self.eps])


@dataclass(frozen=True, kw_only=True)
class SGD:
    """Plain gradient steps.

    Examples
    --------
    >>> SGD(lr=0.5).lr
    0.5
    """

    lr: float = 0.5

    def __post_init__(self) -> None:
        v.obey(self, {"lr": "optimizer.lr"}, "optimizer.")

    def _core(self) -> tuple[str, list[float]]:
        return ("sgd", [self.lr])


Algorithm = PPO | PolicyGradient
Advantage = GAE | Group | Reinforce
Optimizer = Adam | SGD
