"""Exact expectations of NicheWorld policies (SPEC 1, "Exact evaluator").

Within an episode every step is alike, so the episode is an absorbing
Markov chain: alive at step t with probability (n p)^(t-1), where n is the
chance a step does not end the episode and p the patience, cut exactly at
``max_steps`` (a finite sum, no infinite-horizon approximation). The core
(``rust/core/src/niche/analytic.rs``) computes expected proxy, gold, length,
follow-ups, solve and decline probabilities, and E[G/L].

Follow-ups form a tree: each episode that ends by an action brings its user
back with probability ``follow_up``, to the same agent, for an i.i.d.
episode of the same niche; a fresh request therefore yields
1 / (1 - follow_ups) episodes at that agent (``episodes_per_need``).
Declined requests leave the tree (another agent serves them).

The learners' exact side (SPEC 4) is here too: ``expected_gradient`` gives
a batch's expected return per niche, under each returns and trajectory
mode, and the expected value of each aggregation's policy-gradient
estimator, by a dynamic program over trajectories in the core
(``rust/core/src/learn/exact.rs``).

Examples
--------
>>> import replicators as r
>>> from replicators.analytic import evaluate, best_pure
>>> w = r.NicheWorld.preset()
>>> round(evaluate(w, {"engage": 1.0}, "niche0").length, 4)
8.7842
>>> best_pure(w, "niche0", "sum").action
'flatter'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from ... import _core
from ... import _validate as v
from ...errors import ConfigError
from .world import FITNESS, NicheWorld

__all__ = [
    "Evaluation", "Pure", "LearnerExpectation", "evaluate", "best_pure", "pure_behaviours", "expected_gradient",
    "expected_decomposition", "best_of_n", "trajectory_kl", "ideal_free",
]


@dataclass(frozen=True)
class Evaluation:
    """Expected values of one episode (and per fresh request, with follow-ups).

    Attributes
    ----------
    proxy, gold, length
        E[G], E[gold], E[L] of one episode.
    follow_ups
        Expected follow-up requests one episode brings back.
    solve, decline
        P(ends by a successful skilled action), P(ends by a decline).
    episode_rate
        E[G / L] (the ``episode_rate`` fitness of one episode).
    episodes_per_need
        1 / (1 - follow_ups): episodes a fresh request yields at this agent.
    """

    proxy: float
    gold: float
    length: float
    follow_ups: float
    solve: float
    decline: float
    episode_rate: float
    episodes_per_need: float

    @property
    def rate(self) -> float:
        """E[G] / E[L]: proxy per step in the long run (the ``rate`` fitness)."""
        return self.proxy / self.length

    @property
    def proxy_per_need(self) -> float:
        """Proxy per need (a fresh request and its follow-up tree): the ``sum``
        fitness per request served, and the simulation's ``proxy_per_need``."""
        return self.proxy * self.episodes_per_need

    @property
    def gold_per_need(self) -> float:
        """Gold per need: what a user who came once gets in total (the
        simulation's ``gold_per_need``)."""
        return self.gold * self.episodes_per_need

    @property
    def steps_per_need(self) -> float:
        """Steps per need, follow-ups included."""
        return self.length * self.episodes_per_need


