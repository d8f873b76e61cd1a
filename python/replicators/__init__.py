"""replicators: evolving populations of policies, Rust-fast, from Python.

Populations of stochastic policies replicate on the reward they collect:
the sum or the rate of it. Connect Four tournaments (a bitboard engine,
softmax policies, knockout and round robin) live in ``replicators.connect4``;
classic evolutionary game theory lives in ``replicators.egt`` and is checked
against closed forms.

Examples
--------
>>> import replicators
>>> replicators.__version__ == replicators._core.__version__
True
"""

from __future__ import annotations

from . import _core, connect4, egt, experiments, personas
from .errors import ConfigError, ReplicatorsError, SimulationError, UnknownNameError
from .evolve import evolve
from .niche import Action, Niche, NicheWorld
from .niche_result import NicheResult
from .selection import Mutation, Proportional, Threshold, Tournament, Truncation

__version__: str = _core.__version__

__all__ = [
    "__version__",
    "connect4",
    "egt",
    "experiments",
    "personas",
    "ReplicatorsError",
    "ConfigError",
    "UnknownNameError",
    "SimulationError",
    "Proportional",
    "Tournament",
    "Truncation",
    "Threshold",
    "Mutation",
    "evolve",
    "Niche",
    "Action",
    "NicheWorld",
    "NicheResult",
    "experiments",
    "personas",
]
