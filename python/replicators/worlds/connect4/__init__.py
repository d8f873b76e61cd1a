"""Connect Four (SPEC 2): a fast bitboard engine, softmax policies and tournaments.

``engine``
    positions, perft, move features, policies and the reference bots.
``tournament``
    ``Knockout`` and ``RoundRobin``: worlds for ``replicators.evolve``.
``result``
    ``TournamentResult``, what evolving a tournament returns.
``reward``
    ``further_games``: the further games a knockout result buys (the
    reward of the self-play learners, ``replicators.learn.self_play``).

Examples
--------
>>> from replicators import connect4
>>> connect4.Position.from_moves("4455").legal_moves()
[1, 2, 3, 4, 5, 6, 7]
>>> connect4.Knockout(pressure=0.9).pressure
0.9
"""

from .engine import BOTS, FEATURES, Position, perft, play_games, random_games, weights
from .result import TournamentResult
from .reward import Further, further_games, simulate_further_games
from .tournament import FITNESS, Knockout, RoundRobin

__all__ = [
    "BOTS", "FEATURES", "FITNESS", "Knockout", "Position", "RoundRobin", "TournamentResult",
    "perft", "play_games", "random_games", "weights", "Further", "further_games", "simulate_further_games",
]
