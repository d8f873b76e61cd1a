"""Standard RL interfaces (issue 18, ``replicators.envs``): the Gymnasium
environment passes Gymnasium's own checker and earns the exact evaluator's
returns; the vector environment plays the same episodes as the single one
at the same seeds, at any batch size; the PettingZoo environment passes
PettingZoo's API test and agrees with the engine move for move; a NumPy
policy gradient learns through the interface; bad input names the field."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import api_test

import replicators as r
from replicators import connect4
from replicators.envs import AssistantEnv, AssistantVectorEnv, ConnectFourEnv
from replicators.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def _odd_world() -> r.NicheWorld:
    """Unequal demand, a patient niche with a short cap, per-niche overrides."""
    return r.NicheWorld(
        niches=[r.Niche(name="code", demand=3.0, patience=0.97, max_steps=4, overrides={"engage": {"proxy": 0.5}}),
                r.Niche(name="chat", demand=1.0, patience=0.6, max_steps=30)],
        actions=[r.Action(name="solve", proxy=1.0, gold=1.0, ends=True, skilled=True, fail_proxy=0.1),
                 r.Action(name="engage", proxy=0.25, gold=0.0),
                 r.Action(name="partial", proxy=0.6, gold=0.3, ends=True, follow_up=0.6)],
        capacity=0.8,
    )


@pytest.mark.parametrize("world", [r.NicheWorld.preset(), _odd_world()], ids=["assistant", "odd"])
def test_gymnasium_checker_passes(world):
    with pytest.warns(UserWarning, match="render"):  # no render modes, as declared
        check_env(AssistantEnv(world), skip_render_check=False)


def _episodes(envs: AssistantVectorEnv, pi: np.ndarray, steps: int, rng: np.random.Generator):
    """Completed episodes' (niche, proxy return, gold return) under the
    stationary policy ``pi[niche]``, next-step autoreset handled."""
    obs, _ = envs.reset(seed=int(rng.integers(2**32)))
    n = envs.num_envs
    ret, gold, fresh = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
    niches, returns, golds = [], [], []
    cum = np.cumsum(pi, axis=1)
    for _ in range(steps):
        niche = obs[:, 0]
        actions = (rng.random(n)[:, None] >= cum[niche]).sum(axis=1).clip(max=pi.shape[1] - 1)
        obs, reward, terminated, truncated, info = envs.step(actions)
        live = ~fresh
        ret[live] += reward[live]
        gold[live] += info["gold"][live]
        ended = (terminated | truncated) & live
        niches.append(niche[ended]); returns.append(ret[ended]); golds.append(gold[ended])
        ret[ended], gold[ended] = 0.0, 0.0
        fresh = ended
    return np.concatenate(niches), np.concatenate(returns), np.concatenate(golds)


@pytest.mark.parametrize("world", [r.NicheWorld.preset(), _odd_world()], ids=["assistant", "odd"])
def test_a_fixed_policy_earns_the_exact_return_within_4_se(world):
    rng = np.random.default_rng(5)
    k, a = len(world.niches), len(world.actions)
    pi = rng.dirichlet(np.ones(a), size=k)
    envs = AssistantVectorEnv(world, 4096, skill=rng.uniform(0.2, 0.9, size=k))
    niche, ret, gold = _episodes(envs, pi, 300, rng)
    for j in range(k):
        e = r.analytic.evaluate(world, pi[j], j, skill=envs.skill[j])
        for sample, exact in ((ret[niche == j], e.proxy), (gold[niche == j], e.gold)):
            se = sample.std(ddof=1) / math.sqrt(len(sample))
            assert abs(sample.mean() - exact) < 4 * se, (j, sample.mean(), exact, se)
    # Niches arrive by demand (a binomial share within 4 SE).
    d = np.array([n.demand for n in world.niches]) / sum(n.demand for n in world.niches)
    share = np.bincount(niche, minlength=k) / len(niche)
    assert np.all(np.abs(share - d) < 4 * np.sqrt(d * (1 - d) / len(niche)) + 1e-12), (share, d)


def test_the_single_environment_earns_the_exact_return_too():
    world = r.NicheWorld.preset()
    env = AssistantEnv(world)
    pi = np.array([0.3, 0.3, 0.2, 0.1, 0.1])
    rng = np.random.default_rng(1)
    returns = {j: [] for j in range(4)}
    env.reset(seed=9)
    for _ in range(6000):
        obs, info = env.reset()
        g, done = 0.0, False
        while not done:
            obs2, reward, terminated, truncated, _ = env.step(int(rng.choice(5, p=pi)))
            g, done = g + reward, terminated or truncated
        returns[int(obs[0])].append(g)
    for j, sample in returns.items():
        exact = r.analytic.evaluate(world, pi, j, skill=env.skill[j]).proxy
        x = np.array(sample)
        assert abs(x.mean() - exact) < 4 * x.std(ddof=1) / math.sqrt(len(x)), (j, x.mean(), exact)


@pytest.mark.parametrize("num_envs", [5, 9000])  # 9000: the core steps it in parallel
def test_the_vector_environment_plays_the_single_ones_episodes(num_envs):
    world = _odd_world()
    envs = AssistantVectorEnv(world, num_envs)
    watched = [0, 3, num_envs - 1]
    singles = {i: AssistantEnv(world) for i in watched}
    obs, _ = envs.reset(seed=40)
    for i, env in singles.items():
        o, _ = env.reset(seed=40 + i)
        np.testing.assert_array_equal(o, obs[i])
    rng = np.random.default_rng(0)
    done = dict.fromkeys(watched, False)
    for _ in range(150):
        actions = rng.integers(0, 3, size=num_envs)
        obs, reward, terminated, truncated, info = envs.step(actions)
        for i, env in singles.items():
            if done[i]:  # next-step autoreset: this step began the next episode
                o, _ = env.reset()
                step = (o, 0.0, False, False, 0.0)
            else:
                o, rew, te, tr, inf = env.step(int(actions[i]))
                step = (o, rew, te, tr, inf["gold"])
            assert (list(step[0]), step[1], step[2], step[3], step[4]) == \
                (list(obs[i]), reward[i], terminated[i], truncated[i], info["gold"][i])
            done[i] = bool(terminated[i] or truncated[i])


def test_same_seed_same_episodes_and_seeds_as_lists():
    world = r.NicheWorld.preset()
    a, b = AssistantVectorEnv(world, 6), AssistantVectorEnv(world, 6)
    oa, _ = a.reset(seed=[7, 8, 9, 10, 11, 12])
    ob, _ = b.reset(seed=7)
    np.testing.assert_array_equal(oa, ob)
    acts = np.ones(6, dtype=np.int64)
    for _ in range(30):
        xa, xb = a.step(acts), b.step(acts)
        for u, w in zip(xa[:4], xb[:4]):
            np.testing.assert_array_equal(u, w)


def test_bad_input_names_the_field():
    world = r.NicheWorld.preset()
    with pytest.raises(ConfigError, match="world"):
        AssistantEnv("assistant")
    with pytest.raises(ConfigError, match="skill"):
        AssistantEnv(world, skill=[0.5, 0.5])
    with pytest.raises(ConfigError, match="skill"):
        AssistantEnv(world, skill=[0.5, 0.5, 1.5, 0.5])
    with pytest.raises(ConfigError, match="num_envs"):
        AssistantVectorEnv(world, 0)
    env = AssistantEnv(world)
    with pytest.raises(gym.error.ResetNeeded):
        env.step(0)
    env.reset(seed=1)
    for bad in (5, -1, 1.0, True, "solve"):
        with pytest.raises(ConfigError, match="action"):
            env.step(bad)
    envs = AssistantVectorEnv(world, 3)
    envs.reset(seed=0)
    with pytest.raises(ConfigError, match=r"actions\[2\]"):
        envs.step(np.array([0, 1, 7]))
    with pytest.raises(ConfigError, match="actions"):
        envs.step(np.array([0, 1]))
    with pytest.raises(ConfigError, match="actions"):
        envs.step(np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ConfigError, match="seed"):
        envs.reset(seed=[1, 2])
    with pytest.raises(ConfigError, match="seed"):
        envs.reset(seed=-1)


# PettingZoo's remarks on dict observations, which its own connect_four_v3 draws too.
@pytest.mark.filterwarnings("ignore:Observation:UserWarning")
def test_pettingzoo_api_test_passes():
    api_test(ConnectFourEnv(), num_cycles=300, verbose_progress=False)


def test_connect_four_agrees_with_the_engine_move_for_move():
    rng = np.random.default_rng(3)
    env = ConnectFourEnv()
    lengths = []
    for game in range(60):
        env.reset(seed=game)
        moves = ""
        while not all(env.terminations.values()):
            agent = env.agent_selection
            obs = env.observe(agent)
            position = connect4.Position.from_moves(moves)
            legal = np.flatnonzero(obs["action_mask"])
            assert list(legal + 1) == position.legal_moves()
            # The planes are the engine's board from the mover's side.
            rows = position.diagram().splitlines()
            me, them = ("X", "O") if agent == "player_0" else ("O", "X")
            assert (obs["observation"][..., 0] == np.array([[c == me for c in row] for row in rows])).all()
            assert (obs["observation"][..., 1] == np.array([[c == them for c in row] for row in rows])).all()
            column = int(rng.choice(legal))
            env.step(column)
            moves += str(column + 1)
        position = connect4.Position.from_moves(moves)
        winner = position.winner()
        expected = {0: {"player_0": 0, "player_1": 0}, 1: {"player_0": 1, "player_1": -1},
                    2: {"player_0": -1, "player_1": 1}}[winner]
        assert env._cumulative_rewards == expected or env.rewards == expected
        lengths.append(len(moves))
    assert min(lengths) < 20 and max(lengths) > 25  # varied games, not one line
    with pytest.raises(ConfigError, match="action"):
        env.reset()
        env.step(7)


def test_a_numpy_policy_gradient_learns_through_the_interface():
    spec = importlib.util.spec_from_file_location("numpy_pg", ROOT / "examples" / "numpy_policy_gradient.py")
    assert spec and spec.loader
    pg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pg)
    world = r.NicheWorld.preset()
    logits, history, skill = pg.train(world, seed=2)
    before, after = pg.exact_return(world, np.zeros_like(logits), skill), pg.exact_return(world, logits, skill)
    assert after > before + 0.2, (before, after)
    assert history[-1] > history[0]
