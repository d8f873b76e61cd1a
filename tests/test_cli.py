"""The replicators command line: run, sweep, report, demo."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
import pytest
from replicators.cli import main
from replicators.io import read_provenance

RUN = """
[run]
population = 120
generations = 8
fitness = "sum"
seed = 11
snapshots = [0, 8]

[run.selection]
kind = "proportional"
pressure = 2.0

[run.mutation]
rate = 0.2
scale = 0.3

[world]
preset = "assistant"
tradeoff = 2.0
"""


def test_demo_egt_writes_its_table(tmp_path, capsys):
    assert main(["demo", "--egt", "--out", str(tmp_path), "--runs", "2000", "--no-charts"]) == 0
    table = pl.read_csv(tmp_path / "egt_fixation.csv")
    assert table.height == 8
    assert (table["z"].abs() < 5).all()
    out = capsys.readouterr().out
    assert "Replicator-mutator" in out and "0.82169906" in out


def test_demo_egt_charts(tmp_path):
    assert main(["demo", "--egt", "--out", str(tmp_path), "--runs", "1000"]) == 0
    assert (tmp_path / "egt_fixation.html").stat().st_size > 0


def test_bad_arguments_are_reported_not_raised(tmp_path, capsys):
    assert main(["demo", "--egt", "--out", str(tmp_path), "--runs", "0", "--no-charts"]) == 2
    assert "runs" in capsys.readouterr().out
    assert main(["demo", "--out", str(tmp_path), "--population", "1", "--no-progress"]) == 2
    assert "population" in capsys.readouterr().out


def test_demo_sum_vs_rate_report(tmp_path, capsys):
    argv = ["demo", "--out", str(tmp_path), "--population", "80", "--generations", "6", "--seeds", "2",
            "--no-progress"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "gold_per_need" in out and "farming_share" in out and str(tmp_path) in out
    html = (tmp_path / "index.html").read_text()
    assert "vegaEmbed" in html and "Summary per fitness mode and pressure" in html
    assert "cdn.jsdelivr" not in html  # the page works offline
    for name in ("summary.png", "trajectories.png", "personas.png", "cells.parquet", "runs.parquet"):
        assert (tmp_path / name).stat().st_size > 0
    meta = read_provenance(tmp_path / "cells.parquet")
    assert meta["experiment"] == "sum_vs_rate" and meta["config"]["population"] == 80
    cells = pl.read_parquet(tmp_path / "cells.parquet")
    assert set(cells["fitness"]) == {"sum", "rate", "episode_rate"} and cells["pressure"].n_unique() >= 5
    # The demo's sweep.toml runs the same grid and seeds to the same numbers.
    again = tmp_path / "again"
    assert main(["sweep", str(tmp_path / "sweep.toml"), "--out", str(again), "--no-progress", "--no-png"]) == 0
    assert pl.read_parquet(again / "runs.parquet").equals(pl.read_parquet(tmp_path / "runs.parquet"))


def test_run_writes_tables_and_a_config_that_reruns_to_the_same_numbers(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text(RUN)
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["run", str(config), "--out", str(first), "--no-progress"]) == 0
    for name in ("history", "niches", "actions", "personas", "snapshots"):
        meta = read_provenance(first / f"{name}.parquet")
        assert meta["seed"] == 11 and meta["config"]["run"]["population"] == 120 and meta["version"]
    assert (first / "index.html").exists()
    # The resolved config names everything (the world in full) and re-runs to the same numbers.
    resolved = (first / "config.toml").read_text()
    assert "[[world.niches]]" in resolved and "tradeoff = 2.0" in resolved
    assert main(["run", str(first / "config.toml"), "--out", str(second), "--no-progress", "--no-report"]) == 0
    for name in ("history", "personas", "snapshots"):
        assert pl.read_parquet(first / f"{name}.parquet").equals(pl.read_parquet(second / f"{name}.parquet"))
    assert (second / "config.toml").read_text() == resolved


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (("population = 120", "populaton = 120"), "run.populaton"),
        (("population = 120", "population = 1"), "run.population"),
        (("population = 120", 'population = "many"'), "run.population"),
        (("pressure = 2.0", "pressure = -2.0"), "run.selection.pressure"),
        (("pressure = 2.0", "size = 3"), "run.selection.size"),
        (('kind = "proportional"', 'kind = "roulette"'), "run.selection.kind"),
        (("rate = 0.2", "rate = 1.5"), "run.mutation.rate"),
        (("tradeoff = 2.0", "tradeoff = 0.0"), "world.tradeoff"),
        (("tradeoff = 2.0", "tradeof = 2.0"), "world.tradeof"),
        (('fitness = "sum"', 'fitness = "speed"'), "run.fitness"),
        (("snapshots = [0, 8]", "snapshots = [0, 80]"), "run.snapshots"),
    ],
)
def test_bad_run_configs_fail_before_running_naming_the_key(tmp_path, capsys, edit, key):
    config = tmp_path / "bad.toml"
    assert edit[0] in RUN
    config.write_text(RUN.replace(edit[0], edit[1]))
    assert main(["run", str(config), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    assert key in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


SWEEP = """
[sweep]
experiment = "sum_vs_rate"
fitness = ["sum", "rate"]
pressures = [0.0, 1.0]
population = 80
generations = 6
seeds = 2

