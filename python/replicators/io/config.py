"""Run and sweep configs in TOML, validated before anything runs.

A **run** config describes one ``evolve`` of a world: a NicheWorld or a
Connect Four tournament::

    [run]
    population = 1000
    generations = 200
    fitness = "rate"            # niche: sum | rate | episode_rate (default rate)
                                # tournaments: moves | entropy | wins | win_rate (default moves)
    seed = 1
    threads = 2                 # optional: all cores
    snapshots = [0, 200]
    out = "results/run"         # where ``replicators run`` writes

    [run.selection]             # kind = proportional | tournament | truncation | threshold
    kind = "proportional"
    pressure = 1.0

    [run.mutation]
    rate = 0.2
    scale = 0.3

    [run.options]               # the world's options of evolve
    entropy_bonus = 0.0         # niche: initial, initial_spread, entropy_bonus, specialist_threshold
                                # tournaments: initial, initial_spread
    # initial = [0.0, ...]      # one genome every individual starts from: a NicheWorld's
                                # K * (A + 1) genes; a tournament's weights as a list or
                                # a table, e.g. initial = { wins_now = 1.5 }

    [world]                     # kind = niche (default) | knockout | round_robin
    kind = "niche"              # a preset, fields replaced; or a full world (niches, actions)
    preset = "assistant"
    tradeoff = 2.0

A Connect Four tournament is a ``[world]`` of kind ``knockout`` (keys
``pressure``, ``strength_games``) or ``round_robin`` (``games_per_pair``,
``strength_games``); see ``replicators.connect4``::

    [world]
    kind = "knockout"
    pressure = 0.9
    strength_games = 200

A **sweep** config names a ready experiment and its keyword arguments::

    [sweep]
    experiment = "sum_vs_rate"
    out = "results/sum_vs_rate"
    population = 500
    pressures = [0.0, 1.0, 2.0]

    [sweep.mutation]
    rate = 0.2
    scale = 0.3

Unknown keys, wrong types and out-of-range values raise ``ConfigError`` (or
``UnknownNameError``) naming the TOML key, e.g. ``run.population`` or
``world.pressure``; ``run.fitness`` and ``run.options`` are checked against
the world's kind. ``RunConfig.to_toml`` writes the resolved config (every
default filled, the world's kind explicit and the world written out in
full): running it again gives the same numbers.

Examples
--------
>>> cfg = RunConfig.from_dict({"run": {"population": 50, "generations": 3, "seed": 4},
...                            "world": {"preset": "assistant", "tradeoff": 2.0}})
>>> cfg.world.tradeoff, cfg.fitness
(2.0, 'rate')
>>> RunConfig.from_toml_text(cfg.to_toml()) == cfg
True
>>> RunConfig.from_dict({"run": {"population": 1}})
Traceback (most recent call last):
...
replicators.errors.ConfigError: run.population = 1 is invalid: expected an integer >= 2
>>> ko = RunConfig.from_dict({"world": {"kind": "knockout", "pressure": 0.9}})
>>> ko.world, ko.fitness
(Knockout(pressure=0.9, strength_games=200), 'moves')
>>> RunConfig.from_dict({"world": {"kind": "knockout", "tradeoff": 2.0}})
Traceback (most recent call last):
...
replicators.errors.UnknownNameError: world.tradeoff is not a key of a knockout world: expected one of kind, pressure, strength_games
"""

from __future__ import annotations

import inspect
import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .. import _validate as v
from ..worlds import connect4, niche
from ..errors import ConfigError, UnknownNameError
from ..worlds.niche.world import NicheWorld, _toml
from ..experiments import EXPERIMENTS
from ..selection import Mutation, Proportional, Selection, Threshold, Tournament, Truncation, evolve

__all__ = ["WORLDS", "RunConfig", "SweepConfig", "load_toml"]

_RUN_KEYS = ("population", "generations", "fitness", "seed", "threads", "snapshots", "out",
             "selection", "mutation", "options")
def _initial(key: str, x: object) -> list[float] | dict[str, float]:
    """One initial genome: a list of genes, or a table of named weights
    (a tournament's features); its length and names are the world's to check."""
    if isinstance(x, Mapping):
        return {str(name): v.number(f"{key}.{name}", w) for name, w in x.items()}
    if isinstance(x, (list, tuple)) and x:
        return [v.number(f"{key}[{i}]", g) for i, g in enumerate(x)]
    raise ConfigError(f"{key} = {x!r} is invalid: expected a list of genes or a table of feature weights")


