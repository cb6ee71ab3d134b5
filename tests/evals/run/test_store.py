import sqlite3

import pytest

from evals.errors import DomainError
from evals.records import Result
from evals.run.store import ResultStore


def row(task="t1", status="ok", passed=True, run="r-1"):
    return Result(
        run_id=run,
        task_id=task,
        tier="chat",
        model="m",
        status=status,
        passed=passed if status == "ok" else None,
        provider_kind="sim",
    )


def test_wal_mode_and_round_trip(tmp_path):
    with ResultStore(tmp_path / "r.db") as store:
        store.start_run("r-1", "sim", {"x": 1})
        store.put("k1", row())
        assert store.results("r-1") == [row()]
    mode = sqlite3.connect(tmp_path / "r.db").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_errors_are_not_done_and_get_replaced(tmp_path):
    with ResultStore(tmp_path / "r.db") as store:
        store.start_run("r-1", "real", {})
        store.put("k1", row(status="error"))
        store.put("k2", row(task="t2"))
        assert store.done_keys("r-1") == {"k2"}
        store.put("k1", row())
        assert store.done_keys("r-1") == {"k1", "k2"}
        assert len(store.results("r-1")) == 2


def test_results_survive_a_new_connection(tmp_path):
    store = ResultStore(tmp_path / "r.db")
    store.start_run("r-1", "real", {})
    store.put("k1", row())
    # no close(): a killed process still leaves every committed result on disk
    other = ResultStore(tmp_path / "r.db")
    assert other.done_keys("r-1") == {"k1"}


def test_require_run(tmp_path):
    with ResultStore(tmp_path / "r.db") as store:
        with pytest.raises(DomainError, match="no runs stored"):
            store.require_run(None)
        store.start_run("r-1", "sim", {})
        assert store.require_run(None) == "r-1"
        with pytest.raises(DomainError, match="unknown run id"):
            store.require_run("r-2")
