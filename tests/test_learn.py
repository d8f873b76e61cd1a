"""Learners (SPEC 4): exact checks, mechanisms, reproducibility, bad input."""

from __future__ import annotations

import math
import os
import signal
import threading
import time
import warnings

import numpy as np
import pytest

import replicators as r
from replicators.analytic import best_pure, evaluate, expected_gradient
from replicators.errors import ConfigError, UnknownNameError
from replicators.learn import GAE, PPO, SGD, Adam, Group, PolicyGradient, Reinforce, sample_gradients

PRESET = r.NicheWorld.preset()


def _custom() -> r.NicheWorld:
    """Uneven demand, per-niche overrides, a skilled action whose failure pays, follow-ups."""
    return r.NicheWorld(
        niches=[
            r.Niche(name="short", patience=0.5, max_steps=3, demand=1.0),
            r.Niche(name="long", patience=0.97, max_steps=12, demand=2.0, overrides={"chat": {"proxy": 0.5}}),
        ],
        actions=[
            r.Action(name="try", proxy=1.0, gold=1.0, ends=True, skilled=True, fail_proxy=0.05),
            r.Action(name="chat", proxy=0.2),
            r.Action(name="upsell", proxy=0.4, gold=0.2, ends=True, follow_up=0.3),
            r.Action(name="pass", proxy=0.05, reroute=True),
        ],
        capacity=0.8,
    )


def _z(samples: np.ndarray, exact: np.ndarray) -> np.ndarray:
    mean = samples.mean(axis=0)
    se = samples.std(axis=0, ddof=1) / math.sqrt(samples.shape[0])
    return np.where(se > 0, (mean - exact) / np.where(se > 0, se, 1.0), 0.0)


WORLDS = {
    "preset": (PRESET, PRESET.genome(action_logits=[0.3, -0.2, 0.1, 0.4, -0.3], skill_logits=[1, 0, 0, -1])),
    "custom": (_custom(), _custom().genome(action_logits=[[0.2, 0.5, -0.1, -1.0], [0.0, 0.3, 0.6, -0.5]],
                                           skill_logits=[0.5, -0.5])),
    "answer": (r.NicheWorld.preset("answer"), r.NicheWorld.preset("answer").genome(action_logits=[0.0, 0.7])),
}


@pytest.mark.parametrize("name", list(WORLDS))
@pytest.mark.parametrize("returns, trajectory", [("sum", "episode"), ("rate", "episode"), ("sum", "user"),
                                                  ("rate", "user")])
def test_monte_carlo_gradients_match_the_exact_gradient(name, returns, trajectory):
    # Plain REINFORCE (one advantage per trajectory, no baseline) with sum
    # aggregation: its mean is the gradient of the objective, within 4 SE.
    world, genome = WORLDS[name]
    kw = {"returns": returns, "trajectory": trajectory, "episodes": 16, "max_chain": 3}
    exact = expected_gradient(world, genome, aggregation="sum", **kw)
    samples = sample_gradients(world, genome, learners=6000, aggregation="sum", seed=11,
                               advantage=Reinforce(baseline_rate=0.0), **kw)
    z = _z(samples, exact.gradient)
    assert np.abs(z).max() < 4.0, z.round(2)
    # ... and the exact gradient is the objective's (central differences).
    h = 1e-5
    k, a = len(world.niches), len(world.actions)
    for j in range(k * a):
        up, down = genome.copy(), genome.copy()
        up[j] += h
        down[j] -= h
        fd = (expected_gradient(world, up, **kw).objective - expected_gradient(world, down, **kw).objective) / (2 * h)
        assert exact.gradient.ravel()[j] == pytest.approx(fd, abs=1e-7)


@pytest.mark.parametrize("aggregation", ["seq_mean", "constant"])
@pytest.mark.parametrize("returns, trajectory", [("sum", "episode"), ("rate", "user")])
def test_other_aggregations_match_their_own_expected_estimator(aggregation, returns, trajectory):
    world, genome = WORLDS["custom"]
    kw = {"returns": returns, "trajectory": trajectory, "episodes": 16, "aggregation": aggregation}
    exact = expected_gradient(world, genome, **kw)
    samples = sample_gradients(world, genome, learners=6000, seed=12, advantage=Reinforce(baseline_rate=0.0), **kw)
    assert np.abs(_z(samples, exact.gradient)).max() < 4.0


def test_seq_mean_is_not_the_gradient_when_lengths_vary():
    # Engage keeps the user (long episodes), partial ends them: under a summed
    # return more partial lowers the objective, but seq_mean's 1/|o| weighs
    # the short episodes up and pushes toward partial (Dr. GRPO's length bias).
    genome = PRESET.genome(action_logits=[-1.2, 1.03, -0.21, 0.82, -0.7])
    true = expected_gradient(PRESET, genome, aggregation="sum").gradient[0, 3]
    seq = expected_gradient(PRESET, genome, aggregation="seq_mean").gradient[0, 3]
    assert true < 0 < seq
    samples = sample_gradients(PRESET, genome, learners=4000, aggregation="seq_mean", seed=13,
                               advantage=Reinforce(baseline_rate=0.0))
    mean, se = samples[:, 0, 3].mean(), samples[:, 0, 3].std(ddof=1) / math.sqrt(4000)
    assert mean > 4 * se  # the Monte Carlo sign agrees with seq_mean's expectation, not the gradient's


