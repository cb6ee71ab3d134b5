"""Load golden tasks from YAML: well formed at load (validate.py then proves them solvable).

`load_tasks` fails fast with an InputError naming the file and the field, because a broken task
file is the author's to fix before anything runs; given an `errors` list it instead collects one
InputError per broken file or task and loads the rest (`tasks validate`, `eval --skip-invalid`).
Limits keep a hostile or mistaken file from stalling a run: the file's size, and the task's size
once YAML aliases are expanded (an alias bomb is small on disk and huge in memory).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.checks.registry import check_task_spec
from evals.errors import InputError, validated
from evals.files import parse_yaml, read_text
from evals.records import TIERS, Task
from evals.tasks.validate import problems_by_task, tool_problems, validate_tasks

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TASK_CHARS",
    "load_checked",
    "load_tasks",
    "tool_problems",
    "validate_tasks",
]

TASK_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 8 * 2**20  # a task file larger than this is refused before parsing
MAX_TASK_CHARS = 4_000_000  # a task's expanded size (≈1M tokens): past any model's context


def load_tasks(
    path: str | Path, tier: str | None = None, errors: list[InputError] | None = None
) -> list[Task]:
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
        for task in _load_file(file, tier, errors):
            if task.id in seen:
                _fail(
                    errors, InputError(file, "id", f"duplicate task id {task.id!r} (also in {seen[task.id]})")
                )
                continue
            seen[task.id] = str(file)
            tasks.append(task)
    return tasks


def load_checked(paths: Sequence[str | Path], tier: str | None = None) -> tuple[list[Task], list[str]]:
    """Every task that loads and validates, and one `file: id: field: message` line per problem
    (a file that does not load, a task that does not, a task that fails validation)."""
    errors: list[InputError] = []
    loaded = [task for path in paths for task in load_tasks(path, tier, errors)]
    invalid = problems_by_task(loaded)
    problems = [str(e) for e in errors] + [line for lines in invalid.values() for line in lines]
    return [t for t in loaded if t.id not in invalid], problems


def _fail(errors: list[InputError] | None, error: InputError) -> None:
    """Raise, or collect when the caller asked for every error."""
    if errors is None:
        raise error
    errors.append(error)


def _read_limited(file: Path) -> tuple[Any, bool]:
    """The parsed file, and whether it may hold YAML aliases (whose expansion needs measuring)."""
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise InputError(file, None, f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise InputError(file, None, f"task file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    text = read_text(file)
    return parse_yaml(text, file), "&" in text


def expanded_size(value: Any, limit: int) -> int:
    """Characters of a parsed YAML value with every alias expanded, counting stops past `limit`
    (so an alias bomb is measured in bounded time)."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
            total += 2
        elif isinstance(item, list):
            stack.extend(item)
            total += 2
        else:
            total += len(item) if isinstance(item, str) else 8
    return total


def _tier_folder(file: Path) -> tuple[str | None, str]:
    """The nearest enclosing tier folder and the file's path under it (without suffix)."""
    for parent in file.parents:
        if parent.name in TIERS:
            return parent.name, file.relative_to(parent).with_suffix("").as_posix()
    return None, file.stem


def _load_file(file: Path, tier: str | None, errors: list[InputError] | None) -> list[Task]:
    try:
        data, aliased = _read_limited(file)
    except InputError as exc:
        _fail(errors, exc)
        return []
    if isinstance(data, dict):
        items: list[tuple[str, Any]] = [("", data)]
    elif isinstance(data, list) and data:
        items = [(f"[{i}]", item) for i, item in enumerate(data)]
    else:
        _fail(errors, InputError(file, None, "expected a task mapping or a non-empty list of tasks"))
        return []
    folder_tier, rel = _tier_folder(file)
    tasks = []
    for prefix, raw in items:
        try:
            tasks.append(_load_one(file, tier, folder_tier, rel, prefix, raw, len(items), aliased))
        except InputError as exc:
            if errors is not None and isinstance(raw, dict) and isinstance(raw.get("id"), str):
                exc = InputError(
                    exc.path, f"{raw['id']}: {exc.field or 'task'}", exc.message
                )  # name the task
            _fail(errors, exc)
    return tasks


def _load_one(
    file: Path,
    tier: str | None,
    folder_tier: str | None,
    rel: str,
    prefix: str,
    raw: Any,
    count: int,
    aliased: bool = True,
) -> Task:
    def at(name: str) -> str:
        return f"{prefix}.{name}" if prefix else name

    if not isinstance(raw, dict):
        raise InputError(file, prefix or None, "expected a task mapping")
    if aliased and expanded_size(raw, MAX_TASK_CHARS) > MAX_TASK_CHARS:
        raise InputError(
            file, prefix or None, f"task expands to over {MAX_TASK_CHARS:,} characters (YAML aliases?)"
        )
    own = raw.get("tier")
    if own is not None and tier is not None and own != tier:
        raise InputError(file, at("tier"), f"task tier {own!r} differs from the tier being loaded {tier!r}")
    task_tier = own or tier or folder_tier
    if not task_tier:
        raise InputError(
            file, at("tier"), f"missing; set it or put the file under a tier folder ({_tiers()})"
        )
    base = f"{task_tier}/{rel}" if folder_tier == task_tier else f"{task_tier}/{file.stem}"
    default_id = base if count == 1 else f"{base}-{prefix.strip('[]')}"
    fields = {**raw, "tier": task_tier, "id": raw.get("id", default_id), "source": str(file)}
    task = validated(Task, fields, file, prefix)
    if not task.id.strip():
        raise InputError(file, at("id"), "must not be empty")
    if not task.messages:
        raise InputError(file, at("messages"), "needs at least one message")
    check_task_spec(task, prefix)
    return task


def _tiers() -> str:
    return ", ".join(TIERS)
