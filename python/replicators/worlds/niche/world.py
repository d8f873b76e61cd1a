"""NicheWorld: assistants that replicate on the sum or the rate of their reward.

Agents serve users whose requests fall into **niches**; in each niche an
agent's genome says which **action** it takes (solve, engage, flatter,
partial, decline, or anything you define). Actions yield a *proxy* reward,
which selection sees, and a *gold* value, which measures real help
(SPEC section 1). Every number is a parameter: worlds are tables, defined
here or in a TOML file, and the Rust core runs whatever the tables say.

Genome of an agent (``NicheWorld.genome_width`` = K * (A + 1) genes): K x A
action logits (niche-major; the policy in niche k is their softmax), then K
skill logits w (softmax) with skill_k = capacity * w_k ** tradeoff.

A generation (``replicators.evolve``): ``requests_per_agent * N`` requests
arrive, niche by demand, each to a uniformly random agent. An episode runs
step by step: an action is drawn from the policy; a skilled action succeeds
with the agent's skill (a failure yields ``fail_proxy``/``fail_gold`` and
does not end); an ending action ends the episode, and then with probability
``follow_up`` the same user comes back later with a new request of the same
niche to the same agent; after a step that does not end, the user stays
with probability ``patience``; ``max_steps`` caps the episode. A rerouting
action (decline) ends the episode and sends the request to another agent,
uniformly among the other N - 1, at most ``max_reroutes`` times, after which
it counts as unserved. With a ``time_budget`` an agent stops after that
many steps per generation (a running episode is cut) and its further
requests are rerouted the same way.

Examples
--------
>>> import replicators as r
>>> world = r.NicheWorld.preset("assistant")
>>> world.action_names
('solve', 'engage', 'flatter', 'partial', 'decline')
>>> result = r.evolve(world, population=200, generations=3, fitness="rate", seed=1)
>>> result.history.height, result.status
(3, 'completed')
"""

from __future__ import annotations

import json
import math
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ... import _core
from ... import _validate as v
from ...errors import ConfigError, UnknownNameError, invalid
from ...selection.protocol import Run, reject_unknown
from .result import NicheResult

__all__ = ["Niche", "Action", "NicheWorld", "FITNESS", "OVERRIDABLE"]

#: Fitness modes of NicheWorld.
FITNESS: tuple[str, ...] = tuple(_core.names("niche.fitness"))
#: Action fields a niche may override.
OVERRIDABLE = ("proxy", "gold", "fail_proxy", "fail_gold", "follow_up")
#: World-specific options of ``evolve`` (see ``NicheWorld._evolve``).
OPTIONS = ("initial", "initial_spread", "entropy_bonus", "specialist_threshold", "lifetime")


def _outcome(n: Niche, a: Action) -> dict[str, float]:
    """Action ``a``'s numbers in niche ``n``, overrides applied."""
    values = {f: getattr(a, f) for f in OVERRIDABLE}
    values.update(n.overrides.get(a.name, {}))
    return values


def _name(field_: str, x: object) -> str:
    if not isinstance(x, str) or not x:
        raise invalid(field_, x, "a non-empty string")
    return x


def _flag(field_: str, x: object) -> bool:
    if not isinstance(x, bool):
        raise invalid(field_, x, "true or false")
    return x


@dataclass(frozen=True, kw_only=True)
class Niche:
    """A kind of user request.

    Parameters
    ----------
    name
        Unique name of the niche.
    demand
        Share of requests (a relative weight >= 0; normalised over niches).
    patience
        Chance in [0, 1] that the user stays after a step that does not end
        the episode.
    max_steps
        Episodes are cut after this many steps (>= 1).
    overrides
        Per-niche values of action fields, ``{action: {field: value}}`` with
        fields among ``proxy``, ``gold``, ``fail_proxy``, ``fail_gold``,
        ``follow_up`` (e.g. engagement pays more in a chatty niche).

    Examples
    --------
    >>> Niche(name="code", demand=2.0, overrides={"engage": {"proxy": 0.5}}).demand
    2.0
    """

    name: str
    demand: float = 1.0
    patience: float = 0.9
    max_steps: int = 20
    overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        at = f"niches[{self.name!r}]" if isinstance(self.name, str) else "niches"
        _name(f"{at}.name", self.name)
        v.obey(self, {f: f"niche.{f}" for f in ("demand", "patience", "max_steps")}, f"{at}.")
        if not isinstance(self.overrides, Mapping):
            raise ConfigError(f"{at}.overrides = {self.overrides!r} is invalid: expected {{action: {{field: value}}}}")
        clean: dict[str, dict[str, float]] = {}
        for action, values in self.overrides.items():
            if not isinstance(values, Mapping):
                raise ConfigError(f"{at}.overrides[{action!r}] = {values!r} is invalid: expected {{field: value}}")
            clean[action] = {}
            for key, x in values.items():
                f = f"{at}.overrides[{action!r}].{key}"
                v.choice(f, key, OVERRIDABLE)
                clean[action][key] = float(v.law(f"action.{key}", f, x))
        object.__setattr__(self, "overrides", clean)


