"""OpenRouter Data API `rankings-daily` → one snapshot per 7-day window (pandas does the grouping).

The endpoint returns, per UTC day, the top 50 models `{date, model_permaslug, total_tokens}` plus one
`other` row summing everything else, and `meta {as_of, start_date, end_date, version}`. Token counts
are decimal strings (64-bit safe); a non-default variant is a `:variant` suffix of the permaslug.
An older fixture shape (separate `variant`, prompt + completion counts) is read too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from evals.errors import InputError
from routing.rankings.formats.common import iso_date, snapshot, tokens_field
from routing.rankings.records import (
    DATASET_LICENSE,
    DATASET_URL,
    RankingSnapshot,
    SnapshotMeta,
    dataset_citation,
    make_row,
)
from routing.rankings.slugs import SlugRules

OTHER = "other"


@dataclass(frozen=True)
class DailyRow:
    day: date
    permaslug: str  # with its :variant suffix, as published; "other" for the long tail
    tokens: int


def _variant_suffix(permaslug: str, variant: Any) -> str:
    """Fold the fixture's separate `variant` field into the permaslug, the way the real API names it."""
    if variant in (None, "", "standard") or ":" in permaslug:
        return permaslug
    return f"{permaslug}:{variant}"


def daily_rows(raw: Any, path: Path) -> list[DailyRow]:
    """Validate every row; each problem names the file and `data[i]`."""
    data = raw.get("data") if isinstance(raw, dict) else None
    if not isinstance(data, list):
        raise InputError(path, "data", "expected a list of daily rows")
    rows = []
    for i, item in enumerate(data):
        where = f"data[{i}]"
        if not isinstance(item, dict):
            raise InputError(path, where, "expected an object")
        slug = item.get("model_permaslug")
        if not isinstance(slug, str) or not slug.strip():
            raise InputError(path, f"{where}.model_permaslug", "missing or not a string")
        if item.get("total_tokens") is not None:
            tokens = tokens_field(item["total_tokens"], path, f"{where}.total_tokens")
        elif item.get("total_prompt_tokens") is not None and item.get("total_completion_tokens") is not None:
            tokens = tokens_field(item["total_prompt_tokens"], path, f"{where}.total_prompt_tokens")
            tokens += tokens_field(item["total_completion_tokens"], path, f"{where}.total_completion_tokens")
        else:
            raise InputError(
                path, f"{where}.total_tokens", "missing: need total_tokens or prompt + completion"
            )
        day = iso_date(item.get("date"), path, f"{where}.date")
        rows.append(DailyRow(day, _variant_suffix(slug.strip(), item.get("variant")), tokens))
    return rows


@dataclass(frozen=True)
class Window:
    start: date
    days: int  # days of the 7 that have data
    totals: dict[str, int]  # permaslug -> tokens, the `other` row excluded
    market_total: int  # every row, `other` included


def weekly_windows(rows: Sequence[DailyRow], last: date) -> list[Window]:
    """Group daily rows into 7-day windows ending on `last`, counting back (pandas groupby)."""
    import pandas as pd  # lazily: never on the CLI start path

    frame = pd.DataFrame(
        {
            "day": [r.day for r in rows],
            "slug": [r.permaslug for r in rows],
            "tokens": [r.tokens for r in rows],
        }
    )
    frame = frame[frame["day"] <= last]
    age = frame["day"].map(lambda d: (last - d).days)
    frame = frame.assign(start=[last - timedelta(days=6 + 7 * (a // 7)) for a in age])
    frame = frame.assign(is_other=frame["slug"].str.strip().str.lower() == OTHER)
    windows = []
    for start, group in frame.groupby("start", sort=True):
        models = group[~group["is_other"]].groupby("slug")["tokens"].sum()
        windows.append(
            Window(
                start=start,
                days=int(group["day"].nunique()),
                totals={str(k): int(v) for k, v in models.items()},
                market_total=int(group["tokens"].sum()),
            )
        )
    return windows


def parse_rankings_daily(raw: Any, path: str | Path, rules: SlugRules | None = None) -> list[RankingSnapshot]:
    """Daily top-50 rows → one snapshot per 7-day window, windows ending on the data's last day.

    Windows count back from the newest day with data so the latest
    snapshot is a full week; a window with fewer than 7 days of data is labelled partial in
    `meta.note`, and a partial oldest window is dropped when newer windows exist (its totals would
    fake a drop in the next week's growth). The `other` row is not a model: it only counts towards
    the window's `market_total_tokens`, which is what shares are taken of.
    """
    p = Path(path)
    rows = daily_rows(raw, p)
    meta_in = raw.get("meta") if isinstance(raw.get("meta"), dict) else {}
    as_of = str(meta_in["as_of"]) if meta_in.get("as_of") is not None else None
    if not any(r.permaslug.lower() != OTHER for r in rows):
        raise InputError(p, "data", "no model rows")
    last = max(r.day for r in rows)
    windows = weekly_windows(rows, last)
    if len(windows) > 1 and windows[0].days < 7:
        windows = windows[1:]
    return [_snapshot(w, as_of, p, rules) for w in windows if w.totals]


def _snapshot(window: Window, as_of: str | None, path: Path, rules: SlugRules | None) -> RankingSnapshot:
    ordered = sorted(window.totals.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = [
        make_row(rank=rank, permaslug=permaslug, total_tokens=tokens, rules=rules)
        for rank, (permaslug, tokens) in enumerate(ordered, start=1)
    ]
    end = window.start + timedelta(days=6)
    note = f"7-day window {window.start}..{end}"
    if window.days < 7:
        note += f" (partial: {window.days} of 7 days have data)"
    meta = SnapshotMeta(
        source_url=DATASET_URL,
        as_of=as_of,
        license=DATASET_LICENSE,
        citation=dataset_citation(as_of),
        note=note,
        market_total_tokens=window.market_total,
    )
    return snapshot(window.start, rows, meta, path, "data")
