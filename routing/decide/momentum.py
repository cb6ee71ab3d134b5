"""Week-over-week momentum per model from ranking snapshots. Pure: no I/O.

Variants are merged by catalog slug before anything is compared. A `:free` row and the paid row of
one model are the same weights behind two endpoints; routing decides per model, so counting them
apart would split one model's momentum in two, double it in the top movers, and invent a "new" or
"left" whenever one variant crosses the top-N line. Merged rows sum their tokens and keep the best
rank. Caveat: a variant below the top-N cutoff is invisible, so a merged total is a lower bound.

Gaps: a snapshot's `date` is the first day of the week it covers, so two consecutive weeks are exactly
`WEEK_DAYS` apart. When the previous snapshot is further back (a week is missing) or closer, growth
recomputed from tokens is not week-over-week: it is kept as `growth_over_gap`, `wow_growth` falls back
to the source's own week-over-week figure, newcomers get no `growth_floor` and are "unseen", not "new".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from evals.errors import InputError
from routing.rankings.records import RankingRow, RankingSnapshot

Status = Literal["new", "unseen", "climbing", "falling", "steady", "left"]
"""new: entered the top-N this week (previous snapshot exactly one week earlier); unseen: absent from a
previous snapshot that is not exactly one week earlier, so it may have been listed in the missing week;
climbing / falling / steady: rank movement between the two snapshots; left: in the previous one only."""

WEEK_DAYS = 7


@dataclass(frozen=True)
class Momentum:
    """One model's movement into the latest snapshot.

    `gap_days` is the number of days between the previous snapshot's date and the latest's (None with a
    single snapshot); 7 means consecutive weeks. `growth_over_gap` is the token growth between the two
    snapshots (fraction: 0.66 = +66%), whatever the gap; None when the model was not in the previous one.
    `wow_growth` is the week-over-week growth: with `gap_days == 7` it is `growth_over_gap`; across any
    other gap it is the source's own `reported_change` (a week-over-week figure) or None when the source
    gave none. `reported_change` is the source's own figure, kept for comparison (None when several
    variants were merged, since the source's figure describes one variant only).
    `growth_floor` is set for new entrants only (status "new", so `gap_days == 7`): they were below last
    week's smallest listed total, so they grew at least this much; it makes a newcomer comparable with
    known growth. Across a gap nothing bounds a newcomer's growth (it may have been listed in the
    missing week), so it is None and the model's status is "unseen".
    `rank_change` is positive when the model climbed. "left" rows were in the previous top-N only.
    """

    slug: str
    name: str
    rank: int | None
    prev_rank: int | None
    rank_change: int | None
    total_tokens: int | None
    prev_tokens: int | None
    wow_growth: float | None
    reported_change: float | None
    status: Status
    weeks_in_top: int
    as_of: str | None
    source_url: str | None
    prompt_price_per_mtok: float | None
    completion_price_per_mtok: float | None
    context_length: int | None
    supports_tools: bool | None
    growth_floor: float | None = None
    variants: tuple[str, ...] = ()
    date: date | None = None
    prev_date: date | None = None
    gap_days: int | None = None
    growth_over_gap: float | None = None


@dataclass(frozen=True)
class MergedRow:
    """All of one model's rows in one snapshot, summed (see the module docstring for why)."""

    slug: str
    name: str
    rank: int
    tokens: int
    reported_change: float | None
    prompt: float | None
    completion: float | None
    context_length: int | None
    supports_tools: bool | None
    variants: tuple[str, ...]


def _merge(rows: Sequence[RankingRow]) -> MergedRow:
    """Sum one model's variant rows; descriptive fields come from the standard (non-variant) row."""
    best = min(rows, key=lambda r: r.rank)
    primary = next((r for r in sorted(rows, key=lambda r: r.rank) if r.variant is None), best)
    by_preference = [primary, *(r for r in rows if r is not primary)]
    context = next((r.context_length for r in by_preference if r.context_length is not None), None)
    tools = next((r.supports_tools for r in by_preference if r.supports_tools is not None), None)
    return MergedRow(
        slug=best.slug,
        name=primary.name or best.name or best.slug,
        rank=best.rank,
        tokens=sum(r.total_tokens for r in rows),
        reported_change=best.reported_change if len(rows) == 1 else None,
        prompt=primary.prompt_price_per_mtok,
        completion=primary.completion_price_per_mtok,
        context_length=context,
        supports_tools=tools,
        variants=tuple(sorted(r.variant or "standard" for r in rows)),
    )


