"""Charts (altair) of results and sweeps: each a function of a result or a
DataFrame, interactive in Jupyter, saved as HTML with ``chart.save`` or as
PNG with ``replicators.io.report.save_png`` (vl-convert, no browser).

- ``trajectories``: measures against generation, with a generation brush.
- ``persona_shares``: persona shares as a stacked area.
- ``phase_heatmap``: a measure over two knobs (the phase diagram).
- ``gold_vs_kl``: gold and proxy against sqrt(KL from the initial policy).
- ``summary_panel``: measures against pressure per fitness mode, with intervals.
- ``connect4``: game length and immediate-win rate against knockout pressure.
- ``competition``: specialist shares against the ideal free distribution
  (``competition.ideal_free``) and the persona phase diagram
  (``competition.persona_phases``).

altair is imported when a chart is drawn (``pip install 'replicators[charts]'``).

Examples
--------
>>> import replicators as r
>>> from replicators import charts
>>> res = r.evolve(r.NicheWorld.preset(), population=40, generations=3, fitness="sum")
>>> charts.trajectories(res, ["gold_per_need"]).to_dict()["vconcat"][0]["mark"]["type"]
'line'
"""

from . import competition, connect4
from .goodhart import gold_vs_kl
from .personas import persona_shares
from .phase import phase_heatmap
from .summary import summary_panel
from .generations import trajectories

__all__ = ["competition", "connect4", "gold_vs_kl", "persona_shares", "phase_heatmap", "summary_panel", "trajectories"]
