"""replicators.connect4: engine (perft, OpenSpiel agreement), bots, policies,
tournaments (determinism, validation, mechanisms)."""

import numpy as np
import polars as pl
import pytest
import replicators as r
from replicators import connect4 as c4
from replicators.errors import ConfigError, UnknownNameError

# --- engine ------------------------------------------------------------------


def test_perft_matches_spec_depths_0_to_8():
    assert [c4.perft(d) for d in range(9)] == [1, 7, 49, 343, 2401, 16807, 117649, 823536, 5673234]


def test_distinct_positions_match_oeis_a212693():
    expected = [1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275]
    assert [c4.perft(d, distinct=True) for d in range(9)] == expected


def test_engine_agrees_with_openspiel_on_random_games():
    pyspiel = pytest.importorskip("pyspiel")
    game = pyspiel.load_game("connect_four")
    rng = np.random.default_rng(0)
    outcomes = {0: 0, 1: 0, 2: 0}
    for _ in range(400):
        state, pos = game.new_initial_state(), c4.Position()
        while True:
            # OpenSpiel: actions are columns 0-6 (left to right) and its
            # board prints top row first with x/o; ours: columns 1-7, X/O.
            assert pos.is_over() == state.is_terminal()
            assert str(state).strip() == pos.diagram().lower()
            if state.is_terminal():
                break
            legal = pos.legal_moves()
            assert legal == [a + 1 for a in state.legal_actions()]
            column = int(rng.choice(legal))
            state.apply_action(column - 1)
            pos = pos.play(column)
        returns = state.returns()
        winner = 0 if returns[0] == 0 else (1 if returns[0] > 0 else 2)
        assert pos.winner() == winner
        outcomes[winner] += 1
    assert outcomes[1] > 0 and outcomes[2] > 0


def test_positions_parse_and_report():
    p = c4.Position.from_moves("4455")
    assert (p.plies, p.to_move, p.winner()) == (4, 1, None)
    won = p.play(3).play(1).play(6)
    assert won.winner() == 1 and won.legal_moves() == [] and won.is_over()
    with pytest.raises(ConfigError, match="column"):
        won.play(2)
    for bad, where in [("408", "move 2"), ("1111111", "move 7"), ("43434343", "move 8")]:
        with pytest.raises(ConfigError, match=f"moves.*{where}"):
            c4.Position.from_moves(bad)
    with pytest.raises(ConfigError, match="moves"):
        c4.Position.from_moves(4455)  # type: ignore[arg-type]


def test_features_of_each_move():
    f = c4.Position.from_moves("41424").features()
    assert f["column"].to_list() == [1, 2, 3, 4, 5, 6, 7]
    assert f.columns == ["column", *c4.FEATURES]
    row = f.filter(column=4).row(0, named=True)
    assert row["blocks"] == 1.0 and row["wins_now"] == 0.0 and row["centre_distance"] == 0.0
    assert f["bias"].to_list() == [1.0] * 7
    assert f.filter(column=1)["centre_distance"].item() == 1.0


# --- bots and policies -----------------------------------------------------


def _random_positions(n: int, seed: int) -> list[c4.Position]:
    rng = np.random.default_rng(seed)
    out: list[c4.Position] = []
    while len(out) < n:
        p = c4.Position()
        while not p.is_over() and len(out) < n:
            out.append(p)
            p = p.play(int(rng.choice(p.legal_moves())))
    return out


def test_greedy_takes_every_win_in_one_and_blocks():
    chances = musts = 0
    for i, p in enumerate(_random_positions(3000, 1)):
        f = p.features()
        wins = f.filter(wins_now=1.0)["column"].to_list()
        blocks = f.filter(blocks=1.0)["column"].to_list()
        move = p.choose("greedy", seed=i)
        if wins:
            chances += 1
            assert move in wins and p.play(move).winner() == p.to_move
        elif blocks:
            musts += 1
            assert move in blocks
    assert chances > 100 and musts > 100


