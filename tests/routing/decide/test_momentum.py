"""Momentum: statuses, recomputed WoW, gaps, variant merging; then the real 65 weeks and the shipped weeks."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from evals.errors import InputError
from routing.decide.momentum import Momentum, compute_momentum, growth, merge_variants, reported_mismatch
from routing.rankings.files import import_file, load_snapshots
from routing.rankings.records import RankingRow, RankingSnapshot, SnapshotMeta

ROOT = Path(__file__).resolve().parents[3]
WEEKLY_CSV = ROOT.parent / "shared" / "data" / "openrouter" / "weekly-top10" / "weekly_top_models_long.csv"
needs_shared = pytest.mark.skipif(not WEEKLY_CSV.exists(), reason="shared data not present")


def _row(rank: int, slug: str, tokens: int, variant: str | None = None, **extra: object) -> RankingRow:
    permaslug = f"{slug}:{variant}" if variant else slug
    return RankingRow(
        rank=rank, slug=slug, permaslug=permaslug, variant=variant, total_tokens=tokens, **extra
    )


def _snap(day: str, *rows: RankingRow, as_of: str | None = None) -> RankingSnapshot:
    meta = SnapshotMeta(source_url="https://openrouter.ai/rankings", as_of=as_of or day)
    return RankingSnapshot(date=date.fromisoformat(day), rows=list(rows), meta=meta)


WEEK1 = _snap(
    "2026-05-04", _row(1, "a/up", 100), _row(2, "b/down", 90), _row(3, "c/same", 80), _row(4, "d/gone", 70)
)
WEEK2 = _snap(
    "2026-05-11",
    _row(1, "b/down", 120, reported_change=0.33),
    _row(2, "a/up", 110),
    _row(3, "c/same", 80),
    _row(4, "e/new", 140),
    as_of="2026-05-11T06:00:00Z",
)


def test_no_snapshots_no_momentum() -> None:
    assert compute_momentum([]) == []


def test_single_snapshot_has_no_history() -> None:
    rows = compute_momentum([WEEK1])
    assert [(m.slug, m.rank, m.status, m.wow_growth, m.weeks_in_top) for m in rows] == [
        ("a/up", 1, "steady", None, 1),
        ("b/down", 2, "steady", None, 1),
        ("c/same", 3, "steady", None, 1),
        ("d/gone", 4, "steady", None, 1),
    ]
    assert all(m.prev_rank is None and m.growth_floor is None for m in rows)


def test_statuses_growth_and_order() -> None:
    rows = {m.slug: m for m in compute_momentum([WEEK2, WEEK1])}  # input order does not matter
    assert list(rows) == ["b/down", "a/up", "c/same", "e/new", "d/gone"]  # latest rank, "left" last
    b = rows["b/down"]
    assert (b.status, b.rank, b.prev_rank, b.rank_change) == ("climbing", 1, 2, 1)
    assert b.wow_growth == pytest.approx(0.3333, abs=1e-4) and b.reported_change == 0.33
    assert (rows["a/up"].status, rows["a/up"].rank_change) == ("falling", -1)
    assert rows["a/up"].wow_growth == pytest.approx(0.10)
    assert (rows["c/same"].status, rows["c/same"].wow_growth) == ("steady", 0.0)
    new = rows["e/new"]
    assert (new.status, new.prev_rank, new.wow_growth, new.weeks_in_top) == ("new", None, None, 1)
    assert new.growth_floor == pytest.approx(1.0)  # 140 vs last week's smallest listed 70: at least +100%
    gone = rows["d/gone"]
    assert (gone.status, gone.rank, gone.total_tokens, gone.prev_rank, gone.prev_tokens) == (
        "left",
        None,
        None,
        4,
        70,
    )
    assert all(m.as_of == "2026-05-11T06:00:00Z" and m.date == date(2026, 5, 11) for m in rows.values())
    assert all(m.prev_date == date(2026, 5, 4) and m.gap_days == 7 for m in rows.values())
    assert rows["c/same"].weeks_in_top == 2
    # One week apart, the growth over the gap is the WoW growth.
    assert all(m.growth_over_gap == m.wow_growth for m in rows.values())
    assert all(m.gap_days is None and m.growth_over_gap is None for m in compute_momentum([WEEK1]))


# --- gaps between snapshots ----------------------------------------------------------------------------

WEEK3_AFTER_GAP = _snap(  # two weeks after WEEK1: the week of 2026-05-11 is missing
    "2026-05-18",
    _row(1, "b/down", 180, reported_change=0.25),
    _row(2, "a/up", 110),
    _row(3, "c/same", 80, reported_change=-0.05),
    _row(4, "e/new", 140, reported_change=0.40),
    _row(5, "f/new", 60),
)


def test_gap_of_7_vs_14_days() -> None:
    week3 = WEEK3_AFTER_GAP.model_copy(update={"date": date(2026, 5, 11)})
    one_week = {m.slug: m for m in compute_momentum([WEEK1, week3])}
    two_weeks = {m.slug: m for m in compute_momentum([WEEK1, WEEK3_AFTER_GAP])}
    assert {m.gap_days for m in one_week.values()} == {7} and {m.gap_days for m in two_weeks.values()} == {14}
    # One week apart the recomputed growth is the WoW (90 → 180), the source's 0.25 is kept apart.
    assert one_week["b/down"].wow_growth == pytest.approx(1.0) and one_week["b/down"].reported_change == 0.25
    # Same rows, same token growth; only its meaning changes.
    for slug in ("b/down", "a/up", "c/same"):
        assert one_week[slug].growth_over_gap == two_weeks[slug].growth_over_gap
        assert one_week[slug].wow_growth == one_week[slug].growth_over_gap
        assert one_week[slug].status == two_weeks[slug].status  # rank movement is still rank movement
    assert (one_week["e/new"].status, two_weeks["e/new"].status) == ("new", "unseen")
    assert (one_week["f/new"].status, two_weeks["f/new"].status) == ("new", "unseen")
    assert two_weeks["d/gone"].status == "left" and two_weeks["d/gone"].gap_days == 14


def test_reported_change_is_the_wow_across_a_gap() -> None:
    rows = {m.slug: m for m in compute_momentum([WEEK1, WEEK3_AFTER_GAP])}
    assert rows["b/down"].wow_growth == 0.25  # the source's own week-over-week figure...
    assert rows["b/down"].growth_over_gap == pytest.approx(1.0)  # ...not 90 → 180 over two weeks
    assert rows["c/same"].wow_growth == -0.05 and rows["c/same"].growth_over_gap == 0.0
    assert rows["e/new"].wow_growth == 0.40
    # No source figure: the WoW is unknown, the growth over the gap is kept.
    assert rows["a/up"].wow_growth is None and rows["a/up"].growth_over_gap == pytest.approx(0.10)
    assert rows["f/new"].wow_growth is None
    assert not any(reported_mismatch(m, tolerance=0.0) for m in rows.values())  # nothing recomputed


def test_no_growth_floor_across_a_gap() -> None:
    rows = {m.slug: m for m in compute_momentum([WEEK1, WEEK3_AFTER_GAP])}
    for slug in ("e/new", "f/new"):
        assert (rows[slug].status, rows[slug].growth_floor, rows[slug].growth_over_gap) == (
            "unseen",
            None,
            None,
        )
    one_week = WEEK3_AFTER_GAP.model_copy(update={"date": date(2026, 5, 11)})
    floors = {m.slug: m.growth_floor for m in compute_momentum([WEEK1, one_week])}
    assert floors["e/new"] == pytest.approx(1.0) and floors["f/new"] == pytest.approx(-0.1429, abs=1e-4)


def test_merged_variants_have_no_wow_across_a_gap() -> None:
    prev = _snap("2026-05-04", _row(1, "t/hy3", 300, "free"), _row(2, "x/y", 200))
    latest = _snap(
        "2026-05-18",
        _row(1, "t/hy3", 268, "free", reported_change=-0.12),
        _row(2, "x/y", 250, reported_change=0.10),
        _row(3, "t/hy3", 86, reported_change=9.73),
    )
    rows = {m.slug: m for m in compute_momentum([prev, latest])}
    assert rows["t/hy3"].wow_growth is None  # each source figure describes one variant only
    assert rows["t/hy3"].growth_over_gap == pytest.approx(0.18)
    assert rows["x/y"].wow_growth == 0.10


def test_variants_are_merged_by_catalog_slug() -> None:
    """`:free` and paid rows are one model: tokens summed, best rank, prices from the paid row."""
    prev = _snap("2026-05-04", _row(1, "t/hy3", 300, "free", prompt_price_per_mtok=0.0), _row(2, "x/y", 200))
    latest = _snap(
        "2026-05-11",
        _row(1, "t/hy3", 268, "free", reported_change=-0.12, prompt_price_per_mtok=0.0),
        _row(2, "x/y", 250),
        _row(3, "t/hy3", 86, reported_change=9.73, prompt_price_per_mtok=0.066, context_length=262144),
    )
    hy3 = next(m for m in compute_momentum([prev, latest]) if m.slug == "t/hy3")
    assert (hy3.rank, hy3.total_tokens, hy3.prev_tokens, hy3.status) == (1, 354, 300, "steady")
    assert hy3.wow_growth == pytest.approx(0.18)
    assert hy3.reported_change is None  # each source figure describes one variant, not the sum
    assert (hy3.prompt_price_per_mtok, hy3.context_length, hy3.variants) == (
        0.066,
        262144,
        ("free", "standard"),
    )
    assert list(merge_variants(latest)) == ["t/hy3", "x/y"]


def test_duplicate_dates_are_an_input_error() -> None:
    with pytest.raises(InputError, match="two ranking snapshots for 2026-05-04"):
        compute_momentum([WEEK1, WEEK1])


def test_growth_and_mismatch_helpers() -> None:
    assert growth(150, 100) == 0.5
    assert growth(150, None) is None and growth(150, 0) is None
    rows = {m.slug: m for m in compute_momentum([WEEK1, WEEK2])}
    assert not reported_mismatch(rows["b/down"])
    assert reported_mismatch(rows["b/down"], tolerance=0.001)
    assert not reported_mismatch(rows["e/new"])


# --- real data -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weeks() -> list[RankingSnapshot]:
    if not WEEKLY_CSV.exists():
        pytest.skip("shared data not present")
    return import_file(WEEKLY_CSV)


def _pair(weeks: list[RankingSnapshot], day: str) -> dict[str, Momentum]:
    i = next(i for i, s in enumerate(weeks) if s.date == date.fromisoformat(day))
    return {m.slug: m for m in compute_momentum(weeks[i - 1 : i + 1])}


@needs_shared
def test_models_entering_and_leaving_the_top_10(weeks: list[RankingSnapshot]) -> None:
    rows = _pair(weeks, "2026-04-20")  # the file dated 2026-04-27
    assert {s for s, m in rows.items() if m.status == "new"} == {
        "moonshotai/kimi-k2.6",
        "anthropic/claude-opus-4.7",
        "stepfun/step-3.5-flash",
    }
    assert {s for s, m in rows.items() if m.status == "left"} == {
        "xiaomi/mimo-v2-pro",
        "minimax/minimax-m2.5",
        "google/gemini-2.5-flash",
    }
    assert rows["anthropic/claude-opus-4.6"].status == "falling"
    assert rows["anthropic/claude-opus-4.6"].rank_change == -6


@needs_shared
def test_every_real_week_pair_is_consistent(weeks: list[RankingSnapshot]) -> None:
    for prev, latest in pairwise(weeks):
        rows = compute_momentum([prev, latest])
        live = [m for m in rows if m.status != "left"]
        assert len(live) == len({r.slug for r in latest.rows})
        assert [m.rank for m in live] == sorted(m.rank or 0 for m in live)
        assert {m.slug for m in rows if m.status == "new"}.isdisjoint({r.slug for r in prev.rows})
        assert {m.slug for m in rows if m.status == "left"}.isdisjoint({r.slug for r in latest.rows})


@needs_shared
def test_free_variant_and_dated_slug_merge_on_real_week(weeks: list[RankingSnapshot]) -> None:
    hy3 = _pair(weeks, "2026-05-04")["tencent/hy3-preview"]  # the file dated 2026-05-11
    assert (hy3.rank, hy3.total_tokens, hy3.prev_tokens) == (1, 3_537_000_000_000, 3_030_000_000_000)
    assert hy3.variants == ("free", "standard") and hy3.reported_change is None


@needs_shared
def test_recomputed_wow_matches_the_source_on_a_real_pair(weeks: list[RankingSnapshot]) -> None:
    """DeepSeek V4 Flash: 704B (week 2026-04-27) → 1.11T (week 2026-05-04) is +57.7%; the source: +58%."""
    flash = _pair(weeks, "2026-05-04")["deepseek/deepseek-v4-flash"]
    assert flash.gap_days == 7 and flash.wow_growth == pytest.approx(0.5767, abs=1e-4)
    assert flash.reported_change == 0.58
    assert not reported_mismatch(flash, tolerance=0.005)


@needs_shared
def test_recomputed_wow_agrees_on_all_2026_single_variant_pairs(weeks: list[RankingSnapshot]) -> None:
    """From the file dated 2026-02-16 (week 2026-02-09) tokens are 3 significant figures and changes whole
    percents: ±1.5 points. Compared on the token growth itself, so the one 8-day pair counts too."""
    compared = 0
    for prev, latest in pairwise(weeks):
        if latest.date < date(2026, 2, 9):
            continue
        for m in compute_momentum([prev, latest]):
            recomputed = m.growth_over_gap
            if recomputed is not None and m.reported_change is not None and m.variants == ("standard",):
                compared += 1
                assert abs(recomputed - m.reported_change) <= 0.015, (latest.date, m.slug)
    assert compared >= 80


@needs_shared
def test_only_one_real_pair_is_not_one_week_apart(weeks: list[RankingSnapshot]) -> None:
    """Upstream skipped a day once: files dated 2026-02-08 and 2026-02-16 (8 days). Treated as a gap."""
    gaps = {
        (p.date.isoformat(), (n.date - p.date).days)
        for p, n in pairwise(weeks)
        if n.date - p.date != timedelta(7)
    }
    assert gaps == {("2026-02-01", 8)}
    rows = _pair(weeks, "2026-02-09")
    assert {m.gap_days for m in rows.values()} == {8}
    assert all(m.status != "new" and m.growth_floor is None for m in rows.values())
    assert rows["anthropic/claude-opus-4.6"].status == "unseen"
    assert rows["x-ai/grok-4.1-fast"].wow_growth == 0.62  # the source's figure
    assert rows["x-ai/grok-4.1-fast"].growth_over_gap == pytest.approx(0.6151, abs=1e-4)


@needs_shared
def test_source_figures_differ_only_where_variants_are_involved(weeks: list[RankingSnapshot]) -> None:
    """Over all 64 pairs the source's change differs from ours only when a :free/:beta/:thinking row is
    involved: the source compares one variant row with itself, momentum compares whole models."""
    mismatches = []
    for prev, latest in pairwise(weeks):
        for m in compute_momentum([prev, latest]):
            if reported_mismatch(m, tolerance=0.015):
                mismatches.append((latest.date.isoformat(), m.slug))
                rows = [r for s in (prev, latest) for r in s.rows if r.slug == m.slug]
                assert any(r.variant for r in rows), (latest.date, m.slug)
    assert (
        "2025-10-05",
        "x-ai/grok-4-fast",
    ) in mismatches  # (file dated 2025-10-12) :free (644B) ended, paid row 199B: source said 0%
    assert len(mismatches) <= 15


# --- shipped weeks ---------------------------------------------------------------------------------------


def test_shipped_weeks_momentum() -> None:
    """Latest week 2026-05-18 vs week 2026-05-04: the week 2026-05-11..17 is missing (14-day gap)."""
    rows = {m.slug: m for m in compute_momentum(load_snapshots(ROOT / "reports" / "rankings"))}
    assert {m.gap_days for m in rows.values()} == {14}
    assert {m.prev_date for m in rows.values()} == {date(2026, 5, 4)}
    flash = rows["deepseek/deepseek-v4-flash"]
    assert (flash.rank, flash.prev_rank, flash.status) == (1, 5, "climbing")
    # +209% is the growth over two weeks (1.11T → 3.43T); the leaderboard's +66% is the WoW.
    assert flash.wow_growth == 0.66 and flash.reported_change == 0.66
    assert flash.growth_over_gap == pytest.approx(2.09, abs=0.01)
    assert not reported_mismatch(flash)
    owl = rows["openrouter/owl-alpha"]
    assert (owl.status, owl.wow_growth, owl.growth_floor, owl.growth_over_gap) == ("unseen", 0.29, None, None)
    assert (rows["tencent/hy3-preview"].status, rows["tencent/hy3-preview"].wow_growth) == ("falling", 0.16)
    # Listed two weeks ago, missing from week 2026-05-04, listed again: returning, not "new".
    assert {s for s, m in rows.items() if m.status == "unseen"} == {
        "openrouter/owl-alpha",
        "x-ai/grok-4.1-fast",
        "stepfun/step-3.5-flash",
    }
    assert not any(m.status == "new" or m.growth_floor is not None for m in rows.values())
    v32 = rows["deepseek/deepseek-v3.2"]  # no source figure: WoW unknown, growth over the gap kept
    assert (v32.status, v32.wow_growth) == ("climbing", None)
    assert v32.growth_over_gap == pytest.approx(0.5092, abs=1e-4)
    assert {s for s, m in rows.items() if m.status == "left"} == {
        "moonshotai/kimi-k2.6",
        "anthropic/claude-opus-4.7",
    }
    assert rows["anthropic/claude-sonnet-4.6"].weeks_in_top == 5
