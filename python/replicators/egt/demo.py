"""A short tour of the classic dynamics: exact values beside Monte Carlo.

``egt_demo`` computes, for each finite-population process, the exact
fixation probability and conditional fixation time of one cooperator-like
mutant in a stag hunt, beside Monte Carlo estimates with standard errors and
z-scores; then the replicator-mutator fixed point of SPEC section 3. It
prints a table, writes it as CSV, and (if altair is installed) draws
fixation probability against selection intensity for every process, exact
curves with Monte Carlo points, as HTML and PNG.

Examples
--------
>>> import tempfile
>>> from replicators.egt.demo import egt_demo
>>> with tempfile.TemporaryDirectory() as d:
...     table = egt_demo(d, runs=2000, charts=False, echo=False)
>>> sorted(set(table["process"]))
['fermi', 'moran', 'moran_db', 'wright_fisher']
>>> bool((table["z"].abs() < 5).all())
True
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from .finite import PROCESSES, fixation_probability, fixation_times, simulate_fixation
from .game import MatrixGame
from .replicator import replicator_mutator

__all__ = ["egt_demo"]

STAG_HUNT = MatrixGame([[4, 1], [3, 2]], names=["stag", "hare"])
POPULATION = 20


def _rows(runs: int, seed: int, threads: int | None) -> pl.DataFrame:
    rows = []
    for process in PROCESSES:
        for w in (0.1, 0.5):
            rho = fixation_probability(STAG_HUNT, POPULATION, w, process)
            times = fixation_times(STAG_HUNT, POPULATION, w, process)
            # A distinct seed per row, so that the rows' errors are independent.
            est = simulate_fixation(
                STAG_HUNT,
                POPULATION,
                w,
                process,
                runs=runs,
                seed=seed + len(rows),
                threads=threads,
                times=True,
            )
            rows.append(
                {
                    "process": process,
                    "intensity": w,
                    "exact": rho,
                    "monte_carlo": est.probability,
                    "stderr": est.stderr,
                    "z": est.z_score(rho),
                    "exact_fixation_time": times.fixation,
                    "mc_fixation_time": est.fixation_time,
                    "time_z": (est.fixation_time - times.fixation) / est.fixation_time_stderr,
                }
            )
    return pl.DataFrame(rows)


def _chart(out: Path, runs: int, seed: int, threads: int | None) -> list[Path]:
    import altair as alt  # optional extra: pip install 'replicators[charts]'

    curve, points = [], []
    for process in PROCESSES:
        for i in range(41):
            w = i / 40
            curve.append(
                {
                    "process": process,
                    "intensity": w,
                    "rho": fixation_probability(STAG_HUNT, POPULATION, w, process),
                }
            )
        for w in (0.0, 0.25, 0.5, 0.75, 1.0):
            est = simulate_fixation(
                STAG_HUNT,
                POPULATION,
                w,
                process,
                runs=runs,
                seed=seed + 100 + len(points),
                threads=threads,
            )
            points.append(
                {
                    "process": process,
                    "intensity": w,
                    "rho": est.probability,
                    "low": est.probability - 2 * est.stderr,
                    "high": est.probability + 2 * est.stderr,
                }
            )
    color = alt.Color("process:N", title="process")
    lines = (
        alt.Chart(pl.DataFrame(curve))
        .mark_line()
        .encode(
            x=alt.X("intensity:Q", title="selection intensity (w, or beta for fermi)"),
            y=alt.Y("rho:Q", title="fixation probability of one stag hunter"),
            color=color,
        )
    )
    dots = (
        alt.Chart(pl.DataFrame(points))
        .mark_point(filled=True, size=50)
        .encode(x="intensity:Q", y="rho:Q", color=color)
    )
    bars = (
        alt.Chart(pl.DataFrame(points))
        .mark_errorbar()
        .encode(x="intensity:Q", y=alt.Y("low:Q", title=""), y2="high:Q", color=color)
    )
    neutral = (
        alt.Chart(pl.DataFrame({"rho": [1 / POPULATION]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(y="rho:Q")
    )
    chart = (lines + bars + dots + neutral).properties(
        title=f"Stag hunt, N = {POPULATION}: exact (lines), Monte Carlo (±2 s.e.), 1/N (dashed)",
        width=520,
        height=320,
    )
    html, png = out / "egt_fixation.html", out / "egt_fixation.png"
    chart.save(str(html))
    try:
        chart.save(str(png), scale_factor=2)
    except (ImportError, ValueError, RuntimeError, OSError) as e:  # no vl-convert: HTML only
        print(f"(PNG not written: {e})")
        return [html]
    return [html, png]


def egt_demo(
    out: str | Path = "reports/demo",
    *,
    runs: int = 20_000,
    seed: int = 0,
    threads: int | None = None,
    charts: bool = True,
    echo: bool = True,
) -> pl.DataFrame:
    """Run the classic-dynamics demo; returns the exact vs Monte Carlo table.

    Writes ``egt_fixation.csv`` (and ``egt_fixation.html``/``.png`` with
    ``charts=True``) into ``out``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     egt_demo(d, runs=1000, charts=False, echo=False).height
    8
    """
    from ..io import atomic_write_text, output_folder

    out = Path(out)
    with output_folder(out) as tmp:  # written whole, then swapped in (io.folder)
        table = _rows(runs, seed, threads)
        atomic_write_text(tmp / "egt_fixation.csv", table.write_csv())
        rm = replicator_mutator([[2, 2], [1, 1]], [0.5, 0.5], 0.1, t=100.0)
        fixed_point = (rm["x0"][-1], rm["x1"][-1])
        closed = (0.7 + math.sqrt(0.89)) / 2
        written = [Path("egt_fixation.csv")]
        if charts:
            written += [p.relative_to(tmp) for p in _chart(tmp, max(runs // 4, 1000), seed, threads)]
    written = [out / p for p in written]
    if echo:
        with pl.Config(
            tbl_rows=-1,
            tbl_cols=-1,
            float_precision=5,
            tbl_width_chars=160,
            tbl_hide_dataframe_shape=True,
        ):
            print(
                f"Fixation of one stag hunter among {POPULATION - 1} hare hunters "
                f"(payoffs [[4, 1], [3, 2]]), {runs} Monte Carlo runs each:"
            )
            print(table)
        print(
            "Replicator-mutator, f = (2, 1), mutation 0.1: "
            f"x* = ({fixed_point[0]:.8f}, {fixed_point[1]:.8f}); "
            f"closed form ({closed:.8f}, {1 - closed:.8f})"
        )
        print("wrote " + ", ".join(str(p) for p in written))
    return table
