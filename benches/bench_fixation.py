"""Monte Carlo fixation, side by side: replicators vs egttools vs NumPy.

The workload (issue #egt, item 4): the Fermi pairwise-comparison process,
population N = 100, a neutral 2 x 2 game (every payoff 1), one mutant among
99 residents, 20,000 independent runs, selection intensity beta = 1. All
three simulate the same Markov chain: a focal individual and a model are
drawn uniformly without replacement, and the focal adopts the model's
strategy with probability 1 / (1 + exp(-beta (pi_model - pi_focal))), with
payoffs that exclude self-interaction; a run ends when the mutant has fixed
or died out. Exact answer: rho = 1/N = 0.01.

- replicators: ``simulate_fixation(..., "fermi")``, the embedded jump chain
  (steps that change nothing are skipped), Rust, rayon over all cores.
- egttools: ``PairwiseComparisonNumerical.estimate_fixation_probability``,
  the full chain step by step (C++, OpenMP over all cores unless
  OMP_NUM_THREADS says otherwise).
- numpy: all runs at once as arrays, the embedded jump chain (one
  vectorised step per iteration, absorbed runs dropped), one core.

Run (from the repository root, after ``pip install '.[bench]'``):

    python benches/bench_fixation.py [--runs 20000] [--repeat 3] [--out benches/results]

It prints runs per second (median of the repeats) and the ratios, and
writes ``<out>/fixation.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

POPULATION = 100
BETA = 1.0
PAYOFFS = np.ones((2, 2))


def run_replicators(runs: int, seed: int) -> float:
    from replicators.egt import MatrixGame, simulate_fixation

    est = simulate_fixation(
        MatrixGame(PAYOFFS), POPULATION, BETA, "fermi", runs=runs, seed=seed, threads=None
    )
    return est.probability


def run_egttools(runs: int, seed: int) -> float:
    import egttools
    from egttools.games import Matrix2PlayerGameHolder
    from egttools.numerical import PairwiseComparisonNumerical

    egttools.Random.init_with_seed(seed)
    game = Matrix2PlayerGameHolder(2, PAYOFFS)
    # 202 fitness values exist (101 states x 2 strategies): a cache of 256
    # holds them all (measured here: faster than 1000 or 1e5; the cache is per run).
    evolver = PairwiseComparisonNumerical(POPULATION, game, 256)
    # The generation cap must never bind: a neutral run absorbs in ~1e3 steps
    # on average (~2e4 given fixation); 1e8 is far beyond any run.
    return evolver.estimate_fixation_probability(0, 1, runs, 100_000_000, BETA)


def run_numpy(runs: int, seed: int) -> float:
    """All runs at once on the embedded jump chain: from k mutants the next
    change is up with probability T+ / (T+ + T-) = 1 / (1 + exp(-beta (f - g)))."""
    n = POPULATION
    k_all = np.arange(n + 1)
    a, b, c, d = PAYOFFS[0, 0], PAYOFFS[0, 1], PAYOFFS[1, 0], PAYOFFS[1, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (a * (k_all - 1) + b * (n - k_all)) / (n - 1)
        g = (c * k_all + d * (n - k_all - 1)) / (n - 1)
    up = 1.0 / (1.0 + np.exp(-BETA * (f - g)))
    rng = np.random.default_rng(seed)
    k = np.ones(runs, dtype=np.int64)
    fixed = 0
    while k.size:
        k += np.where(rng.random(k.size) < up[k], 1, -1)
        done = (k == 0) | (k == n)
        if done.any():
            fixed += int(np.count_nonzero(k == n))
            k = k[~done]
    return fixed / runs


CONTENDERS = {"replicators": run_replicators, "egttools": run_egttools, "numpy": run_numpy}


def measure(name: str, runs: int, repeat: int, seed: int) -> dict:
    fn = CONTENDERS[name]
    fn(min(runs, 500), seed + 999)  # warm up: imports, thread pools, caches
    times, probs = [], []
    for i in range(repeat):
        start = time.perf_counter()
        probs.append(fn(runs, seed + i))
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    p = float(np.mean(probs))
    return {
        "seconds_median": seconds,
        "seconds_all": times,
        "runs_per_second": runs / seconds,
        "probability_mean": p,
        "probabilities": probs,
        # z of the pooled estimate against the exact 1/N
        "z_vs_exact": (p - 1 / POPULATION)
        / np.sqrt((1 / POPULATION) * (1 - 1 / POPULATION) / (runs * repeat)),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="benches/results")
    parser.add_argument("--skip", nargs="*", default=[], choices=list(CONTENDERS))
    args = parser.parse_args(argv)

    results = {}
    for name in CONTENDERS:
        if name in args.skip:
            continue
        try:
            results[name] = measure(name, args.runs, args.repeat, args.seed)
        except ImportError as e:
            print(f"{name}: not installed ({e}); pip install '.[bench]'")
    from replicators import _core

    report = {
        "workload": {
            "process": "fermi pairwise comparison",
            "population": POPULATION,
            "game": "neutral 2x2 (all payoffs 1)",
            "beta": BETA,
            "mutants": 1,
            "runs": args.runs,
            "repeat": args.repeat,
            "exact_probability": 1 / POPULATION,
        },
        "machine": {
            "cores": os.cpu_count(),
            "replicators_threads": _core.thread_count(None),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "unset (all cores)"),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "results": results,
        "ratios": {},
    }
    base = results.get("replicators", {}).get("runs_per_second")
    for other in ("egttools", "numpy"):
        if base and other in results:
            report["ratios"][f"replicators/{other}"] = base / results[other]["runs_per_second"]

    print(
        f"\nMonte Carlo fixation: Fermi, N={POPULATION}, neutral game, 1 mutant, {args.runs} runs, "
        f"{os.cpu_count()} cores (median of {args.repeat})"
    )
    print(
        f"{'':<12} {'runs/s':>14} {'seconds':>10} {'rho (mean)':>12} {'z vs 1/N':>9} "
        f"{'replicators x':>14}"
    )
    for name, r in results.items():
        ratio = base / r["runs_per_second"] if base else float("nan")
        print(
            f"{name:<12} {r['runs_per_second']:>14,.0f} {r['seconds_median']:>10.4f} "
            f"{r['probability_mean']:>12.5f} {r['z_vs_exact']:>9.2f} {ratio:>14.1f}"
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "fixation.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"\nsaved {path}")
    return report


if __name__ == "__main__":
    main()
