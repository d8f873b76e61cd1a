"""Parquet results: provenance in metadata, atomic writes."""

import polars as pl
import pytest

import replicators
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
