"""Runs of a sweep in parallel on this machine: worker threads.

Each worker is a Python thread that calls the core, which releases the GIL
for the whole run: the runs proceed in parallel on every core, in the same
process, with nothing to pickle. So a sweep whose ``build`` or ``measure``
was defined in a notebook cell runs in parallel as it is, with none of the
``spawn``/``fork`` pitfalls of process pools (Mesa's batch runner hanging
in notebooks). Only the short Python parts of a run (turning its result
into tables) take turns on the GIL.

A run's numbers depend only on its seed, never on the threads it used or
on the worker it ran on, and the sweep assembles its tables in the serial
order: identical tables for any ``workers`` and ``threads``.

Ctrl-C reaches only the main thread, which waits on the workers. It sets a
``_core.Stop`` bound to every worker's thread; each run in the core sees it
at its next 50 ms wake-up and ends with KeyboardInterrupt, the queued runs
are dropped, and the workers are joined before the interrupt is raised:
no run outlives the sweep, and every run finished so far has been kept.

Workers and threads per run are chosen (``plan_workers``) to finish soonest
by a model of the core's in-run parallel efficiency, measured here
(``benches/bench_sweep.py``): a second thread speeds one run of 2,000
agents up by about 1.7x and one of 100,000 by about 1.9x, while two runs
side by side go 2x (less what they share: memory bandwidth, the GIL for
their short Python parts). So whenever there are at least as many runs as
cores, runs go one per core; fewer runs than cores share the cores as
threads, and the last, odd run of a sweep is weighed against the rest.
Tiny populations (tens of agents) gain little from threads: they always
run one per core. Memory caps the workers: each run's estimate
(``per_agent_bytes``) times the workers stays under half of what is
available.

Examples
--------
>>> plan_workers(runs=75, population=2000, cores=2)
(2, 1)
>>> plan_workers(runs=1, population=2000, cores=2)
(1, 2)
>>> plan_workers(runs=3, population=1_000_000, cores=2)
(1, 2)
>>> plan_workers(runs=75, population=2000, cores=2, threads=2)
(1, 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from .. import _core
from .. import _validate as v

__all__ = ["plan_workers", "run_local", "speedup", "MAX_WORKERS"]

#: At most this many local workers (threads of this process).
MAX_WORKERS = 1024
#: Bytes of memory a run needs per agent, and at least (a generous estimate:
#: genome, policy tables, episode buffers, history).
per_agent_bytes = 2048
per_run_bytes = 64 << 20

T = TypeVar("T")
R = TypeVar("R")


def speedup(threads: int, population: int) -> float:
    """Modelled speed-up of one run of ``population`` agents on ``threads``
    threads over one thread: each thread past the first adds an efficiency
    that grows with the population (0.11 at 40 agents, 0.74 at 2,000, 0.85
    at 100,000: ``benches/bench_sweep.py`` measures it)."""
    efficiency = 0.85 * population / (population + 300.0)
    return 1.0 + (threads - 1) * efficiency


def plan_workers(runs: int, population: int, *, cores: int | None = None, workers: int | None = None,
                 threads: int | None = None, memory: int | None = None) -> tuple[int, int]:
    """``(workers, threads per run)`` for ``runs`` runs of ``population``
    agents on ``cores`` cores (default: all): what the user set, the rest
    chosen to minimise the modelled time of the sweep (see the module docs)."""
    cores = cores or _core.thread_count(None)
    runs = max(1, runs)
    if workers is not None and threads is not None:
        return workers, threads
    if threads is not None:
        return max(1, min(runs, cores // threads)), threads
    if workers is not None:
        return workers, max(1, cores // workers)
    memory = _core.available_memory() if memory is None else memory
    need = per_run_bytes + per_agent_bytes * max(1, population)
    cap = max(1, int(memory // 2 // need)) if memory else cores
    best = None
    for w in range(1, min(runs, cores, cap) + 1):
        t = max(1, cores // w)
        cost = math.ceil(runs / w) / speedup(t, population)
        # Ties go to more workers: their Python parts overlap too.
        if best is None or cost < best[0] - 1e-9 or (abs(cost - best[0]) <= 1e-9 and w > best[1]):
            best = (cost, w, t)
    assert best is not None
    return best[1], best[2]


def check_workers(workers: object) -> int | None:
    """``None`` (chosen) or a worker count in [1, ``MAX_WORKERS``]."""
    return None if workers is None else v.integer("workers", workers, 1, MAX_WORKERS)


def run_local(tasks: Sequence[T], execute: Callable[[T], R], done: Callable[[T, R], None], *, workers: int) -> None:
    """``execute`` every task, ``workers`` at a time, calling ``done(task,
    result)`` on this thread as each finishes (in finishing order)."""
    if workers <= 1 or len(tasks) <= 1:
        # In this thread: Ctrl-C is seen by the run itself.
        for task in tasks:
            done(task, execute(task))
        return
    stop = _core.Stop()

    def work(task: T) -> R:
        stop.bind()
        try:
            return execute(task)
        finally:
            _core.Stop.unbind()

    pool = ThreadPoolExecutor(max_workers=min(workers, len(tasks)), thread_name_prefix="replicators-sweep")
    queue = iter(tasks)
    # A window of tasks in flight, not the whole sweep: a sweep of a million
    # tiny runs neither fills memory with futures nor takes seconds to cancel.
    window = 2 * workers
    inflight: dict[Future[Any], tuple[int, T]] = {}
    submitted = 0

    def submit() -> None:
        nonlocal submitted
        task = next(queue, None)
        if task is not None:
            inflight[pool.submit(work, task)] = (submitted, task)
            submitted += 1

    try:
        for _ in range(window):
            submit()
        while inflight:
            # A timed wait: the main thread stays responsive to Ctrl-C.
            finished, _ = wait(inflight, timeout=0.25, return_when=FIRST_COMPLETED)
            for f in sorted(finished, key=lambda f: inflight[f][0]):
                _, task = inflight.pop(f)
                done(task, f.result())
                submit()
    except BaseException:
        stop.set()
        for f in inflight:
            f.cancel()
        raise
    finally:
        # Joins the workers: after a stop each ends within one wake-up.
        pool.shutdown(wait=True, cancel_futures=True)
