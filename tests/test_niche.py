"""NicheWorld: configs, validation, determinism and the mechanisms of SPEC 1."""

import math

import numpy as np
import polars as pl
import pytest

import replicators as r
from replicators import Action, Mutation, Niche, NicheWorld, Proportional, Threshold
from replicators.errors import ConfigError, UnknownNameError
from replicators.personas import of_genomes as personas

PRESET = NicheWorld.preset("assistant")


def test_preset_matches_spec():
    w = PRESET
    assert len(w.niches) == 4 and {n.demand for n in w.niches} == {1.0} and {n.patience for n in w.niches} == {0.9}
    assert w.outcome(0, "flatter") == {"proxy": 0.35, "gold": -0.1, "fail_proxy": 0.0, "fail_gold": 0.0, "follow_up": 0.0}
    assert w.actions[0].skilled and w.actions[0].ends and w.actions[4].reroute
    assert w.genome_width == 24


def test_history_has_the_promised_columns():
    res = r.evolve(PRESET, population=50, generations=4, fitness="sum", seed=2)
    cols = set(res.history.columns)
    need = {"generation", "steps", "needs", "visits", "follow_ups", "fitness_mean", "proxy_per_need",
            "gold_per_need", "proxy_per_visit", "gold_per_visit",
            "episode_length", "solved_fraction", "unserved_fraction", "policy_entropy", "kl_from_initial",
            "specialization", "effective_personas"} | {f"share_{a}" for a in PRESET.action_names}
    assert need <= cols
    assert res.history["generation"].to_list() == [0, 1, 2, 3]
    shares = res.history.select(pl.sum_horizontal(pl.col("^share_.*$")))
    assert np.allclose(shares.to_numpy(), 1.0)
    h = res.history
    assert (h["visits"] == h["needs"] + h["follow_ups"]).all()
    gold = h["gold_per_visit"] * h["visits"]
    assert np.allclose(gold.to_numpy(), (h["gold_per_need"] * h["needs"]).to_numpy())
    assert res.niches.height == 4 * 4 and res.actions.height == 4 * 4 * 5
    assert set(res.niches["niche"]) == set(PRESET.niche_names)
    p = res.personas.group_by("generation").agg(pl.col("share").sum())
    assert np.allclose(p["share"].to_numpy(), 1.0)
    # Steps add up across tables.
    assert res.history["steps"].sum() == res.niches["steps"].sum() == res.actions["steps"].sum()


def test_threads_do_not_change_results():
    kw = dict(population=600, generations=6, fitness="episode_rate", seed=11, snapshots=[0, 3, 6],
              mutation=Mutation(rate=0.3, scale=0.5), initial_spread=0.7)
    world = NicheWorld.preset(time_budget=15)
    a = r.evolve(world, threads=1, **kw)
    b = r.evolve(world, threads=2, **kw)
    assert a.history.equals(b.history) and a.niches.equals(b.niches) and a.personas.equals(b.personas)
    for g in (0, 3, 6):
        assert np.array_equal(a.snapshots[g], b.snapshots[g])
    c = r.evolve(world, threads=2, **{**kw, "seed": 12})
    assert not a.history.equals(c.history)


def test_zero_pressure_and_zero_mutation_only_drift():
    kw = dict(population=300, generations=15, selection=Proportional(pressure=0.0), mutation=Mutation(rate=0.0, scale=0.0),
              seed=5, snapshots=[0, 15], initial_spread=1.0)
    a = r.evolve(PRESET, fitness="sum", **kw)
    b = r.evolve(PRESET, fitness="rate", **kw)
    # Selection is blind to fitness: the two runs resample the same parents.
    assert np.array_equal(a.snapshots[15], b.snapshots[15])
    # No new genome appears: every genome at the end is one of the initial ones.
    initial = {row.tobytes() for row in a.snapshots[0]}
    assert all(row.tobytes() in initial for row in a.snapshots[15])
    # ...and the population mean only drifts: within 4 sd of neutral Wright-Fisher drift.
    g0, g15 = a.snapshots[0], a.snapshots[15]
    sd = g0.std(axis=0) * math.sqrt(15 / 300)
    assert np.all(np.abs(g15.mean(axis=0) - g0.mean(axis=0)) < 4 * sd + 1e-12)


