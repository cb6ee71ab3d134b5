"""Momentum over time: one record per model and week, from the ranking snapshots. Pure: no I/O.

Unlike `momentum.py` (the latest week, variants merged by catalog slug, for choosing candidates), the
series keeps every model *as published* (`tencent/hy3-preview-20260421:free` is its own row, as the
leaderboard lists it) and carries its `family` (the catalog slug: dated slugs and `:free` variants
folded) so family totals can be summed from it.

Week-over-week growth is only ever computed between snapshots exactly 7 days apart in which the model
is listed both times: in a model's first week, after it left and re-entered the top N, or across a
missing week it is None, never a number over a longer gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Literal

from evals.errors import InputError
from routing.rankings.records import RankingRow, RankingSnapshot

WEEK = timedelta(days=7)
TREND_WEEKS = 4
ShareBasis = Literal["market", "listed"]


@dataclass(frozen=True)
class ModelWeek:
    """One model in one week's snapshot, with its movement against the week before.

    `share` is of the week's whole market (`share_basis` "market", when the source counts the long tail,
    as rankings-daily's `other` row does) or of the listed top N only ("listed"). `rank_change` is
    positive when the model climbed; `share_change` is in share points (0.02 = +2 points).
    `trend_4w` is the token growth over four weeks (this week against the snapshot 28 days earlier),
    None unless the model is listed in both. `entered` is True when the model is new to the top N
    against the week before, None when there is no snapshot exactly one week earlier (unknown, not
    False). `fast_climber` is None when the week-over-week growth is unknown.
    `reported_change` is the source's own WoW figure, kept apart: it may span a week this series lacks.
    """

    model: str
    family: str
    author: str
    week_start: date
    week_end: date
    total_tokens: int
    rank: int
    share: float | None
    share_basis: ShareBasis
    wow_growth: float | None
    rank_change: int | None
    share_change: float | None
    trend_4w: float | None
    fast_climber: bool | None
    entered: bool | None
    source_url: str
    as_of: str | None
    reported_change: float | None = None  # the source's own week-over-week figure, never recomputed


def published(row: RankingRow) -> str:
    """The slug as the source published it, variant included."""
    if row.variant and ":" not in row.permaslug:
        return f"{row.permaslug}:{row.variant}"
    return row.permaslug


def ordered_snapshots(snapshots: Sequence[RankingSnapshot]) -> list[RankingSnapshot]:
    """Oldest first; two snapshots for one week are an input error (which one would be true?)."""
    ordered = sorted(snapshots, key=lambda s: s.date)
    for a, b in pairwise(ordered):
        if a.date == b.date:
            raise InputError(None, "date", f"two ranking snapshots for {a.date}")
    return ordered


def growth(tokens: int, before: int | None) -> float | None:
    """(tokens - before) / before; None without a usable earlier figure."""
    if before is None or before <= 0:
        return None
    return (tokens - before) / before


def _shares(snapshot: RankingSnapshot) -> tuple[dict[str, float | None], ShareBasis]:
    market = snapshot.meta.market_total_tokens
    total = market if market else sum(r.total_tokens for r in snapshot.rows)
    basis: ShareBasis = "market" if market else "listed"
    return {published(r): (r.total_tokens / total if total else None) for r in snapshot.rows}, basis


def model_weeks(snapshots: Sequence[RankingSnapshot], fast_climber_wow: float = 0.20) -> list[ModelWeek]:
    """Every model-week of every snapshot, oldest week first, then by rank."""
    ordered = ordered_snapshots(snapshots)
    by_date = {s.date: s for s in ordered}
    out: list[ModelWeek] = []
    for snapshot in ordered:
        prev = by_date.get(snapshot.date - WEEK)
        earlier = by_date.get(snapshot.date - TREND_WEEKS * WEEK)
        prev_rows = {published(r): r for r in prev.rows} if prev else {}
        earlier_rows = {published(r): r for r in earlier.rows} if earlier else {}
        shares, basis = _shares(snapshot)
        prev_shares, prev_basis = _shares(prev) if prev else ({}, basis)
        for row in snapshot.rows:
            key = published(row)
            before = prev_rows.get(key)
            wow = growth(row.total_tokens, before.total_tokens) if before else None
            old = earlier_rows.get(key)
            share, prev_share = shares[key], prev_shares.get(key)
            comparable = before is not None and share is not None and prev_share is not None
            out.append(
                ModelWeek(
                    model=key,
                    family=row.slug,
                    author=row.slug.partition("/")[0],
                    week_start=snapshot.date,
                    week_end=snapshot.date + timedelta(days=6),
                    total_tokens=row.total_tokens,
                    rank=row.rank,
                    share=share,
                    share_basis=basis,
                    wow_growth=wow,
                    rank_change=(before.rank - row.rank) if before else None,
                    share_change=(share - prev_share) if comparable and basis == prev_basis else None,
                    trend_4w=growth(row.total_tokens, old.total_tokens) if old else None,
                    fast_climber=None if wow is None else wow >= fast_climber_wow,
                    entered=None if prev is None else before is None,
                    source_url=snapshot.meta.source_url,
                    as_of=snapshot.meta.as_of,
                    reported_change=row.reported_change,
                )
            )
    return out


def last_weeks(snapshots: Sequence[RankingSnapshot], weeks: int | None) -> list[date]:
    """The dates of the last `weeks` snapshots (all when None)."""
    dates = [s.date for s in ordered_snapshots(snapshots)]
    return dates if not weeks else dates[-weeks:]
