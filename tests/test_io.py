"""Parquet results: provenance in metadata, atomic writes."""

import json

import numpy as np
import polars as pl
import pytest

import replicators
import replicators as r
from replicators.io import read_provenance, read_table, write_table


def test_round_trip_with_provenance(tmp_path):
    frame = pl.DataFrame({"generation": [0, 1], "gold": [0.1, 0.2]})
    path = tmp_path / "sub" / "history.parquet"
    write_table(frame, path, config={"fitness": "sum", "pressure": 2.0}, seed=[1, 2], experiment="x")
    assert read_table(path).equals(frame)
    prov = read_provenance(path)
    assert prov["version"] == replicators.__version__
    assert prov["config"] == {"fitness": "sum", "pressure": 2.0}
    assert prov["seed"] == [1, 2]
    assert prov["experiment"] == "x"


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    path = tmp_path / "h.parquet"

    def boom(self, file, **kw):
        with open(file, "wb") as f:
            f.write(b"PAR1 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pl.DataFrame, "write_parquet", boom)
    with pytest.raises(KeyboardInterrupt):
        write_table(pl.DataFrame({"x": [1]}), path)
    assert list(tmp_path.iterdir()) == []


def test_snapshots_read_back_as_the_result_held_them(tmp_path):
    import numpy as np

    from replicators import connect4
    from replicators.cli import run_tables
    from replicators.io import read_snapshots

    for world, fitness, genes in ((replicators.NicheWorld.preset(), "rate", 24),
                                  (connect4.Knockout(strength_games=0), "moves", 6)):
        res = replicators.evolve(world, population=7, generations=3, fitness=fitness, snapshots=[3, 0], seed=2,
                                 initial_spread=1.0)
        path = tmp_path / f"{type(world).__name__}.parquet"
        write_table(run_tables(res)["snapshots"], path)
        snaps = read_snapshots(path)
        assert sorted(snaps) == [0, 3]
        for g, genomes in snaps.items():
            assert genomes.shape == (7, genes)
            assert np.array_equal(genomes, res.snapshots[g])


def test_reading_snapshots_from_another_table_names_the_problem(tmp_path):
    from replicators.errors import ConfigError
    from replicators.io import read_snapshots

    path = tmp_path / "history.parquet"
    write_table(pl.DataFrame({"generation": [0]}), path)
    with pytest.raises(ConfigError, match="not a snapshots table"):
        read_snapshots(path)


def test_tables_written_before_the_renames_still_read(tmp_path):
    """A schema-1 sweep (no ``schema`` key: ``requests``, ``*_per_request``)
    reads in today's names, per-need values derived exactly per generation."""
    from replicators.sweeps import SweepResult
    from replicators.io import SCHEMA

    res = r.evolve(r.NicheWorld.preset(), population=60, generations=3, fitness="sum", seed=5)
    h = res.history
    old = h.drop("needs", "proxy_per_need", "gold_per_need").rename(
        {"visits": "requests", "gold_per_visit": "gold_per_request", "proxy_per_visit": "proxy_per_request"})
    meta = {"replicators": json.dumps({"version": "0.0.1", "experiment": "x", "dims": ["fitness"]})}
    runs = old.with_columns(fitness=pl.lit("sum"), seed=pl.lit(0))
    runs.write_parquet(tmp_path / "runs.parquet", metadata=meta)
    runs.drop("generation").head(1).write_parquet(tmp_path / "per_run.parquet", metadata=meta)
    cells = pl.DataFrame({"fitness": ["sum", "sum"], "metric": ["gold_per_request", "requests"], "mean": [0.1, 2.0]})
    cells.write_parquet(tmp_path / "cells.parquet", metadata=meta)
    back = SweepResult.read(tmp_path)
    for c in ("visits", "needs", "gold_per_visit", "gold_per_need", "proxy_per_need"):
        assert np.allclose(back.runs[c].to_numpy(), h[c].to_numpy(), rtol=1e-12), c
    assert back.cells["metric"].to_list() == ["gold_per_visit", "visits"]
    assert "gold_per_visit" in back.per_run.columns and "gold_per_need" not in back.per_run.columns
    # Tables written now carry the schema and read unchanged.
    write_table(h, tmp_path / "new.parquet")
    assert read_provenance(tmp_path / "new.parquet")["schema"] == SCHEMA
    assert read_table(tmp_path / "new.parquet").equals(h)
