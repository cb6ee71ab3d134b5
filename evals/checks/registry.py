"""Check registry, per-task compilation and task grading.

Every check is a small frozen dataclass (text.py, json_schema.py, tool_call.py, python_tests.py)
registered here under its YAML name and built from its short form (`- contains: Paris`). A task's
checks are built ONCE, on first use, and kept on the task (`compiled`), so grading thousands of
responses never rebuilds a check or a JSON-schema validator. A bad spec is the task author's
mistake and raises InputError naming the file, the field and the valid choices; a failing model
output is data (`passed=False` with an explicit reason), never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.checks.base import CheckFn, SpecError, ToolIndex, tool_index
from evals.checks.json_schema import JsonSchema, parse_json_content
from evals.checks.python_tests import PythonTests
from evals.checks.text import Contains, Equals, Regex
from evals.checks.tool_call import NoToolCall, ToolCallCheck
from evals.errors import InputError
from evals.records import Response, Task

__all__ = [
    "Check",
    "CompiledTask",
    "Grade",
    "build_check",
    "build_checks",
    "check_names",
    "check_task_spec",
    "compiled",
    "grade",
    "parse_json_content",
    "register",
]

Builder = Callable[[Any], CheckFn]
_REGISTRY: dict[str, Builder] = {
    cls.name: cls.build
    for cls in (Contains, Equals, Regex, JsonSchema, ToolCallCheck, NoToolCall, PythonTests)
}


def register(name: str) -> Callable[[Builder], Builder]:
    """Register a check builder under its YAML name. The builder raises SpecError on a bad spec."""

    def decorate(builder: Builder) -> Builder:
        _REGISTRY[name] = builder
        return builder

    return decorate


def check_names() -> list[str]:
    """Registered check names, for 'valid:' lists in error messages."""
    return sorted(_REGISTRY)


@dataclass(frozen=True)
class Check:
    """A built check: its name, where it was written (e.g. `checks[2]`) and the check itself."""

    name: str
    field: str
    fn: CheckFn

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> Any:
        return self.fn(response, tools)


def build_check(spec: Any, where: str = "checks", path: str | Path | None = None) -> Check:
    """Build one check from its one-key short form; `where`/`path` name the spot for errors."""
    if not isinstance(spec, dict) or len(spec) != 1:
        raise InputError(
            path, where, f"a check is a one-key mapping like `contains: Paris`; valid: {_valid()}"
        )
    name, args = next(iter(spec.items()))
    builder = _REGISTRY.get(name)
    if builder is None:
        raise InputError(path, where, f"unknown check {name!r}; valid: {_valid()}")
    try:
        fn = builder(args)
    except SpecError as exc:
        sub = f"{where}.{name}" + (f".{exc.field}" if exc.field else "")
        raise InputError(path, sub, str(exc)) from None
    return Check(name=str(name), field=where, fn=fn)


def _valid() -> str:
    return ", ".join(check_names())


def build_checks(task: Task, field_prefix: str = "") -> list[Check]:
    """All of a task's checks; raises InputError on the first bad one."""
    pre = f"{field_prefix}." if field_prefix else ""
    if not task.checks:
        raise InputError(task.source, f"{pre}checks", f"at least one check is required; valid: {_valid()}")
    return [build_check(spec, f"{pre}checks[{i}]", task.source) for i, spec in enumerate(task.checks)]


@dataclass(frozen=True)
class CompiledTask:
    """A task's built checks and offered-tools index, kept on the task for every later grading."""

    checks: tuple[Check, ...]
    tools: ToolIndex | None
    source_checks: Any = field(compare=False, repr=False, default=None)
    source_tools: Any = field(compare=False, repr=False, default=None)


def compiled(task: Task, field_prefix: str = "") -> CompiledTask:
    """The task's checks, built on first use and cached on the task (rebuilt only if its checks
    or tools were replaced, e.g. by `model_copy(update=...)`)."""
    cached = task._compiled
    if (
        isinstance(cached, CompiledTask)
        and cached.source_checks is task.checks
        and cached.source_tools is task.tools
    ):
        return cached
    built = CompiledTask(
        tuple(build_checks(task, field_prefix)), tool_index(task.tools), task.checks, task.tools
    )
    task._compiled = built
    return built


def check_task_spec(task: Task, field_prefix: str = "") -> None:
    """Validate a task's check specs at load time (raises InputError naming file and field)."""
    compiled(task, field_prefix)


@dataclass(frozen=True)
class Grade:
    """A task-level verdict: all checks pass; `failure` is the first failing check's code."""

    passed: bool
    failure: str | None
    details: list[dict[str, Any]] = field(default_factory=list)


def grade(task: Task, response: Response) -> Grade:
    """Run every check of the task on one response.

    A response that carries an error (e.g. `provider_rejected`) fails with that code; a failed
    check on a response cut off by `max_tokens` (finish_reason `length`) fails as `truncated`.
    """
    if not response.ok:
        reason = response.error or str(response.error_type)
        detail = {"check": "response", "field": None, "passed": False, "score": 0.0, "reason": reason}
        return Grade(False, response.error_type, [{**detail, "failure": response.error_type}])
    built = compiled(task)
    details: list[dict[str, Any]] = []
    failure: str | None = None
    for check in built.checks:
        result = check(response, built.tools)
        details.append(
            {
                "check": check.name,
                "field": check.field,
                "passed": result.passed,
                "score": result.score,
                "reason": result.reason,
                "failure": result.failure,
            }
        )
        if not result.passed and failure is None:
            failure = result.failure or f"{check.name}_failed"
    if response.finish_reason == "max_turns":  # an agent attempt that never gave its answer
        reason = "still calling tools when the agent's max_turns ran out"
        details.append(
            {
                "check": "agent",
                "field": "agent.max_turns",
                "passed": False,
                "score": 0.0,
                "reason": reason,
                "failure": "max_turns",
            }
        )
        failure = failure or "max_turns"
    if failure is not None and response.finish_reason == "length":
        failure = "truncated"
    return Grade(passed=failure is None, failure=failure, details=details)
