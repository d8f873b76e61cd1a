"""``phase_diagram``: where do sum and rate part ways?

Grid: the proxy reward of the engagement action x user patience (set in
every niche) x fitness {sum, rate}, on the ``assistant`` preset at one
selection pressure. Engagement pays ``engage_proxy`` per step and keeps
the user; patience says how long the user stays. ``divergence`` pairs the
runs of the two fitness modes seed by seed (they share random numbers) and
gives the difference of a measure, rate minus sum, with a 95% interval: the
map of where the objectives disagree.

Examples
--------
>>> from replicators.experiments.phase_diagram import phase_diagram, divergence
>>> res = phase_diagram(engage_proxy=(0.1, 0.5), patience=(0.5, 0.9), population=60,
...                     generations=4, seeds=2)
>>> res.per_run.height
16
>>> divergence(res, "gold_per_need").columns
['engage_proxy', 'patience', 'metric', 'n', 'mean', 'sd', 'stderr', 'low', 'high']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import polars as pl

from .. import _validate as v
from ..worlds.niche.world import FITNESS, NicheWorld
from ..selection import Mutation, Proportional
from .niche_runs import base_world, measure
from .._callable import callable_module
from ..sweeps import Progress, Sizes, SweepResult, interval, levels, sweep

__all__ = ["phase_diagram", "divergence", "engagement_world"]


def engagement_world(world: NicheWorld, engage_proxy: float, patience: float, action: str = "engage") -> NicheWorld:
    """``world`` with ``action``'s proxy set to ``engage_proxy`` (overrides
    dropped for it) and every niche's patience set to ``patience``.

    Examples
    --------
    >>> w = engagement_world(NicheWorld.preset(), 0.5, 0.7)
    >>> w.outcome("niche2", "engage")["proxy"], w.niches[2].patience
    (0.5, 0.7)
    """
    v.choice("action", action, world.action_names)
    actions = [replace(a, proxy=engage_proxy) if a.name == action else a for a in world.actions]
    niches = [
        replace(n, patience=patience, overrides={a: o for a, o in n.overrides.items() if a != action})
        for n in world.niches
    ]
    return replace(world, actions=actions, niches=niches)


def phase_diagram(
    *,
    engage_proxy: Sequence[float] = (0.0, 0.25, 0.5, 0.75, 1.0),
    patience: Sequence[float] = (0.5, 0.7, 0.8, 0.9, 0.95),
    fitness: Sequence[str] = ("sum", "rate"),
    pressure: float = 1.0,
    action: str = "engage",
    world: NicheWorld | None = None,
    population: int = 500,
    generations: int = 150,
    seeds: int = 2,
    seed: int = 0,
    threads: int | None = None,
    mutation: Mutation | None = None,
    progress: Progress = False,
) -> SweepResult:
    """Run the engagement x patience grid for each fitness mode.

    Parameters
    ----------
    engage_proxy
        Proxy rewards per step of ``action`` (numbers).
    patience
        User patience levels, probabilities in [0, 1].
    fitness
        Fitness modes (default sum and rate).
    pressure
        Selection pressure (``Proportional``).
    action, world
        The engagement action and the base world (default: ``assistant``).
    population, generations, seeds, seed, threads, mutation, progress
        Sizes, as in ``sum_vs_rate``.
    """
    sizes = Sizes(population=population, generations=generations, seeds=seeds, seed=seed,
                  threads=threads, mutation=mutation or Sizes().mutation)
    engage = [v.number("engage_proxy", x) for x in levels("engage_proxy", engage_proxy)]
    patiences = [v.probability("patience", x) for x in levels("patience", patience)]
    fitness = [v.choice("fitness", f, FITNESS) for f in levels("fitness", fitness)]
    selection = Proportional(pressure=v.at_least("pressure", pressure, 0.0))
    base = base_world(world)
    v.choice("action", action, base.action_names)

    def build(cell: dict[str, Any]) -> tuple[NicheWorld, dict[str, Any]]:
        w = engagement_world(base, cell["engage_proxy"], cell["patience"], action)
        return w, {**sizes.evolve_kwargs(), "fitness": cell["fitness"], "selection": selection}

    return sweep(
        {"fitness": fitness, "engage_proxy": engage, "patience": patiences}, build,
        seeds=sizes.seeds, seed=sizes.seed, measure=measure, threads=sizes.threads, progress=progress,
        name="phase_diagram",
        config={**sizes.config(), "pressure": selection.pressure, "action": action, "world": base.to_toml()},
    )


def divergence(result: SweepResult, metric: str, *, a: str = "rate", b: str = "sum") -> pl.DataFrame:
    """Per (engage_proxy, patience): ``metric`` under fitness ``a`` minus under
    ``b``, paired by seed, with a 95% interval over seeds."""
    pr = result.per_run
    v.choice("metric", metric, [c for c in pr.columns if pr.schema[c].is_float()])
    for f in (a, b):
        v.choice("fitness", f, pr["fitness"].unique().to_list())
    keys = ["engage_proxy", "patience", "seed"]
    left = pr.filter(pl.col("fitness") == a).select(*keys, x=pl.col(metric))
    right = pr.filter(pl.col("fitness") == b).select(*keys, y=pl.col(metric))
    # Sorted: a join does not promise its rows' order, and each interval sums in row order.
    paired = left.join(right, on=keys).sort(keys).with_columns(d=pl.col("x") - pl.col("y"))
    rows = []
    for (e, p), sub in paired.group_by("engage_proxy", "patience", maintain_order=True):
        rows.append({"engage_proxy": e, "patience": p, "metric": f"{metric} ({a} - {b})",
                     **interval(sub["d"].to_list())})
    return pl.DataFrame(rows).sort("engage_proxy", "patience")


callable_module(__name__)
