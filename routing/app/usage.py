"""`routing usage import|show` and the report's own-traffic section."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.config import Config
from routing.usage.records import UsageSummary


@dataclass(frozen=True)
class Imported:
    """What importing one file did: its new rows are stored, its already-known requests are not."""

    file: Path
    source: str | None  # None: the file has no rows
    rows: int  # rows stored
    duplicates: int  # rows skipped: their request_id was imported before, or earlier in this import
    stored: Path | None  # None: nothing new to store


def import_usage(config: Config, files: Sequence[Path]) -> list[Imported]:
    """Normalize each file and store the requests not imported yet. Nothing is stored on error."""
    from routing.usage.dedupe import first_of_each_request, request_keys
    from routing.usage.files import load_usage, read_usage_file, save_usage

    tables = [read_usage_file(f) for f in files]  # read all first: a bad file stores nothing
    folder = config.resolve(config.paths.usage)
    seen = set(request_keys(load_usage(folder)))
    imported = []
    for file, table in zip(files, tables, strict=True):
        fresh, duplicates = first_of_each_request(table, seen)
        seen |= request_keys(fresh)
        source = str(table["source"].iloc[0]) if len(table) else None
        stored = save_usage(fresh, folder) if len(fresh) else None
        imported.append(Imported(file, source, len(fresh), duplicates, stored))
    return imported


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
