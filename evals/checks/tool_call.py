"""Tool-call checks: compare a response's tool calls with the expected ones and name the failure.

Failure codes follow the DESIGN.md taxonomy so scores can count tool failures per model. Short forms:
`tool_call: {name: f, args: {city: [Paris, paris], unit: [celsius, ""]}}` for one call, and
`tool_call: {calls: [{name, args}, ...], order: any|strict}` for parallel calls. Options:
`strings: normalized|exact` (see evals/toolvalues.py for BFCL's value rules) and `extra_args: true`
to accept schema-valid arguments the check does not list (BFCL, the default, rejects them).
Checks run in this order, so the most basic failure is the one reported: call count, offered
name, expected name, JSON arguments, an object, schema-required present, no unknown argument,
JSON types, accepted values, check-required present.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from evals.checks.base import CheckFn, SpecError, ToolIndex, clip, tool_index
from evals.checks.tool_values import OPTIONAL, is_json, json_type, type_error, value_matches
from evals.records import CheckResult, Response, ToolCall

OPENAI_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
STRING_MODES = ("normalized", "exact")
ORDERS = ("any", "strict")
RULES = ("json", "bfcl")

__all__ = ["CheckFn", "SpecError", "ToolCallCheck", "ToolIndex", "clip", "openai_tool_name", "tool_index"]


def openai_tool_name(name: str) -> str:
    """The name a tool is offered under: OpenAI allows `[A-Za-z0-9_-]{1,64}` (`math.factorial` →
    `math_factorial`, as BFCL does for function-calling models)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "_"


# ---------------------------------------------------------------- the spec


@dataclass(frozen=True)
class ExpectedCall:
    """One expected call: tool name and, per argument, the accepted values (`""` = may be omitted)."""

    name: str
    args: dict[str, tuple[Any, ...]]

    def required_args(self) -> list[str]:
        return [k for k, alts in self.args.items() if OPTIONAL not in alts]


@dataclass(frozen=True)
class Mismatch:
    """Why one sent call does not match one expected call."""

    failure: str
    reason: str


def parse_arguments(raw: Any) -> tuple[dict[str, Any] | None, Mismatch | None]:
    """Arguments as sent (a JSON string) to a dict; empty means no arguments."""
    if isinstance(raw, dict):
        return raw, None
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return {}, None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, Mismatch(
            "malformed_arguments", f"arguments are not valid JSON ({exc.msg} at char {exc.pos})"
        )
    except RecursionError:
        return None, Mismatch("malformed_arguments", "arguments nest too deeply to parse")
    if not isinstance(value, dict):
        return None, Mismatch(
            "arguments_not_object", f"arguments are a JSON {json_type(value)}, not an object"
        )
    return value, None


def match_call(
    expected: ExpectedCall,
    call: ToolCall,
    tools: ToolIndex | None,
    strings: str = "normalized",
    extra_args: bool = False,
    rules: str = "json",
) -> Mismatch | None:
    """Compare one sent call with one expected call; None when it matches."""
    if tools is not None and call.name not in tools:
        offered = ", ".join(sorted(tools))
        return Mismatch("hallucinated_function", f"called {call.name!r}, not an offered tool ({offered})")
    if call.name != expected.name:
        return Mismatch("wrong_function", f"called {call.name!r}, expected {expected.name!r}")
    args, bad = parse_arguments(call.arguments)
    if bad is not None or args is None:
        return bad
    schema = tools.get(call.name) if tools is not None else None
    props = (schema or {}).get("properties") or {}
    if schema is not None:
        missing = [r for r in schema.get("required") or [] if r not in args]
        if missing:
            return Mismatch(
                "missing_required", f"missing required argument(s) {missing} (sent {sorted(args)})"
            )
    for key in args:
        if schema is not None and key not in props:
            return Mismatch("unexpected_argument", f"argument {key!r} is not in the schema of {call.name!r}")
        if key not in expected.args and not extra_args:
            return Mismatch("unexpected_argument", f"argument {key!r} is not expected by the check")
    defaults = {k: v for k, v in args.items() if _is_default(v, props.get(k), expected.args.get(k), strings)}
    for key, value in args.items():
        if key in defaults or key not in props:
            continue
        if err := type_error(value, props[key], repr(key), floats_in_arrays=rules == "bfcl"):
            return Mismatch("wrong_type", err)
    for key, value in args.items():
        alts = [a for a in expected.args.get(key, ()) if a != OPTIONAL]
        if (
            key in expected.args
            and key not in defaults
            and not any(value_matches(value, a, strings) for a in alts)
        ):
            wanted = f"among accepted {clip(alts)}" if alts else "expected: the check wants it omitted"
            return Mismatch("wrong_value", f"argument {key!r} = {clip(value)} not {wanted}")
    missing = [k for k in expected.required_args() if k not in args]
    if missing:
        return Mismatch("missing_required", f"missing argument(s) {missing} the check requires")
    return None


