"""Charts of the Connect Four pressure experiment (altair, imported lazily).

Examples
--------
>>> import polars as pl
>>> from replicators.charts.connect4 import pressure_chart
>>> s = pl.DataFrame({"fitness": ["moves"] * 4, "pressure": [0.0, 0.5] * 2,
...                   "measure": ["game_length"] * 2 + ["immediate_win_rate"] * 2,
...                   "mean": [20.0, 24.0, 0.6, 0.4], "ci_low": [19.0, 23.0, 0.5, 0.3],
...                   "ci_high": [21.0, 25.0, 0.7, 0.5], "n": [5] * 4})
>>> pressure_chart(s).to_dict()["facet"]["column"]["field"]
'measure'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from ..errors import ConfigError

__all__ = ["MEASURES", "pressure_chart"]

#: Measures shown by default: the story's two.
MEASURES = ("game_length", "immediate_win_rate")


def pressure_chart(
    summary: pl.DataFrame,
    measures: Sequence[str] = MEASURES,
    *,
    width: int = 260,
    height: int = 200,
) -> Any:
    """Mean of each measure against knockout pressure, one line per fitness,
    with 95% intervals over seeds (error bars), one panel per measure.

    ``summary`` is ``connect4_pressure.run(...).summary`` (or any frame with
    ``fitness``, ``pressure``, ``measure``, ``mean``, ``ci_low``, ``ci_high``).
    """
    import altair as alt

    needed = {"fitness", "pressure", "measure", "mean", "ci_low", "ci_high"}
    missing = needed - set(summary.columns)
    if missing:
        raise ConfigError(f"summary lacks columns {sorted(missing)}: expected connect4_pressure.run(...).summary")
    data = summary.filter(pl.col("measure").is_in(list(measures)))
    if data.height == 0:
        raise ConfigError(f"measures = {list(measures)!r} is invalid: expected measures present in the summary")
    # NaN bounds (one seed) would break the bars: drop them to nulls.
    data = data.with_columns(pl.col("ci_low", "ci_high").fill_nan(None))
    base = alt.Chart().encode(
        x=alt.X("pressure:Q", title="knockout pressure (P(a winner's run ends))"),
        color=alt.Color("fitness:N", title="fitness"),
    )
    lines = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=["fitness", "pressure", "measure", "mean", "ci_low", "ci_high"],
    )
    bars = base.mark_errorbar(ticks=True).encode(y="ci_low:Q", y2="ci_high:Q")
    return (
        alt.layer(lines, bars, data=data)
        .properties(width=width, height=height)
        .facet(column=alt.Column("measure:N", title=None))
        .resolve_scale(y="independent")
        .properties(title="Connect Four knockout: mean over seeds, 95% intervals")
    )

