"""``evolve``: run selection on any world (the protocol every world implements).

A world (``NicheWorld``, a Connect Four tournament, ...) implements
``_evolve(run, **options)``: ``evolve`` validates what every world shares
into a ``Run`` and hands it over with the world's own options. The world
turns the run into the keyword arguments of its core evolve
(``Run.core``: the shared replication loop's knobs, checked against the
world's genome width and fitness modes), calls the core, and returns its
own result type (with a polars ``history``), recording ``Run.config``.

Examples
--------
>>> import replicators
>>> replicators.evolve(object(), population=10, generations=1, fitness="sum")
Traceback (most recent call last):
...
replicators.errors.ConfigError: world = <object ...> is invalid: expected a world (NicheWorld, connect4.Knockout, connect4.RoundRobin)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from .. import _validate as v
from ..errors import ConfigError, UnknownNameError, invalid
from .mutation import Mutation
from .schemes import Proportional, Selection, selection_spec

__all__ = ["evolve", "Evolved", "Run", "reject_unknown"]


@dataclass(frozen=True)
class Run:
    """The validated arguments every world's evolve shares.

    Examples
    --------
    >>> run = Run(population=4, generations=2, fitness="sum", selection=Proportional(), mutation=Mutation(),
    ...           seed=0, threads=None, snapshots=(0, 2), progress=None)
    >>> args = run.core(3, ("sum",), initial=[1, 2, 3])
    >>> args["initial"], args["selection"]
    ([1.0, 2.0, 3.0], ('proportional', 1.0, True))
    >>> run.core(3, ("rate",))
    Traceback (most recent call last):
    ...
    replicators.errors.UnknownNameError: fitness = 'sum' is not known: expected one of rate
    """

    population: int
    generations: int
    fitness: str
    selection: Selection
    mutation: Mutation
    seed: int
    threads: int | None
    snapshots: tuple[int, ...]
    progress: Callable[[int], object] | None

    def core(
        self, width: int, fitness_modes: Iterable[str], *, initial: Any = None, initial_spread: float = 0.0
    ) -> dict[str, Any]:
        """The keyword arguments of a world's core evolve (the shared
        replication loop's knobs and ``fitness``), for genomes of ``width``
        genes; ``initial`` is one row of ``width`` genes or one per
        individual."""
        v.choice("fitness", self.fitness, fitness_modes)
        v.fits_in_memory("snapshots", f"{len(self.snapshots)} snapshots", 8.0 * len(self.snapshots) * self.population
                         * width, f"{len(self.snapshots)} snapshots of {self.population:,} genomes")
        late = [g for g in self.snapshots if g > self.generations]
        if late:
            raise invalid("snapshots", late, f"generations in [0, {self.generations}]")
        flat = None
        if initial is not None:
            arr = v.array("initial", initial)
            if arr.shape not in ((width,), (self.population, width)):
                raise ConfigError(f"initial has shape {arr.shape}: expected ({width},) or ({self.population}, {width})")
            if not np.all(np.isfinite(arr)):
                raise ConfigError("initial is invalid: expected finite genes")
            flat = arr.ravel().tolist()
        return {
            "fitness": self.fitness,
            "population": self.population,
            "generations": self.generations,
            "selection": selection_spec(self.selection),
            "mutation": self.mutation._core(),
            "seed": self.seed,
            "threads": self.threads,
            "snapshots": list(self.snapshots),
            "initial": flat,
            "initial_spread": v.law("initial_spread", "initial_spread", initial_spread),
            "progress": self.progress,
        }

    def config(self, **options: Any) -> dict[str, Any]:
        """What was run, for the result's ``config``: the shared knobs and the
        world's ``options``."""
        return {
            "population": self.population, "generations": self.generations, "fitness": self.fitness,
            "selection": self.selection, "mutation": self.mutation, "seed": self.seed,
            "snapshots": list(self.snapshots), **options,
        }