def test_selection_on_rate_raises_the_rate_and_solving():
    res = r.evolve(PRESET, population=2000, generations=40, fitness="rate", seed=3,
                   selection=Proportional(pressure=2.0), mutation=Mutation(rate=0.2, scale=0.3))
    h = res.history
    assert h["proxy_per_step"][-1] > h["proxy_per_step"][0] + 0.1
    assert h["kl_from_initial"][-1] > h["kl_from_initial"][0]
    assert h["policy_entropy"][-1] < h["policy_entropy"][0]


def _two_niche_world(**knobs):
    return NicheWorld(
        niches=[Niche(name="rare"), Niche(name="common")],
        actions=[Action(name="solve", proxy=1, gold=1, ends=True, skilled=True), Action(name="decline", reroute=True)],
        max_reroutes=10, **knobs,
    )


def test_rare_specialist_receives_more_rerouted_requests():
    w = _two_niche_world()
    specialist = w.genome(action_logits=[[20, -20], [-20, 20]], skill_logits=[20, -20])
    other = w.genome(action_logits=[[-20, 20], [20, -20]], skill_logits=[-20, 20])

    def proxy_per_specialist(count, n=2000):
        genomes = np.array([specialist] * count + [other] * (n - count))
        res = r.evolve(w, population=n, generations=1, fitness="sum", initial=genomes, seed=1,
                       mutation=Mutation(rate=0, scale=0))
        p = res.personas.filter(pl.col("persona") == "rare:helper")
        assert p["count"][0] == count
        return p["proxy_mean"][0]

    rare, common = proxy_per_specialist(100), proxy_per_specialist(1000)
    # Each specialist serves its own share (5 requests of the niche) plus what
    # others decline: far more when specialists are few.
    assert rare > 1.5 * common, (rare, common)


def test_time_budget_changes_what_sum_selects():
    kw = dict(population=1500, generations=40, fitness="sum", seed=4,
              selection=Proportional(pressure=2.0), mutation=Mutation(rate=0.2, scale=0.3))
    free = r.evolve(PRESET, **kw).history
    tight = r.evolve(NicheWorld.preset(time_budget=8), **kw).history
    # Without a budget sum rewards long episodes (engage, flatter); with one it rewards rate.
    assert free["episode_length"][-1] > free["episode_length"][0]
    assert tight["episode_length"][-1] < tight["episode_length"][0]
    long_free = free["share_engage"][-1] + free["share_flatter"][-1]
    long_tight = tight["share_engage"][-1] + tight["share_flatter"][-1]
    assert long_free > long_tight + 0.1, (long_free, long_tight)


def test_entropy_bonus_lengthens_episodes_under_sum():
    w = NicheWorld(
        niches=[Niche(name="q", patience=0.95, max_steps=30)],
        actions=[Action(name="solve", proxy=1, gold=1, ends=True), Action(name="chat"), Action(name="muse")],
    )
    kw = dict(population=1500, generations=30, fitness="sum", seed=6,
              selection=Proportional(pressure=2.0), mutation=Mutation(rate=0.2, scale=0.3))
    plain = r.evolve(w, **kw).history["episode_length"][-1]
    bonus = r.evolve(w, entropy_bonus=1.0, **kw).history["episode_length"][-1]
    assert bonus > 1.5 * plain, (plain, bonus)


def test_threshold_extinction_is_a_status():
    res = r.evolve(PRESET, population=20, generations=10, fitness="sum", selection=Threshold(floor=1e6))
    assert res.status == "extinct" and res.extinct_at == 0 and res.history.height == 1
    ok = r.evolve(PRESET, population=20, generations=2, fitness="sum", selection=Threshold(floor=-1.0))
    assert ok.status == "completed" and ok.extinct_at is None


def test_unserved_when_everyone_declines():
    w = NicheWorld.preset(max_reroutes=2)
    g = w.genome(action_logits=[-30, -30, -30, -30, 30])
    res = r.evolve(w, population=100, generations=1, fitness="sum", initial=g)
    h = res.history.row(0, named=True)
    assert h["unserved"] == h["visits"] == h["needs"] == 1000
    assert h["episodes"] == 3 * 1000  # served once, rerouted twice
    assert h["unserved_fraction"] == 1.0


