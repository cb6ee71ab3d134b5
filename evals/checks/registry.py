"""Check registry and task grading.

A check is a small pure function built once from its YAML short form (`- contains: Paris`) and
called on a response: `(response, tools) -> CheckResult`. A bad spec is the task author's mistake
and raises InputError naming the file, the field and the valid choices; a failing model output is
data (`passed=False` with an explicit reason), never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match

from evals.checks.tool_call import (
    CheckFn,
    SpecError,
    ToolIndex,
    build_no_tool_call,
    build_tool_call,
    clip,
    tool_index,
)
from evals.errors import InputError
from evals.records import CheckResult, Response, Task

Builder = Callable[[Any], CheckFn]
_REGISTRY: dict[str, Builder] = {}
_FENCED = re.compile(r"\A```[ \t]*(?:json)?[ \t]*\n(.*?)\n?[ \t]*```\Z", re.DOTALL | re.IGNORECASE)
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


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
    """A built check: its name, where it was written (e.g. `checks[2]`) and the function."""

    name: str
    field: str
    fn: CheckFn

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> CheckResult:
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


def check_task_spec(task: Task, field_prefix: str = "") -> None:
    """Validate a task's check specs at load time (raises InputError naming file and field)."""
    build_checks(task, field_prefix)


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
    tools = tool_index(task.tools)
    details: list[dict[str, Any]] = []
    failure: str | None = None
    for check in build_checks(task):
        result = check(response, tools)
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
    if failure is not None and response.finish_reason == "length":
        failure = "truncated"
    return Grade(passed=failure is None, failure=failure, details=details)


# ---------------------------------------------------------------- content checks


def _empty(response: Response) -> CheckResult | None:
    if response.content is None or not response.content.strip():
        calls = f" ({len(response.tool_calls)} tool call(s))" if response.tool_calls else ""
        return CheckResult(False, 0.0, f"no text content{calls}", "empty_content")
    return None


