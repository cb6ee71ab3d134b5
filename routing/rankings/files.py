"""The rankings files: read a source file (detecting its format), the alias table and catalogs, and the
snapshot folder (save and load). The parsers it calls are pure; every read happens here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from evals.errors import InputError, validated
from evals.files import atomic_write, load_yaml, parse_json, parse_yaml, read_text
from routing.rankings import formats
from routing.rankings.catalog import Catalog, is_catalog, parse_catalog
from routing.rankings.records import RankingSnapshot, apply_catalog
from routing.rankings.slugs import SlugRules, parse_aliases

Format = Literal["weekly_json", "weekly_csv", "manual_weekly", "rankings_daily", "models_catalog"]
ALIASES_FILE = Path(__file__).parent / "data" / "slug_aliases.yaml"
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def load_aliases(path: str | Path = ALIASES_FILE) -> dict[str, str]:
    """The alias table (default: the shipped routing/rankings/data/slug_aliases.yaml)."""
    return parse_aliases(load_yaml(path), path)


def default_rules(catalog: Catalog | None = None) -> SlugRules:
    """The shipped alias table, plus the catalog's own slug map when one is given."""
    rules = SlugRules(aliases=load_aliases())
    return rules.with_catalog(catalog.slug_map()) if catalog is not None else rules


def _json_format(raw: Any) -> Format | None:
    """Tell the JSON sources apart by shape, not by file name."""
    if isinstance(raw, dict) and "models" in raw and "date" in raw:
        return "weekly_json"
    if is_catalog(raw):
        return "models_catalog"
    data = raw.get("data") if isinstance(raw, dict) else raw
    if not isinstance(data, list):
        return None
    first = next((item for item in data if isinstance(item, dict)), None)
    if first is not None:
        return "rankings_daily" if "model_permaslug" in first else None
    meta = raw.get("meta") if isinstance(raw, dict) else None
    return "rankings_daily" if isinstance(meta, dict) and "start_date" in meta else None


def _looks_like_csv(text: str) -> bool:
    header = {c.strip() for c in next(csv.reader(io.StringIO(text.partition("\n")[0])), [])}
    return {"rank", "slug", "total_tokens"} <= header and bool({"week_end", "date"} & header)


def _detect(p: Path, text: str) -> tuple[Format, Any]:
    if p.suffix.lower() in (".yaml", ".yml"):
        return "manual_weekly", parse_yaml(text, p)
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


def detect_format(path: str | Path) -> Format:
    """Which source a file is: weekly top-N JSON/CSV, manual weekly YAML, rankings-daily or catalog."""
    p = Path(path)
    return _detect(p, read_text(p))[0]


@dataclass
class Imported:
    """What one source file holds: weekly snapshots, or a models catalog (with its raw text)."""

    path: Path
    format: Format
    snapshots: list[RankingSnapshot] = field(default_factory=list)
    catalog: Catalog | None = None
    text: str = ""


def catalog_date(path: Path) -> str | None:
    """A catalog file's date when its name carries one (models-api-history files do)."""
    match = _DATE_IN_NAME.search(path.name)
    return match.group(1) if match else None


def read_source(path: str | Path, catalog: Catalog | None = None, rules: SlugRules | None = None) -> Imported:
    """Read any supported rankings or catalog file; rankings come back as weekly snapshots by date."""
    p = Path(path)
    text = read_text(p)
    fmt, payload = _detect(p, text)
    if fmt == "models_catalog":
        return Imported(p, fmt, catalog=parse_catalog(payload, p, catalog_date(p)), text=text)
    rules = rules if rules is not None else default_rules()
    if catalog is not None:
        rules = rules.with_catalog(catalog.slug_map())
    if fmt == "weekly_json":
        snapshots = [formats.parse_weekly_json(payload, p, rules)]
    elif fmt == "weekly_csv":
        snapshots = formats.parse_weekly_csv(payload, p, rules)
    elif fmt == "manual_weekly":
        snapshots = [formats.parse_manual_weekly(payload, p, rules)]
    else:
        snapshots = formats.parse_rankings_daily(payload, p, rules)
    if catalog is not None:
        snapshots = [apply_catalog(s, catalog, rules) for s in snapshots]
    return Imported(p, fmt, snapshots=sorted(snapshots, key=lambda s: s.date), text=text)


def import_file(
    path: str | Path, catalog: Catalog | None = None, rules: SlugRules | None = None
) -> list[RankingSnapshot]:
    """Read a rankings file into weekly snapshots (sorted by date); a catalog file is refused here."""
    got = read_source(path, catalog, rules)
    if got.catalog is not None:
        raise InputError(
            got.path,
            None,
            "this is a models catalog (/api/v1/models), not rankings: load it with load_catalog",
        )
    return got.snapshots


def load_catalog(path: str | Path, as_of: str | None = None) -> Catalog:
    """Read a saved `/api/v1/models` JSON file; problems name the file and the field."""
    p = Path(path)
    return parse_catalog(parse_json(read_text(p), p), p, as_of or catalog_date(p))


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
