"""Which models a tier's eval should test this week. Pure: no I/O.

Rankings only *suggest* (DESIGN principle 1): candidates are the incumbents, the public top movers and
the team's configured alternates, minus exclusions and models that cannot meet the tier's hard needs
(tools, context length, structured outputs, an expiry date passed), judged from the models catalog
when one is given, else from what the rankings rows carry. Every candidate keeps the structured
reasons it was picked (with the source and as_of they rest on) and every dropped model the reason it
was dropped, so the report can say why a model was, or was not, tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from routing.config import CandidateRules, TierConfig
from routing.decide.momentum import WEEK_DAYS, Momentum
from routing.decide.reasons import Reason, facts_for, price_reason, requirement_check
from routing.policy import Policy
from routing.rankings.catalog import Catalog, CatalogModel


@dataclass
class Candidate:
    """A model to evaluate for one tier, why, its public momentum and catalog entry (None when unknown)."""

    model: str
    reasons: list[Reason] = field(default_factory=list)
    momentum: Momentum | None = None
    catalog: CatalogModel | None = None

    @property
    def reason_texts(self) -> list[str]:
        return [r.text for r in self.reasons]


@dataclass(frozen=True)
class Dropped:
    """A model proposed for a tier (incumbent, mover or alternate) that will not be tested, and why."""

    model: str
    reason: Reason


@dataclass
class TierCandidates:
    """One tier's selection: the candidates, the dropped models, and the catalog judged against."""

    tier: str
    candidates: list[Candidate]
    dropped: list[Dropped]
    catalog: str | None = None  # the catalog's label (file, as of), None when none was loaded

    @property
    def models(self) -> list[str]:
        return [c.model for c in self.candidates]


def _pct(value: float) -> str:
    return f"{value * 100:+.0f}%"


def _current(tier_name: str, current: Policy | None) -> list[tuple[str, list[Reason]]]:
    tier = current.tiers.get(tier_name) if current is not None else None
    if tier is None:
        return []
    return [
        (tier.primary, [Reason("incumbent_primary", "current primary")]),
        *((m, [Reason("incumbent_fallback", "current fallback")]) for m in tier.fallbacks),
        *((g.model, [Reason("incumbent_gray", f"current gray {g.share:.0%}")]) for g in tier.gray),
    ]


def mover_growth(row: Momentum) -> float | None:
    """The growth a mover is ranked by: its WoW growth, or for a new entrant its proven lower bound.

    Across a gap between snapshots `wow_growth` is the source's own week-over-week figure (never the
    growth over the whole gap) and "unseen" models have no lower bound, so they rank by that figure.
    """
    if row.status == "new":
        return row.growth_floor
    return row.wow_growth


def _is_mover(m: Momentum) -> bool:
    if m.status == "new":
        return True  # entering the top-N is itself the signal, whatever the growth
    if m.status == "unseen" and m.wow_growth is None:
        return True  # entered the top-N at some point within the gap; growth unknown, ranked last
    return m.status != "left" and m.wow_growth is not None and m.wow_growth > 0


def rank_movers(momentum: Sequence[Momentum]) -> list[Momentum]:
    """Models of the latest snapshot with upward momentum, strongest first.

    Movers are new entrants (whatever their growth), "unseen" models (absent from a previous snapshot
    that is not one week earlier) whose WoW is positive or unknown, and models whose WoW growth is
    positive. They are ranked by `mover_growth`, i.e. a new entrant by the growth it must at least have
    had to cross last week's cutoff; unknown last.
    """
    movers = [m for m in momentum if _is_mover(m)]

    def key(m: Momentum) -> tuple[bool, float, int, str]:
        g = mover_growth(m)
        return (g is None, -(g or 0.0), m.rank or 0, m.slug)

    return sorted(movers, key=key)


