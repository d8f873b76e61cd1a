"""replicators.experiments.connect4_pressure and replicators.charts.connect4:
the shared sweep runner's tables, intervals over seeds, validation, the
chart and the report render."""

import polars as pl
import pytest
from replicators.io.config import SweepConfig
from replicators.errors import ConfigError, UnknownNameError
from replicators.experiments import connect4_pressure
from replicators.experiments.reports import build_report

TINY = dict(population=30, generations=4, strength_games=10, threads=1)


def test_pressure_sweep_tables_and_intervals():
    res = connect4_pressure(pressures=(0.0, 0.5, 0.95), fitness=("moves", "wins"), seeds=3, **TINY)
    assert res.runs.height == 2 * 3 * 3 * 4
    assert res.per_run.height == 18 and set(res.per_run["seed"]) == {0, 1, 2}
    s = res.cells.filter(metric="game_length")
    assert s.height == 6 and (s["n"] == 3).all()
    assert ((s["low"] <= s["mean"]) & (s["mean"] <= s["high"])).all()
    # The interval is mean +- t(2) * sd / sqrt(3), checked against the runs.
    one = res.per_run.filter(fitness="moves", pressure=0.5)["game_length"]
    row = s.filter(fitness="moves", pressure=0.5).row(0, named=True)
    assert row["mean"] == pytest.approx(one.mean())
    assert row["high"] - row["mean"] == pytest.approx(4.303 * one.std() / 3**0.5)
    # Every measure the issue names is summarised.
    for m in ("immediate_win_rate", "block_rate", "first_player_win_rate", "strength_vs_random",
              "strength_vs_greedy", "weight_wins_now"):
        assert res.cells.filter(metric=m).height == 6


def test_chart_and_report_render(tmp_path):
    pytest.importorskip("vl_convert")
    from replicators.charts.connect4 import pressure_chart
    from replicators.io.report import save_png

    res = connect4_pressure(pressures=(0.0, 0.9), fitness=("moves",), seeds=2, **TINY)
    png = save_png(pressure_chart(res, width=80, height=60), tmp_path / "c4.png", scale=1.0)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    index = build_report(res).write(tmp_path / "report")
    assert "Connect Four" in index.read_text()


def test_sweep_config_runs_the_experiment_and_rejects_bad_keys():
    cfg = SweepConfig.from_dict({"sweep": {"experiment": "connect4_pressure", "pressures": [0.0, 0.5],
                                           "fitness": ["entropy"], "seeds": 2, "population": 20,
                                           "generations": 2, "strength_games": 0}})
    res = cfg.run()
    assert isinstance(res.cells, pl.DataFrame) and res.per_run.height == 4
    with pytest.raises(ConfigError, match="sweep.pressures"):
        SweepConfig.from_dict({"sweep": {"experiment": "connect4_pressure", "pressures": [1.5],
                                         "generations": 1}}).run()
    with pytest.raises(UnknownNameError, match="sweep.capacity"):
        SweepConfig.from_dict({"sweep": {"experiment": "connect4_pressure", "capacity": 1.0}})
    with pytest.raises(UnknownNameError, match="world"):
        SweepConfig.from_dict({"sweep": {"experiment": "connect4_pressure"}, "world": {"preset": "assistant"}})


def test_bad_arguments_name_the_field():
    with pytest.raises(ConfigError, match="pressures"):
        connect4_pressure(pressures=(1.5,), seeds=1, generations=1)
    with pytest.raises(UnknownNameError, match="fitness"):
        connect4_pressure(fitness=("length",), seeds=1, generations=1)
    with pytest.raises(ConfigError, match="selection_pressure"):
        connect4_pressure(selection_pressure=-1.0, seeds=1, generations=1)
