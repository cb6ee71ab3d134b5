"""Snapshot records, format detection, importers on the real shared files, snapshot folder, shipped data."""

from __future__ import annotations

import importlib.util
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from evals.errors import InputError
from routing.rankings.catalog import parse_catalog
from routing.rankings.files import (
    detect_format,
    dump_snapshot,
    import_file,
    load_catalog,
    load_snapshot,
    load_snapshots,
    save_snapshot,
)
from routing.rankings.records import (
    DATASET_URL,
    LEADERBOARD_URL,
    RankingRow,
    RankingSnapshot,
    SnapshotMeta,
    apply_catalog,
)

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "reports" / "rankings"
SHARED = ROOT.parent / "shared" / "data" / "openrouter"
WEEKLY = SHARED / "weekly-top10"
DAILY_SAMPLE = SHARED / "rankings-daily-shape" / "rankings_sample.json"
CATALOG = SHARED / "models-api-2026" / "openrouter_models_all.json"
needs_shared = pytest.mark.skipif(not WEEKLY.exists(), reason="shared data not present")


def _load_build_script():
    """scripts/ is not a package (it stays out of the wheel): load the maintainer script by path."""
    path = Path(__file__).resolve().parents[3] / "scripts" / "rankings_build.py"
    spec = importlib.util.spec_from_file_location("rankings_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_build_script()
SHIPPED_WEEKS, build_snapshots = _build.SHIPPED_WEEKS, _build.build_snapshots


def _row(rank: int, slug: str, tokens: int, **extra: object) -> RankingRow:
    return RankingRow(
        rank=rank, slug=slug, permaslug=extra.pop("permaslug", slug), total_tokens=tokens, **extra
    )


def _snapshot(day: str, *rows: RankingRow) -> RankingSnapshot:
    return RankingSnapshot(
        date=date.fromisoformat(day), rows=list(rows), meta=SnapshotMeta(source_url=LEADERBOARD_URL)
    )


# --- records ------------------------------------------------------------------------------------------


def test_snapshot_sorts_rows_and_rejects_duplicates() -> None:
    snap = _snapshot("2026-05-11", _row(2, "a/b", 5), _row(1, "c/d", 9))
    assert [r.rank for r in snap.rows] == [1, 2]
    with pytest.raises(ValidationError, match="rank 1 appears twice"):
        _snapshot("2026-05-11", _row(1, "a/b", 5), _row(1, "c/d", 9))
    with pytest.raises(ValidationError, match="appears twice"):
        _snapshot("2026-05-11", _row(1, "a/b", 5), _row(2, "a/b", 9))
    _snapshot("2026-05-11", _row(1, "a/b", 5), _row(2, "a/b", 9, permaslug="a/b:free", variant="free"))


def test_apply_catalog_fills_unknowns_and_rekeys_slugs() -> None:
    catalog = parse_catalog(
        {
            "data": [
                {
                    "id": "acme/renamed",
                    "canonical_slug": "acme/model-20260101",
                    "name": "Acme: Renamed",
                    "context_length": 64000,
                    "pricing": {"prompt": "0.000001", "completion": "0.000002"},
                    "supported_parameters": ["tools"],
                }
            ]
        },
        "models.json",
    )
    snap = _snapshot(
        "2026-05-11",
        _row(1, "acme/model", 10, permaslug="acme/model-20260101", prompt_price_per_mtok=0.5),
        _row(2, "other/x", 5),
    )
    enriched = apply_catalog(snap, catalog)
    first, second = enriched.rows
    assert (first.slug, first.name, first.context_length, first.supports_tools) == (
        "acme/renamed",
        "Acme: Renamed",
        64000,
        True,
    )
    assert (first.prompt_price_per_mtok, first.completion_price_per_mtok) == (0.5, 2.0)  # source price kept
    assert second.context_length is None and second.supports_tools is None
    assert "models.json" in (enriched.meta.note or "")


# --- files: save / load -------------------------------------------------------------------------------


def test_save_load_round_trip_is_byte_identical(tmp_path: Path) -> None:
    snap = _snapshot(
        "2026-05-11",
        _row(1, "a/b", 3_430_000_000_000, reported_change=0.66, prompt_price_per_mtok=0.14, name="Ünïcode"),
        _row(2, "c/d", 5, variant="free", permaslug="c/d:free"),
    )
    path = save_snapshot(snap, tmp_path / "rankings")
    assert path.name == "2026-05-11.json"
    first = path.read_bytes()
    loaded = load_snapshot(path)
    assert loaded == snap
    save_snapshot(loaded, tmp_path / "rankings")
    assert path.read_bytes() == first
    assert first == dump_snapshot(snap).encode("utf-8")
    assert list(json.loads(first)) == ["date", "meta", "rows"]  # sorted keys


def test_load_snapshots_sorted_and_ignores_subfolders(tmp_path: Path) -> None:
    for day in ("2026-05-11", "2026-04-27", "2026-05-04"):
        save_snapshot(_snapshot(day, _row(1, "a/b", 1)), tmp_path)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "junk.json").write_text("{", encoding="utf-8")
    assert [s.date.isoformat() for s in load_snapshots(tmp_path)] == [
        "2026-04-27",
        "2026-05-04",
        "2026-05-11",
    ]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("{", "line 1"),
        ("[]", None),
        ('{"date": "2026-05-11", "rows": [], "meta": {}}', "meta.source_url"),
        ('{"date": "2026-05-11", "rows": [{"rank": 1}], "meta": {"source_url": "u"}}', "rows.0.slug"),
        ('{"date": "2026-05-04", "rows": [], "meta": {"source_url": "u"}}', "date"),
    ],
)
def test_bad_snapshot_file_names_file_and_field(tmp_path: Path, content: str, field: str | None) -> None:
    save_snapshot(_snapshot("2026-05-04", _row(1, "a/b", 1)), tmp_path)
    bad = tmp_path / "2026-05-11.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_snapshots(tmp_path)
    assert (err.value.path, err.value.field) == (str(bad), field)


