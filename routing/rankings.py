"""Normalized public-rankings snapshots: the records, format detection, and the snapshot folder.

Every importer (routing/rankings_formats.py) turns a source's own shape into one `RankingSnapshot` per
week, so momentum never needs to know where a number came from, while `meta` keeps that provenance
(source URL, as_of, license, citation) next to the numbers.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from routing.catalog import Catalog
from routing.errors import InputError, validated
from routing.slugs import to_catalog_slug
from routing.yamlio import atomic_write

LEADERBOARD_URL = "https://openrouter.ai/rankings"
DATASET_URL = "https://openrouter.ai/api/v1/datasets/rankings-daily"
DATASET_LICENSE = "CC BY 4.0"

Format = Literal["weekly_json", "weekly_csv", "manual_weekly", "rankings_daily", "models_catalog"]


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
    total_tokens: int = Field(ge=0)
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
    slug_map: dict[str, str] | None = None,
) -> RankingRow:
    """Build a row, deriving the catalog slug and variant from the permaslug unless given."""
    parts = to_catalog_slug(permaslug, slug_map)
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


def apply_catalog(snapshot: RankingSnapshot, catalog: Catalog) -> RankingSnapshot:
    """Re-key rows by the catalog's own slug map and fill unknown prices, context and tools support."""
    slug_map = dict(catalog.slug_map())
    rows = []
    for row in snapshot.rows:
        slug = to_catalog_slug(row.permaslug, slug_map).slug
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


# --- files -----------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"cannot read: {exc}") from None


def _parse_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"line {exc.lineno}", f"invalid JSON: {exc.msg}") from None


def _json_format(raw: Any) -> Format | None:
    """Tell the JSON sources apart by shape, not by file name."""
    if isinstance(raw, dict) and "models" in raw and "date" in raw:
        return "weekly_json"
    data = raw.get("data") if isinstance(raw, dict) else raw
    if not isinstance(data, list):
        return None
    first = next((item for item in data if isinstance(item, dict)), None)
    if first is not None:
        if "model_permaslug" in first:
            return "rankings_daily"
        if "pricing" in first or "canonical_slug" in first:
            return "models_catalog"
        return None
    meta = raw.get("meta") if isinstance(raw, dict) else None
    return "rankings_daily" if isinstance(meta, dict) and "start_date" in meta else None


def _looks_like_csv(text: str) -> bool:
    header = {c.strip() for c in next(csv.reader(io.StringIO(text.partition("\n")[0])), [])}
    return {"rank", "slug", "total_tokens"} <= header and bool({"week_end", "date"} & header)


def detect_format(path: str | Path) -> Format:
    """Which source a file is: weekly top-N JSON/CSV, manual weekly YAML, rankings-daily or catalog."""
    p = Path(path)
    text = _read_text(p)
    return _detect(p, text)[0]


def _detect(p: Path, text: str) -> tuple[Format, Any]:
    if p.suffix.lower() in (".yaml", ".yml"):
        return "manual_weekly", None
    if p.suffix.lower() == ".csv" or _looks_like_csv(text):
        return "weekly_csv", text
    raw = _parse_json(p, text)
    fmt = _json_format(raw)
    if fmt is None:
        raise InputError(
            p,
            None,
            "unrecognised rankings format; expected weekly top-N JSON ({date, models}), weekly CSV, manual "
            "weekly YAML, rankings-daily JSON ({data: [{model_permaslug, ...}]}) or /api/v1/models JSON",
        )
    return fmt, raw


def import_file(path: str | Path, catalog: Catalog | None = None) -> list[RankingSnapshot]:
    """Read any supported rankings file into weekly snapshots (sorted by date)."""
    from routing import rankings_formats as formats  # the parsers import this module's records

    p = Path(path)
    text = _read_text(p)
    fmt, payload = _detect(p, text)
    slug_map = dict(catalog.slug_map()) if catalog is not None else None
    if fmt == "models_catalog":
        raise InputError(
            p, None, "this is a models catalog (/api/v1/models), not rankings: load it with load_catalog"
        )
    if fmt == "weekly_json":
        snapshots = [formats.parse_weekly_json(payload, p, slug_map)]
    elif fmt == "weekly_csv":
        snapshots = formats.parse_weekly_csv(payload, p, slug_map)
    elif fmt == "manual_weekly":
        snapshots = [formats.load_manual_weekly(p, slug_map)]
    else:
        snapshots = formats.parse_rankings_daily(payload, p, slug_map)
    if catalog is not None:
        snapshots = [apply_catalog(s, catalog) for s in snapshots]
    return sorted(snapshots, key=lambda s: s.date)


def dump_snapshot(snapshot: RankingSnapshot) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, trailing newline."""
    data = snapshot.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def save_snapshot(snapshot: RankingSnapshot, folder: str | Path) -> Path:
    """Write `<folder>/<date>.json` atomically; the same snapshot always gives the same bytes."""
    return atomic_write(Path(folder) / f"{snapshot.date.isoformat()}.json", dump_snapshot(snapshot))


def load_snapshot(path: str | Path) -> RankingSnapshot:
    """Read one saved snapshot; its file name must be its date."""
    p = Path(path)
    raw = _parse_json(p, _read_text(p))
    if not isinstance(raw, dict):
        raise InputError(p, None, "expected a snapshot object with date, rows and meta")
    snapshot = validated(RankingSnapshot, raw, p)
    if p.stem != snapshot.date.isoformat():
        raise InputError(p, "date", f"{snapshot.date} does not match the file name {p.name}")
    return snapshot


def load_snapshots(folder: str | Path) -> list[RankingSnapshot]:
    """All `<date>.json` snapshots in a folder (not its subfolders), oldest first."""
    p = Path(folder)
    if not p.is_dir():
        raise InputError(p, None, "rankings folder not found")
    snapshots = [load_snapshot(f) for f in sorted(p.glob("*.json"))]
    return sorted(snapshots, key=lambda s: s.date)
