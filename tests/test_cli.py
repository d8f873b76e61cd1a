"""The replicators command line."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
from replicators.cli import main


def test_demo_writes_its_table(tmp_path, capsys):
    assert main(["demo", "--egt", "--out", str(tmp_path), "--runs", "2000", "--no-charts"]) == 0
    table = pl.read_csv(tmp_path / "egt_fixation.csv")
    assert table.height == 8
    assert (table["z"].abs() < 5).all()
    out = capsys.readouterr().out
    assert "Replicator-mutator" in out and "0.82169906" in out


def test_demo_charts(tmp_path):
    assert main(["demo", "--out", str(tmp_path), "--runs", "1000"]) == 0
    assert (tmp_path / "egt_fixation.html").stat().st_size > 0


def test_bad_arguments_are_reported_not_raised(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path), "--runs", "0", "--no-charts"]) == 2
    assert "runs" in capsys.readouterr().out


def test_console_script_help():
    done = subprocess.run(
        [sys.executable, "-m", "replicators.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "demo" in done.stdout
