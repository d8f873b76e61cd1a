"""Selection and mutation configs: validation and the core's view of them."""

import math

import pytest

from replicators import Mutation, Proportional, Threshold, Tournament, Truncation
from replicators.errors import ConfigError
from replicators.selection import selection_spec


def test_specs_reach_the_core_shape():
    assert selection_spec(Proportional(pressure=2)) == ("proportional", 2.0, True)
    assert selection_spec(Tournament(size=3)) == ("tournament", 3.0, False)
    assert selection_spec(Truncation(fraction=0.25)) == ("truncation", 0.25, False)
    assert selection_spec(Threshold(floor=-1)) == ("threshold", -1.0, False)


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: Proportional(pressure=-1), "selection.pressure"),
        (lambda: Proportional(pressure=math.nan), "selection.pressure"),
        (lambda: Tournament(size=0), "selection.size"),
        (lambda: Tournament(size=2.5), "selection.size"),
        (lambda: Truncation(fraction=0), "selection.fraction"),
        (lambda: Truncation(fraction=1.5), "selection.fraction"),
        (lambda: Threshold(floor=math.inf), "selection.floor"),
        (lambda: Mutation(rate=1.5), "mutation.rate"),
        (lambda: Mutation(scale=-0.1), "mutation.scale"),
        (lambda: selection_spec("tournament"), "selection"),
    ],
)
def test_bad_knobs_name_the_field(make, field):
    with pytest.raises(ConfigError, match=field):
        make()


def test_configs_are_frozen_and_keyword_only():
    with pytest.raises(TypeError):
        Proportional(1.0)  # type: ignore[misc]
    p = Proportional(pressure=1.0)
    with pytest.raises(AttributeError):
        p.pressure = 2.0  # type: ignore[misc]


def test_evolve_rejects_a_non_world():
    import replicators

    with pytest.raises(ConfigError, match="world"):
        replicators.evolve(object(), population=10, generations=1, fitness="sum")
