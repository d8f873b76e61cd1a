"""The further games a knockout result buys (SPEC 5's reward for Connect Four
learners): "given a win, draw or loss and the tournament structure, how
many more games would it get to play".

Under ``Knockout(pressure=p)`` a loss or a draw eliminates, so they buy no
game; a win buys F, the expected further games, which follows exactly from
the rule (random pairings each round, a winner playing on with chance
1 - p, byes for an odd player out) for a learner that wins with chance
``win`` and draws with chance ``draw`` against a field of ``population``
players whose own games are drawn with chance ``draw_pool``: a recursion
over the number of players alive (``rust/core/src/connect4/reward.rs``).
F is averaged over the games the learner plays in one tournament.
``simulate_further_games`` runs the rule itself, the Monte Carlo the
recursion is tested against.

Examples
--------
>>> f = further_games(16, 0.0, win=1.0, draw=0.0)
>>> f.games, f.win
(4.0, 1.5)
>>> further_games(64, 1.0, win=0.6, draw=0.1).win
0.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import _core
from ... import _validate as v
from ...errors import invalid

__all__ = ["Further", "further_games", "simulate_further_games"]


@dataclass(frozen=True)
class Further:
    """Expected further games after a win, a draw and a loss, and the games
    the learner plays in a whole tournament."""

    win: float
    draw: float
    loss: float
    games: float


def _args(population: int, pressure: float, win: float, draw: float, draw_pool: float | None) -> tuple:
    population = int(v.law("knockout.population", "population", population))
    pressure, win, draw = (v.probability(f, x) for f, x in (("pressure", pressure), ("win", win), ("draw", draw)))
    if win + draw > 1.0 + 1e-12:
        raise invalid("draw", draw, f"at most 1 - win = {1 - win:g}")
    draw_pool = draw if draw_pool is None else v.probability("draw_pool", draw_pool)
    return population, pressure, win, draw, draw_pool


def further_games(population: int, pressure: float, *, win: float, draw: float,
                  draw_pool: float | None = None) -> Further:
    """The further games each outcome buys (``draw_pool`` defaults to ``draw``:
    a field of the learner's likes)."""
    return Further(*_core.c4_further_games(*_args(population, pressure, win, draw, draw_pool)))


def simulate_further_games(population: int, pressure: float, *, win: float, draw: float,
                           draw_pool: float | None = None, tournaments: int = 10_000, seed: int = 0) -> np.ndarray:
    """Knockout tournaments run by the rule, the learner's games drawn with
    its chances: per tournament (games, wins, further games summed over its
    wins), an int array (tournaments, 3). ``further.sum() / wins.sum()``
    estimates ``further_games(...).win``."""
    args = _args(population, pressure, win, draw, draw_pool)
    return np.asarray(_core.c4_simulate_further_games(
        *args, v.integer("tournaments", tournaments, 1, 10**8), v.seed("seed", seed))).astype(np.int64)
