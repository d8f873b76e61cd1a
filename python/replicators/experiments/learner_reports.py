"""Reports of the learner experiments, their findings written from the numbers.

Examples
--------
>>> from replicators.experiments import length_bias
>>> res = length_bias(aggregations=("sum", "seq_mean"), advantages=("group",), learners=4, iterations=3, seeds=2)
>>> length_bias_findings(res)[0][:40]
'On the answer world (one question, right'
"""

from __future__ import annotations

import polars as pl

from .. import charts
from ..charts.learners import overoptimization_chart
from ..io.report import Report
from .learner_runs import HEADLINE, LABELS
from ..sweeps import SweepResult

__all__ = [
    "loss_aggregation_report", "loss_aggregation_findings", "add_loss_aggregation", "length_bias_report", "length_bias_findings",
    "value_head_report", "value_head_findings", "overoptimization_report", "overoptimization_findings",
]


def _cell(res: SweepResult, metric: str, **where: object) -> dict[str, float] | None:
    c = res.cells.filter(pl.col("metric") == metric)
    for k, x in where.items():
        c = c.filter(pl.col(k) == x)
    return c.row(0, named=True) if c.height else None


def _fmt(c: dict[str, float] | None, digits: int = 2) -> str:
    if c is None or c["mean"] is None:
        return "n/a"
    if c["n"] < 2:
        return f"{c['mean']:.{digits}f}"
    return f"{c['mean']:.{digits}f} [{c['low']:.{digits}f}, {c['high']:.{digits}f}]"


def _sizes(res: SweepResult) -> str:
    c = res.config
    return (f"{c.get('learners')} learners per run, {c.get('iterations')} iterations of {c.get('episodes')} "
            f"requests, {len(c.get('seeds', []))} seeds per cell; the summary is the mean over each run's "
            f"last {c.get('tail', 0.2):.0%} of iterations, 95% intervals over seeds.")


def loss_aggregation_findings(res: SweepResult) -> list[str]:
    """One sentence per returns x trajectory x advantage: what each aggregation teaches."""
    out = []
    keys = res.per_run.select("returns", "trajectory", "advantage").unique(maintain_order=True)
    for returns, trajectory, adv in keys.iter_rows():
        where = {"returns": returns, "trajectory": trajectory, "advantage": adv}
        aggs = res.per_run.filter(**where)["aggregation"].unique(maintain_order=True).to_list()
        gold = {a: _cell(res, "gold_per_need", aggregation=a, **where) for a in aggs}
        length = {a: _cell(res, "episode_length", aggregation=a, **where) for a in aggs}
        best = max(aggs, key=lambda a: gold[a]["mean"] if gold[a] else float("-inf"))
        worst = min(aggs, key=lambda a: gold[a]["mean"] if gold[a] else float("inf"))
        head = f"returns={returns}, trajectory={trajectory}, advantage={adv}: "
        if gold[best]["mean"] - gold[worst]["mean"] < 0.005:
            text = (head + f"every aggregation gives the same gold per need ({_fmt(gold[best])}, episodes of "
                    f"{_fmt(length[best], 1)} steps)")
        else:
            text = (head + f"gold per need is highest with {best} ({_fmt(gold[best])}, episodes of "
                    f"{_fmt(length[best], 1)} steps) and lowest with {worst} ({_fmt(gold[worst])}, "
                    f"{_fmt(length[worst], 1)} steps)")
        if {"sum", "constant"} <= set(aggs) and gold["sum"] and gold["constant"] and \
                abs(gold["sum"]["mean"] - gold["constant"]["mean"]) < 1e-3:
            text += "; sum and constant agree (Adam's steps do not change when the loss is scaled by a constant)"
        out.append(text + ".")
    return out


def loss_aggregation_report(res: SweepResult) -> Report:
    rep = Report("Loss aggregation, returns and trajectories: what PPO learners learn", intro="")
    add_loss_aggregation(rep, res, heading="Findings")
    return rep


def add_loss_aggregation(rep: Report, res: SweepResult, heading: str) -> None:
    """The loss-aggregation findings, table and charts, appended to ``rep``
    (the demo report has them as a section)."""
    rep.add_text(heading, "PPO learners on the assistant preset (SPEC 4), from the uniform policy; gold and proxy "
                 "per need are the exact evaluator's values for the learned policies. " + _sizes(res) + "\n\n"
                 + "\n\n".join(loss_aggregation_findings(res)))
    rep.add_table("Summary", res.headline(list(HEADLINE), digits=2),
                  caption="mean [95% interval] over seeds. " + "; ".join(f"{m}: {LABELS[m]}" for m in HEADLINE))
    for returns in res.per_run["returns"].unique(maintain_order=True).to_list():
        first = res.per_run.filter(returns=returns).row(0, named=True)
        where = {"returns": returns, "trajectory": first["trajectory"], "advantage": first["advantage"]}
        rep.add_chart(f"learning_{returns}", charts.trajectories(res, ["gold_per_need", "episode_length",
                                                                       "policy_entropy"], where=where, x="iteration"),
                      f"returns={returns}, trajectory={where['trajectory']}: one line per aggregation (mean over "
                      "seeds); drag on the bottom strip to zoom.", title=f"Learning curves, returns = {returns}")


