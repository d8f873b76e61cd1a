"""The learner experiments (SPEC 4): loss_aggregation, length_bias, value_head, overoptimization."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl

import replicators as r
from replicators.analytic import best_of_n, trajectory_kl
from replicators.experiments import length_bias, loss_aggregation, overoptimization, value_head
from replicators.experiments.reports import build_report
from replicators.io.config import SweepConfig, load_toml

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_loss_aggregation_grid_and_the_scale_invariance_of_adam(tmp_path):
    res = loss_aggregation(aggregations=("sum", "constant", "seq_mean"), returns=("sum",), trajectories=("episode",),
                           learners=6, iterations=8, episodes=16, seeds=2)
    assert res.per_run.height == 3 * 2
    # constant = sum / L_max: Adam's steps do not see a constant factor (up to eps).
    a = res.runs.filter(aggregation="sum").sort("seed", "iteration")["gold_per_need"].to_numpy()
    b = res.runs.filter(aggregation="constant").sort("seed", "iteration")["gold_per_need"].to_numpy()
    assert np.allclose(a, b, atol=1e-6)
    c = res.runs.filter(aggregation="seq_mean").sort("seed", "iteration")["gold_per_need"].to_numpy()
    assert not np.allclose(a, c)
    assert build_report(res).write(tmp_path, png=False).exists()


def test_sweep_configs_of_the_learner_experiments_parse():
    for name in ("sweep_loss_aggregation.toml", "sweep_length_bias.toml"):
        cfg = SweepConfig.from_dict(load_toml(EXAMPLES / name))
        assert cfg.experiment in ("loss_aggregation", "length_bias")


def test_length_bias_measures_failed_trajectories():
    res = length_bias(aggregations=("sum", "seq_mean"), advantages=("group",), learners=4, iterations=5, seeds=2)
    assert set(res.cells["metric"]) >= {"failed_length", "episode_length"}
    again = length_bias(aggregations=("sum", "seq_mean"), advantages=("group",), learners=4, iterations=5, seeds=2)
    assert res.cells.equals(again.cells)


def test_value_head_exact_shares_at_snapshots():
    res = value_head(rewards=("dense", "terminal"), lambdas=(0.5, 1.0), learners=4, iterations=6, every=3, seeds=2)
    runs = res.runs
    dense = runs.filter(reward="dense")
    assert dense.filter(pl.col("iteration").is_in([0, 3]))["exact_value_share"].null_count() == 0
    assert dense.filter(~pl.col("iteration").is_in([0, 3]))["exact_value_share"].null_count() > 0
    assert dense.filter(lam=1.0)["exact_value_share"].drop_nulls().abs().max() < 1e-12
    assert runs.filter(reward="terminal")["exact_value_share"].null_count() == runs.filter(reward="terminal").height


def test_best_of_n_kl_is_exact_and_below_the_tie_free_bound():
    w = r.NicheWorld.preset()
    t = best_of_n(w, w.genome(action_logits=[0.4, 0.1, -0.2, 0.3, 0.0]), [1, 2, 8, 64])
    assert t["kl"][0] == 0.0
    for n, kl in zip(t["n"], t["kl"], strict=True):
        assert kl <= math.log(n) - (n - 1) / n + 1e-12
    # One atom: best-of-n changes nothing.
    flat = r.NicheWorld(niches=[r.Niche(name="q")], actions=[r.Action(name="a", proxy=1.0, ends=True)])
    assert best_of_n(flat, flat.genome(), [16])["kl"][0] < 1e-12
    assert trajectory_kl(w, w.genome(action_logits=[1, 0, 0, 0, 0]), w.genome()) > 0


def test_overoptimization_tables():
    res = overoptimization(capacities=(0.5, 1.0), penalties=(0.0, 0.1), learners=4, iterations=6, every=2, seeds=2,
                           n_max=16)
    fits = res.tables["fits"]
    assert fits.height == 2 * 3 and set(fits["form"]) == {"rl", "bon"}
    bon = res.tables["best_of_n"]
    assert bon.filter(capacity=1.0)["n"].to_list() == [1, 2, 4, 8, 16]
    assert res.runs.filter(iteration=0)["sqrt_kl"].to_list() == [0.0] * res.runs.filter(iteration=0).height


def test_a_learner_sweep_reruns_to_the_same_numbers_from_its_written_config(tmp_path):
    from replicators.cli import main

    config = tmp_path / "lb.toml"
    config.write_text('[sweep]\nexperiment = "length_bias"\naggregations = ["sum", "seq_mean"]\n'
                      'advantages = ["group"]\nlearners = 4\niterations = 5\nseeds = 2\n')
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["sweep", str(config), "--out", str(first), "--no-progress", "--no-png"]) == 0
    assert main(["sweep", str(first / "sweep.toml"), "--out", str(second), "--no-progress", "--no-png"]) == 0
    assert pl.read_parquet(first / "cells.parquet").equals(pl.read_parquet(second / "cells.parquet"))
