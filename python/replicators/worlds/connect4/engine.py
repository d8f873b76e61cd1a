"""The Connect Four engine: positions, features, softmax policies, bots.

The engine (Rust core, ``rust/core/src/connect4``) plays 7x6 Connect Four:
positions come from move strings of columns 1-7 (``"4455"``: both players
twice in the middle), play stops at four in a row or at a full board (a draw
after 42 plies). A **policy** is a weight vector w: at each move it plays a
legal move with probability proportional to exp(w . phi(move)), where phi
are engine-computed features (``FEATURES``):

``wins_now``
    1 if the move completes four in a row.
``blocks``
    1 if the move occupies a cell where the opponent would complete four.
``allows_win_above``
    1 if the cell just above the move completes four for the opponent.
``centre_distance``
    |column - 4| / 3: 0 in the centre column, 1 at the edges.
``open_threes``
    Empty cells that newly complete four for the mover after the move
    (threats made; capped at 7).
``bias``
    Always 1. It cancels in the softmax, so its weight is a neutral gene: a
    built-in baseline for how far weights drift without selection.

Reference bots: ``"random"`` (uniform over legal moves) and ``"greedy"``
(win if possible, else block, else random).

Examples
--------
>>> from replicators import connect4
>>> p = connect4.Position.from_moves("4455")
>>> p.legal_moves()
[1, 2, 3, 4, 5, 6, 7]
>>> p.play(3).play(1).play(6).winner()
1
>>> connect4.perft(4)
2401
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from ... import _core
from ... import _validate as v
from ...errors import ConfigError

__all__ = ["BOTS", "FEATURES", "Position", "perft", "play_games", "random_games", "weights"]

#: Features of a move, in weight order.
FEATURES: tuple[str, ...] = tuple(_core.c4_feature_names())
#: Reference bots.
BOTS: tuple[str, ...] = tuple(_core.names("connect4.bots"))


def _moves(x: object) -> str:
    if not isinstance(x, str):
        raise ConfigError(f"moves = {x!r} is invalid: expected a string of columns 1-7")
    return x


@dataclass(frozen=True)
class Position:
    """A position, given by the moves that led to it.

    Examples
    --------
    >>> p = Position.from_moves("4343434")
    >>> p.winner(), p.legal_moves()
    (1, [])
    >>> Position.from_moves("44").diagram().splitlines()[-2:]
    ['...O...', '...X...']
    """

    moves: str = ""

    def __post_init__(self) -> None:
        state = _core.c4_state(_moves(self.moves))
        object.__setattr__(self, "_state", state)

    @staticmethod
    def from_moves(moves: str) -> Position:
        """The position after ``moves`` (digits 1-7); illegal strings raise
        ``ConfigError`` naming the offending move.

        Examples
        --------
        >>> Position.from_moves("1111111")
        Traceback (most recent call last):
        ...
        replicators.errors.ConfigError: moves = "1111111" is invalid: expected a string of columns 1-7 (move 7 plays in column 1, which is full)
        """
        return Position(moves)

    @property
    def plies(self) -> int:
        """Moves played so far."""
        return int(self._state[0])  # type: ignore[attr-defined]

    @property
    def to_move(self) -> int:
        """1 if the first player moves next, 2 otherwise."""
        return int(self._state[1])  # type: ignore[attr-defined]

    def legal_moves(self) -> list[int]:
        """Columns (1-7) with room, none once the game is over."""
        return list(self._state[2])  # type: ignore[attr-defined]

    def winner(self) -> int | None:
        """1 or 2 (the player who made four), 0 for a draw, None while playing."""
        return self._state[3]  # type: ignore[attr-defined,no-any-return]

    def is_over(self) -> bool:
        """Whether the game has ended."""
        return self.winner() is not None

    def play(self, column: int) -> Position:
        """The position after dropping a stone in ``column`` (1-7).

        Examples
        --------
        >>> Position().play(4).moves
        '4'
        >>> Position().play(8)
        Traceback (most recent call last):
        ...
        replicators.errors.ConfigError: column = 8 is invalid: expected a legal column: [1, 2, 3, 4, 5, 6, 7]
        """
        legal = self.legal_moves()
        if isinstance(column, bool) or not isinstance(column, int | np.integer) or int(column) not in legal:
            raise ConfigError(f"column = {column!r} is invalid: expected a legal column: {legal}")
        return Position(self.moves + str(int(column)))

    def features(self) -> pl.DataFrame:
        """One row per legal move: ``column`` and each feature of ``FEATURES``.

        Examples
        --------
        >>> Position.from_moves("434343").features().filter(column=4)["wins_now"].item()
        1.0
        """
        cols, phi = _core.c4_features(self.moves)
        return pl.DataFrame({"column": cols, **{f: phi[:, i] for i, f in enumerate(FEATURES)}},
                            schema_overrides={"column": pl.Int64})

    def probabilities(self, weights: Any) -> dict[int, float]:
        """A policy's probability of each legal column.

        Examples
        --------
        >>> p = Position.from_moves("434343").probabilities(weights(wins_now=50))
        >>> round(p[4], 6)
        1.0
        """
        cols, probs = _core.c4_probabilities(self.moves, _weights("weights", weights).tolist())
        return dict(zip(cols, probs, strict=True))

    def choose(self, agent: str | Any, seed: int = 0) -> int:
        """The column an agent (a bot name or weights) plays here.

        Examples
        --------
        >>> Position.from_moves("41424").choose("greedy")  # blocks the column
        4
        """
        return int(_core.c4_choose(self.moves, _agent("agent", agent), v.seed("seed", seed)))

    def perft(self, depth: int, *, distinct: bool = False) -> int:
        """Move sequences of ``depth`` more plies (play stops at a win), or
        distinct positions with ``distinct=True`` (depth at most 12: the
        sets grow 3-4x per ply). Ctrl-C stops a long count.

        Examples
        --------
        >>> Position().perft(8, distinct=True)
        184275
        """
        if not isinstance(distinct, bool):
            raise ConfigError(f"distinct = {distinct!r} is invalid: expected True or False")
        return int(_core.c4_perft(self.moves, v.integer("depth", depth, 0, 42), distinct))

    def diagram(self) -> str:
        """The board, top row first: X first player, O second, . empty."""
        return str(self._state[4]).rstrip("\n")  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return self.diagram()


def perft(depth: int, moves: str = "", *, distinct: bool = False) -> int:
    """Move sequences of length ``depth`` from a position (the empty board
    by default), play stopping at a win; ``distinct=True`` counts distinct
    positions instead (OEIS A212693).

    Examples
    --------
    >>> [perft(d) for d in range(6)]
    [1, 7, 49, 343, 2401, 16807]
    >>> [perft(d, distinct=True) for d in range(6)]
    [1, 7, 49, 238, 1120, 4263]
    """
    return Position(moves).perft(depth, distinct=distinct)


def weights(**named: float) -> np.ndarray:
    """A weight vector in ``FEATURES`` order; unnamed features are 0.

    Examples
    --------
    >>> weights(wins_now=2.0, centre_distance=-1.0)
    array([ 2.,  0.,  0., -1.,  0.,  0.])
    """
    w = np.zeros(len(FEATURES))
    for name, x in named.items():
        w[FEATURES.index(v.choice("feature", name, FEATURES))] = v.number(f"weights.{name}", x)
    return w


#: Largest weight a bot may have: scores (weights times feature counts)
#: and their differences stay finite, and a softmax over them is already
#: deterministic far below this.
MAX_WEIGHT = 1e100


def _weights(field: str, x: Any) -> np.ndarray:
    if isinstance(x, Mapping):
        return weights(**x)
    try:
        w = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError(f"{field} = {x!r} is invalid: expected {len(FEATURES)} weights") from None
    if w.shape != (len(FEATURES),):
        raise ConfigError(f"{field} has shape {w.shape}: expected ({len(FEATURES)},) weights ({', '.join(FEATURES)})")
    if not np.all(np.isfinite(w)) or np.any(np.abs(w) > MAX_WEIGHT):
        raise ConfigError(f"{field} = {x!r} is invalid: expected finite weights in [-{MAX_WEIGHT:g}, {MAX_WEIGHT:g}] "
                          "(a move's score sums weights times features; larger ones overflow)")
    return w


def _agent(field: str, x: Any) -> str | list[float]:
    if isinstance(x, str):
        return v.choice(field, x, BOTS)
    return _weights(field, x).tolist()


def play_games(first: str | Any, second: str | Any, games: int, *, seed: int = 0,
               threads: int | None = None) -> dict[str, int]:
    """Play ``games`` games between two agents (bot names or weights),
    ``first`` moving first; returns counts of ``first_wins``,
    ``second_wins``, ``draws`` and total ``plies``.

    Examples
    --------
    >>> s = play_games("greedy", "random", 2000, seed=1)
    >>> s["first_wins"] > 1800
    True
    """
    return dict(_core.c4_games(_agent("first", first), _agent("second", second),
                               v.integer("games", games, 1), v.seed("seed", seed), v.threads(threads)))


def random_games(games: int, *, seed: int = 0, threads: int | None = None) -> dict[str, int]:
    """``games`` uniformly random games from the empty board (the engine's
    fastest loop; totals are the same at any thread count).

    Examples
    --------
    >>> s = random_games(100_000, seed=2)
    >>> round(s["first_wins"] / s["games"], 2), round(s["plies"] / s["games"])
    (0.56, 21)
    """
    return dict(_core.c4_random_games(v.integer("games", games, 1), v.seed("seed", seed), v.threads(threads)))
