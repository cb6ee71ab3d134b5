"""The rankings files: detect a source's format, import it, and the snapshot folder (save and load)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Literal

from evals.errors import InputError, validated
from evals.files import atomic_write, parse_json, read_text
from routing.rankings import formats
from routing.rankings.catalog import Catalog
from routing.rankings.records import RankingSnapshot, apply_catalog

Format = Literal["weekly_json", "weekly_csv", "manual_weekly", "rankings_daily", "models_catalog"]


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
    text = read_text(p)
    return _detect(p, text)[0]


def _detect(p: Path, text: str) -> tuple[Format, Any]:
    if p.suffix.lower() in (".yaml", ".yml"):
        return "manual_weekly", None
    if p.suffix.lower() == ".csv" or _looks_like_csv(text):
        return "weekly_csv", text
    raw = parse_json(text, p)
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
    p = Path(path)
    text = read_text(p)
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
    raw = parse_json(read_text(p), p)
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
