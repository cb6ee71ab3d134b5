"""`routing rankings fetch | import | show`: read sources, store weeks and catalogs, compute momentum.

Every batch is planned before anything is written: a bad file, a week given twice or a stored week
that would be overwritten without `replace` stops the batch with one line naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from evals.errors import DomainError, InputError, OptionError
from routing.config import Config
from routing.rankings import store
from routing.rankings.catalog import Catalog, parse_catalog
from routing.rankings.files import default_rules, load_snapshots, read_source
from routing.rankings.records import (
    DATASET_LICENSE,
    DATASET_URL,
    LICENSE_LINE,
    MODELS_URL,
    RankingSnapshot,
    apply_catalog,
    attribution,
)


def rankings_folder(config: Config) -> Path:
    return config.resolve(config.paths.rankings)


@dataclass
class ImportSummary:
    """What a batch wrote (or left as is), and what it replaced."""

    writes: list[store.PlannedWrite] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for w in self.writes:
            if w.path.name.endswith(".meta.json"):
                continue
            if w.action == "replace":
                out.append(f"{w.origin} -> {w.path}: replaced {w.replaces} with {w.what}")
            elif w.action == "unchanged":
                out.append(f"{w.origin} -> {w.path}: {w.what} already stored, unchanged")
            else:
                out.append(f"{w.origin} -> {w.path}: {w.what}")
        return out

    def count(self, action: str) -> int:
        return sum(1 for w in self.writes if w.action == action and not w.path.name.endswith(".meta.json"))


def latest_catalog(config: Config, rankings: Path | None = None) -> Catalog | None:
    """The newest stored catalog (`<rankings>/catalog/models-<date>.json`), None when there is none."""
    folder = config.resolve(rankings) if rankings else rankings_folder(config)
    found = store.load_catalogs(folder, last=1) if (folder / store.CATALOG_DIR).is_dir() else []
    return found[-1] if found else None


def import_files(
    config: Config, files: Sequence[Path], replace: bool = False, today: str | None = None
) -> ImportSummary:
    """Import rankings and catalog files into the rankings folder; nothing is written unless all are fine."""
    folder = rankings_folder(config)
    catalog = latest_catalog(config)
    rules = default_rules()
    weeks: list[tuple[Path, RankingSnapshot]] = []
    plans: list[store.PlannedWrite] = []
    catalog_days: dict[str, Path] = {}
    for file in files:
        got = read_source(file, catalog, rules)
        if got.catalog is not None:
            day = got.catalog.as_of or today or date.today().isoformat()
            if day in catalog_days:
                raise InputError(
                    got.path, None, f"a catalog dated {day} is given twice (also {catalog_days[day]})"
                )
            catalog_days[day] = got.path
            plans += store.plan_catalog(got.path, got.text, got.catalog, folder, day, replace)
        else:
            weeks += [(got.path, s) for s in got.snapshots]
    plans += store.plan_snapshots(weeks, folder, replace)
    return ImportSummary(store.write(plans))


@dataclass
class FetchSummary:
    imported: ImportSummary
    raw: list[Path]
    as_of: str | None
    retries: list[float]


DATASET_FLOOR = date(2025, 1, 1)  # the dataset's first day; an earlier end_date is a 400


def _window(start: str | None, end: str | None) -> dict[str, str]:
    """The query window, checked before any request is spent on it."""
    days = {}
    for name, value in (("--start", start), ("--end", end)):
        if value:
            try:
                days[name] = date.fromisoformat(value)
            except ValueError:
                raise OptionError(name, f"{value!r} is not a date: use YYYY-MM-DD") from None
    if "--end" in days and days["--end"] < DATASET_FLOOR:
        raise OptionError(
            "--end", f"{end} is before {DATASET_FLOOR}, where the rankings-daily dataset begins"
        )
    if len(days) == 2 and days["--start"] > days["--end"]:
        raise OptionError("--start", f"{start} is after --end {end}")
    return {"start_date": start or "", "end_date": end or ""}


def fetch(
    config: Config,
    start: str | None = None,
    end: str | None = None,
    *,
    replace: bool = False,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
    client: Any = None,
) -> FetchSummary:
    """Fetch the models catalog and rankings-daily, save both raw, store the weekly windows."""
    from routing.rankings.fetch import DEFAULT_BASE_URL, KEY_ENV, Client

    params = _window(start, end)
    environ = os.environ if env is None else env
    key = environ.get(KEY_ENV)
    if not key:
        raise DomainError(
            f"set {KEY_ENV} to fetch OpenRouter rankings: any OpenRouter API key works for the Data API "
            "(or import saved files with `routing rankings import`)"
        )
    folder = rankings_folder(config)
    with client or Client(key, base_url or DEFAULT_BASE_URL) as http:
        models = http.get_json("models")
        daily = http.get_json("datasets/rankings-daily", params)
    catalog_day = models.fetched_at[:10]
    catalog = parse_catalog(models.data, models.url, catalog_day)
    rules = default_rules(catalog)
    meta_in = daily.data.get("meta") if isinstance(daily.data, dict) else None
    as_of = str(meta_in.get("as_of")) if isinstance(meta_in, dict) and meta_in.get("as_of") else None
    got = read_source_text(daily.body, daily.url, rules)
    public = _public_url(DATASET_URL, params)
    snapshots = [
        apply_catalog(s, catalog, rules).model_copy(
            update={"meta": s.meta.model_copy(update={"fetched_at": daily.fetched_at, "source_url": public})}
        )
        for s in got
    ]
    plans = store.plan_catalog(MODELS_URL, models.body, catalog, folder, catalog_day, replace)
    plans += store.plan_snapshots([(public, s) for s in snapshots], folder, replace)
    stamp = daily.fetched_at.replace(":", "").replace("-", "")
    window = "_".join(str(meta_in.get(k, "")) for k in ("start_date", "end_date")) if meta_in else "window"
    raw = store.write_raw(
        folder,
        f"rankings-daily_{window}_{stamp}",
        daily.body,
        {
            "source_url": public,
            "as_of": as_of,
            "fetched_at": daily.fetched_at,
            "meta": meta_in,
            "attribution": attribution(as_of),
            "license": LICENSE_LINE,
            "license_name": DATASET_LICENSE,
        },
    )
    return FetchSummary(ImportSummary(store.write(plans)), list(raw), as_of, list(http.waits))


def _public_url(base: str, params: Mapping[str, str]) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return f"{base}?{query}" if query else base


def read_source_text(body: str, url: str, rules: Any) -> list[RankingSnapshot]:
    """Parse a fetched rankings-daily body (the same parser `rankings import` uses for a saved one)."""
    from evals.files import parse_json
    from routing.rankings import formats

    return formats.parse_rankings_daily(parse_json(body, url), url, rules)


@dataclass
class Board:
    """Everything `rankings show` prints: the model-weeks, the week summaries, catalog changes."""

    weeks: list[Any]
    summaries: list[Any]
    catalog_changes: Any
    snapshots: list[RankingSnapshot]


def show(config: Config, weeks: int | None = None) -> Board:
    """Momentum over the stored weeks (the last `weeks` of them), and price changes between catalogs."""
    from routing.decide.market import catalog_changes, week_summaries
    from routing.decide.series import last_weeks, model_weeks

    folder = rankings_folder(config)
    snapshots = load_snapshots(folder)
    shown = set(last_weeks(snapshots, weeks))
    series = [w for w in model_weeks(snapshots, config.candidates.fast_climber_wow) if w.week_start in shown]
    summaries = [s for s in week_summaries(snapshots) if s.week_start in shown]
    catalogs = store.load_catalogs(folder, last=2) if (folder / store.CATALOG_DIR).is_dir() else []
    changes = catalog_changes(catalogs[0], catalogs[1]) if len(catalogs) == 2 else None
    return Board(series, summaries, changes, [s for s in snapshots if s.date in shown])
