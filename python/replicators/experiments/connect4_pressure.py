"""Does selective pressure make Connect Four bots drag games out?

The essay's second story (SPEC section 0): a bot selected on the moves (or
the entropy) it gets to play, in a knockout where winning buys more games,
dragged games out more as the pressure grew, and ranked "win in one move"
barely above "lose now". This experiment makes that a sweep:
``Knockout(pressure=p)`` for several p (the chance that even a winner's run
ends after each game; at p = 0 a winner keeps playing, at p = 1 everybody
plays one game) x fitness (``moves``, ``entropy``, ``wins``,
``win_rate``) x seeds. Every run starts from uniformly random play (all
weights 0) and evolves under the same selection and mutation.

Three tidy tables come back:

``history``
    One row per run x generation: ``fitness``, ``pressure``, ``seed`` and
    every column of the run's history.
``runs``
    One row per run: the mean of each measure over the last ``tail``
    generations (the run's end state).
``summary``
    One row per (fitness, pressure, measure): mean over seeds, standard
    deviation, number of seeds and a 95% Student-t confidence interval
    (``ci_low``, ``ci_high``).

Run the full sweep from a shell (tables as Parquet with provenance, and the
chart as PNG, in ``--out``)::

    python -c "from replicators.experiments import connect4_pressure as e; e.main()" --out reports/c4

Examples
--------
>>> from replicators.experiments import connect4_pressure as exp
>>> out = exp.run(pressures=(0.0, 0.95), fitnesses=("moves",), seeds=(0, 1),
...               population=40, generations=3, tail=2, strength_games=20)
>>> out.runs.height, out.summary.filter(measure="game_length").height
(4, 2)
>>> sorted(out.summary.columns)[:4]
['ci_high', 'ci_low', 'fitness', 'mean']
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from .. import _validate as v
from ..connect4 import FEATURES, FITNESS, Knockout
from ..errors import ConfigError
from ..evolve import evolve
from ..selection import Mutation, Proportional, Selection

__all__ = ["MEASURES", "PRESSURES", "PressureExperiment", "main", "run", "summarize", "t_quantile", "write"]

#: Default knockout pressures (0 to 0.95).
PRESSURES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.95)
#: Measures summarised per run (history columns).
MEASURES = (
    "game_length",
    "immediate_win_rate",
    "block_rate",
    "first_player_win_rate",
    "draw_rate",
    "policy_entropy",
    "strength_vs_random",
    "strength_vs_greedy",
    "games_per_individual",
    *(f"weight_{f}" for f in FEATURES),
)

# Two-sided 95% quantiles of Student's t for 1-30 degrees of freedom.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)


def t_quantile(df: int) -> float:
    """The two-sided 95% quantile of Student's t with ``df`` degrees of
    freedom (normal 1.96 beyond 30 would understate; 2.0 up to 60, then 1.96).

    Examples
    --------
    >>> t_quantile(4)
    2.776
    """
    if df < 1:
        return math.nan
    if df <= 30:
        return _T95[df - 1]
    return 2.0 if df <= 60 else 1.96


@dataclass(frozen=True)
class PressureExperiment:
    """The tables of a pressure sweep and the knobs that made them."""

    history: pl.DataFrame
    runs: pl.DataFrame
    summary: pl.DataFrame
    config: dict[str, Any]


def summarize(runs: pl.DataFrame, measures: Iterable[str] = MEASURES) -> pl.DataFrame:
    """Mean over seeds per (fitness, pressure, measure), with a 95% t interval.

    Examples
    --------
    >>> runs = pl.DataFrame({"fitness": ["moves"] * 3, "pressure": [0.5] * 3,
    ...                      "seed": [0, 1, 2], "game_length": [20.0, 22.0, 24.0]})
    >>> s = summarize(runs, ["game_length"])
    >>> s.select("mean", "sd", "n", "ci_low", "ci_high").row(0)
    (22.0, 2.0, 3, 17.031..., 26.968...)
    """
    long = runs.unpivot(index=["fitness", "pressure", "seed"], on=list(measures), variable_name="measure")
    s = (
        long.filter(pl.col("value").is_not_nan())
        .group_by("fitness", "pressure", "measure", maintain_order=True)
        .agg(mean=pl.col("value").mean(), sd=pl.col("value").std(), n=pl.len())
        .with_columns(n=pl.col("n").cast(pl.Int64))
    )
    t = pl.Series("t", [t_quantile(int(n) - 1) for n in s["n"]], dtype=pl.Float64)
    half = t * s["sd"].fill_null(math.nan) / s["n"].cast(pl.Float64).sqrt()
    return s.with_columns(ci_low=s["mean"] - half, ci_high=s["mean"] + half).sort("measure", "fitness", "pressure")


def run(
    *,
    pressures: Sequence[float] = PRESSURES,
    fitnesses: Sequence[str] = FITNESS,
    seeds: Iterable[int] = range(5),
    population: int = 500,
    generations: int = 200,
    tail: int = 50,
    selection: Selection | None = None,
    mutation: Mutation | None = None,
    strength_games: int = 200,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> PressureExperiment:
    """Run the sweep: every (fitness, pressure, seed) is one ``evolve`` run.

    Parameters
    ----------
    pressures
        Knockout pressures, each in [0, 1].
    fitnesses
        Fitness modes among ``moves``, ``entropy``, ``wins``, ``win_rate``.
    seeds
        Seeds (each a dimension value: a run's seed is this number, so the
        cells of one seed share their random streams where they can:
        common random numbers, which sharpen comparisons across cells).
    population, generations
        Size and length of each run.
    tail
        Generations at the end of each run averaged into ``runs``.
    selection, mutation
        Shared by every run; default ``Proportional(pressure=1)`` (fitness
        standardised within the generation) and ``Mutation(rate=0.2, scale=0.2)``.
    strength_games
        Games per reference bot per generation.
    threads, progress
        As in ``replicators.evolve``; ``progress`` counts generations over
        all runs.
    """
    pressures = [v.probability("pressures", p) for p in pressures]
    fitnesses = [v.choice("fitnesses", f, FITNESS) for f in fitnesses]
    seeds = [v.seed("seeds", s) for s in seeds]
    if not pressures or not fitnesses or not seeds:
        raise ConfigError("pressures, fitnesses and seeds are invalid: expected at least one value each")
    generations = v.integer("generations", generations, 1)
    tail = v.integer("tail", tail, 1, generations)
    selection = Proportional(pressure=1.0) if selection is None else selection
    mutation = Mutation(rate=0.2, scale=0.2) if mutation is None else mutation
    histories, rows = [], []
    for fitness in fitnesses:
        for p in pressures:
            for seed in seeds:
                res = evolve(
                    Knockout(pressure=p, strength_games=strength_games),
                    population=population, generations=generations, fitness=fitness,
                    selection=selection, mutation=mutation, seed=seed, threads=threads, progress=progress,
                )
                keys = {"fitness": fitness, "pressure": p, "seed": seed}
                h = res.history.select(pl.lit(fitness).alias("fitness"), pl.lit(p).alias("pressure"),
                                       pl.lit(seed, dtype=pl.UInt64).alias("seed"), pl.all())
                histories.append(h)
                end = h.tail(tail)
                rows.append({**keys, **{m: _nanmean(end[m]) for m in MEASURES}})
    runs = pl.DataFrame(rows, schema_overrides={"seed": pl.UInt64})
    config = {
        "pressures": pressures, "fitnesses": fitnesses, "seeds": seeds, "population": population,
        "generations": generations, "tail": tail, "selection": selection, "mutation": mutation,
        "strength_games": strength_games,
    }
    return PressureExperiment(history=pl.concat(histories), runs=runs, summary=summarize(runs), config=config)


def _nanmean(s: pl.Series) -> float:
    x = s.filter(s.is_not_nan())
    return float(x.mean()) if x.len() else math.nan  # type: ignore[arg-type]


def write(out: PressureExperiment, folder: str | Path, *, png: bool = True) -> Path:
    """Write the three tables (Parquet, with the config as provenance) and,
    with ``png``, the chart of game length and immediate-win rate.

    Examples
    --------
    >>> import tempfile
    >>> out = run(pressures=(0.0, 0.9), fitnesses=("wins",), seeds=(0, 1), population=20,
    ...           generations=2, tail=1, strength_games=0)
    >>> sorted(p.name for p in write(out, tempfile.mkdtemp(), png=False).iterdir())
    ['history.parquet', 'runs.parquet', 'summary.parquet']
    """
    from ..io import write_table

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {k: (repr(x) if k in ("selection", "mutation") else x) for k, x in out.config.items()}
    for name in ("history", "runs", "summary"):
        write_table(getattr(out, name), folder / f"{name}.parquet", config=config, experiment="connect4_pressure")
    if png:
        from ..charts.connect4 import pressure_chart
        from ..report import save_png

        save_png(pressure_chart(out.summary), folder / "pressure.png")
    return folder


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: run the sweep and write its tables and chart."""
    parser = argparse.ArgumentParser(description="Connect Four: knockout pressure x fitness, over seeds")
    parser.add_argument("--out", default="reports/connect4_pressure")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--population", type=int, default=500)
    parser.add_argument("--generations", type=int, default=200)
    parser.add_argument("--tail", type=int, default=50)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    out = run(seeds=range(args.seeds), population=args.population, generations=args.generations,
              tail=args.tail, threads=args.threads)
    folder = write(out, args.out)
    wide = (
        out.summary.filter(pl.col("measure").is_in(["game_length", "immediate_win_rate"]))
        .select("measure", "fitness", "pressure", "mean", "ci_low", "ci_high")
    )
    with pl.Config(tbl_rows=100, tbl_width_chars=120):
        print(wide)
    print(f"wrote {folder}")


if __name__ == "__main__":
    main()
