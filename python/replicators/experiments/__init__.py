"""Experiments: named, seeded sweeps that return tidy polars tables.

``connect4_pressure``: Connect Four knockout pressure x fitness.
"""

from . import connect4_pressure

__all__ = ["connect4_pressure"]
