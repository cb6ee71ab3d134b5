"""Parsers from each public rankings source's own shape to `RankingSnapshot`.

Pure functions over already-loaded data plus the path (for error messages only), so each format is
tested with plain values. Every problem raises InputError naming the file and the field.

Date convention: every snapshot's `date` is the FIRST DAY of the 7-day week it covers, whatever the
source calls it. The weekly top-N files are labelled by the day they were scraped and sum the 7 full
days before that day, so their snapshot is dated file date - 7 days and `meta.as_of` keeps the file's
own date; rankings-daily windows and manual files are already labelled by their first day.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evals.errors import InputError, validated
from evals.files import load_yaml
from routing.rankings.catalog import per_mtok
from routing.rankings.records import (
    DATASET_LICENSE,
    DATASET_URL,
    LEADERBOARD_URL,
    RankingRow,
    RankingSnapshot,
    SnapshotMeta,
    make_row,
)

WEEKLY_CITATION = (
    "Weekly figures: OpenRouter's public leaderboard (https://openrouter.ai/rankings), "
    "as compiled by github.com/johnbean393/openrouter-inference-stats."
)
WEEKLY_LAG = timedelta(days=7)  # a weekly top-N file dated D covers D-7 .. D-1
_TOKENS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMBT]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
SlugMap = dict[str, str] | None


def parse_tokens(value: Any) -> int:
    """A token count as written by people or sources: 806000000000, "806B", "3.43T"."""
    if isinstance(value, bool):
        raise ValueError(f"not a token count: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"negative token count: {value}")
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    match = _TOKENS.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"not a token count: {value!r} (use an integer or e.g. 3.43T, 806B)")
    amount = Decimal(match.group(1)) * _UNITS[match.group(2).upper()]
    if amount != amount.to_integral_value():
        raise ValueError(f"{value!r} is not a whole number of tokens")
    return int(amount)


def percent_to_fraction(value: float | None) -> float | None:
    """66 (percent, as sources print it) → 0.66, without float noise."""
    return None if value is None else float(Decimal(str(value)) / 100)


def _prices(prompt: Any, completion: Any, path: Path, where: str) -> tuple[float | None, float | None]:
    out = []
    for field, value in (("prompt_price", prompt), ("completion_price", completion)):
        try:
            out.append(per_mtok(value))
        except ValueError as exc:
            raise InputError(path, f"{where}.{field}", str(exc)) from None
    return out[0], out[1]


def _snapshot(
    day: date, rows: list[RankingRow], meta: SnapshotMeta, path: Path, field: str
) -> RankingSnapshot:
    if not rows:
        raise InputError(path, field, "no models listed")
    try:
        return RankingSnapshot(date=day, rows=rows, meta=meta)
    except ValidationError as exc:
        raise InputError(path, field, exc.errors()[0]["msg"]) from None


def _iso_date(value: Any, path: Path, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(path, field, f"not a date (YYYY-MM-DD): {value!r}") from None


# --- weekly top-N (openrouter-inference-stats JSON, and its flattened CSV) --------------------------


class _WeeklyModel(BaseModel):
    """One `models[]` entry; prices are USD per token, percent_change is in percent."""

    model_config = ConfigDict(extra="ignore")
    rank: int = Field(ge=1)
    slug: str = Field(min_length=1)
    name: str | None = None
    total_tokens: int = Field(ge=0)
    percent_change: float | None = None
    prompt_price: float | None = None
    completion_price: float | None = None


def weekly_week_start(file_day: date) -> date:
    """The first day of the week a weekly top-N file dated `file_day` covers (its snapshot's date)."""
    return file_day - WEEKLY_LAG


def weekly_file_day(week_start: date) -> date:
    """The date of the weekly top-N file that covers the week starting `week_start`."""
    return week_start + WEEKLY_LAG


def _weekly_meta(file_day: date) -> SnapshotMeta:
    start = weekly_week_start(file_day)
    note = (
        f"Week {start}..{file_day - timedelta(days=1)}: the upstream file dated {file_day} (as_of) sums "
        "the 7 full days before that date; the snapshot is dated by the week's first day."
    )
    return SnapshotMeta(
        source_url=LEADERBOARD_URL, as_of=file_day.isoformat(), citation=WEEKLY_CITATION, note=note
    )


def _weekly_row(raw: Any, path: Path, where: str, slug_map: SlugMap) -> RankingRow:
    if not isinstance(raw, dict):
        raise InputError(path, where, "expected an object")
    item = validated(_WeeklyModel, raw, path, where)
    prompt, completion = _prices(item.prompt_price, item.completion_price, path, where)
    return make_row(
        rank=item.rank,
        permaslug=item.slug,
        name=item.name,
        total_tokens=item.total_tokens,
        reported_change=percent_to_fraction(item.percent_change),
        prompt_price_per_mtok=prompt,
        completion_price_per_mtok=completion,
        slug_map=slug_map,
    )


def parse_weekly_json(raw: Any, path: str | Path, slug_map: SlugMap = None) -> RankingSnapshot:
    """One weekly top-N file: `{date, models: [{rank, slug, name, total_tokens, percent_change, ...}]}`.

    The file's `date` is the day it was scraped and its figures sum the 7 full days before it, so the
    snapshot is dated `date - 7 days` (the week's first day) and `meta.as_of` is the file's `date`.
    """
    p = Path(path)
    if not isinstance(raw, dict):
        raise InputError(p, None, "expected an object with date and models")
    day = _iso_date(raw.get("date"), p, "date")
    models = raw.get("models")
    if not isinstance(models, list):
        raise InputError(p, "models", "expected a list")
    rows = [_weekly_row(m, p, f"models[{i}]", slug_map) for i, m in enumerate(models)]
    return _snapshot(weekly_week_start(day), rows, _weekly_meta(day), p, "models")


CSV_COLUMNS = ("rank", "slug", "name", "total_tokens", "percent_change", "prompt_price", "completion_price")


def parse_weekly_csv(text: str, path: str | Path, slug_map: SlugMap = None) -> list[RankingSnapshot]:
    """The flattened weekly CSV (one row per week x model) → one snapshot per `week_end` (or `date`).

    `week_end` is the weekly file's date (the day it was scraped); like `parse_weekly_json`, each
    snapshot is dated `week_end - 7 days`, the first of the 7 full days it sums, with `as_of` = week_end.
    """
    p = Path(path)
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or ())
    date_col = "week_end" if "week_end" in header else "date"
    missing = [c for c in (date_col, *CSV_COLUMNS) if c not in header]
    if missing:
        raise InputError(p, "header", f"missing column(s): {', '.join(missing)}")
    weeks: dict[date, list[RankingRow]] = defaultdict(list)
    for record in reader:
        where = f"line {reader.line_num}"
        day = _iso_date(record[date_col], p, f"{where}.{date_col}")
        cleaned = {k: (v if v not in ("", None) else None) for k, v in record.items() if k is not None}
        weeks[day].append(_weekly_row(cleaned, p, where, slug_map))
    if not weeks:
        raise InputError(p, None, "no data rows")
    return [
        _snapshot(weekly_week_start(day), rows, _weekly_meta(day), p, date_col)
        for day, rows in sorted(weeks.items())
    ]


