"""SQLite results store: WAL mode, one transaction per result, resumable runs.

A result is written the moment it arrives, so a killed run loses at most the attempts in flight.
Errors are stored for visibility but never count as done: a resumed run retries them. Every attempt
(retries included) is kept with its cost; a run's plan and its tasks are stored before its first call.
The schema carries a version (PRAGMA user_version) and migrates older files forward on open.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.errors import DomainError, OptionError
from evals.records import Response, Result

SCHEMA_VERSION = 2
SCHEMA_V1 = """
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
MIGRATIONS = {
    2: """
ALTER TABLE runs ADD COLUMN plan_digest TEXT;
ALTER TABLE runs ADD COLUMN finished_at TEXT;
CREATE TABLE attempts (
    run_id TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    status TEXT NOT NULL,
    error_type TEXT,
    cost_usd REAL,
    cost_source TEXT,
    latency_ms REAL,
    written_at TEXT NOT NULL
);
CREATE INDEX attempts_by_cell ON attempts (run_id, cache_key);
CREATE TABLE tasks (task_hash TEXT PRIMARY KEY, task TEXT NOT NULL);
""",
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ResultStore:
    """One SQLite file holding every run's attempts."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise DomainError(f"{self.path}: cannot open the results store: {exc}") from None

    def _migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION; a file from a newer version is refused, not damaged."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DomainError(
                f"{self.path}: results store schema {version} is newer than this version ({SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION:
            return
        with self._tx() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may have won
            if version < 1:
                for statement in SCHEMA_V1.split(";"):
                    if statement.strip():
                        db.execute(statement)
            for target in range(max(version, 1) + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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

    def start_run(
        self,
        run_id: str,
        provider_kind: str,
        meta: dict[str, Any],
        tasks: Iterable[tuple[str, str]] = (),
        digest: str | None = None,
    ) -> None:
        """Record a run and its plan (idempotent: resuming keeps the original row). `tasks` are
        (hash, JSON) pairs, stored once so the plan can be replayed whatever the files say later."""
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO runs (run_id, created_at, provider_kind, meta, plan_digest)"
                " VALUES (?, ?, ?, ?, ?)",
                (run_id, _now(), provider_kind, json.dumps(meta, sort_keys=True), digest),
            )
            db.executemany("INSERT OR IGNORE INTO tasks (task_hash, task) VALUES (?, ?)", list(tasks))

    def finish_run(self, run_id: str) -> None:
        """Mark a pass that ended on its own (not killed, not interrupted)."""
        with self._tx() as db:
            db.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?", (_now(), run_id))

    def unfinished_run(self, digest: str) -> str | None:
        """The latest run with this plan that never finished: re-running it resumes it."""
        row = self._db.execute(
            "SELECT run_id FROM runs WHERE plan_digest = ? AND finished_at IS NULL"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (digest,),
        ).fetchone()
        return row[0] if row else None

    def task_json(self, hashes: Iterable[str]) -> dict[str, str]:
        wanted = list(hashes)
        found: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT task_hash, task FROM tasks WHERE task_hash IN ({marks})"
            found.update(self._db.execute(query, chunk).fetchall())
        return found

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

    def require_run(self, run_id: str | None, option: str | None = None) -> str:
        """The given run id, or the latest; a clear error when there is none. An unknown id given as
        `option` on the command line is a usage error naming that option and the latest run."""
        chosen = run_id or self.latest_run()
        if chosen is None:
            raise DomainError(f"{self.path}: no runs stored yet; run `routing eval` first")
        if self.run_info(chosen) is None:
            raise self.unknown_run(chosen, option)
        return chosen

    def unknown_run(self, run_id: str, option: str | None = None) -> DomainError:
        """The error for a run id the store does not hold: a usage error when `option` gave it."""
        if option is None:
            return DomainError(f"{self.path}: unknown run id {run_id!r}")
        latest = self.latest_run()
        known = f"the latest is {latest}" if latest else "no runs stored yet"
        return OptionError(option, f"unknown run id {run_id!r} in {self.path} ({known})")

    def put(self, cache_key: str, result: Result, attempts: Sequence[Response] = ()) -> None:
        """Write a cell's outcome and its last attempts in one transaction; a later ok row replaces
        an earlier error (whose attempts stay, so their cost still counts)."""
        passed = None if result.passed is None else int(result.passed)
        with self._tx() as db:
            self._insert_attempts(db, result.run_id, cache_key, attempts)
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
                    _now(),
                ),
            )

    def put_attempts(self, run_id: str | None, cache_key: str, attempts: Sequence[Response]) -> None:
        """Attempts of a cell that is not finished yet (a retry follows): paid for, so kept now."""
        with self._tx() as db:
            self._insert_attempts(db, run_id, cache_key, attempts)

    @staticmethod
    def _insert_attempts(
        db: sqlite3.Connection, run_id: str | None, cache_key: str, attempts: Sequence[Response]
    ) -> None:
        now = _now()
        db.executemany(
            "INSERT INTO attempts (run_id, cache_key, status, error_type, cost_usd, cost_source,"
            " latency_ms, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    cache_key,
                    "ok" if a.ok else "error",
                    a.error_type,
                    a.cost_usd,
                    a.cost_source,
                    a.latency_ms,
                    now,
                )
                for a in attempts
            ],
        )

    def attempt_costs(self, run_id: str) -> dict[str, list[tuple[float | None, str | None]]]:
        """Every stored attempt's (cost, source) by cell: a resumed cell adds its new attempts to these."""
        out: dict[str, list[tuple[float | None, str | None]]] = {}
        rows = self._db.execute(
            "SELECT cache_key, cost_usd, cost_source FROM attempts WHERE run_id = ? ORDER BY rowid", (run_id,)
        )
        for key, cost, source in rows:
            out.setdefault(key, []).append((cost, source))
        return out

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
