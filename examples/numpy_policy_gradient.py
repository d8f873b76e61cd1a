"""Train a policy on the Gymnasium environment with plain NumPy.

A tabular softmax policy pi(a | niche) (the observation's step is ignored,
as a NicheWorld genome ignores it) learns by REINFORCE on the vectorised
environment ``replicators.envs.AssistantVectorEnv``: each iteration plays
``episodes_per_env`` episodes in every environment, then takes one
gradient step on the mean over episodes of (G - b_k) grad log pi(a_t | k),
with G the episode's summed proxy and b_k the niche's mean return in the
batch. No PyTorch, no RL library: the point is that the interface is all a
learner needs. The exact evaluator scores the policy before and after.

    python examples/numpy_policy_gradient.py
"""

from __future__ import annotations

import numpy as np

import replicators as r
from replicators.envs import AssistantVectorEnv


def softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def exact_return(world: r.NicheWorld, logits: np.ndarray, skill: np.ndarray) -> float:
    """The policy's expected proxy per episode, demand-weighted (exact)."""
    demand = np.array([n.demand for n in world.niches])
    pi = softmax(logits)
    return float(sum(d * r.analytic.evaluate(world, pi[k], k, skill=skill[k]).proxy
                     for k, d in enumerate(demand / demand.sum())))


def train(world: r.NicheWorld, *, iterations: int = 30, num_envs: int = 512, episodes_per_env: int = 2,
          lr: float = 0.5, seed: int = 0) -> tuple[np.ndarray, list[float], np.ndarray]:
    """REINFORCE with a per-niche baseline; returns the logits, each
    iteration's mean episode return and the environment's skill per niche."""
    envs = AssistantVectorEnv(world, num_envs)
    k, a = len(world.niches), len(world.action_names)
    logits = np.zeros((k, a))
    rng = np.random.default_rng(seed)
    history = []
    for it in range(iterations):
        # Fresh episodes each iteration (none straddles two policies).
        obs, _ = envs.reset(seed=seed + it * num_envs)
        pi = softmax(logits)
        # Per environment: the current episode's return and its (niche, action) counts.
        ret = np.zeros(num_envs)
        counts = np.zeros((num_envs, a))
        done_g, done_k, done_counts = [], [], []
        finished = np.zeros(num_envs, dtype=int)
        fresh = np.zeros(num_envs, dtype=bool)  # this step only resets (next-step autoreset)
        while finished.min() < episodes_per_env:
            niche = obs[:, 0]
            u = rng.random(num_envs)[:, None]
            actions = (u > np.cumsum(pi[niche], axis=1)).sum(axis=1).clip(max=a - 1)
            obs, reward, terminated, truncated, _ = envs.step(actions)
            live = ~fresh
            ret[live] += reward[live]
            counts[live, actions[live]] += 1
            ended = (terminated | truncated) & live
            for i in np.flatnonzero(ended):
                if finished[i] < episodes_per_env:
                    done_g.append(ret[i])
                    done_k.append(niche[i])
                    done_counts.append(counts[i].copy())
                finished[i] += 1
            ret[ended], counts[ended] = 0.0, 0.0
            fresh = ended
        g, ks, c = np.array(done_g), np.array(done_k), np.array(done_counts)
        baseline = np.array([g[ks == j].mean() if (ks == j).any() else 0.0 for j in range(k)])
        adv = g - baseline[ks]
        # grad log pi(a | k) summed over an episode: counts - steps * pi(. | k).
        grad = np.zeros_like(logits)
        for j in range(k):
            m = ks == j
            if m.any():
                steps = c[m].sum(axis=1, keepdims=True)
                grad[j] = (adv[m, None] * (c[m] - steps * pi[j])).sum(axis=0) / len(g)
        logits += lr * grad
        history.append(float(g.mean()))
    return logits, history, envs.skill


if __name__ == "__main__":
    world = r.NicheWorld.preset()
    logits, history, skill = train(world)
    print(f"mean return per episode: {history[0]:.3f} -> {history[-1]:.3f} (sampled)")
    print(f"exact: {exact_return(world, np.zeros_like(logits), skill):.3f} -> {exact_return(world, logits, skill):.3f}")
    print("learned policy per niche:", dict(zip(world.action_names, softmax(logits)[0].round(3))))
