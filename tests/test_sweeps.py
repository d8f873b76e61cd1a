"""Sweeps at scale (issue 17): the same tables serially, on local worker
threads and on a real local Ray cluster; resumable after SIGKILL; Ctrl-C
stops every run within a second; a Ray worker killed mid-task is retried."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import replicators as r
from replicators.errors import ConfigError
from replicators.experiments import loss_aggregation, sum_vs_rate
from replicators.io.folder import FINISHED
from replicators.sweeps import SweepResult, execution, sweep
from replicators.sweeps.local import plan_workers

ray = pytest.importorskip("ray") if not os.environ.get("CI") else __import__("ray")

#: Seconds from SIGINT to every run stopped (the process's exit).
LATENCY = 1.0
SMALL = {"pressures": (0.0, 2.0), "population": 200, "generations": 12, "seeds": 2}


@pytest.fixture(scope="module")
def cluster():
    """A real local Ray cluster of 2 CPUs, shared by this module's tests."""
    os.environ.pop("RAY_ADDRESS", None)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


def _same(a: SweepResult, b: SweepResult) -> None:
    for key in ("runs", "per_run", "cells", *a.tables):
        x = getattr(a, key) if key in ("runs", "per_run", "cells") else a.tables[key]
        y = getattr(b, key) if key in ("runs", "per_run", "cells") else b.tables[key]
        assert x.schema == y.schema, key
        assert x.equals(y), key


def test_serial_local_workers_and_ray_give_identical_tables(cluster):
    serial = sum_vs_rate(**SMALL, threads=1)
    assert serial.per_run.height == 12
    for settings in ({"workers": 1, "threads": 2}, {"workers": 2}, {"workers": 3, "threads": 1},
                     {"backend": "ray"}, {"backend": "ray", "threads": 2}):
        with execution(**settings):
            _same(serial, sum_vs_rate(**SMALL))


def test_learning_sweeps_are_identical_on_workers_and_ray(cluster):
    kw = {"trajectories": ("episode",), "aggregations": ("sum", "seq_mean"), "learners": 4, "iterations": 3,
          "seeds": 2}
    serial = loss_aggregation(**kw, threads=1)
    with execution(workers=2):
        _same(serial, loss_aggregation(**kw))
    with execution(backend="ray"):
        _same(serial, loss_aggregation(**kw))


def _build(cell):
    return r.NicheWorld.preset(), {"population": 60, "generations": 3, "fitness": cell["fitness"]}


def _gold(result):
    return result.history.select("generation", "gold_per_need")


def test_a_sweep_resumes_from_its_folder_and_refuses_another(tmp_path):
    grid = {"fitness": ["sum", "rate", "episode_rate"]}
    whole = sweep(grid, _build, seeds=3, measure=_gold)
    out = tmp_path / "out"
    first = sweep(grid, _build, seeds=3, measure=_gold, out=out, workers=2)
    _same(whole, first)
    assert first.resumed == 0
    assert SweepResult.read(out).equals(first)
    runs = sorted((out / FINISHED).glob("run-*"))
    assert len(runs) == 9
    # Two runs lost (as if killed before they finished): only they run again.
    kept = {p.name: (p / "runs.parquet").stat().st_ino for p in runs[2:]}
    for p in runs[:2]:
        for f in p.iterdir():
            f.unlink()
        p.rmdir()
    again = sweep(grid, _build, seeds=3, measure=_gold, out=out)
    assert again.resumed == 7
    _same(whole, again)
    assert {p.name: (p / "runs.parquet").stat().st_ino for p in sorted((out / FINISHED).glob("run-*"))[2:]} == kept
    # Another grid, or other seeds: refused, naming what differs.
    with pytest.raises(ConfigError, match=r"another sweep \(cells, grid differ\)"):
        sweep({"fitness": ["sum", "rate"]}, _build, seeds=3, measure=_gold, out=out)
    with pytest.raises(ConfigError, match=r"seeds differs"):
        sweep(grid, _build, seeds=2, measure=_gold, out=out)
    fresh = sweep({"fitness": ["sum"]}, _build, seeds=2, measure=_gold, out=out, resume=False)
    assert fresh.resumed == 0 and len(list((out / FINISHED).glob("run-*"))) == 2


