"""The parts of a NicheWorld generation, two builds side by side in one run.

``examples/niche_parts.rs`` times each part of a generation (building the
step tables, serving, fitness and measurement, selection, mutation) beside
the limit loop on the same tables. This script runs two builds of it in
alternation (``--before`` and ``--after``, for example the commit before a
speed-up and the working tree), at 2,000 and 100,000 agents on 1 and 2
threads with the default mutation and at 2,000 with the demo's, keeps each build's fastest whole generation of ``--repeats`` runs
(a shared machine's slow spells then fall on both alike) and writes
``benches/results/parts.json``, which ``benches/figures.py`` turns into the
README's per-part table.

    cargo build --release --example niche_parts -p replicators-core
    python benches/bench_parts.py --before /tmp/niche_parts_before --before-label 46322f5 \\
        --after target/release/examples/niche_parts --after-label "this tree"
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
PARTS = ("prepare", "serve", "fitness+record", "select", "reproduce")
#: Mutation of each case: the default's, and the demo's (``sum_vs_rate``).
MUTATIONS = {"default": {"MUTATION": "0.05", "SCALE": "0.1"}, "demo": {"MUTATION": "0.2", "SCALE": "0.3"}}
#: mutation, population, generations (the first two not counted).
CASES = (("default", 2_000, 300), ("default", 100_000, 20), ("demo", 2_000, 300))


def parse(text: str) -> dict:
    """The parts (ms per generation) and the limit loop from niche_parts' output."""
    listed = text.splitlines()[0].split("ms per generation: ")[1]
    parts = {name.strip(): float(ms) for name, ms in re.findall(r"([a-z+ ]+?) ([0-9.]+)(?:,|$)", listed)}
    whole = sum(parts[p] for p in PARTS)
    return {"parts_ms": {p: parts[p] for p in PARTS}, "generation_ms": whole, "limit_ms": parts["limit loop"],
            "fraction_of_limit": parts["limit loop"] / whole}


def run(binary: str, population: int, threads: int, generations: int, mutation: str) -> dict:
    env = {**os.environ, "N": str(population), "THREADS": str(threads), "GENERATIONS": str(generations),
           **MUTATIONS[mutation]}
    out = subprocess.run([binary], env=env, capture_output=True, text=True, check=True)
    return parse(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="a niche_parts binary (the earlier build)")
    ap.add_argument("--after", required=True, help="a niche_parts binary (the later build)")
    ap.add_argument("--before-label", default="before")
    ap.add_argument("--after-label", default="after")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    builds = {args.before_label: args.before, args.after_label: args.after}
    rows = []
    for mutation, population, generations in CASES:
        for threads in (1, 2):
            best: dict[str, dict] = {}
            for _ in range(args.repeats):
                for label, binary in builds.items():
                    r = run(binary, population, threads, generations, mutation)
                    if label not in best or r["generation_ms"] < best[label]["generation_ms"]:
                        best[label] = r
            for label, r in best.items():
                rows.append({"build": label, "mutation": mutation, "population": population, "threads": threads, **r})
                print(f"{label:>12} {mutation:>7} N={population:>7,} threads={threads}: "
                      + ", ".join(f"{p} {ms:.2f}" for p, ms in r["parts_ms"].items())
                      + f"; generation {r['generation_ms']:.2f} ms = {100 * r['fraction_of_limit']:.0f}% of the limit")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "parts.json").write_text(json.dumps({
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "builds": list(builds), "repeats": args.repeats,
        "world": "assistant preset, fitness rate, Proportional(pressure=1)",
        "mutations": {k: f"Mutation(rate={v['MUTATION']}, scale={v['SCALE']})" for k, v in MUTATIONS.items()},
        "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
