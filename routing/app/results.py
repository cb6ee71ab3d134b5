"""Stored runs: their scores and their results file, read from the results store."""

from __future__ import annotations

from pathlib import Path

from evals.run.results_file import write_results
from evals.run.store import ResultStore
from evals.scores import Score, score_all
from routing.config import Config


def run_scores(config: Config, run_id: str | None) -> tuple[str, list[Score]]:
    """The scores of a stored run (default: the latest) and its id."""
    with ResultStore(config.resolve(config.paths.store)) as store:
        chosen = store.require_run(run_id, "--run")
        return chosen, score_all(store.results(chosen))


def export_run(config: Config, run_id: str, out: Path) -> int:
    """Write a run's results as the JSONL `recommend --results` reads; the number of rows written."""
    with ResultStore(config.resolve(config.paths.store)) as store:
        rows = store.results(store.require_run(run_id, "RUN_ID"))
    write_results(rows, out)
    return len(rows)
