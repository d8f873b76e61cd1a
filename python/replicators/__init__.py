"""replicators: evolving populations of policies, Rust-fast, from Python.

Populations of stochastic policies replicate on the reward they collect:
the sum or the rate of it. The package is laid out as its architecture
(the README's "Architecture" section gives the layers):

``worlds``
    where populations live: ``worlds.niche`` (NicheWorld, its results,
    personas and exact evaluator) and ``worlds.connect4`` (the engine and
    tournaments).
``selection``
    what every world shares: selection schemes, mutation, ``evolve``.
``learn``
    learners: policy gradient (PPO, GRPO, REINFORCE) in NicheWorld;
    ``replicators.learn(world, ...)`` trains.
``egt``
    classic evolutionary game theory, checked against closed forms.
``experiments``, ``charts``
    ready grids of seeded runs, and their altair charts.
``io``, ``cli``
    tables on disk, TOML configs, reports; the ``replicators`` command.

The short public paths stay: ``replicators.connect4``,
``replicators.personas`` and ``replicators.analytic`` are the modules of
the worlds' folders (``import replicators.connect4`` works too).

Examples
--------
>>> import replicators
>>> replicators.__version__ == replicators._core.__version__
True
>>> import replicators.connect4, replicators.worlds.connect4
>>> replicators.connect4 is replicators.worlds.connect4
True
"""

from __future__ import annotations

import sys

from . import _core, egt, experiments, learn
from .errors import ConfigError, ReplicatorsError, SimulationError, UnknownNameError
from .selection import Mutation, Proportional, Threshold, Tournament, Truncation, evolve
from .worlds import connect4
from .worlds.niche import Action, Niche, NicheResult, NicheWorld, analytic, personas

__version__: str = _core.__version__

# The worlds' modules under their short public names, for ``import
# replicators.connect4`` and ``from replicators.analytic import ...``.
for _name, _module in (("connect4", connect4), ("personas", personas), ("analytic", analytic)):
    sys.modules[f"{__name__}.{_name}"] = _module

__all__ = [
    "__version__",
    "analytic",
    "connect4",
    "egt",
    "experiments",
    "learn",
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
]
