"""Field checks shared by every config object.

Each check returns the value (converted) or raises ``ConfigError`` naming
the field and the allowed range, so configs read as one line per field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

from .errors import ConfigError, UnknownNameError

__all__ = ["ConfigError", "UnknownNameError"]


def number(field: str, x: object) -> float:
    """A finite real number."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise ConfigError(f"{field} = {x!r} is invalid: expected a number")
    v = float(x)
    if not math.isfinite(v):
        raise ConfigError(f"{field} = {x!r} is invalid: expected a finite number")
    return v


def at_least(field: str, x: object, low: float, *, strict: bool = False) -> float:
    v = number(field, x)
    if v < low or (strict and v == low):
        op = ">" if strict else ">="
        raise ConfigError(f"{field} = {x!r} is invalid: expected a finite number {op} {low:g}")
    return v


def probability(field: str, x: object) -> float:
    v = number(field, x)
    if not 0.0 <= v <= 1.0:
        raise ConfigError(f"{field} = {x!r} is invalid: expected a probability in [0, 1]")
    return v


def integer(field: str, x: object, low: int, high: int | None = None) -> int:
    if isinstance(x, bool) or not isinstance(x, Integral):
        raise ConfigError(f"{field} = {x!r} is invalid: expected an integer >= {low}")
    v = int(x)
    if v < low or (high is not None and v > high):
        rng = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ConfigError(f"{field} = {x!r} is invalid: expected an integer {rng}")
    return v


def optional_integer(field: str, x: object, low: int) -> int | None:
    return None if x is None else integer(field, x, low)


def choice(field: str, x: object, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    if not isinstance(x, str) or x not in allowed:
        raise UnknownNameError(f"{field} = {x!r} is not known: expected one of {', '.join(allowed)}")
    return x


def seed(field: str, x: object) -> int:
    """A seed: any integer in [0, 2**64)."""
    return integer(field, x, 0, 2**64 - 1)


def threads(x: object) -> int | None:
    """``None`` (all cores) or a positive thread count."""
    return optional_integer("threads", x, 1)
