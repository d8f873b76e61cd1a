"""Reports of ``experiments.competition``: findings written from the numbers
of the run at hand (whatever they are), tables and charts.

Examples
--------
>>> from replicators.experiments.competition import persona_phases
>>> res = persona_phases(shortlists=(1, 2), tradeoffs=(4.0,), population=60, generations=3, seeds=2)
>>> persona_phase_findings(res)[0].startswith("Under sum")
True
"""

from __future__ import annotations

import polars as pl

from .. import charts
from ..io.report import Report
from .niche_runs import LABELS
from ..sweeps import SweepResult

__all__ = ["ideal_free_findings", "persona_phase_findings", "competition_findings", "competition_report",
           "persona_phases_report", "add_competition"]

#: What the competition tables show, in order.
MEASURES = ("gold_per_need", "lengthening_share", "returning_share", "effective_personas", "niche_coverage",
            "specialization")
_LABELS = {**LABELS, "lengthening_share": "lengthening share of steps (engage, flatter)",
           "returning_share": "returning share of steps (partial: ends, user comes back)"}


def _span(xs: list[float]) -> str:
    xs = [x for x in xs if x == x]
    if not xs:
        return "n/a"
    lo, hi = min(xs), max(xs)
    return f"{lo:.2f}" if abs(hi - lo) < 0.005 else f"{lo:.2f} to {hi:.2f}"


def _ci(row: dict, m: str) -> str:
    return f"{row[m]:.2f} [{row[f'{m}_low']:.2f}, {row[f'{m}_high']:.2f}]"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def ideal_free_findings(table: pl.DataFrame) -> list[str]:
    """Sentences on ``within(ideal_free_check(...))``."""
    out = []
    choice = table.filter(pl.col("routing") == "choice")
    if choice.height:
        worst = choice.sort(pl.col("error").abs(), descending=True).row(0, named=True)
        ms = sorted(choice["shortlist"].unique().to_list())
        out.append(
            f"Full specialists under choice (shortlists {', '.join(map(str, ms))}; "
            f"{_count(choice['demand'].n_unique(), 'demand vector')}): the settled shares match the ideal free prediction "
            f"within tolerance (4 SE over seeds + 0.005) in {int(choice['matches'].sum())} of {choice.height} "
            f"niche x case rows; the largest error is {worst['error']:+.4f} ({worst['niche']}, shortlist "
            f"{worst['shortlist']}, demand {worst['demand']}, tolerance {worst['tolerance']:.4f})."
        )
    uniform = table.filter(pl.col("routing") == "uniform")
    for demand, part in uniform.group_by("demand", maintain_order=True):
        top = part.sort("mean", descending=True).row(0, named=True)
        out.append(
            f"Uniform routing, demand {demand[0]}: {top['niche']} specialists hold {top['mean']:.3f} of the "
            f"population; the largest gap to the choice prediction is "
            f"{part['error'].abs().max():.3f} (every request is equally likely to reach anyone, so the busiest "
            "niche pays most)."
        )
    return out


def persona_phase_findings(res: SweepResult) -> list[str]:
    """Sentences on a ``persona_phases`` sweep: per regime, personas and
    farming at shortlist 1 against longer shortlists, and the cell with the
    most personas."""
    w = res.wide(list(MEASURES))
    out = []
    for regime in w["regime"].unique(maintain_order=True).to_list():
        r = w.filter(pl.col("regime") == regime)
        one, more = r.filter(pl.col("shortlist") == 1), r.filter(pl.col("shortlist") > 1)
        parts = []
        for label, sel in (("shortlist 1", one), ("longer shortlists", more)):
            if sel.height:
                parts.append(
                    f"{label}: effective personas {_span(sel['effective_personas'].to_list())}, gold per need "
                    f"{_span(sel['gold_per_need'].to_list())}, lengthening {_span(sel['lengthening_share'].to_list())}"
                    f", returning {_span(sel['returning_share'].to_list())}")
        best = r.sort("effective_personas", descending=True).row(0, named=True)
        out.append(
            f"Under {regime}, " + "; ".join(parts) + f". Most personas at shortlist {best['shortlist']}, tradeoff "
            f"{best['tradeoff']:g}: {_ci(best, 'effective_personas')} (niche coverage "
            f"{best['niche_coverage']:.2f})."
        )
    return out


