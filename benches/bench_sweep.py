"""Sweeps: what running many runs costs, side by side in one run.

Measured here, on this machine:

- **Throughput on the demo's grid**: ``sum_vs_rate`` at the demo's sizes
  (population 2,000, 300 generations) on 2 of its cells x 3 seeds, run
  serially on one thread (per core), serially with every thread in each
  run (the sweep before local workers), and on local workers (one run per
  core): the ratios are the gain of run-level parallelism.
- **In-run speed-up** of one run on 2 threads over 1, at 2,000, 20,000 and
  100,000 agents (what ``sweeps.local.speedup`` models).
- **Per-run overhead** of each backend: a sweep of tiny runs (10 agents, 1
  generation), serially, on local workers, kept in a results folder, and
  on a local Ray cluster of 2 CPUs (already started, warm): wall time per
  run, less the same runs' own time.
- **Driver cost of a big sweep**: the bytes a run of the demo's size sends
  back (its tables as Parquet), and the Ray driver's time per result, from
  which a 10,000-run sweep's result volume, driver memory and driver time
  follow.
- **Ctrl-C latency** with local workers (Python and the command) and on
  Ray (cluster shutdown included).

    python benches/bench_sweep.py

Results: ``benches/results/sweep.json`` (the README's scaling note).
"""

from __future__ import annotations

import io
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import replicators as r
from replicators import _core
from replicators.experiments import sum_vs_rate
from replicators.experiments.niche_runs import measure, persona_table
from replicators.selection import Mutation, Proportional
from replicators.sweeps import execution, sweep

RESULTS = Path(__file__).resolve().parent / "results" / "sweep.json"
DEMO = {"fitness": ("sum", "rate"), "pressures": (2.0,), "population": 2000, "generations": 300, "seeds": 3}


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def throughput() -> dict:
    out = {}
    for label, settings in (("one_thread", {"workers": 1, "threads": 1}), ("runs_on_all_threads",
                            {"workers": 1, "threads": 2}), ("local_workers", {"workers": 2, "threads": 1})):
        with execution(**settings):
            out[label] = timed(lambda: sum_vs_rate(**DEMO)) / 6
    return out


def in_run_speedup() -> dict:
    world = r.NicheWorld.preset()
    out = {}
    for n, gens in ((2000, 150), (20_000, 30), (100_000, 8)):
        kw = dict(population=n, generations=gens, fitness="sum", selection=Proportional(pressure=2.0),
                  mutation=Mutation(rate=0.2, scale=0.3), seed=0)
        one = min(timed(lambda: r.evolve(world, threads=1, **kw)) for _ in range(2))
        two = min(timed(lambda: r.evolve(world, threads=2, **kw)) for _ in range(2))
        out[str(n)] = one / two
    return out


def _tiny(cell):
    return r.NicheWorld.preset(), {"population": 10, "generations": 1, "fitness": cell["f"]}


def _gold(result):
    return result.history.select("generation", "gold_per_need")


def overhead() -> dict:
    import ray

    grid = {"f": ["sum", "rate", "episode_rate", "malthusian"]}
    seeds = 50
    runs = len(grid["f"]) * seeds
    world = r.NicheWorld.preset()
    # The runs' own time: the core call and the measure, nothing else.
    alone = timed(lambda: [_gold(r.evolve(world, population=10, generations=1, fitness=f, seed=s, threads=1))
                           for f in grid["f"] for s in range(seeds)]) / runs
    out = {"run_itself": alone}
    out["serial"] = timed(lambda: sweep(grid, _tiny, seeds=seeds, measure=_gold, workers=1, threads=1)) / runs
    out["local_workers"] = timed(lambda: sweep(grid, _tiny, seeds=seeds, measure=_gold, workers=2)) / runs
    with tempfile.TemporaryDirectory() as d:
        out["kept_in_folder"] = timed(lambda: sweep(grid, _tiny, seeds=seeds, measure=_gold, workers=1, threads=1,
                                                    out=Path(d) / "s")) / runs
    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    out["ray_start"] = time.perf_counter() - start
    sweep(grid, _tiny, seeds=2, measure=_gold, backend="ray")  # warm the workers
    out["ray"] = timed(lambda: sweep(grid, _tiny, seeds=seeds, measure=_gold, backend="ray")) / runs
    ray.shutdown()
    return out


def volume() -> dict:
    """Bytes one run of the demo's size sends back, as Parquet and in memory."""
    world = r.NicheWorld.preset()
    res = r.evolve(world, population=2000, generations=300, fitness="sum", selection=Proportional(pressure=2.0),
                   mutation=Mutation(rate=0.2, scale=0.3), seed=0)
    frames = {"runs": measure(res), "personas": persona_table(res)}
    parquet = 0
    for f in frames.values():
        buf = io.BytesIO()
        f.write_parquet(buf)
        parquet += buf.tell()
    return {"parquet_bytes": parquet, "memory_bytes": sum(int(f.estimated_size()) for f in frames.values()),
            "rows": sum(f.height for f in frames.values())}


SWEEP = """
import replicators as r
from pathlib import Path
from replicators.sweeps import sweep
def build(cell):
    return r.NicheWorld.preset(), {{"population": 200_000, "generations": 50, "fitness": cell["f"]}}
def measure(result):
    return result.history.select("generation", "gold_per_need")
{setup}
sweep({{"f": ["sum", "rate", "episode_rate", "malthusian"]}}, build, seeds=2, measure=measure,
      progress=lambda n: Path("started").touch(), {settings})
"""


def _latency(argv: list[str], cwd: Path, ready: str) -> float:
    env = {k: x for k, x in os.environ.items() if k != "RAY_ADDRESS"}
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while not (cwd / ready).exists() and p.poll() is None:
        time.sleep(0.02)
    time.sleep(0.3)
    start = time.perf_counter()
    p.send_signal(signal.SIGINT)
    p.wait(timeout=120)
    return time.perf_counter() - start


def latency() -> dict:
    out = {}
    with tempfile.TemporaryDirectory() as d:
        out["python_workers"] = max(_latency([sys.executable, "-c", SWEEP.format(setup="", settings="workers=2")],
                                             Path(d), "started") for _ in range(3))
    with tempfile.TemporaryDirectory() as d:
        config = Path(d) / "s.toml"
        config.write_text('[sweep]\nexperiment = "sum_vs_rate"\npopulation = 100000\ngenerations = 1000\nseeds = 2\n')
        out["command_workers"] = _latency([sys.executable, "-m", "replicators.cli", "sweep", str(config), "--out",
                                           "out", "--no-progress", "--workers", "2"], Path(d), "out/finished")
    with tempfile.TemporaryDirectory() as d:
        setup = "import ray\nray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)"
        code = SWEEP.format(setup=setup, settings="backend='ray'").replace(
            'progress=lambda n: Path("started").touch()', "progress=None").replace(
            "def measure(result):", "def measure(result):\n    Path('started').touch()\n    import time; time.sleep(600)")
        code = code.replace('"population": 200_000, "generations": 50', '"population": 100, "generations": 2')
        out["ray_with_shutdown"] = _latency([sys.executable, "-c", code], Path(d), "started")
    return out


def main() -> None:
    cores = _core.thread_count(None)
    report = {
        "machine": {"cores": cores, "python": platform.python_version(), "version": _core.__version__},
        "throughput_seconds_per_run": throughput(),
        "in_run_speedup_2_threads": in_run_speedup(),
        "overhead_seconds_per_run": overhead(),
        "run_volume": volume(),
        "ctrl_c_seconds": latency(),
    }
    RESULTS.write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
