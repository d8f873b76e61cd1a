"""Digests of every world's numbers: refactors and speed work must not move
a single bit.

Each scenario runs a world (NicheWorld under every fitness mode and
selection scheme, with time budgets, follow-ups, overrides, entropy bonus
and extinction; Connect Four tournaments; the classic dynamics; the exact
evaluator; an experiment sweep) at threads 1 and 2, and hashes every column
of every table it returns. ``tests/digests.json`` holds the digests measured
before a change; a column whose meaning changes on purpose is renamed in
``RENAMED`` (new name -> old name) or dropped from the file, never silently.

Regenerate (only when numbers are meant to change, and say so in the
commit): ``python tests/test_digests.py --write``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import replicators as r
from replicators import connect4 as c4
from replicators import egt
from replicators.analytic import evaluate

DIGESTS = Path(__file__).with_name("digests.json")
#: Columns renamed on purpose since the digests were written: new -> old.
RENAMED: dict[str, str] = {
    f"{table}.{new}": f"{table}.{old}"
    for table in ("history", "niches", "runs", "per_run")
    for new, old in (("visits", "requests"), ("gold_per_visit", "gold_per_request"),
                     ("proxy_per_visit", "proxy_per_request"))
}


def _digest(values: Any) -> str:
    arr = np.ascontiguousarray(np.asarray(values))
    if arr.dtype == object:
        data = json.dumps([str(x) for x in arr.ravel()]).encode()
    else:
        data = arr.tobytes()
    h = hashlib.sha256()
    h.update(str(arr.dtype.kind).encode() + str(arr.shape).encode())
    h.update(data)
    return h.hexdigest()[:16]


def _frame(prefix: str, frame: pl.DataFrame) -> dict[str, str]:
    return {f"{prefix}.{c}": _digest(frame[c].to_numpy()) for c in frame.columns}


def _snapshots(snaps: dict[int, np.ndarray]) -> dict[str, str]:
    return {f"snapshots.{g}": _digest(a) for g, a in sorted(snaps.items())}


def _niche(world: r.NicheWorld, **kwargs: Any) -> Callable[[int], dict[str, str]]:
    def run(threads: int) -> dict[str, str]:
        res = r.evolve(world, threads=threads, **kwargs)
        out = {}
        for name in ("history", "niches", "actions", "personas"):
            out |= _frame(name, getattr(res, name))
        out |= _snapshots(res.snapshots)
        out["status"] = _digest(np.array([res.status, str(res.extinct_at)], dtype=object))
        out["reference"] = _digest(res.reference)
        return out
    return run


def _tournament(world: Any, **kwargs: Any) -> Callable[[int], dict[str, str]]:
    def run(threads: int) -> dict[str, str]:
        res = r.evolve(world, threads=threads, **kwargs)
        return _frame("history", res.history) | _snapshots(res.snapshots)
    return run


def _custom_world() -> r.NicheWorld:
    return r.NicheWorld(
        niches=[
            r.Niche(name="code", demand=2.0, patience=0.8, max_steps=7, overrides={"chat": {"proxy": 0.5}}),
            r.Niche(name="faq", demand=1.0, patience=0.95, max_steps=30,
                    overrides={"upsell": {"follow_up": 0.5, "gold": 0.4}}),
            r.Niche(name="rare", demand=0.25),
        ],
        actions=[
            r.Action(name="solve", proxy=1.0, gold=1.0, ends=True, skilled=True, fail_proxy=0.1, fail_gold=-0.2),
            r.Action(name="chat", proxy=0.3, gold=0.0),
            r.Action(name="upsell", proxy=0.6, gold=0.2, ends=True, follow_up=0.3),
            r.Action(name="coach", proxy=0.2, gold=0.3, skilled=True),
            r.Action(name="pass", proxy=0.05, reroute=True),
        ],
        capacity=0.8, tradeoff=1.5, requests_per_agent=6.0, max_reroutes=2,
    )


def _egt(threads: int) -> dict[str, str]:
    g = egt.MatrixGame([[4, 1], [3, 2]])
    est = egt.simulate_fixation(g, 20, 0.5, "fermi", runs=3000, seed=1, times=True, threads=threads)
    traj = egt.simulate_population(g, [10, 10], 0.5, "wright_fisher", mutation=0.01, steps=200, seed=2,
                                   threads=threads)
    ode = egt.replicator(egt.MatrixGame.hawk_dove(2, 3), [0.1, 0.9], t=20.0)
    out = {"fixation": _digest(np.array([est.probability, est.stderr]))}
    out |= _frame("population", traj) | _frame("replicator", ode)
    return out


def _analytic(threads: int) -> dict[str, str]:
    w = _custom_world()
    rows = []
    for k in w.niche_names:
        for pi in ([0.3, 0.25, 0.2, 0.15, 0.1], [0.0, 0.0, 1.0, 0.0, 0.0]):
            e = evaluate(w, pi, k, skill=0.55)
            rows.append([e.proxy, e.gold, e.length, e.follow_ups, e.solve, e.decline, e.episode_rate])
    return {"evaluate": _digest(np.array(rows))}


def _sweep(threads: int) -> dict[str, str]:
    from replicators.experiments import sum_vs_rate

    res = sum_vs_rate(pressures=(0.0, 2.0), population=120, generations=6, seeds=2, threads=threads)
    return _frame("runs", res.runs) | _frame("per_run", res.per_run.drop("status")) | _frame("cells", res.cells)


PRESET = r.NicheWorld.preset("assistant")
SCENARIOS: dict[str, Callable[[int], dict[str, str]]] = {
    "niche_rate_proportional": _niche(
        PRESET, population=700, generations=8, fitness="rate", selection=r.Proportional(pressure=2.0),
        mutation=r.Mutation(rate=0.2, scale=0.3), seed=11, snapshots=[0, 8], initial_spread=0.3),
    "niche_sum_budget_tournament": _niche(
        r.NicheWorld.preset("assistant", time_budget=7), population=500, generations=6, fitness="sum",
        selection=r.Tournament(size=3), mutation=r.Mutation(rate=0.1, scale=0.2), seed=12, entropy_bonus=0.1),
    "niche_episode_rate_truncation": _niche(
        r.NicheWorld.preset("assistant", tradeoff=2.0, capacity=0.9), population=400, generations=6,
        fitness="episode_rate", selection=r.Truncation(fraction=0.3), seed=13, snapshots=[6],
        initial_spread=0.5, specialist_threshold=0.3),
    "niche_custom_raw_proportional": _niche(
        _custom_world(), population=300, generations=7, fitness="sum",
        selection=r.Proportional(pressure=0.5, standardize=False), mutation=r.Mutation(rate=0.3, scale=0.5),
        seed=14, snapshots=[0, 3]),
    "niche_threshold_extinct": _niche(
        PRESET, population=200, generations=5, fitness="rate", selection=r.Threshold(floor=0.45), seed=15),
    "niche_threshold_refill": _niche(
        PRESET, population=300, generations=6, fitness="sum", selection=r.Threshold(floor=15.0), seed=18,
        mutation=r.Mutation(rate=0.2, scale=0.3)),
    "niche_choice_gold_budget": _niche(
        r.NicheWorld.preset("assistant", routing="choice", shortlist=4, choose_by="gold", time_budget=9),
        population=600, generations=6, fitness="sum", mutation=r.Mutation(rate=0.2, scale=0.3), seed=19,
        snapshots=[0, 6], initial_spread=0.5),
    "niche_choice_proxy_tradeoff": _niche(
        r.NicheWorld.preset("assistant", routing="choice", shortlist=2, choose_by="proxy", tradeoff=2.0),
        population=500, generations=6, fitness="rate", seed=20, initial_spread=0.5),
    "knockout_moves": _tournament(
        c4.Knockout(pressure=0.7, strength_games=60), population=60, generations=4, fitness="moves",
        selection=r.Proportional(pressure=1.0), mutation=r.Mutation(rate=0.2, scale=0.2), seed=16,
        snapshots=[4], initial_spread=0.5),
    "round_robin_win_rate": _tournament(
        c4.RoundRobin(games_per_pair=1, strength_games=40), population=16, generations=3, fitness="win_rate",
        selection=r.Tournament(size=2), seed=17, initial={"wins_now": 1.0}),
    "egt": _egt,
    "analytic": _analytic,
    "sweep_sum_vs_rate": _sweep,
}


def measure() -> dict[str, dict[str, str]]:
    return {name: run(2) for name, run in SCENARIOS.items()}


@pytest.fixture(scope="module")
def stored() -> dict[str, dict[str, str]]:
    return json.loads(DIGESTS.read_text())


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_numbers_are_unchanged(name: str, stored: dict[str, dict[str, str]]) -> None:
    want = stored[name]
    for threads in (1, 2):
        got = SCENARIOS[name](threads)
        got = {RENAMED.get(k, k): d for k, d in got.items()}
        missing = sorted(set(want) - set(got))
        assert not missing, f"{name}: columns gone without a rename: {missing}"
        changed = sorted(k for k in want if got[k] != want[k])
        assert not changed, f"{name} at threads={threads}: numbers changed in {changed}"


if __name__ == "__main__":
    if "--write" in sys.argv:
        DIGESTS.write_text(json.dumps(measure(), indent=1, sort_keys=True) + "\n")
        print(f"wrote {DIGESTS}")
