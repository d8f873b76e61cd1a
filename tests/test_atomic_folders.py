"""Results folders are written whole (issue 16, ``replicators.io.folder``):
a run killed with SIGKILL at any moment leaves the folder as it was (the
previous run, complete) or as the new run (complete), never a mixture, a
truncated table or, after the next run, a stale temporary."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from replicators.errors import ConfigError
from replicators.io import output_folder, read_provenance
from replicators.io.folder import MANIFEST

KILLS = 24


def _config(folder: Path, seed: int) -> Path:
    path = folder / f"run{seed}.toml"
    path.write_text(f"[run]\npopulation = 200\ngenerations = 20\nseed = {seed}\nsnapshots = [0, 20]\n")
    return path


def _command(folder: Path, seed: int, report: bool = False) -> list[str]:
    # Without the report (its PNGs take seconds) but for every fourth run:
    # tables, snapshots and the config are files enough to mix.
    return [sys.executable, "-m", "replicators.cli", "run", str(_config(folder, seed)), "--no-progress",
            "--out", str(folder / "out"), *([] if report else ["--no-report"])]


def _check_whole(out: Path) -> int | None:
    """The seed of the run the folder holds (None: no folder), after checking
    it is one run, complete."""
    if not out.exists():
        return None
    manifest = json.loads((out / MANIFEST).read_text())
    files = {str(p.relative_to(out)): p.stat().st_size for p in out.rglob("*") if p.is_file()}
    files.pop(MANIFEST)
    assert files == manifest["files"], "files differ from the manifest"
    seeds = set()
    for table in out.glob("*.parquet"):
        pl.read_parquet(table)  # not truncated
        seeds.add(read_provenance(table)["seed"])
    assert len(seeds) == 1, f"tables of several runs: {seeds}"
    return seeds.pop()


def test_sigkill_at_random_moments_never_leaves_a_mixed_folder(tmp_path):
    whole = {}
    for report in (False, True):
        start = time.perf_counter()
        assert subprocess.run(_command(tmp_path, 0, report), capture_output=True).returncode == 0
        whole[report] = time.perf_counter() - start
    assert _check_whole(tmp_path / "out") == 0
    rng = random.Random(16)
    held = []
    # A run's length varies with the machine's load, so the kill times follow
    # it: a kill that came too early stretches the next ones, a kill after
    # the run finished shrinks them. Half the kills then land either side of
    # the last rename, on a fast machine or a loaded CI runner alike.
    scale = 1.0
    for i in range(1, KILLS + 1):
        report = i % 4 == 0
        p = subprocess.Popen(_command(tmp_path, i, report), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Anywhere from the imports to the last rename.
        time.sleep(rng.uniform(0.3, 1.1) * whole[report] * scale)
        p.send_signal(signal.SIGKILL)
        p.wait()
        seed = _check_whole(tmp_path / "out")
        assert seed is None or seed <= i
        held.append(seed)
        scale = min(3.0, max(0.3, scale / 1.15 if seed == i else scale * 1.15))
    # The next run finishes and cleans every temporary the kills left.
    assert subprocess.run(_command(tmp_path, 99), capture_output=True).returncode == 0
    assert _check_whole(tmp_path / "out") == 99
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [], left
    # Kills landed both before and after runs completed (the test did test).
    assert len(set(held)) > 1, held


def test_a_folder_replicators_did_not_write_is_never_replaced(tmp_path):
    (tmp_path / "thesis.tex").write_text("years of work")
    with pytest.raises(ConfigError, match="its files would be replaced"):
        with output_folder(tmp_path):
            pass
    assert (tmp_path / "thesis.tex").read_text() == "years of work"


def test_an_error_while_writing_leaves_the_old_folder(tmp_path):
    out = tmp_path / "out"
    with output_folder(out) as tmp:
        (tmp / "a.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with output_folder(out) as tmp:
            (tmp / "a.txt").write_text("new")
            raise RuntimeError("the run failed")
    assert (out / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
