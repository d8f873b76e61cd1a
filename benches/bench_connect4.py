"""Benchmark: Connect Four games per second, replicators vs OpenSpiel.

Run:  python benches/bench_connect4.py [--quick]

Side by side in one run, on the same machine:

* **random playouts**: uniformly random games from the empty board to the
  end (win or full board). replicators: ``connect4.random_games`` on all
  cores and on one thread. OpenSpiel (PyPI ``open-spiel``,
  ``pyspiel.load_game("connect_four")``): the same playouts through its
  Python API (``legal_actions`` / ``apply_action``, a uniform choice per
  move), in one process and in one process per core.
  OpenSpiel is also timed with its game loop in C++: two
  ``make_uniform_random_bot`` bots through ``pyspiel.evaluate_bots`` (one
  Python call per game); the ratios use this, its faster way.
* **policy-vs-policy games**: two feature-based softmax policies
  (``connect4.play_games`` with weight vectors; the engine computes the six
  features of every legal move at every ply), all cores and one thread.

Both engines' random games are checked to have the same statistics
(first-player win rate, mean length) so the counts compare like with like.
Each figure is the best of ``--repeats`` timings. Prints a table and writes
``benches/results/connect4.json``. Goals (issue 5): >= 5 million random
games/s and >= 500,000 policy games/s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import platform
import random
import time
from pathlib import Path

from replicators import _core
from replicators import connect4 as c4

GOAL_RANDOM = 5_000_000
GOAL_POLICY = 500_000
#: Two plausible evolved policies: take wins, block, prefer the centre.
FIRST = c4.weights(wins_now=3.0, blocks=2.0, allows_win_above=-1.0, centre_distance=-1.0, open_threes=0.5)
SECOND = c4.weights(wins_now=1.0, blocks=1.0, centre_distance=-0.5)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def best_rate(run, games: int, repeats: int) -> tuple[float, dict]:
    best, out = 0.0, {}
    for i in range(repeats):
        t = time.perf_counter()
        out = run(games, i)
        best = max(best, games / (time.perf_counter() - t))
    return best, out


def openspiel_games(games: int, seed: int) -> dict:
    import pyspiel

    game = pyspiel.load_game("connect_four")
    rng = random.Random(seed)
    first = draws = plies = 0
    for _ in range(games):
        state = game.new_initial_state()
        n = 0
        while not state.is_terminal():
            state.apply_action(rng.choice(state.legal_actions()))
            n += 1
        r = state.returns()[0]
        first += r > 0
        draws += r == 0
        plies += n
    return {"games": games, "first_wins": first, "draws": draws, "plies": plies}


def openspiel_cpp_games(games: int, seed: int) -> dict:
    """The game loop in C++: two uniform random bots through
    ``pyspiel.evaluate_bots`` (one Python call per game, not per move)."""
    import pyspiel

    game = pyspiel.load_game("connect_four")
    bots = [pyspiel.make_uniform_random_bot(0, 2 * seed + 1), pyspiel.make_uniform_random_bot(1, 2 * seed + 2)]
    first = draws = 0
    for i in range(games):
        r = pyspiel.evaluate_bots(game.new_initial_state(), bots, i)[0]
        first += r > 0
        draws += r == 0
    # evaluate_bots does not report the length; plies stay unknown (NaN).
    return {"games": games, "first_wins": first, "draws": draws, "plies": float("nan")}


def _openspiel_worker(args: tuple[str, int, int]) -> dict:
    kind, games, seed = args
    return (openspiel_cpp_games if kind == "cpp" else openspiel_games)(games, seed)


def openspiel_parallel(kind: str, games: int, seed: int, procs: int, pool: mp.pool.Pool) -> dict:
    parts = pool.map(_openspiel_worker, [(kind, games // procs, seed * 1000 + i) for i in range(procs)])
    return {k: sum(p[k] for p in parts) for k in parts[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts (a smoke test)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cores = _core.thread_count(None)
    scale = 0.05 if args.quick else 1.0
    n_random, n_policy, n_spiel = int(40_000_000 * scale), int(4_000_000 * scale), int(40_000 * scale)

    rows = {}
    rows["replicators random, all cores"] = best_rate(
        lambda n, i: c4.random_games(n, seed=i), n_random, args.repeats)
    rows["replicators random, 1 thread"] = best_rate(
        lambda n, i: c4.random_games(n, seed=i, threads=1), n_random // 2, args.repeats)
    rows["replicators policy vs policy, all cores"] = best_rate(
        lambda n, i: c4.play_games(FIRST, SECOND, n, seed=i), n_policy, args.repeats)
    rows["replicators policy vs policy, 1 thread"] = best_rate(
        lambda n, i: c4.play_games(FIRST, SECOND, n, seed=i, threads=1), n_policy // 2, args.repeats)
    rows["replicators greedy vs random, all cores"] = best_rate(
        lambda n, i: c4.play_games("greedy", "random", n, seed=i), n_policy, args.repeats)
    rows["OpenSpiel random, Python loop, 1 process"] = best_rate(openspiel_games, n_spiel, args.repeats)
    rows["OpenSpiel random bots, C++ loop, 1 process"] = best_rate(openspiel_cpp_games, 2 * n_spiel, args.repeats)
    with mp.Pool(cores) as pool:
        rows["OpenSpiel random, Python loop, all cores"] = best_rate(
            lambda n, i: openspiel_parallel("python", n, i, cores, pool), n_spiel * cores, args.repeats)
        rows["OpenSpiel random bots, C++ loop, all cores"] = best_rate(
            lambda n, i: openspiel_parallel("cpp", n, i, cores, pool), 2 * n_spiel * cores, args.repeats)

    ours = rows["replicators random, all cores"][0]
    # Compare with OpenSpiel's faster way to play random games.
    spiel = rows["OpenSpiel random bots, C++ loop, all cores"][0]
    policy = rows["replicators policy vs policy, all cores"][0]
    print(f"\nConnect Four games per second on {cores} cores ({cpu_model()})\n")
    print(f"{'what':45s} {'games/s':>14s} {'P(first wins)':>14s} {'plies/game':>11s}")
    results = {}
    for name, (rate, out) in rows.items():
        p1 = out["first_wins"] / out["games"]
        length = out["plies"] / out["games"]
        print(f"{name:45s} {rate:14,.0f} {p1:14.3f} {length:11.2f}")
        results[name] = {"games_per_second": rate, "first_player_win_rate": p1,
                         "plies_per_game": None if math.isnan(length) else length,
                         "games": out["games"]}
    ratio = ours / spiel
    ratio1 = rows["replicators random, 1 thread"][0] / rows["OpenSpiel random bots, C++ loop, 1 process"][0]
    print(f"\nrandom playouts: replicators / OpenSpiel (C++ loop) = {ratio:,.0f}x (all cores), "
          f"{ratio1:,.0f}x (one core each)")
    print(f"goal >= {GOAL_RANDOM:,} random games/s: {'met' if ours >= GOAL_RANDOM else 'NOT met'} ({ours:,.0f})")
    print(f"goal >= {GOAL_POLICY:,} policy games/s: {'met' if policy >= GOAL_POLICY else 'NOT met'} ({policy:,.0f})")
    report = {
        "benchmark": "connect4_games_per_second",
        "cpu_count": os.cpu_count(),
        "threads": cores,
        "machine": platform.machine(),
        "processor": cpu_model(),
        "quick": args.quick,
        "repeats": args.repeats,
        "results": results,
        "ratio_random_vs_openspiel_all_cores": ratio,
        "ratio_random_vs_openspiel_one_core": ratio1,
        "goal_random_games_per_second": GOAL_RANDOM,
        "goal_policy_games_per_second": GOAL_POLICY,
        "goal_random_met": ours >= GOAL_RANDOM,
        "goal_policy_met": policy >= GOAL_POLICY,
        "policies": {"first": FIRST.tolist(), "second": SECOND.tolist(), "features": list(c4.FEATURES)},
    }
    if not args.quick:
        out = Path(__file__).parent / "results" / "connect4.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
