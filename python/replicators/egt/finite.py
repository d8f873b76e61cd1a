"""Finite populations: fixation probabilities and times, exact and by
Monte Carlo, the rare-mutation stationary distribution, and trajectories.

A population of ``N`` individuals, ``k`` of them playing the mutant strategy
A, the others the resident B. Payoffs exclude self-interaction (SPEC
section 3): ``f_k = (a (k-1) + b (N-k)) / (N-1)``, ``g_k = (c k + d (N-k-1)) /
(N-1)``. Fitness is ``1 - w + w * payoff`` (``fitness="linear"``, must stay
positive) or ``exp(w * payoff)`` (``"exponential"``), ``w = intensity``.
One step of each ``process``:

``"moran"`` (birth-death)
    One individual reproduces, chosen with probability proportional to
    fitness; the offspring replaces an individual chosen uniformly among
    all N (possibly its parent). ``T+_k = kF/(kF + (N-k)G) * (N-k)/N``,
    ``T-_k = (N-k)G/(kF + (N-k)G) * k/N``.
``"moran_db"`` (death-birth)
    A uniformly chosen individual dies; the N - 1 others compete for the
    place with probability proportional to their fitness (computed before
    the death). ``T+_k = (N-k)/N * kF/(kF + (N-k-1)G)``,
    ``T-_k = k/N * (N-k)G/((k-1)F + (N-k)G)``.
``"fermi"`` (pairwise comparison)
    A focal individual and a model are drawn uniformly without
    replacement; the focal adopts the model's strategy with probability
    ``1 / (1 + exp(-beta (pi_model - pi_focal)))`` on raw payoffs,
    ``beta = intensity`` (``fitness`` is not used).
``"wright_fisher"``
    The whole population is replaced each generation; each offspring picks
    a parent with probability proportional to fitness:
    ``k' ~ Binomial(N, kF / (kF + (N-k)G))``.

Times count steps of the process (one Moran event, one comparison, one
generation). Exact values come from the birth-death formulas in log space
(Moran, Fermi) or from solving the absorbing Wright-Fisher chain.

Examples
--------
>>> from replicators.egt import MatrixGame, fixation_probability
>>> round(fixation_probability(MatrixGame.constant(2.0), 10, 1.0), 12)
0.500488758553
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass

import numpy as np
import polars as pl

from .. import _core
from .. import _validate as v
from ..errors import ConfigError, invalid
from .game import MatrixGame

__all__ = [
    "FITNESS_MAPS",
    "PROCESSES",
    "FixationEstimate",
    "FixationTimes",
    "fixation_matrix",
    "fixation_probability",
    "fixation_times",
    "simulate_fixation",
    "simulate_population",
    "stationary_distribution",
]

PROCESSES: tuple[str, ...] = tuple(_core.names("egt.process"))
FITNESS_MAPS: tuple[str, ...] = tuple(_core.names("egt.fitness"))


def _game(game: object) -> MatrixGame:
    if isinstance(game, MatrixGame):
        return game
    return MatrixGame(game)  # type: ignore[arg-type]


def _chain(
    game: object, population: object, intensity: object, process: object, fitness: object
) -> tuple[MatrixGame, int, float, str, str]:
    g = _game(game)
    return (
        g,
        v.law("egt.population", "population", population),
        v.law("egt.intensity", "intensity", intensity),
        v.choice("process", process, PROCESSES),
        v.choice("fitness", fitness, FITNESS_MAPS),
    )


def _pair(g: MatrixGame, mutant: object, resident: object) -> tuple[int, int]:
    n = g.strategies
    m = v.integer("mutant", mutant, 0, n - 1)
    r = v.integer("resident", resident, 0, n - 1)
    if m == r:
        raise ConfigError(
            f"mutant = {m} is invalid: expected a strategy different from resident = {r}"
        )
    return m, r


def _exact(
    game, population, intensity, process, mutant, resident, fitness
) -> tuple[float, float, float]:
    g, n, w, p, f = _chain(game, population, intensity, process, fitness)
    m, r = _pair(g, mutant, resident)
    return _core.egt_fixation(g.payoffs, n, w, p, f, m, r)


def fixation_probability(
    game: MatrixGame | Sequence[Sequence[float]],
    population: int,
    intensity: float,
    process: str = "moran",
    mutant: int = 0,
    resident: int = 1,
    *,
    fitness: str = "linear",
) -> float:
    """Exact probability that one ``mutant`` takes over a ``resident`` population.

    Parameters
    ----------
    game
        A ``MatrixGame`` (or its payoff matrix); only the 2 x 2 sub-game of
        ``mutant`` and ``resident`` matters.
    population
        N >= 2.
    intensity
        Selection intensity w >= 0 (beta for ``"fermi"``).
    process
        ``"moran"``, ``"moran_db"``, ``"fermi"`` or ``"wright_fisher"``
        (module docstring; Wright-Fisher is solved exactly for N <= 2000).
    fitness
        ``"linear"`` (1 - w + w * payoff) or ``"exponential"`` (exp(w * payoff)).

    Examples
    --------
    >>> g = MatrixGame([[1, 1], [1, 1]])
    >>> [round(fixation_probability(g, 10, 0.5, p), 12) for p in ("moran", "fermi", "moran_db")]
    [0.1, 0.1, 0.1]
    """
    return _exact(game, population, intensity, process, mutant, resident, fitness)[0]


@dataclass(frozen=True)
class FixationTimes:
    """Mean numbers of steps from one mutant.

    ``absorption`` is unconditional (until fixation or extinction);
    ``fixation`` is conditional on the mutant fixing.
    """

    absorption: float
    fixation: float


def fixation_times(
    game: MatrixGame | Sequence[Sequence[float]],
    population: int,
    intensity: float,
    process: str = "moran",
    mutant: int = 0,
    resident: int = 1,
    *,
    fitness: str = "linear",
) -> FixationTimes:
    """Exact mean absorption and conditional fixation times of one mutant.

    Steps of the process: one Moran event, one pairwise comparison, one
    Wright-Fisher generation. Birth-death processes use the Traulsen-Hauert
    and Antal-Scheuring sums; Wright-Fisher solves its absorbing chain.

    Examples
    --------
    >>> t = fixation_times(MatrixGame([[1, 1], [1, 1]]), 10, 1.0)   # neutral Moran
    >>> round(t.absorption, 10), round(t.fixation, 10)
    (28.2896825397, 90.0)
    """
    _, a, f = _exact(game, population, intensity, process, mutant, resident, fitness)
    return FixationTimes(absorption=a, fixation=f)


@dataclass(frozen=True, eq=False)
class FixationEstimate:
    """A Monte Carlo estimate of fixation, with standard errors.

    ``stderr`` is the binomial standard error sqrt(p (1 - p) / runs). Times
    (steps of the full chain) are NaN unless ``times=True``; the conditional
    fixation time is NaN if no run fixed. Two estimates are equal when
    every field is, NaN included (so reproducibility reads ``a == b``).
    """

    probability: float
    stderr: float
    runs: int
    fixations: int
    absorption_time: float = float("nan")
    absorption_time_stderr: float = float("nan")
    fixation_time: float = float("nan")
    fixation_time_stderr: float = float("nan")

    def _key(self) -> tuple[object, ...]:
        return tuple("nan" if isinstance(x, float) and math.isnan(x) else x for x in astuple(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FixationEstimate) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def z_score(self, exact: float) -> float:
        """(estimate - exact) / stderr: within +-4 for a correct simulation.

        Examples
        --------
        >>> est = FixationEstimate(probability=0.12, stderr=0.01, runs=1000, fixations=120)
        >>> round(est.z_score(0.1), 9)
        2.0
        """
        return (self.probability - exact) / self.stderr if self.stderr > 0 else float("nan")


def simulate_fixation(
    game: MatrixGame | Sequence[Sequence[float]],
    population: int,
    intensity: float,
    process: str = "moran",
    mutant: int = 0,
    resident: int = 1,
    *,
    fitness: str = "linear",
    runs: int = 10_000,
    seed: int = 0,
    threads: int | None = None,
    times: bool = False,
    target_stderr: float | None = None,
    max_runs: int = 10_000_000,
    max_steps: int = 1_000_000_000,
    progress: Callable[[int], object] | None = None,
) -> FixationEstimate:
    """Monte Carlo estimate of the fixation probability (and times) of one mutant.

    Birth-death processes are simulated as their embedded jump chain (steps
    that change nothing are skipped: the same Markov chain, absorbed in the
    same state); with ``times=True`` each visit also draws its geometric
    holding time, so times are those of the full chain. Wright-Fisher runs
    generation by generation. Run ``r`` uses its own random stream of
    ``seed``: the result does not depend on ``threads``.

    Parameters
    ----------
    runs
        Independent runs (>= 1); with ``target_stderr``, the batch size.
    seed
        Any integer in [0, 2**64).
    threads
        Worker threads (``None``: all cores).
    times
        Also estimate the mean absorption and conditional fixation times.
    target_stderr
        If given, add batches of ``runs`` until the standard error (computed
        from (fixations + 1) / (runs + 2), so zero fixations do not look
        exact) is at most this, or ``max_runs`` is reached.
    max_steps
        Changes of state allowed in one run before giving up with an error.
    progress
        Called with the number of runs completed since the last call.

    Examples
    --------
    >>> g = MatrixGame([[1, 1], [1, 1]])
    >>> est = simulate_fixation(g, 100, 1.0, "fermi", runs=20_000, seed=1)
    >>> abs(est.z_score(0.01)) < 4
    True
    >>> one, two = (simulate_fixation(g, 100, 1.0, "fermi", runs=2000, seed=1, threads=k)
    ...             for k in (1, 2))
    >>> one == two
    True
    """
    g, n, w, p, f = _chain(game, population, intensity, process, fitness)
    m, r = _pair(g, mutant, resident)
    runs = v.law("egt.runs", "runs", runs)
    if target_stderr is not None:
        target_stderr = v.law("egt.target_stderr", "target_stderr", target_stderr)
        max_runs = v.integer("max_runs", max_runs, runs)
    else:
        max_runs = v.integer("max_runs", max_runs, 1)
    if not isinstance(times, bool):
        raise ConfigError(f"times = {times!r} is invalid: expected a bool")
    out = _core.egt_fixation_mc(
        g.payoffs,
        n,
        w,
        p,
        f,
        m,
        r,
        runs,
        v.seed("seed", seed),
        threads=v.threads(threads),
        times=times,
        target_stderr=target_stderr,
        max_runs=max_runs,
        max_steps=v.law("egt.max_steps", "max_steps", max_steps),
        progress=progress,
    )
    total, fixations, prob, se, a, a_se, t, t_se = out
    return FixationEstimate(
        probability=prob,
        stderr=se,
        runs=total,
        fixations=fixations,
        absorption_time=a,
        absorption_time_stderr=a_se,
        fixation_time=t,
        fixation_time_stderr=t_se,
    )


def fixation_matrix(
    game: MatrixGame | Sequence[Sequence[float]],
    population: int,
    intensity: float,
    process: str = "moran",
    *,
    fitness: str = "linear",
) -> np.ndarray:
    """``rho[i, j]``: exact fixation probability of one ``i`` among ``j`` residents.

    The diagonal holds 1/N (a mutant identical to the residents).

    Examples
    --------
    >>> fixation_matrix(MatrixGame([[1, 1], [1, 1]]), 4, 1.0).tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    """
    g, n, w, p, f = _chain(game, population, intensity, process, fitness)
    return _core.egt_stationary(g.payoffs, n, w, p, f)[1]


def stationary_distribution(
    game: MatrixGame | Sequence[Sequence[float]],
    population: int,
    intensity: float,
    process: str = "moran",
    *,
    fitness: str = "linear",
) -> pl.DataFrame:
    """Share of time in each monomorphic state when mutations are rare.

    In the small-mutation limit (Fudenberg & Imhof 2006) the population
    moves between monomorphic states: from resident ``j`` to ``i`` with
    probability ``rho[i, j] / (n - 1)`` per mutation (the mutant's strategy
    is uniform among the others). Works for any n and any process.

    Returns
    -------
    polars.DataFrame
        Columns ``strategy`` (name) and ``probability``.

    Examples
    --------
    >>> pi = stationary_distribution(MatrixGame.rock_paper_scissors(), 20, 1.0, "fermi")
    >>> pi["probability"].round(6).to_list()
    [0.333333, 0.333333, 0.333333]
    """
    g, n, w, p, f = _chain(game, population, intensity, process, fitness)
    pi, _ = _core.egt_stationary(g.payoffs, n, w, p, f)
    return pl.DataFrame({"strategy": list(g.names), "probability": pi})


def simulate_population(
    game: MatrixGame | Sequence[Sequence[float]],
    initial: Sequence[int],
    intensity: float,
    process: str = "moran",
    *,
    fitness: str = "linear",
    mutation: float = 0.0,
    steps: int = 1000,
    record_every: int = 1,
    runs: int = 1,
    seed: int = 0,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> pl.DataFrame:
    """Trajectories of a finite population of n strategies, with mutation.

    ``initial`` gives the count of each strategy (their sum is N >= 2). With
    probability ``mutation`` an offspring (Moran, Wright-Fisher) or an
    updating individual (Fermi) takes one of the other strategies, chosen
    uniformly. Wright-Fisher resamples all N each step (multinomial).

    Returns
    -------
    polars.DataFrame
        Columns ``run``, ``step``, then one count column per strategy.

    Examples
    --------
    >>> g = MatrixGame.hawk_dove(2, 3)
    >>> df = simulate_population(g, [50, 50], 1.0, "wright_fisher", fitness="exponential",
    ...                          mutation=0.01, steps=200, record_every=50, seed=3)
    >>> df.columns, df.height
    (['run', 'step', 'hawk', 'dove'], 5)
    >>> bool((df["hawk"] + df["dove"] == 100).all())
    True
    """
    g = _game(game)
    w = v.law("egt.intensity", "intensity", intensity)
    p = v.choice("process", process, PROCESSES)
    f = v.choice("fitness", fitness, FITNESS_MAPS)
    if isinstance(initial, (str, bytes)) or not isinstance(initial, Iterable):
        raise invalid("initial", initial, f"a count per strategy ({g.strategies})")
    counts = list(initial)
    if len(counts) != g.strategies:
        raise ConfigError(f"initial: {len(counts)} counts for a game of {g.strategies} strategies")
    counts = [v.integer(f"initial[{i}]", c, 0) for i, c in enumerate(counts)]
    if sum(counts) < 2:
        raise ConfigError(
            f"population = {sum(counts)} (sum of initial) is invalid: expected an integer >= 2"
        )
    steps = v.integer("steps", steps, 0)
    every = v.law("egt.record_every", "record_every", record_every)
    runs = v.law("egt.runs", "runs", runs)
    x = _core.egt_population(
        g.payoffs,
        counts,
        w,
        p,
        f,
        v.law("egt.mutation", "mutation", mutation),
        steps,
        every,
        runs,
        v.seed("seed", seed),
        threads=v.threads(threads),
        progress=progress,
    )
    r, k, _n = x.shape
    frame = {
        "run": np.repeat(np.arange(r, dtype=np.int64), k),
        "step": np.tile(np.arange(k, dtype=np.int64) * every, r),
    }
    for i, name in enumerate(g.names):
        frame[name] = x[:, :, i].reshape(-1).astype(np.int64)
    return pl.DataFrame(frame)
