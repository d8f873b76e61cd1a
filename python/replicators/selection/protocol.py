"""``evolve``: run selection on any world (the protocol every world implements).

A world (``NicheWorld``, a Connect Four tournament, ...) implements
``_evolve(**validated_arguments)``; this function validates the arguments
every world shares and hands over. Each world validates its own ``fitness``
names and returns its own result type (with a polars ``history``).

Examples
--------
>>> import replicators
>>> replicators.evolve(object(), population=10, generations=1, fitness="sum")
Traceback (most recent call last):
...
replicators.errors.ConfigError: world = <object ...> is invalid: expected a world (NicheWorld, connect4.Knockout, connect4.RoundRobin)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .. import _validate as v
from ..errors import ConfigError
from .mutation import Mutation
from .schemes import Proportional, Selection, selection_spec

__all__ = ["evolve", "replication"]


def evolve(
    world: Any,
    *,
    population: int,
    generations: int,
    fitness: str,
    selection: Selection | None = None,
    mutation: Mutation | None = None,
    seed: int = 0,
    threads: int | None = None,
    snapshots: Iterable[int] = (),
    progress: Callable[[int], object] | None = None,
    **options: Any,
) -> Any:
    """Evolve a population of ``population`` policies in ``world``.

    Parameters
    ----------
    world
        The environment: ``NicheWorld`` or a Connect Four tournament.
    population
        Number of individuals (>= 2), constant across generations.
    generations
        Number of generations to run (>= 1).
    fitness
        What selection sees; the names depend on the world
        (NicheWorld: ``sum``, ``rate``, ``episode_rate``).
    selection
        ``Proportional`` (default, pressure 1), ``Tournament``,
        ``Truncation`` or ``Threshold``.
    mutation
        ``Mutation(rate, scale)``; default ``Mutation()``.
    seed
        Any integer in [0, 2**64): the same seed gives the same numbers at
        any thread count.
    threads
        Threads to use; ``None`` means all cores. Never changes a result.
    snapshots
        Generations at which to keep every genome (numpy arrays in the result).
    progress
        Called with the number of generations completed since the last call.
    **options
        World-specific knobs (e.g. NicheWorld's ``requests_per_agent``).
    """
    if not hasattr(world, "_evolve"):
        raise ConfigError(
            f"world = {world!r} is invalid: expected a world (NicheWorld, connect4.Knockout, connect4.RoundRobin)"
        )
    selection = Proportional() if selection is None else selection
    selection_spec(selection)
    mutation = Mutation() if mutation is None else mutation
    if not isinstance(mutation, Mutation):
        raise ConfigError(f"mutation = {mutation!r} is invalid: expected Mutation(rate=..., scale=...)")
    try:
        snaps = sorted({v.integer("snapshots", g, 0) for g in snapshots})
    except TypeError:
        raise ConfigError(f"snapshots = {snapshots!r} is invalid: expected an iterable of generations") from None
    return world._evolve(
        population=v.law("population", "population", population),
        generations=v.law("generations", "generations", generations),
        fitness=fitness,
        selection=selection,
        mutation=mutation,
        seed=v.seed("seed", seed),
        threads=v.threads(threads),
        snapshots=snaps,
        progress=progress,
        **options,
    )


def replication(
    width: int,
    *,
    population: int,
    generations: int,
    selection: Selection,
    mutation: Mutation,
    seed: int,
    threads: int | None,
    snapshots: list[int],
    progress: Callable[[int], object] | None,
    initial: Any = None,
    initial_spread: float = 0.0,
) -> dict[str, Any]:
    """The keyword arguments every core evolve takes (the shared replication
    loop), from ``evolve``'s validated arguments and the options every world
    has: ``initial`` genomes (one row of ``width`` genes, or one per
    individual) and ``initial_spread``. Worlds call it from ``_evolve``.

    Examples
    --------
    >>> args = replication(3, population=4, generations=2, selection=Proportional(), mutation=Mutation(),
    ...                    seed=0, threads=None, snapshots=[0, 2], progress=None, initial=[1, 2, 3])
    >>> args["initial"], args["selection"]
    ([1.0, 2.0, 3.0], ('proportional', 1.0, True))
    >>> replication(3, population=4, generations=2, selection=Proportional(), mutation=Mutation(),
    ...             seed=0, threads=None, snapshots=[3], progress=None)
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: snapshots = [3] is invalid: expected generations in [0, 2]
    """
    late = [g for g in snapshots if g > generations]
    if late:
        raise ConfigError(f"snapshots = {late} is invalid: expected generations in [0, {generations}]")
    flat = None
    if initial is not None:
        arr = np.asarray(initial, dtype=float)
        if arr.shape not in ((width,), (population, width)):
            raise ConfigError(f"initial has shape {arr.shape}: expected ({width},) or ({population}, {width})")
        if not np.all(np.isfinite(arr)):
            raise ConfigError("initial is invalid: expected finite genes")
        flat = arr.ravel().tolist()
    return {
        "population": population,
        "generations": generations,
        "selection": selection_spec(selection),
        "mutation": mutation._core(),
        "seed": seed,
        "threads": threads,
        "snapshots": list(snapshots),
        "initial": flat,
        "initial_spread": v.law("initial_spread", "initial_spread", initial_spread),
        "progress": progress,
    }
