"""Run and sweep configs: TOML round trips and errors that name the key."""

from __future__ import annotations

import dataclasses

import pytest
import replicators as r
from hypothesis import given, settings
from hypothesis import strategies as st
from replicators.io.config import RunConfig, SweepConfig
from replicators.errors import ConfigError, UnknownNameError

finite = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    population=st.integers(2, 10**6),
    generations=st.integers(1, 10**4),
    fitness=st.sampled_from(["sum", "rate", "episode_rate"]),
    seed=st.integers(0, 2**64 - 1),
    selection=st.one_of(
        st.builds(r.Proportional, pressure=finite, standardize=st.booleans()),
        st.builds(r.Tournament, size=st.integers(1, 50)),
        st.builds(r.Truncation, fraction=st.floats(0.01, 1.0)),
        st.builds(r.Threshold, floor=st.floats(-5, 5)),
    ),
    mutation=st.builds(r.Mutation, rate=st.floats(0, 1), scale=finite),
    tradeoff=st.floats(0.01, 8.0),
    capacity=st.floats(0, 1),
    patience=st.floats(0, 1),
    entropy_bonus=finite,
)
def test_resolved_toml_round_trips(population, generations, fitness, seed, selection, mutation, tradeoff,
                                   capacity, patience, entropy_bonus):
    world = r.NicheWorld.preset(tradeoff=tradeoff, capacity=capacity)
    world = r.NicheWorld(niches=[r.Niche(name="a", patience=patience, overrides={"engage": {"proxy": 0.5}}),
                                 r.Niche(name="b")], actions=world.actions, tradeoff=tradeoff, capacity=capacity)
    cfg = RunConfig(world=world, population=population, generations=generations, fitness=fitness, seed=seed,
                    selection=selection, mutation=mutation, snapshots=(0, generations),
                    options={"entropy_bonus": entropy_bonus})
    assert RunConfig.from_toml_text(cfg.to_toml()) == cfg


def test_preset_world_with_replaced_fields():
    cfg = RunConfig.from_dict({"world": {"preset": "assistant", "capacity": 0.5, "time_budget": 50}})
    assert cfg.world == r.NicheWorld.preset("assistant", capacity=0.5, time_budget=50)


def test_full_world_tables():
    cfg = RunConfig.from_dict({"world": {"niches": [{"name": "faq", "patience": 0.5}],
                                         "actions": [{"name": "answer", "proxy": 1, "gold": 1, "ends": True}]}})
    assert cfg.world.niche_names == ("faq",) and cfg.world.niches[0].patience == 0.5


@pytest.mark.parametrize(
    ("data", "key", "kind"),
    [
        ({"runn": {}}, "config.runn", UnknownNameError),
        ({"run": {"options": {"bonus": 1}}}, "run.options.bonus", UnknownNameError),
        ({"run": {"options": {"entropy_bonus": -1}}}, "run.options.entropy_bonus", ConfigError),
        ({"run": {"threads": 0}}, "run.threads", ConfigError),
        ({"run": {"seed": -1}}, "run.seed", ConfigError),
        ({"run": {"selection": {"kind": "truncation", "fraction": 0}}}, "run.selection.fraction", ConfigError),
        ({"run": {"mutation": {"rate": 0.1, "sd": 1}}}, "run.mutation.sd", UnknownNameError),
        ({"world": {"preset": "office"}}, "world.preset", UnknownNameError),
        ({"world": {"preset": "assistant", "capacity": 2}}, "world.capacity", ConfigError),
        ({"world": {"niches": [{"name": "a", "patience": 2}], "actions": [{"name": "x", "ends": True}]}},
         "world.niches['a'].patience", ConfigError),
        ({"world": {"niches": [{"name": "a", "mood": 2}], "actions": [{"name": "x", "ends": True}]}},
         "world.niches[0].mood", UnknownNameError),
    ],
)
def test_errors_name_the_key(data, key, kind):
    with pytest.raises(kind) as e:
        RunConfig.from_dict(data)
    assert key in str(e.value)


