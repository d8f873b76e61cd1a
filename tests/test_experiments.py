"""The sweep runner and the ready experiments."""

from __future__ import annotations

import math

import polars as pl
import pytest
import replicators as r
from replicators.analytic import best_pure
from replicators.errors import ConfigError, UnknownNameError
from replicators.experiments import goodhart, phase_diagram, sum_vs_rate, tradeoff
from replicators.experiments.goodhart import curve
from replicators.experiments.phase_diagram import divergence, engagement_world
from replicators.sweeps import SweepResult, interval, sweep, t_quantile

TINY = {"population": 80, "generations": 6, "seeds": 2}


def _build(cell):
    return r.NicheWorld.preset(), {"population": 60, "generations": 5, "fitness": cell["fitness"],
                                   "selection": r.Proportional(pressure=cell["pressure"])}


def test_sweep_tables_shape_and_keys():
    res = sweep({"fitness": ["sum", "rate"], "pressure": [0.0, 1.0]}, _build, seeds=3, seed=7)
    assert res.runs.height == 4 * 3 * 5
    assert res.per_run.height == 12
    assert sorted(res.per_run["seed"].unique()) == [7, 8, 9]
    assert res.runs.columns[:5] == ["fitness", "pressure", "seed", "run", "generation"]
    metrics = res.cells["metric"].unique()
    assert "gold_per_need" in metrics and "generation" not in metrics
    assert (res.cells["n"] == 3).all()


def test_per_run_is_the_tail_mean_and_cells_the_interval():
    res = sweep({"fitness": ["rate"], "pressure": [1.0]}, _build, seeds=3, tail=0.4)
    # 5 generations (0..4), tail 0.4 -> the last 2.
    for s in (0, 1, 2):
        gens = res.runs.filter(pl.col("seed") == s, pl.col("generation") >= 3)
        got = res.per_run.filter(pl.col("seed") == s)["gold_per_need"][0]
        assert got == pytest.approx(gens["gold_per_need"].mean())
    cell = res.cells.filter(pl.col("metric") == "gold_per_need").row(0, named=True)
    xs = res.per_run["gold_per_need"].to_list()
    mean = sum(xs) / 3
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / 2)
    assert cell["mean"] == pytest.approx(mean)
    assert cell["high"] - cell["mean"] == pytest.approx(4.303 * sd / math.sqrt(3))


def test_t_quantiles_and_interval():
    assert t_quantile(1) == 12.706 and t_quantile(30) == 2.042
    # Cornish-Fisher beyond the table: t_{0.975}(40) = 2.0211, (120) = 1.9799.
    assert t_quantile(40) == pytest.approx(2.0211, abs=1e-3)
    assert t_quantile(120) == pytest.approx(1.9799, abs=1e-3)
    assert math.isnan(interval([1.0])["low"])
    assert interval([2.0, 2.0])["low"] == 2.0


def test_same_numbers_at_any_thread_count():
    a = sweep({"fitness": ["sum"], "pressure": [2.0]}, _build, seeds=2, threads=1)
    b = sweep({"fitness": ["sum"], "pressure": [2.0]}, _build, seeds=2, threads=2)
    assert a.runs.equals(b.runs)


def test_neutral_drift_is_blind_to_the_fitness_mode():
    # Pressure 0 ignores fitness, and cells share seeds: the runs coincide.
    res = sum_vs_rate(pressures=(0.0,), **TINY)
    cols = ["seed", "generation", "gold_per_need", "episode_length"]
    by = {f: res.runs.filter(pl.col("fitness") == f).select(cols) for f in ("sum", "rate", "episode_rate")}
    assert by["sum"].equals(by["rate"]) and by["sum"].equals(by["episode_rate"])


def test_progress_counts_every_generation():
    seen = []
    sum_vs_rate(fitness=("rate",), pressures=(1.0, 2.0), progress=seen.append, **TINY)
    assert sum(seen) == 2 * 2 * 6


