"""The README's figures agree with the results files they cite: every block
``<!-- figures:NAME -->`` is what ``benches/figures.py`` generates from the
committed ``benches/results/*.json``, and ``benches/results/demo.json`` is
what the demo computes today."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("figures", ROOT / "benches" / "figures.py")
figures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(figures)


def test_every_figures_block_matches_its_results_file():
    text = (ROOT / "README.md").read_text()
    assert text == figures.render(text), "README figures differ from benches/results: run python benches/figures.py"
    for name in figures.BLOCKS:
        assert f"<!-- figures:{name} -->" in text


def test_a_changed_result_is_caught(monkeypatch):
    text = (ROOT / "README.md").read_text()
    real = figures.load

    def shifted(name):
        d = real(name)
        if name == "connect4":
            d["results"]["replicators random, all cores"]["games_per_second"] *= 1.1
        return d

    monkeypatch.setattr(figures, "load", shifted)
    assert figures.render(text) != text


def test_the_committed_demo_figures_are_what_the_demo_computes():
    """The demo's sum_vs_rate grid at the sizes demo.json records, run again:
    the same numbers (same seeds, any thread count)."""
    from replicators.experiments import sum_vs_rate

    demo = json.loads((ROOT / "benches" / "results" / "demo.json").read_text())
    s = demo["sizes"]
    res = sum_vs_rate(population=s["population"], generations=s["generations"], seeds=s["seeds"], seed=0)
    want = pl.DataFrame(demo["cells"])
    got = res.cells.join(want.select("fitness", "pressure", "metric"), on=["fitness", "pressure", "metric"])
    assert got.height == want.height
    both = got.join(want, on=["fitness", "pressure", "metric"], suffix="_committed")
    for col in ("mean", "low", "high"):
        diff = (both[col] - both[f"{col}_committed"]).abs().max()
        assert diff is not None and diff < 1e-9, (col, diff)


@pytest.mark.parametrize("name", sorted(figures.BLOCKS))
def test_each_block_renders_from_the_committed_files(name):
    out = figures.BLOCKS[name]()
    assert out.strip() and "nan" not in out.lower()