def test_sweep_config_checks_against_the_experiment():
    cfg = SweepConfig.from_dict({"sweep": {"experiment": "goodhart", "capacities": [0.5, 1], "seeds": 2},
                                 "world": {"preset": "assistant", "tradeoff": 2.0}})
    assert cfg.kwargs["capacities"] == (0.5, 1) and cfg.kwargs["world"].tradeoff == 2.0
    with pytest.raises(UnknownNameError, match="sweep.pressures is not a parameter of goodhart"):
        SweepConfig.from_dict({"sweep": {"experiment": "goodhart", "pressures": [1.0]}})
    with pytest.raises(ConfigError, match="sweep.capacities"):
        SweepConfig.from_dict({"sweep": {"experiment": "goodhart", "capacities": ["big"]}})
    with pytest.raises(ConfigError, match="sweep.capacities"):
        SweepConfig(experiment="goodhart", kwargs={"capacities": (3.0,), "population": 10}).run()


@settings(max_examples=30, deadline=None)
@given(
    world=st.one_of(
        st.builds(r.connect4.Knockout, pressure=st.floats(0, 1), strength_games=st.integers(0, 10**7)),
        st.builds(r.connect4.RoundRobin, games_per_pair=st.integers(1, 10**6), strength_games=st.integers(0, 10**7)),
    ),
    fitness=st.sampled_from(["moves", "entropy", "wins", "win_rate"]),
    seed=st.integers(0, 2**64 - 1),
    spread=finite,
)
def test_tournament_toml_round_trips_with_its_kind(world, fitness, seed, spread):
    cfg = RunConfig(world=world, population=10, generations=3, fitness=fitness, seed=seed, snapshots=(0, 3),
                    options={"initial_spread": spread})
    text = cfg.to_toml()
    kind = "knockout" if isinstance(world, r.connect4.Knockout) else "round_robin"
    assert f'[world]\nkind = "{kind}"\n' in text
    assert RunConfig.from_toml_text(text) == cfg


def test_world_kind_picks_the_world_and_its_default_fitness():
    assert RunConfig.from_dict({}).fitness == "rate"
    assert RunConfig.from_dict({"world": {"kind": "niche", "preset": "assistant"}}).world == r.NicheWorld.preset()
    ko = RunConfig.from_dict({"world": {"kind": "knockout", "pressure": 0.25}})
    assert ko.world == r.connect4.Knockout(pressure=0.25) and ko.fitness == "moves"
    rr = RunConfig.from_dict({"run": {"fitness": "win_rate", "options": {"initial_spread": 1}},
                              "world": {"kind": "round_robin", "games_per_pair": 3, "strength_games": 0}})
    assert rr.world == r.connect4.RoundRobin(games_per_pair=3, strength_games=0)
    assert rr.fitness == "win_rate" and rr.options == {"initial_spread": 1.0}
    # The resolved NicheWorld config says its kind too, and reads back the same.
    niche = RunConfig.from_dict({"world": {"preset": "assistant"}})
    assert '[world]\nkind = "niche"\n' in niche.to_toml() and RunConfig.from_toml_text(niche.to_toml()) == niche


def test_a_knockout_config_reruns_to_the_same_numbers():
    cfg = RunConfig.from_dict({"run": {"population": 40, "generations": 4, "seed": 9, "snapshots": [4],
                                       "threads": 1, "options": {"initial_spread": 0.5}},
                               "world": {"kind": "knockout", "pressure": 0.7, "strength_games": 20}})
    # Re-read from its resolved TOML and run on two threads: the same numbers.
    first = cfg.run()
    again = dataclasses.replace(RunConfig.from_toml_text(cfg.to_toml()), threads=2).run()
    assert first.history.equals(again.history)
    assert (first.snapshots[4] == again.snapshots[4]).all()
    assert first.history["game_length"].min() > 6  # real games were played (a win takes 7 plies)


def test_initial_genomes_from_toml_run_as_from_python():
    # A NicheWorld genome (24 genes: 4 x 5 action logits, then 4 skill logits) ...
    genome = [0.0] * 24
    genome[0], genome[20] = 3.0, 2.0  # solve in niche 0; skill in niche 0
    cfg = RunConfig.from_toml_text(
        "[run]\npopulation = 30\ngenerations = 2\nseed = 4\n[run.options]\ninitial = "
        + str(genome) + "\n")
    again = RunConfig.from_toml_text(cfg.to_toml())
    assert again == cfg and again.options["initial"] == genome
    api = r.evolve(r.NicheWorld.preset(), population=30, generations=2, fitness="rate", seed=4,
                   selection=cfg.selection, mutation=cfg.mutation, initial=genome, snapshots=[0])
    res = dataclasses.replace(cfg, snapshots=(0,)).run()
    assert res.history.equals(api.history) and (res.snapshots[0] == api.snapshots[0]).all()
    assert (res.snapshots[0][:, 0] == 3.0).all()
    # ... and a tournament's weights by name.
    ko = RunConfig.from_toml_text('[run.options]\ninitial = { wins_now = 1.5 }\n[world]\nkind = "knockout"\n')
    assert ko.options["initial"] == {"wins_now": 1.5}
    assert RunConfig.from_toml_text(ko.to_toml()) == ko