[sweep.mutation]
rate = 0.2
scale = 0.3
"""


def test_sweep_and_report(tmp_path, capsys):
    config = tmp_path / "sweep.toml"
    config.write_text(SWEEP)
    out = tmp_path / "svr"
    assert main(["sweep", str(config), "--out", str(out), "--no-progress", "--no-png"]) == 0
    assert "gold_per_need" in capsys.readouterr().out
    cells = pl.read_parquet(out / "cells.parquet")
    assert set(cells["fitness"]) == {"sum", "rate"} and set(cells["pressure"]) == {0.0, 1.0}
    (out / "index.html").unlink()
    assert main(["report", str(out), "--no-png"]) == 0
    assert (out / "index.html").stat().st_size > 0
    assert main(["report", str(tmp_path)]) == 2
    assert "cells.parquet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (("seeds = 2", "seeds = 0"), "seeds"),
        (("seeds = 2", 'seeds = "2"'), "sweep.seeds"),
        (("pressures = [0.0, 1.0]", "pressures = [0.0, -1.0]"), "pressures"),
        (("pressures = [0.0, 1.0]", "pressure = [0.0, 1.0]"), "sweep.pressure"),
        (('experiment = "sum_vs_rate"', 'experiment = "nope"'), "sweep.experiment"),
        (("scale = 0.3", "scale = -1"), "sweep.mutation.scale"),
        (('fitness = ["sum", "rate"]', 'fitness = "sum"'), "sweep.fitness"),
    ],
)
def test_bad_sweep_configs_fail_before_running(tmp_path, capsys, edit, key):
    config = tmp_path / "bad.toml"
    config.write_text(SWEEP.replace(*edit))
    assert main(["sweep", str(config), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    assert key in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_console_script_help():
    done = subprocess.run(
        [sys.executable, "-m", "replicators.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and all(c in done.stdout for c in ("demo", "run", "sweep", "report"))


def test_example_configs_validate():
    from pathlib import Path

    from replicators.io.config import RunConfig, SweepConfig
    from replicators.connect4 import Knockout

    examples = Path(__file__).resolve().parent.parent / "examples"
    assert RunConfig.from_toml(examples / "run.toml").world.tradeoff == 2.0
    ko = RunConfig.from_toml(examples / "run_knockout.toml")
    assert ko.world == Knockout(pressure=0.9, strength_games=200) and ko.fitness == "moves"
    assert SweepConfig.from_toml(examples / "sweep_tradeoff.toml").experiment == "tradeoff"
    c4 = SweepConfig.from_toml(examples / "sweep_connect4.toml")
    assert c4.experiment == "connect4_pressure" and c4.kwargs["tail"] == 0.25
    competing = SweepConfig.from_toml(examples / "sweep_competition.toml")
    assert competing.experiment == "competition" and competing.kwargs["time_budget"] == (40,)
    assert SweepConfig.from_toml(examples / "sweep_persona_phases.toml").kwargs["regimes"] == (
        "sum", "sum+budget", "rate")


def test_report_of_a_run_folder(tmp_path, capsys):
    config = tmp_path / "run.toml"
    config.write_text(RUN)
    out = tmp_path / "run"
    assert main(["run", str(config), "--out", str(out), "--no-progress", "--no-report"]) == 0
    assert not (out / "index.html").exists()
    assert main(["report", str(out)]) == 0
    html = (out / "index.html").read_text()
    assert "One run" in html and "[[world.niches]]" in html
    assert (out / "personas.png").stat().st_size > 0


KNOCKOUT = """
[run]
population = 80
generations = 6
fitness = "moves"
seed = 5
snapshots = [0, 6]