def _mover_reasons(
    momentum: Sequence[Momentum], rules: CandidateRules, top_n: int
) -> list[tuple[str, list[Reason]]]:
    """Up to `top_movers` movers, plus every fast climber whatever the cap."""
    picked: list[tuple[str, list[Reason]]] = []
    for position, m in enumerate(rank_movers(momentum)):
        g = mover_growth(m)
        fast = g is not None and g >= rules.fast_climber_wow
        within_cap = position < rules.top_movers
        if not (within_cap or fast):
            continue
        reasons: list[Reason] = []
        cite = {"source": m.source_url, "as_of": m.as_of}
        across_gap = m.gap_days is not None and m.gap_days != WEEK_DAYS
        # Across a gap WoW is the source's own figure: say so, since it is not recomputed from tokens.
        wow = f"{_pct(g or 0.0)} WoW" + (" (source figure)" if across_gap and g is not None else "")
        if m.status == "new":
            detail = [f"at least {_pct(g)} WoW"] if g is not None and g > 0 else []
            if m.reported_change:
                detail.append(f"source: {_pct(m.reported_change)}")
            text = f"new in top {top_n}" + (f" ({'; '.join(detail)})" if detail else "")
            reasons.append(Reason("new_entrant", text, **cite))
        elif m.status == "unseen":
            text = f"in top {top_n}, not in the previous snapshot {m.gap_days} days earlier" + (
                f" (source: {_pct(g)} WoW)" if g is not None else ""
            )
            reasons.append(Reason("unseen", text, **cite))
        elif within_cap:
            reasons.append(Reason("top_mover", f"top mover {wow}", **cite))
        if fast:
            brief = within_cap or m.status in ("new", "unseen")
            reasons.append(Reason("fast_climber", "fast climber" if brief else f"fast climber {wow}", **cite))
        picked.append((m.slug, reasons))
    return picked


def select_tier(
    tier_name: str,
    tier_config: TierConfig,
    rules: CandidateRules,
    momentum: Sequence[Momentum],
    current: Policy | None,
    catalog: Catalog | None = None,
    today: date | None = None,
) -> TierCandidates:
    """Incumbents, then top movers, then alternates; no duplicates; excluded and unfit models dropped
    with their reason. With a catalog, its facts (tools, context, structured outputs, expiry, prices)
    win over the rankings rows'; `today` decides what has expired."""
    rows: dict[str, Momentum] = {}
    for m in momentum:
        # Prefer a model's live row over a "left" row should a caller pass both.
        if m.slug not in rows or rows[m.slug].status == "left":
            rows[m.slug] = m
    excluded = set(rules.exclude)

    def fit(slug: str) -> bool:
        return requirement_check(tier_name, tier_config, facts_for(slug, rows.get(slug), catalog), today)[0]

    # Excluded or unfit models must not take a mover slot from one that can be tested.
    eligible = [m for m in rows.values() if m.slug not in excluded and fit(m.slug)]
    top_n = max((m.rank for m in momentum if m.rank is not None), default=0)
    proposals = _current(tier_name, current)
    proposals += _mover_reasons(eligible, rules, top_n)
    proposals += [(model, [Reason("alternate", "configured alternate")]) for model in rules.alternates]

    reasons_by_model: dict[str, list[Reason]] = {}
    for model, reasons in proposals:
        collected = reasons_by_model.setdefault(model, [])
        collected.extend(r for r in reasons if r not in collected)

    out: list[Candidate] = []
    dropped: list[Dropped] = []
    for model, reasons in reasons_by_model.items():
        if model in excluded:
            dropped.append(Dropped(model, Reason("excluded", "listed in candidates.exclude")))
            continue
        facts = facts_for(model, rows.get(model), catalog)
        fits, notes = requirement_check(tier_name, tier_config, facts, today)
        if not fits:
            dropped.append(Dropped(model, notes[0]))
            continue
        price = price_reason(facts, tier_config)
        extra = [price] if price is not None else []
        out.append(
            Candidate(
                model=model, reasons=[*reasons, *notes, *extra], momentum=rows.get(model), catalog=facts.entry
            )
        )
    return TierCandidates(tier_name, out, dropped, catalog.label() if catalog is not None else None)