def test_token_mean_tends_to_its_large_batch_limit():
    world, genome = WORLDS["preset"]
    gaps = []
    for episodes in (16, 256):
        exact = expected_gradient(world, genome, aggregation="token_mean", episodes=episodes).gradient
        samples = sample_gradients(world, genome, learners=3000, episodes=episodes, aggregation="token_mean",
                                   seed=14, advantage=Reinforce(baseline_rate=0.0))
        gaps.append(np.abs(samples.mean(axis=0) - exact).max())
    assert gaps[1] < gaps[0] / 3  # a ratio estimator's bias falls as 1 / batch


def _dominant() -> r.NicheWorld:
    return r.NicheWorld(
        niches=[r.Niche(name="q", patience=0.5, max_steps=6)],
        actions=[r.Action(name="good", proxy=1.0, gold=1.0, ends=True), r.Action(name="meh", proxy=0.3, ends=True),
                 r.Action(name="stall", proxy=0.0)],
    )


@pytest.mark.parametrize("algorithm, advantage", [(PPO(), GAE()), (PPO(), Group()), (PolicyGradient(), Reinforce())])
def test_a_dominant_action_is_learned_and_the_evaluator_agrees(algorithm, advantage):
    world = _dominant()
    res = r.learn(world, learners=6, iterations=150, episodes=32, algorithm=algorithm, advantage=advantage, seed=4)
    pi = res.policies()[:, 0, :]
    assert pi[:, 0].min() > 0.95, pi
    best = best_pure(world, "q", "sum")
    assert best.action == "good"
    for g in res.genomes:
        assert evaluate(world, g, "q").proxy == pytest.approx(best.value, abs=0.05)
    assert res.history["proxy_per_need"][-1] == pytest.approx(best.value, abs=0.05)


def test_defaults_find_the_preset_optimum_of_their_objective():
    # Summed per-episode proxy: the exact optimum in every niche is flatter.
    res = r.learn(PRESET, learners=20, iterations=300, episodes=64, seed=5)
    assert {best_pure(PRESET, k, "sum").action for k in PRESET.niche_names} == {"flatter"}
    assert res.history["share_flatter"][-1] > 0.95
    best = best_pure(PRESET, 0, "sum").value
    assert res.history["proxy_per_need"][-1] == pytest.approx(best, rel=0.03)


def test_the_ratio_is_clipped():
    # A big step per minibatch: clipping stops the samples whose ratio left
    # [1 - clip, 1 + clip], so the policy moves far less than without it.
    world = _dominant()
    kl = {}
    for clip in (0.1, 1e6):
        res = r.learn(world, learners=20, iterations=1, episodes=64, seed=6, snapshots=[0, 1],
                      algorithm=PPO(clip=clip, epochs=10, minibatches=8, normalize=True), optimizer=SGD(lr=2.0))
        p0, p1 = res.policies(0)[:, 0], res.policies(1)[:, 0]
        kl[clip] = float(np.mean(np.sum(p1 * np.log(p1 / p0), axis=1)))
        if clip == 0.1:
            assert res.history["clip_fraction"][0] > 0.05
    assert kl[0.1] < kl[1e6] / 3, kl


def test_kl_penalty_keeps_the_policy_near_its_start():
    runs = {beta: r.learn(PRESET, learners=10, iterations=60, episodes=32, kl_penalty=beta, seed=7)
            for beta in (0.0, 0.5)}
    assert runs[0.5].history["kl_from_initial"][-1] < runs[0.0].history["kl_from_initial"][-1] / 2


def test_entropy_bonus_keeps_entropy_up():
    runs = {alpha: r.learn(PRESET, learners=10, iterations=60, episodes=32, entropy_bonus=alpha, seed=8)
            for alpha in (0.0, 0.5)}
    assert runs[0.5].history["policy_entropy"][-1] > runs[0.0].history["policy_entropy"][-1] + 0.1


def test_gae_splits_the_gradient_into_reward_and_value_parts():
    res = r.learn(PRESET, learners=10, iterations=20, episodes=32, seed=9)
    h = res.history
    assert np.allclose(h["reward_share"] + h["value_share"], 1.0)
    assert h["value_share"][0] == 0.0  # V starts at 0: all from the reward
    assert h["grad_value_norm"][-1] > 0
    grp = r.learn(PRESET, learners=4, iterations=3, episodes=32, seed=9, advantage=Group()).history
    assert grp["value_share"].to_list() == [0.0] * 3


