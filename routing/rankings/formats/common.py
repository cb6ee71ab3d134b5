"""Helpers every rankings format shares: token counts, percentages, prices, dates, snapshot building.

Pure functions over already-loaded values plus the path (for error messages only); every problem
raises InputError naming the file and the row or field.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evals.errors import InputError
from routing.rankings.catalog import per_mtok
from routing.rankings.records import MAX_TOKENS, RankingRow, RankingSnapshot, SnapshotMeta

_HUMAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMBT]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


def parse_tokens(value: Any, *, units: bool = True) -> int:
    """A token count: an integer, an integral float, a decimal string ("12345678", as the Data API
    sends 64-bit counts) or, with `units`, a human figure ("806B", "3.43T").

    NaN, infinities, negatives, fractions and counts above MAX_TOKENS are errors, never data.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a token count: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a token count: {value!r}")
        if not value.is_integer():
            raise ValueError(f"{value!r} is not a whole number of tokens")
        value = int(value)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        match = _HUMAN.match(value)
        if not match or (match.group(2) and not units):
            hint = " (use an integer or e.g. 3.43T, 806B)" if units else " (expected a whole number)"
            raise ValueError(f"not a token count: {value!r}{hint}")
        try:
            amount = Decimal(match.group(1)) * _UNITS[match.group(2).upper()]
        except InvalidOperation:
            raise ValueError(f"not a token count: {value!r}") from None
    else:
        raise ValueError(f"not a token count: {value!r}")
    if amount < 0:
        raise ValueError(f"negative token count: {value!r}")
    if amount != amount.to_integral_value():
        raise ValueError(f"{value!r} is not a whole number of tokens")
    if amount > MAX_TOKENS:
        raise ValueError(f"{value!r} tokens is not plausible (over {MAX_TOKENS:.0e} for one model)")
    return int(amount)


def tokens_field(value: Any, path: Path, field: str, *, units: bool = False) -> int:
    try:
        return parse_tokens(value, units=units)
    except ValueError as exc:
        raise InputError(path, field, str(exc)) from None


def percent_to_fraction(value: float | None) -> float | None:
    """66 (percent, as sources print it) → 0.66, without float noise."""
    return None if value is None else float(Decimal(str(value)) / 100)


def prices(prompt: Any, completion: Any, path: Path, where: str) -> tuple[float | None, float | None]:
    """USD-per-token prices → USD per million tokens; unknown stays None."""
    out = []
    for field, value in (("prompt_price", prompt), ("completion_price", completion)):
        try:
            out.append(per_mtok(value))
        except ValueError as exc:
            raise InputError(path, f"{where}.{field}", str(exc)) from None
    return out[0], out[1]


def snapshot(
    day: date, rows: list[RankingRow], meta: SnapshotMeta, path: Path, field: str
) -> RankingSnapshot:
    if not rows:
        raise InputError(path, field, "no models listed")
    try:
        return RankingSnapshot(date=day, rows=rows, meta=meta)
    except ValidationError as exc:
        raise InputError(path, field, exc.errors()[0]["msg"]) from None


def iso_date(value: Any, path: Path, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(path, field, f"not a date (YYYY-MM-DD): {value!r}") from None
