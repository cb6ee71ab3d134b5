"""Which models a tier's eval should test this week. Pure: no I/O.

Rankings only *suggest* (DESIGN principle 1): candidates are the incumbents, the public top movers and
the team's configured alternates, minus exclusions and models that cannot meet the tier's hard needs.
Every candidate carries the reasons it was picked, so the report can say why a model was tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from routing.config import CandidateRules, TierConfig
from routing.decide.momentum import WEEK_DAYS, Momentum
from routing.policy import Policy


@dataclass
class Candidate:
    """A model to evaluate for one tier, why, and its public momentum (None when not ranked)."""

    model: str
    reasons: list[str] = field(default_factory=list)
    momentum: Momentum | None = None


def _pct(value: float) -> str:
    return f"{value * 100:+.0f}%"


def _current(tier_name: str, current: Policy | None) -> list[tuple[str, str]]:
    tier = current.tiers.get(tier_name) if current is not None else None
    if tier is None:
        return []
    return [
        (tier.primary, "current primary"),
        *((m, "current fallback") for m in tier.fallbacks),
        *((g.model, f"current gray {g.share:.0%}") for g in tier.gray),
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
) -> list[tuple[str, list[str]]]:
    """Up to `top_movers` movers, plus every fast climber whatever the cap."""
    picked: list[tuple[str, list[str]]] = []
    for position, m in enumerate(rank_movers(momentum)):
        g = mover_growth(m)
        fast = g is not None and g >= rules.fast_climber_wow
        within_cap = position < rules.top_movers
        if not (within_cap or fast):
            continue
        reasons: list[str] = []
        across_gap = m.gap_days is not None and m.gap_days != WEEK_DAYS
        # Across a gap WoW is the source's own figure: say so, since it is not recomputed from tokens.
        wow = f"{_pct(g or 0.0)} WoW" + (" (source figure)" if across_gap and g is not None else "")
        if m.status == "new":
            detail = [f"at least {_pct(g)} WoW"] if g is not None and g > 0 else []
            if m.reported_change:
                detail.append(f"source: {_pct(m.reported_change)}")
            reasons.append(f"new in top {top_n}" + (f" ({'; '.join(detail)})" if detail else ""))
        elif m.status == "unseen":
            reasons.append(
                f"in top {top_n}, not in the previous snapshot {m.gap_days} days earlier"
                + (f" (source: {_pct(g)} WoW)" if g is not None else "")
            )
        elif within_cap:
            reasons.append(f"top mover {wow}")
        if fast:
            brief = within_cap or m.status in ("new", "unseen")
            reasons.append("fast climber" if brief else f"fast climber {wow}")
        picked.append((m.slug, reasons))
    return picked


def _requirement_check(tier: TierConfig, row: Momentum | None) -> tuple[bool, list[str]]:
    """(passes, flags): a known failure drops the model, an unknown fact passes with a flag."""
    flags: list[str] = []
    tools = row.supports_tools if row is not None else None
    context = row.context_length if row is not None else None
    if tier.requires.tools:
        if tools is False:
            return False, []
        if tools is None:
            flags.append("tools support unknown")
    if tier.requires.min_context > 0:
        if context is not None and context < tier.requires.min_context:
            return False, []
        if context is None:
            flags.append("context length unknown")
    return True, flags


def select_candidates(
    tier_name: str,
    tier_config: TierConfig,
    rules: CandidateRules,
    momentum: Sequence[Momentum],
    current: Policy | None,
) -> list[Candidate]:
    """Incumbents, then top movers, then alternates; no duplicates, excluded and unfit models dropped."""
    rows: dict[str, Momentum] = {}
    for m in momentum:
        # Prefer a model's live row over a "left" row should a caller pass both.
        if m.slug not in rows or rows[m.slug].status == "left":
            rows[m.slug] = m
    excluded = set(rules.exclude)
    # Excluded or unfit models must not take a mover slot from one that can be tested.
    eligible = [m for m in rows.values() if m.slug not in excluded and _requirement_check(tier_config, m)[0]]
    top_n = max((m.rank for m in momentum if m.rank is not None), default=0)
    proposals = [(model, [reason]) for model, reason in _current(tier_name, current)]
    proposals += _mover_reasons(eligible, rules, top_n)
    proposals += [(model, ["configured alternate"]) for model in rules.alternates]

    reasons_by_model: dict[str, list[str]] = {}
    for model, reasons in proposals:
        collected = reasons_by_model.setdefault(model, [])
        collected.extend(r for r in reasons if r not in collected)

    out: list[Candidate] = []
    for model, reasons in reasons_by_model.items():
        if model in excluded:
            continue
        row = rows.get(model)
        fits, flags = _requirement_check(tier_config, row)
        if fits:
            out.append(Candidate(model=model, reasons=[*reasons, *flags], momentum=row))
    return out
