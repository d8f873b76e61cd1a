"""Competition between assistants (SPEC 1.1) and the measures it rests on.

The central check: under ``routing = "choice"`` a population of full
specialists settles at the ideal free distribution that
``analytic.ideal_free`` computes from the routing law, at several shortlist
sizes and two demand vectors, while under ``uniform`` routing the niche of
highest demand takes over.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import replicators as r
from replicators.analytic import evaluate, ideal_free
from replicators.errors import ConfigError, UnknownNameError


def specialist_world(demand, shortlist=1, routing="choice", **knobs) -> r.NicheWorld:
    """Niches of the given demand, one skilled ending action and a free
    decline, no reroutes: the assumptions of the mean-field prediction."""
    niches = [r.Niche(name=f"n{k}", demand=d, patience=1.0, max_steps=4) for k, d in enumerate(demand)]
    actions = [r.Action(name="solve", proxy=1.0, gold=1.0, ends=True, skilled=True),
               r.Action(name="decline", reroute=True)]
    return r.NicheWorld(niches=niches, actions=actions, tradeoff=4.0, max_reroutes=0, routing=routing,
                        shortlist=shortlist, decline_steps=0, **knobs)


def specialists(world: r.NicheWorld, population: int) -> np.ndarray:
    """Equal numbers of identical full specialists of every niche (agent i
    serves niche i mod K and declines the others)."""
    k = len(world.niches)
    rows = []
    for j in range(k):
        logits = np.tile([0.0, 30.0], (k, 1))
        logits[j] = [30.0, 0.0]
        skill = np.zeros(k)
        skill[j] = 30.0
        rows.append(world.genome(action_logits=logits, skill_logits=skill))
    return np.array([rows[i % k] for i in range(population)])


def settled_shares(world, *, seeds, population=2000, generations=250, pressure=0.2) -> np.ndarray:
    """[seeds x K]: each run's specialist shares per niche, averaged over its
    second half (mutation off: the specialist types are fixed, selection
    sets their numbers)."""
    out = []
    for seed in range(seeds):
        res = r.evolve(world, population=population, generations=generations, fitness="sum", seed=seed,
                       initial=specialists(world, population), mutation=r.Mutation(rate=0.0),
                       selection=r.Proportional(pressure=pressure))
        p = res.personas.filter(pl.col("generation") >= generations // 2, pl.col("niche") != "generalist")
        per = p.group_by("generation", "niche").agg(pl.col("share").sum()).group_by("niche").agg(
            pl.col("share").mean())
        got = dict(per.iter_rows())
        out.append([got.get(n, 0.0) for n in world.niche_names])
    return np.array(out)


@pytest.mark.parametrize("demand", [(0.4, 0.3, 0.2, 0.1), (0.55, 0.25, 0.15, 0.05)])
@pytest.mark.parametrize("shortlist", [2, 4, 8])
def test_choice_settles_at_the_ideal_free_distribution(demand, shortlist):
    """Tolerance: 4 standard errors of the mean over seeds (each seed's
    time-averaged shares are independent; with 5 seeds the standardised
    error is t with 4 degrees of freedom, P(|t| > 4) = 1.6%, and the seeds
    are fixed, so the test is deterministic), plus 0.005 (ten agents in
    2,000): the resolution of a finite population, whose shortlists are
    drawn without replacement where the mean field draws with, and the
    floor where the prediction empties a niche and every seed gives 0. Pressure 0.2:
    at pressure 1 the equilibrium at shortlist 8 is overshot every
    generation (the shares cycle with period 2 around it), so a time
    average is not the fixed point (measured: 0.47/0.37/0.16 against the
    predicted 0.47/0.34/0.19)."""
    seeds = 5
    got = settled_shares(specialist_world(demand, shortlist), seeds=seeds)
    want = ideal_free(demand, shortlist)
    mean = got.mean(axis=0)
    se = got.std(axis=0, ddof=1) / math.sqrt(seeds)
    tol = 4 * se + 0.005
    assert np.all(np.abs(mean - want) <= tol), (mean.round(4), want.round(4), tol.round(4))


@pytest.mark.parametrize("demand", [(0.4, 0.3, 0.2, 0.1), (0.55, 0.25, 0.15, 0.05), (1, 1, 1, 1), (0.5, 0.5, 0)])
@pytest.mark.parametrize("shortlist", [1, 2, 3, 8, 64])
def test_ideal_free_pays_every_occupied_niche_the_same(demand, shortlist):
    """The equilibrium condition itself, from the formula: shares sum to 1,
    occupied niches pay D_k (1 - (1 - f_k)^m) / f_k alike, and an empty
    niche would pay no more (D_k m at f_k -> 0)."""
    f = ideal_free(demand, shortlist)
    d = np.asarray(demand, float) / sum(demand)
    assert f.sum() == pytest.approx(1.0) and np.all(f >= 0)
    occupied = f > 1e-9
    pay = d[occupied] * (1 - (1 - f[occupied]) ** shortlist) / f[occupied]
    assert np.ptp(pay) <= 1e-6 * pay.max()
    assert np.all(d[~occupied] * shortlist <= pay.max() * (1 + 1e-6))


def test_ideal_free_rejects_what_it_cannot_solve():
    for bad in ([], [0, 0], [0.5, -0.1], [float("nan"), 1]):
        with pytest.raises(r.ConfigError, match="demand"):
            ideal_free(bad, 2)
    with pytest.raises(r.ConfigError, match="shortlist"):
        ideal_free([0.5, 0.5], 0)
    with pytest.raises(r.ConfigError, match="values"):
        ideal_free([0.5, 0.5], 2, values=[0, 0])


@pytest.mark.parametrize("demand", [(0.4, 0.3, 0.2, 0.1), (0.55, 0.25, 0.15, 0.05)])
def test_uniform_routing_lets_the_busiest_niche_take_over(demand):
    """Every request is equally likely to reach anyone, so the specialists
    of the busiest niche earn the most and take over: far from the choice
    prediction in the same world."""
    got = settled_shares(specialist_world(demand, routing="uniform"), seeds=2, generations=150, pressure=1.0)
    assert np.all(got[:, 0] > 0.99), got
    # Every other niche empties, where choice keeps its specialists.
    assert np.all(got[:, 1:] < 0.01) and ideal_free(demand, 8)[1] > 0.25, got


def test_choice_with_one_candidate_and_no_budget_is_uniform_routing():
    w = r.NicheWorld.preset()
    kw = dict(population=300, generations=4, fitness="sum", seed=3, initial_spread=1.0, snapshots=[4])
    a = r.evolve(w, **kw)
    b = r.evolve(r.NicheWorld.preset(routing="choice", shortlist=1), **kw)
    assert a.history.equals(b.history) and np.array_equal(a.snapshots[4], b.snapshots[4])


def test_choice_by_gold_and_by_proxy_send_users_to_different_agents():
    """Half the agents solve (gold 1), half flatter (proxy 0.35 a step for
    about 9 steps: more proxy, negative gold). Users who choose by gold
    go to solvers; users who choose by proxy go to flatterers."""
    w = r.NicheWorld.preset(routing="choice", shortlist=4, max_reroutes=0)
    solver = w.genome(action_logits=[30, 0, 0, 0, 0], skill_logits=[0, 0, 0, 0])
    flatterer = w.genome(action_logits=[0, 0, 30, 0, 0], skill_logits=[0, 0, 0, 0])
    init = np.array([solver if i % 2 else flatterer for i in range(400)])
    served = {}
    for by in ("gold", "proxy"):
        res = r.evolve(r.NicheWorld.preset(routing="choice", shortlist=4, max_reroutes=0, choose_by=by),
                       population=400, generations=1, fitness="sum", seed=1, initial=init, snapshots=[0])
        a = res.agents.filter(pl.col("generation") == 0).with_columns(solver=pl.col("agent") % 2 == 1)
        served[by] = a.group_by("solver").agg(pl.col("episodes").sum()).sort("solver")["episodes"].to_list()
    # [flatterers, solvers]: a request finds a solver in 4 draws with chance 15/16.
    assert served["gold"][1] > 10 * served["gold"][0]
    assert served["proxy"][0] > 10 * served["proxy"][1]


def test_per_need_gold_matches_the_exact_evaluator():
    """Fixed genomes (no mutation, no selection), uniform routing, no
    reroutes: the simulation's gold and proxy per need, per niche and
    overall, equal the evaluator's within 4 SE (generations as independent
    replicates); per visit is a different unit (follow-ups counted as
    arrivals) and differs."""
    w = r.NicheWorld.preset(max_reroutes=0)
    a = w.genome(action_logits=[1.0, 0.2, 0.0, 1.5, -0.5], skill_logits=[2.0, 0.0, 0.0, -1.0])
    b = w.genome(action_logits=[0.0, 1.0, 0.5, 2.0, 0.0], skill_logits=[0.0, 1.0, 0.0, 0.0])
    init = np.array([a, b] * 500)
    gens = 40
    # Pressure 0 resamples the two types: follow their shares generation by generation.
    res = r.evolve(w, population=1000, generations=gens, fitness="sum", seed=9, initial=init,
                   mutation=r.Mutation(rate=0.0), selection=r.Proportional(pressure=0.0),
                   snapshots=list(range(gens)))
    share_a = np.array([float(np.mean(np.all(res.snapshots[g] == a, axis=1))) for g in range(gens)])
    for niche in w.niche_names:
        ea, eb = evaluate(w, a, niche), evaluate(w, b, niche)
        t = res.niches.filter(pl.col("niche") == niche).sort("generation")
        for kind in ("gold", "proxy"):
            va, vb = getattr(ea, f"{kind}_per_need"), getattr(eb, f"{kind}_per_need")
            # Per generation the expectation is the share-weighted mean.
            resid = t[f"{kind}_per_need"].to_numpy() - (share_a * va + (1 - share_a) * vb)
            se = resid.std(ddof=1) / math.sqrt(gens)
            assert abs(resid.mean()) <= 4 * se, (niche, kind, resid.mean(), se)
        per_visit = t["gold_per_visit"].mean()
        assert per_visit < t["gold_per_need"].mean() - 0.01  # partial's follow-ups count as visits


def one_batch_world(proxy_per_step: float, steps: int) -> r.NicheWorld:
    """One niche whose only action pays ``proxy_per_step`` and keeps the user
    to ``max_steps``; a budget of that many steps: every agent's reward comes
    as one episode (one batch R at age L)."""
    return r.NicheWorld(
        niches=[r.Niche(name="only", patience=1.0, max_steps=steps)],
        actions=[r.Action(name="talk", proxy=proxy_per_step, gold=0.0),
                 r.Action(name="decline", reroute=True)],
        time_budget=steps, requests_per_agent=8.0,
    )


@pytest.mark.parametrize(("reward", "steps"), [(3.0, 1), (50.0, 4), (0.5, 2)])
def test_malthusian_is_ln_r_over_l_for_one_batch(reward, steps):
    w = one_batch_world(reward / steps, steps)
    g = w.genome(action_logits=[40.0, 0.0])
    res = r.evolve(w, population=200, generations=1, fitness="malthusian", seed=1, initial=g, snapshots=[0])
    agents = res.agents.filter(pl.col("steps") == steps)
    assert agents.height > 190 and (agents["episodes"] == 1).all()
    assert np.allclose(agents["fitness"].to_numpy(), math.log(reward) / steps, rtol=1e-12, atol=1e-12)


def test_malthusian_ranks_spec_zero_a_above_b_where_sum_and_rate_prefer_b():
    """SPEC 0: A (R = 3 at L = 1) and B (R = 50 at L = 4). ln(R)/L: 1.10
    against 0.98; R0 and R/L: 3 against 50 and 3 against 12.5."""
    fit = {}
    for name, (reward, steps) in {"A": (3.0, 1), "B": (50.0, 4)}.items():
        w = one_batch_world(reward / steps, steps)
        g = w.genome(action_logits=[40.0, 0.0])
        for f in ("malthusian", "sum", "rate"):
            res = r.evolve(w, population=100, generations=1, fitness=f, seed=2, initial=g, snapshots=[0])
            fit[name, f] = res.agents.filter(pl.col("steps") == steps)["fitness"].median()
    assert fit["A", "malthusian"] == pytest.approx(math.log(3.0))
    assert fit["B", "malthusian"] == pytest.approx(math.log(50.0) / 4)
    assert fit["A", "malthusian"] > fit["B", "malthusian"]
    assert fit["A", "sum"] < fit["B", "sum"] and fit["A", "rate"] < fit["B", "rate"]


def test_choice_runs_are_identical_at_any_thread_count():
    w = r.NicheWorld.preset(routing="choice", shortlist=4, choose_by="proxy", time_budget=30, decline_steps=0)
    kw = dict(population=3000, generations=3, fitness="rate", seed=5, initial_spread=1.0, snapshots=[0, 3])
    a, b = r.evolve(w, threads=1, **kw), r.evolve(w, threads=2, **kw)
    for t in ("history", "niches", "actions", "personas", "agents"):
        assert getattr(a, t).equals(getattr(b, t), null_equal=True), t
    assert all(np.array_equal(a.snapshots[g], b.snapshots[g]) for g in (0, 3))


def test_parents_trace_lineages():
    w = r.NicheWorld.preset()
    res = r.evolve(w, population=50, generations=3, fitness="sum", seed=4, initial_spread=1.0,
                   mutation=r.Mutation(rate=0.0), snapshots=[1, 2, 3])
    for g in (2, 3):
        kids = res.agents.filter(pl.col("generation") == g)["parent"].to_numpy()
        # Without mutation a child is its parent's copy.
        assert np.array_equal(res.snapshots[g], res.snapshots[g - 1][kids])
    assert res.agents.filter(pl.col("generation") == 1)["parent"].null_count() == 0
    assert res.agents.filter(pl.col("generation") == 3)["fitness"].null_count() == 50


@pytest.mark.parametrize(("knobs", "field", "error"), [
    ({"routing": "choice", "shortlist": 0}, "shortlist", ConfigError),
    ({"routing": "choice", "shortlist": 65}, "shortlist", ConfigError),
    ({"routing": "choice", "shortlist": 2.5}, "shortlist", ConfigError),
    ({"routing": "choice", "choose_by": "stars"}, "choose_by", UnknownNameError),
    ({"routing": "random"}, "routing", UnknownNameError),
    ({"decline_steps": 2}, "decline_steps", ConfigError),
    ({"decline_steps": -1}, "decline_steps", ConfigError),
])
def test_bad_competition_knobs_name_the_field(knobs, field, error):
    with pytest.raises(error, match=field):
        r.NicheWorld.preset(**knobs)


def test_a_shortlist_longer_than_the_population_is_refused():
    w = r.NicheWorld.preset(routing="choice", shortlist=10)
    with pytest.raises(ConfigError, match=r"shortlist.*population"):
        r.evolve(w, population=8, generations=1, fitness="sum")


def test_the_competition_experiments_run_end_to_end(tmp_path):
    from replicators import charts
    from replicators.experiments import EXPERIMENTS
    from replicators.experiments.competition import competition, ideal_free_check, persona_phases, within
    from replicators.experiments.competition_reports import (
        competition_findings, ideal_free_findings, persona_phase_findings,
    )
    from replicators.experiments.reports import build_report
    from replicators.sweeps import SweepResult

    res = competition(shortlists=(1, 4), choose_by=("gold", "proxy"), fitness=("sum",), time_budget=(None, 30),
                      population=80, generations=4, seeds=2)
    assert res.per_run.height == 2 * 2 * 2 * 2
    assert res.wide(["gold_per_need"])["gold_per_need"].is_not_null().all()  # null budget cells join
    assert any("choosing by gold" in s for s in competition_findings(res))
    res.write(tmp_path / "c")
    back = SweepResult.read(tmp_path / "c")
    assert back.name == "competition" and build_report(back).sections
    ph = persona_phases(shortlists=(1, 2), tradeoffs=(1.0,), population=60, generations=3, seeds=2)
    assert {"sum", "sum+budget", "rate"} == set(ph.per_run["regime"])
    assert len(persona_phase_findings(ph)) == 3
    assert EXPERIMENTS["persona_phases"] is persona_phases and EXPERIMENTS["competition"] is competition
    t = within(ideal_free_check(demands=[(0.7, 0.3)], shortlists=(2,), population=200, generations=6, seeds=2))
    assert t.height == 2 * 2 and set(t["routing"]) == {"choice", "uniform"}
    assert ideal_free_findings(t)[0].startswith("Full specialists under choice")
    assert type(charts.competition.ideal_free(t)).__name__ == "FacetChart"
    with pytest.raises(ConfigError, match="shortlists"):
        competition(shortlists=(0,), population=10, generations=1, seeds=1)
    with pytest.raises(UnknownNameError, match="regimes"):
        persona_phases(regimes=("sum", "lifetime"), population=10, generations=1, seeds=1)


def test_sent_on_requests_go_to_agents_with_time_left_when_they_arrive():
    """SPEC 1.1: a rerouted request's shortlist is drawn among the agents
    with time left. One in ten agents is much better, so shortlists of 8
    send them more fresh requests than their 5-step budget holds; what they
    refuse must find the 900 agents with time to spare, not agents that
    ran out in the same round (before the fix, 53 of 1,000 needs went
    unserved here; with shortlist 1, none)."""
    niches = [r.Niche(name="a", demand=1, patience=1.0, max_steps=1)]
    actions = [r.Action(name="solve", proxy=1.0, gold=1.0, ends=True),
               r.Action(name="meh", proxy=0.5, gold=0.5, ends=True), r.Action(name="decline", reroute=True)]
    w = r.NicheWorld(niches=niches, actions=actions, routing="choice", shortlist=8, time_budget=5,
                     requests_per_agent=1.0, max_reroutes=1)
    good, weak = w.genome(action_logits=[40, 0, 0]), w.genome(action_logits=[0, 40, 0])
    initial = np.array([good if i % 10 == 0 else weak for i in range(1000)])
    res = r.evolve(w, population=1000, generations=1, fitness="sum", seed=1, initial=initial,
                   mutation=r.Mutation(rate=0.0))
    t = res.niches.row(0, named=True)
    assert t["refused"] > 50  # the good agents do run out
    assert t["unserved"] <= 5, t


def test_the_ideal_free_check_gives_the_same_table_every_call():
    """Its per-run shares come from a group_by whose row order changes from
    call to call; the run's tail mean must not depend on it (last bits
    included: same seed, same numbers)."""
    from replicators.experiments.competition import ideal_free_check

    sizes = {"demands": ((0.4, 0.3, 0.2, 0.1),), "shortlists": (2,), "population": 300, "generations": 40,
             "seeds": 2}
    first = ideal_free_check(**sizes, seed=5)
    for _ in range(3):
        assert ideal_free_check(**sizes, seed=5).equals(first)
