"""`routing usage import|show` and the report's own-traffic section."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from routing.config import Config
from routing.usage.records import UsageSummary


def import_usage(config: Config, files: Sequence[Path]) -> list[tuple[Path, str, int]]:
    """Normalize and store each file; (stored path, source, rows) per file. Nothing is stored on error."""
    from routing.usage.files import read_usage_file, save_usage

    tables = [read_usage_file(f) for f in files]  # read all first: a bad file stores nothing
    folder = config.resolve(config.paths.usage)
    return [(save_usage(t, folder), str(t["source"].iloc[0]), len(t)) for t in tables if len(t)]


def usage_summary(config: Config) -> UsageSummary | None:
    """Own traffic per week and tier next to the rankings snapshots; None when nothing was imported."""
    from routing.app.evaluate import load_snapshots_if_any
    from routing.usage.compare import board_gaps, concentration
    from routing.usage.files import load_usage
    from routing.usage.weekly import model_weeks

    table = load_usage(config.resolve(config.paths.usage))
    if table is None or table.empty:
        return None
    weeks = model_weeks(table)
    return UsageSummary(
        weeks=tuple(weeks),
        concentration=tuple(concentration(weeks)),
        gaps=tuple(board_gaps(weeks, load_snapshots_if_any(config))),
        sources=tuple(sorted(set(table["source"]))),
    )


def usage_report_section(config: Config) -> str | None:
    """The report's own-traffic section; None (the section is absent) without imported usage."""
    from routing.render.usage import usage_markdown

    summary = usage_summary(config)
    return None if summary is None else usage_markdown(summary)
