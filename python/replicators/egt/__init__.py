"""Classic evolutionary game dynamics: the validation bed (SPEC section 3).

Matrix games; finite populations under Moran birth-death and death-birth,
Fermi pairwise comparison and Wright-Fisher (with mutation); exact fixation
probabilities and times, Monte Carlo estimates with standard errors, the
stationary distribution in the rare-mutation limit; the replicator and
replicator-mutator equations as ODE and map. Everything runs in the Rust
core and is checked against closed forms (``tests/test_egt.py``).

Examples
--------
>>> from replicators.egt import MatrixGame, fixation_probability, simulate_fixation
>>> g = MatrixGame.constant(2.0)
>>> exact = fixation_probability(g, 10, 1.0, "moran")
>>> est = simulate_fixation(g, 10, 1.0, "moran", runs=20_000, seed=7)
>>> abs(est.probability - exact) < 4 * est.stderr
True
"""

from __future__ import annotations

from .finite import (
    FITNESS_MAPS,
    PROCESSES,
    FixationEstimate,
    FixationTimes,
    fixation_matrix,
    fixation_probability,
    fixation_times,
    simulate_fixation,
    simulate_population,
    stationary_distribution,
)
from .game import MatrixGame
from .replicator import mutation_matrix, replicator, replicator_mutator

__all__ = [
    "FITNESS_MAPS",
    "PROCESSES",
    "FixationEstimate",
    "FixationTimes",
    "MatrixGame",
    "fixation_matrix",
    "fixation_probability",
    "fixation_times",
    "mutation_matrix",
    "replicator",
    "replicator_mutator",
    "simulate_fixation",
    "simulate_population",
    "stationary_distribution",
]
