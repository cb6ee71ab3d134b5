"""Validate loaded golden tasks: every problem, one line each, so `tasks validate` shows them all.

Problems are tools that OpenAI would reject, checks naming tools that are not offered, a bad
`agent` script, and references that fail their own checks (for an agent task, the reference is
played through its scripted environment first). Each line starts with the file and the task id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from evals.checks.json_schema import parameters_problem
from evals.checks.registry import Check, compiled, grade
from evals.checks.tool_call import OPENAI_TOOL_NAME, ToolCallCheck
from evals.errors import InputError
from evals.records import TIERS, Task

_ROLES = ("system", "user", "assistant", "tool", "developer")


def _tiers() -> str:
    return ", ".join(TIERS)


def validate_tasks(tasks: Iterable[Task]) -> list[str]:
    """Every problem found, one line each, starting with the file and the task id; [] when all good."""
    return [line for lines in problems_by_task(tasks).values() for line in lines]


def problems_by_task(tasks: Iterable[Task]) -> dict[str, list[str]]:
    """Task id -> its problems as `file: id: field: message` lines, for invalid tasks only."""
    out: dict[str, list[str]] = {}
    for task in tasks:
        if found := _task_problems(task):
            where = f"{task.source or '<no file>'}: {task.id}"
            out[task.id] = [f"{where}: {p}" for p in found]
    return out


def _task_problems(task: Task) -> list[str]:
    problems: list[str] = []
    if task.tier not in TIERS:
        problems.append(f"tier: unknown tier {task.tier!r}; valid: {_tiers()}")
    for i, message in enumerate(task.messages):
        if not isinstance(message.get("role"), str) or message["role"] not in _ROLES:
            problems.append(f"messages[{i}].role: must be one of {', '.join(_ROLES)}")
    problems.extend(tool_problems(task.tools))
    try:
        checks = list(compiled(task).checks)
    except InputError as exc:
        return [*problems, f"{exc.field}: {exc.message}"]
    problems.extend(_tool_check_problems(task, checks))
    if task.agent is not None:
        from evals.tasks.agent import agent_problems, play_reference

        if found := agent_problems(task):
            return [*problems, *found]
        response = play_reference(task)
    else:
        response = task.reference.as_response()
    verdict = grade(task, response)
    if not verdict.passed:
        bad = next((d for d in verdict.details if not d["passed"]), {})
        field = bad.get("field") or "reference"
        problems.append(
            f"reference fails its own checks: {field} ({bad.get('check')}): "
            f"{bad.get('reason')} [{verdict.failure}]"
        )
    return problems


def tool_problems(tools: list[dict[str, Any]] | None) -> list[str]:
    """Problems that would make a provider reject the task's `tools` (OpenAI function schema)."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, tool in enumerate(tools or []):
        at = f"tools[{i}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            problems.append(f"{at}.type: must be 'function'")
            continue
        fn = tool.get("function")
        if not isinstance(fn, dict):
            problems.append(f"{at}.function: must be a mapping with name and parameters")
            continue
        name = fn.get("name")
        if not isinstance(name, str) or not OPENAI_TOOL_NAME.match(name):
            problems.append(f"{at}.function.name: {name!r} must match [A-Za-z0-9_-]{{1,64}}")
        elif name in seen:
            problems.append(f"{at}.function.name: duplicate tool name {name!r}")
        else:
            seen.add(name)
        problems.extend(f"{at}.function.parameters: {p}" for p in _parameter_problems(fn.get("parameters")))
    return problems


def _parameter_problems(params: Any) -> list[str]:
    if params is None:
        return []  # OpenAI allows a function without parameters
    if not isinstance(params, dict) or params.get("type") != "object":
        return ["must be a JSON schema with type: object"]
    problems = []
    props = params.get("properties", {})
    if not isinstance(props, dict):
        return ["properties must be a mapping"]
    required = params.get("required", [])
    if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
        problems.append("required must be a list of property names")
    else:
        problems.extend(f"required {r!r} is not in properties" for r in required if r not in props)
    if found := parameters_problem(params):
        problems.append(f"invalid JSON schema: {found}")
    return problems


def _tool_check_problems(task: Task, checks: list[Check]) -> list[str]:
    """tool_call checks must name an offered tool and only arguments from its schema."""
    tools = compiled(task).tools
    problems = []
    for check in checks:
        if not isinstance(check.fn, ToolCallCheck):
            continue
        if tools is None:
            problems.append(f"{check.field}: tool_call check but the task offers no tools")
            continue
        for call in check.fn.calls:
            if call.name not in tools:
                offered = ", ".join(sorted(tools))
                problems.append(f"{check.field}: names {call.name!r}, not an offered tool ({offered})")
                continue
            props = tools[call.name].get("properties") or {}
            problems.extend(
                f"{check.field}: argument {arg!r} is not in the parameters of {call.name!r}"
                for arg in call.args
                if arg not in props
            )
    return problems
