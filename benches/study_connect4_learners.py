"""Connect Four learners against evolution (SPEC 5 and SPEC 2): the numbers
the README states.

Not a speed benchmark: a study, kept beside them because the README's
figures are generated from ``benches/results/`` (``figures.py``). Runs
``experiments.connect4_self_play`` (learners trained by self-play on the
further games a knockout result buys, counted in games, moves or entropy)
and ``experiments.connect4_pressure`` (populations evolved on the
tournament's moves, entropy or wins) at the same pressures, at their
default sizes, and records each cell's mean and 95% interval over seeds of
each run's tail.

    python benches/study_connect4_learners.py

Results: ``benches/results/connect4_learners.json``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import polars as pl

from replicators.experiments import connect4_pressure, connect4_self_play

RESULTS = Path(__file__).resolve().parent / "results" / "connect4_learners.json"
PRESSURES = (0.0, 0.5, 0.9, 0.95)
MEASURES = ("game_length", "immediate_win_rate", "block_rate", "strength_vs_random", "strength_vs_greedy",
            "weight_wins_now", "weight_allows_win_above")


def cells(res) -> list[dict]:
    return [dict(r) for r in res.cells.filter(pl.col("metric").is_in(MEASURES)).iter_rows(named=True)]


def main() -> None:
    out: dict = {"pressures": PRESSURES, "machine": {"cores": os.cpu_count(), "python": platform.python_version()}}
    t = time.perf_counter()
    learned = connect4_self_play(pressures=PRESSURES)
    out["self_play"] = {"seconds": time.perf_counter() - t, "config": learned.config, "tail": 0.2,
                        "cells": cells(learned)}
    t = time.perf_counter()
    evolved = connect4_pressure(pressures=PRESSURES, fitness=("moves", "entropy", "wins"))
    out["evolution"] = {"seconds": time.perf_counter() - t, "config": evolved.config, "tail": 0.25,
                        "cells": cells(evolved)}
    RESULTS.write_text(json.dumps(out, indent=1, default=str) + "\n")
    print(f"wrote {RESULTS}: self-play {out['self_play']['seconds']:.0f} s, evolution {out['evolution']['seconds']:.0f} s")


if __name__ == "__main__":
    main()
