"""One row per request: the same request imported twice must not count twice.

LiteLLM's spend logs identify a request by `request_id` (OpenRouter activity rows by date|model|endpoint),
so two exports that overlap, a file imported again or an export concatenated with itself would otherwise
double its tokens and spend. The first row of a request is kept. Rows without a request_id cannot be
matched with anything: they are all kept, and no id is invented for them (an id made from their content
would merge two identical but distinct requests).
"""

from __future__ import annotations

from collections.abc import Set
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_SEP = "\x1f"  # between source and request_id in a key: appears in neither


def _identified(table: pd.DataFrame) -> pd.Series:
    ids = table["request_id"]
    return ids.notna() & (ids.astype(str).str.strip() != "")


def _keys(table: pd.DataFrame) -> pd.Series:
    return table["source"].astype(str) + _SEP + table["request_id"].astype(str)


def request_keys(table: pd.DataFrame | None) -> frozenset[str]:
    """The (source, request_id) keys of the table's identified rows, for `first_of_each_request`."""
    if table is None or table.empty:
        return frozenset()
    return frozenset(_keys(table)[_identified(table)])


def first_of_each_request(table: pd.DataFrame, seen: Set[str] = frozenset()) -> tuple[pd.DataFrame, int]:
    """The table without rows whose request is in `seen` or earlier in the table; and how many were dropped.

    `seen` holds `request_keys` of what is already counted (the stored imports).
    """
    keys = _keys(table)
    repeated = _identified(table) & (keys.isin(seen) | keys.duplicated())
    return table[~repeated].reset_index(drop=True), int(repeated.sum())
