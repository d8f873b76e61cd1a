# Type stubs of the compiled module (checked by mypy.stubtest).
from collections.abc import Callable

__version__: str

def thread_count(threads: int | None = None) -> int: ...
def _busy_wait(
    seconds: float, threads: int | None = None, progress: Callable[[int], object] | None = None
) -> int: ...
