"""One meaning per encoding, defined once for every chart and table: the
colour of each category (a fitness mode is the same colour in every chart),
and the title of each measure and knob, in words with its unit.

Examples
--------
>>> title("episode_length")
'episode length (steps)'
>>> title("some_new_column")
'some new column'
>>> COLORS["fitness"]["rate"] == COLORS["returns"]["rate"]
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["COLORS", "TITLES", "title", "color", "order", "knob"]

_RED, _BLUE, _GREEN, _PURPLE, _GREY = "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#7f7f7f"

#: Fixed colours per category column. Selection on the sum of reward and
#: training on summed returns share red; the rate, blue.
COLORS: dict[str, dict[str, str]] = {
    "fitness": {"sum": _RED, "rate": _BLUE, "episode_rate": _GREEN, "malthusian": _PURPLE,
                # Connect Four's: a total is red like sum, a rate blue like rate.
                "moves": _RED, "win_rate": _BLUE, "wins": "#ff7f0e", "entropy": _PURPLE},
    "returns": {"sum": _RED, "rate": _BLUE},
    "regime": {"sum": _RED, "sum+budget": "#ff7f0e", "rate": _BLUE},
    "aggregation": {"sum": _RED, "seq_mean": _BLUE, "token_mean": _GREEN, "constant": "#8c564b"},
    "routing": {"uniform": _GREY, "choice": "#17becf"},
    "choose_by": {"gold": "#bcbd22", "proxy": "#e377c2"},
    "advantage": {"gae": "#393b79", "group": "#637939", "reinforce": "#8c6d31"},
}

#: Measures and knobs in words, with units.
TITLES: dict[str, str] = {
    "gold_per_need": "gold per need",
    "proxy_per_need": "proxy per need",
    "gold_per_visit": "gold per visit",
    "proxy_per_visit": "proxy per visit",
    "proxy_per_step": "proxy per step",
    "episode_length": "episode length (steps)",
    "farming_share": "farming share of steps",
    "lengthening_share": "lengthening share of steps",
    "returning_share": "returning share of steps",
    "effective_personas": "effective personas",
    "niche_coverage": "niche coverage",
    "specialization": "specialisation (0 to 1)",
    "solved_fraction": "solved fraction of visits",
    "unserved_fraction": "unserved fraction of visits",
    "sqrt_kl": "sqrt(KL from the initial policy)",
    "kl_from_initial": "KL from the initial policy (nats)",
    "policy_entropy": "policy entropy (nats)",
    "failed_length": "failed trajectory (steps)",
    "value_share": "gradient share, value head",
    "reward_share": "gradient share, reward",
    "return_mean": "mean trajectory return",
    "game_length": "game length (moves)",
    "immediate_win_rate": "immediate-win rate",
    "block_rate": "block rate",
    "strength_vs_greedy": "win rate against greedy",
    "share": "share of agents",
    "pressure": "selection pressure",
    "generation": "generation",
    "iteration": "iteration",
    "tradeoff": "skill trade-off exponent",
    "shortlist": "shortlist (candidates per request)",
    "choose_by": "users choose by",
    "engage_proxy": "proxy per engage step",
    "patience": "user patience",
    "capacity": "skill capacity",
    "fitness": "fitness",
    "regime": "regime",
    "returns": "returns",
    "aggregation": "loss aggregation",
    "seed": "seed",
}


def title(name: str) -> str:
    """The words for a measure or knob (its name with spaces if unknown)."""
    return TITLES.get(name, name.replace("_", " "))


def color(field: str, values: Sequence[Any] = (), *, palette: str | None = None, legend: str | None = None) -> Any:
    """An altair colour encoding of the nominal ``field``: the fixed
    colours of ``COLORS[palette]`` (default: the field's own) when every
    value has one (``values``: the values the chart shows, in legend
    order), else altair's default category scale."""
    import altair as alt

    fixed = COLORS.get(palette or field, {})
    shown = order(palette or field, values)
    if shown and all(str(v) in fixed for v in shown):
        scale = alt.Scale(domain=[str(v) for v in shown], range=[fixed[str(v)] for v in shown])
    else:
        scale = alt.Undefined
    return alt.Color(f"{field}:N", title=legend if legend is not None else title(palette or field), scale=scale)


def order(field: str, values: Sequence[Any]) -> list[str]:
    """``values`` (as strings, once each) in the palette's order, then the rest
    in the order given: legends and panels list categories alike everywhere.

    >>> order("fitness", ["rate", "episode_rate", "sum"])
    ['sum', 'rate', 'episode_rate']
    """
    seen = [str(v) for v in dict.fromkeys(values)]
    known = [v for v in COLORS.get(field, {}) if v in seen]
    return known + [v for v in seen if v not in known]


def knob(value: Any) -> str:
    """A knob as a reader would write it: a dict as ``key value`` pairs, a
    list as its items, floats without trailing zeros.

    >>> knob({"rate": 0.2, "scale": 0.3})
    'rate 0.2, scale 0.3'
    >>> knob([1, 2])
    '1, 2'
    """
    if isinstance(value, dict):
        return ", ".join(f"{k} {knob(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(knob(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
