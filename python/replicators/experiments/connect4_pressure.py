"""``connect4_pressure``: does selective pressure make Connect Four bots drag
games out?

The essay's second story (SPEC section 0): a bot selected on the moves (or
the entropy) it gets to play, in a knockout where winning buys more games,
dragged games out more as the pressure grew, and ranked "win in one move"
barely above "lose now". This experiment makes that a sweep on the shared
runner (``replicators.sweeps``): ``Knockout(pressure=p)`` for
several p (the chance that even a winner's run ends after each game; at
p = 0 a winner keeps playing, at p = 1 everybody plays one game) x fitness
(``moves``, ``entropy``, ``wins``, ``win_rate``) x seeds. Every run starts
from uniformly random play (all weights 0) and evolves under the same
selection (``Proportional(pressure=selection_pressure)``) and mutation.

It returns a ``SweepResult`` like every experiment: ``runs`` (one row per
run x generation, every column of the tournament history), ``per_run``
(each run's last ``tail`` fraction of generations averaged) and ``cells``
(mean and 95% interval over seeds per fitness x pressure x measure). The
chart of the story is ``charts.connect4.pressure_chart``; ``replicators
sweep`` runs it from a TOML file with ``experiment = "connect4_pressure"``
and ``replicators report`` draws its report.

Examples
--------
>>> from replicators.experiments import connect4_pressure
>>> res = connect4_pressure(pressures=(0.0, 0.95), fitness=("moves",), seeds=2,
...                         population=40, generations=3, strength_games=20)
>>> res.per_run.height, res.cells.filter(metric="game_length").height
(4, 2)
>>> res.dims
('fitness', 'pressure')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _validate as v
from ..worlds.connect4.tournament import FITNESS, Knockout
from ..selection import Mutation, Proportional
from .._callable import callable_module
from ..sweeps import Progress, Sizes, SweepResult, levels, sweep

__all__ = ["connect4_pressure", "PRESSURES"]

#: Default knockout pressures (0 to 0.95).
PRESSURES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.95)


def connect4_pressure(
    *,
    pressures: Sequence[float] = PRESSURES,
    fitness: Sequence[str] = FITNESS,
    selection_pressure: float = 1.0,
    strength_games: int = 200,
    population: int = 500,
    generations: int = 200,
    seeds: int = 5,
    seed: int = 0,
    tail: float = 0.25,
    threads: int | None = None,
    mutation: Mutation | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the knockout-pressure x fitness grid.

    Parameters
    ----------
    pressures
        Knockout pressures, each in [0, 1].
    fitness
        Fitness modes among ``moves``, ``entropy``, ``wins``, ``win_rate``.
    selection_pressure
        Pressure of the ``Proportional`` selection between generations (>= 0).
    strength_games
        Games per reference bot per generation (strength measurements).
    population, generations, seeds, seed, threads, mutation
        Sizes (``Sizes``); default mutation: rate 0.2, scale 0.2.
    tail
        Fraction of each run's last generations averaged into ``per_run``.
    progress
        True for a progress bar, or a callable fed generation increments.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Mutation(rate=0.2, scale=0.2))
    pressures = [v.probability("pressures", p) for p in levels("pressures", pressures)]
    fitness = [v.choice("fitness", f, FITNESS) for f in levels("fitness", fitness)]
    selection = Proportional(pressure=v.at_least("selection_pressure", selection_pressure, 0.0))
    strength_games = v.integer("strength_games", strength_games, 0)

    def build(cell: dict[str, Any]) -> tuple[Knockout, dict[str, Any]]:
        world = Knockout(pressure=cell["pressure"], strength_games=strength_games)
        return world, {**sizes.evolve_kwargs(), "fitness": cell["fitness"], "selection": selection}

    return sweep(
        {"fitness": fitness, "pressure": pressures}, build, seeds=sizes.seeds, seed=sizes.seed, tail=tail,
        threads=sizes.threads, progress=progress, name="connect4_pressure",
        config={**sizes.config(), "selection_pressure": selection.pressure, "strength_games": strength_games},
    )


callable_module(__name__)
