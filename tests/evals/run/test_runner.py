"""The runner against a real SQLite store and scripted providers."""

import asyncio

import pytest

from evals.records import Reference, Response, Task
from evals.run.runner import Cell, call_with_retries, plan_cells, run_cells
from evals.run.store import ResultStore


def task(tid="chat/t1"):
    return Task(
        id=tid,
        tier="chat",
        messages=[{"role": "user", "content": "capital of France?"}],
        checks=[{"contains": "Paris"}],
        reference=Reference(content="Paris"),
    )


class Scripted:
    """Answers from a script per cell: a list of Responses consumed one per call."""

    kind = "real"

    def __init__(self, script=None, default=None):
        self.script = script or {}
        self.default = default or Response(content="Paris", cost_usd=0.01, latency_ms=5)
        self.calls = []

    async def complete(self, t, model, repeat):
        self.calls.append((t.id, model, repeat))
        queue = self.script.get((t.id, model, repeat))
        return queue.pop(0) if queue else self.default


def run(provider, store, cells, **kw):
    opts = {"concurrency": 4, "max_attempts": 3, "max_wall_s": 30}
    opts.update(kw)
    return asyncio.run(run_cells(provider, store, "r-1", cells, **opts))


def test_results_are_graded_and_stored(tmp_path):
    cells = plan_cells([(task(), "a"), (task(), "b")], repeats=2)
    wrong = Response(content="Lyon", cost_usd=0.01)
    provider = Scripted({("chat/t1", "b", 1): [wrong]})
    with ResultStore(tmp_path / "r.db") as store:
        summary = run(provider, store, cells)
        assert summary.completed == 4 and summary.errors == 0
        verdicts = {(r.model, r.repeat): r.passed for r in store.results("r-1")}
    assert verdicts == {("a", 0): True, ("a", 1): True, ("b", 0): True, ("b", 1): False}
    assert round(summary.spent_usd, 4) == 0.04


def test_transient_errors_retry_then_succeed(tmp_path):
    flaky = Response(error_type="rate_limited", retryable=True, retry_after_s=0.0)
    provider = Scripted({("chat/t1", "a", 0): [flaky, flaky]})
    with ResultStore(tmp_path / "r.db") as store:
        summary = run(provider, store, plan_cells([(task(), "a")], 1))
        assert summary.errors == 0
        assert store.results("r-1")[0].passed is True
    assert len(provider.calls) == 3


def test_exhausted_retries_are_errors_not_failures(tmp_path):
    flaky = Response(error_type="http_503", retryable=True, retry_after_s=0.0)
    provider = Scripted({("chat/t1", "a", 0): [flaky] * 5})
    with ResultStore(tmp_path / "r.db") as store:
        summary = run(provider, store, plan_cells([(task(), "a")], 1), max_attempts=2)
        result = store.results("r-1")[0]
    assert summary.errors == 1
    assert result.status == "error" and result.passed is None and result.error_type == "http_503"
    assert len(provider.calls) == 2


def test_final_errors_are_not_retried(tmp_path):
    bad = Response(error_type="authentication", retryable=False)
    provider = Scripted({("chat/t1", "a", 0): [bad]})
    with ResultStore(tmp_path / "r.db") as store:
        run(provider, store, plan_cells([(task(), "a")], 1))
    assert len(provider.calls) == 1


def test_resume_fills_only_missing_cells_and_retries_errors(tmp_path):
    cells = plan_cells([(task(), "a")], repeats=3)
    failing_once = Response(error_type="authentication")
    with ResultStore(tmp_path / "r.db") as store:
        first = Scripted({("chat/t1", "a", 2): [failing_once]})
        run(first, store, cells)
        second = Scripted()
        summary = run(second, store, cells)
    assert second.calls == [("chat/t1", "a", 2)]
    assert summary.reused == 2 and summary.errors == 0


def test_budget_guard_stops_before_the_cap(tmp_path):
    cells = plan_cells([(task(), "a")], repeats=10)
    with ResultStore(tmp_path / "r.db") as store:
        summary = run(Scripted(), store, cells, concurrency=1, budget_usd=0.035, estimate_usd=lambda c: 0.01)
    assert summary.completed == 3
    assert summary.skipped_for_budget == 7
    assert summary.spent_usd <= 0.035


def test_the_budget_reserves_only_calls_in_flight_not_the_queued_ones(tmp_path):
    """Ten calls estimated at $0.01 that cost nothing all fit under $0.035, two at a time: the cap is
    on what is spent and in flight, not on the whole plan's estimate."""

    class Slow(Scripted):
        async def complete(self, t, model, repeat):
            await asyncio.sleep(0.01)
            return await super().complete(t, model, repeat)

    free = Response(error_type="name_resolution", cost_usd=0.0, cost_source="not_billed")
    cells = plan_cells([(task(), "a")], repeats=10)
    with ResultStore(tmp_path / "r.db") as store:
        summary = run(
            Slow(default=free), store, cells, concurrency=2, budget_usd=0.035, estimate_usd=lambda c: 0.01
        )
    assert (summary.completed, summary.skipped_for_budget, summary.spent_usd) == (10, 0, 0.0)


