"""Connect Four tournaments: worlds for ``replicators.evolve``.

``Knockout(pressure=p)`` (the loser is eliminated, the winner plays on with
probability 1 - p, a draw eliminates both) and ``RoundRobin``; fitness
``moves``, ``entropy``, ``wins`` or ``win_rate`` (SPEC section 2). The
result's ``history`` has one row per generation (see ``result``).

Examples
--------
>>> import replicators as r
>>> from replicators import connect4
>>> res = r.evolve(connect4.Knockout(pressure=0.5), population=50, generations=2,
...                fitness="moves", seed=1)
>>> res.history.select("generation", "game_length").height
2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ... import _core
from ... import _validate as v
from ...selection.protocol import Run, reject_unknown
from .engine import FEATURES, weights
from .result import TournamentResult

__all__ = ["FITNESS", "Knockout", "RoundRobin"]

#: Fitness modes of the tournaments.
FITNESS: tuple[str, ...] = tuple(_core.names("connect4.fitness"))
#: Tournament-specific options of ``evolve``.
OPTIONS = ("initial", "initial_spread")


class _Tournament:
    """What both formats share: the evolve hook."""

    strength_games: int
    #: The genes in genome order: a policy's feature weights.
    gene_names = FEATURES

    def _format(self) -> tuple[str, float]:
        raise NotImplementedError

    def _evolve(self, run: Run, *, initial: Any = None, initial_spread: float = 0.0, **unknown: Any) -> TournamentResult:
        """Called by ``replicators.evolve``; the tournament options are:

        initial
            Initial weights: one vector (every individual; a sequence or a
            ``{feature: weight}`` dict) or an array (population, features).
            Default: all zeros (uniformly random play).
        initial_spread
            Standard deviation of Gaussian noise added to every initial weight.
        """
        reject_unknown(self, unknown, OPTIONS)
        if isinstance(initial, Mapping):
            initial = weights(**initial)
        args = run.core(len(FEATURES), FITNESS, initial=initial, initial_spread=initial_spread)
        # Two generations of weights, fitness, parents and per-player tallies
        # (about 300 B a player), checked before the core allocates them.
        v.fits_in_memory("population", run.population, 300.0 * run.population, f"{run.population:,} players")
        raw = _core.c4_evolve(self._format(), strength_games=self.strength_games, **args)
        config = run.config(initial=initial, initial_spread=args["initial_spread"])
        return TournamentResult._from_core(self, raw, config)


@dataclass(frozen=True, kw_only=True)
class Knockout(_Tournament):
    """Knockout rounds: losers are eliminated, winners play on with
    probability 1 - ``pressure``.

    Each round pairs the remaining players at random (who moves first is
    random too); an odd player out gets a bye. The loser of a game is
    eliminated; the winner plays on into the next round with probability
    1 - ``pressure``, else retires with what it has. **A draw eliminates
    both players** (only a win buys more games). The generation ends when
    fewer than two players remain. At pressure 0 a player keeps playing as
    long as it wins (the champion plays about log2(N) games); at pressure 1
    everybody plays exactly one game (but for byes).

    Parameters
    ----------
    pressure
        Probability in [0, 1] that a winner's run ends after a game.
    strength_games
        Games per reference bot per generation for ``strength_vs_random``
        and ``strength_vs_greedy`` (0 skips them; at most 10 million).

    Examples
    --------
    >>> Knockout(pressure=0.9)
    Knockout(pressure=0.9, strength_games=200)
    >>> Knockout(pressure=2)
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: pressure = 2 is invalid: expected a probability in [0, 1]
    """

    pressure: float = 0.5
    strength_games: int = 200

    def __post_init__(self) -> None:
        v.obey(self, {"pressure": "pressure", "strength_games": "strength_games"})

    def _format(self) -> tuple[str, float]:
        return ("knockout", self.pressure)


@dataclass(frozen=True, kw_only=True)
class RoundRobin(_Tournament):
    """Every pair of individuals plays ``games_per_pair`` games, alternating
    who moves first (N (N - 1) / 2 x games_per_pair games per generation).

    Parameters
    ----------
    games_per_pair
        Games each pair plays (>= 1).
    strength_games
        Games per reference bot per generation for the strength columns.

    Examples
    --------
    >>> RoundRobin(games_per_pair=2).games_per_pair
    2
    """

    games_per_pair: int = 2
    strength_games: int = 200

    def __post_init__(self) -> None:
        v.obey(self, {"games_per_pair": "games_per_pair", "strength_games": "strength_games"})

    def _format(self) -> tuple[str, float]:
        return ("round_robin", float(self.games_per_pair))
