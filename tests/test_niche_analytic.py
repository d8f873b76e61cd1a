"""The exact evaluator, against closed forms and against Monte Carlo."""

import dataclasses

import numpy as np
import pytest

import replicators as r
from replicators import Action, Mutation, Niche, NicheWorld, Proportional
from replicators.analytic import best_pure, evaluate, pure_behaviours
from replicators.errors import ConfigError, UnknownNameError

PRESET = NicheWorld.preset()


def test_pure_behaviours_match_their_formulas():
    p, m = 0.9, 20
    length = (1 - p**m) / (1 - p)
    t = pure_behaviours(PRESET, "niche0").to_dicts()
    by = {row["action"]: row for row in t}
    assert by["engage"]["sum"] == pytest.approx(0.25 * length, rel=1e-12)
    assert by["flatter"]["gold_per_need"] == pytest.approx(-0.1 * length, rel=1e-12)
    assert by["partial"]["sum"] == pytest.approx(0.6 / (1 - 0.6), rel=1e-12)
    assert by["solve"]["rate"] == 1.0
    assert best_pure(PRESET, 0, "sum").action == "flatter"  # 0.35 * 8.78 > 0.25 * 8.78
    assert best_pure(PRESET, 0, "rate").action == "solve"


def test_skilled_failures_follow_the_chain():
    s, p = 0.3, 0.9
    e = evaluate(PRESET, {"solve": 1.0}, 0, skill=s)
    c = (1 - s) * p
    length = sum(c**t for t in range(20))
    assert e.length == pytest.approx(length, rel=1e-12)
    assert e.solve == pytest.approx(s * length, rel=1e-12)
    # E[G/L]: success at step t pays 1/t.
    assert e.episode_rate == pytest.approx(sum(c ** (t - 1) * s / t for t in range(1, 21)), rel=1e-12)


def test_genome_and_policy_agree():
    g = PRESET.genome(action_logits=[1.0, 0.5, -1.0, 0.2, 0.0], skill_logits=[2.0, 0, 0, 0])
    pi = np.exp(g[:5]) / np.exp(g[:5]).sum()
    w = np.exp(g[20:]) / np.exp(g[20:]).sum()
    a = evaluate(PRESET, g, "niche0")
    b = evaluate(PRESET, pi, "niche0", skill=w[0])
    assert dataclasses.astuple(a) == pytest.approx(dataclasses.astuple(b), rel=1e-12)


def test_bad_policies_are_rejected():
    with pytest.raises(UnknownNameError, match="sovle"):
        evaluate(PRESET, {"sovle": 1.0}, 0)
    with pytest.raises(ConfigError, match="policy"):
        evaluate(PRESET, [0.5, 0.5, 0.5, 0, 0], 0)
    with pytest.raises(ConfigError, match="policy"):
        evaluate(PRESET, [1.0, 0.0], 0)
    with pytest.raises(UnknownNameError, match="niche"):
        evaluate(PRESET, {"solve": 1.0}, "niche9")


CUSTOM = NicheWorld(
    niches=[
        Niche(name="short", patience=0.5, max_steps=3, demand=1.0),
        Niche(name="long", patience=0.97, max_steps=12, demand=2.0,
              overrides={"upsell": {"proxy": 0.9, "follow_up": 0.5}, "try": {"fail_proxy": 0.2}}),
    ],
    actions=[
        Action(name="try", proxy=1.0, gold=1.0, ends=True, skilled=True, fail_proxy=0.05, fail_gold=-0.2),
        Action(name="coach", proxy=0.3, gold=0.1, skilled=True, fail_proxy=0.1),
        Action(name="upsell", proxy=0.4, gold=0.2, ends=True, follow_up=0.3),
        Action(name="chat", proxy=0.2, gold=0.0),
        Action(name="pass", proxy=0.05, reroute=True),
    ],
    max_reroutes=4,
)


@pytest.mark.parametrize(
    "world, logits, skills",
    [
        (PRESET, [[0.3, 0.1, -0.2, 0.4, -0.5], [1, 0, 0, 0, 0], [0, 1, 1, 0, -2], [0, 0, 0, 2, 0]], [1.0, 0.2, -0.3, 0.0]),
        (CUSTOM, [[0.5, 0.2, 0.1, 0.0, -0.4], [-0.3, 0.6, 0.8, 0.3, 0.0]], [0.4, -0.4]),
        # A wrong answer ends the episode too (fail_ends), thinking adds steps.
        (NicheWorld.preset("answer"), [[0.2, 0.9]], [0.0]),
    ],
)
def test_monte_carlo_matches_the_exact_evaluator(world, logits, skills):
    genome = world.genome(action_logits=logits, skill_logits=skills)
    gens = 30
    res = r.evolve(world, population=400, generations=gens, fitness="sum", initial=genome, seed=8,
                   selection=Proportional(pressure=0.0), mutation=Mutation(rate=0.0, scale=0.0))
    n = res.niches
    for k, name in enumerate(world.niche_names):
        e = evaluate(world, genome, k)
        rows = n.filter(n["niche"] == name)
        eps = rows["episodes"].to_numpy().astype(float)
        checks = {
            "proxy": (rows["proxy"].to_numpy() / eps, e.proxy),
            "gold": (rows["gold"].to_numpy() / eps, e.gold),
            "length": (rows["steps"].to_numpy() / eps, e.length),
            "follow_ups": (rows["follow_ups"].to_numpy() / eps, e.follow_ups),
            "solve": (rows["solved"].to_numpy() / eps, e.solve),
            "decline": (rows["declined"].to_numpy() / eps, e.decline),
        }
        for what, (per_generation, exact) in checks.items():
            # Generations are independent replicates (identical genomes, no budget).
            mean = per_generation.mean()
            se = per_generation.std(ddof=1) / np.sqrt(gens)
            assert abs(mean - exact) < 4 * se + 1e-12, (name, what, mean, exact, se)


def test_a_wrong_answer_ends_the_episode():
    w = NicheWorld.preset("answer")
    assert w.actions[0].fail_ends and w.niches[0].patience == 1.0
    e = evaluate(w, {"answer": 1.0}, 0)
    assert (e.length, e.proxy, e.solve) == (1.0, 0.5, 0.5)
    # Thinking half the time: L ~ Geometric(1/2) capped at 16; the answer is right half the time.
    e = evaluate(w, {"answer": 0.5, "think": 0.5}, 0)
    assert e.length == pytest.approx(2 * (1 - 0.5**16))
    assert e.proxy == pytest.approx(0.5 * (1 - 0.5**16))
    with pytest.raises(ConfigError, match="fail_ends"):
        NicheWorld(niches=[Niche(name="q")], actions=[Action(name="a", ends=True, fail_ends=True)])