def length_bias_findings(res: SweepResult) -> list[str]:
    out = ["On the answer world (one question, right half the time; thinking only adds length), the length of "
           "failed trajectories, averaged over each run's last 20% of iterations:"]
    for adv in res.per_run["advantage"].unique(maintain_order=True).to_list():
        cells = {a: _cell(res, "failed_length", aggregation=a, advantage=adv)
                 for a in res.per_run.filter(advantage=adv)["aggregation"].unique(maintain_order=True).to_list()}
        parts = ", ".join(f"{a} {_fmt(c)}" for a, c in cells.items())
        line = f"advantage={adv}: {parts} steps"
        s, q = cells.get("sum"), cells.get("seq_mean")
        if s and q and s["n"] >= 2 and q["n"] >= 2:
            if q["low"] > s["high"]:
                line += "; seq_mean's failed answers are longer than sum's (intervals apart), as Dr. GRPO reports"
            elif q["high"] < s["low"]:
                line += "; seq_mean's failed answers are shorter than sum's, against Dr. GRPO's report"
            else:
                line += "; seq_mean and sum are not distinguishable at these sizes"
        out.append(line + ".")
    return out


def length_bias_report(res: SweepResult) -> Report:
    rep = Report("Does GRPO's 1/|o| lengthen wrong answers? (Dr. GRPO)", intro=_sizes(res))
    rep.add_text("Findings", "\n\n".join(length_bias_findings(res)))
    rep.add_table("Summary", res.headline(["failed_length", "episode_length", "proxy_per_need", "policy_entropy"]))
    rep.add_chart("failed_length", charts.trajectories(res, ["failed_length", "episode_length"], x="iteration"),
                  "Steps of failed trajectories and of all episodes per iteration, one line per aggregation and "
                  "advantage (mean over seeds).")
    return rep


def value_head_findings(res: SweepResult) -> list[str]:
    out = []
    for reward in res.per_run["reward"].unique(maintain_order=True).to_list():
        lams = sorted(res.per_run.filter(reward=reward)["lam"].unique().to_list())
        parts = ", ".join(f"lambda {x:g}: {_fmt(_cell(res, 'value_share', reward=reward, lam=x))}" for x in lams)
        exact = _cell(res, "exact_value_share", reward=reward, lam=lams[-2] if len(lams) > 1 else lams[0])
        line = f"{reward} reward, share of the first gradient through the value head (over the whole run): {parts}"
        if exact and exact["n"]:
            line += f" (the share of the expected gradients at lambda {lams[-2] if len(lams) > 1 else lams[0]:g}: " \
                    f"{_fmt(exact)})"
        out.append(line + ".")
    return out


def value_head_report(res: SweepResult) -> Report:
    rep = Report("How much of the policy gradient comes through the value head?", intro=_sizes(res))
    rep.add_text("Findings", "\n\n".join(value_head_findings(res)))
    rep.add_table("Summary", res.headline(["value_share", "exact_value_share", "grad_reward_norm", "grad_value_norm",
                                           "gold_per_need"]))
    for reward in res.per_run["reward"].unique(maintain_order=True).to_list():
        rep.add_chart(f"value_share_{reward}",
                      charts.trajectories(res, ["value_share", "exact_value_share"], where={"reward": reward},
                                          x="iteration"),
                      f"{reward} reward: measured share (batch gradients, pooled over learners) and the share of "
                      "the expected gradients at the same states, one line per lambda.")
    return rep


def overoptimization_findings(res: SweepResult) -> list[str]:
    fits = res.tables["fits"]
    bon = res.tables["best_of_n"]
    out = []
    for cap in sorted(bon["capacity"].unique().to_list()):
        b = bon.filter(capacity=cap).sort("gold", descending=True).row(0, named=True)
        out.append(f"capacity {cap:g}: best-of-n's gold per episode peaks at n = {b['n']} (sqrt(KL) "
                   f"{b['sqrt_kl']:.2f}, gold {b['gold']:.3f}) and falls beyond.")
    for row in fits.iter_rows(named=True):
        out.append(f"capacity {row['capacity']:g}, {row['method']}: gold - gold(0) = d ({row['alpha']:.3f} - "
                   f"{row['beta']:.3f} {'ln d' if row['form'] == 'rl' else 'd'}); alpha [{row['alpha_low']:.3f}, "
                   f"{row['alpha_high']:.3f}], beta [{row['beta_low']:.3f}, {row['beta_high']:.3f}].")
    return out


def overoptimization_report(res: SweepResult) -> Report:
    rep = Report("Overoptimisation: gold against sqrt(KL) for PPO and best-of-n (Gao et al. 2022)",
                 intro=_sizes(res))
    rep.add_text("Findings", "\n\n".join(overoptimization_findings(res)))
    rep.add_chart("gold_vs_kl", overoptimization_chart(res.runs, res.tables["best_of_n"]),
                  "Gold per episode (exact) against sqrt(episode-level KL from the start).")
    rep.add_table("Fits", res.tables["fits"])
    return rep