def test_bad_execution_settings_name_the_field():
    with pytest.raises(ConfigError, match="workers = 0 is invalid"):
        sweep({"fitness": ["sum"]}, _build, seeds=1, workers=0)
    with pytest.raises(ConfigError, match="backend = 'dask' is not known: expected one of local, ray"):
        sweep({"fitness": ["sum"]}, _build, seeds=1, backend="dask")
    with pytest.raises(ConfigError, match="address = 'x:1' is invalid: an address is for backend = 'ray'"):
        sweep({"fitness": ["sum"]}, _build, seeds=1, address="x:1")
    with pytest.raises(ConfigError, match="tables = 'runs' is invalid"):
        sweep({"fitness": ["sum"]}, _build, seeds=1, tables={"runs": _gold})


def test_workers_are_chosen_from_population_and_cores():
    assert plan_workers(75, 2000, cores=2) == (2, 1)
    assert plan_workers(1, 2000, cores=2) == (1, 2)
    assert plan_workers(3, 1_000_000, cores=2) == (1, 2)
    assert plan_workers(4, 1_000_000, cores=2) == (2, 1)
    assert plan_workers(100, 2000, cores=8) == (8, 1)
    # Memory caps the workers: runs of a million agents need about 2 GiB each.
    assert plan_workers(100, 1_000_000, cores=8, memory=5 << 30)[0] == 1
    assert plan_workers(10, 2000, cores=2, workers=1) == (1, 2)
    assert plan_workers(10, 2000, cores=4, threads=2) == (2, 2)


CONFIG = """
[sweep]
experiment = "sum_vs_rate"
fitness = ["sum", "rate"]
pressures = [0.0, 2.0]
population = 2000
generations = {generations}
seeds = 3
"""


def _cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "replicators.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _finished(out: Path) -> list[Path]:
    return sorted((out / FINISHED).glob("*/run-*"))


def test_a_sweep_killed_midway_resumes_to_identical_tables(tmp_path):
    config = tmp_path / "sweep.toml"
    config.write_text(CONFIG.format(generations=150))
    whole, out = tmp_path / "whole", tmp_path / "out"
    p = _cli("sweep", str(config), "--out", str(whole), "--no-progress", "--no-png", cwd=tmp_path)
    assert p.wait(timeout=300) == 0, p.stderr.read()
    p = _cli("sweep", str(config), "--out", str(out), "--no-progress", "--no-png", "--workers", "2", cwd=tmp_path)
    deadline = time.monotonic() + 120
    while len(_finished(out)) < 4 and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.02)
    assert p.poll() is None, "the sweep finished before it could be killed"
    p.send_signal(signal.SIGKILL)
    p.wait()
    kept = {q.name: (q / "runs.parquet").stat().st_ino for q in _finished(out)}
    assert 4 <= len(kept) < 12 and not (out / "cells.parquet").exists()
    p = _cli("sweep", str(config), "--out", str(out), "--no-progress", "--no-png", cwd=tmp_path)
    stdout, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    assert f"resumed: {len(kept)} of 12 runs" in stdout
    # The kept runs were read, not run again (their files are the same files).
    assert {q.name: (q / "runs.parquet").stat().st_ino for q in _finished(out) if q.name in kept} == kept
    a, b = SweepResult.read(whole), SweepResult.read(out)
    _same(a, b)
    # A changed config refuses the folder; --restart starts over.
    config.write_text(CONFIG.format(generations=5))
    p = _cli("sweep", str(config), "--out", str(out), "--no-progress", "--no-png", cwd=tmp_path)
    stdout, _ = p.communicate(timeout=120)
    assert p.returncode == 2 and "holds the finished runs of another sweep (generations differs)" in stdout
    p = _cli("sweep", str(config), "--out", str(out), "--no-progress", "--no-png", "--restart", cwd=tmp_path)
    assert p.wait(timeout=120) == 0
    assert SweepResult.read(out).runs["generation"].n_unique() == 5


def _interrupt(argv: list[str], *, ready: str, cwd: Path, env: dict | None = None) -> tuple[float, str, str]:
    """Start ``argv``, wait until ``ready`` exists, SIGINT it, time its exit."""
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not (cwd / ready).exists() and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.02)
    assert p.poll() is None, p.stderr.read()[-2000:]
    time.sleep(0.3)
    start = time.perf_counter()
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        pytest.fail("the sweep ignored Ctrl-C for 60 s")
    return time.perf_counter() - start, out, err