def merge_variants(snapshot: RankingSnapshot) -> dict[str, MergedRow]:
    """Rows of one snapshot grouped by catalog slug, in rank order."""
    groups: dict[str, list[RankingRow]] = {}
    for row in snapshot.rows:
        groups.setdefault(row.slug, []).append(row)
    merged = [_merge(rows) for rows in groups.values()]
    return {m.slug: m for m in sorted(merged, key=lambda m: (m.rank, m.slug))}


def _status(rank: int, prev_rank: int | None, gap_days: int | None) -> Status:
    if prev_rank is None:
        # With a single snapshot there is no history: nothing is "new", nothing moves.
        if gap_days is None:
            return "steady"
        return "new" if gap_days == WEEK_DAYS else "unseen"
    if rank < prev_rank:
        return "climbing"
    return "falling" if rank > prev_rank else "steady"


def growth(tokens: int, prev_tokens: int | None) -> float | None:
    """(tokens - prev) / prev; None when there is no usable previous figure."""
    if prev_tokens is None or prev_tokens <= 0:
        return None
    return (tokens - prev_tokens) / prev_tokens


def reported_mismatch(row: Momentum, tolerance: float = 0.05) -> bool:
    """True when the recomputed WoW and the source's own figure differ by more than `tolerance`.

    A mismatch usually means the two snapshots are not consecutive weeks of one source, or that
    variants were merged; reports should show both figures rather than pick one silently. Across a gap
    (`gap_days != 7`) there is no recomputed WoW to compare (`wow_growth` is the source's figure), so
    this is False.
    """
    if row.gap_days != WEEK_DAYS or row.wow_growth is None or row.reported_change is None:
        return False
    return abs(row.wow_growth - row.reported_change) > tolerance


def compute_momentum(snapshots: Sequence[RankingSnapshot]) -> list[Momentum]:
    """Momentum of every model in the latest snapshot (by rank), then those that left the top-N."""
    if not snapshots:
        return []
    ordered = sorted(snapshots, key=lambda s: s.date)
    dates = [s.date for s in ordered]
    if len(set(dates)) != len(dates):
        dup = next(d for d in dates if dates.count(d) > 1)
        raise InputError(None, "date", f"two ranking snapshots for {dup}")
    merged = [merge_variants(s) for s in ordered]
    latest, prev = merged[-1], (merged[-2] if len(merged) > 1 else {})
    latest_snap = ordered[-1]
    prev_date = ordered[-2].date if len(ordered) > 1 else None
    gap_days = (latest_snap.date - prev_date).days if prev_date is not None else None
    consecutive = gap_days == WEEK_DAYS
    weeks = {slug: sum(slug in m for m in merged) for m in merged for slug in m}
    cutoff = min((r.total_tokens for r in ordered[-2].rows), default=None) if consecutive else None
    out: list[Momentum] = []
    for slug, row in latest.items():
        before = prev.get(slug)
        over_gap = growth(row.tokens, before.tokens if before else None)
        # One week apart the token growth is the WoW; across any other gap only the source's own is.
        wow = over_gap if consecutive or gap_days is None else row.reported_change
        out.append(
            Momentum(
                slug=slug,
                name=row.name,
                rank=row.rank,
                prev_rank=before.rank if before else None,
                rank_change=(before.rank - row.rank) if before else None,
                total_tokens=row.tokens,
                prev_tokens=before.tokens if before else None,
                wow_growth=wow,
                reported_change=row.reported_change,
                status=_status(row.rank, before.rank if before else None, gap_days),
                weeks_in_top=weeks[slug],
                as_of=latest_snap.meta.as_of,
                source_url=latest_snap.meta.source_url,
                prompt_price_per_mtok=row.prompt,
                completion_price_per_mtok=row.completion,
                context_length=row.context_length,
                supports_tools=row.supports_tools,
                growth_floor=None if before or not consecutive else growth(row.tokens, cutoff),
                variants=row.variants,
                date=latest_snap.date,
                prev_date=prev_date,
                gap_days=gap_days,
                growth_over_gap=over_gap,
            )
        )
    for slug, before in prev.items():
        if slug in latest:
            continue
        out.append(
            Momentum(
                slug=slug,
                name=before.name,
                rank=None,
                prev_rank=before.rank,
                rank_change=None,
                total_tokens=None,
                prev_tokens=before.tokens,
                wow_growth=None,
                reported_change=None,
                status="left",
                weeks_in_top=weeks[slug],
                as_of=latest_snap.meta.as_of,
                source_url=ordered[-2].meta.source_url,
                prompt_price_per_mtok=before.prompt,
                completion_price_per_mtok=before.completion,
                context_length=before.context_length,
                supports_tools=before.supports_tools,
                variants=before.variants,
                date=latest_snap.date,
                prev_date=prev_date,
                gap_days=gap_days,
            )
        )
    return out
