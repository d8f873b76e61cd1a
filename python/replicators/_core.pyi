# Type stubs of the compiled module (tests/test_stub.py checks names and parameters).
from collections.abc import Callable
from typing import Any
import numpy as np
import numpy.typing as npt

__version__: str

def thread_count(threads: int | None = None) -> int: ...

class Stop:
    """A stop request shared by a sweep's runs on worker threads."""
    def __init__(self) -> None: ...
    def set(self) -> None: ...
    def is_set(self) -> bool: ...
    def bind(self) -> None: ...
    @staticmethod
    def unbind() -> None: ...
class AssistantEnvs:
    """Many assistant environments of one NicheWorld (``replicators.envs``)."""
    def __init__(self, world: dict[str, Any], count: int, skill: list[float] | None = None) -> None: ...
    @property
    def actions(self) -> int: ...
    @property
    def niches(self) -> int: ...
    @property
    def skill(self) -> list[float]: ...
    @property
    def max_steps(self) -> int: ...
    def reset(self, seeds: list[int]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
    def reset_one(self, i: int, seed: int | None = None) -> tuple[int, int]: ...
    def done(self, i: int) -> bool: ...
    def step(self, actions: npt.NDArray[np.int64]) -> dict[str, npt.NDArray[Any]]: ...
def available_memory() -> int | None: ...
def laws() -> list[tuple[str, bool, str]]: ...
def names(set: str) -> list[str]: ...
def law_violation(name: str, value: int | float) -> str | None: ...
def _busy_wait(
    seconds: float, threads: int | None = None, progress: Callable[[int], object] | None = None
) -> int: ...

# NicheWorld (rust/python/src/niche.rs). `world` is NicheWorld._tables().

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
    lifetime: dict[str, Any] | None = None,
    progress: Callable[[int], object] | None = None,
) -> dict[str, Any]: ...
def c4_self_play(
    *, pressure: float, objective: str, population: int, learners: int, iterations: int, games: int, lr: float,
    pool_every: int, pool_size: int, strength_games: int, seed: int, threads: int | None = None,
    initial: list[float] | None = None, progress: Callable[[int], object] | None = None,
) -> dict[str, Any]: ...
def c4_further_games(population: int, pressure: float, win: float, draw: float, draw_pool: float) -> tuple[float, float, float, float]: ...
def c4_simulate_further_games(
    population: int, pressure: float, win: float, draw: float, draw_pool: float, tournaments: int, seed: int
) -> npt.NDArray[np.uint64]: ...
def niche_validate(world: dict[str, Any]) -> None: ...
def niche_limit(
    world: dict[str, Any], genomes: npt.NDArray[np.float64], *, generations: int, seed: int, first: int = 0,
    threads: int | None = None
) -> tuple[int, float]: ...
def niche_presets() -> list[str]: ...
def niche_preset(name: str) -> dict[str, Any]: ...
def niche_behaviour_names() -> list[str]: ...
def niche_behaviours(world: dict[str, Any]) -> list[int]: ...
def niche_farming(world: dict[str, Any]) -> list[int]: ...
def niche_proxy_distribution(
    world: dict[str, Any], niche: int, genome: list[float]
) -> tuple[list[float], list[float], list[float]]: ...
def niche_evaluate(world: dict[str, Any], niche: int, policy: list[float], skill: float) -> dict[str, float]: ...
def niche_evaluate_genome(world: dict[str, Any], niche: int, genome: list[float]) -> dict[str, float]: ...
def niche_traits(
    world: dict[str, Any],
    genomes: np.ndarray,
    specialist_threshold: float = 0.5,
    reference: list[float] | None = None,
) -> dict[str, np.ndarray]: ...

# egt (rust/python/src/egt.rs)

