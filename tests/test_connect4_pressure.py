"""replicators.experiments.connect4_pressure and replicators.charts.connect4:
tidy tables, intervals over seeds, validation, the chart renders to PNG."""

import pytest
from replicators.errors import ConfigError, UnknownNameError


def test_pressure_experiment_tables_and_chart(tmp_path):
    pytest.importorskip("vl_convert")
    from replicators.charts.connect4 import pressure_chart
    from replicators.experiments import connect4_pressure as exp
    from replicators.report import save_png

    out = exp.run(pressures=(0.0, 0.5, 0.95), fitnesses=("moves", "wins"), seeds=(0, 1, 2),
                  population=30, generations=4, tail=2, strength_games=10, threads=1)
    assert out.history.height == 2 * 3 * 3 * 4
    assert out.runs.height == 18 and set(out.runs["seed"]) == {0, 1, 2}
    s = out.summary.filter(measure="game_length")
    assert s.height == 6 and (s["n"] == 3).all()
    assert ((s["ci_low"] <= s["mean"]) & (s["mean"] <= s["ci_high"])).all()
    # The interval is mean +- t(2) * sd / sqrt(3), checked against the runs.
    one = out.runs.filter(fitness="moves", pressure=0.5)["game_length"]
    row = s.filter(fitness="moves", pressure=0.5).row(0, named=True)
    assert row["ci_high"] - row["mean"] == pytest.approx(4.303 * one.std() / 3**0.5)
    png = save_png(pressure_chart(out.summary, width=80, height=60), tmp_path / "c4.png", scale=1.0)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ConfigError, match="pressures"):
        exp.run(pressures=(1.5,), seeds=(0,), generations=1)
    with pytest.raises(UnknownNameError, match="fitnesses"):
        exp.run(fitnesses=("length",), seeds=(0,), generations=1)
