"""The rankings folder as a store: planned writes, duplicates, refusal to overwrite, replace, catalogs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evals.errors import InputError
from routing.rankings import store
from routing.rankings.catalog import parse_catalog
from routing.rankings.records import LEADERBOARD_URL, RankingRow, RankingSnapshot, SnapshotMeta


def snap(day: str, *tokens: int) -> RankingSnapshot:
    rows = [
        RankingRow(rank=i, slug=f"a/m{i}", permaslug=f"a/m{i}", total_tokens=t)
        for i, t in enumerate(tokens, 1)
    ]
    return RankingSnapshot(
        date=date.fromisoformat(day), rows=rows, meta=SnapshotMeta(source_url=LEADERBOARD_URL)
    )


def test_new_unchanged_refused_and_replaced(tmp_path: Path) -> None:
    week = snap("2026-05-04", 10, 5)
    (plan,) = store.write(store.plan_snapshots([(Path("a.json"), week)], tmp_path))
    assert plan.action == "new" and plan.path == tmp_path / "2026-05-04.json"
    (again,) = store.plan_snapshots([(Path("a.json"), week)], tmp_path)
    assert again.action == "unchanged"
    smaller = snap("2026-05-04", 10)
    with pytest.raises(InputError) as err:
        store.plan_snapshots([(Path("b.json"), smaller)], tmp_path)
    assert err.value.path == "b.json" and "week 2026-05-04 (2 rows" in err.value.message
    (replace,) = store.write(store.plan_snapshots([(Path("b.json"), smaller)], tmp_path, replace=True))
    assert replace.action == "replace" and replace.replaces == "week 2026-05-04 (2 rows, as of unknown)"
    assert "1 rows" in replace.what


def test_a_week_twice_in_one_batch_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="given twice"):
        store.plan_snapshots(
            [(Path("a.json"), snap("2026-05-04", 1)), (Path("b.json"), snap("2026-05-04", 2))], tmp_path
        )
    assert list(tmp_path.iterdir()) == []


def test_catalogs_are_stored_as_received_and_loaded_by_date(tmp_path: Path) -> None:
    text = '{"data": [{"id": "a/x", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]}'
    catalog = parse_catalog({"data": [{"id": "a/x", "pricing": {}}]}, "c.json")
    store.write(store.plan_catalog("c.json", text, catalog, tmp_path, "2026-08-19"))
    assert (tmp_path / "catalog" / "models-2026-08-19.json").read_text() == text
    (loaded,) = store.load_catalogs(tmp_path)
    assert loaded.as_of == "2026-08-19" and loaded.models["a/x"].prompt_price_per_mtok == 1.0
    with pytest.raises(InputError, match="--replace"):
        store.plan_catalog("d.json", text.replace("0.000001", "0.000003"), catalog, tmp_path, "2026-08-19")