def egt_fixation(
    payoffs: npt.NDArray[np.float64],
    population: int,
    intensity: float,
    process: str,
    fitness: str,
    mutant: int,
    resident: int,
) -> tuple[float, float, float]: ...
def egt_fixation_mc(
    payoffs: npt.NDArray[np.float64],
    population: int,
    intensity: float,
    process: str,
    fitness: str,
    mutant: int,
    resident: int,
    runs: int,
    seed: int,
    threads: int | None = None,
    times: bool = False,
    target_stderr: float | None = None,
    max_runs: int = 10_000_000,
    max_steps: int = 1_000_000_000,
    progress: Callable[[int], object] | None = None,
) -> tuple[int, int, float, float, float, float, float, float]: ...
def egt_stationary(
    payoffs: npt.NDArray[np.float64], population: int, intensity: float, process: str, fitness: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def egt_replicator(
    payoffs: npt.NDArray[np.float64],
    x0: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    mutation: npt.NDArray[np.float64] | None = None,
    background: float = 0.0,
    method: str = "dopri5",
    rtol: float = 1e-10,
    atol: float = 1e-12,
    dt: float = 0.01,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], int]: ...
def egt_replicator_map(
    payoffs: npt.NDArray[np.float64],
    x0: npt.NDArray[np.float64],
    steps: int,
    mutation: npt.NDArray[np.float64] | None = None,
    background: float = 0.0,
) -> npt.NDArray[np.float64]: ...
def egt_population(
    payoffs: npt.NDArray[np.float64],
    initial: list[int],
    intensity: float,
    process: str,
    fitness: str,
    mutation: float,
    steps: int,
    record_every: int,
    runs: int,
    seed: int,
    threads: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> npt.NDArray[np.uint64]: ...

# Connect Four (rust/python/src/connect4.rs). Positions are move strings
# (columns 1-7); an agent is a bot name or a list of weights.

def c4_feature_names() -> list[str]: ...
def c4_state(moves: str) -> tuple[int, int, list[int], int | None, str]: ...
def c4_features(moves: str) -> tuple[list[int], npt.NDArray[np.float64]]: ...
def c4_perft(moves: str, depth: int, distinct: bool = False) -> int: ...
def c4_probabilities(moves: str, weights: list[float]) -> tuple[list[int], list[float]]: ...
def c4_choose(moves: str, agent: str | list[float], seed: int) -> int: ...
def c4_random_games(games: int, seed: int = 0, threads: int | None = None) -> dict[str, int]: ...
def c4_games(
    first: str | list[float], second: str | list[float], games: int, seed: int = 0, threads: int | None = None
) -> dict[str, int]: ...
def c4_evolve(
    format: tuple[str, float],
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
    strength_games: int = 200,
    progress: Callable[[int], object] | None = None,
) -> dict[str, Any]: ...

# Learners (rust/python/src/learn.rs). Knobs are (kind, numbers) pairs.
def learn_run(
    world: dict[str, Any],
    *,
    learners: int,
    iterations: int,
    episodes: int,
    algorithm: tuple[str, list[float]],
    advantage: tuple[str, list[float]],
    aggregation: str,
    returns: str,
    trajectory: str,
    max_chain: int,
    optimizer: tuple[str, list[float]],
    entropy_bonus: float,
    kl_penalty: float,
    seed: int,
    threads: int | None = None,
    initial: list[float] | None = None,
    snapshots: list[int] = ...,
    progress: Callable[[int], object] | None = None,
) -> dict[str, Any]: ...
def learn_gradients(
    world: dict[str, Any],
    *,
    learners: int,
    episodes: int,
    advantage: tuple[str, list[float]],
    aggregation: str,
    returns: str,
    trajectory: str,
    max_chain: int,
    entropy_bonus: float,
    seed: int,
    initial: list[float],
    value: list[float] | None = None,
    threads: int | None = None,
) -> npt.NDArray[np.float64]: ...
def learn_exact_decomposition(
    world: dict[str, Any],
    genome: list[float],
    value: list[float],
    *,
    episodes: int,
    aggregation: str,
    trajectory: str,
    max_chain: int,
    gamma: float,
    lam: float,
    entropy_bonus: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def learn_exact(
    world: dict[str, Any],
    genome: list[float],
    *,
    episodes: int,
    aggregation: str,
    returns: str,
    trajectory: str,
    max_chain: int,
    entropy_bonus: float,
    baseline: list[float],
) -> dict[str, Any]: ...
