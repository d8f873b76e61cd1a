"""The sweep runner every experiment shares: a grid x seeds of runs.

``sweep`` is world-agnostic: it takes a ``build`` function that turns one
grid cell (a dict of the grid's values) into a world and the keyword
arguments of ``replicators.evolve`` (population, generations, fitness,
selection, ...) or, with ``runner=LEARN``, of ``replicators.learn``
(learners, iterations, aggregation, ...), and a ``measure`` function that
turns a result into one row per generation (iteration). It validates every
cell (by building it and checking its arguments) before the first run
starts, runs each cell once per seed, and returns tidy polars tables
(``SweepResult``, see ``sweeps.result``).

A run's seed is ``seed + replicate``: the same for every cell, so that cells
are compared on common random numbers, and each run can be repeated alone
(``replicators run`` with that seed gives the same numbers).

Where the runs run (``sweeps.local``, ``sweeps.cluster``): one after another
or on local worker threads (``workers``, ``threads``; chosen from the
population and the cores when not given), or as Ray tasks
(``backend="ray"``). Given a results folder (``out``), the sweep keeps each
finished run there as it completes and resumes from them
(``sweeps.store``). The tables are identical whatever the backend, the
workers, the threads, or the interruptions.

The experiments take none of these knobs: they come from the ``execution``
around the call (``SweepConfig.run`` and ``replicators sweep`` set it).

Examples
--------
>>> import replicators as r
>>> from replicators.sweeps import sweep
>>> def build(cell):
...     return r.NicheWorld.preset(), {"population": 50, "generations": 4, "fitness": cell["fitness"]}
>>> res = sweep({"fitness": ["sum", "rate"]}, build, seeds=2,
...             measure=lambda result: result.history.select("generation", "gold_per_need"))
>>> res.runs.height, res.per_run.height, res.cells.height
(16, 4, 2)
>>> res.cells.columns
['fitness', 'metric', 'n', 'mean', 'sd', 'stderr', 'low', 'high']
>>> res.equals(sweep({"fitness": ["sum", "rate"]}, build, seeds=2, workers=2,
...              measure=lambda result: result.history.select("generation", "gold_per_need")))
True
"""

from __future__ import annotations

import contextvars
import inspect
import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl

from .. import _validate as v
from ..errors import ConfigError, invalid
from ..learn import learn
from ..learn.training import arguments
from ..selection import Mutation
from ..selection.protocol import evolve
from .local import check_workers, plan_workers, run_local
from .result import SweepResult, cell_table
from .run import Job, Plan, Record, Task, execute
from .store import RunStore, fingerprint

__all__ = ["sweep", "Runner", "EVOLVE", "LEARN", "Sizes", "levels", "Progress", "Execution", "execution", "BACKENDS"]

Build = Callable[[dict[str, Any]], tuple[Any, dict[str, Any]]]
Measure = Callable[[Any], pl.DataFrame]
Progress = bool | Callable[[int], object] | None

#: Where a sweep's runs run.
BACKENDS = ("local", "ray")
_RESERVED_TABLES = ("runs", "per_run", "cells")


@dataclass(frozen=True)
class Runner:
    """What a sweep runs: a function called as ``run(world, seed=, threads=,
    progress=, **kwargs)``, the name of its time column, and ``check(world,
    kwargs)``, which validates a cell's arguments before any run starts and
    returns how many time steps the run has (for the progress bar)."""

    run: Callable[..., Any]
    time: str
    check: Callable[[Any, dict[str, Any]], int]


def _check_evolve(world: Any, kwargs: dict[str, Any]) -> int:
    v.integer("population", kwargs.get("population"), 2)
    return v.integer("generations", kwargs.get("generations"), 1)


def _check_learn(world: Any, kwargs: dict[str, Any]) -> int:
    defaults = {k: p.default for k, p in inspect.signature(learn).parameters.items()
                if p.default is not inspect.Parameter.empty and k not in ("progress",)}
    args = arguments(world, **{**defaults, **kwargs})
    return int(args["iterations"])


#: Sweeps of ``replicators.evolve`` (generations) and of ``replicators.learn`` (iterations).
EVOLVE = Runner(evolve, "generation", _check_evolve)
LEARN = Runner(learn, "iteration", _check_learn)