def reject_unknown(world: object, unknown: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Raise for the first option the world does not take."""
    for key in unknown:
        raise UnknownNameError(
            f"option {key!r} is not known for {type(world).__name__}: expected one of {', '.join(allowed)}"
        )


@dataclass(frozen=True)
class Evolved:
    """What every world's ``evolve`` result holds (worlds add their tables).

    Attributes
    ----------
    history
        polars table, one row per generation.
    snapshots
        ``{generation: genomes}``, arrays of shape (population, genes).
    agents
        polars table, one row per individual per snapshot generation:
        ``generation``, ``agent`` (its row in the snapshot), ``parent`` (its
        parent's row in the previous generation, null at generation 0: follow
        parents across consecutive snapshots to trace lineages) and
        ``fitness`` (what selection saw that generation, null for the final
        population, which never plays); worlds add their own per-agent
        columns (NicheWorld: ``steps``, ``episodes``, ``proxy``, ``gold``).
    status
        ``"completed"``, or ``"extinct"`` when nobody reached a
        ``Threshold`` floor (the run stops; ``extinct_at`` says when).
    extinct_at
        The generation of extinction, or None.
    world, config, seed
        What was run.
    """

    history: pl.DataFrame
    snapshots: dict[int, np.ndarray]
    agents: pl.DataFrame
    status: str
    extinct_at: int | None
    world: Any
    config: dict[str, Any]
    seed: int

    @staticmethod
    def shared(
        world: Any, raw: Mapping[str, Any], config: dict[str, Any], history: pl.DataFrame,
        per_agent: Mapping[int, Mapping[str, np.ndarray]] | None = None,
    ) -> dict[str, Any]:
        """The fields above from a core evolve's output; ``per_agent`` maps a
        snapshot generation that played to the world's per-agent columns."""
        status, at = raw["status"]
        frames = []
        for g, genomes, parents, fitness in raw["snapshots"]:
            n = genomes.shape[0]
            frames.append(pl.DataFrame({
                "generation": np.full(n, g, dtype=np.int64),
                "agent": np.arange(n, dtype=np.int64),
                "parent": pl.Series([None] * n if parents is None else parents.astype(np.int64), dtype=pl.Int64),
                "fitness": pl.Series([None] * n if fitness is None else fitness, dtype=pl.Float64),
                **(per_agent or {}).get(int(g), {}),
            }))
        agents = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame(
            schema={"generation": pl.Int64, "agent": pl.Int64, "parent": pl.Int64, "fitness": pl.Float64})
        return {
            "history": history, "snapshots": {int(g): arr for g, arr, _, _ in raw["snapshots"]}, "agents": agents,
            "status": status, "extinct_at": at, "world": world, "config": config, "seed": config["seed"],
        }


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
        World-specific knobs (e.g. NicheWorld's ``entropy_bonus``).
    """
    if not hasattr(world, "_evolve"):
        raise invalid("world", world, "a world (NicheWorld, connect4.Knockout, connect4.RoundRobin)")
    selection = Proportional() if selection is None else selection
    selection_spec(selection)
    mutation = Mutation() if mutation is None else mutation
    if not isinstance(mutation, Mutation):
        raise invalid("mutation", mutation, "Mutation(rate=..., scale=...)")
    population = int(v.law("population", "population", population))
    generations = int(v.law("generations", "generations", generations))
    snaps = _snapshots(snapshots, generations)
    run = Run(
        population=population,
        generations=generations,
        fitness=fitness,
        selection=selection,
        mutation=mutation,
        seed=v.seed("seed", seed),
        threads=v.threads(threads),
        snapshots=snaps,
        progress=progress,
    )
    return world._evolve(run, **options)


def _snapshots(snapshots: Any, generations: int) -> tuple[int, ...]:
    """Distinct snapshot generations in [0, generations], sorted. At most
    generations + 1 entries are read, so ``range(10**9)`` fails at once
    instead of filling memory."""
    expected = f"distinct generations in [0, {generations}]"
    if isinstance(snapshots, range):
        ends = (snapshots[0], snapshots[-1]) if len(snapshots) else ()
        if ends and (min(ends) < 0 or max(ends) > generations):
            raise invalid("snapshots", snapshots, expected)
        return tuple(sorted(snapshots))
    try:
        head = list(itertools.islice(iter(snapshots), generations + 2))
    except TypeError:
        raise invalid("snapshots", snapshots, "an iterable of generations") from None
    if len(head) > generations + 1:
        raise invalid("snapshots", f"{type(snapshots).__name__} of more than {generations + 1} entries", expected)
    return tuple(sorted({v.integer("snapshots", g, 0) for g in head}))
