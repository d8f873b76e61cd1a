"""replicators.egt against closed forms, Monte Carlo, and bad input.

Expected values are computed here from the textbook formulas in plain
floating point (independently of the core's log-space code), or taken from
SPEC section 3. Monte Carlo checks use |z| < 4.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import pytest
from replicators.egt import (
    MatrixGame,
    fixation_matrix,
    fixation_probability,
    fixation_times,
    replicator,
    replicator_mutator,
    simulate_fixation,
    simulate_population,
    stationary_distribution,
)
from replicators.errors import ConfigError, UnknownNameError

NEUTRAL = MatrixGame([[1, 1], [1, 1]])
GAMES = {
    "prisoners_dilemma": [[3, 0], [5, 1]],
    "stag_hunt": [[4, 1], [3, 2]],
    "hawk_dove": [[-0.5, 2], [0, 1]],
    "coordination": [[2, 0], [0, 1]],
}


# ---- closed forms, computed independently ------------------------------------------


def payoffs(game, k, n):
    (a, b), (c, d) = game
    return (a * (k - 1) + b * (n - k)) / (n - 1), (c * k + d * (n - k - 1)) / (n - 1)


def rates(game, n, w, process, fitness="linear"):
    """T+_k, T-_k for k = 1..N-1, straight from the documented definitions."""
    fit = (lambda p: 1 - w + w * p) if fitness == "linear" else (lambda p: math.exp(w * p))
    up, down = [], []
    for k in range(1, n):
        f, g = payoffs(game, k, n)
        F, G = fit(f), fit(g)
        if process == "moran":
            t = k * F + (n - k) * G
            up.append(k * F / t * (n - k) / n)
            down.append((n - k) * G / t * k / n)
        elif process == "moran_db":
            up.append((n - k) / n * k * F / (k * F + (n - k - 1) * G))
            down.append(k / n * (n - k) * G / ((k - 1) * F + (n - k) * G))
        else:  # fermi
            meet = k * (n - k) / (n * (n - 1))
            up.append(meet / (1 + math.exp(-w * (f - g))))
            down.append(meet / (1 + math.exp(w * (f - g))))
    return up, down


def rho_formula(game, n, w, process, fitness="linear"):
    """SPEC: rho = 1 / (1 + sum_k prod_{i<=k} T-_i / T+_i)."""
    up, down = rates(game, n, w, process, fitness)
    total, prod = 1.0, 1.0
    for u, d in zip(up, down):
        prod *= d / u
        total += prod
    return 1 / total


def absorbing_solve(transient, to_top):
    """(fixation prob, absorption time, conditional fixation time) from state 1."""
    m = len(to_top)
    a = np.eye(m) - np.asarray(transient)
    h = np.linalg.solve(a, to_top)
    t = np.linalg.solve(a, np.ones(m))
    y = np.linalg.solve(a, h)
    return h[0], t[0], y[0] / h[0]


def birth_death_by_solve(game, n, w, process):
    """Solve the tridiagonal absorbing chain in exact rational arithmetic
    (a float solve loses the conditional time when rho ~ 1e-15)."""
    up, down = (list(map(Fraction, x)) for x in rates(game, n, w, process))
    m = n - 1
    diag = [up[i] + down[i] for i in range(m)]  # (I - Q) on the diagonal
    lower = [-down[i] for i in range(m)]  # row i, column i - 1
    upper = [-up[i] for i in range(m)]  # row i, column i + 1

    def solve(rhs):  # Thomas algorithm
        c, d = [Fraction(0)] * m, [Fraction(0)] * m
        for i in range(m):
            denom = diag[i] - (lower[i] * c[i - 1] if i else 0)
            c[i] = upper[i] / denom if i < m - 1 else Fraction(0)
            d[i] = (rhs[i] - (lower[i] * d[i - 1] if i else 0)) / denom
        x = [Fraction(0)] * m
        for i in reversed(range(m)):
            x[i] = d[i] - (c[i] * x[i + 1] if i < m - 1 else 0)
        return x

    h = solve([Fraction(0)] * (m - 1) + [up[m - 1]])
    t = solve([Fraction(1)] * m)
    y = solve(h)
    return float(h[0]), float(t[0]), float(y[0] / h[0])


def wright_fisher_by_solve(game, n, w):
    q = np.zeros((n - 1, n - 1))
    r = np.zeros(n - 1)
    for k in range(1, n):
        f, g = payoffs(game, k, n)
        F, G = 1 - w + w * f, 1 - w + w * g
        p = k * F / (k * F + (n - k) * G)
        for j in range(1, n):
            q[k - 1, j - 1] = math.comb(n, j) * p**j * (1 - p) ** (n - j)
        r[k - 1] = p**n
    return absorbing_solve(q, r)


# ---- SPEC reference values ---------------------------------------------------------


def test_spec_constant_fitness_moran():
    assert fixation_probability(MatrixGame.constant(2.0), 10, 1.0) == pytest.approx(
        0.500488758553, abs=1e-12
    )


@pytest.mark.parametrize("process", ["moran", "moran_db", "fermi", "wright_fisher"])
@pytest.mark.parametrize("n", [2, 10, 57])
def test_neutral_processes_give_one_over_n(process, n):
    assert fixation_probability(NEUTRAL, n, 0.8, process) == pytest.approx(1 / n, rel=1e-12)


def test_spec_neutral_moran_times():
    t = fixation_times(NEUTRAL, 10, 1.0, "moran")
    assert t.absorption == pytest.approx(28.2896825397, abs=1e-9)
    assert t.fixation == pytest.approx(90.0, abs=1e-9)
    for n in (5, 20, 64):  # N * H_(N-1) and N (N - 1)
        t = fixation_times(NEUTRAL, n, 0.3, "moran")
        assert t.absorption == pytest.approx(n * sum(1 / j for j in range(1, n)), rel=1e-12)
        assert t.fixation == pytest.approx(n * (n - 1), rel=1e-12)


# ---- a grid of our own from the formulas -------------------------------------------


@pytest.mark.parametrize("n", [3, 10, 31])
@pytest.mark.parametrize("r", [0.7, 1.05, 2.0, 3.0])
def test_constant_fitness_grid(n, r):
    expected = (1 - 1 / r) / (1 - 1 / r**n)
    assert fixation_probability(MatrixGame.constant(r), n, 1.0, "moran") == pytest.approx(
        expected, rel=1e-11
    )


@pytest.mark.parametrize("game", GAMES, ids=list(GAMES))
@pytest.mark.parametrize("process", ["moran", "moran_db", "fermi"])
@pytest.mark.parametrize("n, w", [(4, 0.1), (12, 0.5), (40, 0.9), (25, 1.0)])
def test_frequency_dependent_grid(game, process, n, w):
    a = GAMES[game]
    # The Moran processes need positive linear fitness: hawk-dove at w = 1 has payoff -0.5.
    if process != "fermi" and min(1 - w + w * x for row in a for x in row) <= 0:
        with pytest.raises(ConfigError, match="intensity"):
            fixation_probability(a, n, w, process)
        return
    assert fixation_probability(a, n, w, process) == pytest.approx(
        rho_formula(a, n, w, process), rel=1e-10
    )
    _rho, t_abs, t_fix = birth_death_by_solve(a, n, w, process)
    t = fixation_times(a, n, w, process)
    assert t.absorption == pytest.approx(t_abs, rel=1e-8)
    assert t.fixation == pytest.approx(t_fix, rel=1e-8)


@pytest.mark.parametrize("game", ["prisoners_dilemma", "stag_hunt", "coordination"])
@pytest.mark.parametrize("n, w", [(5, 0.2), (20, 0.6)])
def test_wright_fisher_grid(game, n, w):
    rho, t_abs, t_fix = wright_fisher_by_solve(GAMES[game], n, w)
    assert fixation_probability(GAMES[game], n, w, "wright_fisher") == pytest.approx(rho, rel=1e-9)
    t = fixation_times(GAMES[game], n, w, "wright_fisher")
    assert (t.absorption, t.fixation) == pytest.approx((t_abs, t_fix), rel=1e-8)


def test_exponential_fitness_and_strategy_indices():
    a = [
        [0, 9, 9],
        [9, 3, 0],
        [9, 5, 1],
    ]  # the (mutant 1, resident 2) sub-game is prisoner's dilemma
    got = fixation_probability(a, 15, 0.3, "moran", mutant=1, resident=2, fitness="exponential")
    assert got == pytest.approx(
        rho_formula([[3, 0], [5, 1]], 15, 0.3, "moran", "exponential"), rel=1e-10
    )


def test_strong_selection_stays_finite():
    rho = fixation_probability(GAMES["prisoners_dilemma"], 2000, 50.0, "fermi")
    assert 0.0 <= rho < 1e-300
    t = fixation_times(GAMES["prisoners_dilemma"], 2000, 50.0, "fermi")
    assert math.isfinite(t.absorption) and math.isfinite(t.fixation)
    assert (
        fixation_probability(GAMES["prisoners_dilemma"], 2000, 50.0, "fermi", mutant=1, resident=0)
        > 0.99
    )


# ---- Monte Carlo ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "process, game, n, w",
    [
        ("moran", GAMES["stag_hunt"], 12, 0.5),
        ("moran_db", GAMES["prisoners_dilemma"], 10, 0.2),
        ("fermi", GAMES["hawk_dove"], 15, 1.0),
        ("wright_fisher", GAMES["coordination"], 10, 0.5),
        ("moran", [[1.5, 1.5], [1, 1]], 20, 1.0),
    ],
)
def test_monte_carlo_agrees_with_exact_within_four_stderr(process, game, n, w):
    est = simulate_fixation(game, n, w, process, runs=40_000, seed=2024, times=True)
    assert est.runs == 40_000
    assert abs(est.z_score(fixation_probability(game, n, w, process))) < 4
    t = fixation_times(game, n, w, process)
    assert abs(est.absorption_time - t.absorption) < 4 * est.absorption_time_stderr
    assert abs(est.fixation_time - t.fixation) < 4 * est.fixation_time_stderr


def test_monte_carlo_neutral_fermi_benchmark_chain():
    est = simulate_fixation(NEUTRAL, 100, 1.0, "fermi", runs=20_000, seed=5)
    assert abs(est.z_score(0.01)) < 4


@pytest.mark.parametrize("process", ["moran", "fermi", "wright_fisher"])
def test_same_seed_same_numbers_whatever_the_threads(process):
    runs = [
        simulate_fixation(
            GAMES["stag_hunt"], 30, 0.4, process, runs=5000, seed=99, threads=k, times=True
        )
        for k in (1, 2, 1)
    ]
    assert runs[0] == runs[1] == runs[2]
    other = simulate_fixation(
        GAMES["stag_hunt"], 30, 0.4, process, runs=5000, seed=100, threads=2, times=True
    )
    assert other != runs[0]


def test_target_stderr_runs_until_reached():
    est = simulate_fixation(NEUTRAL, 10, 1.0, runs=2000, seed=1, target_stderr=0.002)
    assert est.stderr <= 0.0021 and est.runs % 2000 == 0 and est.runs > 2000
    assert abs(est.z_score(0.1)) < 4
    again = simulate_fixation(NEUTRAL, 10, 1.0, runs=2000, seed=1, target_stderr=0.002, threads=1)
    assert again == est
    capped = simulate_fixation(
        NEUTRAL, 10, 1.0, runs=1000, seed=1, target_stderr=1e-6, max_runs=5000
    )
    assert capped.runs == 5000


def test_progress_callback_errors_stop_a_long_run():
    seen = []

    def stop(done):
        seen.append(done)
        raise RuntimeError("stop here")

    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="stop here"):
        simulate_fixation(GAMES["hawk_dove"], 60, 0.1, "fermi", runs=10**9, seed=0, progress=stop)
    assert seen and time.perf_counter() - start < 10


# ---- stationary distribution ----------------------------------------------------------


def test_stationary_distribution_two_and_three_strategies():
    g = MatrixGame(GAMES["stag_hunt"], names=["stag", "hare"])
    pi = stationary_distribution(g, 20, 0.5, "fermi")
    assert pi["strategy"].to_list() == ["stag", "hare"]
    rho = fixation_matrix(g, 20, 0.5, "fermi")
    p = pi["probability"].to_numpy()
    assert p[0] / p[1] == pytest.approx(rho[0, 1] / rho[1, 0], rel=1e-10)
    # Three strategies: compare with a numpy eigenvector of the embedded chain.
    a = [[1, 2, 0.5], [0.5, 1, 3], [2, 0, 1]]
    for process in ("moran", "moran_db", "fermi", "wright_fisher"):
        rho = fixation_matrix(a, 12, 0.3, process)
        t = rho.T / 2
        np.fill_diagonal(t, 0)
        np.fill_diagonal(t, 1 - t.sum(axis=1))
        vals, vecs = np.linalg.eig(t.T)
        ref = np.real(vecs[:, np.argmin(abs(vals - 1))])
        ref /= ref.sum()
        got = stationary_distribution(a, 12, 0.3, process)["probability"].to_numpy()
        assert got == pytest.approx(ref, abs=1e-12)
    rps = stationary_distribution(
        MatrixGame.rock_paper_scissors(), 30, 1.0, "moran", fitness="exponential"
    )
    assert rps["probability"].to_numpy() == pytest.approx([1 / 3] * 3, abs=1e-12)


def test_rare_mutation_simulation_approaches_the_stationary_distribution():
    # Weak selection and a small population, so that many mutants fix within
    # the run; the rare-mutation approximation error is O(u N t_abs) ~ 1e-3.
    g = MatrixGame(GAMES["stag_hunt"])
    pi = stationary_distribution(g, 6, 0.5, "fermi")["probability"][0]
    runs = 16
    df = simulate_population(
        g, [6, 0], 0.5, "fermi", mutation=1e-4, steps=2_000_000, record_every=50, runs=runs, seed=4
    )
    per_run = (df["x0"] / 6).to_numpy().reshape(runs, -1).mean(axis=1)
    se = per_run.std(ddof=1) / math.sqrt(runs)
    assert abs(per_run.mean() - pi) < 4 * se + 0.01, (per_run.mean(), se, pi)


# ---- finite-population trajectories ----------------------------------------------------


@pytest.mark.parametrize("process", ["moran", "moran_db", "fermi", "wright_fisher"])
def test_population_trajectories(process):
    g = MatrixGame.rock_paper_scissors()
    kw = {
        "fitness": "exponential",
        "mutation": 0.02,
        "steps": 400,
        "record_every": 40,
        "runs": 3,
        "seed": 8,
    }
    df = simulate_population(g, [20, 20, 20], 0.5, process, threads=1, **kw)
    assert df.columns == ["run", "step", "rock", "paper", "scissors"]
    assert df.height == 3 * 11
    assert ((df["rock"] + df["paper"] + df["scissors"]) == 60).all()
    assert df.equals(simulate_population(g, [20, 20, 20], 0.5, process, threads=2, **kw))
    # Without mutation a monomorphic population stays put.
    still = simulate_population(g, [60, 0, 0], 0.5, process, steps=100, seed=1)
    assert (still["rock"] == 60).all()


def test_wright_fisher_neutral_mutation_balance():
    # Neutral WF with symmetric mutation u: the mean frequency stays at 1/2 by symmetry.
    df = simulate_population(
        NEUTRAL,
        [50, 50],
        1.0,
        "wright_fisher",
        mutation=0.01,
        steps=2000,
        record_every=10,
        runs=20,
        seed=6,
    )
    x = (df["x0"] / 100).to_numpy().reshape(20, -1)[:, 20:].mean(axis=1)  # per-run time averages
    assert abs(x.mean() - 0.5) < 4 * x.std(ddof=1) / math.sqrt(len(x))


# ---- replicator dynamics ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["dopri5", "rk4"])
def test_rock_paper_scissors_conserves_the_product(method):
    df = replicator(
        MatrixGame.rock_paper_scissors(2.0, 2.0),
        [0.6, 0.3, 0.1],
        t=50.0,
        points=501,
        method=method,
        dt=0.005,
    )
    prod = (df["rock"] * df["paper"] * df["scissors"]).to_numpy()
    assert np.max(np.abs(prod - prod[0])) < 1e-8
    assert df["error"][-1] < 1e-7
    assert df["t"][-1] == 50.0


def test_rock_paper_scissors_spirals_when_a_differs_from_b():
    # a > b: the interior point attracts, so the product grows.
    df = replicator(MatrixGame.rock_paper_scissors(2.0, 1.0), [0.6, 0.3, 0.1], t=50.0)
    prod = (df["rock"] * df["paper"] * df["scissors"]).to_numpy()
    assert prod[-1] > prod[0] * 2


@pytest.mark.parametrize("v_, c", [(2, 3), (1, 4), (3, 5)])
def test_hawk_dove_reaches_v_over_c(v_, c):
    df = replicator(MatrixGame.hawk_dove(v_, c), [0.95, 0.05], t=300.0)
    assert df["hawk"][-1] == pytest.approx(v_ / c, abs=1e-8)
    df = replicator(MatrixGame.hawk_dove(v_, c), [0.2, 0.8], t=3000, discrete=True, background=c)
    assert df["hawk"][-1] == pytest.approx(v_ / c, abs=1e-8)


def test_replicator_mutator_spec_fixed_point():
    expected = (0.82169906, 0.17830094)
    ode = replicator_mutator([[2, 2], [1, 1]], [0.1, 0.9], 0.1, t=100.0)
    assert (ode["x0"][-1], ode["x1"][-1]) == pytest.approx(expected, abs=1e-8)
    q = [[0.9, 0.1], [0.1, 0.9]]
    disc = replicator([[2, 2], [1, 1]], [0.1, 0.9], t=400, mutation=q, discrete=True)
    assert (disc["x0"][-1], disc["x1"][-1]) == pytest.approx(expected, abs=1e-8)
    # Closed form: the positive root of x^2 - 0.7 x - 0.1 = 0.
    assert expected[0] == pytest.approx((0.7 + math.sqrt(0.89)) / 2, abs=1e-8)


def test_replicator_output_times_and_rk4_error_estimate_is_honest():
    g = MatrixGame.hawk_dove(2, 3)
    ref = replicator(g, [0.3, 0.7], t=[0.0, 0.5, 2.0, 7.5])
    assert ref["t"].to_list() == [0.0, 0.5, 2.0, 7.5]
    coarse = replicator(g, [0.3, 0.7], t=[0.0, 0.5, 2.0, 7.5], method="rk4", dt=0.25)
    actual = abs(coarse["hawk"][-1] - ref["hawk"][-1])
    assert actual <= coarse["error"][-1] * 10 and coarse["error"][-1] < 1e-3


# ---- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: fixation_probability(NEUTRAL, 1, 1.0), "population"),
        (lambda: fixation_probability(NEUTRAL, -5, 1.0), "population"),
        (lambda: fixation_probability(NEUTRAL, 2**70, 1.0), "population"),
        (lambda: fixation_probability([[1, float("nan")], [1, 1]], 10, 1.0), r"payoffs\[0\]\[1\]"),
        (lambda: fixation_probability(NEUTRAL, 10, -0.1), "intensity"),
        (lambda: fixation_probability(NEUTRAL, 10, float("nan")), "intensity"),
        (lambda: fixation_probability([[1, 2, 3], [4, 5, 6]], 10, 1.0), "payoffs"),
        (lambda: fixation_probability([], 10, 1.0), "payoffs"),
        (lambda: fixation_probability(NEUTRAL, 10, 1.0, mutant=0, resident=0), "mutant"),
        (lambda: fixation_probability(NEUTRAL, 10, 1.0, mutant=2), "mutant"),
        (lambda: fixation_probability([[-3, -3], [1, 1]], 10, 1.0), "intensity"),
        (lambda: fixation_probability(NEUTRAL, 5000, 1.0, "wright_fisher"), "population"),
        (lambda: simulate_fixation(NEUTRAL, 10, 1.0, runs=0), "runs"),
        (lambda: simulate_fixation(NEUTRAL, 10, 1.0, seed=-1), "seed"),
        (lambda: simulate_fixation(NEUTRAL, 10, 1.0, threads=0), "threads"),
        (lambda: simulate_fixation(NEUTRAL, 10, 1.0, target_stderr=0.0), "target_stderr"),
        (lambda: simulate_fixation(NEUTRAL, 10, 1.0, max_steps=0), "max_steps"),
        (
            lambda: simulate_fixation(
                GAMES["hawk_dove"], 200, 30.0, "fermi", runs=1, max_steps=1000
            ),
            "max_steps",
        ),
        (lambda: replicator(NEUTRAL, [0.5, 0.6]), "x0"),
        (lambda: replicator(NEUTRAL, [0.5, 0.25, 0.25]), "x0"),
        (lambda: replicator(NEUTRAL, [0.5, 0.5], mutation=[[0.5, 0.6], [0.5, 0.5]]), "mutation"),
        (lambda: replicator(NEUTRAL, [0.5, 0.5], mutation=1.5), "mutation"),
        (lambda: replicator(NEUTRAL, [0.5, 0.5], method="rk4", dt=0), "dt"),
        (
            lambda: replicator(MatrixGame.hawk_dove(2, 3), [0.9, 0.1], t=5, discrete=True),
            "background",
        ),
        (lambda: simulate_population(NEUTRAL, [1, 0], 1.0), "population"),
        (lambda: simulate_population(NEUTRAL, [5, 5], 1.0, mutation=2.0), "mutation"),
        (lambda: MatrixGame([[1, 2], [3, 4]], names=["a", "a"]), "names"),
    ],
)
def test_bad_input_names_the_field(call, field):
    with pytest.raises(ConfigError, match=field):
        call()


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: fixation_probability(NEUTRAL, 10, 1.0, "moran_bd"), "process"),
        (lambda: simulate_fixation(NEUTRAL, 10, 1.0, "metropolis"), "process"),
        (lambda: fixation_probability(NEUTRAL, 10, 1.0, fitness="power"), "fitness"),
        (lambda: replicator(NEUTRAL, [0.5, 0.5], method="euler"), "method"),
    ],
)
def test_unknown_names_list_the_known_ones(call, field):
    with pytest.raises(UnknownNameError, match=f"{field}.*expected one of"):
        call()


def test_core_rejects_bad_input_directly():
    # The bindings are not a way around validation.
    from replicators import _core

    with pytest.raises(ConfigError, match="population"):
        _core.egt_fixation(np.ones((2, 2)), 1, 1.0, "moran", "linear", 0, 1)
    with pytest.raises(ConfigError, match="payoffs"):
        _core.egt_fixation(np.ones((2, 3)), 10, 1.0, "moran", "linear", 0, 1)
    with pytest.raises(ConfigError, match=r"payoffs\[1\]\[1\]"):
        _core.egt_fixation(np.array([[1, 1], [1, np.inf]]), 10, 1.0, "moran", "linear", 0, 1)
    with pytest.raises(ConfigError, match="runs"):
        _core.egt_fixation_mc(np.ones((2, 2)), 10, 1.0, "fermi", "linear", 0, 1, 0, 1)
    with pytest.raises(UnknownNameError, match="process"):
        _core.egt_stationary(np.ones((2, 2)), 10, 1.0, "nope", "linear")
