"""Reports of experiments: a ``Report`` (``replicators.io.report``) per sweep,
with the charts, the headline table and findings written from the numbers.

``REPORTS`` maps an experiment's name to its report builder; the CLI's
``report`` and ``demo`` commands use it, and a new experiment adds a line.

Examples
--------
>>> from replicators.experiments.sum_vs_rate import sum_vs_rate
>>> res = sum_vs_rate(pressures=(0.0, 1.0), population=60, generations=4, seeds=2)
>>> rep = build_report(res)
>>> [s.name for s in rep.sections][:2]
['Findings', 'Summary per fitness mode and pressure']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from .. import charts
from ..io.report import Report
from . import competition_reports, learner_reports
from .goodhart import curve
from .niche_runs import HEADLINE, LABELS
from .phase_diagram import divergence
from ..sweeps import SweepResult

__all__ = ["REPORTS", "build_report", "control_once", "headline_metrics", "last_generation", "run_report", "sum_vs_rate_findings"]

SUMMARY = ("gold_per_need", "episode_length", "farming_share", "effective_personas", "niche_coverage")
#: The Connect Four story's measures.
CONNECT4 = ("game_length", "immediate_win_rate", "block_rate", "strength_vs_greedy")


def headline_metrics(res: SweepResult) -> list[str]:
    """The measures a sweep's headline table shows (those it has)."""
    wanted = CONNECT4 if res.name == "connect4_pressure" else SUMMARY
    have = set(res.cells["metric"].to_list())
    return [m for m in wanted if m in have]


def _sizes(res: SweepResult) -> str:
    c = res.config
    seeds = c.get("seeds", [])
    return (f"population {c.get('population')}, {c.get('generations')} generations, "
            f"{len(seeds)} seeds per cell ({', '.join(map(str, seeds))}), mutation {charts.style.knob(c.get('mutation'))}; "
            f"summaries average each run's last {int(100 * c.get('tail', 0.2))}% of generations; "
            "intervals are 95% Student t intervals over seeds.")


def control_once(table: pl.DataFrame) -> pl.DataFrame:
    """A headline table with its pressure-0 rows shown once, as fitness
    ``any (control)``, when they are the same numbers (at pressure 0
    selection ignores fitness, and cells share seeds, so every fitness
    mode runs the same neutral drift); left as they are otherwise.

    Examples
    --------
    >>> t = pl.DataFrame({"fitness": ["sum", "rate", "sum"], "pressure": [0.0, 0.0, 1.0], "x": ["1", "1", "2"]})
    >>> control_once(t)["fitness"].to_list()
    ['any (control)', 'sum']
    """
    if not {"fitness", "pressure"} <= set(table.columns):
        return table
    control = table.filter(pl.col("pressure") == 0)
    if control.height < 2 or control.drop("fitness").unique().height != 1:
        return table
    return pl.concat([control.head(1).with_columns(fitness=pl.lit("any (control)")),
                      table.filter(pl.col("pressure") != 0)])


def _range(xs: list[float]) -> str:
    lo, hi = min(xs), max(xs)
    return f"{lo:.2f}" if abs(hi - lo) < 0.005 else f"{lo:.2f} to {hi:.2f}"


def sum_vs_rate_findings(res: SweepResult) -> list[str]:
    """Sentences stating what the sum_vs_rate numbers show (no essay: the
    numbers of this run, whatever they are)."""
    w = res.wide(list(SUMMARY))
    pr = res.per_run
    shares = [c for c in pr.columns if c.startswith("share_")]
    out = []
    control = w.filter(pl.col("pressure") == 0.0)
    if control.height:
        row = control.row(0, named=True)
        out.append(
            f"Control (pressure 0, neutral drift; identical for every fitness mode since cells share seeds): "
            f"gold per need {row['gold_per_need']:.3f}, episode length {row['episode_length']:.2f}, "
            f"farming share {row['farming_share']:.2f}, effective personas {row['effective_personas']:.2f}."
        )
    for f in w["fitness"].unique(maintain_order=True).to_list():
        sel = w.filter(pl.col("fitness") == f, pl.col("pressure") > 0)
        if sel.height == 0:
            continue
        runs = pr.filter(pl.col("fitness") == f, pl.col("pressure") > 0)
        top = max(shares, key=lambda c: runs[c].mean()) if shares else None
        action = (f"; the most used action is {top.removeprefix('share_')} ({runs[top].mean():.0%} of steps)"
                  if top else "")
        out.append(
            f"Under {f} (pressures {_range(sel['pressure'].to_list())}): gold per need "
            f"{_range(sel['gold_per_need'].to_list())}, episode length {_range(sel['episode_length'].to_list())} "
            f"steps, farming share {_range(sel['farming_share'].to_list())}, effective personas "
            f"{_range(sel['effective_personas'].to_list())}, niche coverage "
            f"{_range(sel['niche_coverage'].to_list())}{action}."
        )
    modes = w["fitness"].unique().to_list()
    if "sum" in modes and "rate" in modes:
        both = w.filter(pl.col("fitness") == "sum", pl.col("pressure") > 0).join(
            w.filter(pl.col("fitness") == "rate"), on="pressure", suffix="_rate")
        # Sorted: a join does not promise its rows' order, and the text must not vary.
        apart = both.filter(pl.col("gold_per_need_low_rate") > pl.col("gold_per_need_high")).sort("pressure")
        out.append(
            f"Rate-selection gives more gold per need than sum-selection, with non-overlapping intervals, "
            f"at {apart.height} of {both.height} pressures > 0"
            + (f" ({', '.join(f'{p:g}' for p in apart['pressure'])})." if apart.height else ".")
        )
    return out


