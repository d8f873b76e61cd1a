"""Ready experiments: the essay's claims as grids of seeded runs.

Each experiment sweeps a grid x seeds with the shared runner
(``replicators.sweeps``) and returns a ``SweepResult`` of tidy
polars tables: ``runs`` (one row per run x generation), ``per_run`` and
``cells`` (mean and 95% interval over seeds per grid cell). Every
experiment takes size knobs (``population``, ``generations``, ``seeds``,
``threads``, ``progress``).

- ``sum_vs_rate``: fitness {sum, rate, episode_rate} x selection pressure.
- ``phase_diagram``: engagement proxy x user patience, for sum and rate.
- ``tradeoff``: skill trade-off exponent x fitness.
- ``goodhart``: gold and proxy vs sqrt(KL from the initial policy), by capacity.
- ``competition``: users choosing among a shortlist (SPEC 1.1): shortlist x choose_by x fitness;
  ``competition.persona_phases`` (the persona phase diagram) and
  ``competition.ideal_free_check`` (specialist shares against the ideal free distribution).
- ``connect4_pressure``: Connect Four knockout pressure x fitness.
- ``connect4_self_play``: the same question for learners trained by self-play on the seed's reward.
- ``loss_aggregation``: learners' loss aggregation x returns x trajectory (x advantage).
- ``length_bias``: whether GRPO's 1/|o| lengthens wrong answers (Dr. GRPO).
- ``value_head``: the value head's share of the policy gradient, by reward kind and lambda.
- ``overoptimization``: learners' and best-of-n's gold vs sqrt(KL), by capacity, with Gao et al.'s fits.
- ``baldwin``: learning inside a lifetime (SPEC 5): no learning vs innate vs learned inheritance, by objective.

Each experiment is a module named like the function that runs it, and the
module is callable (``replicators._callable``): ``experiments.sum_vs_rate(...)``
runs it, ``experiments.sum_vs_rate.PRESSURES`` is its constant.

Examples
--------
>>> from replicators import experiments
>>> res = experiments.sum_vs_rate(pressures=(0.0, 1.0), population=50, generations=3, seeds=2)
>>> res.name, res.dims
('sum_vs_rate', ('fitness', 'pressure'))
"""

from . import (
    baldwin, competition, connect4_pressure, connect4_self_play, goodhart, length_bias, loss_aggregation,
    overoptimization, phase_diagram, sum_vs_rate, tradeoff, value_head,
)
from ..sweeps import Sizes, SweepResult, sweep

#: Every ready experiment's function by name (``replicators sweep`` reads ``experiment`` from here).
EXPERIMENTS = {m.run.__name__: m.run for m in (sum_vs_rate, phase_diagram, tradeoff, goodhart, connect4_pressure,
                                                loss_aggregation, length_bias, value_head, overoptimization,
                                                competition, baldwin, connect4_self_play)}
EXPERIMENTS["persona_phases"] = competition.persona_phases

__all__ = ["EXPERIMENTS", "sweep", "Sizes", "SweepResult", "sum_vs_rate", "phase_diagram", "tradeoff", "goodhart",
           "connect4_pressure", "competition", "loss_aggregation", "length_bias", "value_head",
           "overoptimization", "baldwin", "connect4_self_play"]
