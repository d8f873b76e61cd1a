"""Persona analysis on NicheWorld results."""

from __future__ import annotations

import polars as pl
import pytest
import replicators as r
from replicators import personas
from replicators.errors import ConfigError


@pytest.fixture(scope="module")
def result():
    return r.evolve(r.NicheWorld.preset(tradeoff=2.0), population=300, generations=30, fitness="rate",
                    selection=r.Proportional(pressure=1.0), mutation=r.Mutation(rate=0.2, scale=0.3),
                    snapshots=[29], seed=5)


def test_summary_agrees_with_the_core(result):
    s = personas.summary(result)
    h = result.history
    assert s["effective_personas"].to_list() == pytest.approx(h["effective_personas"].to_list())
    # In the assistant preset the farmer actions are engage, flatter and partial.
    farming = h["share_engage"] + h["share_flatter"] + h["share_partial"]
    assert s["farming_share"].to_list() == pytest.approx(farming.to_list())
    assert s["decliner_steps"].to_list() == pytest.approx(h["share_decline"].to_list())
    agents = s["helper_agents"] + s["farmer_agents"] + s["decliner_agents"]
    assert agents.to_list() == pytest.approx([1.0] * s.height)


def test_labels_match_the_shares_at_a_snapshot(result):
    lab = personas.labels(result, 29)
    counts = lab.group_by("persona").len().with_columns(share=pl.col("len") / lab.height)
    at = personas.shares(result).filter(pl.col("generation") == 29, pl.col("share") > 0)
    got = dict(zip(at["persona"], at["share"], strict=True))
    assert got == pytest.approx(dict(zip(counts["persona"], counts["share"], strict=True)))


def test_coverage_counts_specialist_helpers(result):
    c = personas.coverage(result, min_share=0.1)
    last = c.filter(pl.col("generation") == 29)
    assert last["demand"].sum() == pytest.approx(1.0)
    assert last["covered"].to_list() == (last["specialists"] >= 0.1).to_list()
    s = personas.summary(result, min_share=0.1).filter(pl.col("generation") == 29)
    assert s["niche_coverage"][0] == pytest.approx((last["demand"] * last["covered"]).sum())


def test_behaviours_follow_the_numbers_and_overrides():
    w = r.NicheWorld.preset()
    niches = [r.Niche(name="a", overrides={"partial": {"gold": 0.8}}), r.Niche(name="b")]
    w2 = r.NicheWorld(niches=niches, actions=w.actions)
    b = personas.action_behaviours(w2)
    kind = {(n, a): k for n, a, k, _ in b.iter_rows()}
    assert kind["a", "partial"] == "helper" and kind["b", "partial"] == "farmer"
    assert kind["a", "decline"] == "decliner" and kind["a", "solve"] == "helper"
    farming = {(n, a): f for n, a, _, f in b.iter_rows()}
    assert farming["b", "partial"] == "returning" and farming["a", "partial"] == "none"
    assert farming["b", "engage"] == farming["b", "flatter"] == "lengthening"


def test_farming_splits_into_lengthening_and_returning_steps():
    res = r.evolve(r.NicheWorld.preset(), population=300, generations=3, fitness="sum", seed=4, initial_spread=1.0)
    s = personas.summary(res)
    steps = res.actions.group_by("generation", "action").agg(pl.col("steps").sum())
    for g in range(3):
        at = {a: n for _, a, n in steps.filter(pl.col("generation") == g).iter_rows()}
        total = sum(at.values())
        row = s.filter(pl.col("generation") == g).row(0, named=True)
        assert row["lengthening_share"] == pytest.approx((at["engage"] + at["flatter"]) / total)
        assert row["returning_share"] == pytest.approx(at["partial"] / total)
        # In the preset every farmer action is one or the other.
        assert row["farming_share"] == pytest.approx(row["lengthening_share"] + row["returning_share"])


def test_effective_number():
    assert personas.effective_number([1, 1, 1, 1]) == pytest.approx(4.0)
    assert personas.effective_number([3, 0]) == pytest.approx(1.0)
    with pytest.raises(ConfigError, match="shares"):
        personas.effective_number([0, 0])
