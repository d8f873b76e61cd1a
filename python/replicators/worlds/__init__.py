"""The worlds populations live in, one folder each (world, result, analyses).

A world is an object with an ``_evolve(run, **options)`` hook that
``replicators.evolve`` calls after validating the arguments every world
shares (``replicators.selection.protocol``); it returns its own result type.

``niche``
    NicheWorld (SPEC 1): assistants, users and niches.
``connect4``
    Connect Four tournaments (SPEC 2).

Examples
--------
>>> from replicators import worlds
>>> worlds.NicheWorld.preset().genome_width
24
"""

from . import connect4, niche
from .niche import NicheWorld

__all__ = ["NicheWorld", "connect4", "niche"]
