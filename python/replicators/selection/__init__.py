"""The machinery every world shares: selection, mutation and ``evolve``.

``schemes``
    ``Proportional``, ``Tournament``, ``Truncation``, ``Threshold``.
``mutation``
    ``Mutation``.
``protocol``
    ``evolve(world, ...)``, and ``Run``, the validated arguments it hands
    to a world's ``_evolve`` hook.

Examples
--------
>>> from replicators.selection import Proportional, Mutation
>>> Proportional().pressure, Mutation().rate
(1.0, 0.05)
"""

from .protocol import Run, evolve
from .mutation import Mutation
from .schemes import Proportional, Selection, Threshold, Tournament, Truncation, selection_spec

__all__ = [
    "Mutation", "Proportional", "Run", "Selection", "Threshold", "Tournament", "Truncation", "evolve",
    "selection_spec",
]
