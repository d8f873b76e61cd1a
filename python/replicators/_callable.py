"""Modules that are also the function they are named after.

Each experiment is one module named like the function that runs it
(``sum_vs_rate.py`` defines ``sum_vs_rate``), and ``replicators.learn`` is
the package of the learners and their ``learn`` function. Made callable, the
module is both: ``experiments.sum_vs_rate(...)`` runs the experiment,
``experiments.sum_vs_rate.PRESSURES`` is its constant, ``replicators.learn(...)``
trains and ``replicators.learn.PPO`` is a knob, so no function shadows its
module (a package attribute can be only one of the two). This uses
Python's documented module ``__class__`` assignment (data model,
"Customizing module attribute access").

Examples
--------
>>> from replicators import experiments
>>> experiments.sum_vs_rate.PRESSURES
(0.0, 0.5, 1.0, 2.0, 4.0)
>>> callable(experiments.sum_vs_rate), experiments.sum_vs_rate.run is experiments.sum_vs_rate.sum_vs_rate
(True, True)
"""

from __future__ import annotations

import inspect
import sys
import types
import collections.abc
from typing import Any

__all__ = ["Callable", "callable_module"]


class Callable(types.ModuleType):
    """A module whose call runs the function of its own name (``run``)."""

    @property
    def run(self) -> collections.abc.Callable[..., Any]:
        fn: collections.abc.Callable[..., Any] = getattr(self, self.__name__.rpartition(".")[2])
        return fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.run(*args, **kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        return inspect.signature(self.run)


def callable_module(name: str) -> None:
    """Make the module ``name`` (its ``__name__``) callable."""
    sys.modules[name].__class__ = Callable
