"""``learn``: many tabular softmax learners trained at once in a NicheWorld (SPEC 4).

A learner's logits have NicheWorld's genome layout (K x A action logits,
then K skill logits that stay fixed while it learns); its policy sees the
niche only, pi(a | k), its value function (GAE) also the step, V(k, t).
Each iteration every learner plays ``episodes`` fresh requests, split over
niches by demand in fixed counts, estimates advantages and updates; the
core runs learners in parallel, each from its own random stream, so the
thread count never changes a number.

The four knobs the literature conflates are kept apart:

``trajectory``
    ``"episode"`` (one conversation; its follow-ups are not the learner's)
    or ``"user"`` (a conversation and the follow-ups it causes, chained up to
    ``max_chain`` episodes).
``returns``
    ``"sum"`` (per-step rewards) or ``"rate"`` (the trajectory's summed
    reward divided by its length, as a terminal reward).
``advantage``
    ``GAE(gamma, lam)`` (a learned value, the value head), ``Group(scale)``
    (GRPO; ``scale=False`` is Dr. GRPO) or ``Reinforce(baseline_rate)``.
``aggregation``
    of per-step losses over the G trajectories of a (mini)batch:
    ``"sum"`` (1/G) sum_i sum_t; ``"seq_mean"`` (1/G) sum_i (1/|o_i|) sum_t;
    ``"token_mean"`` sum_i sum_t / sum_i |o_i|; ``"constant"`` sum_i sum_t / (G L_max).

How they map onto the libraries (SPEC 4; verl's ``agg_loss`` in
``verl/trainer/ppo/core_algos.py``, TRL's ``GRPOTrainer._compute_loss``):

============  ============================  ===============  ==========================
aggregation   verl ``loss_agg_mode``        TRL ``loss_type``  used by
============  ============================  ===============  ==========================
sum           ``seq-mean-token-sum``        (none)           REINFORCE; the unbiased one
seq_mean      ``seq-mean-token-mean``       ``grpo``         GRPO (Shao et al. 2024)
token_mean    ``token-mean`` (verl default) ``bnpo``, ``dapo`` DAPO (Yu et al. 2025)
constant      ``seq-mean-token-sum-norm``   ``dr_grpo``      Dr. GRPO (Liu et al. 2025)
============  ============================  ===============  ==========================

Where they differ: verl's ``seq-mean-token-sum-norm`` divides by L_max (the
padded length, or ``loss_scale_factor``) without the 1/G, which its workers
put back per micro-batch; TRL's ``dr_grpo`` divides by G x
``max_completion_length`` as here. TRL's ``dapo`` normalises by the tokens
of the whole accumulated batch across processes, ``bnpo`` by the local
batch's: both are ``token_mean`` on one machine. Here L_max is the longest
trajectory the world allows (max_chain x the longest episode for ``user``).

Rewards are the proxy, plus ``entropy_bonus`` alpha H(pi(.|k)) and minus
``kl_penalty`` beta (log pi - log pi_ref) per step, pi_ref each learner's
initial policy (the RLHF penalty). ``PPO`` standardises advantages per
minibatch by default (CleanRL's ``norm_adv``); ``PolicyGradient`` takes one
plain step on the whole batch.

Examples
--------
>>> import replicators as r
>>> from replicators.learn import PPO, GAE
>>> res = r.learn(r.NicheWorld.preset(), learners=8, iterations=5, episodes=32,
...               algorithm=PPO(clip=0.2), advantage=GAE(lam=0.95), seed=2)
>>> res.history["iteration"].to_list()
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import polars as pl

from .. import _core
from .. import _validate as v
from ..errors import ConfigError, invalid
from ..worlds.niche.world import NicheWorld
from .knobs import (
    AGGREGATIONS, PPO, RETURNS, SGD, TRAJECTORIES, GAE, Adam, Advantage, Algorithm, Group, Optimizer,
    PolicyGradient, Reinforce,
)
from .result import LearnResult

__all__ = ["learn", "arguments", "sample_gradients"]


def _world(world: object) -> NicheWorld:
    if not isinstance(world, NicheWorld):
        raise invalid("world", world, "a NicheWorld (learners play NicheWorld's episodes)")
    return world


def _initial(world: NicheWorld, learners: int, initial: Any) -> list[float] | None:
    if initial is None:
        return None
    arr = v.array("initial", initial)
    width = world.genome_width
    if arr.shape not in ((width,), (learners, width)):
        raise ConfigError(f"initial has shape {arr.shape}: expected ({width},) or ({learners}, {width})")
    if not np.all(np.isfinite(arr)):
        raise invalid("initial", "non-finite genes", "finite logits")
    return arr.ravel().tolist()


def _knob(field: str, x: object, kinds: tuple[type, ...]) -> Any:
    if not isinstance(x, kinds):
        raise invalid(field, x, " or ".join(f"{k.__name__}(...)" for k in kinds))
    return x


def _snapshots(snapshots: Iterable[int], iterations: int) -> list[int]:
    try:
        snaps = sorted({v.integer("snapshots", g, 0, iterations) for g in snapshots})
    except TypeError:
        raise invalid("snapshots", snapshots, "an iterable of iterations") from None
    return snaps


def learn(
    world: NicheWorld,
    *,
    learners: int = 100,
    iterations: int = 200,
    episodes: int = 64,
    algorithm: Algorithm | None = None,
    advantage: Advantage | None = None,
    aggregation: str = "sum",
    returns: str = "sum",
    trajectory: str = "episode",
    max_chain: int = 4,
    optimizer: Optimizer | None = None,
    entropy_bonus: float = 0.0,
    kl_penalty: float = 0.0,
    initial: Any = None,
    seed: int = 0,
    threads: int | None = None,
    snapshots: Iterable[int] = (),
    progress: Callable[[int], object] | None = None,
) -> LearnResult:
    """Train ``learners`` independent learners for ``iterations`` iterations.

    Parameters
    ----------
    world
        A ``NicheWorld`` (its time budget and rerouting do not apply: a
        learner serves its own requests; a decline ends the trajectory).
    learners, iterations, episodes
        How many learners, iterations, and fresh requests per learner per
        iteration (split over niches by demand).
    algorithm
        ``PPO()`` (default: clip 0.2, 4 epochs, 4 minibatches, advantages
        normalised) or ``PolicyGradient()``.
    advantage
        ``GAE()`` (default: gamma 1, lambda 0.95), ``Group()`` or ``Reinforce()``.
    aggregation, returns, trajectory, max_chain
        See the module docs.
    optimizer
        ``Adam()`` (default, lr 0.05) or ``SGD(lr=...)``.
    entropy_bonus, kl_penalty
        alpha and beta >= 0 of the per-step reward shaping.
    initial
        Starting genomes: one row of ``world.genome_width`` genes (every
        learner) or one per learner; default all zeros (uniform policy,
        equal skill weights). Skill logits stay fixed.
    seed, threads
        Same seed, same numbers, at any thread count.
    snapshots
        Iterations after which to keep every genome (0 = the start).
    progress
        Called with the number of iterations completed since the last call.
    """
    args = arguments(
        world, learners=learners, iterations=iterations, episodes=episodes, algorithm=algorithm, advantage=advantage,
        aggregation=aggregation, returns=returns, trajectory=trajectory, max_chain=max_chain, optimizer=optimizer,
        entropy_bonus=entropy_bonus, kl_penalty=kl_penalty, initial=initial, seed=seed, threads=threads,
        snapshots=snapshots,
    )
    core = {k: x for k, x in args.items() if k not in ("algorithm", "advantage", "optimizer", "initial")}
    raw = _core.learn_run(
        world._tables(), algorithm=args["algorithm"]._core(), advantage=args["advantage"]._core(),
        optimizer=args["optimizer"]._core(), initial=_initial(world, args["learners"], args["initial"]),
        progress=progress, **core,
    )
    h = dict(raw["history"])
    for j, name in enumerate(world.action_names):
        h[f"share_{name}"] = h.pop(f"share_{j}")
    return LearnResult(
        history=pl.DataFrame(h), genomes=raw["genomes"], snapshots={int(i): g for i, g, _ in raw["snapshots"]},
        values=raw["values"], value_snapshots={int(i): x for i, _, x in raw["snapshots"]},
        world=world, config=args, seed=args["seed"], bytes_per_learner=raw["bytes_per_learner"],
    )


def arguments(
    world: object,
    *,
    learners: int,
    iterations: int,
    episodes: int,
    algorithm: Algorithm | None,
    advantage: Advantage | None,
    aggregation: str,
    returns: str,
    trajectory: str,
    max_chain: int,
    optimizer: Optimizer | None,
    entropy_bonus: float,
    kl_penalty: float,
    initial: Any,
    seed: int,
    threads: int | None,
    snapshots: Iterable[int],
    at: str = "",
) -> dict[str, Any]:
    """``learn``'s arguments checked and normalised (knob defaults filled in);
    errors name ``<at><field>`` (a TOML config passes ``at="learn."``).

    Examples
    --------
    >>> import replicators as r
    >>> args = arguments(r.NicheWorld.preset(), learners=2, iterations=3, episodes=8, algorithm=None,
    ...                  advantage=None, aggregation="sum", returns="rate", trajectory="user", max_chain=2,
    ...                  optimizer=None, entropy_bonus=0, kl_penalty=0, initial=None, seed=1, threads=None,
    ...                  snapshots=[3, 0])
    >>> args["algorithm"], args["snapshots"], args["entropy_bonus"]
    (PPO(clip=0.2, epochs=4, minibatches=4, normalize=True), [0, 3], 0.0)
    """
    world = _world(world)
    iterations = int(v.law("iterations", f"{at}iterations", iterations))
    args = {
        "learners": int(v.law("learners", f"{at}learners", learners)),
        "iterations": iterations,
        "episodes": int(v.law("episodes", f"{at}episodes", episodes)),
        "algorithm": _knob(f"{at}algorithm", PPO() if algorithm is None else algorithm, (PPO, PolicyGradient)),
        "advantage": _knob(f"{at}advantage", GAE() if advantage is None else advantage, (GAE, Group, Reinforce)),
        "aggregation": v.choice(f"{at}aggregation", aggregation, AGGREGATIONS),
        "returns": v.choice(f"{at}returns", returns, RETURNS),
        "trajectory": v.choice(f"{at}trajectory", trajectory, TRAJECTORIES),
        "max_chain": int(v.law("max_chain", f"{at}max_chain", max_chain)),
        "optimizer": _knob(f"{at}optimizer", Adam() if optimizer is None else optimizer, (Adam, SGD)),
        "entropy_bonus": float(v.law("learn.entropy_bonus", f"{at}entropy_bonus", entropy_bonus)),
        "kl_penalty": float(v.law("kl_penalty", f"{at}kl_penalty", kl_penalty)),
        "initial": initial,
        "seed": v.seed(f"{at}seed", seed),
        "threads": v.optional_integer(f"{at}threads", threads, 1),
        "snapshots": _snapshots(snapshots, iterations),
    }
    if initial is not None:
        try:
            _initial(world, args["learners"], initial)
        except ConfigError as e:
            raise type(e)(f"{at}{e}") from None
    return args


def sample_gradients(
    world: NicheWorld,
    genome: Any,
    *,
    learners: int = 1000,
    episodes: int = 64,
    advantage: Advantage | None = None,
    aggregation: str = "sum",
    returns: str = "sum",
    trajectory: str = "episode",
    max_chain: int = 4,
    entropy_bonus: float = 0.0,
    value: Any = None,
    parts: bool = False,
    seed: int = 0,
    threads: int | None = None,
) -> np.ndarray:
    """One batch's first policy gradient per learner, all at ``genome``, with
    no update: (learners, niches, actions). The Monte Carlo side of
    ``analytic.expected_gradient``; the mean over learners estimates it, with
    standard errors from their spread.

    With ``parts=True``: (learners, 3, niches, actions), the gradient and its
    reward and value parts (GAE's split; ``analytic.expected_decomposition``),
    from the value table ``value`` (niches, longest episode; default zeros).

    Examples
    --------
    >>> import replicators as r
    >>> from replicators.learn import Reinforce
    >>> w = r.NicheWorld.preset()
    >>> g = sample_gradients(w, w.genome(), learners=50, advantage=Reinforce(baseline_rate=0.0))
    >>> g.shape
    (50, 4, 5)
    """
    world = _world(world)
    learners = int(v.law("learners", "learners", learners))
    advantage = _knob("advantage", Reinforce(baseline_rate=0.0) if advantage is None else advantage,
                      (GAE, Group, Reinforce))
    row = _initial(world, 1, genome)
    assert row is not None
    out = _core.learn_gradients(
        world._tables(), learners=learners, episodes=int(v.law("episodes", "episodes", episodes)),
        advantage=advantage._core(), aggregation=v.choice("aggregation", aggregation, AGGREGATIONS),
        returns=v.choice("returns", returns, RETURNS), trajectory=v.choice("trajectory", trajectory, TRAJECTORIES),
        max_chain=int(v.law("max_chain", "max_chain", max_chain)),
        entropy_bonus=float(v.law("learn.entropy_bonus", "entropy_bonus", entropy_bonus)),
        seed=v.seed("seed", seed), initial=row, value=_value(world, value), threads=v.threads(threads),
    )
    out = np.asarray(out)
    return out if parts else out[:, 0]


def _value(world: NicheWorld, value: Any) -> list[float] | None:
    """A value table V(k, t) as the core takes it (None: zeros)."""
    if value is None:
        return None
    width = max(n.max_steps for n in world.niches)
    arr = v.array("value", value)
    if arr.shape != (len(world.niches), width):
        raise ConfigError(f"value has shape {arr.shape}: expected ({len(world.niches)}, {width}) (niches, longest episode)")
    if not np.all(np.isfinite(arr)):
        raise invalid("value", "non-finite values", "finite values")
    return arr.ravel().tolist()