def test_cell_key_depends_on_content_and_repeat():
    a, b = Cell(task(), "m", 0), Cell(task(), "m", 1)
    changed = task().model_copy(update={"checks": [{"contains": "paris"}]})
    assert a.key != b.key
    assert a.key != Cell(changed, "m", 0).key
    assert a.key == Cell(task(), "m", 0).key


def test_call_with_retries_counts_calls():
    flaky = Response(error_type="timeout", retryable=True, retry_after_s=0.0)
    provider = Scripted({("chat/t1", "a", 0): [flaky]})
    attempts = asyncio.run(call_with_retries(provider, Cell(task(), "a", 0), 4, 10))
    assert attempts[-1].ok and len(attempts) == 2


class Crash(Exception):
    """Stands for the process dying mid-run (an exception, not KeyboardInterrupt, which asyncio
    re-raises out of the event loop in ways that depend on the signal handlers already installed)."""


class Crashing(Scripted):
    """Dies on the n-th call."""

    def __init__(self, crash_on):
        super().__init__()
        self.crash_on = crash_on

    async def complete(self, t, model, repeat):
        if len(self.calls) + 1 == self.crash_on:
            raise Crash
        return await super().complete(t, model, repeat)


def test_a_crashed_run_loses_nothing_and_resumes_without_paying_twice(tmp_path):
    cells = plan_cells([(task(), "a"), (task(), "b")], repeats=10)
    store = ResultStore(tmp_path / "r.db")
    with pytest.raises(Crash):
        run(Crashing(crash_on=9), store, cells, concurrency=1)
    saved = ResultStore(tmp_path / "r.db").done_keys("r-1")  # a fresh connection, as after a restart
    assert len(saved) == 8
    second = Scripted()
    summary = run(second, ResultStore(tmp_path / "r.db"), cells, concurrency=1)
    assert len(second.calls) == len(cells) - 8
    assert summary.reused == 8 and len(summary.results) == len(cells)


def test_budget_note_says_what_the_guard_could_not_count(tmp_path):
    unpriced = Scripted(default=Response(content="Paris", cost_usd=None))
    with ResultStore(tmp_path / "r.db") as store:
        summary = run(unpriced, store, plan_cells([(task(), "a")], 3))
    assert summary.budget_note() == "3 attempts had no known price: not counted against the cap (a)"
    with ResultStore(tmp_path / "one.db") as store:
        one = run(unpriced, store, plan_cells([(task(), "a")], 1))
    assert one.budget_note() == "1 attempt had no known price: not counted against the cap (a)"
    with ResultStore(tmp_path / "m.db") as store:
        many = run(unpriced, store, plan_cells([(task(), m) for m in "edcba"], 1))
    assert many.budget_note() == (
        "5 attempts had no known price: not counted against the cap (a, b, c and 2 more)"
    )
    with ResultStore(tmp_path / "s.db") as store:
        stopped = run(
            Scripted(),
            store,
            plan_cells([(task(), "a")], 3),
            concurrency=1,
            budget_usd=0.015,
            estimate_usd=lambda c: 0.01,
        )
    stopped.provider_kind = "sim"
    assert stopped.budget_note() == (
        "stopped before the cap: 2 attempts not run (estimated $0.02 simulated); spent $0.01 simulated"
    )
    with ResultStore(tmp_path / "e.db") as store:
        estimated = run(
            unpriced,
            store,
            plan_cells([(task(), "a")], 3),
            concurrency=1,
            budget_usd=0.015,
            estimate_usd=lambda c: 0.01,
        )
    assert estimated.budget_note() == (
        "stopped before the cap: 2 attempts not run (estimated $0.02); spent $0.01"
        " ($0.01 of it estimated: calls of unknown cost); 1 attempt with no known cost: the cap counted"
        " an estimate"
    )
    with ResultStore(tmp_path / "t.db") as store:
        assert run(Scripted(), store, plan_cells([(task(), "a")], 1)).budget_note() is None


@pytest.mark.parametrize(
    ("kind", "errors", "expected"),
    [
        ("real", ["name_resolution", "connection_refused"], True),
        ("real", ["name_resolution", "authentication"], False),  # one server answered
        ("replay", ["connection_error", "connection_error"], False),  # a recording, not this network
    ],
)
def test_reached_no_server_only_when_every_real_call_failed_to_connect(tmp_path, kind, errors, expected):
    script = {("chat/t1", "a", i): [Response(error_type=e)] for i, e in enumerate(errors)}
    provider = Scripted(script)
    provider.kind = kind
    with ResultStore(tmp_path / "r.db") as store:
        summary = run(provider, store, plan_cells([(task(), "a")], repeats=len(errors)))
    assert summary.all_errored and summary.reached_no_server is expected
