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
