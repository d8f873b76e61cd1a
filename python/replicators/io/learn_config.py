"""Learner configs in TOML: ``replicators learn CONFIG.toml`` (SPEC 4).

A ``[learn]`` table holds ``replicators.learn``'s arguments; its knobs are
sub-tables with a ``kind``; the ``[world]`` table is a NicheWorld's, as in
run configs (``replicators.io.config``)::

    [learn]
    learners = 100
    iterations = 200
    episodes = 64
    aggregation = "sum"         # sum | seq_mean | token_mean | constant
    returns = "sum"             # sum | rate
    trajectory = "episode"      # episode | user
    max_chain = 4
    entropy_bonus = 0.0
    kl_penalty = 0.0
    seed = 1
    snapshots = [0, 200]
    out = "results/learn"
    # initial = [0.0, ...]      # one genome (K x (A + 1) genes) every learner starts from

    [learn.algorithm]           # kind = ppo | policy_gradient
    kind = "ppo"
    clip = 0.2

    [learn.advantage]           # kind = gae | group | reinforce
    kind = "gae"
    lam = 0.95

    [learn.optimizer]           # kind = adam | sgd
    kind = "adam"
    lr = 0.05

    [world]
    preset = "assistant"

Keys are checked as ``learn()`` checks its arguments (the same function,
``learn.training.arguments``), with the TOML key named (``learn.episodes``,
``learn.algorithm.clip``). ``LearnConfig.to_toml`` writes the resolved
config, every default filled: it re-runs to the same numbers.

Examples
--------
>>> cfg = LearnConfig.from_dict({"learn": {"learners": 3, "iterations": 2, "episodes": 8,
...                                        "advantage": {"kind": "group", "scale": False}}})
>>> cfg.advantage, cfg.returns
(Group(scale=False), 'sum')
>>> LearnConfig.from_toml_text(cfg.to_toml()) == cfg
True
>>> LearnConfig.from_dict({"learn": {"optimizer": {"kind": "adam", "lr": -1}}})
Traceback (most recent call last):
...
replicators.errors.ConfigError: learn.optimizer.lr = -1 is invalid: expected a finite number > 0
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .. import _validate as v
from ..errors import ConfigError
from ..learn import GAE, PPO, SGD, Adam, Group, LearnResult, PolicyGradient, Reinforce, learn
from ..learn.training import arguments
from ..worlds.niche.world import NicheWorld, _toml
from .config import toml_value, load_toml, prefixed, prefixed_file, table, world_table, world_toml

__all__ = ["LearnConfig"]

#: The knob sub-tables of ``[learn]``: kind -> class (its fields are the keys).
KNOBS: dict[str, dict[str, type]] = {
    "algorithm": {"ppo": PPO, "policy_gradient": PolicyGradient},
    "advantage": {"gae": GAE, "group": Group, "reinforce": Reinforce},
    "optimizer": {"adam": Adam, "sgd": SGD},
}
_SCALARS = ("learners", "iterations", "episodes", "aggregation", "returns", "trajectory", "max_chain",
            "entropy_bonus", "kl_penalty", "seed", "threads", "snapshots", "initial", "out")


def _knob(name: str, x: object) -> Any:
    where = f"learn.{name}"
    kinds = KNOBS[name]
    keys = sorted({f.name for cls in kinds.values() for f in fields(cls)})
    t = table(where, x, ("kind", *keys))
    kind = v.choice(f"{where}.kind", t.pop("kind", next(iter(kinds))), kinds)
    cls = kinds[kind]
    allowed = tuple(f.name for f in fields(cls))
    table(where, t, allowed, f"a key of {kind}")
    if "betas" in t and isinstance(t["betas"], list):
        t["betas"] = tuple(t["betas"])
    # Knob objects name their fields "<name>.<key>".
    return prefixed("learn", lambda: cls(**t))


def _knob_toml(name: str, knob: Any) -> list[str]:
    kind = next(k for k, cls in KNOBS[name].items() if isinstance(knob, cls))
    lines = [f"[learn.{name}]", f"kind = {_toml(kind)}"]
    for f in fields(knob):
        x = getattr(knob, f.name)
        lines.append(f"{f.name} = [{', '.join(_toml(b) for b in x)}]" if isinstance(x, tuple) else f"{f.name} = {_toml(x)}")
    return lines


@dataclass(frozen=True, kw_only=True)
class LearnConfig:
    """One ``replicators.learn`` run as a TOML file describes it (see module docs).

    Examples
    --------
    >>> LearnConfig(learners=2, iterations=2, episodes=8).run().history.height
    2
    """

    world: NicheWorld = field(default_factory=lambda: NicheWorld.preset("assistant"))
    learners: int = 100
    iterations: int = 200
    episodes: int = 64
    algorithm: Any = field(default_factory=PPO)
    advantage: Any = field(default_factory=GAE)
    optimizer: Any = field(default_factory=Adam)
    aggregation: str = "sum"
    returns: str = "sum"
    trajectory: str = "episode"
    max_chain: int = 4
    entropy_bonus: float = 0.0
    kl_penalty: float = 0.0
    seed: int = 0
    threads: int | None = None
    snapshots: tuple[int, ...] = ()
    initial: tuple[float, ...] | None = None
    out: str = "results/learn"

    def __post_init__(self) -> None:
        if not isinstance(self.world, NicheWorld):
            raise ConfigError(f"world = {self.world!r} is invalid: learners play a NicheWorld (world.kind = niche)")
        if isinstance(self.snapshots, str) or not isinstance(self.snapshots, tuple | list):
            raise ConfigError(f"learn.snapshots = {self.snapshots!r} is invalid: expected a list of iterations")
        args = arguments(self.world, **{k: getattr(self, k) for k in self._arguments()}, at="learn.")
        for k in self._arguments():
            object.__setattr__(self, k, tuple(args[k]) if k == "snapshots" else args[k])
        if self.initial is not None:
            object.__setattr__(self, "initial", tuple(float(g) for g in self.initial))
        if not isinstance(self.out, str) or not self.out:
            raise ConfigError(f"learn.out = {self.out!r} is invalid: expected a folder path")

    @staticmethod
    def _arguments() -> tuple[str, ...]:
        return ("learners", "iterations", "episodes", "algorithm", "advantage", "aggregation", "returns", "trajectory",
                "max_chain", "optimizer", "entropy_bonus", "kl_penalty", "initial", "seed", "threads", "snapshots")

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> LearnConfig:
        """Build from parsed TOML (``[learn]`` and ``[world]`` tables)."""
        top = table("config", data, ("learn", "world"))
        t = table("learn", top.get("learn", {}), (*_SCALARS, *KNOBS))
        kwargs: dict[str, Any] = {k: t[k] for k in _SCALARS if k in t}
        for name in KNOBS:
            if name in t:
                kwargs[name] = _knob(name, t[name])
        if "snapshots" in kwargs:
            if not isinstance(kwargs["snapshots"], list):
                raise ConfigError(f"learn.snapshots = {kwargs['snapshots']!r} is invalid: expected a list of iterations")
            kwargs["snapshots"] = tuple(kwargs["snapshots"])
        if "initial" in kwargs:
            x = kwargs["initial"]
            if not isinstance(x, list) or not x:
                raise ConfigError(f"learn.initial = {x!r} is invalid: expected a list of genes")
            kwargs["initial"] = tuple(v.number(f"learn.initial[{i}]", g) for i, g in enumerate(x))
        if "world" in top:
            kwargs["world"] = world_table(top["world"])
        return LearnConfig(**kwargs)

    @staticmethod
    def from_toml(path: str | Path) -> LearnConfig:
        """Read and validate a learn config file."""
        return prefixed_file(path, lambda: LearnConfig.from_dict(load_toml(path, ("learn", "world"))))

    @staticmethod
    def from_toml_text(text: str) -> LearnConfig:
        return LearnConfig.from_dict(tomllib.loads(text))

    def to_toml(self) -> str:
        """The resolved config: every value explicit, the world in full."""
        lines = ["[learn]"]
        for k in ("learners", "iterations", "episodes", "aggregation", "returns", "trajectory", "max_chain",
                  "entropy_bonus", "kl_penalty", "seed"):
            lines.append(f"{k} = {_toml(getattr(self, k))}")
        if self.threads is not None:
            lines.append(f"threads = {self.threads}")
        lines.append(f"snapshots = [{', '.join(str(g) for g in self.snapshots)}]")
        if self.initial is not None:
            lines.append(f"initial = {toml_value(list(self.initial))}")
        lines.append(f"out = {_toml(self.out)}")
        for name in KNOBS:
            lines += ["", *_knob_toml(name, getattr(self, name))]
        return "\n".join(lines) + "\n\n" + world_toml(self.world)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (stored in the Parquet metadata)."""
        return tomllib.loads(self.to_toml())

    def run(self, progress: Callable[[int], object] | None = None) -> LearnResult:
        """Train as configured."""
        kw = {k: getattr(self, k) for k in self._arguments()}
        return learn(self.world, **kw, progress=progress)