def sum_vs_rate_report(res: SweepResult) -> Report:
    pressures = sorted(res.per_run["pressure"].unique().to_list())
    shown = 1.0 if 1.0 in pressures else max(pressures)
    rep = Report(
        "Sum vs rate: what selection on each makes of the assistant world",
        intro=("Populations of assistants evolve on the assistant preset (SPEC 1) with fitness = the sum of "
               "proxy reward per generation, its rate per step, or the mean rate per episode, at several "
               "selection pressures. Gold is the true value to users; farming actions (engage, flatter, "
               "partial) keep the user or score more than they give. " + _sizes(res)),
    )
    rep.add_text("Findings", "\n\n".join(sum_vs_rate_findings(res)))
    rep.add_table("Summary per fitness mode and pressure", control_once(res.headline(list(SUMMARY), digits=2)),
                  caption="mean [95% interval] over seeds. " + "; ".join(f"{m}: {LABELS[m]}" for m in SUMMARY))
    rep.add_chart("summary", charts.summary_panel(res, list(SUMMARY), columns=3),
                  "Each measure against pressure, per fitness mode (bars: 95% intervals over seeds).",
                  title="Each measure against selection pressure")
    rep.add_chart("trajectories", charts.trajectories(res, ["gold_per_need", "episode_length", "farming_share",
                                                           "effective_personas"], where={"pressure": shown}),
                  f"Mean over seeds per generation at pressure {shown:g}; drag on the bottom strip to zoom.",
                  title=f"Over generations, at pressure {shown:g}")
    if "personas" in res.tables:
        rep.add_chart("personas", charts.persona_shares(res, where={"pressure": shown}, facet="fitness", width=220,
                                                        height=60),
                      f"Persona shares (niche:behaviour) at pressure {shown:g}, run by run: one row per seed, "
                      "so a panel shows what one population became.", title=f"Personas, run by run, at pressure {shown:g}")
    rep.add_table("All measures", control_once(res.headline(list(HEADLINE), digits=2)),
                  caption="mean [95% interval] over seeds. " + "; ".join(f"{m}: {LABELS[m]}" for m in HEADLINE))
    return rep


def phase_diagram_report(res: SweepResult) -> Report:
    rep = Report("Phase diagram: engagement reward x user patience",
                 intro="Where do sum- and rate-selection part ways? " + _sizes(res))
    for m in ("gold_per_need", "episode_length", "farming_share"):
        rep.add_chart(f"phase_{m}", charts.phase_heatmap(res, m), LABELS[m])
    if {"sum", "rate"} <= set(res.per_run["fitness"].unique().to_list()):
        d = divergence(res, "gold_per_need")
        rep.add_chart("divergence", charts.phase_heatmap(d, facet=None),
                      "Gold per need, rate minus sum, paired by seed.")
        rep.add_table("Divergence of gold per need (rate - sum)", d)
    rep.add_table("All measures", res.wide(list(HEADLINE)))
    return rep


def tradeoff_report(res: SweepResult) -> Report:
    rep = Report("Trade-off: when do personas appear?",
                 intro="skill_k = capacity * w_k ** tradeoff; > 1 makes spreading skill costly. " + _sizes(res))
    ms = ["effective_personas", "specialization", "niche_coverage", "gold_per_need"]
    rep.add_table("Summary", res.headline(ms), caption="mean [95% interval] over seeds")
    rep.add_chart("summary", charts.summary_panel(res, ms, x="tradeoff"), "Against the trade-off exponent.")
    if "personas" in res.tables:
        for t in sorted(res.per_run["tradeoff"].unique().to_list()):
            rep.add_chart(f"personas_tradeoff_{t:g}", charts.persona_shares(res, where={"tradeoff": t},
                                                                            facet="fitness", width=200),
                          f"Persona shares at tradeoff {t:g}.")
    return rep


