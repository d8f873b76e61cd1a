"""The result of evolving a Connect Four tournament.

``history`` (polars DataFrame), one row per generation:

``generation``, ``games``, ``plies``
    Tournament games played among the population, and their total plies.
``fitness_mean``, ``fitness_sd``, ``fitness_min``, ``fitness_max``
    What selection saw.
``games_per_individual``, ``max_games``
    Mean and maximum games per individual (a knockout champion plays most).
``game_length``
    Mean plies per tournament game.
``immediate_win_rate``
    P(plays a winning move | one exists), over all moves of the population.
``block_rate``
    P(blocks | must): moves with no win of its own while the opponent
    threatens one, at which the mover occupied a threatened cell.
``first_player_win_rate``, ``draw_rate``
    Outcomes of tournament games.
``policy_entropy``
    Mean entropy (nats) of the policies' move distributions per move.
``win_chances``, ``must_block``
    How many moves the two rates above are estimated from.
``strength_vs_random``, ``strength_vs_greedy``
    Win rate (a draw is not a win) of the population against the reference
    bots over ``strength_games`` games per bot: game k is played by
    individual k mod N, moving first in even games.
``draws_vs_random``, ``draws_vs_greedy``
    Draw rates in those games.
``weight_<feature>``
    Mean weight of each feature (``connect4.FEATURES``) in the population
    that played the generation.

Examples
--------
>>> import replicators as r
>>> from replicators import connect4
>>> res = r.evolve(connect4.RoundRobin(games_per_pair=1), population=20, generations=2,
...                fitness="win_rate", snapshots=[2], seed=4)
>>> res.history["games"].to_list()
[190, 190]
>>> res.weights_at(2).columns[:2]
['individual', 'wins_now']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from ...errors import ConfigError
from ...selection.protocol import Evolved
from .engine import FEATURES

__all__ = ["TournamentResult"]


@dataclass(frozen=True)
class TournamentResult(Evolved):
    """What ``replicators.evolve`` returns for ``Knockout`` and ``RoundRobin``:
    the fields every world's result has (``selection.protocol.Evolved``);
    ``history`` is described in the module docs, ``snapshots`` hold each
    individual's feature weights.
    """

    @staticmethod
    def _from_core(world: Any, raw: dict[str, Any], config: dict[str, Any]) -> TournamentResult:
        return TournamentResult(**Evolved.shared(world, raw, config, pl.DataFrame(dict(raw["history"]))))

    def weights_at(self, generation: int) -> pl.DataFrame:
        """Every individual's weights at a snapshot generation.

        Examples
        --------
        >>> import replicators as r
        >>> from replicators import connect4
        >>> res = r.evolve(connect4.Knockout(), population=8, generations=1,
        ...                fitness="wins", snapshots=[0], initial={"wins_now": 1.5})
        >>> res.weights_at(0)["wins_now"].to_list() == [1.5] * 8
        True
        """
        if generation not in self.snapshots:
            raise ConfigError(
                f"generation = {generation!r} is invalid: expected a snapshot generation {sorted(self.snapshots)}"
            )
        w = self.snapshots[generation]
        return pl.DataFrame({"individual": np.arange(w.shape[0]), **{f: w[:, i] for i, f in enumerate(FEATURES)}})
