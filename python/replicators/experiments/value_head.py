"""``value_head``: how much of the policy gradient comes through the value head?

The seed's claim: in sparse-reward PPO almost none of the gradient comes
directly from the reward; it comes through the learned value. GAE splits
each advantage as A_t = A^R_t + A^V_t (A^R_t = sum_l (gamma lambda)^l
r_{t+l}; A^V_t the value terms), and each iteration's first gradient
(whole batch, before any step and before standardisation) the same way,
g = g^R + g^V; ``value_share`` = <g^V, g> / |g|^2 (pooled over learners,
``reward_share`` the rest). Grid: reward {``dense`` (the world's per-step
proxy, returns ``sum``), ``terminal`` (returns ``rate``: the trajectory's
reward per step given only at its end), ``sparse`` (the ``answer`` world:
1 at the end for a right answer)} x lambda, PPO learners with GAE. The
summary averages each run's whole history (``tail=1``): the split matters
while the policy learns, and near convergence g ~ 0 while its parts
cancel, so late shares are mostly batch noise.

Beside each measured series, ``exact_value_share`` is the same share of
the *expected* gradients (``analytic.expected_decomposition``) at the
learners' states every ``every`` iterations, pooled the same way: the
measured share also carries the batch noise (E|g|^2 = |E g|^2 + the
variance), so the two agree when batches are large. The exact split needs
summed returns, so it is given for ``dense`` and ``sparse`` and left empty
(null) for ``terminal``.

Examples
--------
>>> from replicators.experiments import value_head
>>> res = value_head(rewards=("dense", "sparse"), lambdas=(0.5,), learners=4, iterations=4, every=2, seeds=2)
>>> res.runs.filter(res.runs["iteration"] == 2)["exact_value_share"].null_count()
0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from .. import _validate as v
from .._callable import callable_module
from ..learn import GAE, PPO
from ..worlds.niche.analytic import expected_decomposition
from ..worlds.niche.world import NicheWorld
from .learner_runs import sizes
from .niche_runs import base_world
from ..sweeps import LEARN, Progress, SweepResult, levels, sweep

__all__ = ["value_head", "REWARDS", "LAMBDAS"]

#: Reward kinds: (world, returns); ``None`` is the base world.
REWARDS = {"dense": (None, "sum"), "terminal": (None, "rate"), "sparse": ("answer", "sum")}
#: Default lambdas.
LAMBDAS = (0.0, 0.5, 0.95, 1.0)


def exact_shares(result: Any) -> pl.DataFrame:
    """``exact_value_share`` at each snapshot iteration of a learner run
    (summed returns only), pooled over learners like the measured share."""
    cfg, world = result.config, result.world
    lam = cfg["advantage"].lam
    rows = []
    for it in sorted(result.snapshots):
        if it >= result.history.height:
            continue
        dots, sq = 0.0, 0.0
        for genome, value in zip(result.snapshots[it], result.value_snapshots[it], strict=True):
            er, ev = expected_decomposition(world, genome, value, gamma=cfg["advantage"].gamma, lam=lam,
                                            trajectory=cfg["trajectory"], max_chain=cfg["max_chain"],
                                            episodes=cfg["episodes"], aggregation=cfg["aggregation"])
            g = er + ev
            dots += float((ev * g).sum())
            sq += float((g * g).sum())
        rows.append({"iteration": it, "exact_value_share": dots / sq if sq > 0 else None})
    return pl.DataFrame(rows, schema={"iteration": pl.Int64, "exact_value_share": pl.Float64})


def value_head(
    *,
    rewards: Sequence[str] = tuple(REWARDS),
    lambdas: Sequence[float] = LAMBDAS,
    world: NicheWorld | None = None,
    learners: int = 32,
    iterations: int = 150,
    episodes: int = 64,
    every: int = 10,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the reward x lambda grid of GAE-PPO learners.

    Parameters
    ----------
    rewards
        ``dense``, ``terminal``, ``sparse`` (``REWARDS``).
    lambdas
        GAE's lambda, in [0, 1] (gamma is 1).
    world
        The world of ``dense`` and ``terminal`` (default: the ``assistant`` preset).
    learners, iterations, episodes
        As in ``loss_aggregation``.
    every
        Iterations between the exact shares (>= 1).
    seeds, seed, threads, progress
        As in ``loss_aggregation``.
    """
    kinds = [v.choice("rewards", x, REWARDS) for x in levels("rewards", rewards)]
    lams = [float(v.law("advantage.lam", "lambdas", x)) for x in levels("lambdas", lambdas)]
    size = sizes(learners, iterations, episodes)
    every = v.integer("every", every, 1)
    base = base_world(world)
    snapshots = list(range(0, size["iterations"], every))

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        name, returns = REWARDS[cell["reward"]]
        w = base if name is None else NicheWorld.preset(name)
        return w, {**size, "algorithm": PPO(), "advantage": GAE(lam=cell["lam"]), "returns": returns,
                   "snapshots": snapshots}

    def measure(result: Any) -> pl.DataFrame:
        h = result.history
        if result.config["returns"] != "sum":
            return h.with_columns(exact_value_share=pl.lit(None, dtype=pl.Float64))
        return h.join(exact_shares(result), on="iteration", how="left")

    return sweep(
        {"reward": kinds, "lam": lams}, build, seeds=seeds, seed=seed, threads=threads, progress=progress,
        measure=measure, name="value_head", runner=LEARN, tail=1.0,
        config={**size, "every": every, "seeds": seeds, "seed": seed, "world": base.to_toml()},
    )


callable_module(__name__)
