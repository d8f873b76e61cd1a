"""What the NicheWorld experiments share: sizes, knobs and measures.

Every NicheWorld experiment runs ``replicators.evolve`` with the same size
knobs (``population``, ``generations``, ``seeds``, ``threads``,
``progress``) and the same mutation, and measures each generation the same
way (``measure``): the result's ``history`` joined with the persona summary
of ``replicators.personas`` (effective personas, farming share, niche
coverage) and ``sqrt_kl`` = sqrt(KL from the initial policy), the x axis of
gold-vs-KL curves.

Examples
--------
>>> import replicators as r
>>> res = r.evolve(r.NicheWorld.preset(), population=50, generations=2, fitness="sum", seed=1)
>>> m = measure(res)
>>> {"gold_per_request", "farming_share", "niche_coverage", "sqrt_kl"} <= set(m.columns)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from .. import _validate as v
from .. import personas
from ..selection import Mutation

__all__ = ["Sizes", "measure", "persona_table", "HEADLINE", "LABELS"]

#: The measures a summary table shows, in order.
HEADLINE = (
    "gold_per_request",
    "proxy_per_request",
    "episode_length",
    "farming_share",
    "effective_personas",
    "niche_coverage",
    "specialization",
)

#: Human names of measures (axis titles, table captions).
LABELS = {
    "gold_per_request": "gold per request",
    "proxy_per_request": "proxy per request",
    "episode_length": "mean episode length (steps)",
    "farming_share": "farming share of steps (engage + flatter + partial)",
    "effective_personas": "effective number of personas",
    "niche_coverage": "niche coverage by specialist helpers",
    "specialization": "specialisation index",
    "solved_fraction": "solved fraction",
    "sqrt_kl": "sqrt(KL from the initial policy)",
    "policy_entropy": "policy entropy",
}


@dataclass(frozen=True, kw_only=True)
class Sizes:
    """Size knobs every NicheWorld experiment takes (validated at once).

    Examples
    --------
    >>> Sizes(population=2).population
    2
    >>> Sizes(generations=0)
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: generations = 0 is invalid: expected an integer >= 1
    """

    population: int = 1000
    generations: int = 200
    seeds: int = 3
    seed: int = 0
    threads: int | None = None
    mutation: Mutation = Mutation(rate=0.2, scale=0.3)

    def __post_init__(self) -> None:
        v.integer("population", self.population, 2)
        v.integer("generations", self.generations, 1)
        v.integer("seeds", self.seeds, 1)
        v.seed("seed", self.seed)
        v.threads(self.threads)
        if not isinstance(self.mutation, Mutation):
            raise v.ConfigError(f"mutation = {self.mutation!r} is invalid: expected Mutation(rate=..., scale=...)")

    def evolve_kwargs(self) -> dict[str, Any]:
        """The evolve arguments these sizes fix (the sweep adds seed and threads)."""
        return {"population": self.population, "generations": self.generations, "mutation": self.mutation}

    def config(self) -> dict[str, Any]:
        """JSON-able record of the sizes."""
        return {
            "population": self.population, "generations": self.generations, "seeds": self.seeds,
            "seed": self.seed, "threads": self.threads,
            "mutation": {"rate": self.mutation.rate, "scale": self.mutation.scale},
        }


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
