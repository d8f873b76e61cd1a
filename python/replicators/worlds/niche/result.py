"""The result of evolving a NicheWorld: tidy tables, snapshots, status.

Tables (polars DataFrames):

``history``
    One row per generation: ``generation``, ``steps`` (agent-steps
    simulated), ``needs`` (fresh requests: a user who came once),
    ``follow_ups``, ``visits`` (every arrival: needs + follow-ups),
    ``episodes``, ``solved``, ``declined``, ``refused`` (time budget spent),
    ``unserved``; ``fitness_mean/sd/min/max``; ``proxy_per_need`` and
    ``gold_per_need`` (all a user who came once got, follow-ups included:
    the exact evaluator's unit, ``Evaluation.gold_per_need``),
    ``proxy_per_visit`` and ``gold_per_visit`` (per arrival),
    ``proxy_per_step``, ``episode_length`` (steps per episode),
    ``solved_fraction`` and ``unserved_fraction`` (shares of visits);
    ``policy_entropy`` (mean over agents of the demand-weighted H(pi(.|k))),
    ``kl_from_initial`` (mean over agents of the demand-weighted
    KL(pi(.|k) || pi0(.|k)), pi0 the initial population's mean policy),
    ``specialization`` (mean of 1 - H(w)/ln K), ``skill`` (mean
    demand-weighted skill), ``effective_personas`` (exp of the entropy of
    persona shares) and ``share_<action>`` (share of steps per action).
``niches``
    generation x niche: the same counts, proxy/gold per need and per
    visit, episode length, solved and unserved fractions.
``actions``
    generation x niche x action: steps and share of the niche's steps.
``personas``
    generation x persona: ``niche`` (dominant niche or ``generalist``),
    ``behaviour`` (helper / farmer / decliner), ``persona``, ``count``,
    ``share``, mean fitness, proxy and gold of its agents.

Personas follow the rule the core owns (``replicators.personas`` states it).

Examples
--------
>>> import replicators as r
>>> res = r.evolve(r.NicheWorld.preset(), population=100, generations=2, fitness="sum",
...                snapshots=[0, 2], seed=3)
>>> sorted(res.snapshots), res.snapshots[2].shape
([0, 2], (100, 24))
>>> res.personas_at(0)["persona"][0]
'generalist:farmer'
"""

from __future__ import annotations

from numbers import Integral

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from ...errors import ConfigError
from ...selection.protocol import Evolved
from .personas import BEHAVIOURS, coverage, of_genomes, summary, tagged

if TYPE_CHECKING:
    from .world import NicheWorld

__all__ = ["NicheResult"]


@dataclass(frozen=True)
class NicheResult(Evolved):
    """What ``replicators.evolve`` returns for a NicheWorld: the fields every
    world's result has (``selection.protocol.Evolved``: ``history``,
    ``snapshots``, ``status``, ``extinct_at``, ``world``, ``config``,
    ``seed``), and:

    Attributes
    ----------
    niches, actions, personas
        polars tables (see the module docs).
    reference
        The initial population's mean policy (K x A), the KL reference.
    bytes_per_agent
        Peak bytes of per-agent state in the core, divided by the population.
    learned
        With a ``lifetime`` that learns (``replicators.learn.Learn``): the
        learned genomes at each snapshot generation that played, beside the
        inherited ones in ``snapshots`` (the ``agents`` table then has each
        agent's ``learning_kl``); empty otherwise.
    """

    niches: pl.DataFrame
    actions: pl.DataFrame
    personas: pl.DataFrame
    reference: np.ndarray
    bytes_per_agent: float
    learned: dict[int, np.ndarray] = field(default_factory=dict)

    @staticmethod
    def _from_core(world: NicheWorld, raw: dict[str, Any], config: dict[str, Any]) -> NicheResult:
        niche_names, action_names = world.niche_names, world.action_names
        h = dict(raw["history"])
        for j, name in enumerate(action_names):
            h[f"share_{name}"] = h.pop(f"share_{j}")
        n = dict(raw["niches"])
        n["niche"] = tagged(n["niche"], niche_names)
        a = dict(raw["actions"])
        a["niche"] = tagged(a["niche"], niche_names)
        a["action"] = tagged(a["action"], action_names)
        p = dict(raw["personas"])
        p["niche"] = tagged(p["niche"], (*niche_names, "generalist"))
        p["behaviour"] = tagged(p["behaviour"], BEHAVIOURS)
        personas_ = pl.DataFrame(p).with_columns(persona=pl.col("niche") + ":" + pl.col("behaviour"))
        personas_ = personas_.select("generation", "persona", pl.exclude("generation", "persona"))
        per_agent = {
            int(g): {name: col.astype(np.int64) if col.dtype.kind == "u" else col for name, col in cols.items()}
            for g, cols in raw["agents"]
        }
        for g, _, kl in raw["learned"]:
            per_agent[int(g)]["learning_kl"] = kl
        for g, lrs in raw["learning_rates"]:
            per_agent.setdefault(int(g), {})["learning_rate"] = lrs
        return NicheResult(
            **Evolved.shared(world, raw, config, pl.DataFrame(h), per_agent),
            learned={int(g): genomes for g, genomes, _ in raw["learned"]},
            niches=pl.DataFrame(n),
            actions=pl.DataFrame(a),
            personas=personas_,
            reference=raw["reference"],
            bytes_per_agent=raw["bytes_per_agent"],
        )

    def persona_summary(self, min_share: float = 0.05) -> pl.DataFrame:
        """Per generation: effective personas, farming share, niche coverage...
        (``replicators.personas.summary``).

        Examples
        --------
        >>> import replicators as r
        >>> res = r.evolve(r.NicheWorld.preset(), population=30, generations=2, fitness="rate")
        >>> res.persona_summary().height
        2
        """
        return summary(self, min_share=min_share)

    def coverage(self, min_share: float = 0.05) -> pl.DataFrame:
        """Per generation x niche: the share of specialist helpers of the niche
        and whether it reaches ``min_share`` (``replicators.personas.coverage``)."""
        return coverage(self, min_share=min_share)

    def personas_at(self, generation: int) -> pl.DataFrame:
        """Per-agent persona labels at a snapshot generation (see ``personas``).

        Examples
        --------
        >>> import replicators as r
        >>> res = r.evolve(r.NicheWorld.preset(), population=10, generations=1,
        ...                fitness="rate", snapshots=[1])
        >>> res.personas_at(1).height
        10
        """
        if isinstance(generation, bool) or not isinstance(generation, Integral) or generation not in self.snapshots:
            raise ConfigError(
                f"generation = {generation!r} is invalid: expected a snapshot generation {sorted(self.snapshots)}"
            )
        return of_genomes(self.world, self.snapshots[generation], self.config["specialist_threshold"])
