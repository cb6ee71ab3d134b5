"""Whole runs through the real provider against a stub server: every fault ends as specified and
the other cells of the run still complete; the budget guard holds on real token counts."""

from __future__ import annotations

import asyncio

import pytest
from stub_server import Reply, StubServer, completion, tool_call, user_text

from evals.providers.real import LiteLLMProvider
from evals.records import Endpoint, Price, Reference, Task
from evals.run.plan import estimate_cell_usd, plan_cells
from evals.run.runner import run_cells
from evals.run.store import ResultStore

FAULTS = {
    "empty": Reply(body={**completion(), "choices": []}),
    "html": Reply(body="<html><body>login</body></html>", content_type="text/html"),
    "down": Reply(500, {"error": {"message": "down"}}, headers={"retry-after": "0"}),
    "auth": Reply(401, {"error": {"message": "bad key"}}),
    "malformed": Reply(body=completion(None, [tool_call("get_weather", '{"city": "Par')], "tool_calls")),
}


def task(name: str, max_tokens: int | None = None) -> Task:
    weather = name == "malformed"
    return Task(
        id=f"chat/{name}",
        tier="chat",
        messages=[{"role": "user", "content": name}],
        params={"max_tokens": max_tokens} if max_tokens else {},
        tools=[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
        if weather
        else None,
        checks=[{"tool_call": {"name": "get_weather", "args": {}}}] if weather else [{"contains": "ok"}],
        reference=Reference(tool_calls=[{"name": "get_weather", "arguments": {}}])
        if weather
        else Reference(content="ok"),
    )


PRICE = Price(1.0, 1.0, "config")


def provider(url: str, price: Price | None = PRICE) -> LiteLLMProvider:
    return LiteLLMProvider({"m": Endpoint("openai/stub", api_base=url, timeout_s=5, price=price)})


def run(prov, store, cells, **kw):
    opts = {"concurrency": 4, "max_attempts": 3, "max_wall_s": 30}
    return asyncio.run(run_cells(prov, store, "r-1", cells, **opts | kw))


def test_each_fault_ends_as_specified_and_the_other_cells_complete(tmp_path):
    script = lambda body, n: FAULTS.get(user_text(body), Reply())  # noqa: E731
    names = [*FAULTS, "fine-1", "fine-2"]
    cells = plan_cells([(task(n), "m") for n in names], 1)
    with StubServer(script) as server, ResultStore(tmp_path / "r.db") as store:
        summary = run(provider(server.url), store, cells)
        rows = {r.task_id.split("/")[1]: r for r in store.results("r-1")}
        requests = [user_text(s["body"]) for s in server.seen]
    assert {n: (r.status, r.error_type) for n, r in rows.items()} == {
        "empty": ("error", "invalid_response"),
        "html": ("error", "html_response"),
        "down": ("error", "http_500"),
        "auth": ("error", "authentication"),
        "malformed": ("ok", None),
        "fine-1": ("ok", None),
        "fine-2": ("ok", None),
    }
    assert rows["malformed"].passed is False and rows["malformed"].failure == "malformed_arguments"
    assert rows["fine-1"].passed and rows["fine-2"].passed
    assert requests.count("down") == 3 and rows["down"].attempts == 3  # exactly max_attempts
    assert rows["down"].cost_usd == 0.0 and rows["down"].cost_source == "not_billed"
    assert all(requests.count(n) == 1 for n in names if n != "down")
    kinds = {"invalid_response": 1, "html_response": 1, "http_500": 1, "authentication": 1}
    assert summary.error_types == kinds
    assert not summary.all_errored


def test_retries_are_costed_and_kept_attempt_by_attempt(tmp_path):
    answers = [Reply(429, {"error": {"message": "slow"}}, headers={"retry-after": "0"}), Reply()]
    with StubServer(lambda body, n: answers[min(n, 1)]) as server, ResultStore(tmp_path / "r.db") as store:
        run(provider(server.url), store, plan_cells([(task("x"), "m")], 1))
        (row,) = store.results("r-1")
        stored = store.attempt_costs("r-1")
    assert row.attempts == 2 and row.status == "ok"
    assert row.cost_usd == pytest.approx(15 / 1e6) and row.cost_source == "price"  # 12 + 3 tokens at $1/M
    assert [source for costs in stored.values() for _, source in costs] == ["not_billed", "price"]


def test_a_budget_of_half_the_estimate_stops_before_it_and_says_what_was_skipped(tmp_path):
    cells = plan_cells([(task(f"t{i}", max_tokens=2000), "m") for i in range(10)], 1)
    estimate = estimate_cell_usd({"m": (1.0, 1.0)})
    total = sum(estimate(c) for c in cells)
    # the stub bills what the estimate assumes: the whole max_tokens, so actual ~= estimate
    full = Reply(body=completion("ok", prompt_tokens=10, completion_tokens=2000))
    with StubServer(lambda body, n: full) as server, ResultStore(tmp_path / "r.db") as store:
        summary = run(provider(server.url), store, cells, budget_usd=total / 2, estimate_usd=estimate)
        calls = len(server.seen)
    assert calls == summary.completed == 5 and summary.skipped_for_budget == 5
    assert summary.spent_usd <= total / 2
    assert "stopped before the cap: 5 attempts not run (estimated $0.01)" in summary.budget_note()


def test_a_cap_of_zero_runs_no_unpriced_call(tmp_path):
    with StubServer() as server, ResultStore(tmp_path / "r.db") as store:
        cells = plan_cells([(task("x"), "m")], 4)
        summary = run(provider(server.url, price=None), store, cells, budget_usd=0)
        assert server.seen == [] and summary.skipped_for_budget == 4 and store.results("r-1") == []
