"""The ``replicators`` command line.

Subcommands live in ``COMMANDS``: each is a function that adds its
arguments to a subparser and returns the function that runs it.

- ``run CONFIG.toml``: one evolve run (``replicators.io.config.RunConfig``) of
  a NicheWorld or a Connect Four tournament (``world.kind``); writes the
  world's Parquet tables (config, seed and version in their metadata) and
  the resolved ``config.toml``, which re-runs to the same numbers.
- ``learn CONFIG.toml``: one run of learners (``replicators.io.learn_config.LearnConfig``);
  writes ``history.parquet``, ``genomes.parquet`` (the learned genomes, one
  row per learner), ``snapshots.parquet``, the resolved ``config.toml`` and a report.
- ``sweep CONFIG.toml``: a ready experiment (``SweepConfig``); writes its
  Parquet tables and a report.
- ``report RESULTS_DIR``: (re)writes ``index.html`` and PNGs for a run or a
  sweep folder.
- ``demo``: the ``sum_vs_rate`` experiment, learners and competition, with
  its report (its duration: the README's "What the demo shows"); ``demo
  --egt`` is the classic-dynamics demo.

Configs are validated before anything runs: unknown keys, wrong types and
out-of-range values fail with the TOML key named (exit status 2).

Examples
--------
>>> from replicators.cli import build_parser
>>> build_parser().parse_args(["demo", "--egt", "--runs", "100"]).runs
100
>>> build_parser().parse_args(["run", "my.toml"]).config
'my.toml'
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["COMMANDS", "build_parser", "main", "run_config", "run_demo", "run_tables"]

Runner = Callable[[argparse.Namespace], int]

#: Demo sizes (its duration is in the README, generated from benches/results/demo.json).
DEMO = {"population": 2000, "generations": 300, "seeds": 5}
#: The demo's learner grid: learners per run and iterations.
DEMO_LEARN = {"learners": 16, "iterations": 150}
#: The demo's competition section (SPEC 1.1): the ideal-free check at one
#: demand vector, and the persona phases at shortlists 1 and 4, small.
DEMO_COMPETITION = {
    "ideal_free": {"demands": ((0.4, 0.3, 0.2, 0.1),), "shortlists": (2, 4), "population": 1000,
                   "generations": 150, "seeds": 3},
    "phases": {"shortlists": (1, 4), "tradeoffs": (1.0, 4.0), "population": 500, "generations": 150, "seeds": 2},
}
#: The same section at sizes for tests and examples (seconds).
TINY_COMPETITION = {
    "ideal_free": {"demands": ((0.7, 0.3),), "shortlists": (2,), "population": 60, "generations": 4, "seeds": 2},
    "phases": {"shortlists": (1, 2), "tradeoffs": (4.0,), "population": 40, "generations": 3, "seeds": 2},
}


def _with_bar(config: Any, total: int, label: str, enabled: bool, unit: str = "gen") -> Any:
    """``config.run(progress=...)`` under a tqdm bar (when ``enabled``)."""
    if not enabled:
        return config.run(progress=None)
    from tqdm.auto import tqdm

    with tqdm(total=total, unit=unit, desc=label, mininterval=0.5) as bar:
        return config.run(progress=bar.update)


def _out_field(args: argparse.Namespace, table: str) -> str:
    """What an error about the output folder names: the flag, or the config key."""
    return "--out" if args.out else f"{table}.out"


def _print_table(frame: Any) -> None:
    import polars as pl

    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=40,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        print(frame)


def run_tables(result: Any) -> dict[str, Any]:
    """The tables ``replicators run`` writes for a result, by name.

    A NicheWorld run has ``history`` (with the persona summary joined),
    ``niches``, ``actions`` and ``personas``; a Connect Four tournament has
    ``history``. With snapshots, both have ``snapshots``: one row per
    generation and agent, one column per gene (``gene<i>`` for a NicheWorld,
    the feature names of ``connect4.FEATURES`` for a tournament).

    Examples
    --------
    >>> import replicators as r
    >>> from replicators import connect4
    >>> res = r.evolve(connect4.Knockout(), population=6, generations=1, fitness="moves", snapshots=[1])
    >>> tables = run_tables(res)
    >>> sorted(tables), tables["snapshots"].columns[:3]
    (['history', 'snapshots'], ['generation', 'agent', 'wins_now'])
    """
    import numpy as np
    import polars as pl

    from .worlds.niche import personas
    from .worlds.connect4.result import TournamentResult

    if isinstance(result, TournamentResult):
        tables = {"history": result.history}
    else:
        history = result.history.join(personas.summary(result).drop("effective_personas"), on="generation").sort(
            "generation")
        tables = {"history": history, "niches": result.niches, "actions": result.actions,
                  "personas": result.personas}
    genes = list(result.world.gene_names)
    if result.snapshots:
        rows = []
        for g, genomes in sorted(result.snapshots.items()):
            frame = pl.DataFrame(np.asarray(genomes), schema=genes, orient="row")
            rows.append(frame.select(pl.lit(g).alias("generation"), pl.int_range(pl.len()).alias("agent"), pl.all()))
        tables["snapshots"] = pl.concat(rows)
    return tables


def run_config(config: Any, out: str | Path, *, progress: bool = False, report: bool = True,
               field: str = "out") -> Path:
    """Run a ``RunConfig`` and write its tables (``run_tables``), resolved
    config and report to ``out`` (written whole: ``io.folder``; errors about
    the folder name ``field``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from replicators.io.config import RunConfig
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = run_config(RunConfig(population=30, generations=2), d, report=False)
    >>> sorted(p.name for p in d.iterdir())[:3]
    ['actions.parquet', 'config.toml', 'history.parquet']
    """
    from .io import atomic_write_text, output_folder, write_table

    out = Path(out)
    # The folder is checked before the run and swapped in whole after it.
    with output_folder(out, field) as tmp:
        result = _with_bar(config, config.generations, "run", progress)
        resolved = config.to_toml()
        meta = config.as_dict()
        tables = run_tables(result)
        for name, frame in tables.items():
            write_table(frame, tmp / f"{name}.parquet", config=meta, seed=config.seed, status=result.status)
        atomic_write_text(tmp / "config.toml", resolved)
        if report:
            from .experiments.reports import run_report

            run_report(tables, resolved).write(tmp)
    return out


def _run(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("config", help="run config (TOML; see replicators.io.config)")
    parser.add_argument("--out", default=None, help="output folder (default: run.out of the config)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-report", action="store_true", help="tables only, no index.html")

    def run(args: argparse.Namespace) -> int:
        from .io.config import RunConfig

        config = RunConfig.from_toml(args.config)
        out = Path(args.out or config.out)
        run_config(config, out, progress=not args.no_progress, report=not args.no_report,
                   field=_out_field(args, "run"))
        import polars as pl

        from .experiments.reports import last_generation

        _print_table(last_generation(pl.read_parquet(out / "history.parquet")))
        print(f"wrote {out}")
        return 0

    return run


def _genome_rows(world: Any, genomes: Any, **keys: int) -> Any:
    """Genomes as rows (``keys`` columns, ``learner``, one column per gene)."""
    import numpy as np
    import polars as pl

    frame = pl.DataFrame(np.asarray(genomes), schema=list(world.gene_names), orient="row")
    return frame.select(*(pl.lit(x).alias(k) for k, x in keys.items()), pl.int_range(pl.len()).alias("learner"),
                        pl.all())


def _learn(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("config", help="learn config (TOML; see replicators.io.learn_config)")
    parser.add_argument("--out", default=None, help="output folder (default: learn.out of the config)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-report", action="store_true", help="tables only, no index.html")

    def run(args: argparse.Namespace) -> int:
        import polars as pl

        from .experiments.reports import LEARN, learn_report
        from .io import atomic_write_text, output_folder, write_table
        from .io.learn_config import LearnConfig

        config = LearnConfig.from_toml(args.config)
        out = Path(args.out or config.out)
        with output_folder(out, _out_field(args, "learn")) as tmp:
            result = _with_bar(config, config.iterations, "learn", not args.no_progress, unit="it")
            meta, resolved = config.as_dict(), config.to_toml()
            tables = {"history": result.history, "genomes": _genome_rows(config.world, result.genomes)}
            if result.snapshots:
                tables["snapshots"] = pl.concat([_genome_rows(config.world, g, iteration=i)
                                                 for i, g in sorted(result.snapshots.items())])
            for name, frame in tables.items():
                write_table(frame, tmp / f"{name}.parquet", config=meta, seed=config.seed)
            atomic_write_text(tmp / "config.toml", resolved)
            if not args.no_report:
                learn_report(result.history, resolved).write(tmp)
        _print_table(result.history.tail(1).select("iteration", *LEARN))
        print(f"wrote {out}")
        return 0

    return run


def _sweep(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("config", help="sweep config (TOML; see replicators.io.config)")
    parser.add_argument("--out", default=None, help="output folder (default: sweep.out, or results/<experiment>)")
    parser.add_argument("--workers", type=int, default=None,
                        help="runs in parallel on this machine (default: chosen from the population and the cores)")
    parser.add_argument("--threads", type=int, default=None, help="threads per run (default: chosen; on Ray, 1)")
    parser.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="run each run as a Ray task: on the cluster at ADDRESS, or a local one")
    parser.add_argument("--restart", action="store_true",
                        help="discard the finished runs kept in the output folder instead of resuming from them")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-png", action="store_true", help="report without PNG files")

    def run(args: argparse.Namespace) -> int:
        from .io.config import SweepConfig
        from .experiments.reports import build_report, control_once, headline_metrics
        from .io import atomic_write_text
        from .io.folder import FINISHED, check_output_folder

        from .io import output_folder

        config = SweepConfig.from_toml(args.config)
        if args.threads is not None:
            config = SweepConfig(experiment=config.experiment, kwargs={**config.kwargs, "threads": args.threads},
                                 out=config.out)
        out = Path(args.out or config.out or f"results/{config.experiment}")
        check_output_folder(out, _out_field(args, "sweep"))
        backend = "local" if args.ray is None else "ray"
        # Each finished run is kept in <out>/finished as it completes: run
        # again after a kill or a Ctrl-C, the sweep does only what is missing.
        result = config.run(progress=not args.no_progress, out=out, workers=args.workers, backend=backend,
                            address=args.ray or None, resume=not args.restart)
        with output_folder(out, _out_field(args, "sweep"), keep=(FINISHED,)) as tmp:
            result.write(tmp)
            atomic_write_text(tmp / "sweep.toml", config.to_toml())
            build_report(result).write(tmp, png=not args.no_png)
        _print_table(control_once(result.headline(headline_metrics(result))))
        if getattr(result, "resumed", 0):
            print(f"resumed: {result.resumed} of {result.per_run.height} runs were kept from an earlier sweep")
        print(f"wrote {out / 'index.html'}")
        return 0

    return run


def _report(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("results", help="a folder written by `replicators run` or `replicators sweep`")
    parser.add_argument("--out", default=None, help="where to write index.html (default: the results folder)")
    parser.add_argument("--no-png", action="store_true", help="no PNG files")

    def run(args: argparse.Namespace) -> int:

        from .errors import ConfigError
        from .experiments.reports import build_report, run_report
        from .sweeps import SweepResult
        from .io import read_table

        folder = Path(args.results)
        out = Path(args.out or folder)
        if (folder / "cells.parquet").exists():
            rep = build_report(SweepResult.read(folder))
        elif (folder / "history.parquet").exists():
            tables = {p.stem: read_table(p) for p in folder.glob("*.parquet")}
            config = folder / "config.toml"
            rep = run_report(tables, config.read_text() if config.exists() else "")
        else:
            raise ConfigError(f"results = {str(folder)!r} is invalid: expected a folder with cells.parquet "
                              "(a sweep) or history.parquet (a run)")
        print(f"wrote {rep.write(out, png=not args.no_png)}")
        return 0

    return run


def run_demo(out: str | Path = "reports/demo", *, population: int = DEMO["population"],
             generations: int = DEMO["generations"], seeds: int = DEMO["seeds"], seed: int = 0,
             threads: int | None = None, progress: bool = True, png: bool = True, echo: bool = True,
             learn_iterations: int = DEMO_LEARN["iterations"],
             competition: dict[str, dict[str, Any]] | None = None) -> Any:
    """The sum_vs_rate demo, with a section on learners (``loss_aggregation``,
    ``learn_iterations`` iterations) and one on competition between
    assistants (``DEMO_COMPETITION``: the ideal-free check and the persona
    phases, at their own small sizes): run, write Parquet and the report,
    print the headline. ``competition`` replaces ``DEMO_COMPETITION``'s
    sizes (keys ``ideal_free`` and ``phases``).

    Returns the ``SweepResult`` of sum_vs_rate.

    Examples
    --------
    >>> import tempfile
    >>> res = run_demo(tempfile.mkdtemp(), population=40, generations=3, seeds=2, progress=False,
    ...                png=False, echo=False, learn_iterations=2, competition=TINY_COMPETITION)
    >>> res.per_run.height  # 3 fitness modes x 5 pressures x 2 seeds
    30
    """
    from .io.config import SweepConfig
    from .experiments.learner_reports import add_loss_aggregation
    from .experiments.competition import ideal_free_check, within
    from .experiments.competition_reports import add_competition
    from .experiments.reports import SUMMARY, build_report, control_once
    from .io.tables import write_table
    from .io import atomic_write_text, output_folder
    from .io.folder import check_output_folder

    out = Path(out)
    check_output_folder(out)  # before minutes of simulation, not after
    start = time.perf_counter()
    config = SweepConfig(experiment="sum_vs_rate", kwargs={
        "population": population, "generations": generations, "seeds": seeds, "seed": seed, "threads": threads})
    result = config.run(progress=progress)
    # Training instead of selection: the learners' aggregation x returns grid, small.
    learners = SweepConfig(experiment="loss_aggregation", kwargs={
        "trajectories": ("episode",), "learners": DEMO_LEARN["learners"], "iterations": learn_iterations,
        "seeds": seeds, "seed": seed, "threads": threads})
    learned = learners.run(progress=progress)
    # Users choosing their assistant: the ideal free distribution, then personas.
    sizes = {**DEMO_COMPETITION, **(competition or {})}
    ideal = within(ideal_free_check(**sizes["ideal_free"], seed=seed, threads=threads))
    competing = SweepConfig(experiment="persona_phases", kwargs={**sizes["phases"], "seed": seed, "threads": threads})
    phases = competing.run(progress=progress)
    ran = time.perf_counter() - start
    with output_folder(out) as tmp:
        result.write(tmp)
        learned.write(tmp / "loss_aggregation")
        phases.write(tmp / "persona_phases")
        write_table(ideal, tmp / "ideal_free.parquet", config={"experiment": "ideal_free_check", **sizes["ideal_free"]},
                    seed=seed)
        # `replicators sweep <out>/sweep.toml` runs the same grid and seeds again.
        atomic_write_text(tmp / "sweep.toml", config.to_toml())
        atomic_write_text(tmp / "loss_aggregation" / "sweep.toml", learners.to_toml())
        atomic_write_text(tmp / "persona_phases" / "sweep.toml", competing.to_toml())
        report = build_report(result)
        add_loss_aggregation(report, learned, heading="Training instead of selecting: loss aggregation and returns")
        add_competition(report, ideal, phases, heading="Competition between assistants: users choose from a shortlist")
        index = report.write(tmp, png=png)
        total = time.perf_counter() - start
        # What the README's demo figures are generated from (benches/figures.py).
        headline = demo_headline(result, learned, ideal, phases, seconds={"simulation": ran, "report": total - ran})
        atomic_write_text(tmp / "headline.json", json.dumps(headline, indent=1))
    findings = headline["findings"]
    if echo:
        print(f"sum_vs_rate on the assistant preset: population {population}, {generations} generations, "
              f"{seeds} seeds per cell; simulated in {ran:.1f} s, report in {total - ran:.1f} s.")
        print("mean [95% interval over seeds] of each run's last 20% of generations:")
        _print_table(control_once(result.headline(list(SUMMARY), digits=2)))
        for line in findings["sum_vs_rate"]:
            print("- " + line)
        print("learners (PPO) trained on the same world:")
        for line in findings["learners"]:
            print("- " + line)
        print("users choosing among a shortlist of assistants (SPEC 1.1):")
        for line in findings["competition"]:
            print("- " + line)
        print(f"report: {(out / index.name).resolve()}")
    return result


#: The measures of the demo's headline file, in order.
DEMO_MEASURES = ("gold_per_need", "gold_per_visit", "episode_length", "lengthening_share", "returning_share",
                 "effective_personas")


def demo_headline(result: Any, learned: Any, ideal: Any, phases: Any, *, seconds: dict[str, float]) -> dict:
    """The demo's figures as plain data: sizes, seconds, each cell's mean and
    95% interval of ``DEMO_MEASURES``, and the findings the demo prints."""
    from .experiments.competition_reports import ideal_free_findings, persona_phase_findings
    from .experiments.learner_reports import loss_aggregation_findings
    from .experiments.reports import sum_vs_rate_findings
    import polars as pl

    c = result.config
    cells = result.cells.filter(pl.col("metric").is_in(list(DEMO_MEASURES)))
    rows = [{"fitness": r["fitness"], "pressure": r["pressure"], "metric": r["metric"], "mean": r["mean"],
             "low": r["low"], "high": r["high"], "n": r["n"]} for r in cells.iter_rows(named=True)]
    return {
        "sizes": {"population": c.get("population"), "generations": c.get("generations"),
                  "seeds": len(c.get("seeds", [])), "tail": c.get("tail")},
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "cells": rows,
        "findings": {"sum_vs_rate": sum_vs_rate_findings(result), "learners": loss_aggregation_findings(learned),
                     "competition": ideal_free_findings(ideal) + persona_phase_findings(phases)},
    }


def _demo(parser: argparse.ArgumentParser) -> Runner:
    parser.add_argument("--out", default=None,
                        help="folder for tables and charts (default reports/demo; with --egt, reports/egt)")
    parser.add_argument("--egt", action="store_true", help="the classic evolutionary dynamics demo instead")
    parser.add_argument("--population", type=int, default=DEMO["population"])
    parser.add_argument("--generations", type=int, default=DEMO["generations"])
    parser.add_argument("--seeds", type=int, default=DEMO["seeds"], help="seeds per grid cell")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--runs", type=int, default=20_000, help="--egt: Monte Carlo runs per estimate")
    parser.add_argument("--no-charts", action="store_true", help="--egt: skip the altair charts; else no PNGs")

    def run(args: argparse.Namespace) -> int:
        from .io.folder import check_output_folder

        if args.out:
            check_output_folder(args.out, "--out")
        if args.egt:
            from .egt.demo import egt_demo

            egt_demo(args.out or "reports/egt", runs=args.runs, seed=args.seed, threads=args.threads, charts=not args.no_charts)
            return 0
        run_demo(args.out or "reports/demo", population=args.population, generations=args.generations, seeds=args.seeds,
                 seed=args.seed, threads=args.threads, progress=not args.no_progress, png=not args.no_charts)
        return 0

    return run


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], Runner]]] = {
    "run": ("evolve once from a TOML config; write Parquet tables, the resolved config and a report", _run),
    "learn": ("train policy-gradient learners from a TOML config; write Parquet tables, the resolved config and a "
              "report", _learn),
    "sweep": ("run a ready experiment from a TOML config; write Parquet tables and a report", _sweep),
    "report": ("write index.html and PNGs for a results folder", _report),
    "demo": ("sum vs rate, learners and competition: a report folder and the headline table "
             "(--egt: classic dynamics)",
             _demo),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand of ``COMMANDS``."""
    parser = argparse.ArgumentParser(prog="replicators", description="Evolving populations of policies.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, add) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(run=add(p))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``replicators`` console script."""
    from .errors import ReplicatorsError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ReplicatorsError as e:
        print(f"replicators: {e}")
        return 2
    except KeyboardInterrupt:
        print("replicators: interrupted")
        return 130
    except OSError as e:
        # The disk or the folder failed us (full, removed, permissions).
        where = f"{e.filename}: " if e.filename else ""
        print(f"replicators: {where}{e.strerror or e}")
        return 1
    except Exception as e:
        # A bug, not the user's input: one line, and the traceback on demand.
        if os.environ.get("REPLICATORS_TRACEBACK"):
            raise
        print(f"replicators: internal error ({type(e).__name__}: {e}); please report it "
              "(REPLICATORS_TRACEBACK=1 shows the traceback)")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
