"""The Connect Four pressure chart: the story's measures against knockout
pressure, one line per fitness mode, with 95% intervals over seeds.

Examples
--------
>>> import polars as pl
>>> from replicators.charts.connect4 import pressure_chart
>>> cells = pl.DataFrame({"fitness": ["moves"] * 4, "pressure": [0.0, 0.5] * 2,
...     "metric": ["game_length"] * 2 + ["immediate_win_rate"] * 2,
...     "mean": [20.0, 24.0, 0.6, 0.4], "low": [19.0, 23.0, 0.5, 0.3], "high": [21.0, 25.0, 0.7, 0.5]})
>>> len(pressure_chart(cells).to_dict()["concat"])
2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._data import checked
from .summary import summary_panel

__all__ = ["MEASURES", "pressure_chart"]

#: Measures shown by default: game length and whether the win in one is played.
MEASURES = ("game_length", "immediate_win_rate")


@checked
def pressure_chart(data: Any, measures: Sequence[str] = MEASURES, *, width: int = 260, height: int = 200) -> Any:
    """Each measure against knockout pressure, per fitness mode (a
    ``connect4_pressure`` sweep or its ``cells`` table)."""
    return summary_panel(data, measures, x="pressure", columns=len(measures), width=width,
                         height=height).properties(
        title="Connect Four knockout: mean over seeds, 95% intervals")