def _is_default(value: Any, prop: Any, alts: tuple[Any, ...] | None, strings: str) -> bool:
    """Sending the schema's default counts as leaving the argument out, when the check allows that
    (`""` among its accepted values) or lists the default itself (even off the declared type)."""
    if not isinstance(prop, dict) or "default" not in prop or alts is None:
        return False
    default = prop["default"]
    if not (value == default and type(value) is type(default)):
        return False
    return OPTIONAL in alts or any(value_matches(value, a, strings) for a in alts if a != OPTIONAL)


def _max_matching(ok: list[list[bool]]) -> list[int | None]:
    """Expected index -> sent index, a maximum bipartite matching (Kuhn); lists are tiny."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j, good in enumerate(ok[i]):
            if good and j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(ok)):
        augment(i, set())
    assigned: list[int | None] = [None] * len(ok)
    for j, i in owner.items():
        assigned[i] = j
    return assigned


@dataclass(frozen=True)
class ToolCallCheck:
    """`tool_call`: the response must make exactly the expected calls (any order unless strict).

    `rules: bfcl` adds BFCL's one rule that JSON does not share (no ints in float arrays); the
    importer sets it so imported tasks grade as BFCL grades them.
    """

    name: ClassVar[str] = "tool_call"
    calls: tuple[ExpectedCall, ...]
    order: str = "any"
    strings: str = "normalized"
    extra_args: bool = False
    rules: str = "json"

    @classmethod
    def build(cls, spec: Any) -> ToolCallCheck:
        return build_tool_call(spec)

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> CheckResult:
        sent = response.tool_calls
        want = len(self.calls)
        if not sent:
            said = f"; replied {clip(response.content)!r}" if response.content else ""
            return CheckResult(False, 0.0, f"expected {want} tool call(s), got none{said}", "no_call")
        if len(sent) != want:
            names = ", ".join(c.name for c in sent)
            reason = f"expected {want} tool call(s), got {len(sent)} ({names})"
            return CheckResult(False, 0.0, reason, "wrong_call_count")
        if self.order == "strict" or want == 1:
            return self._strict(sent, tools)
        return self._any_order(sent, tools)

    def _match(self, exp: ExpectedCall, call: ToolCall, tools: ToolIndex | None) -> Mismatch | None:
        return match_call(exp, call, tools, self.strings, self.extra_args, self.rules)

    def _strict(self, sent: list[ToolCall], tools: ToolIndex | None) -> CheckResult:
        for i, (exp, call) in enumerate(zip(self.calls, sent, strict=True)):
            if miss := self._match(exp, call, tools):
                where = f"call {i + 1} of {len(sent)}: " if len(sent) > 1 else ""
                return CheckResult(False, i / len(sent), where + miss.reason, miss.failure)
        return CheckResult(True, 1.0, f"{len(sent)} tool call(s) match")

    def _any_order(self, sent: list[ToolCall], tools: ToolIndex | None) -> CheckResult:
        grid = [[self._match(exp, call, tools) for call in sent] for exp in self.calls]
        assigned = _max_matching([[m is None for m in row] for row in grid])
        matched = sum(j is not None for j in assigned)
        if matched == len(self.calls):
            return CheckResult(True, 1.0, f"{matched} tool calls match (any order)")
        i = assigned.index(None)
        exp = self.calls[i]
        # explain with the calls left over by the matching, preferring one to the same tool
        spare = [j for j in range(len(sent)) if j not in assigned]
        spare.sort(key=lambda j: sent[j].name != exp.name)
        miss = grid[i][spare[0]] or Mismatch("wrong_value", "no consistent assignment of calls")
        reason = f"{matched} of {len(self.calls)} calls matched; no match for {exp.name!r}: {miss.reason}"
        return CheckResult(False, matched / len(self.calls), reason, miss.failure)


def _parse_call(item: Any, field: str | None) -> ExpectedCall:
    def sub(name: str) -> str:
        return f"{field}.{name}" if field else name

    if not isinstance(item, dict):
        raise SpecError("expected a mapping with 'name' and 'args'", field)
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise SpecError("'name' must be a non-empty string (the offered tool's name)", sub("name"))
    raw_args = item.get("args") or {}
    if not isinstance(raw_args, dict):
        raise SpecError("'args' must map each argument to its accepted values", sub("args"))
    args: dict[str, tuple[Any, ...]] = {}
    for key, alts in raw_args.items():
        values = tuple(alts) if isinstance(alts, list) else (alts,)
        if not all(is_json(v) for v in values):
            raise SpecError("accepted values must be JSON values (quote dates and times)", sub(f"args.{key}"))
        if not values:
            raise SpecError(
                "empty list of accepted values (use [\"\"] for 'may be omitted')", sub(f"args.{key}")
            )
        args[str(key)] = values
    return ExpectedCall(name=name, args=args)


def _choice(spec: dict[str, Any], key: str, valid: tuple[str, ...]) -> str:
    value = spec.get(key, valid[0])
    if value not in valid:
        raise SpecError(f"{value!r} is not one of: {', '.join(valid)}", key)
    return str(value)


def build_tool_call(spec: Any) -> ToolCallCheck:
    """`{name, args}` for one call or `{calls: [...], order: any|strict}` for parallel calls."""
    if not isinstance(spec, dict):
        raise SpecError("expected {name: ..., args: {...}} or {calls: [...]}")
    valid = ("name", "args", "calls", "order", "strings", "extra_args", "rules")
    for key in spec:
        if key not in valid:
            raise SpecError(f"unknown option {key!r}; valid: {', '.join(valid)}", str(key))
    if "calls" in spec:
        if "name" in spec or "args" in spec:
            raise SpecError("use either 'calls' or 'name'/'args', not both")
        items = spec["calls"]
        if not isinstance(items, list) or not items:
            raise SpecError("'calls' must be a non-empty list of {name, args}", "calls")
        calls = tuple(_parse_call(item, f"calls[{i}]") for i, item in enumerate(items))
    else:
        calls = (_parse_call(spec, None),)
    extra = spec.get("extra_args", False)
    if not isinstance(extra, bool):
        raise SpecError("'extra_args' must be true or false", "extra_args")
    return ToolCallCheck(
        calls=calls,
        order=_choice(spec, "order", ORDERS),
        strings=_choice(spec, "strings", STRING_MODES),
        extra_args=extra,
        rules=_choice(spec, "rules", RULES),
    )


@dataclass(frozen=True)
class NoToolCall:
    """`no_tool_call: {}`: the right answer is text (relevance detection), any call is a failure."""

    name: ClassVar[str] = "no_tool_call"

    @classmethod
    def build(cls, spec: Any) -> NoToolCall:
        if spec not in (None, {}):
            raise SpecError("takes no options: write `no_tool_call: {}`")
        return cls()

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> CheckResult:
        if response.tool_calls:
            names = ", ".join(c.name for c in response.tool_calls)
            reason = f"expected no tool call, got {len(response.tool_calls)} ({names})"
            return CheckResult(False, 0.0, reason, "unexpected_call")
        return CheckResult(True, 1.0, "no tool call")