# --- manual weekly YAML (figures copied by hand from the public leaderboard) -----------------------


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


def parse_manual_weekly(raw: Any, path: str | Path, slug_map: SlugMap = None) -> RankingSnapshot:
    """A hand-written weekly file (format: manual-weekly, version: 1); see reports/rankings/sources/."""
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
                slug_map=slug_map,
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
    return _snapshot(doc.date, rows, meta, p, "rows")


def load_manual_weekly(path: str | Path, slug_map: SlugMap = None) -> RankingSnapshot:
    return parse_manual_weekly(load_yaml(path), path, slug_map)


# --- OpenRouter Data API: rankings-daily ----------------------------------------------------------


class _DailyRow(BaseModel):
    model_config = ConfigDict(extra="ignore")
    date: str
    model_permaslug: str = Field(min_length=1)
    variant: str | None = None
    total_tokens: int | None = Field(None, ge=0)
    total_prompt_tokens: int | None = Field(None, ge=0)
    total_completion_tokens: int | None = Field(None, ge=0)

    def tokens(self) -> int | None:
        """total_tokens, else prompt + completion (reasoning tokens are part of completion)."""
        if self.total_tokens is not None:
            return self.total_tokens
        if self.total_prompt_tokens is None or self.total_completion_tokens is None:
            return None
        return self.total_prompt_tokens + self.total_completion_tokens


