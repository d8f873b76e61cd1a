"""The exception hierarchy of replicators.

Every error the package raises on purpose is a ``ReplicatorsError``. Bad
input raises ``ConfigError`` (also a ``ValueError``) whose message names the
field and its allowed range; an unknown name raises ``UnknownNameError``
listing the known ones. The Rust core's errors are mapped onto these classes
in one place (``rust/python/src/errors.rs``).

Examples
--------
>>> from replicators.errors import ConfigError
>>> try:
...     raise ConfigError("population = 1 is invalid: expected an integer >= 2")
... except ValueError as e:
...     print(e)
population = 1 is invalid: expected an integer >= 2
"""

from __future__ import annotations

__all__ = ["ReplicatorsError", "ConfigError", "UnknownNameError", "SimulationError"]


class ReplicatorsError(Exception):
    """Base class of every error raised by replicators."""


class ConfigError(ReplicatorsError, ValueError):
    """A field has a value outside its allowed range, or shapes do not fit."""


class UnknownNameError(ConfigError):
    """A name (process, fitness mode, action, preset...) is not a known one."""


class SimulationError(ReplicatorsError, RuntimeError):
    """A computation has no answer for these inputs (e.g. a singular system)."""
