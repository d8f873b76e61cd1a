"""Selection schemes: who parents the next generation (SPEC 1, "Selection").

Every world takes the same objects, and the Rust core runs the same code
for all of them (``rust/core/src/selection.rs``).

Examples
--------
>>> from replicators import Proportional
>>> Proportional(pressure=2.0)
Proportional(pressure=2.0, standardize=True)
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import _validate as v
from ..errors import invalid

__all__ = ["Selection", "Proportional", "Tournament", "Truncation", "Threshold", "selection_spec"]


@dataclass(frozen=True, kw_only=True)
class Proportional:
    """Wright-Fisher sampling, parent weight exp(pressure * z).

    z is fitness standardised within the generation ((F - mean) / sd) so that
    fitness modes on different scales compare at equal pressure; with
    ``standardize=False`` z is the raw fitness. Pressure 0 is neutral drift.

    Examples
    --------
    >>> Proportional(pressure=0.0).pressure
    0.0
    """

    pressure: float = 1.0
    standardize: bool = True

    def __post_init__(self) -> None:
        v.obey(self, {"pressure": "selection.pressure"}, "selection.")
        if not isinstance(self.standardize, bool):
            raise invalid("selection.standardize", self.standardize, "a bool")

    def _core(self) -> tuple[str, float, bool]:
        return ("proportional", self.pressure, self.standardize)


@dataclass(frozen=True, kw_only=True)
class Tournament:
    """The fittest of ``size`` individuals drawn with replacement.

    Examples
    --------
    >>> Tournament(size=3).size
    3
    """

    size: int = 2

    def __post_init__(self) -> None:
        v.obey(self, {"size": "selection.size"}, "selection.")

    def _core(self) -> tuple[str, float, bool]:
        return ("tournament", float(self.size), False)


@dataclass(frozen=True, kw_only=True)
class Truncation:
    """Parents drawn uniformly from the top ``fraction`` of the population.

    Examples
    --------
    >>> Truncation(fraction=0.2).fraction
    0.2
    """

    fraction: float = 0.5

    def __post_init__(self) -> None:
        v.obey(self, {"fraction": "selection.fraction"}, "selection.")

    def _core(self) -> tuple[str, float, bool]:
        return ("truncation", self.fraction, False)


@dataclass(frozen=True, kw_only=True)
class Threshold:
    """Individuals with fitness below ``floor`` die; survivors refill the population.

    If nobody reaches the floor the population is extinct: the run stops and
    its result says so (it is an outcome, not an error).

    Examples
    --------
    >>> Threshold(floor=0.5).floor
    0.5
    """

    floor: float = 0.0

    def __post_init__(self) -> None:
        v.obey(self, {"floor": "selection.floor"}, "selection.")

    def _core(self) -> tuple[str, float, bool]:
        return ("threshold", self.floor, False)


Selection = Proportional | Tournament | Truncation | Threshold


def selection_spec(selection: object) -> tuple[str, float, bool]:
    """The (name, parameter, standardize) triple the core takes."""
    if not isinstance(selection, Proportional | Tournament | Truncation | Threshold):
        raise invalid("selection", selection, "Proportional, Tournament, Truncation or Threshold")
    return selection._core()
