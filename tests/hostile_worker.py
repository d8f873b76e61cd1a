"""The hostile-input worker (run by ``tests/test_hostile_fuzz.py`` in a
subprocess, so that a crash or a hang fails a test instead of the suite).

For each public entry point of a group, hypothesis draws calls whose
arguments are valid small defaults with one to three of them replaced by
hostile values (negative, huge, beyond 64 bits, NaN, infinities, wrong
types, unknown names, empty or ragged containers). Every call must either
return (small and finite where it computes numbers) or raise a
``ReplicatorsError`` naming a field; a call still running after
``OVERTIME`` seconds gets the equivalent of Ctrl-C (SIGALRM raising
``Overtime``) and must stop within ``LATENCY`` seconds. Anything else (a
``PanicException``, a bare ``OverflowError``, ``TypeError``, a NaN in a
result, a late stop) is a failure, recorded with the call.

Usage: ``python tests/hostile_worker.py GROUP EXAMPLES``. Prints
``case <n> <entry>`` before each call (the parent reports the last one if
the process dies) and a final JSON line ``{"cases": ..., "failures": [...]}``.
"""

from __future__ import annotations

import inspect
import json
import math
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import replicators as r
from replicators import analytic, charts, connect4, egt, experiments, personas
from replicators.errors import ReplicatorsError

OVERTIME = 1.5
LATENCY = 1.0


class Overtime(BaseException):
    """Raised by SIGALRM: a call that ran past OVERTIME (our Ctrl-C; like
    KeyboardInterrupt, not an ``Exception``, so no ``except Exception``
    swallows it)."""


_fired: list[float] = []


_in_call = [False]


def _alarm(signum: int, frame: Any) -> None:
    """The first alarm raises; later ones (every 0.25 s) raise again only
    if the call is still running half a second on: Python drops an
    exception raised while a finalizer runs, so a user presses again."""
    now = time.perf_counter()
    if not _fired:
        _fired.append(now)
        raise Overtime
    if _in_call[0] and now - _fired[0] > 0.5:
        raise Overtime


signal.signal(signal.SIGALRM, _alarm)

