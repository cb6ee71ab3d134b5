"""Refusals of the weekly run that cost nothing: a report date that is not a date or would leave
reports/, tiers routing.yaml does not define. Each is one line naming what to fix."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from evals.errors import InputError, OptionError
from routing.config import Config

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def report_day(day: str) -> str:
    """`--date` must be a calendar date, YYYY-MM-DD: it names a folder under reports/."""
    if not _ISO_DAY.fullmatch(day):
        raise OptionError("--date", f"{day!r} is not a date: use YYYY-MM-DD, e.g. 2026-11-23")
    try:
        date.fromisoformat(day)
    except ValueError as exc:
        raise OptionError("--date", f"{day!r} is not a date: {exc}") from None
    return day


def report_dir(config: Config, day: str, out: Path | None) -> Path:
    """reports/<date>, checked to stay inside reports/ (an explicit --out is the user's own choice)."""
    if out is not None:
        return config.resolve(out)
    reports = config.resolve(config.paths.reports).resolve()
    chosen = (reports / report_day(day)).resolve()
    if not chosen.is_relative_to(reports) or chosen == reports:
        raise OptionError("--date", f"{day!r} would write outside {reports}")
    return chosen


def defined_tiers(config: Config, tiers: Iterable[str], where: str | Path | None, field: str) -> None:
    """Every tier must be one routing.yaml defines: an unknown one would reach proposed.yaml and the
    exported gateway config with gates nobody set."""
    unknown = sorted(set(tiers) - set(config.tiers))
    if unknown:
        raise InputError(
            where,
            field,
            f"tier(s) {', '.join(unknown)} not defined in {config.source or 'routing.yaml'}; "
            f"defined: {', '.join(config.tiers)} (add them there, or leave them out)",
        )
