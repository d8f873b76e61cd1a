"""Field checks shared by every config object.

Each check returns the value (converted) or raises ``ConfigError`` naming
the field and the allowed range, so configs read as one line per field.

Which range a model's field obeys is the core's to say: ``law(name, field,
x)`` asks the Rust core's law tables (``rust/core/src/law.rs``; e.g.
``niche.patience`` is a probability), so a range is written once, in the
layer that runs the model. The other checks here are conversions (is it a
number, an integer, a name) and the ranges of Python-only knobs. Messages
are worded by ``replicators.errors``.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable, Mapping
from functools import cache
from numbers import Integral, Real

from . import _core
import numpy as np

from .errors import ConfigError, UnknownNameError, _Shown, invalid, unknown

__all__ = ["ConfigError", "UnknownNameError", "law", "obey"]

# Integers the core's laws see: every integer law's bounds lie within u64,
# so clamping a larger Python int into i128 keeps it outside them.
_I128 = 2**127 - 1


@cache
def _laws() -> dict[str, tuple[bool, str]]:
    return {name: (integer, expected) for name, integer, expected in _core.laws()}


def law(name: str, field: str, x: object) -> float | int:
    """``x`` if it obeys the core's law ``name`` (a float, or an int for an
    integer law); otherwise ``ConfigError`` naming ``field``.

    Examples
    --------
    >>> law("niche.patience", "niches['a'].patience", 0.9)
    0.9
    >>> law("niche.patience", "niches['a'].patience", 1.5)
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: niches['a'].patience = 1.5 is invalid: expected a probability in [0, 1]
    """
    integer, expected = _laws()[name]
    if integer:
        if isinstance(x, bool) or not isinstance(x, Integral):
            raise invalid(field, x, expected)
        value: float | int = int(x)
        probe: int | float = max(-_I128, min(_I128, int(x)))
    else:
        if isinstance(x, bool) or not isinstance(x, Real):
            raise invalid(field, x, expected)
        value = probe = float(x)
    if _core.law_violation(name, probe) is not None:
        if integer and value > 2**64 - 1 and expected.startswith("an integer >="):
            # The law has no upper bound but the core's 64-bit integers.
            raise invalid(field, x, f"{expected} and at most 2^64 - 1")
        raise invalid(field, x, expected)
    return value


def obey(obj: object, laws: dict[str, str], at: str = "") -> None:
    """Check the attributes of a frozen config ``obj`` against the core's
    laws (``{attribute: law name}``), storing each converted value; errors
    name the field ``<at><attribute>``.

    Examples
    --------
    >>> import replicators as r
    >>> r.Mutation(rate=2.0)
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: mutation.rate = 2.0 is invalid: expected a probability in [0, 1]
    """
    for attr, name in laws.items():
        object.__setattr__(obj, attr, law(name, f"{at}{attr}", getattr(obj, attr)))


def number(field: str, x: object) -> float:
    """A finite real number."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise invalid(field, x, "a number")
    v = float(x)
    if not math.isfinite(v):
        raise invalid(field, x, "a finite number")
    return v


def array(field: str, x: object, shape: tuple[int, ...] | None = None, *, finite: bool = True) -> np.ndarray:
    """``x`` as an array of floats: numbers only (no strings, no ragged
    lists), finite unless ``finite=False``, of ``shape`` when given (-1: any
    length on that axis)."""
    shown = _Shown(reprlib.repr(x))
    if isinstance(x, (str, bytes, Mapping)) or x is None:
        raise invalid(field, shown, f"an array of numbers{_shape(shape)}")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise invalid(field, shown, f"an array of numbers{_shape(shape)}") from None
    if shape is not None and (arr.ndim != len(shape) or any(s not in (-1, n) for s, n in zip(shape, arr.shape))):
        raise invalid(field, shown, f"an array of numbers{_shape(shape)}, not of shape {arr.shape}")
    if finite and not np.isfinite(arr).all():
        raise invalid(field, shown, f"an array of finite numbers{_shape(shape)}")
    return arr


def _shape(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return ""
    return " of shape (" + ", ".join("n" if s == -1 else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def at_least(field: str, x: object, low: float, *, strict: bool = False) -> float:
    v = number(field, x)
    if v < low or (strict and v == low):
        op = ">" if strict else ">="
        raise invalid(field, x, f"a finite number {op} {low:g}")
    return v


def probability(field: str, x: object) -> float:
    v = number(field, x)
    if not 0.0 <= v <= 1.0:
        raise invalid(field, x, "a probability in [0, 1]")
    return v


def integer(field: str, x: object, low: int, high: int | None = None) -> int:
    if isinstance(x, bool) or not isinstance(x, Integral):
        raise invalid(field, x, f"an integer >= {low}")
    v = int(x)
    if v < low or (high is not None and v > high):
        rng = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise invalid(field, x, f"an integer {rng}")
    if high is None and v > 2**64 - 1:
        # Whatever the core counts, it counts in 64 bits.
        raise invalid(field, x, f"an integer >= {low} and at most 2^64 - 1")
    return v


def optional_integer(field: str, x: object, low: int) -> int | None:
    return None if x is None else integer(field, x, low)


def choice(field: str, x: object, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    if not isinstance(x, str) or x not in allowed:
        raise unknown(field, x, allowed)
    return x


def seed(field: str, x: object) -> int:
    """A seed: any integer in [0, 2**64)."""
    return integer(field, x, 0, 2**64 - 1)


def fits_in_memory(field: str, value: object, needed: float, what: str) -> None:
    """Raise naming ``field`` if ``needed`` bytes (for ``what``) exceed the
    memory available."""
    have = _core.available_memory()
    if have is not None and needed > have:
        raise invalid(field, value, f"a size whose {what} fits in memory: it needs about {needed / 2**30:.3g} GiB, "
                                    f"this machine has {have / 2**30:.3g} GiB available")


#: Most worker threads a call may ask for (a pool of 2**40 threads would
#: never start).
MAX_THREADS = 1024


def threads(x: object) -> int | None:
    """``None`` (all cores) or a thread count in [1, ``MAX_THREADS``]."""
    return None if x is None else integer("threads", x, 1, MAX_THREADS)
