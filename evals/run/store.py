"""SQLite results store: WAL mode, one transaction per result, resumable runs.

A result is written the moment it arrives, so a killed run loses at most the attempts in flight.
Errors are stored for visibility but never count as done: a resumed run retries them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.errors import DomainError
from evals.records import Result

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    provider_kind TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    run_id TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    task_id TEXT NOT NULL,
    tier TEXT NOT NULL,
    model TEXT NOT NULL,
    repeat INTEGER NOT NULL,
    status TEXT NOT NULL,
    passed INTEGER,
    row TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (run_id, cache_key)
);
CREATE INDEX IF NOT EXISTS results_by_run ON results (run_id, tier, model);
"""


class ResultStore:
    """One SQLite file holding every run's attempts."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def start_run(self, run_id: str, provider_kind: str, meta: dict[str, Any]) -> None:
        """Record a run (idempotent: resuming keeps the original row)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO runs (run_id, created_at, provider_kind, meta) VALUES (?, ?, ?, ?)",
                (run_id, now, provider_kind, json.dumps(meta, sort_keys=True)),
            )

    def run_info(self, run_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT run_id, created_at, provider_kind, meta FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            return None
        return {"run_id": row[0], "created_at": row[1], "provider_kind": row[2], "meta": json.loads(row[3])}

    def latest_run(self) -> str | None:
        query = "SELECT run_id FROM runs ORDER BY created_at DESC, rowid DESC LIMIT 1"
        row = self._db.execute(query).fetchone()
        return row[0] if row else None

    def require_run(self, run_id: str | None) -> str:
        """The given run id, or the latest; a clear error when there is none."""
        chosen = run_id or self.latest_run()
        if chosen is None:
            raise DomainError(f"{self.path}: no runs stored yet; run `routing eval` first")
        if self.run_info(chosen) is None:
            raise DomainError(f"{self.path}: unknown run id {chosen!r}")
        return chosen

    def put(self, cache_key: str, result: Result) -> None:
        """Write one attempt in its own transaction; a later ok row replaces an earlier error."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        passed = None if result.passed is None else int(result.passed)
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO results (run_id, cache_key, task_id, tier, model, repeat, status,"
                " passed, row, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    result.run_id,
                    cache_key,
                    result.task_id,
                    result.tier,
                    result.model,
                    result.repeat,
                    result.status,
                    passed,
                    result.model_dump_json(),
                    now,
                ),
            )

    def done_keys(self, run_id: str) -> set[str]:
        """Cells already answered (status ok): a resume skips these and retries errors."""
        rows = self._db.execute(
            "SELECT cache_key FROM results WHERE run_id = ? AND status = 'ok'", (run_id,)
        ).fetchall()
        return {r[0] for r in rows}

    def results(self, run_id: str) -> list[Result]:
        rows = self._db.execute(
            "SELECT row FROM results WHERE run_id = ? ORDER BY tier, model, task_id, repeat", (run_id,)
        ).fetchall()
        return [Result.model_validate_json(r[0]) for r in rows]