[run.selection]
kind = "proportional"
pressure = 1.0

[run.mutation]
rate = 0.2
scale = 0.2

[run.options]
initial_spread = 0.5

[world]
kind = "knockout"
pressure = 0.9
strength_games = 40
"""


def test_knockout_run_writes_its_tables_and_a_config_that_reruns_to_the_same_numbers(tmp_path, capsys):
    from replicators.connect4 import FEATURES

    config = tmp_path / "knockout.toml"
    config.write_text(KNOCKOUT)
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["run", str(config), "--out", str(first), "--no-progress"]) == 0
    out = capsys.readouterr().out
    for column in ("game_length", "immediate_win_rate", "block_rate", "strength_vs_random", "strength_vs_greedy"):
        assert column in out
    assert "gold_per_need" not in out
    assert sorted(p.name for p in first.glob("*.parquet")) == ["history.parquet", "snapshots.parquet"]
    for name in ("history", "snapshots"):
        meta = read_provenance(first / f"{name}.parquet")
        assert meta["seed"] == 5 and meta["version"] and meta["status"] == "completed"
        assert meta["config"]["world"] == {"kind": "knockout", "pressure": 0.9, "strength_games": 40}
        assert meta["config"]["run"]["options"] == {"initial_spread": 0.5}
    history = pl.read_parquet(first / "history.parquet")
    assert history["generation"].to_list() == list(range(6)) and (history["game_length"] >= 7).all()
    snaps = pl.read_parquet(first / "snapshots.parquet")
    assert snaps.columns == ["generation", "agent", *FEATURES] and snaps.height == 2 * 80
    assert snaps.filter(pl.col("generation") == 0)["wins_now"].std() > 0.3  # initial_spread was applied
    html = (first / "index.html").read_text()
    assert "Connect Four tournament" in html and 'kind = &quot;knockout&quot;' in html
    for name in ("trajectories.png", "weights.png"):
        assert (first / name).stat().st_size > 0
    resolved = (first / "config.toml").read_text()
    assert '[world]\nkind = "knockout"\npressure = 0.9\nstrength_games = 40\n' in resolved
    assert main(["run", str(first / "config.toml"), "--out", str(second), "--no-progress", "--no-report"]) == 0
    for name in ("history", "snapshots"):
        assert pl.read_parquet(first / f"{name}.parquet").equals(pl.read_parquet(second / f"{name}.parquet"))
    assert (second / "config.toml").read_text() == resolved
    # The report command rebuilds a tournament run's report from its folder.
    assert main(["report", str(second), "--no-png"]) == 0
    assert "Connect Four tournament" in (second / "index.html").read_text()


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (("pressure = 0.9", "pressure = 1.9"), "world.pressure"),
        (("pressure = 0.9", 'pressure = "high"'), "world.pressure"),
        (("strength_games = 40", "strength_games = -4"), "world.strength_games"),
        (("strength_games = 40", "strength_games = 40\ntradeoff = 2.0"), "world.tradeoff"),
        (('kind = "knockout"', 'kind = "ladder"'), "world.kind"),
        (('fitness = "moves"', 'fitness = "rate"'), "run.fitness"),
        (("initial_spread = 0.5", "entropy_bonus = 0.5"), "run.options.entropy_bonus"),
    ],
)
def test_bad_knockout_configs_fail_before_running_naming_the_key(tmp_path, capsys, edit, key):
    config = tmp_path / "bad.toml"
    assert edit[0] in KNOCKOUT
    config.write_text(KNOCKOUT.replace(*edit))
    assert main(["run", str(config), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    assert key in capsys.readouterr().out
    assert not (tmp_path / "out").exists()