def goodhart_report(res: SweepResult) -> Report:
    rep = Report("Goodhart: gold and proxy against sqrt(KL from the initial policy)", intro=_sizes(res))
    rep.add_chart("gold_vs_kl", charts.gold_vs_kl(res), "Each point a generation (mean over seeds).")
    c = curve(res)
    peak = c.sort("gold_per_need", descending=True).group_by("capacity", "fitness", maintain_order=True).first()
    rep.add_table("Peak gold per need along the run", peak.sort("capacity", "fitness"))
    rep.add_table("Settled state", res.headline(["gold_per_need", "proxy_per_need", "sqrt_kl"]))
    return rep


def connect4_pressure_report(res: SweepResult) -> Report:
    c = res.config
    rep = Report(
        "Connect Four: does selective pressure make bots drag games out?",
        intro=("Bots (softmax over engine features) evolve in a knockout where a winner plays on with "
               "probability 1 - pressure; fitness is the moves they play, the entropy of their play, their "
               f"wins or their win rate. Selection: proportional, pressure {c.get('selection_pressure')}; "
               f"strength is measured over {c.get('strength_games')} games per reference bot. " + _sizes(res)),
    )
    rep.add_table("Summary per fitness mode and pressure", res.headline(headline_metrics(res)),
                  caption="mean [95% interval] over seeds; immediate_win_rate = P(plays the win | one exists)")
    rep.add_chart("pressure", charts.connect4.pressure_chart(res), "Game length and the immediate-win rate.")
    weights = [m for m in res.cells["metric"].unique(maintain_order=True).to_list() if m.startswith("weight_")]
    rep.add_chart("weights", charts.summary_panel(res, weights, columns=3),
                  "Mean feature weights of the population (the bias weight cancels in the softmax: a drift gauge).")
    rep.add_table("All measures", res.wide(), caption="means and interval bounds per cell")
    return rep


def connect4_self_play_report(res: SweepResult) -> Report:
    c = res.config
    rep = Report(
        "Connect Four learners: does self-play on the further games a win buys drag games out?",
        intro=(f"Learners (softmax over engine features) train by REINFORCE against pools of their past selves, "
               f"{c.get('learners')} per run, {c.get('iterations')} iterations of {c.get('games')} games; a game's "
               f"reward is what its result is worth in a knockout of {c.get('population')} at each pressure "
               "(the further games a win buys), counted in games, moves or entropy. Summaries average each run's "
               "last 20% of iterations; intervals are 95% Student t intervals over seeds."),
    )
    ms = [m for m in CONNECT4 if m in set(res.cells["metric"].to_list())]
    rep.add_table("Summary per objective and pressure", res.headline(ms),
                  caption="mean [95% interval] over seeds; immediate_win_rate = P(plays the win | one exists)")
    rep.add_chart("pressure", charts.summary_panel(res, ms, x="pressure", color="objective"),
                  "Against the knockout pressure, one colour per objective.")
    weights = [m for m in res.cells["metric"].unique(maintain_order=True).to_list() if m.startswith("weight_")]
    rep.add_chart("weights", charts.summary_panel(res, weights, x="pressure", color="objective", columns=3),
                  "Mean feature weights of the learners (the bias weight cancels in the softmax).")
    rep.add_table("All measures", res.wide(), caption="means and interval bounds per cell")
    return rep


REPORTS: dict[str, Callable[[SweepResult], Report]] = {
    "connect4_self_play": connect4_self_play_report,
    "competition": competition_reports.competition_report,
    "persona_phases": competition_reports.persona_phases_report,
    "loss_aggregation": learner_reports.loss_aggregation_report,
    "length_bias": learner_reports.length_bias_report,
    "value_head": learner_reports.value_head_report,
    "overoptimization": learner_reports.overoptimization_report,
    "connect4_pressure": connect4_pressure_report,
    "sum_vs_rate": sum_vs_rate_report,
    "phase_diagram": phase_diagram_report,
    "tradeoff": tradeoff_report,
    "goodhart": goodhart_report,
}


def charts_available() -> bool:
    """Whether altair and vl-convert are installed (``pip install 'replicators[charts]'``)."""
    try:
        import altair  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


def build_report(res: Any) -> Report:
    """The report of a sweep, by its experiment's name (a generic one otherwise).

    Without altair and vl-convert the report has the tables and findings only.
    """
    builder = REPORTS.get(getattr(res, "name", ""))
    if builder is not None and charts_available():
        return builder(res)
    if res.name == "sum_vs_rate":
        rep = Report("Sum vs rate (tables only: pip install 'replicators[charts]' for charts)", intro=_sizes(res))
        rep.add_text("Findings", "\n\n".join(sum_vs_rate_findings(res)))
        rep.add_table("Summary per fitness mode and pressure", res.headline(list(SUMMARY)))
        return rep
    rep = Report(f"Sweep: {res.name}", intro=_sizes(res))
    metrics = res.cells["metric"].unique(maintain_order=True).to_list()[:8]
    rep.add_table("Summary", res.headline(metrics))
    return rep


