"""Standard RL interfaces for learners brought from outside (optional extra
``pip install 'replicators[envs]'``: Gymnasium and PettingZoo, imported only
when an environment is asked for).

``AssistantEnv``
    Gymnasium environment: one assistant's episodes in any NicheWorld
    (observation: niche and step; action: the action table; reward: proxy;
    gold and the outcome in ``info``), stepped by the Rust core.
``AssistantVectorEnv``
    Gymnasium vector environment: many of them stepped at once in the core
    (next-step autoreset), the same episodes as ``AssistantEnv`` at the same
    seeds.
``ConnectFourEnv``
    PettingZoo AEC environment: Connect Four on the project's engine, with
    PettingZoo's ``connect_four_v3`` observation and action mask.

Examples
--------
>>> import replicators as r
>>> from replicators.envs import AssistantEnv
>>> env = AssistantEnv(r.NicheWorld.preset())
>>> obs, info = env.reset(seed=3)
>>> int(env.action_space.n), obs.shape
(5, (2,))
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["AssistantEnv", "AssistantVectorEnv", "ConnectFourEnv"]

_WHERE = {"AssistantEnv": "assistant", "AssistantVectorEnv": "assistant", "ConnectFourEnv": "connect4"}
_NEEDS = {"assistant": "gymnasium", "connect4": "pettingzoo"}


def __getattr__(name: str) -> Any:
    # Lazy: ``import replicators.envs`` works without the extras; the
    # environment asked for imports its library (or says how to install it).
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = _WHERE[name]
    try:
        return getattr(importlib.import_module(f".{module}", __name__), name)
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] == _NEEDS[module]:
            raise ModuleNotFoundError(
                f"replicators.envs.{name} needs {_NEEDS[module]}: pip install 'replicators[envs]'", name=e.name
            ) from e
        raise


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
