"""Run and sweep configs: TOML round trips and errors that name the key."""

from __future__ import annotations

import pytest
import replicators as r
from hypothesis import given, settings
from hypothesis import strategies as st
from replicators.config import RunConfig, SweepConfig
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
