"""Infinite populations: the replicator and replicator-mutator equations.

With frequencies ``x``, fitness ``f_i = background + (A x)_i`` and mean
fitness ``phi = sum_i x_i f_i``:

- ODE: ``dx_i/dt = x_i (f_i - phi)``, or with a mutation matrix ``Q``
  (``Q[j, i]`` = probability that a ``j`` parent has an ``i`` offspring)
  ``dx_i/dt = sum_j x_j f_j Q[j, i] - x_i phi``;
- discrete map: ``x_i' = x_i f_i / phi``, or ``sum_j x_j f_j Q[j, i] / phi``.
  The map needs every fitness positive: raise ``background`` if payoffs
  can be zero or negative.

The ODE runs in the Rust core: Dormand-Prince 5(4) with adaptive steps
(``method="dopri5"``, local error below ``atol + rtol |x|`` per step) or
classical RK4 with a fixed step ``dt`` (``method="rk4"``). Either way the
``error`` column is the running sum of the estimated local errors (max
norm): from the embedded 4th-order solution, or for RK4 from step doubling
(Richardson, error ~ 16/15 |x_h - x_{h/2,h/2}|).

Examples
--------
>>> from replicators.egt import MatrixGame, replicator
>>> df = replicator(MatrixGame.hawk_dove(2, 3), [0.1, 0.9], t=100.0)
>>> round(df["hawk"][-1], 8)
0.66666667
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from .. import _core
from .. import _validate as v
from ..errors import ConfigError
from .game import MatrixGame

__all__ = ["mutation_matrix", "replicator", "replicator_mutator"]

METHODS = ("dopri5", "rk4")


def mutation_matrix(n: int, rate: float) -> np.ndarray:
    """Symmetric mutation: keep the strategy with 1 - rate, else any other uniformly.

    Examples
    --------
    >>> mutation_matrix(2, 0.1).tolist()
    [[0.9, 0.1], [0.1, 0.9]]
    """
    n = v.integer("n", n, 1)
    u = v.law("egt.mutation", "mutation", rate)
    v.fits_in_memory("n", n, 8.0 * n * n, f"{n} x {n} matrix")
    if n == 1:
        return np.ones((1, 1))
    q = np.full((n, n), u / (n - 1))
    np.fill_diagonal(q, 1.0 - u)
    return q


def _mutation(g: MatrixGame, mutation: object) -> np.ndarray | None:
    if mutation is None:
        return None
    if isinstance(mutation, (int, float)) and not isinstance(mutation, bool):
        return mutation_matrix(g.strategies, mutation)
    try:
        q = np.array(mutation, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError(
            "mutation: expected a rate in [0, 1] or an n x n matrix of probabilities"
        ) from None
    if q.shape != (g.strategies, g.strategies):
        raise ConfigError(
            f"mutation: a matrix of shape {q.shape} does not fit a game of "
            f"{g.strategies} strategies"
        )
    return q


def _state(g: MatrixGame, x0: object) -> np.ndarray:
    try:
        x = np.array(x0, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ConfigError("x0: expected a sequence of frequencies") from None
    if x.shape != (g.strategies,):
        raise ConfigError(f"x0: {x.size} frequencies for a game of {g.strategies} strategies")
    return x


def replicator(
    game: MatrixGame | Sequence[Sequence[float]],
    x0: Sequence[float],
    t: float | Sequence[float] = 10.0,
    *,
    points: int = 101,
    mutation: float | Sequence[Sequence[float]] | None = None,
    background: float = 0.0,
    discrete: bool = False,
    method: str = "dopri5",
    rtol: float = 1e-10,
    atol: float = 1e-12,
    dt: float = 0.01,
) -> pl.DataFrame:
    """Trajectory of the replicator (or replicator-mutator) dynamics.

    Parameters
    ----------
    game
        A ``MatrixGame`` or its payoff matrix.
    x0
        Initial frequencies (non-negative, summing to 1).
    t
        ODE: the end time (outputs at ``points`` evenly spaced times from 0)
        or the output times themselves (non-decreasing; the first is the
        start). Map (``discrete=True``): the number of generations.
    mutation
        ``None``, a symmetric rate u, or an n x n row-stochastic matrix Q.
    background
        Added to every fitness (matters for the map and for mutation).
    method, rtol, atol, dt
        ODE solver: ``"dopri5"`` (adaptive, tolerances) or ``"rk4"`` (step ``dt``).

    Returns
    -------
    polars.DataFrame
        Columns ``t``, one frequency column per strategy, and (ODE only)
        ``error``, the accumulated error estimate up to ``t``.

    Examples
    --------
    >>> g = MatrixGame([[2, 2], [1, 1]])
    >>> df = replicator(g, [0.5, 0.5], t=100.0, mutation=0.1)
    >>> [round(x, 8) for x in df.select("x0", "x1").row(-1)]
    [0.82169906, 0.17830094]
    >>> round(replicator(g, [0.5, 0.5], t=300, mutation=0.1, discrete=True)["x0"][-1], 8)
    0.82169906
    """
    g = game if isinstance(game, MatrixGame) else MatrixGame(game)  # type: ignore[arg-type]
    x = _state(g, x0)
    q = _mutation(g, mutation)
    b = v.law("egt.background", "background", background)
    if not isinstance(discrete, bool):
        raise ConfigError(f"discrete = {discrete!r} is invalid: expected a bool")
    if discrete:
        steps = v.integer("t", t, 0)
        # The trajectory holds every generation: t, each strategy, and the table built from them.
        v.fits_in_memory("t", t, 8.0 * (steps + 1) * (2 * len(g.names) + 2), f"a trajectory of {steps + 1:,} states")
        states = _core.egt_replicator_map(g.payoffs, x, steps, mutation=q, background=b)
        frame: dict[str, object] = {"t": np.arange(steps + 1, dtype=np.int64)}
        frame.update({name: states[:, i] for i, name in enumerate(g.names)})
        return pl.DataFrame(frame)
    if isinstance(t, (int, float)) and not isinstance(t, bool):
        end = v.at_least("t", t, 0.0)
        n_points = v.integer("points", points, 2)
        v.fits_in_memory("points", points, 8.0 * n_points * (2 * len(g.names) + 4), f"{n_points:,} output times")
        times = np.linspace(0.0, end, n_points)
    else:
        try:
            times = np.array(t, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ConfigError("t: expected an end time or a sequence of output times") from None
        if times.size == 0:
            raise ConfigError("t: expected at least one output time")
    method = v.choice("method", method, METHODS)
    states, error, _ = _core.egt_replicator(
        g.payoffs,
        x,
        times,
        mutation=q,
        background=b,
        method=method,
        rtol=v.law("egt.rtol", "rtol", rtol),
        atol=v.law("egt.atol", "atol", atol),
        dt=v.law("egt.dt", "dt", dt),
    )
    frame = {"t": times}
    frame.update({name: states[:, i] for i, name in enumerate(g.names)})
    frame["error"] = error
    return pl.DataFrame(frame)


def replicator_mutator(
    game: MatrixGame | Sequence[Sequence[float]],
    x0: Sequence[float],
    mutation: float | Sequence[Sequence[float]],
    t: float | Sequence[float] = 10.0,
    **options: object,
) -> pl.DataFrame:
    """The replicator-mutator equation: ``replicator`` with a required ``mutation``.

    Examples
    --------
    >>> df = replicator_mutator([[2, 2], [1, 1]], [0.5, 0.5], 0.1, t=100.0)
    >>> round(df["x0"][-1], 8)
    0.82169906
    """
    if mutation is None:
        raise ConfigError(
            "mutation = None is invalid: expected a rate in [0, 1] or an n x n matrix"
        )
    return replicator(game, x0, t, mutation=mutation, **options)  # type: ignore[arg-type]
