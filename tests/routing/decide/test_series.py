"""Momentum over time with plain values: WoW only between consecutive weeks, re-entry, shares, trend."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evals.errors import InputError
from routing.decide.series import model_weeks, published
from routing.rankings.records import LEADERBOARD_URL, RankingRow, RankingSnapshot, SnapshotMeta

W0 = date(2026, 3, 2)


def snap(week: int, rows: list[tuple[str, int]], market: int | None = None, days: int = 7) -> RankingSnapshot:
    ranked = [
        RankingRow(
            rank=i,
            slug=p.split(":")[0].removesuffix("-20260101"),
            permaslug=p,
            total_tokens=t,
            variant=p.split(":")[1] if ":" in p else None,
        )
        for i, (p, t) in enumerate(rows, 1)
    ]
    meta = SnapshotMeta(source_url=LEADERBOARD_URL, as_of=f"w{week}", market_total_tokens=market)
    return RankingSnapshot(date=W0 + timedelta(days=days * week), rows=ranked, meta=meta)


def by(weeks, model: str) -> list:
    return [w for w in weeks if w.model == model]


def test_wow_rank_share_and_fast_climber_between_consecutive_weeks() -> None:
    weeks = model_weeks([snap(0, [("a/x", 100), ("b/y", 50)]), snap(1, [("b/y", 150), ("a/x", 110)])], 0.2)
    y0, y1 = by(weeks, "b/y")
    assert y0.wow_growth is None and y0.rank_change is None and y0.entered is None  # first week: unknown
    assert y1.wow_growth == pytest.approx(2.0) and y1.rank_change == 1 and y1.fast_climber
    assert y1.share == pytest.approx(150 / 260) and y1.share_basis == "listed"
    assert y1.share_change == pytest.approx(150 / 260 - 50 / 150)
    x1 = by(weeks, "a/x")[1]
    assert x1.wow_growth == pytest.approx(0.1) and x1.rank_change == -1 and not x1.fast_climber
    assert (x1.week_start, x1.week_end) == (W0 + timedelta(days=7), W0 + timedelta(days=13))


def test_leaving_and_reentering_restarts_the_series() -> None:
    weeks = model_weeks(
        [
            snap(0, [("a/x", 100)]),
            snap(1, [("b/y", 100)]),
            snap(2, [("a/x", 300), ("b/y", 90)]),
            snap(3, [("a/x", 330)]),
        ]
    )
    x = by(weeks, "a/x")
    assert [w.wow_growth for w in x] == [None, None, pytest.approx(0.1)]
    assert [w.entered for w in x] == [None, True, False]
    assert [w.fast_climber for w in x] == [None, None, False]  # growth unknown, then +10%
    assert x[1].rank_change is None


def test_a_missing_week_gives_no_growth_across_the_gap_but_keeps_the_source_figure() -> None:
    after_gap = snap(2, [("a/x", 400)])
    after_gap.rows[0] = after_gap.rows[0].model_copy(update={"reported_change": 0.66})
    weeks = model_weeks([snap(0, [("a/x", 100)]), after_gap])
    later = by(weeks, "a/x")[1]
    assert later.wow_growth is None and later.rank_change is None
    assert later.entered is None and later.fast_climber is None  # unknown across a gap, not False
    assert later.reported_change == 0.66


def test_four_week_trend_needs_the_snapshot_28_days_earlier() -> None:
    snaps = [snap(i, [("a/x", 100 + 10 * i)]) for i in range(5)]
    weeks = by(model_weeks(snaps), "a/x")
    assert [w.trend_4w for w in weeks[:4]] == [None] * 4
    assert weeks[4].trend_4w == pytest.approx(140 / 100 - 1)


def test_share_of_the_market_when_the_source_counts_the_long_tail() -> None:
    (w,) = model_weeks([snap(0, [("a/x", 100)], market=1000)])
    assert (w.share, w.share_basis) == (0.1, "market")


def test_variants_are_their_own_rows_and_share_a_family() -> None:
    weeks = model_weeks([snap(0, [("a/x-20260101", 100), ("a/x-20260101:free", 300)])])
    assert [(w.model, w.family, w.author) for w in weeks] == [
        ("a/x-20260101", "a/x", "a"),
        ("a/x-20260101:free", "a/x", "a"),
    ]


def test_manual_rows_with_a_separate_variant_are_published_with_it() -> None:
    row = RankingRow(rank=1, slug="a/x", permaslug="a/x", variant="free", total_tokens=1)
    assert published(row) == "a/x:free"


def test_two_snapshots_for_one_week_are_an_error() -> None:
    with pytest.raises(InputError, match="two ranking snapshots"):
        model_weeks([snap(0, [("a/x", 1)]), snap(0, [("a/x", 2)])])