def evaluate(world: NicheWorld, policy: Any, niche: str | int, *, skill: float | None = None) -> Evaluation:
    """Exact expectations of a genome or a policy in a niche.

    Parameters
    ----------
    world
        The world.
    policy
        A genome row (``world.genome_width`` logits: the skill comes from
        it), a probability vector over actions, or ``{action: probability}``.
    niche
        Niche name or index.
    skill
        For a probability vector: the skill in [0, 1] (default
        ``world.capacity``, a full specialist).

    Examples
    --------
    >>> import replicators as r
    >>> w = r.NicheWorld.preset()
    >>> e = evaluate(w, {"solve": 1.0}, 0, skill=0.5)
    >>> round(e.solve, 6), round(e.length, 4)
    (0.909091, 1.8182)
    """
    k = world.niche_index(niche)
    tables = world._tables()
    if isinstance(policy, Mapping):
        probs = np.zeros(len(world.actions))
        for name, p in policy.items():
            probs[world.action_names.index(v.choice("action", name, world.action_names))] = v.probability(
                f"policy[{name!r}]", p
            )
        policy = probs
    arr = v.array("policy", policy).ravel()
    if arr.shape == (world.genome_width,) and skill is None and len(world.actions) != world.genome_width:
        out = _core.niche_evaluate_genome(tables, k, arr.tolist())
    elif arr.shape == (len(world.actions),):
        s = world.capacity if skill is None else v.probability("skill", skill)
        out = _core.niche_evaluate(tables, k, arr.tolist(), s)
    else:
        raise ConfigError(
            f"policy has shape {arr.shape}: expected a genome ({world.genome_width},) "
            f"or probabilities ({len(world.actions)},)"
        )
    return Evaluation(**out)


@dataclass(frozen=True)
class Pure:
    """The best pure behaviour in a niche under a fitness mode."""

    action: str
    value: float
    evaluation: Evaluation
    table: pl.DataFrame


def pure_behaviours(world: NicheWorld, niche: str | int) -> pl.DataFrame:
    """Every pure behaviour (always the same action, full skill = capacity)
    in a niche, with its value under each fitness mode.

    ``sum`` is proxy per fresh request over its follow-up tree (what an
    agent collects per request when no time budget binds), ``rate`` is
    E[G]/E[L], ``episode_rate`` is E[G/L].

    Examples
    --------
    >>> import replicators as r
    >>> t = pure_behaviours(r.NicheWorld.preset(), "niche0")
    >>> t.sort("rate", descending=True)["action"][0]
    'solve'
    """
    rows = []
    for j, name in enumerate(world.action_names):
        pi = np.zeros(len(world.actions))
        pi[j] = 1.0
        e = evaluate(world, pi, niche)
        rows.append({
            "action": name, "sum": e.proxy_per_need, "rate": e.rate, "episode_rate": e.episode_rate,
            "gold_per_need": e.gold_per_need, "length": e.length, "follow_ups": e.follow_ups,
        })
    return pl.DataFrame(rows)


def best_pure(world: NicheWorld, niche: str | int, fitness: str) -> Pure:
    """The pure behaviour with the highest value under ``fitness``.

    Examples
    --------
    >>> import replicators as r
    >>> w = r.NicheWorld.preset()
    >>> [best_pure(w, 0, f).action for f in ("sum", "rate", "episode_rate")]
    ['flatter', 'solve', 'solve']
    """
    # A pure behaviour's value per request, per step and per episode; the
    # Malthusian r depends on the whole sequence of a generation's episodes.
    v.choice("fitness", fitness, [f for f in FITNESS if f != "malthusian"])
    table = pure_behaviours(world, niche)
    best = table.sort(fitness, descending=True, maintain_order=True).row(0, named=True)
    pi = np.zeros(len(world.actions))
    pi[world.action_names.index(best["action"])] = 1.0
    return Pure(action=best["action"], value=best[fitness], evaluation=evaluate(world, pi, niche), table=table)


@dataclass(frozen=True)
class LearnerExpectation:
    """What a batch of learners at one genome gives in expectation.

    Attributes
    ----------
    shares
        Each niche's share of the batch's trajectories (its fixed request
        count over ``episodes``).
    returns, lengths
        E[G] and E[L] of a trajectory of each niche.
    objective
        sum_k share_k E[G_k]: what the batch estimates.
    gradient
        (niches, actions): the expected first policy gradient of the batch
        (``learn.sample_gradients``) with REINFORCE advantages G - baseline.
        For ``aggregation="sum"`` it is the gradient of ``objective``
        whatever the baseline; ``seq_mean`` (1/|o|) differs from it when
        lengths vary; ``token_mean`` is given in its large-batch limit.
    """

    shares: np.ndarray
    returns: np.ndarray
    lengths: np.ndarray
    objective: float
    gradient: np.ndarray


