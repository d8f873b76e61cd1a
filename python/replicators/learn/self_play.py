"""``self_play``: Connect Four learners trained by self-play (SPEC 5).

A learner is the tournament's softmax policy over legal moves,
pi(move) ~ exp(w . phi(move)) (``replicators.connect4.FEATURES``), and
learns its weights w by REINFORCE against a pool of its past selves: each
iteration it plays ``games`` games (alternating colours), each against an
opponent drawn from the pool, and takes one Adam step on
mean (R - mean R) sum_moves grad log pi(move). The pool starts with the
initial weights and takes a copy every ``pool_every`` iterations, keeping
the last ``pool_size``.

The reward is the seed's: what the game is worth in the knockout the
learner would play (``world``: its pressure; ``population``: its field),
"given a win, draw or loss and the tournament structure, how many more
games would it get to play" (``connect4.further_games``, with the
learner's current win and draw chances against its pool from the batch):

``games``
    the further games the outcome buys (a win buys F, a draw or a loss none);
``moves``
    the learner's moves in this game + F x its mean moves per game (the
    tournament's ``moves`` fitness, now and later);
``entropy``
    the same with the entropy of its policy at its moves.

The history (one row per iteration, means over learners) uses the
tournament's names: ``game_length`` (plies), ``immediate_win_rate``
(P(plays the immediate win | one exists)), ``block_rate`` (P(blocks |
must)), ``policy_entropy`` (per move), ``strength_vs_random`` and
``strength_vs_greedy`` (win rates against the reference bots, after the
iteration's step), ``weight_<feature>``; and the learner's own
``win_rate`` and ``draw_rate`` against its pool, ``further_games_per_win``
(F) and ``reward_mean``.

Examples
--------
>>> import replicators as r
>>> res = r.learn.self_play(r.connect4.Knockout(pressure=0.9), learners=2, iterations=3, games=8)
>>> res.history["iteration"].to_list(), res.weights.shape
([0, 1, 2], (2, 6))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from .. import _core
from .. import _validate as v
from ..errors import ConfigError, invalid
from ..worlds.connect4.engine import FEATURES
from ..worlds.connect4.tournament import Knockout

__all__ = ["self_play", "arguments", "SelfPlayResult", "OBJECTIVES"]

#: What a game's reward counts.
OBJECTIVES: tuple[str, ...] = tuple(_core.names("connect4.objective"))


@dataclass(frozen=True)
class SelfPlayResult:
    """What ``self_play`` returns: ``history`` (polars, one row per
    iteration), ``weights`` (learners x features), the ``world``, the
    ``config`` and the ``seed``."""

    history: pl.DataFrame
    weights: np.ndarray
    world: Knockout
    config: dict[str, Any]
    seed: int

    def weights_table(self) -> pl.DataFrame:
        """The learned weights, one row per learner, one column per feature."""
        return pl.DataFrame({f: self.weights[:, i] for i, f in enumerate(FEATURES)}).with_row_index("learner")


def self_play(
    world: Knockout,
    *,
    objective: str = "moves",
    population: int = 64,
    learners: int = 16,
    iterations: int = 200,
    games: int = 64,
    lr: float = 0.05,
    pool_every: int = 10,
    pool_size: int = 8,
    initial: Any = None,
    seed: int = 0,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> SelfPlayResult:
    """Train ``learners`` Connect Four learners for ``iterations`` iterations.

    Parameters
    ----------
    world
        ``connect4.Knockout(pressure=...)``: the tournament whose rule prices
        a result (its ``strength_games`` are the games per reference bot per
        iteration, shared by the learners).
    objective
        ``games``, ``moves`` or ``entropy`` (see the module docs).
    population
        The knockout's field (>= 2), for the reward.
    learners, iterations, games
        Independent learners, iterations, games per learner per iteration (>= 2).
    lr, pool_every, pool_size
        Adam's learning rate; how often a copy joins the pool, and how many it keeps.
    initial
        Starting weights: one row of ``len(FEATURES)`` (or ``connect4.weights(...)``)
        or one per learner; default zeros (uniformly random play).
    seed, threads, progress
        Same seed, same numbers at any thread count; ``progress`` receives
        iteration increments.
    """
    config, flat = arguments(world, objective=objective, population=population, learners=learners,
                             iterations=iterations, games=games, lr=lr, pool_every=pool_every, pool_size=pool_size,
                             initial=initial, seed=seed)
    raw = _core.c4_self_play(pressure=world.pressure, strength_games=world.strength_games, threads=v.threads(threads),
                             initial=flat, progress=progress, **config)
    return SelfPlayResult(history=pl.DataFrame(dict(raw["history"])), weights=raw["weights"], world=world,
                          config={**config, "pressure": world.pressure, "initial": initial}, seed=config["seed"])


def arguments(world: Any, *, objective: str = "moves", population: int = 64, learners: int = 16,
              iterations: int = 200, games: int = 64, lr: float = 0.05, pool_every: int = 10, pool_size: int = 8,
              initial: Any = None, seed: int = 0) -> tuple[dict[str, Any], list[float] | None]:
    """``self_play``'s arguments checked (errors name the field): the core's
    knobs and the initial weights as a flat list (None: zeros)."""
    if not isinstance(world, Knockout):
        raise invalid("world", world, "connect4.Knockout(pressure=...) (its rule prices a game's result)")
    learners = int(v.law("self_play.learners", "learners", learners))
    flat = None
    if initial is not None:
        arr = v.array("initial", initial)
        if arr.shape not in ((len(FEATURES),), (learners, len(FEATURES))):
            raise ConfigError(f"initial has shape {arr.shape}: expected ({len(FEATURES)},) or ({learners}, {len(FEATURES)})")
        if not np.all(np.isfinite(arr)):
            raise invalid("initial", "non-finite weights", "finite weights")
        flat = arr.ravel().tolist()
    config = {
        "objective": v.choice("objective", objective, OBJECTIVES),
        "population": int(v.law("knockout.population", "population", population)),
        "learners": learners,
        "iterations": int(v.law("self_play.iterations", "iterations", iterations)),
        "games": int(v.law("self_play.games", "games", games)),
        "lr": float(v.law("self_play.lr", "lr", lr)),
        "pool_every": int(v.law("self_play.pool_every", "pool_every", pool_every)),
        "pool_size": int(v.law("self_play.pool_size", "pool_size", pool_size)),
        "seed": v.seed("seed", seed),
    }
    return config, flat