def _check_initial(kind: _Kind, world: Any, initial: list[float] | dict[str, float]) -> None:
    """The initial genome fits the world: one value per gene, or (where the
    world's genes have names) a table of some of them. Per-individual rows
    are for the Python API."""
    key, genes = "run.options.initial", world.gene_names
    if isinstance(initial, dict):
        if not kind.named_genes:
            raise ConfigError(f"{key} is invalid: expected a list of {len(genes)} genes")
        for name in initial:
            if name not in genes:
                raise UnknownNameError(f"{key}.{name} is not a gene: expected one of {', '.join(genes)}")
    elif len(initial) != len(genes):
        raise ConfigError(f"{key} has {len(initial)} values: expected {len(genes)} genes ({genes[0]} .. {genes[-1]})")


def toml_value(x: object) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_toml(g) for g in x) + "]"
    if isinstance(x, dict):
        return "{ " + ", ".join(f"{k} = {_toml(w)}" for k, w in x.items()) + " }"
    return _toml(x)


#: Checks of every option a world's ``evolve`` takes from a config.
_OPTIONS: dict[str, Callable[[str, object], Any]] = {
    "initial": _initial,
    # The same laws the worlds' ``evolve`` options obey (the core's).
    "initial_spread": lambda key, x: v.law("initial_spread", key, x),
    "entropy_bonus": lambda key, x: v.law("entropy_bonus", key, x),
    "specialist_threshold": lambda key, x: v.law("specialist_threshold", key, x),
}
_SELECTIONS: dict[str, tuple[type, tuple[str, ...]]] = {
    "proportional": (Proportional, ("pressure", "standardize")),
    "tournament": (Tournament, ("size",)),
    "truncation": (Truncation, ("fraction",)),
    "threshold": (Threshold, ("floor",)),
}


#: Tables nested deeper than this are refused (tomllib recurses per level).
MAX_NESTING = 64


def _nesting(x: object) -> int:
    depth, level = 0, [x]
    while level:
        level = [v for y in level for v in (y.values() if isinstance(y, dict) else y if isinstance(y, list) else ())]
        depth += 1
    return depth - 1


