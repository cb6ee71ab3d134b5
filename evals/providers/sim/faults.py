"""Realistic wrong answers for the simulator: what a model that fails a task actually sends back.

The simulator decides *that* an attempt fails from the model's profile; this module decides *how*
(malformed JSON, wrong tool, missing argument, broken text...). The real checks then grade it.
"""

from __future__ import annotations

import json
import random
from typing import Any

from evals.records import Response, Task, ToolCall

REFUSAL = "I'm sorry, I can't complete that request as asked."


def _first_call(ref: Response) -> tuple[ToolCall, dict[str, Any]] | None:
    if not ref.tool_calls:
        return None
    call = ref.tool_calls[0]
    try:
        args = json.loads(call.arguments)
    except json.JSONDecodeError:
        args = {}
    return call, args if isinstance(args, dict) else {}


def _replace_first(ref: Response, name: str, args: Any, raw: str | None = None) -> Response:
    calls = list(ref.tool_calls)
    calls[0] = ToolCall(name=name, arguments=raw if raw is not None else json.dumps(args, sort_keys=True))
    return Response(content=None, tool_calls=calls, finish_reason="tool_calls")


def _mutate_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 2 + 1
    if isinstance(value, str):
        return (value[::-1] + "x") if value else "unknown"
    if isinstance(value, list):
        return value[:-1] if value else ["?"]
    return "unknown"


def tool_fault(task: Task, ref: Response, kind: str) -> Response:
    """A wrong tool-calling response of the given taxonomy kind, built from the reference."""
    first = _first_call(ref)
    if first is None:  # the right answer is no call: the failure is calling anyway
        tools = task.tools or []
        name = tools[0]["function"]["name"] if tools else "search"
        return Response(tool_calls=[ToolCall(name=name, arguments="{}")], finish_reason="tool_calls")
    call, args = first
    keys = sorted(args)
    if kind == "malformed_arguments":
        raw = call.arguments
        return _replace_first(ref, call.name, None, raw=raw[: max(1, len(raw) - 2)] + ",")
    if kind == "arguments_not_object":
        return _replace_first(ref, call.name, list(args.values()))
    if kind == "missing_required" and keys:
        return _replace_first(ref, call.name, {k: v for k, v in args.items() if k != keys[0]})
    if kind == "unexpected_argument":
        return _replace_first(ref, call.name, {**args, "verbose_mode": True})
    if kind == "wrong_type" and keys:
        return _replace_first(ref, call.name, {**args, keys[0]: [args[keys[0]]]})
    if kind == "wrong_function":
        others = [t["function"]["name"] for t in task.tools or [] if t["function"]["name"] != call.name]
        if others:
            return _replace_first(ref, others[0], args)
        kind = "hallucinated_function"
    if kind == "hallucinated_function":
        return _replace_first(ref, f"{call.name}_v2", args)
    if kind == "wrong_call_count":
        return Response(tool_calls=[*ref.tool_calls, ref.tool_calls[0]], finish_reason="tool_calls")
    if kind == "no_call":
        return Response(content=f"I would use {call.name} for this, with {call.arguments}.")
    if keys:  # wrong_value, and the fallback for kinds that need arguments the call lacks
        return _replace_first(ref, call.name, {**args, keys[0]: _mutate_value(args[keys[0]])})
    return Response(content=REFUSAL, finish_reason="stop")


def text_faults(ref: Response, rng: random.Random) -> list[Response]:
    """Candidate wrong text answers, most realistic first (shuffled a little by the seed)."""
    text = ref.content or ""
    shifted = "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in text)
    half = text[: max(1, len(text) // 2)]
    candidates = [
        Response(content=shifted, finish_reason="stop"),
        Response(content=f"Sure! Here is the answer:\n\n{half}", finish_reason="stop"),
        Response(content=half, finish_reason="length"),
        Response(content=text.lower().replace("\n", " ")[: max(1, len(text) // 3)], finish_reason="stop"),
    ]
    rng.shuffle(candidates)
    candidates.append(Response(content=REFUSAL, finish_reason="stop"))
    return candidates


_CODE_MUTATIONS = (
    ("<=", "<"),
    (">=", ">"),
    (" < ", " <= "),
    (" > ", " >= "),
    ("==", "!="),
    (" + 1", ""),
    (" - 1", ""),
    ("True", "False"),
    (".strip(", ".rstrip("),
    ("return ", "return None  # "),
)


def code_faults(ref: Response, rng: random.Random) -> list[Response]:
    """Wrong code the way models get code wrong: an off-by-one, a flipped test, a stub, cut short."""
    text = ref.content or ""
    candidates = [
        Response(content=text.replace(old, new, 1), finish_reason="stop")
        for old, new in _CODE_MUTATIONS
        if old in text
    ]
    rng.shuffle(candidates)
    cut = text[: max(1, len(text) * 2 // 3)]
    candidates.append(Response(content=cut, finish_reason="length"))
    return candidates


def agent_turn(task: Task, ref_turn: Response, kind: str | None, rng: random.Random) -> Response:
    """A failing attempt's wrong turn: a bad call where the reference calls, else a wrong answer."""
    if ref_turn.tool_calls:
        return tool_fault(task, ref_turn, kind or "wrong_value")
    return text_faults(ref_turn, rng)[0]