class _Kept:
    """An experiment's kept runs, opened by its first sweep: after every
    value was checked, so a bad config leaves no folder behind."""

    def __init__(self, out: str | os.PathLike[str], name: str, knobs: Mapping[str, Any], resume: bool):
        self.args = (out, fingerprint(name, knobs), knobs)
        self.resume = resume
        self.store: RunStore | None = None

    def open(self) -> RunStore:
        if self.store is None:
            self.store = RunStore.open(*self.args, resume=self.resume)
        return self.store


@dataclass(frozen=True)
class Execution:
    """How the sweeps inside an ``execution`` block run: ``workers`` and
    ``threads`` (local), ``backend`` and ``address`` (Ray), and ``kept``,
    the experiment's kept runs (each sweep inside gets its own part)."""

    workers: int | None = None
    threads: int | None = None
    backend: str = "local"
    address: str | None = None
    kept: _Kept | None = None


_CURRENT: contextvars.ContextVar[Execution] = contextvars.ContextVar("replicators_execution", default=Execution())


@contextmanager
def execution(*, workers: int | None = None, threads: int | None = None, backend: str = "local",
              address: str | None = None, out: str | os.PathLike[str] | None = None,
              describe: tuple[str, Mapping[str, Any]] | None = None, resume: bool = True) -> Iterator[Execution]:
    """Run the sweeps inside (an experiment's) with these settings.

    ``out`` keeps their finished runs in that results folder, for a resume;
    ``describe`` is the experiment's ``(name, knobs)``, its fingerprint.

    Examples
    --------
    >>> from replicators.experiments import sum_vs_rate
    >>> with execution(workers=2):
    ...     res = sum_vs_rate(pressures=(0.0, 1.0), population=40, generations=3, seeds=2)
    >>> res.per_run.height
    12
    """
    workers = check_workers(workers)
    threads = v.threads(threads)
    backend = v.choice("backend", backend, BACKENDS)
    if not isinstance(resume, bool):
        raise invalid("resume", resume, "true or false")
    kept = None
    if describe is not None and not (isinstance(describe, tuple) and len(describe) == 2
                                     and isinstance(describe[0], str) and isinstance(describe[1], Mapping)):
        raise invalid("describe", describe, "(name, {knob: value}) naming the experiment")
    if out is not None:
        name, knobs = describe or ("sweep", {})
        kept = _Kept(out, name, knobs, resume)
    token = _CURRENT.set(Execution(workers, threads, backend, _address(address, backend), kept))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def _address(address: object, backend: str) -> str | None:
    if address is None:
        return None
    if not isinstance(address, str) or not address:
        raise invalid("address", address, "a Ray cluster address (host:port, ray://host:port or auto)")
    if backend != "ray":
        raise ConfigError(f"address = {address!r} is invalid: an address is for backend = 'ray'")
    return address


@dataclass(frozen=True, kw_only=True)
class Sizes:
    """Size knobs every NicheWorld experiment takes (validated at once).

    Examples
    --------
    >>> Sizes(population=2).population
    2
    >>> Sizes(generations=0)
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: generations = 0 is invalid: expected an integer >= 1
    """

    population: int = 1000
    generations: int = 200
    seeds: int = 3
    seed: int = 0
    threads: int | None = None
    mutation: Mutation = Mutation(rate=0.2, scale=0.3)

    def __post_init__(self) -> None:
        v.integer("population", self.population, 2)
        v.integer("generations", self.generations, 1)
        v.integer("seeds", self.seeds, 1)
        v.seed("seed", self.seed)
        v.threads(self.threads)
        if not isinstance(self.mutation, Mutation):
            raise v.ConfigError(f"mutation = {self.mutation!r} is invalid: expected Mutation(rate=..., scale=...)")

    def evolve_kwargs(self) -> dict[str, Any]:
        """The evolve arguments these sizes fix (the sweep adds seed and threads)."""
        return {"population": self.population, "generations": self.generations, "mutation": self.mutation}

    def config(self) -> dict[str, Any]:
        """JSON-able record of the sizes."""
        return {
            "population": self.population, "generations": self.generations, "seeds": self.seeds,
            "seed": self.seed, "threads": self.threads,
            "mutation": {"rate": self.mutation.rate, "scale": self.mutation.scale},
        }


