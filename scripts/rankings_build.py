"""Rebuild the shipped snapshots in reports/rankings/ from their sources.

    python scripts/rankings_build.py [--weekly-dir DIR] [--sources DIR] [--out DIR]

The weekly top-10 files (OpenRouter's leaderboard as compiled by openrouter-inference-stats) carry no
license, so the repository ships only the facts re-normalized by our importer, never their files; this
module is how those snapshots were made and lets a test prove the shipped bytes still match.

`SHIPPED_WEEKS` are snapshot dates, i.e. the first day of each week. An upstream weekly file is dated the
day it was scraped and covers the 7 days before it, so week W comes from the file dated W + 7 days
(2026-04-13 from 2026-04-20.json, ..., 2026-05-04 from 2026-05-11.json).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from routing.rankings.files import import_file, save_snapshot
from routing.rankings.formats import weekly_file_day
from routing.rankings.records import RankingSnapshot

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WEEKLY_DIR = REPO.parent / "shared" / "data" / "openrouter" / "weekly-top10" / "weekly_current"
DEFAULT_OUT = REPO / "reports" / "rankings"
DEFAULT_SOURCES = DEFAULT_OUT / "sources"
SHIPPED_WEEKS = ("2026-04-13", "2026-04-20", "2026-04-27", "2026-05-04")  # week starts, not file dates
ROUNDING_NOTE = "Tokens as displayed on the leaderboard (3 significant figures)."

log = logging.getLogger(__name__)


def build_snapshots(
    weekly_dir: Path = DEFAULT_WEEKLY_DIR,
    sources_dir: Path = DEFAULT_SOURCES,
    weeks: Sequence[str] = SHIPPED_WEEKS,
) -> list[RankingSnapshot]:
    """The shipped weeks (by first day) from the weekly top-N JSON files, plus every manual source file."""
    snapshots: list[RankingSnapshot] = []
    for week in weeks:
        file_day = weekly_file_day(date.fromisoformat(week))
        (snapshot,) = import_file(weekly_dir / f"{file_day.isoformat()}.json")
        if snapshot.date != date.fromisoformat(week):
            raise ValueError(f"{file_day}.json holds week {snapshot.date}, not {week}")
        note = f"{snapshot.meta.note} {ROUNDING_NOTE}" if snapshot.meta.note else ROUNDING_NOTE
        meta = snapshot.meta.model_copy(update={"note": note})
        snapshots.append(snapshot.model_copy(update={"meta": meta}))
    for source in sorted(sources_dir.glob("*.yaml")):
        snapshots.extend(import_file(source))
    return sorted(snapshots, key=lambda s: s.date)


def write_snapshots(snapshots: Sequence[RankingSnapshot], out_dir: Path = DEFAULT_OUT) -> list[Path]:
    return [save_snapshot(s, out_dir) for s in snapshots]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/rankings_build.py", description=__doc__)
    parser.add_argument("--weekly-dir", type=Path, default=DEFAULT_WEEKLY_DIR)
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for path in write_snapshots(build_snapshots(args.weekly_dir, args.sources), args.out):
        log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