def test_random_bot_is_uniform_and_greedy_is_stronger():
    p = c4.Position.from_moves("111111")
    counts = np.bincount([p.choose("random", seed=s) for s in range(6000)], minlength=8)
    assert counts[1] == 0
    # 6 columns, p = 1/6: sd = sqrt(6000/6*5/6) ~ 28.9
    assert np.all(np.abs(counts[2:] - 1000) < 4 * 28.9), counts
    s = c4.play_games("greedy", "random", 4000, seed=3)
    assert s["first_wins"] / s["games"] > 0.9
    s = c4.play_games("random", "random", 40_000, seed=3)
    q = s["first_wins"] / s["games"]
    assert abs(q - 0.556) < 4 * np.sqrt(0.25 / 40_000) + 0.005


def test_policy_probabilities_are_the_softmax():
    p = c4.Position.from_moves("41424")
    w = c4.weights(blocks=1.0, centre_distance=-0.5)
    probs = p.probabilities(w)
    phi = p.features()
    logits = phi.select(c4.FEATURES).to_numpy() @ w
    expected = np.exp(logits) / np.exp(logits).sum()
    assert np.allclose([probs[c] for c in phi["column"]], expected, atol=1e-12)
    # Sampling agrees within 4 sd.
    draws = np.bincount([p.choose(w, seed=s) for s in range(8000)], minlength=8)[1:]
    sd = np.sqrt(8000 * expected * (1 - expected))
    assert np.all(np.abs(draws - 8000 * expected) < 4 * sd + 1e-9), (draws, expected)


# --- tournaments -----------------------------------------------------------


@pytest.mark.parametrize("world", [c4.Knockout(pressure=0.3), c4.RoundRobin(games_per_pair=1)])
def test_threads_do_not_change_results(world):
    kw = {"population": 80, "generations": 4, "fitness": "entropy", "seed": 7, "snapshots": [4], "initial_spread": 0.5}
    a = r.evolve(world, threads=1, **kw)
    b = r.evolve(world, threads=2, **kw)
    assert a.history.equals(b.history)
    assert np.array_equal(a.snapshots[4], b.snapshots[4])
    assert a.history.height == 4
    for col in ["generation", "game_length", "immediate_win_rate", "block_rate", "first_player_win_rate",
                "strength_vs_random", "strength_vs_greedy", *[f"weight_{f}" for f in c4.FEATURES]]:
        assert col in a.history.columns


def test_bad_input_names_the_field():
    with pytest.raises(ConfigError, match="pressure"):
        c4.Knockout(pressure=-0.1)
    with pytest.raises(ConfigError, match="pressure"):
        c4.Knockout(pressure=float("nan"))
    with pytest.raises(ConfigError, match="games_per_pair"):
        c4.RoundRobin(games_per_pair=0)
    with pytest.raises(ConfigError, match="strength_games"):
        c4.Knockout(strength_games=-1)
    with pytest.raises(TypeError):
        c4.Knockout(0.5)  # type: ignore[misc]
    with pytest.raises(UnknownNameError, match="fitness.*moves, entropy, wins, win_rate"):
        r.evolve(c4.Knockout(), population=10, generations=1, fitness="length")
    with pytest.raises(ConfigError, match="population"):
        r.evolve(c4.Knockout(), population=1, generations=1, fitness="moves")
    with pytest.raises(ConfigError, match="initial"):
        r.evolve(c4.Knockout(), population=10, generations=1, fitness="moves", initial=[1.0, 2.0])
    with pytest.raises(UnknownNameError, match="feature"):
        r.evolve(c4.Knockout(), population=10, generations=1, fitness="moves", initial={"speed": 1.0})
    with pytest.raises(UnknownNameError, match="requests_per_agent"):
        r.evolve(c4.Knockout(), population=10, generations=1, fitness="moves", requests_per_agent=3)
    with pytest.raises(ConfigError, match="population"):
        r.evolve(c4.RoundRobin(), population=200_000, generations=1, fitness="moves")
    with pytest.raises(UnknownNameError, match="first"):
        c4.play_games("minimax", "random", 10)
    with pytest.raises(ConfigError, match="second"):
        c4.play_games("random", [1.0, 2.0], 10)
    with pytest.raises(ConfigError, match="depth"):
        c4.perft(-1)