def load_toml(path: str | Path, expect: tuple[str, ...] = ()) -> dict[str, Any]:
    """Parse a TOML file. Every failure is a ConfigError naming the file: no
    such file, not a file, unreadable, not UTF-8, not TOML, nested more
    than ``MAX_NESTING`` deep, or (with ``expect``) none of the tables
    ``expect`` (an empty config is an error, not a run of the defaults)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise ConfigError(f"config = {str(path)!r} is invalid: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"config = {str(path)!r} is invalid: a folder, not a TOML file") from None
    except OSError as e:
        raise ConfigError(f"config = {str(path)!r} is invalid: cannot read it ({e.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {raw[e.start]:#04x} at offset {e.start})") from None
    # A cheap bound before the recursive parser: brackets and braces opened.
    if max(text.count("["), text.count("{")) > MAX_NESTING and _bracket_depth(text) > MAX_NESTING:
        raise ConfigError(f"{path}: nested more than {MAX_NESTING} levels deep")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested more than {MAX_NESTING} levels deep") from None
    if _nesting(data) > MAX_NESTING:
        raise ConfigError(f"{path}: nested more than {MAX_NESTING} levels deep")
    if expect and not any(k in data for k in expect):
        tables = " or ".join(f"[{k}]" for k in expect)
        what = "empty" if not data else f"has no {tables} table (it has {', '.join(sorted(data))})"
        raise ConfigError(f"{path}: the config is {what}: expected a {tables} table")
    return data


def _bracket_depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings and comments (an upper
    bound: the parser decides what they mean)."""
    depth = top = 0
    quote = None
    comment = False
    for c in text:
        if comment:
            comment = c != "\n"
        elif quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "#":
            comment = True
        elif c in "[{":
            depth += 1
            top = max(top, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
    return top


def table(where: str, x: object, allowed: tuple[str, ...], what: str = "a known key") -> dict[str, Any]:
    """The TOML table ``x`` at ``where`` as a dict; unknown keys fail, naming them."""
    if not isinstance(x, Mapping):
        raise ConfigError(f"{where} = {x!r} is invalid: expected a table")
    for key in x:
        if key not in allowed:
            raise UnknownNameError(f"{where}.{key} is not {what}: expected one of {', '.join(allowed)}")
    return dict(x)


def prefixed(where: str, build: Callable[[], Any]) -> Any:
    """Run a constructor whose errors name bare fields; name the TOML key (``<where>.<field>``)."""
    try:
        return build()
    except ConfigError as e:
        msg = str(e)
        raise type(e)(msg if msg.startswith(f"{where}.") else f"{where}.{msg}") from None


def _selection(x: object) -> Selection:
    t = table("run.selection", x, ("kind", *sorted({k for _, ks in _SELECTIONS.values() for k in ks})))
    kind = v.choice("run.selection.kind", t.pop("kind", "proportional"), _SELECTIONS)
    cls, keys = _SELECTIONS[kind]
    for key in t:
        if key not in keys:
            raise UnknownNameError(
                f"run.selection.{key} is not a key of {kind} selection: expected one of {', '.join(keys)}")
    # Selection objects already name their fields "selection.<key>".
    return prefixed("run", lambda: cls(**t))


def _mutation(where: str, x: object) -> Mutation:
    t = table(where, x, ("rate", "scale"))
    try:
        return Mutation(**t)
    except ConfigError as e:
        raise type(e)(str(e).replace("mutation.", f"{where}.", 1)) from None


@dataclass(frozen=True)
class _Kind:
    """What a run config knows of one kind of world: its ``[world]`` keys,
    how to build it from them and write it back, its fitness names and the
    options its ``evolve`` takes."""

    name: str
    cls: type
    keys: tuple[str, ...]
    fitness: tuple[str, ...]
    default_fitness: str
    options: tuple[str, ...]
    #: Whether ``initial`` may name genes in a table (a tournament's features).
    named_genes: bool
    build: Callable[[dict[str, Any]], Any]
    body: Callable[[Any], list[str]]


def _niche_world(t: dict[str, Any]) -> NicheWorld:
    if "preset" in t:
        name = v.choice("world.preset", t.pop("preset"), ["assistant"])
        base = tomllib.loads(NicheWorld.preset(name).to_toml())
        base.update(t)
        t = base
    return prefixed("world", lambda: NicheWorld.from_dict(t, where="world"))


def _niche_body(world: NicheWorld) -> list[str]:
    """The world's TOML with its tables nested under ``world.``."""
    out = []
    for line in world.to_toml().splitlines():
        if line.startswith(("[[niches]]", "[[actions]]")):
            line = "[[world." + line[2:]
        elif line.startswith("[niches."):
            line = "[world." + line[1:]
        out.append(line)
    return out


def _tournament(name: str, cls: type) -> _Kind:
    """A Connect Four format: its ``[world]`` keys are the dataclass fields."""
    keys = tuple(f.name for f in fields(cls))
    return _Kind(
        name=name, cls=cls, keys=keys, fitness=connect4.FITNESS, default_fitness="moves",
        options=("initial", "initial_spread"), named_genes=True,
        build=lambda t: prefixed("world", lambda: cls(**t)),
        body=lambda world: [f"{k} = {_toml(getattr(world, k))}" for k in keys],
    )


#: The kinds of world a run config can name in ``world.kind``.
WORLDS: dict[str, _Kind] = {
    "niche": _Kind(
        name="niche", cls=NicheWorld,
        keys=("preset", "niches", "actions", "capacity", "tradeoff", "requests_per_agent", "max_reroutes",
              "time_budget", "routing", "shortlist", "choose_by", "decline_steps"),
        fitness=niche.FITNESS, default_fitness="rate",
        options=("initial", "initial_spread", "entropy_bonus", "specialist_threshold"), named_genes=False,
        build=_niche_world, body=_niche_body,
    ),
    "knockout": _tournament("knockout", connect4.Knockout),
    "round_robin": _tournament("round_robin", connect4.RoundRobin),
}


def _kind_of(world: object) -> _Kind:
    for kind in WORLDS.values():
        if isinstance(world, kind.cls):
            return kind
    raise ConfigError(f"world = {world!r} is invalid: expected a NicheWorld, connect4.Knockout or connect4.RoundRobin")


def world_table(x: object) -> Any:
    """The world a ``[world]`` table describes (``kind`` picks which)."""
    if not isinstance(x, Mapping):
        raise ConfigError(f"world = {x!r} is invalid: expected a table")
    kind = WORLDS[v.choice("world.kind", x.get("kind", "niche"), WORLDS)]
    t = table("world", x, ("kind", *kind.keys), f"a key of a {kind.name} world")
    t.pop("kind", None)
    return kind.build(t)


def world_toml(world: Any) -> str:
    """The world as a ``[world]`` table, its kind explicit."""
    kind = _kind_of(world)
    return "\n".join(["[world]", f"kind = {_toml(kind.name)}", *kind.body(world)]) + "\n"


@dataclass(frozen=True, kw_only=True)
class RunConfig:
    """One evolve run of a world, as a TOML file describes it (see module docs).

    ``fitness`` defaults to the world's usual mode: ``rate`` for a
    NicheWorld, ``moves`` for a Connect Four tournament.

    Examples
    --------
    >>> res = RunConfig(population=40, generations=2, seed=1).run()
    >>> res.history.height
    2
    >>> RunConfig(world=connect4.RoundRobin(), fitness="rate")
    Traceback (most recent call last):
    ...
    replicators.errors.UnknownNameError: run.fitness = 'rate' is not known: expected one of moves, entropy, wins, win_rate
    """

    world: Any = field(default_factory=lambda: NicheWorld.preset("assistant"))
    population: int = 1000
    generations: int = 200
    fitness: str | None = None
    selection: Selection = field(default_factory=Proportional)
    mutation: Mutation = field(default_factory=lambda: Mutation(rate=0.2, scale=0.3))
    seed: int = 0
    threads: int | None = None
    snapshots: tuple[int, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    out: str = "results/run"

    def __post_init__(self) -> None:
        kind = _kind_of(self.world)
        v.law("population", "run.population", self.population)
        v.law("generations", "run.generations", self.generations)
        if self.fitness is None:
            object.__setattr__(self, "fitness", kind.default_fitness)
        v.choice("run.fitness", self.fitness, kind.fitness)
        v.seed("run.seed", self.seed)
        v.optional_integer("run.threads", self.threads, 1)
        if isinstance(self.snapshots, str) or not all(
            isinstance(g, int) and not isinstance(g, bool) for g in self.snapshots
        ):
            raise ConfigError(f"run.snapshots = {self.snapshots!r} is invalid: expected a list of generations")
        object.__setattr__(self, "snapshots", tuple(sorted({
            v.integer("run.snapshots", g, 0, self.generations) for g in self.snapshots})))
        opts = table("run.options", self.options, kind.options, f"an option of a {kind.name} world")
        object.__setattr__(self, "options", {k: _OPTIONS[k](f"run.options.{k}", x) for k, x in opts.items()})
        if "initial" in self.options:
            _check_initial(kind, self.world, self.options["initial"])
        if not isinstance(self.out, str) or not self.out:
            raise ConfigError(f"run.out = {self.out!r} is invalid: expected a folder path")

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> RunConfig:
        """Build from parsed TOML (``[run]`` and ``[world]`` tables)."""
        top = table("config", data, ("run", "world"))
        run = table("run", top.get("run", {}), _RUN_KEYS)
        kwargs: dict[str, Any] = {k: run[k] for k in ("population", "generations", "fitness", "seed", "threads",
                                                      "out", "options") if k in run}
        if "snapshots" in run:
            if not isinstance(run["snapshots"], list):
                raise ConfigError(f"run.snapshots = {run['snapshots']!r} is invalid: expected a list of generations")
            kwargs["snapshots"] = tuple(run["snapshots"])
        if "selection" in run:
            kwargs["selection"] = _selection(run["selection"])
        if "mutation" in run:
            kwargs["mutation"] = _mutation("run.mutation", run["mutation"])
        if "world" in top:
            kwargs["world"] = world_table(top["world"])
        return RunConfig(**kwargs)

    @staticmethod
    def from_toml(path: str | Path) -> RunConfig:
        """Read and validate a run config file."""
        return prefixed_file(path, lambda: RunConfig.from_dict(load_toml(path, ("run", "world"))))

    @staticmethod
    def from_toml_text(text: str) -> RunConfig:
        """Validate a run config given as TOML text."""
        return RunConfig.from_dict(tomllib.loads(text))

    def to_toml(self) -> str:
        """The resolved config: every value explicit, the world (and its kind) in full."""
        lines = ["[run]"]
        lines += [f"{k} = {_toml(getattr(self, k))}" for k in ("population", "generations", "fitness", "seed")]
        if self.threads is not None:
            lines.append(f"threads = {self.threads}")
        lines.append(f"snapshots = [{', '.join(str(g) for g in self.snapshots)}]")
        lines.append(f"out = {_toml(self.out)}")
        kind = next(k for k, (cls, _) in _SELECTIONS.items() if isinstance(self.selection, cls))
        lines += ["", "[run.selection]", f"kind = {_toml(kind)}"]
        lines += [f"{k} = {_toml(getattr(self.selection, k))}" for k in _SELECTIONS[kind][1]]
        lines += ["", "[run.mutation]", f"rate = {_toml(self.mutation.rate)}", f"scale = {_toml(self.mutation.scale)}"]
        lines += ["", "[run.options]"] + [f"{k} = {toml_value(x)}" for k, x in self.options.items()]
        return "\n".join(lines) + "\n\n" + world_toml(self.world)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (stored in the Parquet metadata)."""
        return tomllib.loads(self.to_toml())

    def run(self, progress: Callable[[int], object] | None = None) -> Any:
        """Evolve as configured; returns the world's result (``NicheResult``
        or ``connect4.TournamentResult``)."""
        return evolve(self.world, population=self.population, generations=self.generations, fitness=self.fitness,
                      selection=self.selection, mutation=self.mutation, seed=self.seed, threads=self.threads,
                      snapshots=self.snapshots, progress=progress, **self.options)


def prefixed_file(path: str | Path, build: Callable[[], Any]) -> Any:
    """Run a config's parser; its errors name the file first."""
    try:
        return build()
    except ConfigError as e:
        msg = str(e)
        raise type(e)(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None


def _check_type(key: str, x: object, default: object) -> object:
    """``x`` has the kind of the parameter's default (lists for tuples)."""
    where = f"sweep.{key}"
    if isinstance(default, tuple):
        if not isinstance(x, list) or not x:
            raise ConfigError(f"{where} = {x!r} is invalid: expected a non-empty list")
        for item in x:
            _check_type(key, item, default[0] if default else item)
        return tuple(x)
    if isinstance(default, str) and not isinstance(x, str):
        raise ConfigError(f"{where} = {x!r} is invalid: expected a string")
    if isinstance(default, bool):
        if not isinstance(x, bool):
            raise ConfigError(f"{where} = {x!r} is invalid: expected true or false")
    elif isinstance(default, int) or default is None:
        if isinstance(x, bool) or not isinstance(x, int):
            raise ConfigError(f"{where} = {x!r} is invalid: expected an integer")
    elif isinstance(default, float) and (isinstance(x, bool) or not isinstance(x, int | float)):
        raise ConfigError(f"{where} = {x!r} is invalid: expected a number")
    return x


@dataclass(frozen=True, kw_only=True)
class SweepConfig:
    """A ready experiment and its keyword arguments (see module docs).

    Examples
    --------
    >>> SweepConfig.from_dict({"sweep": {"experiment": "tradeoff", "tradeoffs": [1, 2]}}).kwargs
    {'tradeoffs': (1, 2)}
    >>> SweepConfig.from_dict({"sweep": {"experiment": "tradeoff", "seeds": "3"}})
    Traceback (most recent call last):
    ...
    replicators.errors.ConfigError: sweep.seeds = '3' is invalid: expected an integer
    """

    experiment: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    out: str | None = None

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> SweepConfig:
        """Validate the ``[sweep]`` table (and an optional ``[world]``)."""
        top = table("config", data, ("sweep", "world"))
        sweep = top.get("sweep", {})
        if not isinstance(sweep, Mapping):
            raise ConfigError(f"sweep = {sweep!r} is invalid: expected a table")
        # Keys other than experiment/out/mutation are checked against the experiment's parameters.
        sweep = dict(sweep)
        experiments = EXPERIMENTS
        if "experiment" not in sweep:
            raise ConfigError(f"sweep.experiment is missing: expected one of {', '.join(experiments)}")
        name = v.choice("sweep.experiment", sweep.pop("experiment"), experiments)
        fn = experiments[name]
        params = {p.name: p.default for p in inspect.signature(fn).parameters.values()
                  if p.name not in ("world", "progress", "mutation")}
        out = sweep.pop("out", None)
        if out is not None and (not isinstance(out, str) or not out):
            raise ConfigError(f"sweep.out = {out!r} is invalid: expected a folder path")
        kwargs: dict[str, Any] = {}
        for key, x in sweep.items():
            if key == "mutation":
                kwargs["mutation"] = _mutation("sweep.mutation", x)
                continue
            if key not in params:
                raise UnknownNameError(
                    f"sweep.{key} is not a parameter of {name}: expected one of "
                    f"{', '.join(['experiment', 'out', 'mutation', *params])}")
            kwargs[key] = _check_type(key, x, params[key])
        if "world" in top:
            if "world" not in inspect.signature(fn).parameters:
                raise UnknownNameError(f"world is not a table of {name}: it builds its own worlds")
            kwargs["world"] = world_table(top["world"])
            if not isinstance(kwargs["world"], NicheWorld):
                raise ConfigError(f"world.kind = {_kind_of(kwargs['world']).name!r} is invalid: "
                                  f"{name} takes a niche world")
        return SweepConfig(experiment=name, kwargs=kwargs, out=out)

    @staticmethod
    def from_toml(path: str | Path) -> SweepConfig:
        """Read and validate a sweep config file."""
        return prefixed_file(path, lambda: SweepConfig.from_dict(load_toml(path, ("sweep",))))

    def run(self, progress: Any = False, *, out: str | Path | None = None, workers: int | None = None,
            backend: str = "local", address: str | None = None, resume: bool = True) -> Any:
        """Run the experiment; values are range-checked (naming the key) before
        the first run starts. ``workers``, ``backend`` and ``address``: where
        its runs run (``replicators.sweeps``); ``out``: a results folder
        that keeps each finished run, so that the same config run again
        there resumes (``resume=False`` starts over)."""
        from ..sweeps import execution

        fn = EXPERIMENTS[self.experiment]
        # The threads never change a number: not part of what a resume must match.
        knobs = {"experiment": self.experiment, **{k: x for k, x in self.kwargs.items() if k != "threads"}}
        try:
            with execution(workers=workers, backend=backend, address=address, out=out,
                           describe=(self.experiment, knobs), resume=resume):
                return fn(**self.kwargs, progress=progress)
        except ConfigError as e:
            msg = str(e)
            raise type(e)(msg if msg.startswith(("sweep.", "world.")) else f"sweep.{msg}") from None

    def to_toml(self) -> str:
        """The sweep as TOML: ``replicators sweep`` on it runs the same grid and seeds.

        Examples
        --------
        >>> cfg = SweepConfig(experiment="tradeoff", kwargs={"tradeoffs": (1.0, 2.0), "seeds": 2})
        >>> SweepConfig.from_dict(__import__("tomllib").loads(cfg.to_toml())) == cfg
        True
        """
        lines = ["[sweep]", f"experiment = {_toml(self.experiment)}"]
        if self.out is not None:
            lines.append(f"out = {_toml(self.out)}")
        for key, x in self.kwargs.items():
            if key in ("world", "mutation") or x is None:
                continue
            if isinstance(x, tuple | list):
                lines.append(f"{key} = [{', '.join(_toml(i) for i in x)}]")
            else:
                lines.append(f"{key} = {_toml(x)}")
        m = self.kwargs.get("mutation")
        if m is not None:
            lines += ["", "[sweep.mutation]", f"rate = {_toml(m.rate)}", f"scale = {_toml(m.scale)}"]
        text = "\n".join(lines) + "\n"
        if "world" in self.kwargs:
            text += "\n" + world_toml(self.kwargs["world"])
        return text

    def describe(self) -> str:
        """A one-line JSON record of the sweep config."""
        return json.dumps({"experiment": self.experiment, "out": self.out,
                           **{k: x for k, x in self.kwargs.items() if k not in ("world", "mutation")}},
                          default=str)