def _tagged(tag: str) -> list[int]:
    """Processes still alive with ``tag`` in their environment."""
    alive = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if tag.encode() in (d / "environ").read_bytes():
                    alive.append(int(d.name))
            except OSError:
                continue
    return alive


PYTHON_SWEEP = """
import replicators as r
from replicators.sweeps import sweep
from pathlib import Path
def build(cell):
    return r.NicheWorld.preset(), {{"population": 200_000, "generations": 50, "fitness": cell["f"]}}
def measure(result):
    return result.history.select("generation", "gold_per_need")
def started(n):
    Path("started").touch()
sweep({{"f": ["sum", "rate", "episode_rate", "malthusian"]}}, build, seeds=2, measure=measure,
      progress=started, out="out", {settings})
"""


@pytest.mark.parametrize("settings", ["workers=2, threads=1", "workers=1, threads=2"])
def test_ctrl_c_stops_every_local_run_within_a_second(tmp_path, settings):
    seconds, _, err = _interrupt([sys.executable, "-c", PYTHON_SWEEP.format(settings=settings)], ready="started",
                                 cwd=tmp_path)
    assert "KeyboardInterrupt" in err, err[-2000:]
    assert seconds < LATENCY, f"{settings}: stopped {seconds:.2f} s after Ctrl-C"
    assert not (tmp_path / "out" / "cells.parquet").exists()


def test_ctrl_c_stops_the_command_with_workers_within_a_second(tmp_path):
    config = tmp_path / "sweep.toml"
    config.write_text(CONFIG.format(generations=100000))
    seconds, out, _ = _interrupt([sys.executable, "-m", "replicators.cli", "sweep", str(config), "--out", "out",
                                  "--no-progress", "--workers", "2"], ready="out/finished", cwd=tmp_path)
    assert "replicators: interrupted" in out
    assert seconds < LATENCY, f"stopped {seconds:.2f} s after Ctrl-C"


#: Seconds a Ray sweep may take from Ctrl-C to its exit, the local cluster
#: it started shut down (measured here: see the README's scaling note).
RAY_SHUTDOWN = 15.0


RAY_SWEEP = """
import time
from pathlib import Path
import ray
import replicators as r
from replicators.sweeps import sweep
ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
def build(cell):
    return r.NicheWorld.preset(), {"population": 100, "generations": 2, "fitness": cell["f"]}
def parked(result):
    Path("started").touch()
    time.sleep(600)
sweep({"f": ["sum", "rate", "episode_rate"]}, build, seeds=2, measure=parked, backend="ray")
"""


def test_ctrl_c_stops_a_ray_sweep_and_leaves_no_process(tmp_path):
    tag = f"replicators-test-{os.getpid()}-{time.monotonic_ns()}"
    env = {k: x for k, x in os.environ.items() if k != "RAY_ADDRESS"} | {"REPLICATORS_TEST_TAG": tag}
    seconds, _, err = _interrupt([sys.executable, "-c", RAY_SWEEP], ready="started", cwd=tmp_path, env=env)
    assert "KeyboardInterrupt" in err, err[-2000:]
    assert seconds < RAY_SHUTDOWN, f"stopped {seconds:.2f} s after Ctrl-C"
    deadline = time.monotonic() + 10
    while _tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _tagged(tag) == [], "Ray processes outlived the sweep"


def _marked_measure(marker: str):
    def measure(result):
        # The first attempt of the first run to get here parks until it is
        # killed; its retry (and every other run) carries on.
        if not Path(marker).exists():
            Path(marker).write_text(str(os.getpid()))
            time.sleep(600)
        return result.history.select("generation", "gold_per_need")
    return measure
def test_a_killed_ray_worker_is_retried_with_identical_tables(cluster, tmp_path):
    grid = {"fitness": ["sum", "rate"]}
    marker = tmp_path / "pid"
    serial = sweep(grid, _build, seeds=2, measure=_gold, workers=1)

    def kill() -> None:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        os.kill(int(marker.read_text()), signal.SIGKILL)

    killer = threading.Thread(target=kill)
    killer.start()
    on_ray = sweep(grid, _build, seeds=2, measure=_marked_measure(str(marker)), backend="ray")
    killer.join()
    assert marker.exists()
    _same(serial, on_ray)
