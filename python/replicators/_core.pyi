# Type stubs of the compiled module (checked by mypy.stubtest).
from collections.abc import Callable

__version__: str

def thread_count(threads: int | None = None) -> int: ...
def _busy_wait(
    seconds: float, threads: int | None = None, progress: Callable[[int], object] | None = None
) -> int: ...

# NicheWorld (rust/python/src/niche.rs). `world` is NicheWorld._tables().
from typing import Any
import numpy as np

def niche_evolve(
    world: dict[str, Any],
    *,
    population: int,
    generations: int,
    fitness: str,
    selection: tuple[str, float, bool],
    mutation: tuple[float, float],
    seed: int,
    threads: int | None = None,
    snapshots: list[int] = ...,
    initial: list[float] | None = None,
    initial_spread: float = 0.0,
    entropy_bonus: float = 0.0,
    specialist_threshold: float = 0.5,
    progress: Callable[[int], object] | None = None,
) -> dict[str, Any]: ...
def niche_evaluate(world: dict[str, Any], niche: int, policy: list[float], skill: float) -> dict[str, float]: ...
def niche_evaluate_genome(world: dict[str, Any], niche: int, genome: list[float]) -> dict[str, float]: ...
def niche_traits(
    world: dict[str, Any],
    genomes: np.ndarray,
    specialist_threshold: float = 0.5,
    reference: list[float] | None = None,
) -> dict[str, np.ndarray]: ...