def test_personas_label_by_numbers_not_names():
    w = NicheWorld(
        niches=[Niche(name="a"), Niche(name="b")],
        actions=[Action(name="x", proxy=0.1, gold=1.0, ends=True), Action(name="y", proxy=1.0), Action(name="z", reroute=True)],
    )
    g = np.array([
        w.genome(action_logits=[9, 0, 0], skill_logits=[0, 9]),   # helper, specialist of b
        w.genome(action_logits=[0, 9, 0], skill_logits=[9, 0]),   # farmer of a
        w.genome(action_logits=[0, 0, 9]),                         # generalist decliner
    ])
    assert personas(w, g)["persona"].to_list() == ["b:helper", "a:farmer", "generalist:decliner"]


def test_toml_round_trip_and_unknown_keys(tmp_path):
    w = NicheWorld(
        niches=[Niche(name="code", demand=2, patience=0.8, max_steps=7, overrides={"engage": {"proxy": 0.5}}),
                Niche(name="chat \"quoted\"")],
        actions=[Action(name="solve", proxy=1, gold=1, ends=True, skilled=True, fail_proxy=0.1),
                 Action(name="engage", proxy=0.25)],
        time_budget=40, tradeoff=2.0,
    )
    path = tmp_path / "w.toml"
    w.to_toml(path)
    assert NicheWorld.from_toml(path) == w
    path.write_text(w.to_toml().replace("patience = 0.8", "patience = 0.8\npatients = 1"))
    with pytest.raises(UnknownNameError, match="patients"):
        NicheWorld.from_toml(path)


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: Niche(name="a", demand=-1), "demand"),
        (lambda: Niche(name="a", patience=1.5), "patience"),
        (lambda: Niche(name="a", max_steps=0), "max_steps"),
        (lambda: Action(name="a", proxy=math.nan), "proxy"),
        (lambda: Action(name="a", gold=math.inf), "gold"),
        (lambda: Action(name="a", follow_up=1.0), "follow_up"),
        (lambda: NicheWorld(niches=[Niche(name="a")], actions=[Action(name="x")]), "actions.ends"),
        (lambda: NicheWorld(niches=[Niche(name="a", overrides={"sovle": {"proxy": 1}})], actions=PRESET.actions), "sovle"),
        (lambda: Niche(name="a", overrides={"solve": {"colour": 1}}), "colour"),
        (lambda: NicheWorld(niches=[], actions=PRESET.actions), "niches"),
        (lambda: NicheWorld(niches=[Niche(name="a", demand=0)], actions=PRESET.actions), "demand"),
        (lambda: NicheWorld.preset(capacity=1.2), "capacity"),
        (lambda: NicheWorld.preset(time_budget=0), "time_budget"),
        (lambda: NicheWorld.preset("chatbot"), "preset"),
        (lambda: r.evolve(PRESET, population=1, generations=1, fitness="sum"), "population"),
        (lambda: r.evolve(PRESET, population=5, generations=1, fitness="total"), "fitness"),
        (lambda: r.evolve(PRESET, population=5, generations=1, fitness="sum", temperature=1), "temperature"),
        (lambda: r.evolve(PRESET, population=5, generations=1, fitness="sum", entropy_bonus=-1), "entropy_bonus"),
        (lambda: r.evolve(PRESET, population=5, generations=1, fitness="sum", initial=np.zeros(3)), "initial"),
        (lambda: r.evolve(PRESET, population=5, generations=2, fitness="sum", snapshots=[3]), "snapshots"),
    ],
)
def test_bad_input_names_the_field(make, field):
    with pytest.raises(ConfigError, match=field):
        make()


def test_progress_is_reported():
    seen = []
    r.evolve(PRESET, population=100, generations=5, fitness="sum", progress=seen.append)
    assert sum(seen) == 5


def test_malthusian_fitness_is_a_mode_of_its_own():
    res = r.evolve(PRESET, population=200, generations=3, fitness="malthusian", seed=2)
    assert res.history["fitness_mean"].is_finite().all()
    rate = r.evolve(PRESET, population=200, generations=3, fitness="rate", seed=2)
    assert not res.history["fitness_mean"].equals(rate.history["fitness_mean"])
    # Same seed, same first generation played; only what selection saw differs.
    assert res.history["steps"][0] == rate.history["steps"][0]
    with pytest.raises(UnknownNameError, match="malthusian"):
        r.evolve(PRESET, population=5, generations=1, fitness="lotka")