def _text(value: Any, field: str | None = None) -> str:
    """A YAML scalar used as text: `contains: 429` means the text "429"."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise SpecError(f"expected text, got {type(value).__name__}", field)
    return str(value)


def _options(spec: dict[str, Any], valid: tuple[str, ...]) -> None:
    for key in spec:
        if key not in valid:
            raise SpecError(f"unknown option {key!r}; valid: {', '.join(valid)}", str(key))


def _flag(spec: dict[str, Any], key: str, default: bool) -> bool:
    value = spec.get(key, default)
    if not isinstance(value, bool):
        raise SpecError(f"{key!r} must be true or false", key)
    return value


def _unwrap_case(spec: Any, key: str) -> tuple[Any, bool]:
    """The long form `{<key>: ..., case_sensitive: bool}` or the bare short form (case-sensitive)."""
    if not isinstance(spec, dict):
        return spec, True
    _options(spec, (key, "case_sensitive"))
    case_sensitive = _flag(spec, "case_sensitive", True)
    if key not in spec:
        raise SpecError(f"missing {key!r}")
    return spec[key], case_sensitive


@register("contains")
def build_contains(spec: Any) -> CheckFn:
    """`contains: text`, `contains: [a, b]` (all must appear) or `{text: ..., case_sensitive: false}`."""
    spec, case_sensitive = _unwrap_case(spec, "text")
    items = spec if isinstance(spec, list) else [spec]
    if not items:
        raise SpecError("needs at least one text")
    texts = [_text(item) for item in items]

    def fold(s: str) -> str:
        return s if case_sensitive else s.casefold()

    def check(response: Response, tools: ToolIndex | None = None) -> CheckResult:
        if empty := _empty(response):
            return empty
        hay = fold(response.content or "")
        missing = [t for t in texts if fold(t) not in hay]
        score = (len(texts) - len(missing)) / len(texts)
        if missing:
            shown = ", ".join(repr(clip(t, 40)) for t in missing)
            reason = f"missing {len(missing)} of {len(texts)} text(s): {shown}"
            return CheckResult(False, score, reason, "missing_text")
        return CheckResult(True, 1.0, f"found all {len(texts)} text(s)")

    return check


def _regex_flags(value: Any) -> int:
    if isinstance(value, str):
        names: Any = [value] if value.isupper() else list(value)
    else:
        names = value
    if not isinstance(names, list):
        raise SpecError("'flags' is a string of i, m, s, x or a list of names like [IGNORECASE]", "flags")
    flags = 0
    for name in names:
        key = str(name)
        flag = _REGEX_FLAGS.get(key) if len(key) == 1 else re.RegexFlag.__members__.get(key)
        if flag is None:
            raise SpecError(
                f"unknown flag {name!r}; valid: i, m, s, x, IGNORECASE, MULTILINE, DOTALL", "flags"
            )
        flags |= flag
    return flags


@register("regex")
def build_regex(spec: Any) -> CheckFn:
    """`regex: pattern` or `{pattern: ..., flags: i}`: re.search on the content."""
    flags = 0
    if isinstance(spec, dict):
        _options(spec, ("pattern", "flags"))
        flags = _regex_flags(spec.get("flags", ""))
        spec = spec.get("pattern")
    if not isinstance(spec, str) or not spec:
        raise SpecError("expected a non-empty pattern string", "pattern")
    try:
        pattern = re.compile(spec, flags)
    except re.error as exc:
        raise SpecError(f"invalid regex: {exc}", "pattern") from None

    def check(response: Response, tools: ToolIndex | None = None) -> CheckResult:
        if empty := _empty(response):
            return empty
        content = response.content or ""
        found = pattern.search(content)
        if found is None:
            reason = f"pattern {clip(spec, 60)!r} not found in {len(content)} chars"
            return CheckResult(False, 0.0, reason, "no_match")
        return CheckResult(True, 1.0, f"matched {clip(found.group(0), 60)!r} at char {found.start()}")

    return check


@register("equals")
def build_equals(spec: Any) -> CheckFn:
    """`equals: text` or `{value: ..., case_sensitive: false}`: the stripped content equals it."""
    spec, case_sensitive = _unwrap_case(spec, "value")
    expected = _text(spec, "value").strip()

    def fold(s: str) -> str:
        return s if case_sensitive else s.casefold()

    def check(response: Response, tools: ToolIndex | None = None) -> CheckResult:
        got = (response.content or "").strip()
        if fold(got) == fold(expected):
            return CheckResult(True, 1.0, f"equals {clip(expected, 60)!r}")
        reason = f"expected {clip(expected, 60)!r}, got {clip(got, 60)!r} ({len(got)} chars)"
        return CheckResult(False, 0.0, reason, "empty_content" if not got else "not_equal")

    return check


def parse_json_content(content: str | None) -> tuple[Any, str | None]:
    """Parse content as JSON, tolerating one ```json fenced block that is the whole reply.

    Returns (value, None) or (None, reason). Prose around the JSON is not tolerated: the apps
    behind the gateway parse the reply as it comes.
    """
    text = (content or "").strip()
    if not text:
        return None, "no text content"
    fenced = _FENCED.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} at line {exc.lineno} col {exc.colno}"
    except RecursionError:
        return None, "not valid JSON: nested too deeply"


@register("json_schema")
def build_json_schema(spec: Any) -> CheckFn:
    """`json_schema: {<schema>}` or `{schema: {...}}`: the content parses as JSON and validates.

    Formats (`format: email`) are not asserted, so a verdict does not depend on optional packages.
    """
    schema = spec["schema"] if isinstance(spec, dict) and set(spec) == {"schema"} else spec
    if not isinstance(schema, dict):
        raise SpecError("expected a JSON schema mapping like {type: object, required: [...]}")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or None
        raise SpecError(f"invalid JSON schema: {exc.message}", where) from None
    validator = Draft202012Validator(schema)

    def check(response: Response, tools: ToolIndex | None = None) -> CheckResult:
        value, problem = parse_json_content(response.content)
        if problem is not None:
            code = "empty_content" if problem == "no text content" else "invalid_json"
            return CheckResult(False, 0.0, problem, code)
        errors = list(validator.iter_errors(value))
        if not errors:
            return CheckResult(True, 1.0, "valid JSON matching the schema")
        first = best_match(errors)
        at = "/" + "/".join(str(p) for p in first.absolute_path)
        reason = f"{len(errors)} schema error(s); at {at}: {clip(first.message, 120)}"
        return CheckResult(False, 0.0, reason, "schema_mismatch")

    return check


register("tool_call")(build_tool_call)
register("no_tool_call")(build_no_tool_call)
