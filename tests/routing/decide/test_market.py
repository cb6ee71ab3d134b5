"""The board week by week with plain values, and price changes between two real catalog snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.decide.market import catalog_changes, fast_climbers, spearman, week_summaries
from routing.decide.series import model_weeks
from routing.rankings.catalog import parse_catalog
from routing.rankings.files import load_catalog
from tests.routing.decide.test_series import snap

HISTORY = (
    Path(__file__).resolve().parents[4] / "shared" / "data" / "openrouter" / "models-api-history" / "history"
)


def test_spearman() -> None:
    assert spearman(["a", "b", "c", "d"], ["a", "b", "c", "d"]) == 1.0
    assert spearman(["a", "b", "c", "d"], ["d", "c", "b", "a"]) == -1.0
    assert spearman(["a", "b", "c"], ["b", "a", "c"]) == pytest.approx(0.5)
    assert spearman(["a", "b", "x"], ["a", "b", "y"]) is None  # fewer than 3 in common


def test_week_summaries_entrants_exits_authors_families_stability() -> None:
    first = snap(0, [("acme/a", 500), ("acme/b", 300), ("beta/c", 150), ("beta/d", 50)])
    second = snap(1, [("acme/a", 600), ("beta/c", 200), ("acme/b", 100), ("gamma/e", 100)], market=2000)
    s0, s1 = week_summaries([first, second], settled_at=0.8)
    assert s0.entrants is None and s0.stability is None
    assert s1.entrants == ("gamma/e",) and s1.exits == ("beta/d",)
    assert s1.rank_correlation == pytest.approx(0.5) and s1.stability == "moving"
    assert s1.share_by_author == {"acme": 0.35, "beta": 0.1, "gamma": 0.05}  # of the market total
    assert s1.family_tokens == {"acme/a": 600, "beta/c": 200, "acme/b": 100, "gamma/e": 100}
    assert (s1.listed_tokens, s1.market_total_tokens, s1.as_of) == (1000, 2000, "w1")


def test_fast_climbers_of_the_latest_week() -> None:
    weeks = model_weeks([snap(0, [("a/x", 100), ("b/y", 100)]), snap(1, [("a/x", 150), ("b/y", 110)])], 0.2)
    assert [w.model for w in fast_climbers(weeks)] == ["a/x"]


def _catalog(prices: dict[str, str], as_of: str):
    data = [{"id": m, "pricing": {"prompt": p, "completion": "0.000001"}} for m, p in prices.items()]
    return parse_catalog({"data": data}, "c.json", as_of)


def test_catalog_changes_plain() -> None:
    old = _catalog({"a/x": "0.000001", "a/gone": "0.000001"}, "2024-01-01")
    new = _catalog({"a/x": "0.000002", "a/new": "0"}, "2024-02-01")
    changes = catalog_changes(old, new)
    (change,) = changes.price_changes
    assert (change.model, change.old_prompt, change.new_prompt, change.since, change.until) == (
        "a/x",
        1.0,
        2.0,
        "2024-01-01",
        "2024-02-01",
    )
    assert (changes.added, changes.removed) == (["a/new"], ["a/gone"])


@pytest.mark.skipif(not HISTORY.exists(), reason="shared data not present")
def test_real_price_change_between_two_history_snapshots() -> None:
    old = load_catalog(HISTORY / "openrouter_models_2024-08-01_cfa67d7.json")
    new = load_catalog(HISTORY / "openrouter_models_2024-08-02_bc21a9b.json")
    changes = catalog_changes(old, new)
    assert [(c.model, c.old_prompt, c.new_prompt) for c in changes.price_changes] == [
        ("mistralai/mistral-nemo", 0.18, 0.17)
    ]
    assert changes.added == changes.removed == []