def test_winning_weight_raises_immediate_win_rate():
    # No selection, no mutation: the history measures the initial policies.
    common = {"population": 100, "generations": 1, "fitness": "moves", "selection": r.Proportional(pressure=0.0),
                  "mutation": r.Mutation(rate=0.0, scale=0.0), "seed": 5}
    world = c4.RoundRobin(games_per_pair=1, strength_games=1000)
    base = r.evolve(world, **common).history.row(0, named=True)
    strong = r.evolve(world, initial=c4.weights(wins_now=4.0, blocks=3.0), **common).history.row(0, named=True)
    # Zero weights play uniformly: P(win | chance) ~ P(some winning column) < 0.5.
    assert base["immediate_win_rate"] < 0.5
    # exp(4) against at most 6 other moves: P(win) >= 54.6 / 60.6 ~ 0.9.
    assert strong["immediate_win_rate"] > 0.8 > base["immediate_win_rate"] + 0.3
    assert strong["block_rate"] > base["block_rate"] + 0.4
    assert strong["strength_vs_random"] > base["strength_vs_random"] + 0.2
    assert strong["game_length"] < base["game_length"]


def test_selection_on_win_rate_evolves_winning_weights():
    res = r.evolve(c4.RoundRobin(games_per_pair=1, strength_games=0), population=120, generations=15,
                   fitness="win_rate", selection=r.Proportional(pressure=2.0),
                   mutation=r.Mutation(rate=0.5, scale=0.3), seed=2)
    h = res.history
    assert h["weight_wins_now"][-1] > h["weight_wins_now"][0] + 0.5
    assert h["immediate_win_rate"][-1] > h["immediate_win_rate"][0] + 0.1
    assert h["strength_vs_random"].is_nan().all()


def test_knockout_pressure_sets_games_per_individual():
    def games(p):
        res = r.evolve(c4.Knockout(pressure=p, strength_games=0), population=512, generations=1,
                       fitness="wins", seed=1)
        return res.history.row(0, named=True)

    g0, g1 = games(0.0), games(1.0)
    assert g1["games"] == 256 and g1["max_games"] == 1
    assert g0["games"] > 400 and 8 <= g0["max_games"] <= 10


def test_progress_snapshots_and_extinction():
    calls = []
    res = r.evolve(c4.Knockout(), population=20, generations=3, fitness="wins", progress=calls.append,
                   snapshots=[0, 3])
    assert sum(calls) == 3 and sorted(res.snapshots) == [0, 3]
    assert isinstance(res.weights_at(3), pl.DataFrame)
    with pytest.raises(ConfigError, match="generation"):
        res.weights_at(1)
    dead = r.evolve(c4.Knockout(), population=20, generations=3, fitness="wins", selection=r.Threshold(floor=99))
    assert dead.status == "extinct" and dead.extinct_at == 0 and dead.history.height == 1



def test_deep_distinct_counts_are_refused():
    with pytest.raises(ConfigError, match="depth.*at most 12"):
        c4.perft(13, distinct=True)
    assert c4.Position.from_moves("4343434").perft(3) == 0


def test_move_strings_property():
    """Any string either parses to the position its prefix plays, or fails
    with a ConfigError naming ``moves`` (hypothesis)."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.given(st.text(alphabet="0123456789x", max_size=45))
    @hypothesis.settings(max_examples=300, deadline=None)
    def check(moves):
        try:
            p = c4.Position.from_moves(moves)
        except ConfigError as e:
            assert str(e).startswith("moves = ")
            return
        assert p.plies == len(moves)
        assert all(ch in "1234567" for ch in moves)
        if p.winner() is None:
            assert p.legal_moves() and len(p.features()) == len(p.legal_moves())

    check()


def test_pressure_outside_unit_interval_is_refused():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.given(st.one_of(st.floats(), st.integers(), st.text(max_size=3), st.none()))
    @hypothesis.settings(max_examples=200, deadline=None)
    def check(p):
        ok = isinstance(p, int | float) and not isinstance(p, bool) and 0 <= p <= 1
        if ok:
            assert c4.Knockout(pressure=p).pressure == float(p)
        else:
            with pytest.raises(ConfigError, match="pressure"):
                c4.Knockout(pressure=p)

    check()


def test_an_error_in_the_progress_callback_stops_the_run():
    def boom(n):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        r.evolve(c4.RoundRobin(), population=300, generations=1000, fitness="moves", progress=boom)
