"""`routing tasks`: validate the golden tasks a config (or a path) names; import BFCL files as tasks."""

from __future__ import annotations

from pathlib import Path

from evals.records import Task
from evals.tasks.bfcl import import_bfcl, summary
from evals.tasks.load import load_checked
from routing.config import Config


def validate_tasks(config: Config, path: Path | None) -> tuple[list[Task], list[str]]:
    """The valid tasks and every problem (file, id, field) of `path`, else of every configured tier."""
    paths = [path] if path else [config.resolve(t.tasks) for t in config.tiers.values()]
    return load_checked(paths)


def import_bfcl_tasks(questions: Path, answers: Path | None, tier: str, out: Path) -> list[str]:
    """Write one task per BFCL question; the summary lines (first: the counts, then each skip reason)."""
    return summary(import_bfcl(questions, answers, tier, out), out)