def expected_gradient(
    world: NicheWorld,
    genome: Any,
    *,
    aggregation: str = "sum",
    returns: str = "sum",
    trajectory: str = "episode",
    max_chain: int = 4,
    episodes: int = 64,
    baseline: float | Any = 0.0,
    entropy_bonus: float = 0.0,
) -> LearnerExpectation:
    """Exact expectations of learners at ``genome`` (SPEC 4, "Exact checks").

    ``genome`` is one row of ``world.genome_width`` genes (its skill logits
    fix the skills); ``baseline`` a number or one per niche; the knobs mean
    what they mean in ``replicators.learn``.

    Examples
    --------
    >>> import replicators as r
    >>> w = r.NicheWorld.preset()
    >>> e = expected_gradient(w, w.genome(action_logits=[0.5, 0, 0, 0, 0]))
    >>> e.gradient.shape, bool(e.gradient[0, 2] > 0)  # more flattering pays more under sum
    ((4, 5), True)
    """
    arr = v.array("genome", genome, (world.genome_width,))
    b = v.array("baseline", baseline)
    if b.ndim > 1 or b.size not in (1, len(world.niches)):
        raise ConfigError(f"baseline has shape {b.shape}: expected a number or one per niche ({len(world.niches)},)")
    b = np.broadcast_to(b.ravel() if b.ndim else b, (len(world.niches),))
    out = _core.learn_exact(
        world._tables(), arr.tolist(), episodes=int(v.law("episodes", "episodes", episodes)),
        aggregation=v.choice("aggregation", aggregation, _core.names("learn.aggregation")),
        returns=v.choice("returns", returns, _core.names("learn.returns")),
        trajectory=v.choice("trajectory", trajectory, _core.names("learn.trajectory")),
        max_chain=int(v.law("max_chain", "max_chain", max_chain)),
        entropy_bonus=float(v.law("learn.entropy_bonus", "entropy_bonus", entropy_bonus)), baseline=b.tolist(),
    )
    return LearnerExpectation(
        shares=np.asarray(out["shares"]), returns=np.asarray(out["returns"]), lengths=np.asarray(out["lengths"]),
        objective=float(out["objective"]), gradient=np.asarray(out["gradient"]),
    )


