"""Parsers from each public rankings source's own shape to `RankingSnapshot`, one module per source.

Pure functions over already-loaded data plus the path (for error messages only), so each format is
tested with plain values; the files they come from are read in routing.rankings.files.
"""

from routing.rankings.formats.common import parse_tokens, percent_to_fraction
from routing.rankings.formats.daily import parse_rankings_daily, weekly_windows
from routing.rankings.formats.manual import parse_manual_weekly
from routing.rankings.formats.weekly import (
    CSV_COLUMNS,
    WEEKLY_CITATION,
    WEEKLY_LAG,
    parse_weekly_csv,
    parse_weekly_json,
    weekly_file_day,
    weekly_week_start,
)

__all__ = [
    "CSV_COLUMNS",
    "WEEKLY_CITATION",
    "WEEKLY_LAG",
    "parse_manual_weekly",
    "parse_rankings_daily",
    "parse_tokens",
    "parse_weekly_csv",
    "parse_weekly_json",
    "percent_to_fraction",
    "weekly_file_day",
    "weekly_week_start",
    "weekly_windows",
]
