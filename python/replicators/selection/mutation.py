"""Mutation: Gaussian noise on offspring genes (SPEC 1, "Mutation").

Shared by every world; the Rust core draws it (``rust/core/src/mutation.rs``).

Examples
--------
>>> from replicators import Mutation
>>> Mutation(rate=0.1, scale=0.2).rate
0.1
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import _validate as v

__all__ = ["Mutation"]


@dataclass(frozen=True, kw_only=True)
class Mutation:
    """Each gene (a logit) mutates with probability ``rate`` by N(0, scale^2).

    Examples
    --------
    >>> Mutation(rate=0.0, scale=0.0)
    Mutation(rate=0.0, scale=0.0)
    """

    rate: float = 0.05
    scale: float = 0.1

    def __post_init__(self) -> None:
        v.obey(self, {"rate": "mutation.rate", "scale": "mutation.scale"}, "mutation.")

    def _core(self) -> tuple[float, float]:
        return (self.rate, self.scale)
