"""Learners: environment steps per second, updates included, side by side.

replicators' learners (PPO, 4 epochs x 4 minibatches, GAE(1, 0.95), Adam,
sum aggregation, episode trajectories) on the ``assistant`` preset against
a vectorised NumPy twin of the same algorithm written for this benchmark
(batched over learners: every step of every learner's requests at once,
the PPO passes as array operations), in one run, from the same uniform
start, for the same number of iterations. Reported: learner steps per
second per core (one thread; NumPy is one core) and on all cores, the
ratios, memory per learner, and the ratio to NicheWorld's limit loop
(``niche::generation::limit``: serving a generation with nothing but the
law's draws, 100,000 agents from the same uniform policy) measured in the
same run: the goal is a ratio, since absolute speeds on a shared machine
move from run to run.

    python benches/bench_learn.py [--learners 10000] [--iterations 10] [--numpy-learners 2000]

The NumPy twin runs fewer learners (its per-step cost does not depend on
their number beyond vectorisation, which saturates well below 2,000) and
its rate is per step like the others. Results: ``benches/results/learn.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

import replicators as r

RESULTS = Path(__file__).resolve().parent / "results" / "learn.json"


class NumpyPPO:
    """PPO-clip with GAE on a NicheWorld, batched over learners with NumPy."""

    def __init__(self, world: r.NicheWorld, learners: int, episodes: int, seed: int, lr: float = 0.05,
                 clip: float = 0.2, epochs: int = 4, minibatches: int = 4, gamma: float = 1.0, lam: float = 0.95):
        t = world._tables()
        self.k, self.a = len(world.niches), len(world.actions)
        k, a = self.k, self.a
        self.proxy = np.asarray(t["proxy"]).reshape(k, a)
        self.fail_proxy = np.asarray(t["fail_proxy"]).reshape(k, a)
        self.ends = np.asarray(t["ends"], dtype=bool)
        self.skilled = np.asarray(t["skilled"], dtype=bool) & ~np.asarray(t["reroute"], dtype=bool)
        self.reroute = np.asarray(t["reroute"], dtype=bool)
        self.patience = np.asarray(t["patience"])
        self.max_steps = np.asarray(t["max_steps"])
        self.width = int(self.max_steps.max())
        demand = np.asarray(t["demand"]) / np.sum(t["demand"])
        counts = np.floor(demand * episodes).astype(int)
        for i in np.argsort(-(demand * episodes - counts), kind="stable")[: episodes - counts.sum()]:
            counts[i] += 1
        self.niche = np.repeat(np.arange(k), counts)  # the niche of each request
        self.learners, self.episodes = learners, episodes
        self.skill = np.full((learners, k), world.capacity / k ** world.tradeoff)  # equal skill weights
        self.logits = np.zeros((learners, k, a))
        self.value = np.zeros((learners, k, self.width))
        self.adam = {name: [np.zeros_like(x), np.zeros_like(x), 0] for name, x in
                     (("logits", self.logits), ("value", self.value))}
        self.lr, self.clip, self.epochs, self.minibatches, self.gamma, self.lam = lr, clip, epochs, minibatches, gamma, lam
        self.rng = np.random.default_rng(seed)

    def _adam(self, name: str, params: np.ndarray, grad: np.ndarray) -> None:
        m, v, n = self.adam[name]
        n += 1
        m *= 0.9
        m += 0.1 * grad
        v *= 0.999
        v += 0.001 * grad * grad
        params -= self.lr * (m / (1 - 0.9 ** n)) / (np.sqrt(v / (1 - 0.999 ** n)) + 1e-8)
        self.adam[name][2] = n

    def _policy(self) -> tuple[np.ndarray, np.ndarray]:
        z = self.logits - self.logits.max(axis=2, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=2, keepdims=True))
        return np.exp(logp), logp

    def iterate(self) -> int:
        """One iteration: play, GAE, PPO epochs; returns the steps played."""
        n, e, t_max = self.learners, self.episodes, self.width
        pi, logp_old = self._policy()
        cum = np.cumsum(pi, axis=2)[:, self.niche, :]  # (n, e, a)
        skill = self.skill[:, self.niche]
        patience, cap = self.patience[self.niche], self.max_steps[self.niche]
        alive = np.ones((n, e), dtype=bool)
        actions = np.zeros((t_max, n, e), dtype=np.int64)
        rewards = np.zeros((t_max, n, e))
        masks = np.zeros((t_max, n, e), dtype=bool)
        rows = np.arange(n)[:, None]
        for t in range(t_max):
            if not alive.any():
                break
            u = self.rng.random((n, e))
            act = np.minimum((u[..., None] >= cum).sum(axis=2), self.a - 1)
            failed = self.skilled[act] & (self.rng.random((n, e)) >= skill)
            reward = np.where(failed, self.fail_proxy[self.niche, act], self.proxy[self.niche, act])
            ended = self.reroute[act] | (self.ends[act] & ~failed)
            left = self.rng.random((n, e)) >= patience
            actions[t], rewards[t], masks[t] = act, reward * alive, alive
            alive = alive & ~(ended | left | (t + 1 >= cap))
        steps = int(masks.sum())
        # GAE(gamma, lambda) with V(k, t), V = 0 after the last step.
        v = self.value[rows, self.niche[None, :], :]  # (n, e, width)
        values = np.moveaxis(v, 2, 0) * masks  # (t, n, e)
        adv = np.zeros_like(rewards)
        last = np.zeros((n, e))
        for t in reversed(range(t_max)):
            nxt = values[t + 1] if t + 1 < t_max else 0.0
            delta = rewards[t] + self.gamma * nxt - values[t]
            last = np.where(masks[t], delta + self.gamma * self.lam * last, 0.0)
            adv[t] = last
        target = adv + values
        # PPO epochs over minibatches of requests (whole trajectories), per learner.
        k_idx = np.broadcast_to(self.niche[None, None, :], masks.shape)
        t_idx = np.broadcast_to(np.arange(t_max)[:, None, None], masks.shape)
        l_idx = np.broadcast_to(np.arange(n)[None, :, None], masks.shape)
        for _ in range(self.epochs):
            order = self.rng.permutation(e)
            for part in np.array_split(order, self.minibatches):
                m = masks[:, :, part]
                if not m.any():
                    continue
                pi_new, logp_new = self._policy()
                ll, kk, aa, tt = l_idx[:, :, part][m], k_idx[:, :, part][m], actions[:, :, part][m], t_idx[:, :, part][m]
                x = adv[:, :, part][m]
                count = np.bincount(ll, minlength=n)
                mean = np.bincount(ll, x, n) / np.maximum(count, 1)
                var = np.bincount(ll, (x - mean[ll]) ** 2, n) / np.maximum(count - 1, 1)
                x = (x - mean[ll]) / (np.sqrt(var[ll]) + 1e-8)
                ratio = np.exp(logp_new[ll, kk, aa] - logp_old[ll, kk, aa])
                stopped = ((x > 0) & (ratio > 1 + self.clip)) | ((x < 0) & (ratio < 1 - self.clip))
                w = 1.0 / len(part)  # sum aggregation: 1/G per trajectory
                y = np.where(stopped, 0.0, w * x * ratio)
                cells = np.bincount((ll * self.k + kk) * self.a + aa, y, n * self.k * self.a).reshape(n, self.k, self.a)
                grad = -(cells - cells.sum(axis=2, keepdims=True) * pi_new)
                self._adam("logits", self.logits, grad)
                err = self.value[ll, kk, tt] - target[:, :, part][m]
                vgrad = np.bincount((ll * self.k + kk) * t_max + tt, err / count[ll], n * self.k * t_max)
                self._adam("value", self.value, vgrad.reshape(self.value.shape))
        return steps


def time_replicators(learners: int, iterations: int, threads: int) -> dict[str, float]:
    world = r.NicheWorld.preset()
    r.learn(world, learners=100, iterations=2, episodes=64, threads=threads)  # warm up
    best = None
    for _ in range(3):
        start = time.perf_counter()
        res = r.learn(world, learners=learners, iterations=iterations, episodes=64, threads=threads, seed=1)
        dt = time.perf_counter() - start
        rate = float(res.history["steps"].sum()) / dt
        if best is None or rate > best["steps_per_s"]:
            best = {"steps_per_s": rate, "seconds": dt, "steps": int(res.history["steps"].sum()),
                    "bytes_per_learner": res.bytes_per_learner,
                    "final_proxy_per_need": float(res.history["proxy_per_need"][-1])}
    assert best is not None
    return best


def time_numpy(learners: int, iterations: int) -> dict[str, float]:
    twin = NumpyPPO(r.NicheWorld.preset(), learners, 64, seed=1)
    start, steps = time.perf_counter(), 0
    for _ in range(iterations):
        steps += twin.iterate()
    dt = time.perf_counter() - start
    pi = np.exp(twin.logits) / np.exp(twin.logits).sum(axis=2, keepdims=True)
    return {"steps_per_s": steps / dt, "seconds": dt, "steps": steps, "final_share_flatter": float(pi[:, :, 2].mean())}


def time_limit(threads: int) -> float:
    """NicheWorld's limit loop at 100,000 agents (best of 3)."""
    world = r.NicheWorld.preset()
    genomes = np.zeros((100_000, world.genome_width))
    rates = []
    for _ in range(3):
        steps, seconds = r._core.niche_limit(world._tables(), genomes, generations=5, seed=1, threads=threads)
        rates.append(steps / seconds)
    return max(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=10_000)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--numpy-learners", type=int, default=2_000)
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    one = time_replicators(args.learners, args.iterations, 1)
    every = time_replicators(args.learners, args.iterations, cores)
    twin = time_numpy(args.numpy_learners, args.iterations)
    limit = {"1 thread": time_limit(1), f"{cores} threads": time_limit(cores)}
    out = {
        "what": f"learner steps/s, PPO 4x4 epochs x minibatches, GAE, Adam, assistant preset, 64 requests per learner "
                f"per iteration, {args.iterations} iterations from the uniform policy",
        "machine": {"cpus": cores, "processor": platform.processor() or platform.machine()},
        "replicators": {"learners": args.learners, "1 thread": one, f"{cores} threads": every},
        "numpy twin": {"learners": args.numpy_learners, "1 core": twin},
        "per core ratio (1 thread / NumPy)": one["steps_per_s"] / twin["steps_per_s"],
        "all cores ratio": every["steps_per_s"] / twin["steps_per_s"],
        "NicheWorld limit loop steps/s (100,000 agents)": limit,
        "fraction of the limit loop on all cores": every["steps_per_s"] / limit[f"{cores} threads"],
        "goals": {"fraction of the limit loop on 2 cores": 0.2, "per core ratio": 10, "bytes per learner": 4096},
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(f"replicators 1 thread : {one['steps_per_s']:.3g} steps/s ({one['bytes_per_learner']:.0f} B per learner)")
    print(f"replicators {cores} threads: {every['steps_per_s']:.3g} steps/s")
    print(f"NumPy twin, 1 core   : {twin['steps_per_s']:.3g} steps/s")
    print(f"ratio per core {out['per core ratio (1 thread / NumPy)']:.1f}x, all cores {out['all cores ratio']:.1f}x")
    print(f"NicheWorld limit loop: {limit['1 thread']:.3g} steps/s (1 thread), {limit[f'{cores} threads']:.3g} "
          f"({cores}); learners at {out['fraction of the limit loop on all cores']:.0%} of it on {cores} cores")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
