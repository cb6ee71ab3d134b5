"""Weekly top-N files (openrouter-inference-stats JSON, and its flattened CSV) → snapshots.

Date convention: every snapshot's `date` is the FIRST DAY of the 7-day week it covers. The weekly
top-N files are labelled by the day they were scraped and sum the 7 full days before that day, so
their snapshot is dated file date - 7 days and `meta.as_of` keeps the file's own date.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from evals.errors import InputError, validated
from routing.rankings.formats.common import iso_date, parse_tokens, percent_to_fraction, prices, snapshot
from routing.rankings.records import LEADERBOARD_URL, RankingRow, RankingSnapshot, SnapshotMeta, make_row
from routing.rankings.slugs import SlugRules

WEEKLY_CITATION = (
    "Weekly figures: OpenRouter's public leaderboard (https://openrouter.ai/rankings), "
    "as compiled by github.com/johnbean393/openrouter-inference-stats."
)
WEEKLY_LAG = timedelta(days=7)  # a weekly top-N file dated D covers D-7 .. D-1


class _WeeklyModel(BaseModel):
    """One `models[]` entry; prices are USD per token, percent_change is in percent."""

    model_config = ConfigDict(extra="ignore")
    rank: int = Field(ge=1)
    slug: str = Field(min_length=1)
    name: str | None = None
    total_tokens: int
    percent_change: float | None = None
    prompt_price: float | None = None
    completion_price: float | None = None

    @field_validator("total_tokens", mode="before")
    @classmethod
    def _tokens(cls, value: Any) -> int:
        try:
            return parse_tokens(value, units=False)
        except ValueError as exc:  # a plain message, without pydantic's "Value error, " prefix
            raise PydanticCustomError("token_count", str(exc)) from None

    @field_validator("percent_change", "prompt_price", "completion_price")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return value


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


def _weekly_row(raw: Any, path: Path, where: str, rules: SlugRules | None) -> RankingRow:
    if not isinstance(raw, dict):
        raise InputError(path, where, "expected an object")
    item = validated(_WeeklyModel, raw, path, where)
    prompt, completion = prices(item.prompt_price, item.completion_price, path, where)
    return make_row(
        rank=item.rank,
        permaslug=item.slug,
        name=item.name,
        total_tokens=item.total_tokens,
        reported_change=percent_to_fraction(item.percent_change),
        prompt_price_per_mtok=prompt,
        completion_price_per_mtok=completion,
        rules=rules,
    )


def parse_weekly_json(raw: Any, path: str | Path, rules: SlugRules | None = None) -> RankingSnapshot:
    """One weekly top-N file: `{date, models: [{rank, slug, name, total_tokens, percent_change, ...}]}`.

    The file's `date` is the day it was scraped and its figures sum the 7 full days before it, so the
    snapshot is dated `date - 7 days` (the week's first day) and `meta.as_of` is the file's `date`.
    """
    p = Path(path)
    if not isinstance(raw, dict):
        raise InputError(p, None, "expected an object with date and models")
    day = iso_date(raw.get("date"), p, "date")
    models = raw.get("models")
    if not isinstance(models, list):
        raise InputError(p, "models", "expected a list")
    rows = [_weekly_row(m, p, f"models[{i}]", rules) for i, m in enumerate(models)]
    return snapshot(weekly_week_start(day), rows, _weekly_meta(day), p, "models")


CSV_COLUMNS = ("rank", "slug", "name", "total_tokens", "percent_change", "prompt_price", "completion_price")


def parse_weekly_csv(text: str, path: str | Path, rules: SlugRules | None = None) -> list[RankingSnapshot]:
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
    first_line: dict[date, int] = {}
    for record in reader:
        where = f"line {reader.line_num}"
        if None in record or any(v is None for v in record.values()):
            raise InputError(p, where, f"expected {len(reader.fieldnames or ())} columns")
        day = iso_date(record[date_col], p, f"{where}.{date_col}")
        first_line.setdefault(day, reader.line_num)
        cleaned = {k: (v if v != "" else None) for k, v in record.items()}
        weeks[day].append(_weekly_row(cleaned, p, where, rules))
    if not weeks:
        raise InputError(p, None, "no data rows")
    return [
        snapshot(weekly_week_start(day), rows, _weekly_meta(day), p, f"line {first_line[day]}.{date_col}")
        for day, rows in sorted(weeks.items())
    ]
