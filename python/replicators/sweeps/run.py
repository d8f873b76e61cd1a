"""One run of a sweep, wherever it runs (this thread, a local worker, a
Ray task): its result turned into the tables the sweep keeps.

``execute`` is the whole of a run: the runner called with the run's seed,
then ``measure`` (one row per generation or iteration, keyed by the cell,
``seed`` and ``run``), the run's ``per_run`` summary, and the further
tables. Its output depends only on the cell and the seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from ..errors import ConfigError
from .result import summarise

__all__ = ["Task", "Job", "Plan", "execute", "Record"]

#: A cell's grid values, its world and the runner's keyword arguments.
Plan = tuple[dict[str, Any], Any, dict[str, Any]]
#: What a run leaves: ``runs``, ``per_run`` and the further tables.
Record = dict[str, pl.DataFrame]


@dataclass(frozen=True)
class Task:
    """Run ``index`` of the serial order: cell ``cell``, seed ``seed``."""

    index: int
    cell: int
    seed: int


@dataclass(frozen=True)
class Job:
    """What every run of a sweep shares (shipped once to a cluster)."""

    runner: Any
    measure: Callable[[Any], pl.DataFrame]
    tables: Mapping[str, Callable[[Any], pl.DataFrame]]
    tail: float


def _keyed(frame: Any, keys: dict[str, Any], what: str) -> pl.DataFrame:
    if not isinstance(frame, pl.DataFrame):
        raise ConfigError(f"{what} returned {type(frame).__name__}: expected a polars DataFrame")
    return frame.select(*(pl.lit(x).alias(k) for k, x in keys.items()), pl.all())


def execute(job: Job, plan: Plan, task: Task, threads: int | None, progress: Callable[[int], object] | None) -> Record:
    """Run one task of the sweep and return its tables."""
    cell, world, kwargs = plan
    result = job.runner.run(world, seed=task.seed, threads=threads, progress=progress, **kwargs)
    keys = {**cell, "seed": task.seed, "run": task.index}
    frame = _keyed(job.measure(result), keys, "measure")
    time = job.runner.time
    if time not in frame.columns:
        raise ConfigError(f"measure returned no {time!r} column: expected one row per {time}")
    # In time order (stable), whatever order the measure built its rows in
    # (a group_by's changes from call to call): the runs table is the same
    # every time, and the tail mean, summed in row order, to the last bit.
    frame = frame.sort(time, maintain_order=True)
    record = {
        "runs": frame,
        "per_run": summarise(frame, keys, job.tail, getattr(result, "status", "completed"), time),
    }
    for key, fn in job.tables.items():
        record[key] = _keyed(fn(result), keys, f"tables[{key!r}]")
    return record
