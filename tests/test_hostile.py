"""Hostile input, first part (issue 16): inputs that used to abort the
process, panic, hang or return garbage now raise a ``ConfigError`` naming
the field. Each case runs in a subprocess with a timeout, so a crash or a
hang fails the test instead of killing or stalling the suite."""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = {
    # Aborted on allocation.
    "population that cannot fit": (
        "r.evolve(r.NicheWorld.preset(requests_per_agent=1.0), population=2**31 - 1, generations=1, fitness='rate')",
        "population"),
    # Hung: a thread pool that never starts, a billion snapshots, 1e13 requests.
    "threads": ("r.evolve(r.NicheWorld.preset(), population=10, generations=1, threads=2**40, fitness='rate')",
                "threads"),
    "snapshots range": ("r.evolve(r.NicheWorld.preset(), population=10, generations=2, snapshots=range(10**9), "
                        "fitness='rate')", "snapshots"),
    "snapshots generator": ("r.evolve(r.NicheWorld.preset(), population=10, generations=2, "
                            "snapshots=(g for g in range(10**9)), fitness='rate')", "snapshots"),
    "requests per generation": (
        "r.evolve(r.NicheWorld.preset(requests_per_agent=1e12), population=10, generations=1, fitness='rate')",
        "requests_per_agent"),
    # Silent NaN history.
    "no requests": ("r.evolve(r.NicheWorld.preset(requests_per_agent=1e-9), population=50, generations=2, "
                    "fitness='rate')", "requests_per_agent"),
    # PanicException from the core.
    "huge bot weights": ("import numpy as np; from replicators import connect4 as c4; "
                         "c4.play_games(np.full(6, 5e307), 'random', 1000)", "first"),
    # Genomes of inf and NaN, a KL above ln(A) in the history.
    "mutation scale": ("r.evolve(r.NicheWorld.preset(), population=50, generations=3, fitness='rate', "
                       "mutation=r.Mutation(rate=0.5, scale=1e308))", "mutation.scale"),
    "knockout population": ("from replicators import connect4; "
                            "r.evolve(connect4.Knockout(pressure=0.5), population=2**31 - 1, generations=1, "
                            "fitness='moves')", "population"),
    # Aborted allocating a trajectory of 10^12 states.
    "discrete replicator length": ("from replicators import egt; "
                                   "egt.replicator([[1, 0], [0, 1]], [0.5, 0.5], t=10**12, discrete=True)", "t"),
    # The message blamed c.
    "hawk-dove value": ("from replicators.egt import MatrixGame; MatrixGame.hawk_dove(float('nan'), 3)", "v"),
    # Silent garbage in sweeps.
    "unmeasured metric": ("from replicators.experiments import sum_vs_rate; "
                          "s = sum_vs_rate(pressures=(0.0,), population=30, generations=2, seeds=2); "
                          "s.headline(['nope'])", "metrics"),
    "repeated level": ("from replicators.experiments import sum_vs_rate; "
                       "sum_vs_rate(pressures=(1.0, 1.0), population=30, generations=2, seeds=2)", "pressures"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_raises_a_clear_error(name):
    code, field = CASES[name]
    prog = ("import replicators as r\n"
            f"try:\n    {code}\nexcept r.ConfigError as e:\n    print('ConfigError:', e)\nelse:\n    print('no error')\n")
    run = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-1500:]
    out = run.stdout.strip()
    assert out.startswith("ConfigError:") and f"{field} " in out, out


def test_integers_beyond_64_bits_say_so():
    import replicators as r

    with pytest.raises(r.ConfigError, match="population = 10{30} is invalid: expected an integer >= 2 and at most 2"):
        r.evolve(r.NicheWorld.preset(), population=10**30, generations=1, fitness="rate")


def test_snapshots_within_the_run_still_work():
    import replicators as r

    res = r.evolve(r.NicheWorld.preset(), population=20, generations=3, fitness="rate", snapshots=range(4))
    assert sorted(res.snapshots) == [0, 1, 2, 3]
    res = r.evolve(r.NicheWorld.preset(), population=20, generations=3, fitness="rate", snapshots=iter([3, 0, 0]))
    assert sorted(res.snapshots) == [0, 3]


def test_a_world_of_forty_thousand_actions_validates_in_linear_time():
    # Validation and the history's columns used to be quadratic in the
    # number of actions (40,000 took 29 s before a single step); now a
    # second or so. The bound is loose: it catches a quadratic, not noise.
    import time

    import replicators as r

    acts = [r.Action(name=f"a{i}", proxy=0.1, gold=0.0) for i in range(40_000)]
    acts.append(r.Action(name="end", proxy=1.0, gold=1.0, ends=True))
    start = time.perf_counter()
    world = r.NicheWorld(niches=[r.Niche(name="n", demand=1.0)], actions=acts)
    res = r.evolve(world, population=10, generations=1, fitness="rate")
    assert res.history.height == 1
    assert time.perf_counter() - start < 15.0