def expected_decomposition(
    world: NicheWorld,
    genome: Any,
    value: Any,
    *,
    gamma: float = 1.0,
    lam: float = 0.95,
    aggregation: str = "sum",
    trajectory: str = "episode",
    max_chain: int = 4,
    episodes: int = 64,
    entropy_bonus: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The expected reward and value parts (E g^R, E g^V), each (niches,
    actions), of a batch's first policy gradient with GAE(gamma, lam)
    advantages and value table ``value`` (niches, longest episode), under
    ``sum`` or ``constant`` aggregation and summed returns (SPEC 4's
    advantage decomposition: A^R_t = sum_l (gamma lam)^l r_{t+l}, A^V_t the
    value terms). With lam = 1 the value part is 0 (its terms telescope to
    -V(s_t)) and the reward part is the gradient.

    Examples
    --------
    >>> import numpy as np, replicators as r
    >>> w = r.NicheWorld.preset()
    >>> er, ev = expected_decomposition(w, w.genome(), np.full((4, 20), 0.3), lam=1.0)
    >>> bool(np.abs(ev).max() < 1e-12)
    True
    """
    arr = v.array("genome", genome, (world.genome_width,))
    width = max(n.max_steps for n in world.niches)
    table = v.array("value", value, (len(world.niches), width))
    r, vv = _core.learn_exact_decomposition(
        world._tables(), arr.tolist(), table.ravel().tolist(), episodes=int(v.law("episodes", "episodes", episodes)),
        aggregation=v.choice("aggregation", aggregation, ("sum", "constant")),
        trajectory=v.choice("trajectory", trajectory, _core.names("learn.trajectory")),
        max_chain=int(v.law("max_chain", "max_chain", max_chain)), gamma=float(v.law("advantage.gamma", "gamma", gamma)),
        lam=float(v.law("advantage.lam", "lam", lam)),
        entropy_bonus=float(v.law("learn.entropy_bonus", "entropy_bonus", entropy_bonus)),
    )
    return np.asarray(r), np.asarray(vv)


def best_of_n(world: NicheWorld, genome: Any, n: Any) -> pl.DataFrame:
    """Best-of-n selection on one episode's proxy, exactly (SPEC 4, Gao et al. 2022).

    For each n: draw n episodes from the genome's policy for one request and
    keep the one with the most proxy, ties broken uniformly. With levels r_i
    of an episode's summed proxy (probabilities P_i, cumulative F_i), the
    kept episode's level has probability Q_i = F_i^n - F_{i-1}^n and, within
    a level, the policy's own distribution, so KL(best-of-n || policy) =
    sum_i Q_i ln(Q_i / P_i) (at most ln n - (n - 1) / n, equal without
    ties). Returns one row per n: ``n``, ``kl`` and ``sqrt_kl``, ``proxy``
    and ``gold`` per episode (demand-weighted over niches, like the
    learners' KL).

    Examples
    --------
    >>> import math, replicators as r
    >>> t = best_of_n(r.NicheWorld.preset(), r.NicheWorld.preset().genome(), [1, 4, 16])
    >>> t["kl"][0], bool(t["kl"][2] <= math.log(16) - 15 / 16)
    (0.0, True)
    """

    arr = v.array("genome", genome, (world.genome_width,))
    ns = [v.integer("n", x, 1) for x in np.atleast_1d(n).tolist()]
    total = sum(x.demand for x in world.niches)
    tables = world._tables()
    rows = {m: {"kl": 0.0, "proxy": 0.0, "gold": 0.0} for m in ns}
    for k, niche in enumerate(world.niches):
        levels, probs, golds = (np.asarray(x) for x in _core.niche_proxy_distribution(tables, k, arr.tolist()))
        cum = np.cumsum(probs)
        cum[-1] = 1.0
        below = np.concatenate([[0.0], cum[:-1]])
        d = niche.demand / total
        for m in ns:
            q = probs if m == 1 else cum**m - below**m
            kl = float(np.sum(np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0) / probs), 0.0)))
            rows[m]["kl"] += d * max(kl, 0.0)
            rows[m]["proxy"] += d * float(q @ levels)
            rows[m]["gold"] += d * float(q @ golds)
    out = pl.DataFrame([{"n": m, **x} for m, x in rows.items()])
    return out.with_columns(sqrt_kl=pl.col("kl").sqrt()).select("n", "kl", "sqrt_kl", "proxy", "gold")


def trajectory_kl(world: NicheWorld, genome: Any, reference: Any) -> float:
    """KL(genome || reference) over whole episodes, demand-weighted: for
    stationary policies it is E[L] x KL(pi(.|k) || pi_ref(.|k)) per niche (an
    episode's actions are i.i.d. draws, its other outcomes the same law), the
    sequence-level KL that Gao et al.'s curves are drawn against.

    Examples
    --------
    >>> import replicators as r
    >>> w = r.NicheWorld.preset()
    >>> trajectory_kl(w, w.genome(), w.genome())
    0.0
    """
    g = v.array("genome", genome, (world.genome_width,))
    ref = v.array("reference", reference, (world.genome_width,))
    k, a = len(world.niches), len(world.actions)
    total = sum(x.demand for x in world.niches)

    def probs(x: np.ndarray) -> np.ndarray:
        z = x[: k * a].reshape(k, a)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    p, q = probs(g), probs(ref)
    out = 0.0
    for kk, niche in enumerate(world.niches):
        step = float(np.sum(np.where(p[kk] > 0, p[kk] * np.log(np.where(p[kk] > 0, p[kk], 1.0) / q[kk]), 0.0)))
        out += niche.demand / total * evaluate(world, g, kk).length * max(step, 0.0)
    return out


def ideal_free(demand: Any, shortlist: int, values: Any = None) -> np.ndarray:
    """Mean-field equilibrium shares of niche specialists under ``routing =
    "choice"`` (the ideal free distribution, Fretwell & Lucas 1970).

    Derived from the routing law: a request of niche k (share D_k of all
    requests) draws ``shortlist`` = m agents uniformly; if any is a
    k-specialist it goes to one of them (equally good, so each is as
    likely), else to someone who earns nothing from it. With specialist
    shares f_k, a k-specialist therefore wins D_k (1 - (1 - f_k)^m) / f_k
    requests per agent's share of requests, worth ``values[k]`` each (its
    expected proxy per need in its niche; default 1). Fitness ``sum`` pays
    for requests won, so at equilibrium every occupied niche pays the same,
    and an empty niche would pay no more (D_k m v_k at f_k -> 0). That is
    solved here: the common pay by bisection, each share by bisection on its
    own (decreasing) pay.

    Assumptions (the world the prediction is for): full specialists that
    earn (almost) nothing outside their niche; no reroutes (each would give
    the request another shortlist); no time budget that binds; a large
    population (shares as continuous). Under ``rate`` the prediction does
    not apply: winning more requests does not change a rate. As m grows the
    shares tend to D_k / sum(D) (input matching); with m = 1 (uniform) only
    the best-paying niche remains (niches tied for best are neutral against
    each other: they get equal shares, the mean over drift's outcomes).

    Examples
    --------
    >>> ideal_free([0.4, 0.3, 0.2, 0.1], shortlist=4).round(3).tolist()
    [0.551, 0.357, 0.092, 0.0]
    >>> ideal_free([0.4, 0.3, 0.2, 0.1], shortlist=16).round(3).tolist()
    [0.415, 0.31, 0.202, 0.073]
    >>> ideal_free([0.4, 0.3, 0.2, 0.1], shortlist=1).round(6).tolist()
    [1.0, 0.0, 0.0, 0.0]
    >>> ideal_free([1, 1, 1, 1], shortlist=1).tolist()  # tied: neutral, drift decides
    [0.25, 0.25, 0.25, 0.25]
    >>> bool(np.abs(ideal_free([0.4, 0.3, 0.2, 0.1], shortlist=60) - [0.4, 0.3, 0.2, 0.1]).max() < 1e-3)
    True
    """
    d = v.array("demand", demand, finite=False)
    if d.ndim != 1 or d.size == 0 or not np.all(np.isfinite(d)) or np.any(d < 0) or d.sum() <= 0:
        raise ConfigError(f"demand = {demand!r} is invalid: expected non-negative numbers with a positive sum")
    m = v.integer("shortlist", shortlist, 1)
    val = np.ones_like(d) if values is None else v.array("values", values, finite=False)
    if val.shape != d.shape or not np.all(np.isfinite(val)) or np.any(val < 0):
        raise ConfigError(f"values = {values!r} is invalid: expected one non-negative number per niche")
    w = d / d.sum() * val
    if w.max() <= 0:
        raise ConfigError(f"values = {values!r} is invalid: no niche with demand pays anything")
    if m == 1:
        # Pay does not fall as a niche fills: the best-paying niche takes all.
        # Tied best niches are neutral against each other (drift decides),
        # returned as equal shares, the mean over drift's outcomes from an
        # even start.
        best = w == w.max()
        return best / best.sum()

    def pay(k: int, f: float) -> float:
        return w[k] * (m if f <= 0 else (1 - (1 - f) ** m) / f)

    def share(k: int, c: float) -> float:
        # The f in [0, 1] whose pay is c (pay falls with f); 0 if even f -> 0 pays no more than c.
        if pay(k, 0.0) <= c:
            return 0.0
        if pay(k, 1.0) >= c:
            return 1.0
        lo, hi = 0.0, 1.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if pay(k, mid) > c else (lo, mid)
        return 0.5 * (lo + hi)

    lo, hi = 0.0, float(w.max() * m)
    for _ in range(200):
        c = 0.5 * (lo + hi)
        total = sum(share(k, c) for k in range(d.size))
        lo, hi = (c, hi) if total > 1 else (lo, c)
    f = np.array([share(k, 0.5 * (lo + hi)) for k in range(d.size)])
    return f / f.sum()
