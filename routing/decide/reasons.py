"""Why a model is, or is not, tested on a tier: structured reasons and the requirement check. Pure.

A reason is a record (code, text, source, as_of), not a string, so the report can group, cite and
link it; `text` is what a person reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from routing.config import TierConfig
from routing.decide.momentum import Momentum
from routing.rankings.catalog import Catalog, CatalogModel


@dataclass(frozen=True)
class Reason:
    """code: incumbent_primary | incumbent_fallback | incumbent_gray | new_entrant | unseen | top_mover |
    fast_climber | alternate | real_model | price | tools_unknown | context_unknown |
    structured_outputs_unknown
    (picked or flagged), or excluded | expired | no_tools | context_too_short | no_structured_outputs
    (dropped). `source` / `as_of` say what the figure in `text` rests on."""

    code: str
    text: str
    source: str | None = None
    as_of: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Facts:
    """What is known about a model's capabilities, and from where (the catalog wins over rankings rows)."""

    tools: bool | None
    context: int | None
    structured: bool | None
    entry: CatalogModel | None
    source: str | None
    as_of: str | None


def facts_for(model: str, row: Momentum | None, catalog: Catalog | None) -> Facts:
    entry = catalog.get(model) if catalog is not None else None
    if entry is not None and catalog is not None:
        return Facts(
            entry.supports_tools,
            entry.context_length,
            entry.supports_structured_outputs,
            entry,
            catalog.label(),
            catalog.as_of,
        )
    if row is not None:
        return Facts(row.supports_tools, row.context_length, None, None, row.source_url, row.as_of)
    return Facts(None, None, None, None, None, None)


def _k(tokens: int) -> str:
    return f"{tokens // 1000}K" if tokens % 1000 == 0 else f"{tokens:,}"


def requirement_check(
    tier: str, config: TierConfig, facts: Facts, today: date | None
) -> tuple[bool, list[Reason]]:
    """(fits, reasons): a known failure drops the model (one reason saying why), an unknown fact passes
    with a flag. Unknown is never taken as "no"."""
    cite = {"source": facts.source, "as_of": facts.as_of}
    where = f"the catalog ({facts.source})" if facts.entry is not None else "the rankings snapshot"
    entry = facts.entry
    if entry is not None and today is not None and entry.expired(today):
        return False, [Reason("expired", f"expired on {entry.expiration_date} per {where}", **cite)]
    flags: list[Reason] = []
    needs = config.requires
    if needs.tools:
        if facts.tools is False:
            text = f"{where} lists no tools support; the {tier} tier requires tools"
            return False, [Reason("no_tools", text, **cite)]
        if facts.tools is None:
            flags.append(Reason("tools_unknown", "tools support unknown", **cite))
    if needs.min_context > 0:
        if facts.context is not None and facts.context < needs.min_context:
            text = f"context {_k(facts.context)} per {where}; the {tier} tier needs {_k(needs.min_context)}"
            return False, [Reason("context_too_short", text, **cite)]
        if facts.context is None:
            flags.append(Reason("context_unknown", "context length unknown", **cite))
    if needs.structured_outputs:
        if facts.structured is False:
            text = f"{where} lists no structured outputs; the {tier} tier requires them"
            return False, [Reason("no_structured_outputs", text, **cite)]
        if facts.structured is None:
            flags.append(Reason("structured_outputs_unknown", "structured outputs support unknown", **cite))
    return True, flags


def _usd(value: float | None) -> str:
    return "unknown" if value is None else f"${value:g}"


def price_reason(facts: Facts, config: TierConfig) -> Reason | None:
    """The list price from the catalog: base, cache read, and the long-context tier a tier's prompts reach."""
    entry = facts.entry
    if entry is None:
        return None
    parts = [f"{_usd(entry.prompt_price_per_mtok)} in / {_usd(entry.completion_price_per_mtok)} out per Mtok"]
    if entry.cache_read_price_per_mtok is not None:
        parts.append(f"cache read {_usd(entry.cache_read_price_per_mtok)}")
    for tier in sorted(entry.price_tiers, key=lambda t: t.min_prompt_tokens):
        reached = (
            " (this tier's prompts reach it)" if config.requires.min_context >= tier.min_prompt_tokens else ""
        )
        parts.append(
            f"from {_k(tier.min_prompt_tokens)} prompt tokens {_usd(tier.prompt_price_per_mtok)} in / "
            f"{_usd(tier.completion_price_per_mtok)} out{reached}"
        )
    if entry.time_of_day_pricing:
        parts.append("price varies by time of day")
    return Reason("price", "; ".join(parts), source=facts.source, as_of=facts.as_of)