KNOCKOUT = {"kind": "knockout", "pressure": 0.5}


@pytest.mark.parametrize(
    ("data", "key", "kind"),
    [
        ({"world": {"kind": "ladder"}}, "world.kind", UnknownNameError),
        ({"world": {"kind": 1}}, "world.kind", UnknownNameError),
        ({"world": {**KNOCKOUT, "pressure": 1.5}}, "world.pressure", ConfigError),
        ({"world": {**KNOCKOUT, "pressure": "high"}}, "world.pressure", ConfigError),
        ({"world": {**KNOCKOUT, "strength_games": -1}}, "world.strength_games", ConfigError),
        ({"world": {**KNOCKOUT, "strength_games": 2.5}}, "world.strength_games", ConfigError),
        ({"world": {**KNOCKOUT, "games_per_pair": 2}}, "world.games_per_pair", UnknownNameError),
        ({"world": {**KNOCKOUT, "tradeoff": 2.0}}, "world.tradeoff", UnknownNameError),
        ({"world": {**KNOCKOUT, "preset": "assistant"}}, "world.preset", UnknownNameError),
        ({"world": {"kind": "round_robin", "games_per_pair": 0}}, "world.games_per_pair", ConfigError),
        ({"world": {"kind": "round_robin", "pressure": 0.5}}, "world.pressure", UnknownNameError),
        ({"world": {"kind": "niche", "pressure": 0.5}}, "world.pressure", UnknownNameError),
        ({"run": {"fitness": "rate"}, "world": KNOCKOUT}, "run.fitness", UnknownNameError),
        ({"run": {"fitness": "moves"}}, "run.fitness", UnknownNameError),
        ({"run": {"options": {"entropy_bonus": 0.1}}, "world": KNOCKOUT}, "run.options.entropy_bonus",
         UnknownNameError),
        ({"run": {"options": {"specialist_threshold": 0.5}}, "world": {"kind": "round_robin"}},
         "run.options.specialist_threshold", UnknownNameError),
        ({"run": {"options": {"initial_spread": -1}}, "world": KNOCKOUT}, "run.options.initial_spread", ConfigError),
        ({"run": {"options": {"initial": {"wins_later": 1.0}}}, "world": KNOCKOUT}, "run.options.initial.wins_later",
         UnknownNameError),
        ({"run": {"options": {"initial": {"wins_now": "high"}}}, "world": KNOCKOUT}, "run.options.initial.wins_now",
         ConfigError),
        ({"run": {"options": {"initial": [1.0, 2.0]}}, "world": KNOCKOUT}, "run.options.initial", ConfigError),
        ({"run": {"options": {"initial": [0.0] * 23}}}, "run.options.initial", ConfigError),
        ({"run": {"options": {"initial": {"solve": 1.0}}}}, "run.options.initial", ConfigError),
        ({"run": {"options": {"initial": [0.0] * 23 + [float("nan")]}}}, "run.options.initial[23]", ConfigError),
        ({"run": {"options": {"initial": []}}}, "run.options.initial", ConfigError),
        ({"run": {"options": {"initial": 1.0}}}, "run.options.initial", ConfigError),
    ],
)
def test_tournament_errors_name_the_key(data, key, kind):
    with pytest.raises(kind) as e:
        RunConfig.from_dict(data)
    assert str(e.value).startswith(key)


def test_sweep_worlds_are_niche_worlds():
    with pytest.raises(ConfigError, match="world.kind = 'knockout' is invalid: goodhart takes a niche world"):
        SweepConfig.from_dict({"sweep": {"experiment": "goodhart"}, "world": KNOCKOUT})
