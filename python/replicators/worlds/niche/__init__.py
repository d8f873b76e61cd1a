"""NicheWorld (SPEC 1): assistants that replicate on the sum or the rate of their reward.

``world``
    ``Niche``, ``Action`` and ``NicheWorld``: the world as data (Python,
    TOML, the ``assistant`` preset), and its ``evolve`` hook.
``result``
    ``NicheResult``: the tables ``evolve`` returns.
``personas``
    persona labels and the analyses built on them.
``analytic``
    the exact evaluator (absorbing-chain algebra), no simulation.

Examples
--------
>>> from replicators.worlds.niche import NicheWorld
>>> NicheWorld.preset().niche_names
('niche0', 'niche1', 'niche2', 'niche3')
"""

from . import analytic, personas
from .result import NicheResult
from .world import FITNESS, OVERRIDABLE, Action, Niche, NicheWorld

__all__ = ["Action", "FITNESS", "Niche", "NicheResult", "NicheWorld", "OVERRIDABLE", "analytic", "personas"]
