"""The exception hierarchy of replicators, and the one place its messages are worded.

Every error the package raises on purpose is a ``ReplicatorsError``. Bad
input raises ``ConfigError`` (also a ``ValueError``) whose message names the
field, its value and what is allowed; an unknown name raises
``UnknownNameError`` listing the known ones. The Rust core's errors arrive
with the same parts (field, value, what was expected) and are worded here
too (``rust/python/src/errors.rs`` calls ``from_core``), so a message reads
the same whichever layer found the problem.

Examples
--------
>>> from replicators.errors import ConfigError, invalid
>>> try:
...     raise invalid("population", 1, "an integer >= 2")
... except ValueError as e:
...     print(e)
population = 1 is invalid: expected an integer >= 2
>>> print(unknown("fitness", "total", ["sum", "rate"]))
fitness = 'total' is not known: expected one of sum, rate
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ReplicatorsError", "ConfigError", "UnknownNameError", "SimulationError", "invalid", "unknown", "from_core",
    "first_line",
]


class ReplicatorsError(Exception):
    """Base class of every error raised by replicators."""


class ConfigError(ReplicatorsError, ValueError):
    """A field has a value outside its allowed range, or shapes do not fit."""


class UnknownNameError(ConfigError):
    """A name (process, fitness mode, action, preset...) is not a known one."""


class SimulationError(ReplicatorsError, RuntimeError):
    """A computation has no answer for these inputs (e.g. a singular system)."""


class _Shown(str):
    """A value already rendered as text (by the core): shown as is."""

    def __repr__(self) -> str:
        return str(self)


def invalid(field: str, value: object, expected: str) -> ConfigError:
    """``<field> = <value> is invalid: expected <expected>``."""
    return ConfigError(f"{field} = {value!r} is invalid: expected {expected}")


def unknown(field: str, name: object, allowed: Iterable[str]) -> UnknownNameError:
    """``<field> = <name> is not known: expected one of <allowed>``."""
    return UnknownNameError(f"{field} = {name!r} is not known: expected one of {', '.join(allowed)}")


def from_core(kind: str, field: str, value: str, detail: str | list[str]) -> ReplicatorsError:
    """The exception for an error of the Rust core, from its parts.

    ``kind`` is ``invalid`` (``value`` rendered by the core, ``detail`` what
    was expected), ``unknown`` (``value`` the name, ``detail`` the known
    ones), ``shape`` (``detail`` the message) or ``numerical``.

    Examples
    --------
    >>> print(from_core("invalid", "pressure", "2", "a probability in [0, 1]"))
    pressure = 2 is invalid: expected a probability in [0, 1]
    """
    if kind == "invalid":
        return invalid(field, _Shown(value), str(detail))
    if kind == "unknown":
        return unknown(field, value, detail)
    if kind == "shape":
        return ConfigError(f"{field}: {detail}")
    return SimulationError(str(detail))


def first_line(e: BaseException) -> str:
    """The first line of an exception's message (a library's multi-line
    error quoted inside one of ours), or its type's name."""
    return (str(e).strip().splitlines() or [type(e).__name__])[0]