def _daily_variant(value: str | None) -> str | None:
    return None if value in (None, "", "standard") else value


def _daily_citation(as_of: str | None) -> str:
    return (
        f"OpenRouter rankings-daily dataset ({DATASET_URL}), {DATASET_LICENSE}"
        + (f", data as of {as_of}" if as_of else "")
        + "."
    )


def parse_rankings_daily(raw: Any, path: str | Path, slug_map: SlugMap = None) -> list[RankingSnapshot]:
    """Daily top-50 rows → one snapshot per 7-day window, windows ending on the data's last day.

    Windows count back from the newest day so the latest snapshot is a full week; a window with
    fewer than 7 days of data is labelled partial in `meta.note`, and a partial oldest window is
    dropped when newer windows exist (its totals would fake a drop in the next week's growth).
    The `other` row (everything outside the top 50) is not a model and is skipped.
    """
    p = Path(path)
    data = raw.get("data") if isinstance(raw, dict) else None
    if not isinstance(data, list):
        raise InputError(p, "data", "expected a list of daily rows")
    meta_in = raw.get("meta") if isinstance(raw.get("meta"), dict) else {}
    as_of = str(meta_in["as_of"]) if meta_in.get("as_of") is not None else None
    per_day: dict[date, dict[tuple[str, str | None], int]] = defaultdict(lambda: defaultdict(int))
    for i, item in enumerate(data):
        where = f"data[{i}]"
        if not isinstance(item, dict):
            raise InputError(p, where, "expected an object")
        row = validated(_DailyRow, item, p, where)
        if row.model_permaslug.strip().lower() == "other":
            continue
        tokens = row.tokens()
        if tokens is None:
            raise InputError(p, f"{where}.total_tokens", "missing: need total_tokens or prompt + completion")
        day = _iso_date(row.date, p, f"{where}.date")
        per_day[day][(row.model_permaslug, _daily_variant(row.variant))] += tokens
    if not per_day:
        raise InputError(p, "data", "no model rows")
    last = max(per_day)
    windows: dict[date, list[date]] = defaultdict(list)
    for day in per_day:
        windows[last - timedelta(days=6 + 7 * ((last - day).days // 7))].append(day)
    starts = sorted(windows)
    if len(starts) > 1 and len(windows[starts[0]]) < 7:
        starts = starts[1:]
    return [_daily_window(start, windows[start], per_day, as_of, p, slug_map) for start in starts]


def _daily_window(
    start: date,
    days: list[date],
    per_day: dict[date, dict[tuple[str, str | None], int]],
    as_of: str | None,
    path: Path,
    slug_map: SlugMap,
) -> RankingSnapshot:
    totals: dict[tuple[str, str | None], int] = defaultdict(int)
    for day in days:
        for key, tokens in per_day[day].items():
            totals[key] += tokens
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or ""))
    rows = []
    for rank, ((permaslug, variant), tokens) in enumerate(ordered, start=1):
        rows.append(
            make_row(rank=rank, permaslug=permaslug, variant=variant, total_tokens=tokens, slug_map=slug_map)
        )
    end = start + timedelta(days=6)
    note = f"7-day window {start}..{end}"
    if len(days) < 7:
        note += f" (partial: {len(days)} of 7 days have data)"
    meta = SnapshotMeta(
        source_url=DATASET_URL,
        as_of=as_of,
        license=DATASET_LICENSE,
        citation=_daily_citation(as_of),
        note=note,
    )
    return _snapshot(start, rows, meta, path, "data")
