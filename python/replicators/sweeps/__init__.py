"""Sweeps: a grid of cells x seeds of runs, on this machine or a Ray cluster.

- ``runner``: ``sweep`` itself, the runners it drives (``EVOLVE``,
  ``LEARN``), the size knobs experiments share, and ``execution``, the
  settings of the sweeps inside a block.
- ``run``: one run, wherever it runs, turned into its tables.
- ``result``: ``SweepResult`` and the statistics of its ``cells`` table.
- ``local``: runs in parallel on worker threads, workers and threads chosen.
- ``cluster``: runs as Ray tasks (optional extra ``replicators[ray]``).
- ``store``: finished runs kept in the results folder, for a resume.
"""

from .result import SweepResult, interval, t_quantile
from .runner import (BACKENDS, EVOLVE, LEARN, Execution, Progress, Runner, Sizes, execution, levels,
                     sweep)

__all__ = ["sweep", "execution", "Execution", "Runner", "EVOLVE", "LEARN", "BACKENDS", "Sizes", "levels",
           "SweepResult", "t_quantile", "interval", "Progress"]
