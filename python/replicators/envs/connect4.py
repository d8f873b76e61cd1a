"""A PettingZoo AEC environment of Connect Four on the project's engine.

Two agents, ``player_0`` (moves first, ``X``) and ``player_1``, alternate;
every rule (legal moves, four in a row, the draw at 42 plies) is the
engine's (``replicators.connect4.Position``), so the environment agrees
with the engine move for move. Spaces follow PettingZoo's own
``connect_four_v3``: an action is a column 0-6; an observation is a dict
of ``observation``, int8 (6, 7, 2), plane 0 the observing agent's stones and
plane 1 the opponent's, row 0 the top row, and ``action_mask``, int8 (7,), 1
for the legal columns. Rewards: +1 the winner, -1 the loser, 0 each on a
draw, given on the last move. An illegal column raises ``ConfigError``
(wrap the environment in PettingZoo's ``TerminateIllegalWrapper`` to make
it a loss instead).

Examples
--------
>>> env = ConnectFourEnv()
>>> env.reset(seed=0)
>>> for column in (3, 3, 4, 4, 5, 5, 6):
...     env.step(column)
>>> env.rewards, env.position.winner()
({'player_0': 1, 'player_1': -1}, 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import AECEnv
from pettingzoo.utils import AgentSelector

from ..errors import invalid
from ..worlds.connect4.engine import Position

__all__ = ["ConnectFourEnv"]

ROWS, COLUMNS = 6, 7


class ConnectFourEnv(AECEnv):
    """Connect Four for two agents (see the module docs).

    Parameters
    ----------
    render_mode
        ``None`` or ``"ansi"`` (``render()`` returns the engine's diagram).
    """

    metadata: dict[str, Any] = {"render_modes": ["ansi"], "name": "replicators_connect_four_v0",
                                "is_parallelizable": False}

    def __init__(self, render_mode: str | None = None) -> None:
        super().__init__()
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise invalid("render_mode", render_mode, f"None or one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        self.possible_agents = ["player_0", "player_1"]
        self.agents = self.possible_agents[:]
        self.action_spaces = {a: spaces.Discrete(COLUMNS) for a in self.possible_agents}
        self.observation_spaces = {
            a: spaces.Dict({
                "observation": spaces.Box(low=0, high=1, shape=(ROWS, COLUMNS, 2), dtype=np.int8),
                "action_mask": spaces.Box(low=0, high=1, shape=(COLUMNS,), dtype=np.int8),
            })
            for a in self.possible_agents
        }
        self.position = Position()

    def observation_space(self, agent: str) -> spaces.Space:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:
        return self.action_spaces[agent]

    def observe(self, agent: str) -> dict[str, np.ndarray]:
        """``agent``'s view: its stones in plane 0, the opponent's in plane 1."""
        me = "X" if agent == self.possible_agents[0] else "O"
        rows = self.position.diagram().splitlines()
        board = np.array([list(r) for r in rows])
        planes = np.stack([board == me, (board != me) & (board != ".")], axis=-1).astype(np.int8)
        mask = np.zeros(COLUMNS, dtype=np.int8)
        if agent == self.agent_selection:
            mask[[c - 1 for c in self.position.legal_moves()]] = 1
        return {"observation": planes, "action_mask": mask}

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        """The empty board, ``player_0`` to move (the game has no randomness:
        ``seed`` only seeds the action spaces' samplers)."""
        if seed is not None:
            for i, a in enumerate(self.possible_agents):
                self.action_spaces[a].seed(seed + i)
        self.position = Position()
        self.agents = self.possible_agents[:]
        self.rewards = {a: 0 for a in self.agents}
        self._cumulative_rewards = {a: 0 for a in self.agents}
        self.terminations = {a: False for a in self.agents}
        self.truncations = {a: False for a in self.agents}
        self.infos = {a: {} for a in self.agents}
        self._selector = AgentSelector(self.agents)
        self.agent_selection = self._selector.reset()

    def step(self, action: Any) -> None:
        """Drop the current agent's stone in column ``action`` (0-6)."""
        if self.terminations[self.agent_selection] or self.truncations[self.agent_selection]:
            self._was_dead_step(action)
            return
        legal = [c - 1 for c in self.position.legal_moves()]
        if isinstance(action, bool) or not isinstance(action, int | np.integer) or int(action) not in legal:
            raise invalid("action", action, f"a legal column (0-6): {legal}")
        agent = self.agent_selection
        self._cumulative_rewards[agent] = 0
        self.position = self.position.play(int(action) + 1)
        winner = self.position.winner()
        self.rewards = {a: 0 for a in self.agents}
        if winner is not None:
            if winner:
                won = self.possible_agents[winner - 1]
                self.rewards = {a: 1 if a == won else -1 for a in self.agents}
            self.terminations = {a: True for a in self.agents}
        self.agent_selection = self._selector.next()
        self._accumulate_rewards()
        if self.render_mode == "ansi":
            self.render()

    def render(self) -> str | None:
        if self.render_mode is None:
            return None
        return self.position.diagram()

    def close(self) -> None:
        pass
