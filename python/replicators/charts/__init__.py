"""Charts (altair, imported lazily by each function) for the experiments.

``connect4``: game length and immediate-win rate against knockout pressure.
"""

from . import connect4

__all__ = ["connect4"]
