# Type stubs of the compiled module (checked by mypy.stubtest).
from collections.abc import Callable

__version__: str

def thread_count(threads: int | None = None) -> int: ...
def _busy_wait(
    seconds: float, threads: int | None = None, progress: Callable[[int], object] | None = None
) -> int: ...

# egt (rust/python/src/egt.rs)
import numpy as np
import numpy.typing as npt

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
