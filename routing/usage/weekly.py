"""Weekly aggregation of the normalized usage table (pandas): requests, failures, tokens, spend, p95.

Weeks start on Monday, the same days the rankings snapshots are dated by, so own traffic and the
public board line up week for week. A sum over rows of which any is unknown (NaN spend, activity rows
without failure counts) is unknown, never the partial sum.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from routing.usage.records import ModelWeek

if TYPE_CHECKING:
    import pandas as pd


def week_of(ts: pd.Series) -> pd.Series:
    """ISO date (text) of the Monday starting each timestamp's week (UTC)."""
    import pandas as pd

    day = ts.dt.tz_convert("UTC").dt.normalize()
    return (day - pd.to_timedelta(day.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")


def _known_sum(values: pd.Series) -> float | None:
    return None if values.isna().any() else float(values.sum())


def _p95_s(values: pd.Series) -> float | None:
    known = values.dropna()
    return None if known.empty else float(known.quantile(0.95)) / 1000


def model_weeks(table: pd.DataFrame) -> list[ModelWeek]:
    """One ModelWeek per (week, tier, model), sorted by week, tier, then tokens (largest first)."""
    frame = table.assign(
        week=week_of(table["ts"]),
        tier=table["tier"].astype(object).where(table["tier"].notna(), None),
        tokens=table["prompt_tokens"] + table["completion_tokens"],
    )
    out = []
    for (week, tier, model), rows in frame.groupby(["week", "tier", "model"], dropna=False, sort=True):
        failures = _known_sum(rows["failures"])
        out.append(
            ModelWeek(
                week=str(week),
                tier=None if tier is None or (isinstance(tier, float) and math.isnan(tier)) else str(tier),
                model=str(model),
                requests=int(rows["requests"].sum()),
                failures=None if failures is None else int(failures),
                tokens=int(rows["tokens"].sum()),
                spend_usd=_known_sum(rows["spend_usd"]),
                latency_p95_s=_p95_s(rows["duration_ms"]),
            )
        )
    return sorted(out, key=lambda w: (w.week, w.tier or "", -w.tokens, w.model))