HOSTILE = st.one_of(
    st.sampled_from([
        0, -1, 1, 2, 3, 100_000, 1_000_000, 10**7, -(2**31), 2**31 - 1, 2**32, 2**63, 2**64, 10**30, -(10**30), 1e308, -1e308, 1e-300,
        -0.0, 0.5, 1.5, float("nan"), float("inf"), float("-inf"), "", "x", "nope", None, True, False, [], [1],
        [float("nan")], {}, {"a": 1}, (), object(), b"\xff", "\x00", [[1, 2], [3]], np.float64("nan"),
        np.int64(-5), np.array([]), np.full(3, np.inf),
    ]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
)

#: Cheap valid calls: entry -> (function, defaults). Overrides replace 1-3 keys.
ENTRIES: dict[str, dict[str, tuple[Callable[..., Any], dict[str, Any]]]] = {}


def entry(group: str, name: str, defaults: dict[str, Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def add(fn: Callable[..., Any]) -> Callable[..., Any]:
        ENTRIES.setdefault(group, {})[name] = (fn, defaults)
        return fn

    return add


SMALL = {"population": 16, "generations": 2}


# --- NicheWorld ------------------------------------------------------------

@entry("niche", "NicheWorld.preset", {"capacity": 1.0, "tradeoff": 1.0, "requests_per_agent": 2.0, "max_reroutes": 3,
                                     "time_budget": None, "routing": "uniform", "shortlist": 1, "choose_by": "gold",
                                     "decline_steps": 1})
def _preset(**kw: Any) -> Any:
    w = r.NicheWorld.preset(**kw)
    return r.evolve(w, fitness="rate", **SMALL)


@entry("niche", "Niche/Action", {"demand": 1.0, "patience": 0.9, "max_steps": 20, "proxy": 1.0, "gold": 1.0,
                                 "follow_up": 0.0, "ends": True, "skilled": True, "name": "a"})
def _parts(demand: Any, patience: Any, max_steps: Any, proxy: Any, gold: Any, follow_up: Any, ends: Any,
           skilled: Any, name: Any) -> Any:
    w = r.NicheWorld(niches=[r.Niche(name=name, demand=demand, patience=patience, max_steps=max_steps)],
                     actions=[r.Action(name="act", proxy=proxy, gold=gold, follow_up=follow_up, ends=ends,
                                       skilled=skilled), r.Action(name="chat", proxy=0.1, gold=0.0)],
                     requests_per_agent=1.0)
    return r.evolve(w, fitness="sum", **SMALL)


@entry("niche", "evolve", {"population": 16, "generations": 2, "fitness": "rate", "seed": 0, "threads": None,
                           "snapshots": (), "entropy_bonus": 0.0, "specialist_threshold": 0.5, "initial_spread": 0.0})
def _evolve(**kw: Any) -> Any:
    return r.evolve(r.NicheWorld.preset(), **kw)


@entry("niche", "selection", {"kind": "proportional", "pressure": 1.0, "size": 2, "fraction": 0.5, "floor": 0.0,
                              "rate": 0.05, "scale": 0.1})
def _selection(kind: Any, pressure: Any, size: Any, fraction: Any, floor: Any, rate: Any, scale: Any) -> Any:
    sel = {"proportional": lambda: r.Proportional(pressure=pressure), "tournament": lambda: r.Tournament(size=size),
           "truncation": lambda: r.Truncation(fraction=fraction), "threshold": lambda: r.Threshold(floor=floor)}
    make = sel.get(kind) if isinstance(kind, str) else None
    selection = make() if make else kind
    return r.evolve(r.NicheWorld.preset(), fitness="sum", selection=selection,
                    mutation=r.Mutation(rate=rate, scale=scale), **SMALL)


@entry("niche", "evolve initial", {"initial": [0.0] * 24, "initial_spread": 0.0})
def _initial(initial: Any, initial_spread: Any) -> Any:
    return r.evolve(r.NicheWorld.preset(), fitness="rate", initial=initial, initial_spread=initial_spread, **SMALL)


@entry("niche", "analytic.evaluate", {"policy": [0.2] * 5, "niche": 0, "skill": None})
def _evaluate(policy: Any, niche: Any, skill: Any) -> Any:
    return analytic.evaluate(r.NicheWorld.preset(), policy, niche, skill=skill)


@entry("niche", "analytic.ideal_free", {"demand": [0.4, 0.3, 0.2, 0.1], "shortlist": 2, "values": None})
def _ideal(demand: Any, shortlist: Any, values: Any) -> Any:
    return analytic.ideal_free(demand, shortlist, values)


@entry("niche", "analytic.best_of_n", {"genome": [0.0] * 24, "n": [1, 2, 4]})
def _best_of_n(genome: Any, n: Any) -> Any:
    return analytic.best_of_n(r.NicheWorld.preset(), genome, n)


@entry("niche", "analytic.best_pure", {"niche": 0, "fitness": "rate"})
def _best_pure(niche: Any, fitness: Any) -> Any:
    return analytic.best_pure(r.NicheWorld.preset(), niche, fitness)


@entry("niche", "analytic.trajectory_kl", {"genome": [0.0] * 24, "reference": [0.0] * 24})
def _kl(genome: Any, reference: Any) -> Any:
    return analytic.trajectory_kl(r.NicheWorld.preset(), genome, reference)


@entry("niche", "learn", {"learners": 2, "iterations": 2, "episodes": 8, "aggregation": "sum", "returns": "sum",
                          "trajectory": "episode", "max_chain": 4, "entropy_bonus": 0.0, "kl_penalty": 0.0,
                          "seed": 0, "threads": None, "snapshots": ()})
def _learn(**kw: Any) -> Any:
    return r.learn(r.NicheWorld.preset(), **kw)


@entry("niche", "analytic.expected_gradient", {"genome": [0.0] * 24, "aggregation": "sum", "returns": "sum",
                                               "trajectory": "episode", "max_chain": 4, "episodes": 64,
                                               "baseline": 0.0, "entropy_bonus": 0.0})
def _gradient(genome: Any, **kw: Any) -> Any:
    return analytic.expected_gradient(r.NicheWorld.preset(), genome, **kw)


_RESULT: list[Any] = []


def _result() -> Any:
    """A small NicheResult with snapshots, made once per worker."""
    if not _RESULT:
        _RESULT.append(r.evolve(r.NicheWorld.preset(), population=16, generations=2, fitness="rate",
                                snapshots=[0, 2], seed=3))
    return _RESULT[0]


@entry("niche", "personas.of_genomes", {"genomes": [[0.0] * 24], "specialist_threshold": 0.5})
def _of_genomes(**kw: Any) -> Any:
    return personas.of_genomes(r.NicheWorld.preset(), **kw)


@entry("niche", "personas.labels", {"generation": 2})
def _labels(**kw: Any) -> Any:
    return personas.labels(_result(), **kw)


@entry("niche", "personas.shares", {"wide": False})
def _shares(**kw: Any) -> Any:
    return personas.shares(_result(), **kw)


@entry("niche", "personas.coverage", {"min_share": 0.05})
def _coverage(**kw: Any) -> Any:
    return personas.coverage(_result(), **kw)


@entry("niche", "personas.summary", {"min_share": 0.05})
def _summary(**kw: Any) -> Any:
    return personas.summary(_result(), **kw)


@entry("niche", "personas.effective_number", {"values": [0.5, 0.5]})
def _effective(**kw: Any) -> Any:
    return personas.effective_number(**kw)


# --- Connect Four ----------------------------------------------------------

@entry("connect4", "perft", {"depth": 3, "moves": "", "distinct": False})
def _perft(**kw: Any) -> Any:
    return connect4.perft(**kw)


@entry("connect4", "Position", {"moves": "4455"})
def _position(moves: Any) -> Any:
    p = connect4.Position.from_moves(moves)
    return p.legal_moves()


@entry("connect4", "play_games", {"first": "random", "second": "greedy", "games": 20, "seed": 0, "threads": None})
def _play(**kw: Any) -> Any:
    return connect4.play_games(**kw)


@entry("connect4", "random_games", {"games": 50, "seed": 0, "threads": None})
def _random_games(**kw: Any) -> Any:
    return connect4.random_games(**kw)


@entry("connect4", "weights", {"wins_now": 1.0, "blocks": 0.5})
def _weights(**kw: Any) -> Any:
    return connect4.weights(**kw)


@entry("connect4", "Knockout", {"pressure": 0.5, "strength_games": 4, "population": 16, "generations": 2,
                                "fitness": "moves", "initial": [0.0] * 6, "initial_spread": 0.0})
def _knockout(pressure: Any, strength_games: Any, **kw: Any) -> Any:
    return r.evolve(connect4.Knockout(pressure=pressure, strength_games=strength_games), **kw)


@entry("connect4", "RoundRobin", {"games_per_pair": 1, "strength_games": 4, "population": 8, "generations": 2,
                                  "fitness": "wins"})
def _round_robin(games_per_pair: Any, strength_games: Any, **kw: Any) -> Any:
    return r.evolve(connect4.RoundRobin(games_per_pair=games_per_pair, strength_games=strength_games), **kw)


# --- classic dynamics ------------------------------------------------------

GAME = [[4.0, 1.0], [3.0, 2.0]]


@entry("egt", "MatrixGame", {"payoffs": GAME})
def _game(payoffs: Any) -> Any:
    return egt.MatrixGame(payoffs).payoffs


@entry("egt", "hawk_dove", {"v": 2.0, "c": 3.0})
def _hawk_dove(v: Any, c: Any) -> Any:
    return egt.MatrixGame.hawk_dove(v, c).payoffs


@entry("egt", "fixation_probability", {"game": GAME, "population": 20, "intensity": 0.5, "process": "moran",
                                       "mutant": 0, "resident": 1, "fitness": "linear"})
def _fixation(**kw: Any) -> Any:
    return egt.fixation_probability(**kw)


@entry("egt", "fixation_times", {"game": GAME, "population": 20, "intensity": 0.5, "process": "moran"})
def _times(**kw: Any) -> Any:
    t = egt.fixation_times(**kw)
    return [t.absorption, t.fixation] if hasattr(t, "absorption") else t


@entry("egt", "stationary_distribution", {"game": GAME, "population": 20, "intensity": 0.5, "process": "fermi"})
def _stationary(**kw: Any) -> Any:
    return egt.stationary_distribution(**kw)


@entry("egt", "simulate_fixation", {"game": GAME, "population": 20, "intensity": 0.5, "process": "moran",
                                    "runs": 200, "seed": 0, "times": False, "target_stderr": None,
                                    "max_runs": 10**6, "max_steps": 10**6})
def _simulate(**kw: Any) -> Any:
    e = egt.simulate_fixation(**kw)
    return [e.probability, e.stderr]


@entry("egt", "simulate_population", {"game": GAME, "initial": [10, 10], "intensity": 0.5, "process": "moran",
                                      "mutation": 0.0, "steps": 100, "record_every": 10, "runs": 2, "seed": 0})
def _population(**kw: Any) -> Any:
    return egt.simulate_population(**kw)


@entry("egt", "replicator", {"game": GAME, "x0": [0.5, 0.5], "t": 5.0, "points": 11, "mutation": None,
                             "background": 0.0, "discrete": False, "method": "dopri5", "rtol": 1e-8,
                             "atol": 1e-10, "dt": 0.01})
def _replicator(**kw: Any) -> Any:
    return egt.replicator(**kw)


@entry("egt", "replicator_mutator", {"game": GAME, "x0": [0.5, 0.5], "mutation": 0.1, "t": 5.0})
def _mutator(**kw: Any) -> Any:
    return egt.replicator_mutator(**kw)


@entry("egt", "mutation_matrix", {"n": 3, "rate": 0.1})
def _mutation_matrix(**kw: Any) -> Any:
    return egt.mutation_matrix(**kw)


@entry("egt", "fixation_matrix", {"game": GAME, "population": 20, "intensity": 0.5, "process": "moran",
                                  "fitness": "linear"})
def _fixation_matrix(**kw: Any) -> Any:
    return egt.fixation_matrix(**kw)


# --- experiments, io and the CLI ------------------------------------------

CHEAP = {"population": 16, "generations": 2, "seeds": 2, "learners": 2, "iterations": 2, "episodes": 8,
         "strength_games": 4, "every": 1, "n_max": 4}


def _experiment_defaults(fn: Callable[..., Any]) -> dict[str, Any]:
    out = {}
    for p in inspect.signature(fn).parameters.values():
        if p.name in ("world", "progress", "mutation", "threads"):
            continue
        if p.name in CHEAP:
            out[p.name] = CHEAP[p.name]
        elif isinstance(p.default, tuple) and p.default:
            out[p.name] = p.default[:1]  # one level per dimension: a small grid
        else:
            out[p.name] = p.default
    return out


for _name in ("sum_vs_rate", "phase_diagram", "tradeoff", "goodhart", "connect4_pressure", "competition",
              "persona_phases", "loss_aggregation", "length_bias", "value_head", "overoptimization"):
    _fn = experiments.EXPERIMENTS[_name]
    entry("experiments", _name, _experiment_defaults(_fn))(_fn)


@entry("experiments", "headline", {"metrics": ["gold_per_need"], "digits": 3})
def _headline(**kw: Any) -> Any:
    return _SWEEP.headline(**kw)


_SWEEP: Any = None


@entry("charts", "charts.summary_panel", {"metrics": ("gold_per_need",), "x": "pressure", "color": "fitness",
                                         "columns": 2, "width": 240, "height": 160})
def _summary_panel(**kw: Any) -> Any:
    return charts.summary_panel(_SWEEP, **kw).to_dict()


@entry("charts", "charts.trajectories", {"metrics": ("gold_per_need",), "by": None, "where": None,
                                        "x": "generation", "width": 480, "height": 140})
def _trajectories(**kw: Any) -> Any:
    return charts.trajectories(_SWEEP, **kw).to_dict()


@entry("charts", "charts.persona_shares", {"where": None, "facet": None, "min_share": 0.02, "width": 480,
                                          "height": 200})
def _persona_chart(**kw: Any) -> Any:
    return charts.persona_shares(_SWEEP, **kw).to_dict()


@entry("charts", "charts.gold_vs_kl", {"by": None, "width": 300, "height": 220})
def _gold_vs_kl(**kw: Any) -> Any:
    return charts.gold_vs_kl(_SWEEP, **kw).to_dict()


@entry("charts", "charts.phase_heatmap", {"metric": "gold_per_need", "x": "pressure", "y": "fitness", "facet": None,
                                         "width": 220, "height": 200, "diverging": None})
def _heatmap(**kw: Any) -> Any:
    return charts.phase_heatmap(_SWEEP, **kw).to_dict()


@entry("io", "RunConfig.from_dict", {"population": 16, "generations": 2, "fitness": "rate", "seed": 0,
                                     "kind": "niche", "tradeoff": 1.0})
def _run_config(population: Any, generations: Any, fitness: Any, seed: Any, kind: Any, tradeoff: Any) -> Any:
    from replicators.io.config import RunConfig

    cfg = RunConfig.from_dict({"run": {"population": population, "generations": generations, "fitness": fitness,
                                       "seed": seed}, "world": {"kind": kind, "tradeoff": tradeoff}})
    return cfg.run()


@entry("io", "LearnConfig.from_dict", {"learners": 2, "iterations": 2, "episodes": 8, "algorithm": "ppo"})
def _learn_config(learners: Any, iterations: Any, episodes: Any, algorithm: Any) -> Any:
    from replicators.io.learn_config import LearnConfig

    return LearnConfig.from_dict({"learn": {"learners": learners, "iterations": iterations, "episodes": episodes,
                                            "algorithm": algorithm}}).run()


@entry("io", "SweepConfig.from_dict", {"experiment": "sum_vs_rate", "population": 16, "generations": 2, "seeds": 2,
                                       "pressures": [1.0]})
def _sweep_config(**kw: Any) -> Any:
    from replicators.io.config import SweepConfig

    return SweepConfig.from_dict({"sweep": kw}).run()


@entry("io", "read_table", {"content": b"PAR1"})
def _read_table(content: Any) -> Any:
    from replicators.io import read_table

    path = Path(tempfile.mkdtemp()) / "t.parquet"
    path.write_bytes(content if isinstance(content, bytes) else str(content).encode())
    return read_table(path)


@entry("io", "read_provenance", {"content": b"PAR1"})
def _read_provenance(content: Any) -> Any:
    from replicators.io import read_provenance

    path = Path(tempfile.mkdtemp()) / "t.parquet"
    path.write_bytes(content if isinstance(content, bytes) else str(content).encode())
    return read_provenance(path)


@entry("io", "write_table", {"name": "t.parquet", "config": {"a": 1}, "seed": 0})
def _write_table(name: Any, config: Any, seed: Any) -> Any:
    import polars as pl

    from replicators.io import read_table, write_table

    folder = Path(tempfile.mkdtemp())
    write_table(pl.DataFrame({"x": [1.0]}), folder / str(name), config=config, seed=seed)
    return read_table(folder / str(name))


def _main(argv: list[str]) -> None:
    """The ``replicators`` command in-process: exit status 0, or 2 with one
    ``replicators: ...`` line (argparse's usage errors are 2 as well)."""
    from replicators.cli import main

    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    if code not in (0, 2):
        raise AssertionError(f"exit status {code}")


def _toml(table: str, fields: dict[str, Any]) -> str:
    # Values go in as their text: hostile ones make invalid TOML, NaN,
    # huge numbers, wrong types, lists where numbers belong.
    return f"[{table}]\n" + "".join(f"{k} = {x}\n" for k, x in fields.items())


def _cli_entry(command: str, table: str, defaults: dict[str, Any], extra: tuple[str, ...]) -> None:
    def call(**fields: Any) -> None:
        folder = Path(tempfile.mkdtemp())
        config = folder / "c.toml"
        config.write_bytes(_toml(table, fields).encode("utf-8", "surrogatepass"))
        _main([command, str(config), "--no-progress", *extra, "--out", str(folder / "out")])

    entry("io", f"cli {command}", defaults)(call)


_cli_entry("run", "run", {"population": "16", "generations": "2", "seed": "0", "fitness": '"rate"'}, ("--no-report",))
_cli_entry("learn", "learn", {"learners": "2", "iterations": "2", "episodes": "8", "algorithm": '"ppo"'},
           ("--no-report",))
_cli_entry("sweep", "sweep", {"experiment": '"sum_vs_rate"', "population": "16", "generations": "2", "seeds": "2",
                              "pressures": "[1.0]"}, ("--no-png",))


@entry("io", "cli demo --egt", {"runs": "1000", "seed": "0"})
def _cli_demo(runs: Any, seed: Any) -> None:
    folder = Path(tempfile.mkdtemp())
    _main(["demo", "--egt", "--no-charts", "--runs", str(runs), "--seed", str(seed), "--out", str(folder / "egt")])


@entry("io", "cli report", {"history": b"PAR1", "config": "[run]"})
def _cli_report(history: Any, config: Any) -> None:
    folder = Path(tempfile.mkdtemp())
    (folder / "history.parquet").write_bytes(history if isinstance(history, bytes) else str(history).encode())
    (folder / "config.toml").write_text(str(config), errors="surrogateescape")
    _main(["report", str(folder), "--no-png"])


# --- checking --------------------------------------------------------------

def _finite(x: Any, where: str = "result") -> None:
    """Numbers a call returns are finite (NaN only where a table says null)."""
    import polars as pl

    if isinstance(x, float) and not math.isfinite(x):
        raise AssertionError(f"{where} is {x}")
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and not np.isfinite(x).all():
        raise AssertionError(f"{where} holds non-finite numbers")
    if isinstance(x, (list, tuple)):
        for i, y in enumerate(x):
            _finite(y, f"{where}[{i}]")
    genomes = getattr(x, "genomes", None)
    if isinstance(genomes, np.ndarray):
        _finite(genomes, "genomes")
    if isinstance(x, pl.DataFrame):
        for c in x.columns:
            if x.schema[c] in (pl.Float64, pl.Float32) and x[c].is_infinite().any():
                raise AssertionError(f"{where} column {c} holds inf")


def _hostile_calls(fn: Callable[..., Any], defaults: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    keys = sorted(defaults)
    return st.dictionaries(st.sampled_from(keys), HOSTILE, min_size=1, max_size=min(3, len(keys))).map(
        lambda over: {**defaults, **over})


def run_group(group: str, examples: int) -> dict[str, Any]:
    global _SWEEP
    if group in ("experiments", "charts"):
        _SWEEP = experiments.sum_vs_rate(pressures=(0.0, 1.0), population=16, generations=2, seeds=2)
    cases = {"n": 0}
    outcomes = {"returned": 0, "refused": 0, "interrupted": 0, "failed": 0}
    counts: dict[str, int] = {}
    failures: list[dict[str, str]] = []
    for name, (fn, defaults) in ENTRIES[group].items():

        @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(_hostile_calls(fn, defaults))
        def one(kwargs: dict[str, Any]) -> None:
            cases["n"] += 1
            counts[name] = counts.get(name, 0) + 1
            print(f"case {cases['n']} {name} {kwargs!r}"[:400], flush=True)
            _fired.clear()
            # Repeated every 0.25 s, as a user presses Ctrl-C again: Python
            # drops an exception raised while a finalizer runs.
            signal.setitimer(signal.ITIMER_REAL, OVERTIME, 0.25)
            before = len(failures)
            try:
                _in_call[0] = True
                try:
                    out = fn(**kwargs)
                finally:
                    _in_call[0] = False
                _finite(out)
                outcomes["returned"] += 1
                if _fired and time.perf_counter() - _fired[0] > LATENCY:
                    failures.append({"entry": name, "call": repr(kwargs)[:300], "error": "ran on after Ctrl-C"})
            except Overtime:
                outcomes["interrupted"] += 1
                signal.setitimer(signal.ITIMER_REAL, 0)
                late = time.perf_counter() - _fired[0]
                if late > LATENCY:
                    failures.append({"entry": name, "call": repr(kwargs)[:300], "error": f"stopped {late:.2f} s late"})
            except ReplicatorsError as e:
                outcomes["refused"] += 1
                if not str(e).strip():
                    failures.append({"entry": name, "call": repr(kwargs)[:300], "error": "an empty message"})
            except Exception as e:  # anything else is a failure
                failures.append({"entry": name, "call": repr(kwargs)[:300],
                                 "error": f"{type(e).__name__}: {e}"[:300],
                                 "where": traceback.format_exc().strip().splitlines()[-3][:200]})
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                outcomes["failed"] += len(failures) > before

        one()
    return {"cases": cases["n"], "counts": counts, "outcomes": outcomes, "failures": failures}


if __name__ == "__main__":
    group, examples = sys.argv[1], int(sys.argv[2])
    print(json.dumps(run_group(group, examples)), flush=True)
