"""`replicators learn` and its TOML configs (replicators.io.learn_config)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from replicators.cli import main
from replicators.errors import ConfigError
from replicators.io import read_provenance
from replicators.io.learn_config import LearnConfig

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "learn.toml"


def _small(tmp_path: Path, extra: str = "") -> Path:
    text = EXAMPLE.read_text().replace("learners = 100", "learners = 6").replace("iterations = 200", "iterations = 4")
    text = text.replace("snapshots = [0, 200]", "snapshots = [0, 4]") + extra
    path = tmp_path / "learn.toml"
    path.write_text(text)
    return path


def test_learn_writes_tables_and_a_config_that_reruns_to_the_same_numbers(tmp_path):
    config = _small(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["learn", str(config), "--out", str(first), "--no-progress"]) == 0
    assert {p.name for p in first.iterdir()} >= {"history.parquet", "genomes.parquet", "snapshots.parquet",
                                                 "config.toml", "index.html"}
    assert main(["learn", str(first / "config.toml"), "--out", str(second), "--no-progress", "--no-report"]) == 0
    for name in ("history", "genomes", "snapshots"):
        assert pl.read_parquet(first / f"{name}.parquet").equals(pl.read_parquet(second / f"{name}.parquet"))
    genomes = pl.read_parquet(first / "genomes.parquet")
    assert genomes.height == 6 and genomes.columns[:2] == ["learner", "gene0"]
    assert read_provenance(first / "history.parquet")["config"]["learn"]["learners"] == 6


def test_a_config_run_equals_the_same_run_from_python(tmp_path):
    import replicators as r

    cfg = LearnConfig.from_toml(_small(tmp_path))
    res = r.learn(r.NicheWorld.preset(), learners=6, iterations=4, episodes=64, seed=1, snapshots=[0, 4])
    assert cfg.run().history.equals(res.history)
    assert np.array_equal(cfg.run().genomes, res.genomes)


@pytest.mark.parametrize(
    "extra, key",
    [
        ('\n[learn.extra]\nx = 1\n', "learn.extra"),
        ("", "learn.episodes"),
        ("", "learn.algorithm.clip"),
        ("", "learn.advantage.kind"),
        ("", "learn.aggregation"),
        ("", "world.kind"),
    ],
)
def test_bad_learn_configs_fail_before_running_naming_the_key(tmp_path, capsys, extra, key):
    config = _small(tmp_path, extra)
    text = config.read_text()
    text = {
        "learn.episodes": text.replace("episodes = 64", "episodes = 0"),
        "learn.algorithm.clip": text.replace("clip = 0.2", "clip = -1.0"),
        "learn.advantage.kind": text.replace('kind = "gae"', 'kind = "vtrace"'),
        "learn.aggregation": text.replace('aggregation = "sum"', 'aggregation = "mean"'),
        "world.kind": text.replace('[world]\npreset = "assistant"', '[world]\nkind = "knockout"'),
    }.get(key, text)
    config.write_text(text)
    assert main(["learn", str(config), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    assert key in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_knob_tables_round_trip():
    cfg = LearnConfig.from_dict({"learn": {"iterations": 3, "returns": "rate", "trajectory": "user",
                                           "algorithm": {"kind": "policy_gradient"},
                                           "advantage": {"kind": "reinforce", "baseline_rate": 0.2},
                                           "optimizer": {"kind": "adam", "lr": 0.1, "betas": [0.8, 0.99]}}})
    assert LearnConfig.from_toml_text(cfg.to_toml()) == cfg
    with pytest.raises(ConfigError, match="learn.optimizer.betas"):
        LearnConfig.from_dict({"learn": {"optimizer": {"kind": "adam", "betas": [0.8, 1.5]}}})
