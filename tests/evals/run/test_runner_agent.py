"""An agent cell through the runner: every turn's attempts (retries included) are costed and counted,
and the outcome graded is the whole conversation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from evals.records import Response, ToolCall
from evals.run.runner import plan_cells, run_cells
from evals.run.store import ResultStore
from evals.tasks.load import load_tasks

TASK = """\
messages: [{role: user, content: "Is order A-1 shipped? If so, say with which carrier."}]
tools:
  - type: function
    function:
      name: get_order
      parameters: {type: object, properties: {order_id: {type: string}}, required: [order_id]}
agent:
  max_turns: 3
  tool_results:
    get_order:
      - result: {status: shipped, carrier: UPS}
checks:
  - tool_call: {name: get_order, args: {order_id: A-1}}
  - contains: UPS
reference:
  tool_calls: [{name: get_order, arguments: {order_id: A-1}, turn: 0}]
  content: Shipped with UPS.
"""


class Turns:
    """Answers each call in order from one list, whatever the conversation so far."""

    kind = "real"

    def __init__(self, responses: list[Response]) -> None:
        self.responses, self.calls = responses, 0

    def fingerprint(self) -> str:
        return ""

    async def complete(self, task, model, repeat) -> Response:
        self.calls += 1
        return self.responses[self.calls - 1]


def test_every_turn_and_retry_is_costed_and_the_conversation_is_graded(tmp_path: Path):
    path = tmp_path / "agent" / "order.yaml"
    path.parent.mkdir()
    path.write_text(TASK)
    [task] = load_tasks(path)
    timeout = Response(error_type="timeout", retryable=True, retry_after_s=0.0, cost_usd=0.0)
    timeout.cost_source = "not_billed"
    call = Response(
        tool_calls=[ToolCall("get_order", '{"order_id": "A-1"}')], finish_reason="tool_calls",
        cost_usd=0.001, cost_source="price", prompt_tokens=50, completion_tokens=10, latency_ms=40,
    )  # fmt: skip
    final = Response(
        content="Shipped with UPS.", finish_reason="stop", cost_usd=0.002, cost_source="price",
        prompt_tokens=80, completion_tokens=6, latency_ms=60,
    )  # fmt: skip
    provider = Turns([timeout, call, final])
    with ResultStore(tmp_path / "r.db") as store:
        summary = asyncio.run(
            run_cells(provider, store, "r-1", plan_cells([(task, "m")], 1), concurrency=1, max_attempts=3,
                      max_wall_s=30)
        )  # fmt: skip
    [row] = summary.results
    assert provider.calls == 3 and summary.calls == 3
    assert row.passed is True and row.status == "ok"
    assert row.attempts == 3  # the retried first turn, then two answered turns
    assert row.cost_usd == pytest.approx(0.003)
    assert (row.prompt_tokens, row.completion_tokens, row.latency_ms) == (130, 16, 100)
