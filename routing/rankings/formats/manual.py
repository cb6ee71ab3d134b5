"""Manual weekly YAML: figures copied by hand from the public leaderboard (see reports/rankings/sources/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from evals.errors import InputError, validated
from routing.rankings.formats.common import parse_tokens, percent_to_fraction, snapshot
from routing.rankings.records import SnapshotMeta, make_row
from routing.rankings.slugs import SlugRules


class _ManualRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rank: int = Field(ge=1)
    name: str | None = None
    slug: str | None = None
    permaslug: str | None = None
    variant: str | None = None
    total_tokens: int | str | float
    change_pct: float | None = None
    prompt_price_per_mtok: float | None = Field(None, ge=0)
    completion_price_per_mtok: float | None = Field(None, ge=0)

    @field_validator("total_tokens")
    @classmethod
    def _tokens(cls, value: Any) -> int:
        return parse_tokens(value)


class _ManualWeekly(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["manual-weekly"]
    version: Literal[1]
    date: date
    week_end: date | None = None
    source_url: str = Field(min_length=1)
    as_of: date | str | None = None
    fetched_at: str | None = None
    license: str | None = None
    citation: str | None = None
    note: str | None = None
    rows: list[_ManualRow] = Field(min_length=1)


def parse_manual_weekly(raw: Any, path: str | Path, rules: SlugRules | None = None):
    """A hand-written weekly file (format: manual-weekly, version: 1) → one snapshot."""
    p = Path(path)
    if not isinstance(raw, dict):
        raise InputError(p, None, "expected a mapping with format, version, date, source_url and rows")
    doc = validated(_ManualWeekly, raw, p)
    rows = []
    for i, r in enumerate(doc.rows):
        if not (r.slug or r.permaslug):
            raise InputError(p, f"rows.{i}", "needs a slug or a permaslug")
        rows.append(
            make_row(
                rank=r.rank,
                permaslug=r.permaslug or r.slug or "",
                slug=r.slug,
                variant=r.variant,
                name=r.name,
                total_tokens=int(r.total_tokens),
                reported_change=percent_to_fraction(r.change_pct),
                prompt_price_per_mtok=r.prompt_price_per_mtok,
                completion_price_per_mtok=r.completion_price_per_mtok,
                rules=rules,
            )
        )
    as_of = doc.as_of.isoformat() if isinstance(doc.as_of, date) else doc.as_of
    meta = SnapshotMeta(
        source_url=doc.source_url,
        as_of=as_of,
        fetched_at=doc.fetched_at,
        license=doc.license,
        citation=doc.citation,
        note=doc.note,
    )
    return snapshot(doc.date, rows, meta, p, "rows")
