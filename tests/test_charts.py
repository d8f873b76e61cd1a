"""Every chart renders to PNG (vl-convert, no browser) from real results."""

from __future__ import annotations

import json

import polars as pl
import pytest
import replicators as r
from replicators import charts
from replicators.errors import ConfigError
from replicators.experiments import goodhart, phase_diagram, sum_vs_rate
from replicators.experiments.phase_diagram import divergence
from replicators.io.report import save_png

TINY = {"population": 60, "generations": 5, "seeds": 2}
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def svr():
    return sum_vs_rate(pressures=(0.0, 1.0), **TINY)


def _png(chart, tmp_path, name):
    path = save_png(chart, tmp_path / f"{name}.png", scale=1.0)
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 1000
    return data


def test_trajectories_have_a_generation_brush(svr, tmp_path):
    chart = charts.trajectories(svr, ["gold_per_need", "episode_length"], width=120, height=60)
    spec = json.dumps(chart.to_dict())
    assert '"generations"' in spec and '"interval"' in spec
    _png(chart, tmp_path, "trajectories")
    res = r.evolve(r.NicheWorld.preset(), population=40, generations=4, fitness="rate")
    _png(charts.trajectories(res, ["gold_per_need"], width=100, height=50), tmp_path, "one_run")


def test_a_spec_carries_its_rows_and_is_the_same_in_any_process():
    """Inline rows skip altair's value-by-value walk (``charts._data._Rows``):
    the spec must still hold every row, and a chart with a selection must
    get the same view names (hashed from its text) in a fresh process."""
    import subprocess
    import sys

    code = ("import json, replicators as r; from replicators import charts; "
            "res = r.evolve(r.NicheWorld.preset(), population=40, generations=6, fitness='rate', seed=3); "
            "print(json.dumps(charts.trajectories(res, ['gold_per_need']).to_dict(validate=True)))")
    specs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
             for _ in range(2)]
    assert specs[0] == specs[1]
    spec = json.loads(specs[0])
    rows = [v for part in spec["vconcat"] for v in part.get("data", {}).get("values", [])]
    assert {row["generation"] for row in rows} == set(range(6)) and all("value" in row for row in rows)
    assert "view_" in specs[0]
    # In process, the rows still read as a list.
    res = r.evolve(r.NicheWorld.preset(), population=40, generations=3, fitness="rate", seed=3)
    values = charts.persona_shares(res).data.values
    assert len(values) == len(list(values)) > 0 and isinstance(values[0], dict) and "share" in values[0]


def test_persona_shares(svr, tmp_path):
    chart = charts.persona_shares(svr, where={"pressure": 1.0}, facet="fitness", width=100, height=60)
    _png(chart, tmp_path, "personas")
    res = r.evolve(r.NicheWorld.preset(), population=40, generations=4, fitness="rate")
    _png(charts.persona_shares(res, width=100, height=60), tmp_path, "personas_one")
    with pytest.raises(ConfigError, match="where"):
        charts.persona_shares(svr, where={"pressure": 9.0})


def test_phase_heatmap_and_divergence(tmp_path):
    res = phase_diagram(engage_proxy=(0.0, 0.5), patience=(0.5, 0.9), **TINY)
    _png(charts.phase_heatmap(res, "episode_length", width=80, height=80), tmp_path, "phase")
    d = divergence(res, "gold_per_need")
    _png(charts.phase_heatmap(d, facet=None, width=80, height=80), tmp_path, "divergence")


def test_gold_vs_kl(tmp_path):
    res = goodhart(capacities=(0.5, 1.0), **TINY)
    _png(charts.gold_vs_kl(res, width=100, height=80), tmp_path, "goodhart")
    one = r.evolve(r.NicheWorld.preset(), population=40, generations=4, fitness="sum")
    _png(charts.gold_vs_kl(one, width=100, height=80), tmp_path, "goodhart_one")


def test_summary_panel(svr, tmp_path):
    chart = charts.summary_panel(svr, width=100, height=60)
    _png(chart, tmp_path, "summary")
    panels = chart.to_dict()["concat"]
    # One panel per measure (no empty slot), each y axis titled in words.
    assert [p["layer"][0]["encoding"]["y"]["title"] for p in panels] == [
        "gold per need", "episode length (steps)", "farming share of steps", "effective personas"]


def _colors(spec, found=None):
    """Every (field, value) -> colour pair of every colour scale in a spec."""
    found = {} if found is None else found
    if isinstance(spec, dict):
        color = spec.get("color")
        if isinstance(color, dict) and "scale" in color and "range" in color["scale"]:
            field = color.get("title")
            for v, c in zip(color["scale"]["domain"], color["scale"]["range"]):
                found.setdefault((field, v), set()).add(c)
        for x in spec.values():
            _colors(x, found)
    elif isinstance(spec, list):
        for x in spec:
            _colors(x, found)
    return found


def test_a_fitness_mode_has_one_colour_in_every_chart(svr):
    """The summary, the trajectories and gold-vs-KL encode fitness with the
    same fixed colours, listed in the same order."""
    from replicators.charts import style

    specs = [charts.summary_panel(svr).to_dict(), charts.trajectories(svr, where={"pressure": 1.0}).to_dict(),
             charts.gold_vs_kl(svr, by=["fitness"]).to_dict()]
    seen = [_colors(s) for s in specs]
    for found in seen:
        fitness = {v: c for (field, v), c in found.items() if field == "fitness"}
        assert fitness == {m: {style.COLORS["fitness"][m]} for m in ("sum", "rate", "episode_rate")}, found
    legend = [s["concat"][0]["layer"][0]["encoding"]["color"]["scale"]["domain"] for s in specs[:1]]
    assert legend == [["sum", "rate", "episode_rate"]]


def test_persona_chart_shows_each_run_never_a_mean(svr):
    """One row per seed: a panel is one population, so shares that no run
    had cannot appear."""
    spec = charts.persona_shares(svr, where={"pressure": 1.0}, facet="fitness").to_dict()
    assert spec["facet"]["row"]["field"] == "seed" and spec["facet"]["column"]["field"] == "fitness"
    rows = spec["data"]["values"]
    totals = pl.DataFrame(rows).group_by("fitness", "seed", "generation").agg(pl.col("share").sum())
    assert totals["share"].is_between(0.999, 1.001).all()
    assert set(pl.DataFrame(rows)["seed"].to_list()) == set(svr.per_run["seed"].to_list())


def test_bad_data_is_named():
    with pytest.raises(ConfigError, match="missing"):
        charts.trajectories(pl.DataFrame({"x": [1]}))
    with pytest.raises(ConfigError, match="cells"):
        charts.summary_panel(object())
