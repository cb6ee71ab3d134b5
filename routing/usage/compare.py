"""Own traffic vs the public board: where the money goes, and how the team's mix moves against the board.

Pure functions over ModelWeek records and rankings snapshots (short lists: plain Python, no pandas).
The concentration index is Herfindahl-Hirschman: the sum of squared shares, from 1/n (even) to 1 (one
model). When spend is notably more concentrated than tokens, a few models cost far more than the work
they do: "overweight on expensive models", and the models responsible are those whose spend share
exceeds their token share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from routing.rankings.records import RankingSnapshot
from routing.rankings.slugs import split_variant
from routing.usage.records import BoardGap, Concentration, ModelWeek, Momentum, Share

FLAG_MARGIN = 0.05  # spend HHI this much above token HHI raises the flag
ALL_TIERS = "all tiers"


def hhi(shares: Iterable[float]) -> float:
    return sum(s * s for s in shares)


def shares_of(rows: Sequence[ModelWeek]) -> tuple[Share, ...]:
    """Token and spend shares per model (rows of one model are summed); spend unknown if any is."""
    tokens: dict[str, int] = defaultdict(int)
    spend: dict[str, float | None] = {}
    for r in rows:
        tokens[r.model] += r.tokens
        before = spend.get(r.model, 0.0)
        spend[r.model] = None if before is None or r.spend_usd is None else before + r.spend_usd
    total_tokens = sum(tokens.values())
    values = list(spend.values())
    known = None if None in values else sum(v for v in values if v is not None)
    out = []
    for model in sorted(tokens, key=lambda m: (-tokens[m], m)):
        s = spend[model]
        out.append(
            Share(
                model=model,
                tokens=tokens[model],
                spend_usd=s,
                token_share=tokens[model] / total_tokens if total_tokens else 0.0,
                spend_share=(s / known) if (s is not None and known) else None,
            )
        )
    return tuple(out)


def concentration_of(week: str, scope: str, rows: Sequence[ModelWeek]) -> Concentration:
    shares = shares_of(rows)
    token_hhi = hhi(s.token_share for s in shares)
    spend_known = all(s.spend_share is not None for s in shares) and bool(shares)
    spend_hhi = hhi(s.spend_share or 0.0 for s in shares) if spend_known else None
    overweight = tuple(
        s.model
        for s in sorted(shares, key=lambda s: (s.token_share - (s.spend_share or 0.0), s.model))
        if s.spend_share is not None and s.spend_share > s.token_share
    )
    flagged = spend_hhi is not None and spend_hhi - token_hhi > FLAG_MARGIN
    return Concentration(week, scope, shares, token_hhi, spend_hhi, overweight, flagged)


def concentration(weeks: Sequence[ModelWeek]) -> list[Concentration]:
    """Per week: each tier the traffic names, then all tiers together."""
    by_week: dict[str, list[ModelWeek]] = defaultdict(list)
    for w in weeks:
        by_week[w.week].append(w)
    out = []
    for week in sorted(by_week):
        rows = by_week[week]
        tiers = sorted({w.tier for w in rows if w.tier is not None})
        out.extend(concentration_of(week, t, [w for w in rows if w.tier == t]) for t in tiers)
        out.append(concentration_of(week, ALL_TIERS, rows))
    return out


def _base(slug: str) -> str:
    return split_variant(slug)[0]


def _board(snapshots: Sequence[RankingSnapshot]) -> dict[str, dict[str, int]]:
    """Overall-board tokens per base slug, keyed by the snapshot's week (ISO date of its first day)."""
    out: dict[str, dict[str, int]] = {}
    for snap in snapshots:
        tokens: dict[str, int] = defaultdict(int)
        for row in snap.rows:
            if row.category is None:
                tokens[_base(row.slug)] += row.total_tokens
        out[snap.date.isoformat()] = dict(tokens)
    return out


def _wow(now: int | None, before: int | None) -> float | None:
    return now / before - 1 if now is not None and before else None


def board_gaps(weeks: Sequence[ModelWeek], snapshots: Sequence[RankingSnapshot]) -> list[BoardGap]:
    """Per own-traffic week: week-over-week per model on both sides, and who is only on one side."""
    own: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for w in weeks:
        own[w.week][_base(w.model)] += w.tokens
    board = _board(snapshots)
    out = []
    for week in sorted(own):
        prev = (date.fromisoformat(week) - timedelta(days=7)).isoformat()
        mine, mine_before = own[week], own.get(prev, {})
        public, public_before = board.get(week), board.get(prev, {})
        models = sorted(set(mine) | set(public or {}))
        momentum = tuple(
            Momentum(
                model=m,
                internal_wow=_wow(mine.get(m), mine_before.get(m)),
                public_wow=_wow((public or {}).get(m), public_before.get(m)),
            )
            for m in models
        )
        out.append(
            BoardGap(
                week=week,
                board_week=week if public is not None else None,
                momentum=momentum,
                only_in_traffic=tuple(sorted(set(mine) - set(public))) if public is not None else (),
                only_on_board=tuple(sorted(set(public) - set(mine))) if public is not None else (),
            )
        )
    return out