def levels(field: str, values: Any, *, distinct: bool = True) -> list[Any]:
    """A grid dimension's values as a non-empty list (``field`` names it in
    errors), distinct unless ``distinct=False`` (a vector, not levels)."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
        raise v.ConfigError(f"{field} = {values!r} is invalid: expected a non-empty list")
    out = list(values)
    if not distinct:
        return out
    # A repeated level would merge two cells into one with too-narrow intervals.
    seen = []
    for x in out:
        if x in seen:
            raise v.ConfigError(f"{field} = {values!r} is invalid: expected distinct levels ({x!r} is repeated)")
        seen.append(x)
    return out


def _seeds(seeds: int | Sequence[int], seed: int) -> list[int]:
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        n = v.integer("seeds", seeds, 1)
        base = v.seed("seed", seed)
        if base + n > 2**64:
            raise invalid("seed", seed, f"a first seed whose {n} seeds stay below 2^64")
        return [base + i for i in range(n)]
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence):
        raise invalid("seeds", seeds, "a number of seeds (an integer >= 1) or a list of seeds")
    out = [v.seed("seeds", s) for s in seeds]
    if not out or len(set(out)) != len(out):
        raise ConfigError(f"seeds = {seeds!r} is invalid: expected distinct seeds, at least one")
    return out


def _progress_callback(progress: Progress, total: int, label: str) -> tuple[Callable[[int], object] | None, Any]:
    if progress is None or progress is False:
        return None, None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, unit="gen", desc=label, mininterval=0.5)
        return bar.update, bar
    if callable(progress):
        return progress, None
    raise ConfigError(f"progress = {progress!r} is invalid: expected true, false or a callable")


def sweep(
    grid: Mapping[str, Sequence[Any]],
    build: Build,
    *,
    seeds: int | Sequence[int] = 3,
    seed: int = 0,
    measure: Measure | None = None,
    tables: Mapping[str, Measure] | None = None,
    tail: float = 0.2,
    threads: int | None = None,
    workers: int | None = None,
    backend: str | None = None,
    address: str | None = None,
    out: str | os.PathLike[str] | None = None,
    resume: bool = True,
    progress: Progress = False,
    name: str = "sweep",
    config: Mapping[str, Any] | None = None,
    runner: Runner = EVOLVE,
) -> SweepResult:
    """Run ``build(cell)`` for every cell of ``grid`` and every seed.

    Parameters
    ----------
    grid
        ``{dimension: values}``; cells are the product, in order.
    build
        ``cell -> (world, kwargs)``: the world and keyword arguments of
        ``runner.run`` (``evolve`` by default, or ``learn`` with
        ``runner=LEARN``); must not set ``seed``, ``threads`` or ``progress``
        (the sweep does).
    seeds, seed
        Replicates per cell (seeds ``seed .. seed + seeds - 1``), or an
        explicit list of seeds.
    measure
        ``result -> DataFrame`` with the time column (``generation`` or
        ``iteration``), one row per time step (default: ``result.history``).
    tables
        ``{name: result -> DataFrame}``: further long tables kept per run.
    tail
        Fraction of the last generations (iterations) averaged into ``per_run`` (0, 1].
    threads, workers
        Threads per run, and runs in parallel on local worker threads; what
        is not given is chosen from the population and the cores
        (``sweeps.local.plan_workers``). On Ray, ``threads`` (default 1) is
        each task's CPUs.
    backend, address
        ``"local"`` (default) or ``"ray"``: each run a Ray task on the
        cluster at ``address`` (default: a running local cluster, or a new
        one in this process; ``pip install 'replicators[ray]'``).
    out, resume
        A results folder: each finished run is kept there as it completes,
        and the tables are written there at the end; the same sweep run
        again into it runs only the missing runs. Another sweep's folder is
        refused, or started over with ``resume=False``.
    progress
        True for a tqdm bar over all generations, or a callable receiving
        generation increments (from the worker threads, with local workers).
    name, config
        Recorded in the result (and in the Parquet metadata).
    runner
        ``EVOLVE`` (default) or ``LEARN``.
    """
    ambient = _CURRENT.get()
    if not isinstance(grid, Mapping) or not grid:
        raise ConfigError(f"grid = {grid!r} is invalid: expected {{dimension: [values]}}")
    dims = tuple(grid)
    for d in dims:
        values = grid[d]
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise ConfigError(f"{d} = {values!r} is invalid: expected a non-empty list of values")
    seed_list = _seeds(seeds, seed)
    tail = v.number("tail", tail)
    if not 0.0 < tail <= 1.0:
        raise ConfigError(f"tail = {tail!r} is invalid: expected a fraction in (0, 1]")
    threads = v.threads(threads if threads is not None else ambient.threads)
    workers = check_workers(workers if workers is not None else ambient.workers)
    backend = v.choice("backend", backend if backend is not None else ambient.backend, BACKENDS)
    address = _address(address if address is not None else ambient.address, backend)
    if not isinstance(resume, bool):
        raise invalid("resume", resume, "true or false")
    measure = measure or (lambda result: result.history)
    tables = dict(tables or {})
    for key in tables:
        if not isinstance(key, str) or key in _RESERVED_TABLES or not key.isidentifier():
            raise invalid("tables", key, f"table names that are identifiers other than {list(_RESERVED_TABLES)}")
    # Build every cell first: a bad value fails before any run starts.
    cells = [dict(zip(dims, values, strict=True)) for values in itertools.product(*(grid[d] for d in dims))]
    plans: list[Plan] = []
    lengths = []
    for cell in cells:
        world, kwargs = build(cell)
        for reserved in ("seed", "threads", "progress"):
            if reserved in kwargs:
                raise ConfigError(f"build returned {reserved!r}: the sweep sets it")
        plans.append((cell, world, kwargs))
        lengths.append(runner.check(world, kwargs))
    description = {"runner": runner.time, "grid": {d: list(grid[d]) for d in dims}, "seeds": seed_list,
                   "tail": tail, "config": dict(config or {}), "cells": [[w, k] for _, w, k in plans],
                   "measure": measure, "tables": tables}
    digest = fingerprint(name, description)
    if out is not None:
        store = RunStore.open(out, digest, description, resume=resume)
    elif ambient.kept is not None:
        store = ambient.kept.open().child(name, digest, description)
    else:
        store = None
    done_before = set(store.finished()) if store is not None else set()
    tasks = [Task(i, c, s) for i, (c, s) in enumerate(itertools.product(range(len(plans)), seed_list))
             if i not in done_before]
    job = Job(runner, measure, tables, tail)
    records: dict[int, Record] = {}
    total = sum(lengths[t.cell] for t in tasks)
    callback, bar = _progress_callback(progress, total, name)

    def done(task: Task, record: Record) -> None:
        if store is not None:
            store.save(task.index, record)
        else:
            records[task.index] = record

    try:
        if backend == "ray":
            from .cluster import run_ray

            def arrived(task: Task, record: Record) -> None:
                done(task, record)
                if callback is not None:
                    callback(lengths[task.cell])

            run_ray(tasks, plans, job, arrived, threads=threads or 1, address=address)
        else:
            population = max((_population(k) for _, _, k in plans), default=1)
            workers, threads = plan_workers(len(tasks), population, workers=workers, threads=threads)
            run_local(tasks, lambda task: execute(job, plans[task.cell], task, threads, callback), done,
                      workers=workers)
    finally:
        if bar is not None:
            bar.close()
    n_runs = len(plans) * len(seed_list)
    ordered = [records[i] if i in records else store.load(i) for i in range(n_runs)]  # type: ignore[union-attr]
    runs = pl.concat([r["runs"] for r in ordered], how="diagonal_relaxed")
    per_run = pl.concat([r["per_run"] for r in ordered], how="diagonal_relaxed")
    result = SweepResult(
        name=name,
        dims=dims,
        runs=runs,
        per_run=per_run,
        cells=cell_table(cells, dims, per_run, runs.schema, runner.time),
        tables={k: pl.concat([r[k] for r in ordered], how="diagonal_relaxed") for k in tables},
        config={**(dict(config) if config else {}), "grid": {d: list(grid[d]) for d in dims},
                "seeds": seed_list, "tail": tail},
        fingerprint=digest if store is not None else None,
        resumed=len(done_before),
    )
    if out is not None:
        result.write(out)
    return result


def _population(kwargs: Mapping[str, Any]) -> int:
    """A run's size, for choosing workers: its agents (or learners)."""
    for key in ("population", "learners"):
        x = kwargs.get(key)
        if isinstance(x, int) and not isinstance(x, bool):
            return x
    return 1
