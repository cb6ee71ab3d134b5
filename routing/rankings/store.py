"""The rankings folder as a store: weekly snapshots, catalogs and raw responses, never overwritten by
accident.

Every write is planned first (a week given twice in one batch, or already stored with other content,
stops the batch before anything is written); `replace=True` is the only way to overwrite a stored
week, and the plan says what it replaces. Storing the same content again is "unchanged", not a write.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from evals.errors import InputError
from evals.files import atomic_write, read_text
from routing.rankings.catalog import Catalog
from routing.rankings.files import dump_snapshot, load_catalog, load_snapshot
from routing.rankings.records import RankingSnapshot

CATALOG_DIR = "catalog"
RAW_DIR = "raw"
Action = Literal["new", "unchanged", "replace"]


@dataclass(frozen=True)
class PlannedWrite:
    """One file the import will write (or leave as is), and why."""

    path: Path
    origin: Path | str  # the file or URL the figures came from
    text: str
    action: Action
    what: str  # "week 2026-05-04 (10 rows)" or "catalog 2024-08-01 (178 models)"
    replaces: str | None = None  # what the stored file held, for --replace


def _describe(snapshot: RankingSnapshot) -> str:
    return f"week {snapshot.date} ({len(snapshot.rows)} rows, as of {snapshot.meta.as_of or 'unknown'})"


def plan_snapshots(
    items: Sequence[tuple[Path | str, RankingSnapshot]], folder: Path, replace: bool = False
) -> list[PlannedWrite]:
    """Plan `<folder>/<week>.json` for every (origin file, snapshot); refuse duplicates and overwrites."""
    seen: dict[str, Path | str] = {}
    plans = []
    for origin, snapshot in items:
        week = snapshot.date.isoformat()
        if week in seen:
            raise InputError(
                origin, "date", f"week {week} is given twice (also in {seen[week]}): import only one of them"
            )
        seen[week] = origin
        path = folder / f"{week}.json"
        text = dump_snapshot(snapshot)
        plans.append(_plan(path, origin, text, _describe(snapshot), replace, _stored_snapshot))
    return plans


def _stored_snapshot(path: Path) -> str:
    return _describe(load_snapshot(path))


def _plan(path: Path, origin: Path | str, text: str, what: str, replace: bool, describe: Any) -> PlannedWrite:
    if not path.exists():
        return PlannedWrite(path, origin, text, "new", what)
    if read_text(path) == text:
        return PlannedWrite(path, origin, text, "unchanged", what)
    stored = describe(path)
    if not replace:
        raise InputError(
            origin,
            None,
            f"{what} is already stored in {path} as {stored}; nothing was written "
            "(use --replace to overwrite it)",
        )
    return PlannedWrite(path, origin, text, "replace", what, replaces=stored)


def _catalog_what(catalog: Catalog) -> str:
    return f"catalog {catalog.as_of or 'undated'} ({len(catalog.models)} models)"


def plan_catalog(
    origin: Path | str, text: str, catalog: Catalog, folder: Path, day: str, replace: bool = False
) -> list[PlannedWrite]:
    """Plan `<folder>/catalog/models-<day>.json` (the response as received) and its `.meta.json`."""
    base = folder / CATALOG_DIR / f"models-{day}"
    meta = json.dumps(
        {"as_of": day, "source": str(origin), "models": len(catalog.models)}, indent=2, sort_keys=True
    )
    what = _catalog_what(catalog.model_copy(update={"as_of": day}))

    def stored(path: Path) -> str:
        return _catalog_what(load_catalog(path))

    main = _plan(base.with_suffix(".json"), origin, text, what, replace, stored)
    side = PlannedWrite(
        base.with_suffix(".meta.json"), origin, meta + "\n", main.action, f"{what} provenance"
    )
    return [main, side]


def write(plans: Sequence[PlannedWrite]) -> list[PlannedWrite]:
    """Carry out a plan (only after every file of the batch was planned without error)."""
    for plan in plans:
        if plan.action != "unchanged":
            atomic_write(plan.path, plan.text)
    return list(plans)


def write_raw(folder: Path, name: str, body: str, meta: dict[str, Any]) -> tuple[Path, Path]:
    """A response body exactly as received, plus a `.meta.json` with where and when it came from."""
    raw = atomic_write(folder / RAW_DIR / f"{name}.json", body)
    side = atomic_write(
        folder / RAW_DIR / f"{name}.meta.json", json.dumps(meta, indent=2, sort_keys=True) + "\n"
    )
    return raw, side


def catalog_files(folder: Path) -> list[Path]:
    """The stored catalogs (`catalog/models-<date>.json`), oldest first."""
    found = (folder / CATALOG_DIR).glob("models-*.json")
    return sorted(p for p in found if not p.name.endswith(".meta.json"))


def load_catalogs(folder: Path, last: int | None = None) -> list[Catalog]:
    """The stored catalogs, oldest first (the last `last` of them when given)."""
    files = catalog_files(folder)
    chosen = files[-last:] if last else files
    return [load_catalog(p, p.stem.removeprefix("models-")) for p in chosen]