def competition_findings(res: SweepResult) -> list[str]:
    """Sentences on a ``competition`` sweep: for each fitness (and budget),
    what choice by gold and by proxy do to farming and gold against
    shortlist 1."""
    w = res.wide(list(MEASURES))
    out = []
    keys = ["fitness", "tradeoff", "time_budget"]
    for key, part in w.group_by(keys, maintain_order=True):
        fitness, tradeoff, budget = key
        where = f"{fitness}, tradeoff {tradeoff:g}" + (f", budget {budget}" if budget is not None else "")
        base = part.filter(pl.col("shortlist") == 1)
        if base.height == 0:
            continue
        b = base.row(0, named=True)
        sentence = [f"Under {where}, shortlist 1: gold per need {_ci(b, 'gold_per_need')}, lengthening "
                    f"{b['lengthening_share']:.2f}, returning {b['returning_share']:.2f}"]
        for by in ("gold", "proxy"):
            sel = part.filter(pl.col("choose_by") == by, pl.col("shortlist") > 1)
            if sel.height:
                sentence.append(
                    f"users choosing by {by} (shortlists {', '.join(map(str, sorted(set(sel['shortlist']))))}): "
                    f"gold per "
                    f"need {_span(sel['gold_per_need'].to_list())}, lengthening "
                    f"{_span(sel['lengthening_share'].to_list())}, returning {_span(sel['returning_share'].to_list())}")
        out.append("; ".join(sentence) + ".")
    return out


def _sizes(res: SweepResult) -> str:
    c = res.config
    return (f"Population {c.get('population')}, {c.get('generations')} generations, {len(c.get('seeds', []))} seeds "
            f"per cell, mutation {charts.style.knob(c.get('mutation'))}, initial spread {c.get('initial_spread')}; each run's last "
            f"{int(100 * c.get('tail', 0.2))}% of generations; 95% Student t intervals over seeds.")


def competition_report(res: SweepResult) -> Report:
    rep = Report("Competition: users choosing their assistant",
                 intro="Requests go to the best of a shortlist of agents, by expected gold or proxy per need "
                       "(SPEC 1.1). " + _sizes(res))
    rep.add_text("Findings", "\n\n".join(competition_findings(res)))
    rep.add_table("Summary", res.headline(list(MEASURES)),
                  caption="mean [95% interval]. " + "; ".join(f"{m}: {_LABELS[m]}" for m in MEASURES))
    for m in ("gold_per_need", "lengthening_share"):
        rep.add_chart(f"competition_{m}", charts.phase_heatmap(res, m, x="shortlist", y="choose_by"), _LABELS[m])
    return rep


def persona_phases_report(res: SweepResult) -> Report:
    rep = Report("Persona phase diagram: shortlist x trade-off", intro=_sizes(res))
    add_persona_phases(rep, res, "Findings")
    return rep


def add_persona_phases(rep: Report, res: SweepResult, heading: str, *, intro: str = "") -> None:
    rep.add_text(heading, "\n\n".join(([intro] if intro else []) + persona_phase_findings(res)))
    rep.add_chart("persona_phases", charts.competition.persona_phases(res),
                  "Effective number of personas exp(H(persona shares)), mean over seeds.",
                  title="Effective personas: shortlist x trade-off")
    rep.add_chart("persona_phases_gold", charts.competition.persona_phases(res, "gold_per_need"),
                  "Gold per need, mean over seeds.", title="Gold per need: shortlist x trade-off")
    rep.add_table("Persona phases", res.headline(list(MEASURES)), caption="mean [95% interval] over seeds")


def add_competition(rep: Report, ideal: pl.DataFrame, phases: SweepResult, heading: str) -> None:
    """The demo's section: the ideal-free check and the persona phases."""
    rep.add_text(heading, "Users draw a shortlist of agents and go to the one with the highest expected gold per "
                 "need in their niche (SPEC 1.1).\n\n" + "\n\n".join(ideal_free_findings(ideal)))
    rep.add_chart("ideal_free", charts.competition.ideal_free(ideal),
                  "Specialist shares (points: mean over seeds, bars: 95% intervals) and the ideal free "
                  "prediction (ticks).", title="Specialist shares against the ideal free distribution")
    rep.add_table("Ideal free check", ideal.select("demand", "routing", "shortlist", "niche", "predicted", "mean",
                                                   "low", "high", "error", "matches"))
    add_persona_phases(rep, phases, "Persona phases", intro=_sizes(phases))
