"""Symmetric two-player matrix games.

``payoffs[i][j]`` is the payoff of an individual playing strategy ``i``
against one playing ``j``. In finite populations everyone plays everyone
else once and never themselves (SPEC section 3); in infinite populations
the payoff of ``i`` is ``(A x)_i``.

Examples
--------
>>> from replicators.egt import MatrixGame
>>> MatrixGame([[3, 0], [5, 1]], names=["cooperate", "defect"]).names
('cooperate', 'defect')
"""

from __future__ import annotations

import math
from numbers import Real
from collections.abc import Sequence

import numpy as np

from ..errors import ConfigError

__all__ = ["MatrixGame"]


class MatrixGame:
    """An n x n symmetric game.

    Parameters
    ----------
    payoffs
        A square matrix (nested sequences or a numpy array) of finite
        numbers: row ``i``, column ``j`` is ``i``'s payoff against ``j``.
    names
        Optional strategy names (default ``x0``, ``x1``, ...), used as
        column names in results.

    Examples
    --------
    >>> g = MatrixGame([[2, 2], [1, 1]])   # constant fitness r = 2 at intensity 1
    >>> g.strategies, g.names
    (2, ('x0', 'x1'))
    >>> MatrixGame([[1, 2, 3], [4, 5, 6]])
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: payoffs: a 2 x 3 matrix is not square: expected n x n
    """

    __slots__ = ("_names", "_payoffs")

    def __init__(
        self, payoffs: Sequence[Sequence[float]] | np.ndarray, names: Sequence[str] | None = None
    ):
        try:
            a = np.array(payoffs, dtype=float)
        except (TypeError, ValueError) as e:
            raise ConfigError(f"payoffs: expected an n x n matrix of numbers ({e})") from None
        if a.ndim != 2:
            raise ConfigError(
                f"payoffs: expected an n x n matrix, got an array of {a.ndim} dimension(s)"
            )
        if a.shape[0] != a.shape[1]:
            raise ConfigError(
                f"payoffs: a {a.shape[0]} x {a.shape[1]} matrix is not square: expected n x n"
            )
        if a.shape[0] == 0:
            raise ConfigError("payoffs: the matrix is empty: expected an n x n matrix with n >= 1")
        bad = np.argwhere(~np.isfinite(a))
        if len(bad):
            i, j = bad[0]
            raise ConfigError(f"payoffs[{i}][{j}] = {a[i, j]} is invalid: expected a finite number")
        n = a.shape[0]
        if names is None:
            names = [f"x{i}" for i in range(n)]
        names = tuple(names)
        if (
            len(names) != n
            or len(set(names)) != n
            or not all(isinstance(s, str) and s for s in names)
        ):
            raise ConfigError(
                f"names = {names!r} is invalid: expected {n} distinct non-empty strings"
            )
        if {"t", "run", "step", "error"} & set(names):
            raise ConfigError(
                f"names = {names!r} is invalid: 't', 'run', 'step', 'error' are column names"
            )
        a.setflags(write=False)
        self._payoffs = a
        self._names = names

    @property
    def payoffs(self) -> np.ndarray:
        """The payoff matrix (read-only float array)."""
        return self._payoffs

    @property
    def names(self) -> tuple[str, ...]:
        """Strategy names."""
        return self._names

    @property
    def strategies(self) -> int:
        """Number of strategies n."""
        return self._payoffs.shape[0]

    def __repr__(self) -> str:
        rows = ", ".join("[" + ", ".join(f"{x:g}" for x in row) + "]" for row in self._payoffs)
        return f"MatrixGame([{rows}], names={list(self._names)!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MatrixGame)
            and self._names == other._names
            and np.array_equal(self._payoffs, other._payoffs)
        )

    def __hash__(self) -> int:
        return hash((self._payoffs.tobytes(), self._names))

    @classmethod
    def constant(cls, r: float) -> MatrixGame:
        """A mutant of fitness ``r`` against residents of fitness 1 at intensity 1.

        Examples
        --------
        >>> MatrixGame.constant(2.0).payoffs.tolist()
        [[2.0, 2.0], [1.0, 1.0]]
        """
        return cls([[r, r], [1.0, 1.0]], names=["mutant", "resident"])

    @classmethod
    def hawk_dove(cls, v: float, c: float) -> MatrixGame:
        """Hawk-Dove: a resource ``v``, a fight cost ``c > v``; hawks settle at ``v / c``.

        Examples
        --------
        >>> MatrixGame.hawk_dove(2, 3).payoffs.tolist()
        [[-0.5, 2.0], [0.0, 1.0]]
        """
        if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
            raise ConfigError(f"v = {v!r} is invalid: expected a finite number")
        if isinstance(c, bool) or not isinstance(c, Real) or not (math.isfinite(c) and c > 0):
            raise ConfigError(f"c = {c!r} is invalid: expected a finite number > 0")
        return cls([[(v - c) / 2, v], [0.0, v / 2]], names=["hawk", "dove"])

    @classmethod
    def rock_paper_scissors(cls, a: float = 1.0, b: float = 1.0) -> MatrixGame:
        """Rock-paper-scissors: win ``a``, lose ``b``; ``a == b`` conserves x1 x2 x3.

        Examples
        --------
        >>> MatrixGame.rock_paper_scissors().payoffs.tolist()
        [[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]]
        """
        return cls([[0.0, -b, a], [a, 0.0, -b], [-b, a, 0.0]], names=["rock", "paper", "scissors"])
