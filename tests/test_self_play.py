"""Connect Four learners (SPEC 5, issue 18): the seed's reward (the further
games a knockout result buys) against a Monte Carlo of the tournament rule
within 4 SE; self-play learners reproducible at any thread count; what
they learn under low and high pressure; bad input names the field."""

from __future__ import annotations

import math

import numpy as np
import pytest

import replicators as r
from replicators import connect4
from replicators.errors import ConfigError, UnknownNameError


@pytest.mark.parametrize("population, pressure, win, draw, pool", [
    (50, 0.3, 0.55, 0.05, 0.1), (17, 0.0, 0.8, 0.0, 0.0), (128, 0.9, 0.4, 0.2, 0.2),
])
def test_further_games_match_the_tournament_rule_within_4_se(population, pressure, win, draw, pool):
    exact = connect4.further_games(population, pressure, win=win, draw=draw, draw_pool=pool)
    runs = connect4.simulate_further_games(population, pressure, win=win, draw=draw, draw_pool=pool,
                                           tournaments=100_000, seed=population)
    games, wins, further = runs[:, 0].astype(float), runs[:, 1].astype(float), runs[:, 2].astype(float)
    n = len(runs)
    assert abs(games.mean() - exact.games) < 4 * games.std(ddof=1) / math.sqrt(n)
    # A ratio of means: its standard error by the delta method.
    ratio = further.sum() / wins.sum()
    se = (further - ratio * wins).std(ddof=1) / math.sqrt(n) / wins.mean()
    assert abs(ratio - exact.win) < 4 * se, (ratio, exact.win, se)
    assert exact.draw == exact.loss == 0.0  # the knockout eliminates on both


def test_further_games_by_hand():
    # A learner that always wins a bracket of 2^k at pressure 0: k games,
    # its wins buy k-1, k-2, ..., 0 more.
    f = connect4.further_games(32, 0.0, win=1.0, draw=0.0)
    assert (f.games, f.win) == (5.0, 2.0)
    # Each win survives the retirement draw with chance 1 - p.
    assert connect4.further_games(2, 0.5, win=0.5, draw=0.0).win == 0.0
    lo, hi = (connect4.further_games(64, p, win=0.5, draw=0.0).win for p in (0.9, 0.1))
    assert 0 < lo < hi


def test_self_play_is_the_same_at_any_thread_count():
    kw = dict(objective="entropy", learners=5, iterations=4, games=10, pool_every=2, seed=3)
    a = r.learn.self_play(connect4.Knockout(pressure=0.7, strength_games=30), threads=1, **kw)
    b = r.learn.self_play(connect4.Knockout(pressure=0.7, strength_games=30), threads=2, **kw)
    assert a.history.equals(b.history)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.weights_table().columns == ["learner", *connect4.FEATURES]


def _settled(pressure: float, objective: str, seed: int) -> dict[str, float]:
    res = r.learn.self_play(connect4.Knockout(pressure=pressure, strength_games=100), objective=objective,
                            learners=6, iterations=150, seed=seed)
    tail = res.history.tail(30).mean()
    return {c: float(tail[c][0]) for c in ("game_length", "immediate_win_rate", "weight_wins_now")}


def test_moves_learners_drag_games_out_when_a_win_buys_little():
    low = [_settled(0.0, "moves", s) for s in (1, 2)]
    high = [_settled(0.95, "moves", s) for s in (1, 2)]
    # Means over learners and seeds; the gaps seen are about 13 plies and 0.5.
    mean = lambda runs, k: sum(x[k] for x in runs) / len(runs)  # noqa: E731
    assert mean(high, "game_length") > mean(low, "game_length") + 5
    assert mean(high, "immediate_win_rate") < mean(low, "immediate_win_rate") - 0.2
    assert mean(high, "weight_wins_now") < 0 < mean(low, "weight_wins_now")


@pytest.mark.parametrize("make, field", [
    (lambda: r.learn.self_play(connect4.RoundRobin()), "world"),
    (lambda: r.learn.self_play(connect4.Knockout(), objective="wins"), "objective"),
    (lambda: r.learn.self_play(connect4.Knockout(), population=1), "population"),
    (lambda: r.learn.self_play(connect4.Knockout(), games=1), "games"),
    (lambda: r.learn.self_play(connect4.Knockout(), lr=0.0), "lr"),
    (lambda: r.learn.self_play(connect4.Knockout(), learners=0), "learners"),
    (lambda: r.learn.self_play(connect4.Knockout(), initial=np.zeros(3)), "initial"),
    (lambda: r.learn.self_play(connect4.Knockout(), initial=np.full(6, np.nan)), "initial"),
    (lambda: connect4.further_games(10, 0.5, win=0.8, draw=0.3), "draw"),
    (lambda: connect4.further_games(10, 1.5, win=0.5, draw=0.0), "pressure"),
    (lambda: connect4.further_games(1, 0.5, win=0.5, draw=0.0), "population"),
])
def test_bad_input_names_the_field(make, field):
    with pytest.raises((ConfigError, UnknownNameError), match=field):
        make()


def test_the_example_sweep_config_reads():
    from pathlib import Path

    from replicators.io.config import SweepConfig

    cfg = SweepConfig.from_toml(Path(__file__).resolve().parents[1] / "examples" / "sweep_connect4_self_play.toml")
    assert cfg.experiment == "connect4_self_play" and cfg.kwargs["objectives"] == ("games", "moves", "entropy")


def test_the_sweep_writes_its_report(tmp_path):
    from replicators.experiments import connect4_self_play
    from replicators.experiments.reports import build_report

    res = connect4_self_play(pressures=(0.0, 0.95), seeds=2, learners=2, iterations=3, games=8, strength_games=10)
    build_report(res).write(tmp_path)
    html = (tmp_path / "index.html").read_text()
    assert "Connect Four learners" in html and (tmp_path / "pressure.png").exists()
