"""``connect4_self_play``: do bots *trained* on the games they get to play
drag games out as pressure rises, as the evolved ones do?

The seed's bot was trained by self-play "purely to maximise entropy in a
tournament system, so winning more games increased how often it played".
Here Connect Four learners (``replicators.learn.self_play``) train by
REINFORCE against pools of their past selves on the seed's reward: what a
result is worth in a ``Knockout(pressure=p)`` (the further games a win
buys), counted in ``games``, ``moves`` or ``entropy``. Grid: pressure x
objective x seeds; each run is a population of ``learners`` learners from
uniformly random play. Measures (the tournament's names, means over
learners): ``game_length``, ``immediate_win_rate`` (P(plays the immediate
win | one exists)), ``block_rate`` (P(blocks | must)),
``strength_vs_random``, ``strength_vs_greedy``, ``weight_wins_now``; the
evolutionary version is ``connect4_pressure``.

Examples
--------
>>> from replicators.experiments import connect4_self_play
>>> res = connect4_self_play(pressures=(0.0, 0.95), objectives=("moves",), seeds=2, learners=2,
...                          iterations=3, games=8)
>>> res.dims, res.per_run.height
(('objective', 'pressure'), 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _validate as v
from .._callable import callable_module
from ..learn.self_play import OBJECTIVES, arguments, self_play
from ..sweeps import Progress, Runner, SweepResult, levels, sweep
from ..worlds.connect4.tournament import Knockout

__all__ = ["connect4_self_play", "PRESSURES", "SELF_PLAY"]

#: Default knockout pressures.
PRESSURES = (0.0, 0.5, 0.9, 0.95)


def _check(world: Any, kwargs: dict[str, Any]) -> int:
    return int(arguments(world, **kwargs)[0]["iterations"])


#: Sweeps of ``replicators.learn.self_play`` (iterations).
SELF_PLAY = Runner(self_play, "iteration", _check)


def connect4_self_play(
    *,
    pressures: Sequence[float] = PRESSURES,
    objectives: Sequence[str] = OBJECTIVES,
    population: int = 64,
    learners: int = 16,
    iterations: int = 200,
    games: int = 64,
    lr: float = 0.05,
    strength_games: int = 200,
    seeds: int = 5,
    seed: int = 0,
    tail: float = 0.2,
    threads: int | None = None,
    workers: int | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the pressure x objective grid of self-play learners.

    Parameters
    ----------
    pressures, objectives
        Knockout pressures in [0, 1]; objectives among ``games``, ``moves``, ``entropy``.
    population, learners, iterations, games, lr
        The knockout's field (for the reward) and the learners' sizes (``self_play``).
    strength_games
        Games per reference bot per iteration (shared by a run's learners).
    seeds, seed, tail, threads, workers, progress
        Replicates, the tail of iterations averaged, and how runs run.
    """
    press = [v.probability("pressures", p) for p in levels("pressures", pressures)]
    objs = [v.choice("objectives", o, OBJECTIVES) for o in levels("objectives", objectives)]
    strength_games = v.integer("strength_games", strength_games, 0)
    sizes = {"population": population, "learners": learners, "iterations": iterations, "games": games, "lr": lr}

    def build(cell: dict[str, Any]) -> tuple[Knockout, dict[str, Any]]:
        return Knockout(pressure=cell["pressure"], strength_games=strength_games), {
            **sizes, "objective": cell["objective"]}

    return sweep(
        {"objective": objs, "pressure": press}, build, seeds=seeds, seed=seed, tail=tail, threads=threads,
        workers=workers, progress=progress, name="connect4_self_play", runner=SELF_PLAY,
        config={**sizes, "strength_games": strength_games},
    )


callable_module(__name__)