def test_results_are_identical_at_any_thread_count():
    for kw in ({}, {"advantage": Group(scale=False), "aggregation": "seq_mean", "trajectory": "user"},
               {"advantage": Reinforce(), "returns": "rate", "algorithm": PolicyGradient(), "optimizer": SGD()}):
        a, b = (r.learn(_custom(), learners=30, iterations=4, episodes=16, seed=10, threads=t, **kw) for t in (1, 2))
        assert a.history.equals(b.history)
        assert np.array_equal(a.genomes, b.genomes)
    g = [sample_gradients(PRESET, PRESET.genome(), learners=300, seed=1, threads=t) for t in (1, 2)]
    assert np.array_equal(*g)


def test_learned_genomes_feed_evolve_and_the_evaluator():
    res = r.learn(PRESET, learners=5, iterations=3, episodes=16, seed=2, snapshots=[0, 3])
    assert res.genomes.shape == (5, PRESET.genome_width)
    assert np.array_equal(res.snapshots[3], res.genomes)
    evo = r.evolve(PRESET, population=5, generations=1, fitness="sum", initial=res.genomes, snapshots=[0])
    assert np.array_equal(evo.snapshots[0], res.genomes)
    assert evaluate(PRESET, res.genomes[0], 0).length > 0
    assert res.bytes_per_learner < 4096


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: Adam(lr=0.0), "optimizer.lr"),
        (lambda: Adam(lr=math.nan), "optimizer.lr"),
        (lambda: SGD(lr=-1), "optimizer.lr"),
        (lambda: PPO(clip=0.0), "algorithm.clip"),
        (lambda: PPO(epochs=0), "algorithm.epochs"),
        (lambda: GAE(gamma=1.5), "advantage.gamma"),
        (lambda: GAE(lam=-0.1), "advantage.lam"),
        (lambda: r.learn(PRESET, aggregation="mean"), "aggregation"),
        (lambda: r.learn(PRESET, returns="total"), "returns"),
        (lambda: r.learn(PRESET, trajectory="session"), "trajectory"),
        (lambda: r.learn(PRESET, learners=0), "learners"),
        (lambda: r.learn(PRESET, episodes=4, advantage=Group()), "episodes"),
        (lambda: r.learn(PRESET, kl_penalty=-1), "kl_penalty"),
        (lambda: r.learn(PRESET, algorithm=GAE()), "algorithm"),
        (lambda: r.learn(r.connect4.Knockout(), iterations=1), "world"),
        (lambda: r.learn(PRESET, initial=np.zeros(3)), "initial"),
        (lambda: r.learn(PRESET, iterations=2, snapshots=[3]), "snapshots"),
    ],
)
def test_bad_input_names_the_field(make, field):
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        make()


def test_unknown_names_list_the_known_ones():
    with pytest.raises(UnknownNameError, match="seq_mean"):
        r.learn(PRESET, aggregation="mean")


def test_a_long_run_answers_ctrl_c():
    # Ctrl-C every 0.5 s until the call returns: the run must stop within a
    # second of a Ctrl-C it sees; a lost one is reported, not hung on. (Lost
    # presses came from sessions started in the background, with SIGINT
    # ignored: tests/conftest.py now makes SIGINT raise whatever the start.)
    done, sent = threading.Event(), []

    def press() -> None:
        while not done.wait(0.5):
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press, daemon=True).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            r.learn(PRESET, learners=2000, iterations=10_000, episodes=64, threads=2)
    finally:
        stopped = time.monotonic()
        done.set()
    assert stopped - sent[-1] < 1.0
    if len(sent) > 1:
        warnings.warn(f"Ctrl-C needed {len(sent)} presses: {len(sent) - 1} SIGINT lost in this session")


@pytest.mark.parametrize("name", ["answer", "preset"])
@pytest.mark.parametrize("lam", [0.0, 0.5, 0.95])
def test_the_gradient_split_matches_its_exact_expectation(name, lam):
    # E g^R and E g^V for a given policy and value table (SPEC 4's
    # decomposition), against the mean over learners, within 4 SE.
    from replicators.analytic import expected_decomposition

    world = {"answer": r.NicheWorld.preset("answer"), "preset": PRESET}[name]
    genome = world.genome(action_logits=np.linspace(-0.5, 0.5, len(world.actions)))
    width = max(n.max_steps for n in world.niches)
    value = np.random.default_rng(0).normal(0.3, 0.3, (len(world.niches), width))
    er, ev = expected_decomposition(world, genome, value, lam=lam, episodes=16)
    samples = sample_gradients(world, genome, learners=6000, episodes=16, advantage=GAE(lam=lam), value=value,
                               parts=True, seed=15)
    assert np.allclose(samples[:, 0], samples[:, 1] + samples[:, 2])
    for part, exact in ((1, er), (2, ev)):
        assert np.abs(_z(samples[:, part], exact)).max() < 4.0


def test_with_lambda_one_all_the_gradient_comes_from_the_reward():
    from replicators.analytic import expected_decomposition

    value = np.full((4, 20), 0.5)
    er, ev = expected_decomposition(PRESET, PRESET.genome(), value, lam=1.0)
    assert np.abs(ev).max() < 1e-12
    assert np.allclose(er, expected_gradient(PRESET, PRESET.genome()).gradient)
