"""Environment steps per second from Python: ``replicators.envs`` side by side
with baselines doing the same work, in one run.

- **ours, vectorised**: ``AssistantVectorEnv.step`` on batches of 1,024 to
  262,144 environments (actions drawn beforehand), the Rust core stepping
  them with the GIL released; on 1 thread (per core) and on every core
  (each a subprocess with ``RAYON_NUM_THREADS``).
- **NumPy, vectorised** (the fair baseline): the same episode law written
  as whole-array NumPy operations (step table lookups, two uniform draws
  per step, next-step autoreset with a niche drawn by demand), the way a
  researcher would vectorise it without a compiled core. NumPy runs on one
  core.
- **Gymnasium's SyncVectorEnv** of ``AssistantEnv`` (the stock way to batch
  a single environment): Python per environment per step.
- **ours, single**: ``AssistantEnv.step`` one call per step.

    python benches/bench_envs.py

Results: ``benches/results/envs.json`` (the README's figures).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results" / "envs.json"
BATCHES = (1024, 16384, 65536, 262144)
#: Environment steps timed per measurement (at least a few calls).
STEPS = 6_000_000


def _actions(n: int, a: int, count: int = 8) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.integers(0, a, size=n) for _ in range(count)]


def ours(n: int) -> float:
    import replicators as r
    from replicators.envs import AssistantVectorEnv

    envs = AssistantVectorEnv(r.NicheWorld.preset(), n)
    envs.reset(seed=0)
    acts = _actions(n, 5)
    calls = max(10, STEPS // n)
    for a in acts[:2]:
        envs.step(a)
    t = time.perf_counter()
    for i in range(calls):
        envs.step(acts[i % len(acts)])
    return calls * n / (time.perf_counter() - t)


class NumpyAssistant:
    """The episode law of ``envs.assistant`` as NumPy array operations."""

    def __init__(self, world, n: int, seed: int = 0) -> None:
        k, a = len(world.niches), len(world.actions)
        t = world._tables()
        self.proxy = np.stack([np.array(t["proxy"]).reshape(k, a), np.array(t["fail_proxy"]).reshape(k, a)], -1)
        self.gold = np.stack([np.array(t["gold"]).reshape(k, a), np.array(t["fail_gold"]).reshape(k, a)], -1)
        ends = np.array([x.ends for x in world.actions])
        fail_ends = np.array([x.ends and x.fail_ends for x in world.actions])
        self.ends = np.stack([np.broadcast_to(ends, (k, a)), np.broadcast_to(fail_ends, (k, a))], -1)
        self.skilled = np.array([x.skilled and not x.reroute for x in world.actions])
        self.reroute = np.array([x.reroute for x in world.actions])
        self.patience = np.array([x.patience for x in world.niches])
        self.max_steps = np.array([x.max_steps for x in world.niches])
        d = np.array([x.demand for x in world.niches])
        self.demand = np.cumsum(d / d.sum())
        self.skill = np.full(k, world.capacity * (1 / k) ** world.tradeoff)
        self.rng = np.random.default_rng(seed)
        self.niche = self._draw(n)
        self.step_ = np.zeros(n, dtype=np.int64)
        self.done = np.zeros(n, dtype=bool)

    def _draw(self, n: int) -> np.ndarray:
        return np.searchsorted(self.demand, self.rng.random(n), side="right").clip(max=len(self.demand) - 1)

    def step(self, actions: np.ndarray):
        n = len(actions)
        fresh = self.done
        u, w = self.rng.random(n), self.rng.random(n)
        k = self.niche
        failed = self.skilled[actions] & (u >= self.skill[k])
        fi = failed.astype(np.int64)
        proxy = np.where(fresh, 0.0, self.proxy[k, actions, fi])
        gold = np.where(fresh, 0.0, self.gold[k, actions, fi])
        ended = self.reroute[actions] | self.ends[k, actions, fi]
        left = w >= self.patience[k]
        self.step_ = np.where(fresh, 0, self.step_ + 1)
        terminated = ~fresh & (ended | left)
        truncated = ~fresh & ~terminated & (self.step_ >= self.max_steps[k])
        if fresh.any():
            self.niche = self.niche.copy()
            self.niche[fresh] = self._draw(int(fresh.sum()))
        self.done = terminated | truncated
        obs = np.column_stack([self.niche, self.step_])
        return obs, proxy, terminated, truncated, {"gold": gold}


def numpy_baseline(n: int) -> float:
    import replicators as r

    env = NumpyAssistant(r.NicheWorld.preset(), n)
    acts = _actions(n, 5)
    calls = max(10, STEPS // n // 4)
    t = time.perf_counter()
    for i in range(calls):
        env.step(acts[i % len(acts)])
    return calls * n / (time.perf_counter() - t)


def sync_vector(n: int = 1024) -> float:
    import gymnasium as gym

    import replicators as r
    from replicators.envs import AssistantEnv

    world = r.NicheWorld.preset()
    envs = gym.vector.SyncVectorEnv([lambda: AssistantEnv(world) for _ in range(n)])
    envs.reset(seed=0)
    acts = _actions(n, 5)
    calls = 40
    t = time.perf_counter()
    for i in range(calls):
        envs.step(acts[i % len(acts)])
    return calls * n / (time.perf_counter() - t)


def single() -> float:
    import replicators as r
    from replicators.envs import AssistantEnv

    env = AssistantEnv(r.NicheWorld.preset())
    env.reset(seed=0)
    acts = _actions(200_000, 5)[0].tolist()
    t = time.perf_counter()
    for a in acts:
        _, _, term, trunc, _ = env.step(a)
        if term or trunc:
            env.reset()
    return len(acts) / (time.perf_counter() - t)


def example() -> dict:
    """The NumPy policy-gradient example at its defaults: exact return before and after, and its time."""
    import importlib.util

    import replicators as r

    spec = importlib.util.spec_from_file_location("numpy_pg", Path(__file__).parents[1] / "examples" / "numpy_policy_gradient.py")
    pg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pg)
    world = r.NicheWorld.preset()
    t = time.perf_counter()
    logits, history, skill = pg.train(world)
    seconds = time.perf_counter() - t
    return {"before": pg.exact_return(world, 0 * logits, skill), "after": pg.exact_return(world, logits, skill),
            "iterations": len(history), "seconds": seconds}


def _in_subprocess(threads: int, call: str) -> float:
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_envs as b; print({call})"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    cores = os.cpu_count() or 1
    rows = []
    for n in BATCHES:
        row = {"batch": n}
        for threads in (1, cores):
            # Alternate, twice each: the machine's timing is noisy.
            row[f"ours_{threads}"] = max(_in_subprocess(threads, f"b.ours({n})") for _ in range(2))
        row["numpy"] = max(_in_subprocess(1, f"b.numpy_baseline({n})") for _ in range(2))
        rows.append(row)
        print(row, flush=True)
    out = {
        "machine": {"cores": cores, "python": platform.python_version()},
        "batches": rows,
        "sync_vector_1024": _in_subprocess(1, "b.sync_vector()"),
        "single": _in_subprocess(1, "b.single()"),
        "example": example(),
        "goal_steps_per_second": 1e7,
    }
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
