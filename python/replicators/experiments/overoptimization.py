"""``overoptimization``: gold and proxy against sqrt(KL), RL and best-of-n (Gao et al. 2022).

Learners optimise the proxy; gold is what users get. Gao et al. found
gold(d) = d (alpha - beta ln d) for RL and d (alpha - beta d) for best-of-n,
with d = sqrt(KL(policy || initial)) at the sequence level. Here, on the
``assistant`` preset by capacity:

* PPO learners (GAE, summed per-episode proxy), without and with a KL
  penalty; every ``every`` iterations each learner's d (the exact episode-
  level KL from its start, ``analytic.trajectory_kl``) and its exact proxy
  and gold per episode, averaged over learners;
* best-of-n on the initial policy for n = 1, 2, 4, ... (``analytic.best_of_n``:
  KL computed exactly, ties broken uniformly).

Both forms are fitted by least squares to gold - gold(0) against d (RL
points with d > 0): for PPO once per seed, intervals over seeds (``fits``);
for best-of-n, which is exact, the interval is the fit's own (its
parameters' standard errors, from the misfit). Tables: ``runs`` (the PPO
curves), ``best_of_n`` (the exact curves), ``fits``.

Examples
--------
>>> from replicators.experiments import overoptimization
>>> res = overoptimization(capacities=(1.0,), penalties=(0.0,), learners=4, iterations=6, every=2, seeds=2, n_max=8)
>>> sorted(res.tables)
['best_of_n', 'fits']
>>> res.tables["fits"].columns[:4]
['capacity', 'method', 'form', 'alpha']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from .. import _validate as v
from .._callable import callable_module
from ..learn import GAE, PPO
from ..worlds.niche.analytic import best_of_n, evaluate, trajectory_kl
from ..worlds.niche.world import NicheWorld
from .learner_runs import sizes
from .niche_runs import base_world
from ..sweeps import LEARN, Progress, SweepResult, interval, levels, sweep

__all__ = ["overoptimization", "fit", "CAPACITIES", "PENALTIES"]

#: Default capacities and KL penalties.
CAPACITIES = (0.25, 0.5, 0.75, 1.0)
PENALTIES = (0.0, 0.05)


def _per_episode(world: NicheWorld, genome: np.ndarray) -> tuple[float, float]:
    total = sum(n.demand for n in world.niches)
    proxy = gold = 0.0
    for k, niche in enumerate(world.niches):
        e = evaluate(world, genome, k)
        proxy += niche.demand / total * e.proxy
        gold += niche.demand / total * e.gold
    return proxy, gold


def curve(result: Any) -> pl.DataFrame:
    """A learner run's gold-vs-KL curve at its snapshots: ``iteration``,
    ``sqrt_kl``, ``proxy``, ``gold`` (exact, per episode; means over learners)."""
    world, start = result.world, result.snapshots[0]
    rows = []
    for it in sorted(result.snapshots):
        genomes = result.snapshots[it]
        kl = [trajectory_kl(world, g, g0) for g, g0 in zip(genomes, start, strict=True)]
        pg = np.array([_per_episode(world, g) for g in genomes])
        rows.append({"iteration": it, "sqrt_kl": float(np.mean(np.sqrt(kl))), "proxy": float(pg[:, 0].mean()),
                     "gold": float(pg[:, 1].mean())})
    return pl.DataFrame(rows)


def fit(d: Any, gain: Any, form: str) -> dict[str, float]:
    """Least-squares fit of gain = d (alpha - beta ln d) (``form="rl"``) or
    d (alpha - beta d) (``"bon"``); returns alpha, beta and their standard
    errors.

    Examples
    --------
    >>> d = np.linspace(0.1, 2, 20)
    >>> f = fit(d, d * (0.5 - 0.2 * d), "bon")
    >>> round(f["alpha"], 6), round(f["beta"], 6)
    (0.5, 0.2)
    """
    d, y = np.asarray(d, dtype=float), np.asarray(gain, dtype=float)
    keep = d > 0
    d, y = d[keep], y[keep]
    v.choice("form", form, ("rl", "bon"))
    x = np.column_stack([d, -d * (np.log(d) if form == "rl" else d)])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    dof = max(len(y) - 2, 1)
    resid = y - x @ coef
    cov = (resid @ resid / dof) * np.linalg.pinv(x.T @ x)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    return {"alpha": float(coef[0]), "beta": float(coef[1]), "alpha_se": float(se[0]), "beta_se": float(se[1])}


def overoptimization(
    *,
    capacities: Sequence[float] = CAPACITIES,
    penalties: Sequence[float] = PENALTIES,
    world: NicheWorld | None = None,
    learners: int = 16,
    iterations: int = 150,
    episodes: int = 64,
    every: int = 5,
    n_max: int = 256,
    seeds: int = 3,
    seed: int = 0,
    threads: int | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run PPO learners by capacity x KL penalty, best-of-n by capacity, and fit both forms.

    Parameters
    ----------
    capacities
        Skill of a full specialist, in [0, 1].
    penalties
        KL penalties beta >= 0 of the PPO learners.
    world
        The world (default: the ``assistant`` preset).
    learners, iterations, episodes, every
        Learners per run, iterations, requests per learner per iteration,
        iterations between the curve's points.
    n_max
        Best-of-n for n = 1, 2, 4, ... up to ``n_max``.
    seeds, seed, threads, progress
        As in ``loss_aggregation``.
    """
    caps = [float(v.law("capacity", "capacities", x)) for x in levels("capacities", capacities)]
    pens = [float(v.law("kl_penalty", "penalties", x)) for x in levels("penalties", penalties)]
    size = sizes(learners, iterations, episodes)
    every = v.integer("every", every, 1)
    n_max = v.integer("n_max", n_max, 1, 1 << 20)
    base = base_world(world)
    snapshots = list(range(0, size["iterations"] + 1, every))

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        return replace(base, capacity=cell["capacity"]), {
            **size, "algorithm": PPO(), "advantage": GAE(), "kl_penalty": cell["kl_penalty"], "snapshots": snapshots}

    res = sweep(
        {"capacity": caps, "kl_penalty": pens}, build, seeds=seeds, seed=seed, threads=threads, progress=progress,
        measure=curve, name="overoptimization", runner=LEARN,
        config={**size, "every": every, "n_max": n_max, "seeds": seeds, "seed": seed, "world": base.to_toml()},
    )
    ns = [2**i for i in range(int(math.log2(n_max)) + 1)]
    bon = pl.concat([best_of_n(replace(base, capacity=c), base.genome(), ns).select(pl.lit(c).alias("capacity"),
                                                                                     pl.all()) for c in caps])
    fits = []
    for c in caps:
        b = bon.filter(pl.col("capacity") == c)
        f = fit(b["sqrt_kl"], b["gold"] - b["gold"][0], "bon")
        fits.append({"capacity": c, "method": "best_of_n", "form": "bon", "alpha": f["alpha"], "beta": f["beta"],
                     "alpha_low": f["alpha"] - 1.96 * f["alpha_se"], "alpha_high": f["alpha"] + 1.96 * f["alpha_se"],
                     "beta_low": f["beta"] - 1.96 * f["beta_se"], "beta_high": f["beta"] + 1.96 * f["beta_se"],
                     "n": 1})
        for p in pens:
            per_seed = []
            for s in res.runs.filter((pl.col("capacity") == c) & (pl.col("kl_penalty") == p))["seed"].unique().sort():
                run = res.runs.filter((pl.col("capacity") == c) & (pl.col("kl_penalty") == p) & (pl.col("seed") == s))
                run = run.sort("iteration")
                per_seed.append(fit(run["sqrt_kl"], run["gold"] - run["gold"][0], "rl"))
            a, b_ = interval([f["alpha"] for f in per_seed]), interval([f["beta"] for f in per_seed])
            fits.append({"capacity": c, "method": f"ppo (kl_penalty {p:g})", "form": "rl", "alpha": a["mean"],
                         "beta": b_["mean"], "alpha_low": a["low"], "alpha_high": a["high"], "beta_low": b_["low"],
                         "beta_high": b_["high"], "n": a["n"]})
    return replace(res, tables={"best_of_n": bon, "fits": pl.DataFrame(fits)})


callable_module(__name__)