def test_missing_rankings_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_snapshots(tmp_path / "nope")


# --- format detection and import_file -----------------------------------------------------------------


def test_unknown_and_unreadable_files(tmp_path: Path) -> None:
    unknown = tmp_path / "x.json"
    unknown.write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="unrecognised rankings format") as err:
        import_file(unknown)
    assert err.value.path == str(unknown)
    with pytest.raises(InputError, match="file not found"):
        import_file(tmp_path / "missing.json")
    catalog = tmp_path / "models.json"
    catalog.write_text('{"data": [{"id": "a/b", "pricing": {}}]}', encoding="utf-8")
    assert detect_format(catalog) == "models_catalog"
    with pytest.raises(InputError, match="load_catalog"):
        import_file(catalog)


def test_csv_detected_by_header_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "weekly.txt"
    path.write_text(
        "week_end,rank,slug,name,total_tokens,percent_change,prompt_price,completion_price\n"
        "2026-05-11,1,a/b,AB,10,5,0,0\n",
        encoding="utf-8",
    )
    assert detect_format(path) == "weekly_csv"
    (snap,) = import_file(path)
    assert snap.rows[0].reported_change == 0.05


@needs_shared
def test_detects_every_real_format() -> None:
    assert detect_format(WEEKLY / "weekly_current" / "2026-05-11.json") == "weekly_json"
    assert detect_format(WEEKLY / "weekly_top_models_long.csv") == "weekly_csv"
    assert detect_format(DAILY_SAMPLE) == "rankings_daily"
    assert detect_format(CATALOG) == "models_catalog"
    assert detect_format(SHIPPED / "sources" / "2026-05-18.yaml") == "manual_weekly"


@needs_shared
def test_real_weekly_json() -> None:
    (snap,) = import_file(WEEKLY / "weekly_current" / "2026-05-11.json")
    # Scraped on 2026-05-11, summing the 7 full days before: the week 2026-05-04..10.
    assert (snap.date, snap.meta.as_of) == (date(2026, 5, 4), "2026-05-11") and len(snap.rows) == 10
    hy3_free, hy3 = (r for r in snap.rows if r.slug == "tencent/hy3-preview")
    assert (hy3_free.rank, hy3_free.variant, hy3_free.total_tokens) == (1, "free", 2_680_000_000_000)
    assert (hy3.rank, hy3.variant, hy3.reported_change) == (8, None, 9.73)
    sonnet = next(r for r in snap.rows if r.rank == 3)
    assert (sonnet.slug, sonnet.prompt_price_per_mtok, sonnet.completion_price_per_mtok) == (
        "anthropic/claude-sonnet-4.6",
        3.0,
        15.0,
    )


@needs_shared
def test_real_csv_gives_all_65_weeks_identical_to_the_json_files() -> None:
    weeks = import_file(WEEKLY / "weekly_top_models_long.csv")
    assert len(weeks) == 65
    # Week starts: the files dated 2025-02-16 .. 2026-05-11 cover the 7 days before their date.
    assert (weeks[0].date, weeks[-1].date) == (date(2025, 2, 9), date(2026, 5, 4))
    assert all(s.meta.as_of == (s.date + timedelta(days=7)).isoformat() for s in weeks)
    files = sorted(WEEKLY.glob("weekly_*/*.json"), key=lambda p: p.stem)
    assert [s for f in files for s in import_file(f)] == weeks
    # Top 9 until the file dated 2026-02-08 (week 2026-02-01), top 10 from 2026-02-16 (week 2026-02-09).
    assert {len(s.rows) for s in weeks if s.date < date(2026, 2, 9)} == {9}
    assert {len(s.rows) for s in weeks if s.date >= date(2026, 2, 9)} == {10}
    variants = {r.variant for s in weeks for r in s.rows}
    assert {"free", "beta", "thinking", None} <= variants
    dated = [r for s in weeks for r in s.rows if r.permaslug != r.slug and r.variant is None]
    assert dated and all(r.permaslug.startswith(r.slug.split("/")[0]) for r in dated)


