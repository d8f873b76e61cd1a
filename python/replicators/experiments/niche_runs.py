"""What the NicheWorld experiments share: measures and their names.

Every NicheWorld experiment runs ``replicators.evolve`` with the same size
knobs (``sweep.Sizes``) and measures each generation the same
way (``measure``): the result's ``history`` joined with the persona summary
of ``replicators.personas`` (effective personas, farming share, niche
coverage) and ``sqrt_kl`` = sqrt(KL from the initial policy), the x axis of
gold-vs-KL curves.

Examples
--------
>>> import replicators as r
>>> res = r.evolve(r.NicheWorld.preset(), population=50, generations=2, fitness="sum", seed=1)
>>> m = measure(res)
>>> {"gold_per_need", "farming_share", "niche_coverage", "sqrt_kl"} <= set(m.columns)
True
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ..worlds.niche import personas
from ..errors import ConfigError
from ..worlds.niche.world import NicheWorld

__all__ = ["base_world", "measure", "persona_table", "COMPARED", "HEADLINE", "LABELS"]

#: The fitness modes the ready experiments compare by default (any of the
#: world's, ``malthusian`` included, can be asked for).
COMPARED = ("sum", "rate", "episode_rate")

#: The measures a summary table shows, in order.
HEADLINE = (
    "gold_per_need",
    "proxy_per_need",
    "episode_length",
    "farming_share",
    "effective_personas",
    "niche_coverage",
    "specialization",
)

#: Human names of measures (axis titles, table captions).
LABELS = {
    "gold_per_need": "gold per need",
    "proxy_per_need": "proxy per need",
    "episode_length": "mean episode length (steps)",
    "farming_share": "farming share of steps (engage + flatter + partial)",
    "effective_personas": "effective number of personas",
    "niche_coverage": "niche coverage by specialist helpers",
    "specialization": "specialisation index",
    "solved_fraction": "solved fraction",
    "sqrt_kl": "sqrt(KL from the initial policy)",
    "policy_entropy": "policy entropy",
}


def base_world(world: Any) -> NicheWorld:
    """The world an experiment varies: the ``assistant`` preset by default.

    Examples
    --------
    >>> base_world(None).niche_names == NicheWorld.preset("assistant").niche_names
    True
    """
    if world is None:
        return NicheWorld.preset("assistant")
    if not isinstance(world, NicheWorld):
        raise ConfigError(f"world = {world!r} is invalid: expected a NicheWorld")
    return world


def measure(result: Any) -> pl.DataFrame:
    """One row per generation: history + persona summary + ``sqrt_kl``."""
    summary = personas.summary(result).drop("effective_personas")
    return (
        result.history.join(summary, on="generation", how="left")
        .with_columns(sqrt_kl=pl.col("kl_from_initial").clip(lower_bound=0.0).sqrt())
    )


def persona_table(result: Any) -> pl.DataFrame:
    """Persona shares per generation (kept per run for stacked-area charts)."""
    return personas.shares(result).select("generation", "persona", "niche", "behaviour", "share")
