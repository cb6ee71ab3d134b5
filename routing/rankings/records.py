"""Normalized public-rankings snapshots: the records every source is turned into.

Every importer (routing/rankings/formats/) turns a source's own shape into one `RankingSnapshot` per
week, so momentum never needs to know where a number came from, while `meta` keeps that provenance
(source URL, as_of, license, citation) next to the numbers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from routing.rankings.catalog import Catalog
from routing.rankings.slugs import SlugRules

LEADERBOARD_URL = "https://openrouter.ai/rankings"
DATASET_URL = "https://openrouter.ai/api/v1/datasets/rankings-daily"
MODELS_URL = "https://openrouter.ai/api/v1/models"
DATASET_LICENSE = "CC BY 4.0"
LICENSE_LINE = "Licensed under CC BY 4.0."
TOKENIZER_NOTE = (
    "Token counts come from each upstream provider's own tokenizer, so counts of different models are "
    "not in the same unit."
)
# One model's tokens in one week above this are a unit or parsing error, not data: the whole of
# OpenRouter served about 1e13 tokens a week in 2026.
MAX_TOKENS = 10**15


def attribution(as_of: str | None) -> str:
    """The citation line the Data API documents for rankings-daily, with `meta.as_of` filled in."""
    return f"Source: OpenRouter (openrouter.ai/rankings), as of {as_of or 'unknown'}."


def dataset_citation(as_of: str | None) -> str:
    """Attribution plus the license line: what republishing the data itself needs (CC BY 4.0)."""
    return f"{attribution(as_of)} {LICENSE_LINE}"


class RankingRow(BaseModel):
    """One model on one week's leaderboard.

    `slug` is the catalog id (what policies and LiteLLM use); `permaslug` is the name the source used.
    `reported_change` is the source's own week-over-week change as a fraction (+66% → 0.66), kept
    apart from the change momentum recomputes from tokens, so a disagreement stays visible.
    """

    model_config = ConfigDict(extra="forbid")
    rank: int = Field(ge=1)
    slug: str = Field(min_length=1)
    permaslug: str = Field(min_length=1)
    name: str | None = None
    variant: str | None = None
    total_tokens: int = Field(ge=0, le=MAX_TOKENS)
    reported_change: float | None = None
    prompt_price_per_mtok: float | None = Field(None, ge=0)
    completion_price_per_mtok: float | None = Field(None, ge=0)
    context_length: int | None = Field(None, ge=0)
    supports_tools: bool | None = None
    category: str | None = None  # None = the overall leaderboard


class SnapshotMeta(BaseModel):
    """Where a snapshot's numbers come from, cited the way the source asks."""

    model_config = ConfigDict(extra="forbid")
    source_url: str = Field(min_length=1)
    as_of: str | None = None
    fetched_at: str | None = None
    license: str | None = None
    citation: str | None = None
    note: str | None = None
    # Everything the source counted that week, listed or not (rankings-daily's `other` row included);
    # None when the source lists only its top N, so shares are then of the listed rows only.
    market_total_tokens: int | None = Field(None, ge=0)


class RankingSnapshot(BaseModel):
    """One week of one leaderboard.

    `date` is the FIRST DAY of the 7-day week the figures cover (consecutive weeks are 7 days apart),
    whatever date the source printed: importers convert (see routing/rankings_formats.py), and
    `meta.as_of` keeps the date the figures were read or are as of.
    """

    model_config = ConfigDict(extra="forbid")
    date: date
    rows: list[RankingRow]
    meta: SnapshotMeta

    @model_validator(mode="after")
    def _ordered_and_unique(self) -> RankingSnapshot:
        self.rows.sort(key=lambda r: (r.rank, r.slug, r.variant or ""))
        ranks = [r.rank for r in self.rows]
        if len(set(ranks)) != len(ranks):
            dup = next(r for r in ranks if ranks.count(r) > 1)
            raise ValueError(f"rows: rank {dup} appears twice")
        keys = [(r.permaslug, r.variant) for r in self.rows]
        if len(set(keys)) != len(keys):
            dup_key = next(k for k in keys if keys.count(k) > 1)
            raise ValueError(f"rows: {dup_key[0]} (variant {dup_key[1]}) appears twice")
        return self


def make_row(
    *,
    rank: int,
    permaslug: str,
    total_tokens: int,
    name: str | None = None,
    variant: str | None = None,
    slug: str | None = None,
    reported_change: float | None = None,
    prompt_price_per_mtok: float | None = None,
    completion_price_per_mtok: float | None = None,
    rules: SlugRules | None = None,
) -> RankingRow:
    """Build a row, deriving the catalog slug and variant from the permaslug unless given."""
    parts = (rules or SlugRules()).resolve(permaslug)
    return RankingRow(
        rank=rank,
        slug=slug or parts.slug,
        permaslug=permaslug,
        name=name,
        variant=variant if variant is not None else parts.variant,
        total_tokens=total_tokens,
        reported_change=reported_change,
        prompt_price_per_mtok=prompt_price_per_mtok,
        completion_price_per_mtok=completion_price_per_mtok,
    )


def apply_catalog(
    snapshot: RankingSnapshot, catalog: Catalog, rules: SlugRules | None = None
) -> RankingSnapshot:
    """Re-key rows by the catalog's own slug map and fill unknown prices, context and tools support."""
    resolver = (rules or SlugRules()).with_catalog(catalog.slug_map())
    rows = []
    for row in snapshot.rows:
        slug = resolver.resolve(row.permaslug).slug
        entry = catalog.get(slug, row.variant)
        update: dict[str, Any] = {"slug": slug}
        if entry is not None:
            for field in (
                "prompt_price_per_mtok",
                "completion_price_per_mtok",
                "context_length",
                "supports_tools",
            ):
                if getattr(row, field) is None:
                    update[field] = getattr(entry, field)
            if row.name is None:
                update["name"] = entry.name
        rows.append(row.model_copy(update=update))
    note = f"context, tools and missing prices from catalog {Path(catalog.source or 'catalog').name}"
    meta = snapshot.meta.model_copy(
        update={"note": f"{snapshot.meta.note}; {note}" if snapshot.meta.note else note}
    )
    return RankingSnapshot(date=snapshot.date, rows=rows, meta=meta)
