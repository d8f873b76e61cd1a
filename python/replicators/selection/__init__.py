"""The machinery every world shares: selection, mutation and ``evolve``.

``schemes``
    ``Proportional``, ``Tournament``, ``Truncation``, ``Threshold``.
``mutation``
    ``Mutation``.
``protocol``
    ``evolve(world, ...)``, and ``replication``, the arguments a world's
    ``_evolve`` hook hands to the core's shared generation loop.

Examples
--------
>>> from replicators.selection import Proportional, Mutation
>>> Proportional().pressure, Mutation().rate
(1.0, 0.05)
"""

from .protocol import evolve, replication
from .mutation import Mutation
from .schemes import Proportional, Selection, Threshold, Tournament, Truncation, selection_spec

__all__ = [
    "Mutation", "Proportional", "Selection", "Threshold", "Tournament", "Truncation", "evolve", "replication",
    "selection_spec",
]