@dataclass(frozen=True, kw_only=True)
class Action:
    """Something an agent can do in a step; its meaning is its numbers.

    Parameters
    ----------
    name
        Unique name of the action.
    proxy, gold
        Reward selection sees, and true value to the user (on success, if
        ``skilled``).
    ends
        The episode ends after this action (after its success, if skilled).
    follow_up
        Chance in [0, 1) that, when this action ends the episode, the same
        user comes back later with a new request of the same niche.
    skilled
        Succeeds with the agent's skill in the niche; a failure yields
        ``fail_proxy``/``fail_gold`` and does not end the episode.
    reroute
        Declines: the episode ends and the request goes to another agent.
    fail_proxy, fail_gold
        Rewards of a failed skilled action (default 0).
    fail_ends
        For a skilled ending action: its failure ends the episode too (a
        wrong final answer), with the failure's rewards and no follow-up.

    Examples
    --------
    >>> Action(name="solve", proxy=1.0, gold=1.0, ends=True, skilled=True).skilled
    True
    """

    name: str
    proxy: float = 0.0
    gold: float = 0.0
    ends: bool = False
    follow_up: float = 0.0
    skilled: bool = False
    reroute: bool = False
    fail_proxy: float = 0.0
    fail_gold: float = 0.0
    fail_ends: bool = False

    def __post_init__(self) -> None:
        at = f"actions[{self.name!r}]" if isinstance(self.name, str) else "actions"
        _name(f"{at}.name", self.name)
        v.obey(self, {f: f"action.{f}" for f in OVERRIDABLE}, f"{at}.")
        for f in ("ends", "skilled", "reroute", "fail_ends"):
            _flag(f"{at}.{f}", getattr(self, f))


_WORLD_KEYS = ("niches", "actions", "capacity", "tradeoff", "requests_per_agent", "max_reroutes", "time_budget",
               "routing", "shortlist", "choose_by", "decline_steps")
_NICHE_KEYS = ("name", "demand", "patience", "max_steps", "overrides")
_ACTION_KEYS = ("name", "proxy", "gold", "ends", "follow_up", "skilled", "reroute", "fail_proxy", "fail_gold",
                "fail_ends")


def _check_keys(where: str, table: object, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} = {table!r} is invalid: expected a table")
    for key in table:
        if key not in allowed:
            raise UnknownNameError(f"{where}.{key} is not a known key: expected one of {', '.join(allowed)}")
    return table


