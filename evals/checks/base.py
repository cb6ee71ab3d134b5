"""What every check shares: the spec error, the offered-tools index, and small spec/reason helpers.

A check is a frozen dataclass built once from its YAML short form by a `build(spec)` classmethod
and called on a response: `check(response, tools) -> CheckResult`. Building validates the spec
(raising SpecError naming the sub-field); calling never raises on a model's output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from evals.records import CheckResult, Response

ToolIndex = dict[str, dict[str, Any]]  # offered tool name -> its `parameters` JSON schema
CheckFn = Callable[[Response, "ToolIndex | None"], CheckResult]  # what every built check is


class SpecError(ValueError):
    """A bad check spec. `field` is the sub-field (e.g. `args.city`) under the check's own field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def tool_index(tools: Sequence[dict[str, Any]] | None) -> ToolIndex | None:
    """Offered tools by name; None when the task offers none (schema-based checks are then skipped)."""
    if not tools:
        return None
    index: ToolIndex = {}
    for tool in tools:
        fn = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            params = fn.get("parameters")
            index[fn["name"]] = params if isinstance(params, dict) else {}
    return index


def clip(text: Any, limit: int = 80) -> str:
    """A value shortened for a failure reason (non-strings shown as JSON)."""
    s = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False, default=str)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def empty_content(response: Response) -> CheckResult | None:
    """The common failure of text checks: nothing to read."""
    if response.content is None or not response.content.strip():
        calls = f" ({len(response.tool_calls)} tool call(s))" if response.tool_calls else ""
        return CheckResult(False, 0.0, f"no text content{calls}", "empty_content")
    return None


def as_text(value: Any, field: str | None = None) -> str:
    """A YAML scalar used as text: `contains: 429` means the text "429"."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SpecError(f"expected text, got {type(value).__name__}", field)
    return str(value)


def only_options(spec: dict[str, Any], valid: tuple[str, ...]) -> None:
    """Reject keys a long form does not know, naming the valid ones."""
    for key in spec:
        if key not in valid:
            raise SpecError(f"unknown option {key!r}; valid: {', '.join(valid)}", str(key))


def flag(spec: dict[str, Any], key: str, default: bool) -> bool:
    value = spec.get(key, default)
    if not isinstance(value, bool):
        raise SpecError(f"{key!r} must be true or false", key)
    return value


def number(spec: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    """A bounded number option (timeouts, limits): out of range is the author's mistake."""
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise SpecError(f"{key!r} must be a number from {low:g} to {high:g}", key)
    return float(value)
