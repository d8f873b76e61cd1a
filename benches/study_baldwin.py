"""Learning inside a lifetime (SPEC 5): the numbers the README states.

Not a speed benchmark: a study, kept beside them because the README's
figures blocks are generated from ``benches/results/`` (``figures.py``).
Runs ``experiments.baldwin`` (no learning / innate / learned inheritance x
sum / rate objective) and records, per cell, the mean and 95% interval
over seeds of each run's last 20% of generations, and of its first 10%
(where learning starts from), so the README can say whether learned
behaviour became innate.

    python benches/study_baldwin.py

Results: ``benches/results/baldwin.json``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from pathlib import Path

import polars as pl

from replicators.experiments.baldwin import MEASURES, baldwin
from replicators.sweeps import interval

RESULTS = Path(__file__).resolve().parent / "results" / "baldwin.json"
SIZES = {"population": 300, "generations": 100, "seeds": 6, "iterations": 5, "episodes": 32}


def main() -> None:
    start = time.perf_counter()
    res = baldwin(**SIZES)
    seconds = time.perf_counter() - start
    cells = [dict(row) for row in res.cells.filter(pl.col("metric").is_in(MEASURES)).iter_rows(named=True)]
    # The first 10% of generations of each run, the same way.
    g = SIZES["generations"]
    early = (res.runs.filter(pl.col("generation") < math.ceil(0.1 * g))
             .group_by("inherit", "objective", "seed").agg(pl.col(list(MEASURES)).mean()))
    for (inherit, objective), sub in early.group_by("inherit", "objective", maintain_order=True):
        for m in MEASURES:
            cells.append({"inherit": inherit, "objective": objective, "metric": f"{m}_early",
                          **interval(sub[m].to_list())})
    RESULTS.write_text(json.dumps({
        "sizes": SIZES, "tail": 0.2, "early": 0.1, "seconds": seconds, "cells": cells,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
    }, indent=1, default=float) + "\n")
    print(f"wrote {RESULTS} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