@needs_shared
def test_real_rankings_daily_sample() -> None:
    (snap,) = import_file(DAILY_SAMPLE)
    assert snap.meta.source_url == DATASET_URL and snap.meta.license == "CC BY 4.0"
    assert snap.date == date(2026, 8, 28) and "partial: 2 of 7 days" in (snap.meta.note or "")
    by_key = {(r.slug, r.variant): r.total_tokens for r in snap.rows}
    assert by_key[("free-org/example-free", None)] == 1_999_998  # "standard" is the non-variant endpoint
    assert by_key[("free-org/example-free", "free")] == 3000
    assert by_key[("free-org/sum-fields", "free")] == 30  # prompt + completion
    assert by_key[("free-org/yesterday", "free")] == 7777
    assert [r.rank for r in snap.rows] == [1, 2, 3, 4, 5]


@needs_shared
def test_import_with_real_catalog_fills_context_and_tools() -> None:
    (snap,) = import_file(WEEKLY / "weekly_current" / "2026-05-11.json", catalog=load_catalog(CATALOG))
    sonnet = next(r for r in snap.rows if r.slug == "anthropic/claude-sonnet-4.6")
    assert sonnet.supports_tools is True and (sonnet.context_length or 0) >= 200_000
    assert sonnet.prompt_price_per_mtok == 3.0  # the week's own price is kept


# --- shipped snapshots ----------------------------------------------------------------------------------


def test_shipped_snapshots_load_and_cite_their_source() -> None:
    snapshots = load_snapshots(SHIPPED)
    assert [s.date.isoformat() for s in snapshots] == [*SHIPPED_WEEKS, "2026-05-18"]
    for snap in snapshots:
        assert snap.meta.source_url == LEADERBOARD_URL and snap.meta.as_of
        assert len(snap.rows) == 10
        assert all(r.context_length is None and r.supports_tools is None for r in snap.rows)  # facts only
    assert SHIPPED_WEEKS == ("2026-04-13", "2026-04-20", "2026-04-27", "2026-05-04")
    for snap in snapshots[:-1]:
        assert "johnbean393/openrouter-inference-stats" in (snap.meta.citation or "")
        # Dated by the week's first day; as_of is the upstream file's date, 7 days later.
        assert snap.meta.as_of == (snap.date + timedelta(days=7)).isoformat()
        assert f"Week {snap.date}..{snap.date + timedelta(days=6)}" in (snap.meta.note or "")
    assert not (SHIPPED / "2026-05-11.json").exists()  # the week 2026-05-11..17 is missing upstream
    latest = snapshots[-1]
    assert [r.slug for r in latest.rows][:5] == [
        "deepseek/deepseek-v4-flash",
        "tencent/hy3-preview",
        "anthropic/claude-sonnet-4.6",
        "deepseek/deepseek-v3.2",
        "openrouter/owl-alpha",
    ]
    owl = latest.rows[4]
    assert (owl.total_tokens, owl.reported_change, owl.prompt_price_per_mtok) == (
        1_150_000_000_000,
        0.29,
        None,
    )


def test_manual_source_prices_come_from_the_latest_earlier_week() -> None:
    *earlier, latest = load_snapshots(SHIPPED)
    for row in latest.rows:
        seen = [r for snap in earlier for r in snap.rows if r.slug == row.slug and r.variant is None]
        if not seen:
            assert row.prompt_price_per_mtok is None and row.completion_price_per_mtok is None
            continue
        assert (row.prompt_price_per_mtok, row.completion_price_per_mtok) == (
            seen[-1].prompt_price_per_mtok,
            seen[-1].completion_price_per_mtok,
        ), row.slug


@needs_shared
def test_shipped_bytes_match_a_rebuild() -> None:
    """`python scripts/rankings_build.py` is how reports/rankings/*.json were made; prove they still match."""
    snapshots = build_snapshots(WEEKLY / "weekly_current", SHIPPED / "sources")
    assert [s.date.isoformat() for s in snapshots] == [*SHIPPED_WEEKS, "2026-05-18"]
    for snap in snapshots:
        shipped = SHIPPED / f"{snap.date.isoformat()}.json"
        assert shipped.read_bytes() == dump_snapshot(snap).encode("utf-8"), shipped.name
