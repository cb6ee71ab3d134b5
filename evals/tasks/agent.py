"""Multi-turn agent tasks: a scripted environment answers the model's tool calls until it replies.

    agent:
      max_turns: 6                  # model calls at most (default 8)
      tool_results:                 # per offered tool, rules tried in order
        get_order:
          - when: {order_id: A-1001}   # the call's arguments (BFCL-normalized string compare)
            result: {status: shipped}   # any JSON value; sent back as JSON text
          - result: {error: no such order}
      unknown_result: {error: tool failed}   # for a call no rule answers (this is the default)

The checks grade the whole attempt: every call made along the way, in order, and the final answer.
The attempt's tokens, cost and latency are the sums over its turns (cost unknown if any turn's is).
An attempt that is still calling tools after `max_turns` fails as `max_turns`. A reference for an
agent task gives each tool call a `turn` (0-based; default 0) and the final answer as `content`;
`play_reference` runs it through the same environment, so `tasks validate` proves it solvable.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals.checks.tool_call import parse_arguments
from evals.checks.tool_values import value_matches
from evals.errors import pydantic_field
from evals.records import Response, Task, ToolCall

MAX_TURNS = 8
DEFAULT_UNKNOWN: Any = {"error": "the tool failed: no result for these arguments"}


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: dict[str, Any] = Field(default_factory=dict)
    result: Any


class AgentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_turns: int = Field(MAX_TURNS, ge=1, le=50)
    tool_results: dict[str, list[Rule]] = Field(default_factory=dict)
    unknown_result: Any = DEFAULT_UNKNOWN


def agent_spec(task: Task) -> AgentSpec:
    return AgentSpec.model_validate(task.agent or {})


def agent_problems(task: Task) -> list[str]:
    """Problems of the `agent` block: its shape, tools it scripts, the reference's turns."""
    try:
        spec = agent_spec(task)
    except ValidationError as exc:
        first = exc.errors()[0]
        return [f"agent.{pydantic_field(first.get('loc', ()))}: {first.get('msg')}"]
    offered = {t["function"]["name"]: t["function"].get("parameters") or {} for t in task.tools or []}
    problems = [] if offered else ["agent: an agent task must offer tools"]
    for name, rules in spec.tool_results.items():
        if name not in offered:
            problems.append(f"agent.tool_results.{name}: not an offered tool")
            continue
        props = offered[name].get("properties") or {}
        for i, rule in enumerate(rules):
            problems.extend(
                f"agent.tool_results.{name}[{i}].when: {key!r} is not a parameter of {name!r}"
                for key in rule.when
                if key not in props
            )
    turns = [_turn(call) for call in task.reference.tool_calls]
    if any(t is None for t in turns):
        problems.append("reference.tool_calls: `turn` must be a whole number from 0")
    elif turns and max(t for t in turns if t is not None) + 1 >= spec.max_turns:
        problems.append(f"reference: needs more than agent.max_turns ({spec.max_turns}) model calls")
    return problems


def _turn(call: dict[str, Any]) -> int | None:
    turn = call.get("turn", 0)
    return turn if isinstance(turn, int) and not isinstance(turn, bool) and turn >= 0 else None


def scripted_result(spec: AgentSpec, call: ToolCall) -> Any:
    """The environment's answer to one call: the first rule of that tool whose `when` matches."""
    args, bad = parse_arguments(call.arguments)
    if bad is not None or args is None:
        return {"error": f"invalid arguments: {bad.reason if bad else 'not an object'}"}
    for rule in spec.tool_results.get(call.name, []):
        if all(k in args and value_matches(args[k], v) for k, v in rule.when.items()):
            return rule.result
    return spec.unknown_result


class Conversation:
    """One attempt's transcript: feed it each model response until `done`, then take `result()`."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.spec = agent_spec(task)
        self.messages: list[dict[str, Any]] = list(task.messages)
        self.calls: list[ToolCall] = []
        self.turns: list[Response] = []
        self.final: Response | None = None

    def step_task(self) -> Task:
        """The task as the next model call sees it: the conversation so far as its messages."""
        return self.task.model_copy(update={"messages": list(self.messages)})

    def record(self, response: Response) -> bool:
        """Add one model response; True when the attempt is over (answered, errored, out of turns)."""
        self.turns.append(response)
        if not response.ok or not response.tool_calls:
            self.final = response
            return True
        turn = len(self.turns) - 1
        ids = [f"call_{turn}_{i}" for i in range(len(response.tool_calls))]
        self.messages.append(
            {
                "role": "assistant",
                "content": response.content,
                "tool_calls": [
                    {"id": i, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                    for i, c in zip(ids, response.tool_calls, strict=True)
                ],
            }
        )
        for call_id, call in zip(ids, response.tool_calls, strict=True):
            self.calls.append(call)
            result = scripted_result(self.spec, call)
            text = result if isinstance(result, str) else json.dumps(result, sort_keys=True)
            self.messages.append({"role": "tool", "tool_call_id": call_id, "content": text})
        return len(self.turns) >= self.spec.max_turns

    def result(self) -> Response:
        """The whole attempt as one response: all calls, the final answer, summed usage."""
        last = self.final
        out = Response(
            content=last.content if last is not None else None,
            tool_calls=list(self.calls),
            finish_reason=last.finish_reason if last is not None else "max_turns",
            prompt_tokens=_total([t.prompt_tokens for t in self.turns]),
            completion_tokens=_total([t.completion_tokens for t in self.turns]),
            cost_usd=_total([t.cost_usd for t in self.turns]),
            latency_ms=_total([t.latency_ms for t in self.turns]),
            ttft_ms=self.turns[0].ttft_ms if self.turns else None,
        )
        if last is not None and not last.ok:
            out.error_type, out.error, out.retryable = last.error_type, last.error, last.retryable
        return out


def _total(values: list[Any]) -> Any:
    """A sum over turns; unknown (None) when any turn's value is unknown, never a partial sum."""
    if not values or any(v is None for v in values):
        return None
    return sum(values)


async def run_agent(task: Task, ask: Callable[[Task], Awaitable[Response]]) -> Response:
    """Play one attempt: `ask` sends the conversation so far to the model (retries included)."""
    conversation = Conversation(task)
    while not conversation.record(await ask(conversation.step_task())):
        pass
    return conversation.result()


def reference_turn(task: Task, turn: int) -> Response:
    """What the reference says at a turn: its calls for that turn, or the final answer after them."""
    ref = task.reference.as_response()
    calls = [
        c for raw, c in zip(task.reference.tool_calls, ref.tool_calls, strict=True) if _turn(raw) == turn
    ]
    if calls:
        return Response(tool_calls=calls, finish_reason="tool_calls")
    return Response(content=task.reference.content, finish_reason="stop")


def reference_turns(task: Task) -> int:
    """How many model calls the reference takes (its tool-call turns plus the final answer)."""
    turns = [_turn(c) or 0 for c in task.reference.tool_calls]
    return (max(turns) + 1 if turns else 0) + 1


def play_reference(task: Task) -> Response:
    """The reference played through the scripted environment: what `tasks validate` grades."""
    conversation = Conversation(task)
    turn = 0
    while not conversation.record(reference_turn(task, turn)):
        turn += 1
    return conversation.result()
