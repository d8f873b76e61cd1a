"""Runs of a sweep on a Ray cluster (``backend="ray"``).

Each run is one Ray task. The driver fixes every run's seed, ships each
cell's world and arguments to the object store once (``ray.put``), keeps a
bounded window of tasks in flight, and takes results as they arrive; the
sweep keeps each one (in its results folder, when it has one) before
asking for more, and assembles the tables in the serial order. A run's
numbers depend only on its seed, so the tables are identical to a serial
sweep's.

A worker process that dies (killed, out of memory, its node lost) fails
its task, which Ray runs again (``MAX_RETRIES``): the retry has the same
seed, so the same numbers. An exception raised by the run itself is not
retried: it is the user's error, raised on the driver.

Ctrl-C on the driver cancels every task in flight (``ray.cancel(...,
force=True)`` kills their worker processes) and, when this sweep started
the local cluster, shuts it down; the runs kept so far stay for the resume.

``ray`` is an optional extra (``pip install 'replicators[ray]'``),
imported only here, only when asked for. Connecting: with no address,
``ray.init()`` attaches to a running local cluster (``ray start --head``,
``RAY_ADDRESS``) or starts one in this process; a driver that already
called ``ray.init`` is used as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ConfigError
from .run import Job, Plan, Record, Task, execute

__all__ = ["run_ray", "MAX_RETRIES"]

#: Times a task whose worker died is run again.
MAX_RETRIES = 3


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError("backend = 'ray' is invalid: ray is not installed; pip install 'replicators[ray]'") from None
    return ray


def connect(address: str | None) -> tuple[Any, bool]:
    """``(ray, ours)``: Ray connected to ``address`` (see the module docs);
    ``ours`` when this call connected (so ``ray.shutdown()`` is ours to
    call: it stops a cluster this process started, and only disconnects
    from one it attached to)."""
    ray = _ray()
    if ray.is_initialized():
        return ray, False
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
    except (ConnectionError, ValueError, RuntimeError) as e:
        raise ConfigError(f"address = {address!r} is invalid: cannot connect to a Ray cluster ({e})") from None
    return ray, True


def _task(job: Job, plan: Plan, task: Task, threads: int) -> Record:
    return execute(job, plan, task, threads, None)


def run_ray(tasks: Sequence[Task], plans: Sequence[Plan], job: Job, done: Callable[[Task, Record], None], *,
            threads: int, address: str | None) -> None:
    """Run every task as a Ray task (``run.execute``), calling ``done(task,
    record)`` on the driver as each arrives."""
    ray, ours = connect(address)
    inflight: dict[Any, Any] = {}
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        remote = ray.remote(num_cpus=threads, max_retries=MAX_RETRIES, retry_exceptions=False)(_task)
        job_ref = ray.put(job)
        plan_refs: dict[int, Any] = {}
        queue = iter(tasks)
        # Enough in flight to keep every CPU busy, few enough that the
        # driver never holds more than a window of results.
        window = max(4, 2 * cpus // max(1, threads))

        def submit() -> bool:
            task = next(queue, None)
            if task is None:
                return False
            if task.cell not in plan_refs:
                plan_refs[task.cell] = ray.put(plans[task.cell])
            inflight[remote.remote(job_ref, plan_refs[task.cell], task, threads)] = task
            return True

        while len(inflight) < window and submit():
            pass
        while inflight:
            ready, _ = ray.wait(list(inflight), num_returns=1, timeout=0.25)
            for ref in ready:
                task = inflight.pop(ref)
                done(task, ray.get(ref))
                submit()
    except BaseException:
        for ref in inflight:
            try:
                ray.cancel(ref, force=True)
            except Exception:  # already finished or gone
                pass
        if ours:
            ray.shutdown()
        raise