#: The last-generation measures of one run, per kind of world (those the history has).
RUN_LAST = {
    "niche": ("gold_per_need", "proxy_per_need", "episode_length", "farming_share", "effective_personas",
              "niche_coverage", "kl_from_initial"),
    "connect4": ("game_length", "immediate_win_rate", "block_rate", "strength_vs_random", "strength_vs_greedy"),
}


def _run_world(history: pl.DataFrame) -> str:
    """Which kind of world a run's history comes from (``RUN_LAST``'s keys)."""
    return "connect4" if "game_length" in history.columns else "niche"


def last_generation(history: pl.DataFrame) -> pl.DataFrame:
    """The last row of a run's history, with the measures its world is read by.

    Examples
    --------
    >>> import replicators as r
    >>> from replicators import connect4
    >>> res = r.evolve(connect4.Knockout(), population=10, generations=2, fitness="moves")
    >>> last_generation(res.history).columns[:3]
    ['generation', 'game_length', 'immediate_win_rate']
    """
    return history.tail(1).select("generation", *(c for c in RUN_LAST[_run_world(history)] if c in history.columns))


def _mean_weights(history: pl.DataFrame) -> pl.DataFrame:
    """The ``weight_<feature>`` columns as long rows (generation, feature, mean_weight)."""
    weights = [c for c in history.columns if c.startswith("weight_")]
    return (history.unpivot(index="generation", on=weights, variable_name="feature", value_name="mean_weight")
            .with_columns(pl.col("feature").str.strip_prefix("weight_")))


#: What a learner run's report shows over iterations, and in its last row.
LEARN = ("return_mean", "proxy_per_need", "gold_per_need", "episode_length", "farming_share", "policy_entropy",
         "value_share")


def learn_report(history: pl.DataFrame, config_text: str = "") -> Report:
    """The report of one learner run written by ``replicators learn``."""
    rep = Report("Learners", intro="Tables and charts of one run of policy-gradient learners in a NicheWorld "
                                   "(means over learners); the resolved config is below.")
    rep.add_table("Last iteration", history.tail(1).select("iteration", *LEARN))
    rep.add_chart("trajectories", charts.trajectories(history, list(LEARN[:4]), x="iteration"),
                  "proxy and gold per need are the exact evaluator's expectations for the learners' policies; "
                  "return_mean is what the learners optimise. Drag on the bottom strip to zoom.")
    rep.add_chart("update", charts.trajectories(history, ["value_share", "clip_fraction", "approx_kl"], x="iteration"),
                  "value_share: the share of the first policy gradient that comes through the value head "
                  "(GAE's value terms), <g^V, g> / |g|^2.")
    if config_text:
        rep.add_text("Config", config_text)
    return rep


def run_report(tables: dict[str, pl.DataFrame], config_text: str = "") -> Report:
    """The report of one run written by ``replicators run`` (its tables by name):
    a NicheWorld's or a Connect Four tournament's."""
    history = tables["history"]
    world = _run_world(history)
    what = "a Connect Four tournament" if world == "connect4" else "a NicheWorld"
    rep = Report("One run", intro=f"Tables and charts of a single evolve run of {what}; the resolved config "
                                  "is below.")
    last = last_generation(history)
    rep.add_table("Last generation", last)
    if world == "connect4":
        rep.add_chart("trajectories", charts.trajectories(history, list(CONNECT4)),
                      "immediate_win_rate = P(plays the win | one exists); block_rate = P(blocks | must); "
                      "strength = win rate against the greedy bot. Drag on the bottom strip to zoom.")
        rep.add_chart("weights", charts.trajectories(_mean_weights(history), ["mean_weight"], by=["feature"]),
                      "Mean feature weight of the population per generation (the bias weight cancels in the "
                      "softmax: a gauge of drift without selection).")
    else:
        cols = [c for c in last.columns if c not in ("generation", "kl_from_initial")]
        rep.add_chart("trajectories", charts.trajectories(history, cols[:4]),
                      "Drag on the bottom strip to zoom on generations.")
        if "personas" in tables:
            rep.add_chart("personas", charts.persona_shares(tables["personas"]), "Persona shares (niche:behaviour).")
        rep.add_chart("gold_vs_kl", charts.gold_vs_kl(history), "Proxy and gold per need against sqrt(KL).")
    if config_text:
        rep.add_text("Config", config_text)
    return rep
