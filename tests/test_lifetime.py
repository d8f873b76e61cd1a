"""Learning inside a lifetime (SPEC 5, issue 18): population-based
training in NicheWorld. A lifetime of zero iterations is plain ``evolve``
number for number; learning moves every individual (``learning_kl``);
Lamarckian inheritance passes what was learned on, Darwinian does not;
the thread count changes nothing; bad knobs name their field."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import replicators as r
from replicators.errors import ConfigError, UnknownNameError
from replicators.learn import PPO, Learn, Reinforce, SGD

LIFETIME_COLUMNS = ["learning_kl", "innate_proxy_per_need", "innate_gold_per_need", "learned_proxy_per_need",
                    "learned_gold_per_need"]


def _run(**kw):
    args = dict(population=80, generations=6, fitness="rate", seed=11, snapshots=[0, 3, 6], initial_spread=0.4)
    args.update(kw)
    args["snapshots"] = [g for g in args["snapshots"] if g <= args["generations"]]
    return r.evolve(r.NicheWorld.preset(), **args)


@pytest.mark.parametrize("inherit", ["innate", "learned"])
def test_zero_iterations_is_plain_evolution_number_for_number(inherit):
    plain = _run()
    pbt = _run(lifetime=Learn(iterations=0, inherit=inherit))
    assert pbt.history.drop(LIFETIME_COLUMNS).equals(plain.history)
    for name in ("niches", "actions", "personas", "agents"):
        assert getattr(pbt, name).equals(getattr(plain, name)), name
    for g in plain.snapshots:
        np.testing.assert_array_equal(pbt.snapshots[g], plain.snapshots[g])
    # Nothing was learned: learned equals innate.
    h = pbt.history
    assert (h["learning_kl"] == 0).all()
    assert h["innate_proxy_per_need"].equals(h["learned_proxy_per_need"], check_names=False)
    assert pbt.config["lifetime"] == Learn(iterations=0, inherit=inherit)


def test_learning_moves_the_population_and_lamarck_passes_it_on():
    innate = _run(lifetime=Learn(iterations=3, episodes=16, inherit="innate"))
    learned = _run(lifetime=Learn(iterations=3, episodes=16, inherit="learned"))
    for res in (innate, learned):
        assert (res.history["learning_kl"] > 0).all()
    # Generation 0 is born the same under both rules, and learns the same.
    assert innate.history.row(0) == learned.history.row(0)
    # Darwinian offspring start near the (mutated) initial genomes; Lamarckian
    # ones from what their parents learned, which learning moved far.
    def spread(res):
        return float(np.abs(res.snapshots[6] - res.snapshots[0]).mean())
    assert spread(learned) > 3 * spread(innate), (spread(learned), spread(innate))



def test_offspring_inherit_the_starting_or_the_learned_genome():
    """Without mutation, an offspring's genome is exactly its parent's: the
    parent's inherited genome (innate) or its learned one (learned)."""
    for inherit in ("innate", "learned"):
        res = _run(mutation=r.Mutation(rate=0.0), snapshots=[2, 3], lifetime=Learn(iterations=2, episodes=16, inherit=inherit))
        parents = res.agents.filter(pl.col("generation") == 3)["parent"].to_numpy()
        source = res.learned[2] if inherit == "learned" else res.snapshots[2]
        np.testing.assert_array_equal(res.snapshots[3], source[parents])
        # Learning moved every agent; the agents table says how far.
        kl = res.agents.filter(pl.col("generation") == 2)["learning_kl"].to_numpy()
        assert (kl > 0).all() and kl.mean() == pytest.approx(res.history["learning_kl"][2])
        assert not np.array_equal(res.learned[2], res.snapshots[2])


def test_the_thread_count_changes_nothing():
    life = Learn(iterations=2, episodes=24, algorithm=PPO(minibatches=2), inherit="learned")
    a = _run(lifetime=life, threads=1)
    b = _run(lifetime=life, threads=2)
    assert a.history.equals(b.history)
    for g in a.snapshots:
        np.testing.assert_array_equal(a.snapshots[g], b.snapshots[g])


def test_any_learner_knob_can_live_in_a_lifetime():
    res = _run(generations=2, lifetime=Learn(iterations=2, episodes=16, advantage=Reinforce(baseline_rate=0.5),
                                             algorithm=r.learn.PolicyGradient(), optimizer=SGD(lr=0.5),
                                             returns="rate", trajectory="user", kl_penalty=0.1))
    assert res.history.height == 2 and (res.history["learning_kl"] > 0).all()


@pytest.mark.parametrize("kwargs, field", [
    ({"iterations": -1}, "lifetime.iterations"),
    ({"iterations": 1.5}, "lifetime.iterations"),
    ({"episodes": 0}, "lifetime.episodes"),
    ({"inherit": "epigenetic"}, "lifetime.inherit"),
    ({"algorithm": "ppo"}, "lifetime.algorithm"),
    ({"returns": "mean"}, "lifetime.returns"),
    ({"entropy_bonus": float("nan")}, "lifetime.entropy_bonus"),
    ({"advantage": r.learn.Group(), "episodes": 4}, "lifetime.episodes"),
])
def test_bad_lifetimes_name_the_field(kwargs, field):
    with pytest.raises((ConfigError, UnknownNameError), match=field.replace(".", r"\.")):
        _run(generations=1, lifetime=Learn(**kwargs))


def test_a_lifetime_must_be_a_learn():
    with pytest.raises(ConfigError, match="lifetime"):
        _run(lifetime={"iterations": 3})


def test_the_learning_rate_can_evolve_with_the_genome():
    """PBT's explore/exploit: ln(lr) is one more inherited, mutated gene."""
    life = Learn(iterations=2, episodes=16, evolve_lr=True, optimizer=r.learn.Adam(lr=0.05))
    kw = dict(mutation=r.Mutation(rate=1.0, scale=0.5), snapshots=[0, 6], lifetime=life)
    a, b = _run(threads=1, **kw), _run(threads=2, **kw)
    assert a.history.equals(b.history)
    lr = a.history["learning_rate"]
    assert lr[0] == pytest.approx(0.05)  # everybody starts at the optimizer's rate
    rates = {g: a.agents.filter(pl.col("generation") == g)["learning_rate"].to_numpy() for g in (0, 6)}
    assert np.allclose(rates[0], 0.05) and rates[6].std() > 0.01  # mutation spread them
    assert ((rates[6] >= 1e-6) & (rates[6] <= 10)).all()
    # Snapshots stay the world's genomes.
    assert a.snapshots[6].shape == (80, r.NicheWorld.preset().genome_width)
    with pytest.raises(ConfigError, match="lifetime.evolve_lr"):
        Learn(evolve_lr="yes")


def test_the_example_sweep_config_reads():
    from pathlib import Path

    from replicators.io.config import SweepConfig

    cfg = SweepConfig.from_toml(Path(__file__).resolve().parents[1] / "examples" / "sweep_baldwin.toml")
    assert cfg.experiment == "baldwin" and cfg.kwargs["inherits"] == ("none", "innate", "learned")