def test_bad_values_fail_before_any_run():
    seen = []
    with pytest.raises(ConfigError, match="pressures"):
        sum_vs_rate(pressures=(1.0, -1.0), progress=seen.append, **TINY)
    with pytest.raises(UnknownNameError, match="fitness"):
        sum_vs_rate(fitness=("sum", "speed"), progress=seen.append, **TINY)
    with pytest.raises(ConfigError, match="patience"):
        phase_diagram(patience=(0.5, 1.5), progress=seen.append, **TINY)
    with pytest.raises(ConfigError, match="tradeoffs"):
        tradeoff(tradeoffs=(0.0,), progress=seen.append, **TINY)
    with pytest.raises(ConfigError, match="capacities"):
        goodhart(capacities=(2.0,), progress=seen.append, **TINY)
    with pytest.raises(ConfigError, match="population"):
        sum_vs_rate(population=1)
    with pytest.raises(ConfigError, match="seeds"):
        sweep({"fitness": ["sum"], "pressure": [1.0]}, _build, seeds=[1, 1])
    assert seen == []


def test_selection_climbs_toward_the_exact_optimum_of_its_fitness():
    # What to expect comes from the exact evaluator, not from the essay: under
    # sum the best pure behaviour of the preset is `flatter` (long, negative
    # gold); under rate every one-step behaviour (partial; solve when skilled)
    # beats every long one. Selection at moderate pressure must move each
    # population there: the settled states differ with non-overlapping intervals.
    world = r.NicheWorld.preset()
    exact = {f: best_pure(world, 0, f).evaluation for f in ("sum", "rate")}
    assert best_pure(world, 0, "sum").action == "flatter" and exact["sum"].length > 5
    res = sum_vs_rate(pressures=(1.0,), fitness=("sum", "rate"), population=400, generations=120, seeds=3)
    w = res.wide(["gold_per_need", "episode_length", "farming_share"])
    s, rt = (w.filter(pl.col("fitness") == f).row(0, named=True) for f in ("sum", "rate"))
    assert s["farming_share_low"] > 0.9  # engage and flatter: the long behaviours sum ranks first
    assert s["episode_length_low"] > rt["episode_length_high"]
    assert rt["gold_per_need_low"] > s["gold_per_need_high"]


def test_phase_diagram_divergence_is_paired_by_seed():
    res = phase_diagram(engage_proxy=(0.2,), patience=(0.9,), **TINY)
    d = divergence(res, "gold_per_need")
    pr = res.per_run
    diffs = [
        pr.filter(pl.col("fitness") == "rate", pl.col("seed") == s)["gold_per_need"][0]
        - pr.filter(pl.col("fitness") == "sum", pl.col("seed") == s)["gold_per_need"][0]
        for s in (0, 1)
    ]
    assert d["mean"][0] == pytest.approx(sum(diffs) / 2)
    w = engagement_world(r.NicheWorld.preset(), 0.9, 0.3)
    assert w.outcome("niche1", "engage")["proxy"] == 0.9 and {n.patience for n in w.niches} == {0.3}


def test_tradeoff_and_goodhart_grids():
    t = tradeoff(tradeoffs=(0.5, 2.0), fitness=("rate",), **TINY)
    assert set(t.per_run["tradeoff"]) == {0.5, 2.0} and "personas" in t.tables
    g = goodhart(capacities=(0.5, 1.0), **TINY)
    c = curve(g)
    assert c.height == 2 * 6 and (c["sqrt_kl"] >= 0).all()


def test_write_and_read_back(tmp_path):
    res = sum_vs_rate(fitness=("rate",), pressures=(1.0,), **TINY)
    res.write(tmp_path)
    back = SweepResult.read(tmp_path)
    assert back.name == "sum_vs_rate" and back.dims == ("fitness", "pressure")
    assert back.cells.equals(res.cells) and back.tables["personas"].equals(res.tables["personas"])
    assert back.config["population"] == 80 and back.config["seeds"] == [0, 1]
    with pytest.raises(ConfigError, match="cells.parquet"):
        SweepResult.read(tmp_path / "nothing")
