"""Scripted multi-turn agent tasks: environment, loop, totals, validation and the sim's turns."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from evals.checks.registry import grade
from evals.records import Response, ToolCall
from evals.tasks.agent import agent_spec, play_reference, run_agent, scripted_result
from evals.tasks.load import load_tasks, validate_tasks

TASK = """\
messages: [{role: user, content: "Is order A-1 shipped? If so, email the customer the carrier."}]
tools:
  - type: function
    function:
      name: get_order
      parameters: {type: object, properties: {order_id: {type: string}}, required: [order_id]}
  - type: function
    function:
      name: send_email
      parameters:
        type: object
        properties: {to: {type: string}, body: {type: string}}
        required: [to, body]
agent:
  max_turns: 4
  tool_results:
    get_order:
      - when: {order_id: A-1}
        result: {status: shipped, carrier: UPS, email: ana@example.com}
      - result: {error: no such order}
    send_email:
      - result: {sent: true}
checks:
  - tool_call:
      order: strict
      calls:
        - {name: get_order, args: {order_id: A-1}}
        - {name: send_email, args: {to: ana@example.com}}
      extra_args: true
  - contains: UPS
reference:
  tool_calls:
    - {name: get_order, arguments: {order_id: A-1}, turn: 0}
    - {name: send_email, arguments: {to: ana@example.com, body: "Shipped with UPS"}, turn: 1}
  content: Order A-1 shipped with UPS; I emailed the customer.
"""


@pytest.fixture
def task(tmp_path: Path):
    path = tmp_path / "agent" / "order.yaml"
    path.parent.mkdir()
    path.write_text(TASK)
    [loaded] = load_tasks(path)
    return loaded


def call(name: str, args: str) -> Response:
    return Response(
        tool_calls=[ToolCall(name, args)],
        finish_reason="tool_calls",
        cost_usd=0.001,
        prompt_tokens=100,
        completion_tokens=10,
        latency_ms=500,
    )


def answer(text: str, cost: float | None = 0.002) -> Response:
    return Response(
        content=text,
        finish_reason="stop",
        cost_usd=cost,
        prompt_tokens=300,
        completion_tokens=20,
        latency_ms=700,
    )


def play(task, responses: list[Response]) -> tuple[Response, list]:
    seen = []

    async def ask(step):
        seen.append(step.messages)
        return responses[len(seen) - 1]

    return asyncio.run(run_agent(task, ask)), seen


def test_scripted_results_follow_the_rules_in_order(task) -> None:
    spec = agent_spec(task)
    assert scripted_result(spec, ToolCall("get_order", '{"order_id": "a-1"}'))["carrier"] == "UPS"
    assert scripted_result(spec, ToolCall("get_order", '{"order_id": "B-2"}')) == {"error": "no such order"}
    assert "invalid arguments" in scripted_result(spec, ToolCall("get_order", "{oops"))["error"]


def test_a_right_conversation_passes_and_totals_cover_every_turn(task) -> None:
    result, seen = play(
        task,
        [
            call("get_order", '{"order_id": "A-1"}'),
            call("send_email", '{"to": "ana@example.com", "body": "UPS"}'),
            answer("Shipped with UPS."),
        ],
    )
    assert grade(task, result).passed
    assert [c.name for c in result.tool_calls] == ["get_order", "send_email"]
    assert (result.prompt_tokens, result.completion_tokens, result.latency_ms) == (500, 40, 1700)
    assert result.cost_usd == pytest.approx(0.004)
    # turn 2 saw the first call and its scripted result
    assert seen[1][-2]["tool_calls"][0]["function"]["name"] == "get_order"
    assert '"carrier": "UPS"' in seen[1][-1]["content"] and seen[1][-1]["tool_call_id"] == "call_0_0"


def test_one_unknown_cost_makes_the_attempt_cost_unknown(task) -> None:
    result, _ = play(task, [call("get_order", '{"order_id": "A-1"}'), answer("UPS", cost=None)])
    assert result.cost_usd is None


def test_skipping_a_step_or_looping_fails(task) -> None:
    skipped, _ = play(task, [answer("It shipped with UPS.")])
    assert grade(task, skipped).failure == "no_call"
    looping, _ = play(task, [call("get_order", '{"order_id": "A-1"}')] * 4)
    verdict = grade(task, looping)
    assert not verdict.passed and looping.finish_reason == "max_turns"
    assert any(d["failure"] == "max_turns" for d in verdict.details)


def test_an_error_turn_ends_the_attempt_as_an_error(task) -> None:
    failed = Response(error_type="timeout", error="timed out")
    result, _ = play(task, [call("get_order", '{"order_id": "A-1"}'), failed])
    assert result.error_type == "timeout" and not result.ok


def test_the_reference_is_played_through_the_environment(task) -> None:
    assert grade(task, play_reference(task)).passed
    assert validate_tasks([task]) == []


def test_agent_problems_are_reported(task) -> None:
    bad = task.model_copy(update={"agent": {"max_turns": 2, "tool_results": {"refund": []}}})
    problems = " | ".join(validate_tasks([bad]))
    assert "agent.tool_results.refund: not an offered tool" in problems
    assert "needs more than agent.max_turns (2)" in problems
    typo = task.model_copy(update={"agent": {"max_turn": 3}})
    assert "agent.max_turn: Extra inputs are not permitted" in validate_tasks([typo])[0]


def test_sim_provider_plays_agent_tasks_turn_by_turn(task) -> None:
    from evals.providers.sim.provider import Outcome, simulated_turn

    good = Outcome(True, None, 100.0, 1)
    assert [c.name for c in simulated_turn(task, good, 0).tool_calls] == ["get_order"]
    assert [c.name for c in simulated_turn(task, good, 1).tool_calls] == ["send_email"]
    assert simulated_turn(task, good, 2).content == task.reference.content
    bad = Outcome(False, "wrong_value", 100.0, 7)
    turns = [simulated_turn(task, bad, i) for i in range(3)]
    assert any(t.tool_calls != simulated_turn(task, good, i).tool_calls for i, t in enumerate(turns[:2]))
