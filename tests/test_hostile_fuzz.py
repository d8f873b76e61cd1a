"""Hostile input, generated (issue 16): every public entry point and CLI
command, called by hypothesis with valid small arguments of which one to
three are replaced by hostile values (``tests/hostile_worker.py`` says
which). Each group of entry points runs in its own subprocess, so a crash,
an abort or a hang fails the test and names the last call; calls that run
long get a Ctrl-C (SIGALRM) and must stop within a second.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
GROUPS = ("niche", "connect4", "egt", "experiments", "charts", "io")
#: Hypothesis examples per entry point.
EXAMPLES = 40


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = {}
    # The worker runs in an empty folder: a call that writes where it was
    # not asked to fails its group, and nothing lands in the checkout.
    where = tmp_path_factory.mktemp("hostile_cwd")
    for group in GROUPS:
        try:
            p = subprocess.run([sys.executable, str(HERE / "hostile_worker.py"), group, str(EXAMPLES)],
                               capture_output=True, text=True, timeout=600, cwd=where)
        except subprocess.TimeoutExpired as e:
            lines = (e.stdout or b"").decode(errors="replace").strip().splitlines() if isinstance(e.stdout, bytes) \
                else (e.stdout or "").strip().splitlines()
            out[group] = {"crash": f"hung: no answer in 600 s; last call: {lines[-1:] }"}
            continue
        lines = p.stdout.strip().splitlines()
        stray = sorted(x.name for x in where.iterdir() if x.name != ".hypothesis")
        if stray:
            out[group] = {"crash": f"wrote into its working folder, unasked: {stray[:5]}"}
            continue
        try:
            out[group] = json.loads(lines[-1])
        except (IndexError, ValueError):
            last = [line for line in lines if line.startswith("case ")][-1:]
            out[group] = {"crash": f"exit status {p.returncode}; last call: {last}; stderr: {p.stderr[-1500:]}"}
    return out


@pytest.mark.parametrize("group", GROUPS)
def test_no_crash_panic_hang_or_garbage(runs, group):
    r = runs[group]
    assert "crash" not in r, r.get("crash")
    assert not r["failures"], "\n".join(f"{f['entry']}: {f['error']} <- {f['call']}" for f in r["failures"])
    # Every entry point of the group was tried as often as asked.
    assert min(r["counts"].values()) >= EXAMPLES, r["counts"]


def test_the_readme_states_how_many_cases_the_suite_tries(runs):
    total = sum(r.get("cases", 0) for r in runs.values())
    entries = sum(len(r.get("counts", {})) for r in runs.values())
    hand_picked = len(__import__("test_hostile").CASES)
    readme = (HERE.parent / "README.md").read_text()
    m = re.search(r"tries ([\d,]+) generated calls of (\d+) entry points, and (\d+) hand-picked", readme)
    assert m, "the README's hostile-input paragraph is missing"
    assert (int(m[1].replace(",", "")), int(m[2]), int(m[3])) == (total, entries, hand_picked), (total, entries)
    assert total >= 500
