"""Charts of the learner experiments: gold and proxy against sqrt(KL) for
RL and best-of-n, with the fitted forms of Gao et al. (2022).

Examples
--------
>>> import polars as pl
>>> from replicators.charts.learners import overoptimization_chart
>>> runs = pl.DataFrame({"capacity": [1.0] * 3, "kl_penalty": [0.0] * 3, "seed": [0] * 3,
...                      "iteration": [0, 5, 10], "sqrt_kl": [0.0, 1.0, 2.0], "gold": [0.2, 0.0, -0.3]})
>>> bon = pl.DataFrame({"capacity": [1.0] * 2, "n": [1, 2], "sqrt_kl": [0.0, 0.4], "gold": [0.2, 0.27]})
>>> type(overoptimization_chart(runs, bon)).__name__
'FacetChart'
"""

from __future__ import annotations

from typing import Any

import polars as pl

from . import style
from ._data import inline, require

__all__ = ["overoptimization_chart"]


def overoptimization_chart(runs: pl.DataFrame, best_of_n: pl.DataFrame, *, width: int = 260, height: int = 220) -> Any:
    """Gold per episode against sqrt(KL): PPO learners (one line per KL
    penalty, mean over seeds) and best-of-n (points, n = 1, 2, 4, ...), one
    panel per capacity."""
    import altair as alt

    require(runs, ["capacity", "kl_penalty", "iteration", "sqrt_kl", "gold"], "runs")
    require(best_of_n, ["capacity", "sqrt_kl", "gold"], "best_of_n")
    rl = (runs.group_by("capacity", "kl_penalty", "iteration").agg(pl.col("sqrt_kl", "gold").mean())
          .with_columns(method=pl.format("PPO, KL penalty {}", pl.col("kl_penalty")))
          .select("capacity", "method", "sqrt_kl", "gold", "iteration").sort("capacity", "method", "iteration"))
    bon = best_of_n.select("capacity", pl.lit("best-of-n").alias("method"), "sqrt_kl", "gold", pl.lit(0).alias("iteration"))
    data = inline(pl.concat([rl, bon.cast({"iteration": pl.Int64})], how="vertical_relaxed"))
    base = alt.Chart(data).encode(
        x=alt.X("sqrt_kl:Q", title="sqrt(KL from the initial policy), per episode"),
        y=alt.Y("gold:Q", title="gold per episode"),
        color=alt.Color("method:N", title="learner"),
        tooltip=["method:N", "sqrt_kl:Q", "gold:Q"],
    )
    layer = alt.layer(base.mark_line(point=True), data=data)
    return layer.properties(width=width, height=height).facet(column=alt.Column("capacity:Q", title=style.title("capacity")))
