"""Load golden tasks from YAML and validate them: well formed at load, solvable at validate.

`load_tasks` fails fast with an InputError naming the file and the field, because a broken task
file is the author's to fix before anything runs. `validate_tasks` lists every remaining problem
(tools that OpenAI would reject, checks naming tools that are not offered, references that fail
their own checks) so `routing tasks validate` can show them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from evals.checks.registry import Check, build_checks, check_task_spec, grade
from evals.checks.tool_call import OPENAI_TOOL_NAME, ToolCallCheck, tool_index
from evals.errors import InputError, validated
from evals.files import load_yaml
from evals.records import TIERS, Task

TASK_SUFFIXES = (".yaml", ".yml")


def load_tasks(path: str | Path, tier: str | None = None) -> list[Task]:
    """Tasks from a YAML file or, recursively, a folder of them (sorted, so runs are deterministic).

    A file holds one task (a mapping) or a list of tasks. A task's tier is its own `tier`, else
    the `tier` argument, else the nearest enclosing folder named after a known tier; a task whose
    own tier contradicts the `tier` argument is an error. A missing `id` defaults to
    `<tier>/<path under the tier folder>` (e.g. `agent/bfcl/simple_0`), or `<tier>/<file stem>`.
    """
    root = Path(path)
    if root.is_dir():
        files = sorted(
            (
                p
                for p in root.rglob("*")
                if p.suffix in TASK_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            ),
            key=lambda p: p.relative_to(root).as_posix(),
        )
    elif root.is_file():
        files = [root]
    else:
        raise InputError(root, None, "no such task file or folder")
    tasks: list[Task] = []
    seen: dict[str, str] = {}
    for file in files:
        for task in _load_file(file, tier):
            if task.id in seen:
                raise InputError(file, "id", f"duplicate task id {task.id!r} (also in {seen[task.id]})")
            seen[task.id] = str(file)
            tasks.append(task)
    return tasks


def _tier_folder(file: Path) -> tuple[str | None, str]:
    """The nearest enclosing tier folder and the file's path under it (without suffix)."""
    for parent in file.parents:
        if parent.name in TIERS:
            return parent.name, file.relative_to(parent).with_suffix("").as_posix()
    return None, file.stem


def _load_file(file: Path, tier: str | None) -> list[Task]:
    data = load_yaml(file)
    if isinstance(data, dict):
        items: list[tuple[str, Any]] = [("", data)]
    elif isinstance(data, list) and data:
        items = [(f"[{i}]", item) for i, item in enumerate(data)]
    else:
        raise InputError(file, None, "expected a task mapping or a non-empty list of tasks")
    folder_tier, rel = _tier_folder(file)
    tasks = []
    for prefix, raw in items:

        def at(name: str, prefix: str = prefix) -> str:
            return f"{prefix}.{name}" if prefix else name

        if not isinstance(raw, dict):
            raise InputError(file, prefix or None, "expected a task mapping")
        own = raw.get("tier")
        if own is not None and tier is not None and own != tier:
            raise InputError(
                file, at("tier"), f"task tier {own!r} differs from the tier being loaded {tier!r}"
            )
        task_tier = own or tier or folder_tier
        if not task_tier:
            raise InputError(
                file, at("tier"), f"missing; set it or put the file under a tier folder ({_tiers()})"
            )
        base = f"{task_tier}/{rel}" if folder_tier == task_tier else f"{task_tier}/{file.stem}"
        default_id = base if len(items) == 1 else f"{base}-{prefix.strip('[]')}"
        fields = {**raw, "tier": task_tier, "id": raw.get("id", default_id), "source": str(file)}
        task = validated(Task, fields, file, prefix)
        if not task.id.strip():
            raise InputError(file, at("id"), "must not be empty")
        if not task.messages:
            raise InputError(file, at("messages"), "needs at least one message")
        check_task_spec(task, prefix)
        tasks.append(task)
    return tasks


def _tiers() -> str:
    return ", ".join(TIERS)


def validate_tasks(tasks: Iterable[Task]) -> list[str]:
    """Every problem found, one line each, starting with the file and the task id; [] when all good."""
    problems: list[str] = []
    for task in tasks:
        where = f"{task.source or '<no file>'}: {task.id}"
        found = _task_problems(task)
        problems.extend(f"{where}: {p}" for p in found)
    return problems


def _task_problems(task: Task) -> list[str]:
    problems: list[str] = []
    if task.tier not in TIERS:
        problems.append(f"tier: unknown tier {task.tier!r}; valid: {_tiers()}")
    for i, message in enumerate(task.messages):
        if not isinstance(message.get("role"), str) or message["role"] not in _ROLES:
            problems.append(f"messages[{i}].role: must be one of {', '.join(_ROLES)}")
    problems.extend(tool_problems(task.tools))
    if task.agent is not None:
        # Scripted multi-turn loops are part of the schema but the runner sends one turn only;
        # running such a task would grade the wrong thing, so it is refused rather than half-run.
        problems.append("agent: scripted multi-turn loops are not supported by this version's runner")
    try:
        checks = build_checks(task)
    except InputError as exc:
        return [*problems, f"{exc.field}: {exc.message}"]
    problems.extend(_tool_check_problems(task, checks))
    verdict = grade(task, task.reference.as_response())
    if not verdict.passed:
        bad = next((d for d in verdict.details if not d["passed"]), {})
        field = bad.get("field") or "reference"
        problems.append(
            f"reference fails its own checks: {field} ({bad.get('check')}): "
            f"{bad.get('reason')} [{verdict.failure}]"
        )
    return problems


_ROLES = ("system", "user", "assistant", "tool", "developer")


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
    try:
        Draft202012Validator.check_schema(params)
    except SchemaError as exc:
        problems.append(f"invalid JSON schema: {exc.message}")
    return problems


def _tool_check_problems(task: Task, checks: list[Check]) -> list[str]:
    """tool_call checks must name an offered tool and only arguments from its schema."""
    tools = tool_index(task.tools)
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