@dataclass(frozen=True, kw_only=True)
class NicheWorld:
    """Niches, actions and the knobs of a generation.

    Parameters
    ----------
    niches, actions
        The tables (at least one of each; at least one action must end the
        episode or reroute it).
    capacity
        Skill of a full specialist, in [0, 1]: skill_k = capacity * w_k ** tradeoff.
    tradeoff
        > 1 makes spreading skill costly (favours specialists), < 1 favours
        generalists, 1 is neutral.
    requests_per_agent
        Fresh requests per agent per generation (> 0; R = round(this * N)).
    max_reroutes
        Times a declined or refused request is sent on before it counts as
        unserved (0-254).
    time_budget
        Steps an agent may spend per generation (``None``: unlimited). A
        finite budget turns selection on the sum into selection on the rate
        (``sum`` is then reward per lifetime, idle time included; ``rate``
        divides by the steps used).
    routing
        Who serves a request (SPEC 1.1): ``"uniform"`` (a uniformly random
        agent) or ``"choice"``: the user draws ``shortlist`` distinct agents
        among those with time left (never the sender of a rerouted request)
        and goes to the one with the highest expected gold (``choose_by =
        "gold"``: reputation) or proxy (``"proxy"``: ratings) per need in its
        niche, follow-ups included; ties broken uniformly. Follow-ups bypass
        choice. A shortlist of 1 without a budget is uniform routing.
    shortlist, choose_by
        The knobs of ``choice`` (shortlist 1-64, at most the population).
    decline_steps
        Whether declining costs the agent a step: 1 (SPEC 1) or 0 (a
        specialist can pass on other niches for free: not against its
        budget, not in its rate).

    Examples
    --------
    >>> w = NicheWorld(niches=[Niche(name="faq")],
    ...                actions=[Action(name="answer", proxy=1, gold=1, ends=True)])
    >>> w.genome_width
    2
    """

    niches: tuple[Niche, ...]
    actions: tuple[Action, ...]
    capacity: float = 1.0
    tradeoff: float = 1.0
    requests_per_agent: float = 10.0
    max_reroutes: int = 3
    time_budget: int | None = None
    routing: str = "uniform"
    shortlist: int = 1
    choose_by: str = "gold"
    decline_steps: int = 1

    def __post_init__(self) -> None:
        for f, kind in (("niches", Niche), ("actions", Action)):
            items = getattr(self, f)
            if isinstance(items, str | bytes) or not isinstance(items, Iterable):
                raise ConfigError(f"{f} = {items!r} is invalid: expected a list of {kind.__name__}")
            items = tuple(items)
            for x in items:
                if not isinstance(x, kind):
                    raise ConfigError(f"{f} contains {x!r}: expected {kind.__name__}(...)")
            names = [x.name for x in items]
            dup = {n for n, c in Counter(names).items() if c > 1}
            if dup:
                raise ConfigError(f"{f} has duplicate names {sorted(dup)}: expected unique names")
            object.__setattr__(self, f, items)
        known = set(self.action_names)
        for n in self.niches:
            for a in n.overrides:
                if a not in known:
                    raise UnknownNameError(
                        f"niches[{n.name!r}].overrides = {a!r} is not a known action: expected one of {', '.join(self.action_names)}"
                    )
        knobs = ("capacity", "tradeoff", "requests_per_agent", "max_reroutes", "time_budget", "shortlist",
                 "decline_steps")
        # Only the time budget may be None (no budget).
        v.obey(self, {f: f for f in knobs if f != "time_budget" or self.time_budget is not None})
        v.choice("routing", self.routing, _core.names("niche.routing"))
        v.choice("choose_by", self.choose_by, _core.names("niche.choose_by"))
        # The rules between fields (an ending action, a positive total
        # demand, no follow-up after a decline...) are the core's.
        _core.niche_validate(self._tables())

    # --- presets and files -------------------------------------------------

    @staticmethod
    def preset(name: str = "assistant", **knobs: Any) -> NicheWorld:
        """A named world; ``knobs`` replace world fields (``time_budget=...``).

        The presets' numbers are the core's (``rust/core/src/niche/preset.rs``).
        ``assistant`` (SPEC 1): four niches of equal demand, patience 0.9,
        max_steps 20; actions ``solve`` (skilled: proxy 1, gold 1, ends),
        ``engage`` (proxy 0.25, gold 0), ``flatter`` (proxy 0.35, gold -0.1),
        ``partial`` (proxy 0.6, gold 0.3, ends, follow_up 0.6), ``decline``
        (reroutes).

        Examples
        --------
        >>> NicheWorld.preset("assistant", tradeoff=2.0).tradeoff
        2.0
        """
        v.choice("preset", name, _core.niche_presets())
        world = NicheWorld.from_dict(_core.niche_preset(name))
        for key in knobs:
            v.choice("preset knob", key, _WORLD_KEYS)
        return replace(world, **knobs)

    @staticmethod
    def from_dict(data: Mapping[str, Any], where: str = "world") -> NicheWorld:
        """Build a world from plain data (the TOML layout); unknown keys fail.

        Examples
        --------
        >>> NicheWorld.from_dict({"niches": [{"name": "a"}],
        ...                       "actions": [{"name": "x", "ends": True}]}).niche_names
        ('a',)
        """
        _check_keys(where, data, _WORLD_KEYS)
        niches = [Niche(**_check_keys(f"niches[{i}]", n, _NICHE_KEYS)) for i, n in enumerate(data.get("niches", []))]
        actions = [
            Action(**_check_keys(f"actions[{i}]", a, _ACTION_KEYS)) for i, a in enumerate(data.get("actions", []))
        ]
        rest = {k: data[k] for k in _WORLD_KEYS[2:] if k in data}
        return NicheWorld(niches=niches, actions=actions, **rest)

    @staticmethod
    def from_toml(path: str | Path) -> NicheWorld:
        """Read a world from a TOML file (layout: see ``to_toml``).

        Examples
        --------
        >>> import tempfile, os
        >>> w = NicheWorld.preset()
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = os.path.join(d, "w.toml")
        ...     _ = w.to_toml(p)
        ...     NicheWorld.from_toml(p) == w
        True
        """
        with open(path, "rb") as f:
            return NicheWorld.from_dict(tomllib.load(f), where=str(path))

    def to_toml(self, path: str | Path | None = None) -> str:
        """The world as TOML text (written to ``path`` if given).

        Examples
        --------
        >>> print(NicheWorld.preset().to_toml().splitlines()[0])
        capacity = 1.0
        """
        lines = [
            f"capacity = {_toml(self.capacity)}",
            f"tradeoff = {_toml(self.tradeoff)}",
            f"requests_per_agent = {_toml(self.requests_per_agent)}",
            f"max_reroutes = {self.max_reroutes}",
        ]
        if self.time_budget is not None:
            lines.append(f"time_budget = {self.time_budget}")
        lines += [f"routing = {_toml(self.routing)}", f"shortlist = {self.shortlist}",
                  f"choose_by = {_toml(self.choose_by)}", f"decline_steps = {self.decline_steps}"]
        for n in self.niches:
            lines += ["", "[[niches]]", f"name = {_toml(n.name)}", f"demand = {_toml(n.demand)}",
                      f"patience = {_toml(n.patience)}", f"max_steps = {n.max_steps}"]
            for action, values in n.overrides.items():
                lines.append(f"[niches.overrides.{_toml(action)}]")
                lines += [f"{k} = {_toml(x)}" for k, x in values.items()]
        for a in self.actions:
            lines += ["", "[[actions]]"] + [f"{k} = {_toml(getattr(a, k))}" for k in _ACTION_KEYS]
        text = "\n".join(lines) + "\n"
        if path is not None:
            Path(path).write_text(text)
        return text

    # --- views -------------------------------------------------------------

    @property
    def niche_names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.niches)

    @property
    def action_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.actions)

    @property
    def genome_width(self) -> int:
        """Genes per agent: K x A action logits, then K skill logits."""
        return len(self.niches) * (len(self.actions) + 1)

    @property
    def gene_names(self) -> tuple[str, ...]:
        """The genes in genome order, as snapshot tables name their columns."""
        return tuple(f"gene{i}" for i in range(self.genome_width))

    def niche_index(self, niche: str | int) -> int:
        """Index of a niche given by name or index."""
        if isinstance(niche, str):
            return self.niche_names.index(v.choice("niche", niche, self.niche_names))
        return v.integer("niche", niche, 0, len(self.niches) - 1)

    def outcome(self, niche: str | int, action: str) -> dict[str, float]:
        """An action's numbers in a niche, overrides applied.

        Examples
        --------
        >>> w = NicheWorld.preset()
        >>> w.outcome("niche0", "partial")["follow_up"]
        0.6
        """
        n = self.niches[self.niche_index(niche)]
        a = self.actions[self.action_names.index(v.choice("action", action, self.action_names))]
        return _outcome(n, a)

    def genome(self, action_logits: Any = None, skill_logits: Any = None) -> np.ndarray:
        """A genome row from logits: ``action_logits`` of shape (K, A) or (A,)
        (the same policy in every niche), ``skill_logits`` of shape (K,).

        Examples
        --------
        >>> NicheWorld.preset().genome(action_logits=[5, 0, 0, 0, 0]).shape
        (24,)
        """
        k, a = len(self.niches), len(self.actions)
        acts = np.zeros((k, a)) if action_logits is None else v.array("action_logits", action_logits)
        if acts.shape == (a,):
            acts = np.tile(acts, (k, 1))
        if acts.shape != (k, a):
            raise ConfigError(f"action_logits has shape {acts.shape}: expected ({k}, {a}) or ({a},)")
        skills = np.zeros(k) if skill_logits is None else v.array("skill_logits", skill_logits)
        if skills.shape != (k,):
            raise ConfigError(f"skill_logits has shape {skills.shape}: expected ({k},)")
        g = np.concatenate([acts.ravel(), skills])
        if not np.all(np.isfinite(g)):
            raise ConfigError("genome is invalid: expected finite logits")
        return g

    def _tables(self) -> dict[str, Any]:
        """The flat tables the core takes."""
        rows = [_outcome(n, a) for n in self.niches for a in self.actions]
        return {
            "demand": [n.demand for n in self.niches],
            "patience": [n.patience for n in self.niches],
            "max_steps": [n.max_steps for n in self.niches],
            "ends": [a.ends for a in self.actions],
            "skilled": [a.skilled for a in self.actions],
            "reroute": [a.reroute for a in self.actions],
            "fail_ends": [a.fail_ends for a in self.actions],
            **{f: [r[f] for r in rows] for f in OVERRIDABLE},
            "capacity": self.capacity,
            "tradeoff": self.tradeoff,
            "requests_per_agent": self.requests_per_agent,
            "max_reroutes": self.max_reroutes,
            "time_budget": self.time_budget,
            "routing": self.routing,
            "shortlist": self.shortlist,
            "choose_by": self.choose_by,
            "decline_steps": self.decline_steps,
            "niche_labels": [repr(n.name) for n in self.niches],
            "action_labels": [repr(a.name) for a in self.actions],
        }

    # --- evolution -----------------------------------------------------------

    def _evolve(
        self,
        run: Run,
        *,
        initial: Any = None,
        initial_spread: float = 0.0,
        entropy_bonus: float = 0.0,
        specialist_threshold: float = 0.5,
        lifetime: Any = None,
        **unknown: Any,
    ) -> NicheResult:
        """Called by ``replicators.evolve``; the NicheWorld options are:

        initial
            Initial genomes: a row of ``genome_width`` logits (every agent)
            or an array (population, genome_width). Default: all zeros (the
            uniform policy, equal skill weights).
        initial_spread
            Standard deviation of Gaussian noise added to every initial gene.
        entropy_bonus
            alpha >= 0: adds alpha * H(pi(.|niche)) per step to the fitness.
        specialist_threshold
            Specialisation index (1 - H(w)/ln K) below which an agent counts
            as a generalist persona (default 0.5).
        lifetime
            ``replicators.learn.Learn(...)``: every individual learns inside
            its lifetime before it serves the generation (population-based
            training, SPEC 5; ``replicators.learn.lifetime``). Default: none.
        """
        reject_unknown(self, unknown, OPTIONS)
        # Learn lives in replicators.learn, a layer above the worlds: it is
        # known by the method it brings, not imported.
        if lifetime is not None and not callable(getattr(lifetime, "_lifetime", None)):
            raise invalid("lifetime", lifetime, "replicators.learn.Learn(...) or None")
        args = run.core(self.genome_width, FITNESS, initial=initial, initial_spread=initial_spread)
        options = {
            "entropy_bonus": v.law("entropy_bonus", "entropy_bonus", entropy_bonus),
            "specialist_threshold": v.law("specialist_threshold", "specialist_threshold", specialist_threshold),
        }
        raw = _core.niche_evolve(self._tables(), **args, **options,
                                 lifetime=None if lifetime is None else lifetime._lifetime())
        if lifetime is not None:
            options["lifetime"] = lifetime
        config = run.config(initial=initial, initial_spread=args["initial_spread"], **options)
        return NicheResult._from_core(self, raw, config)


def _toml(x: object) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ConfigError(f"{x!r} cannot be written to TOML: expected a finite number")
        return repr(x)
    return json.dumps(str(x))
