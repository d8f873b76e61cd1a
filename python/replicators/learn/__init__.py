"""Learners (SPEC 4): policy gradient beside replication, in NicheWorld.

``replicators.learn(world, ...)`` trains (this package is callable: it is
also its ``learn`` function, ``replicators._callable``); the knobs are
``PPO``, ``PolicyGradient``, ``GAE``, ``Group``, ``Reinforce``, ``Adam``,
``SGD`` and the names in ``AGGREGATIONS``, ``RETURNS``, ``TRAJECTORIES``.

``training``
    ``learn`` and ``sample_gradients`` (the Monte Carlo side of the exact
    checks in ``replicators.analytic``).
``knobs``
    the knob objects.
``result``
    ``LearnResult``.
``lifetime``
    ``Learn``: learning inside a lifetime of evolution (population-based
    training, SPEC 5): ``evolve(world, ..., lifetime=Learn(...))``.
``self_play``
    Connect Four learners trained by self-play against past selves, on the
    further games a knockout result buys (SPEC 5).

Examples
--------
>>> import replicators as r
>>> res = r.learn(r.NicheWorld.preset(), learners=4, iterations=2, episodes=16)
>>> type(res).__name__, r.learn.PPO().clip
('LearnResult', 0.2)
"""

from .._callable import callable_module
from .knobs import (
    AGGREGATIONS, PPO, RETURNS, SGD, TRAJECTORIES, GAE, Adam, Group, PolicyGradient, Reinforce,
)
from .lifetime import INHERIT, Learn
from .result import LearnResult
from .self_play import OBJECTIVES, SelfPlayResult, self_play
from .training import learn, sample_gradients

__all__ = [
    "AGGREGATIONS", "RETURNS", "TRAJECTORIES", "PPO", "PolicyGradient", "GAE", "Group", "Reinforce", "Adam", "SGD",
    "LearnResult", "learn", "sample_gradients", "Learn", "INHERIT",
    "self_play", "SelfPlayResult", "OBJECTIVES",
]

callable_module(__name__)
