import sqlite3

import pytest

from evals.errors import DomainError, OptionError
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
        with pytest.raises(OptionError) as refused:
            store.require_run("r-2", "--run")
        assert refused.value.option == "--run" and refused.value.message.endswith("(the latest is r-1)")


V1_SCHEMA = """
CREATE TABLE runs (run_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, provider_kind TEXT NOT NULL,
                   meta TEXT NOT NULL);
CREATE TABLE results (run_id TEXT NOT NULL, cache_key TEXT NOT NULL, task_id TEXT NOT NULL,
                      tier TEXT NOT NULL, model TEXT NOT NULL, repeat INTEGER NOT NULL, status TEXT NOT NULL,
                      passed INTEGER, row TEXT NOT NULL, written_at TEXT NOT NULL,
                      PRIMARY KEY (run_id, cache_key));
"""


def test_a_version_1_store_is_migrated_and_keeps_its_results(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(V1_SCHEMA)
    legacy = '{"version":1,"run_id":"r-0","task_id":"t1","tier":"chat","model":"m","passed":true}'
    old.execute("INSERT INTO runs VALUES ('r-0', '2026-01-01T00:00:00', 'real', '{}')")
    old.execute("INSERT INTO results VALUES ('r-0','k1','t1','chat','m',0,'ok',1,?,'x')", (legacy,))
    old.commit()
    old.close()
    with ResultStore(path) as store:
        (result,) = store.results("r-0")
        assert (result.version, result.attempts, result.cost_source) == (1, 1, None)
        assert store.done_keys("r-0") == {"k1"} and store.attempt_costs("r-0") == {}
        store.start_run("r-1", "real", {}, [("h1", "{}")], digest="d1")
        assert store.unfinished_run("d1") == "r-1"
        store.finish_run("r-1")
        assert store.unfinished_run("d1") is None
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2


def test_a_store_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(DomainError, match="newer than this version"):
        ResultStore(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 99


def test_every_attempt_is_kept_and_an_error_replaced_by_ok_keeps_its_cost(tmp_path):
    from evals.records import Response

    with ResultStore(tmp_path / "r.db") as store:
        store.put_attempts(
            "r-1", "k1", [Response(error_type="http_503", cost_usd=0.0, cost_source="not_billed")]
        )
        store.put("k1", row(), [Response(content="x", cost_usd=0.2, cost_source="price")])
        assert store.attempt_costs("r-1") == {"k1": [(0.0, "not_billed"), (0.2, "price")]}
