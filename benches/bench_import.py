"""How long ``import replicators`` takes, this tree against an earlier commit, side by side.

The earlier commit's Python package is extracted with ``git archive`` next
to a copy of this tree's compiled ``_core`` (the package is what changes
between layouts; the compiled module only adds functions), and fresh
interpreters import each in alternation, so both see the same machine
load, with bytecode cached as an installed package has it. Reported:
the median and quartiles of ``-X importtime``'s cumulative
time of ``replicators``.

    python benches/bench_import.py [REV] [--runs N]     # REV defaults to HEAD~1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def once(path: Path) -> float:
    # Bytecode cached, as users' installs have it (the first call writes it).
    env = {k: x for k, x in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(path)
    code = f"import replicators; assert replicators.__file__.startswith({str(path)!r})"
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, env=env)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    last = [line for line in out.stderr.splitlines() if line.rstrip().endswith("| replicators")][-1]
    return int(last.split("|")[1]) / 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", nargs="?", default="HEAD~1")
    ap.add_argument("--runs", type=int, default=41)
    args = ap.parse_args()
    compiled = sorted((ROOT / "python" / "replicators").glob("_core*.so"))
    if not compiled:
        raise SystemExit("build first: maturin develop --release (the compiled module is needed in python/replicators)")
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.rev, "python/replicators"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        shutil.copy(compiled[0], old / "python" / "replicators")
        times: dict[str, list[float]] = {args.rev: [], "this tree": []}
        once(old / "python"), once(ROOT / "python")
        for _ in range(args.runs):
            times[args.rev].append(once(old / "python"))
            times["this tree"].append(once(ROOT / "python"))
    report = {}
    for name, xs in times.items():
        q = statistics.quantiles(xs, n=4)
        report[name] = {"median_ms": round(statistics.median(xs), 1), "q1_ms": round(q[0], 1), "q3_ms": round(q[2], 1)}
        print(f"{name:>12}: median {report[name]['median_ms']} ms (quartiles {report[name]['q1_ms']}-{report[name]['q3_ms']})")
    print(json.dumps({"runs": args.runs, **report}))


if __name__ == "__main__":
    main()
