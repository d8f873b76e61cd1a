"""Gymnasium environments of one assistant's episodes in a NicheWorld.

An episode is one fresh request (SPEC 1): its niche is drawn by demand,
then the assistant acts step by step until the action ends it, the user
leaves (chance 1 - patience after each step that does not end it) or the
niche's ``max_steps`` cuts it (``truncated``). Observation: ``[niche,
step]`` (steps taken so far in the episode), ``MultiDiscrete([K,
max_steps + 1])``; action: an index into ``world.action_names``; reward:
the action's proxy (its failure proxy when a skilled action fails its
skill check). ``info`` carries what the reward does not: ``gold``,
``solved``, ``failed`` and ``follow_up`` (whether the user will come back
with a new request; follow-ups are drawn, never served: an episode here is
one visit, and a decline just ends it).

The law is the Rust core's (``envs::assistant``), the generation's own step
table, so a fixed policy's mean return is the exact evaluator's
``proxy`` (``replicators.analytic.evaluate``). Episode e of an
environment seeded s draws only from its own stream (s, e):
``AssistantVectorEnv`` env i seeded ``seed + i`` plays the same episodes as
``AssistantEnv`` seeded ``seed + i``, at any batch size and thread count.

The assistant's skill (chance that a skilled action succeeds) is per
niche: ``skill=`` a sequence, default the world's skill at equal skill
weights (capacity x (1/K)^tradeoff), as an agent with zero skill logits.

Examples
--------
>>> import numpy as np, replicators as r
>>> envs = AssistantVectorEnv(r.NicheWorld.preset(), num_envs=4)
>>> obs, info = envs.reset(seed=0)
>>> obs, reward, terminated, truncated, info = envs.step(np.zeros(4, dtype=np.int64))
>>> obs.shape, reward.dtype, sorted(info)[:2]
((4, 2), dtype('float64'), ['_failed', '_follow_up'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from .. import _core
from .. import _validate as v
from ..errors import ConfigError, invalid
from ..worlds.niche.world import NicheWorld

__all__ = ["AssistantEnv", "AssistantVectorEnv"]

#: What ``info`` reports of each step besides the reward.
INFO = ("gold", "solved", "failed", "follow_up")
#: Seeds drawn when none is given are below this (the core takes 64 bits).
_SEEDS = 2**63


def _core_envs(world: object, count: int, skill: Sequence[float] | None) -> _core.AssistantEnvs:
    if not isinstance(world, NicheWorld):
        raise invalid("world", world, "a NicheWorld")
    if skill is not None:
        arr = v.array("skill", skill)
        if arr.shape != (len(world.niches),):
            raise ConfigError(f"skill has shape {arr.shape}: expected ({len(world.niches)},) (one chance per niche)")
        if not np.all((arr >= 0) & (arr <= 1)):
            raise invalid("skill", skill, "probabilities in [0, 1]")
        skill = arr.tolist()
    return _core.AssistantEnvs(world._tables(), count, skill)


def _spaces(core: _core.AssistantEnvs) -> tuple[spaces.MultiDiscrete, spaces.Discrete]:
    return spaces.MultiDiscrete([core.niches, core.max_steps + 1]), spaces.Discrete(core.actions)


class AssistantEnv(gym.Env):
    """One assistant's episodes in ``world`` (see the module docs).

    Parameters
    ----------
    world
        Any ``NicheWorld``.
    skill
        Per-niche chance that a skilled action succeeds (default: the
        world's skill at equal skill weights).
    """

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(self, world: NicheWorld, *, skill: Sequence[float] | None = None) -> None:
        self.world = world
        self._core = _core_envs(world, 1, skill)
        self.observation_space, self.action_space = _spaces(self._core)
        #: Per-niche chance that a skilled action succeeds (the exact evaluator's ``skill``).
        self.skill = np.array(self._core.skill)
        self._seeded = False

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """A new episode: the first of a new stream with ``seed``, else the next one."""
        super().reset(seed=seed)
        if seed is not None:
            niche, step = self._core.reset_one(0, v.seed("seed", seed))
        elif not self._seeded:
            niche, step = self._core.reset_one(0, int(self.np_random.integers(_SEEDS)))
        else:
            niche, step = self._core.reset_one(0)
        self._seeded = True
        return np.array([niche, step], dtype=np.int64), {"niche": self.world.niche_names[niche]}

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict]:
        """Take ``action`` (an index into ``world.action_names``)."""
        if not self._seeded or self._core.done(0):
            raise gym.error.ResetNeeded("the episode has ended (or never began): call reset()")
        if isinstance(action, bool) or not isinstance(action, int | np.integer) or not self.action_space.contains(int(action)):
            raise invalid("action", action, f"an action index in [0, {self.action_space.n})")
        out = self._core.step(np.array([action], dtype=np.int64))
        obs = out["obs"][0]
        info = {k: (float(out[k][0]) if k == "gold" else bool(out[k][0])) for k in INFO}
        return obs, float(out["proxy"][0]), bool(out["terminated"][0]), bool(out["truncated"][0]), info


class AssistantVectorEnv(VectorEnv):
    """``num_envs`` assistant environments of ``world`` stepped at once in the
    Rust core (GIL released, parallel for large batches), with Gymnasium's
    next-step autoreset: the step after an episode ends begins the next one
    (that step's action is ignored, its reward is 0).

    ``reset(seed=s)`` seeds env i with ``s + i`` (a list: one seed each).
    ``info`` holds ``gold``, ``solved``, ``failed``, ``follow_up`` arrays, with
    Gymnasium's ``_name`` masks.
    """

    metadata: dict[str, Any] = {"autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(self, world: NicheWorld, num_envs: int, *, skill: Sequence[float] | None = None) -> None:
        self.world = world
        self.num_envs = v.integer("num_envs", num_envs, 1, 2**31)
        # Per environment: its state (~72 B), a step's outputs in the core and
        # as numpy arrays (~2 x 40 B), the info masks.
        v.fits_in_memory("num_envs", self.num_envs, 200.0 * self.num_envs, f"{self.num_envs:,} environments")
        self._core = _core_envs(world, self.num_envs, skill)
        self.single_observation_space, self.single_action_space = _spaces(self._core)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        #: Per-niche chance that a skilled action succeeds (the exact evaluator's ``skill``).
        self.skill = np.array(self._core.skill)
        self._mask = np.ones(self.num_envs, dtype=bool)
        self._mask.flags.writeable = False

    def reset(self, *, seed: int | Sequence[int] | None = None,
              options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """Every environment at the first episode of a new stream."""
        if seed is None:
            seeds = self.np_random.integers(_SEEDS, size=self.num_envs).tolist()
        elif isinstance(seed, int | np.integer) and not isinstance(seed, bool):
            first = v.seed("seed", seed)
            seeds = [(first + i) % 2**64 for i in range(self.num_envs)]
        else:
            seeds = [v.seed("seed", s) for s in seed]
            if len(seeds) != self.num_envs:
                raise ConfigError(f"seed has {len(seeds)} entries: expected {self.num_envs} (one per environment)")
        if seed is not None:
            self._np_random, _ = gym.utils.seeding.np_random(seeds[0])
        niche, step = self._core.reset(seeds)
        return np.column_stack([niche, step]), {}

    def step(self, actions: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
        """Step every environment with its action (int array of ``num_envs``)."""
        arr = np.asarray(actions)
        if arr.shape != (self.num_envs,) or not np.issubdtype(arr.dtype, np.integer):
            raise invalid("actions", f"array of shape {arr.shape} and dtype {arr.dtype}",
                          f"integers of shape ({self.num_envs},)")
        out = self._core.step(np.ascontiguousarray(arr, dtype=np.int64))
        info: dict[str, Any] = {}
        for k in INFO:
            info[k], info[f"_{k}"] = out[k], self._mask
        return out["obs"], out["proxy"], out["terminated"], out["truncated"], info
