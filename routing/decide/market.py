"""The board as a whole, week by week: totals, shares by author, family totals, who entered and left
the top N, whether the order settled, and price changes between catalog snapshots. Pure: no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from routing.decide.series import WEEK, ModelWeek, ordered_snapshots, published
from routing.rankings.catalog import Catalog
from routing.rankings.records import RankingSnapshot

Stability = Literal["settled", "moving"]


@dataclass(frozen=True)
class WeekSummary:
    """One week of the board.

    `listed_tokens` sums the listed rows; `market_total_tokens` is everything the source counted (None
    when it lists only a top N). `entrants` / `exits` compare the listed models with the snapshot
    exactly one week earlier (None without one). `rank_correlation` is Spearman's rho between the two
    weeks' orders of the models listed in both (None with fewer than 3 in common); `stability` is
    "settled" when rho reaches the threshold, else "moving".
    """

    week_start: date
    listed_tokens: int
    market_total_tokens: int | None
    n_models: int
    share_by_author: dict[str, float]
    family_tokens: dict[str, int]
    entrants: tuple[str, ...] | None
    exits: tuple[str, ...] | None
    rank_correlation: float | None
    stability: Stability | None
    source_url: str
    as_of: str | None


def spearman(order_a: Sequence[str], order_b: Sequence[str]) -> float | None:
    """Spearman's rank correlation of the items both orders share (ranks re-numbered among those)."""
    common = [x for x in order_a if x in set(order_b)]
    n = len(common)
    if n < 3:
        return None
    rank_a = {x: i for i, x in enumerate(common)}
    rank_b = {x: i for i, x in enumerate(x for x in order_b if x in rank_a)}
    d2 = sum((rank_a[x] - rank_b[x]) ** 2 for x in common)
    return 1 - 6 * d2 / (n * (n * n - 1))


def _by_author(snapshot: RankingSnapshot) -> dict[str, float]:
    total = snapshot.meta.market_total_tokens or sum(r.total_tokens for r in snapshot.rows)
    tokens: dict[str, int] = defaultdict(int)
    for row in snapshot.rows:
        tokens[row.slug.partition("/")[0]] += row.total_tokens
    if not total:
        return {}
    return {a: t / total for a, t in sorted(tokens.items(), key=lambda kv: (-kv[1], kv[0]))}


def _families(snapshot: RankingSnapshot) -> dict[str, int]:
    tokens: dict[str, int] = defaultdict(int)
    for row in snapshot.rows:
        tokens[row.slug] += row.total_tokens
    return dict(sorted(tokens.items(), key=lambda kv: (-kv[1], kv[0])))


def week_summaries(snapshots: Sequence[RankingSnapshot], settled_at: float = 0.8) -> list[WeekSummary]:
    """One summary per snapshot, oldest first."""
    ordered = ordered_snapshots(snapshots)
    by_date = {s.date: s for s in ordered}
    out = []
    for snapshot in ordered:
        prev = by_date.get(snapshot.date - WEEK)
        now = [published(r) for r in snapshot.rows]
        before = [published(r) for r in prev.rows] if prev else None
        rho = spearman(before, now) if before is not None else None
        out.append(
            WeekSummary(
                week_start=snapshot.date,
                listed_tokens=sum(r.total_tokens for r in snapshot.rows),
                market_total_tokens=snapshot.meta.market_total_tokens,
                n_models=len(snapshot.rows),
                share_by_author=_by_author(snapshot),
                family_tokens=_families(snapshot),
                entrants=tuple(m for m in now if m not in before) if before is not None else None,
                exits=tuple(m for m in before if m not in now) if before is not None else None,
                rank_correlation=rho,
                stability=None if rho is None else ("settled" if rho >= settled_at else "moving"),
                source_url=snapshot.meta.source_url,
                as_of=snapshot.meta.as_of,
            )
        )
    return out


def fast_climbers(weeks: Sequence[ModelWeek]) -> list[ModelWeek]:
    """The fast climbers of the latest week in the series, strongest first."""
    if not weeks:
        return []
    latest = max(w.week_start for w in weeks)
    chosen = [w for w in weeks if w.week_start == latest and w.fast_climber]
    return sorted(chosen, key=lambda w: (-(w.wow_growth or 0.0), w.rank))


@dataclass(frozen=True)
class PriceChange:
    """A model whose list price moved between two catalog snapshots (USD per million tokens)."""

    model: str
    old_prompt: float | None
    new_prompt: float | None
    old_completion: float | None
    new_completion: float | None
    since: str | None  # the older catalog's date
    until: str | None  # the newer catalog's date


@dataclass(frozen=True)
class CatalogChanges:
    price_changes: list[PriceChange]
    added: list[str]
    removed: list[str]


def catalog_changes(old: Catalog, new: Catalog) -> CatalogChanges:
    """Price changes, added and removed models between two catalog snapshots."""
    changes = []
    for model_id in sorted(set(old.models) & set(new.models)):
        a, b = old.models[model_id], new.models[model_id]
        if (a.prompt_price_per_mtok, a.completion_price_per_mtok) != (
            b.prompt_price_per_mtok,
            b.completion_price_per_mtok,
        ):
            changes.append(
                PriceChange(
                    model=model_id,
                    old_prompt=a.prompt_price_per_mtok,
                    new_prompt=b.prompt_price_per_mtok,
                    old_completion=a.completion_price_per_mtok,
                    new_completion=b.completion_price_per_mtok,
                    since=old.as_of,
                    until=new.as_of,
                )
            )
    return CatalogChanges(
        price_changes=changes,
        added=sorted(set(new.models) - set(old.models)),
        removed=sorted(set(old.models) - set(new.models)),
    )
