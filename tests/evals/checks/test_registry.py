"""Content checks, the registry's spec errors and task-level grading."""

from __future__ import annotations

import pytest

from evals.checks import registry as checks
from evals.checks.registry import (
    Grade,
    build_check,
    check_names,
    check_task_spec,
    grade,
    parse_json_content,
    register,
)
from evals.errors import InputError
from evals.records import CheckResult, Reference, Response, Task, ToolCall


def run(spec: dict, content: str | None, **response) -> CheckResult:
    return build_check(spec)(Response(content=content, **response))


def make_task(checks: list[dict], **extra) -> Task:
    return Task(
        id="chat/t",
        tier="chat",
        messages=[{"role": "user", "content": "q"}],
        checks=checks,
        reference=Reference(content="x"),
        source="golden_tasks/chat/t.yaml",
        **extra,
    )


# ---------------------------------------------------------------- contains


def test_contains_single_text() -> None:
    assert run({"contains": "Paris"}, "The capital is Paris.").passed
    result = run({"contains": "Paris"}, "The capital is Lyon.")
    assert (result.passed, result.score, result.failure) == (False, 0.0, "missing_text")
    assert "missing 1 of 1" in result.reason and "'Paris'" in result.reason


def test_contains_list_needs_all_and_scores_the_share_found() -> None:
    result = run({"contains": ["alpha", "beta", "gamma", "delta"]}, "alpha beta gamma")
    assert (result.passed, result.score) == (False, 0.75)
    assert "'delta'" in result.reason


def test_contains_is_case_sensitive_unless_told() -> None:
    assert not run({"contains": "paris"}, "PARIS").passed
    assert run({"contains": {"text": "paris", "case_sensitive": False}}, "PARIS").passed
    assert run({"contains": {"text": ["a", "B"], "case_sensitive": False}}, "b A").passed


def test_contains_number_scalar_is_text() -> None:
    assert run({"contains": 429}, "Status 429.").passed


def test_content_checks_fail_on_empty_content_with_their_own_code() -> None:
    response = Response(content=None, tool_calls=[ToolCall("f", "{}")])
    for spec in ({"contains": "x"}, {"regex": "x"}, {"equals": "x"}, {"json_schema": {"type": "object"}}):
        result = build_check(spec)(response)
        assert (result.passed, result.failure) == (False, "empty_content"), spec
    assert "1 tool call" in build_check({"contains": "x"})(response).reason


# ---------------------------------------------------------------- regex


def test_regex_search_and_reason() -> None:
    result = run({"regex": r"\b4\d\d\b"}, "got a 429 back")
    assert result.passed and "'429' at char 6" in result.reason
    miss = run({"regex": r"\b5\d\d\b"}, "got a 429 back")
    assert (miss.passed, miss.failure) == (False, "no_match")
    assert "14 chars" in miss.reason


@pytest.mark.parametrize("flags", ["i", ["IGNORECASE"], "IGNORECASE"])
def test_regex_flags(flags) -> None:
    assert run({"regex": {"pattern": "monday", "flags": flags}}, "Every MONDAY").passed


def test_regex_multiline_and_dotall_flags() -> None:
    assert run({"regex": {"pattern": "^b$", "flags": "m"}}, "a\nb\nc").passed
    assert not run({"regex": "^b$"}, "a\nb\nc").passed
    assert run({"regex": {"pattern": "a.b", "flags": "s"}}, "a\nb").passed


# ---------------------------------------------------------------- equals


def test_equals_strips_and_compares_exactly() -> None:
    assert run({"equals": "429"}, "  429\n").passed
    result = run({"equals": "429"}, "429.")
    assert (result.passed, result.failure) == (False, "not_equal")
    assert "expected '429', got '429.'" in result.reason


def test_equals_case_insensitive_option() -> None:
    assert not run({"equals": "yes"}, "Yes").passed
    assert run({"equals": {"value": "yes", "case_sensitive": False}}, "Yes").passed


# ---------------------------------------------------------------- json_schema

SCHEMA = {
    "type": "object",
    "required": ["service", "status"],
    "properties": {"service": {"type": "string"}, "status": {"type": "integer"}},
}


def test_json_schema_passes_plain_and_fenced_json() -> None:
    assert run({"json_schema": SCHEMA}, '{"service": "api", "status": 503}').passed
    fenced = '```json\n{"service": "api", "status": 503}\n```'
    assert run({"json_schema": SCHEMA}, fenced).passed
    assert run({"json_schema": {"schema": SCHEMA}}, '```\n{"service": "a", "status": 1}\n```').passed


def test_json_schema_invalid_json() -> None:
    result = run({"json_schema": SCHEMA}, '{"service": "api", "status": }')
    assert (result.passed, result.failure) == (False, "invalid_json")
    assert "line 1" in result.reason


def test_json_schema_rejects_prose_around_the_fence() -> None:
    result = run({"json_schema": SCHEMA}, 'Here you go:\n```json\n{"service": "a", "status": 1}\n```')
    assert result.failure == "invalid_json"


def test_json_schema_mismatch_names_path_and_count() -> None:
    result = run({"json_schema": SCHEMA}, '{"service": "api", "status": "503"}')
    assert (result.passed, result.failure) == (False, "schema_mismatch")
    assert "1 schema error(s)" in result.reason and "/status" in result.reason
    missing = run({"json_schema": SCHEMA}, "{}")
    assert "2 schema error(s)" in missing.reason


def test_parse_json_content() -> None:
    assert parse_json_content(" [1, 2] ") == ([1, 2], None)
    assert parse_json_content("```JSON\n{}\n```") == ({}, None)
    assert parse_json_content("") == (None, "no text content")
    value, problem = parse_json_content("[" * 100_000)
    assert value is None and problem is not None and problem.startswith("not valid JSON")


# ---------------------------------------------------------------- spec errors


def test_unknown_check_names_valid_choices_with_file_and_field() -> None:
    with pytest.raises(InputError) as info:
        build_check({"contain": "Paris"}, "checks[1]", "golden_tasks/chat/x.yaml")
    message = str(info.value)
    assert message.startswith("golden_tasks/chat/x.yaml: checks[1]: unknown check 'contain'; valid: ")
    for name in ("contains", "equals", "json_schema", "no_tool_call", "regex", "tool_call"):
        assert name in message


@pytest.mark.parametrize(
    ("spec", "field", "text"),
    [
        ({"contains": "a", "regex": "b"}, "checks[0]", "one-key mapping"),
        ("contains", "checks[0]", "one-key mapping"),
        ({"contains": []}, "checks[0].contains", "at least one"),
        ({"contains": {"txt": "a"}}, "checks[0].contains.txt", "valid: text, case_sensitive"),
        (
            {"contains": {"text": "a", "case_sensitive": "no"}},
            "checks[0].contains.case_sensitive",
            "true or false",
        ),
        ({"contains": {"nested": True}}, "checks[0].contains.nested", "unknown option"),
        ({"regex": "(unclosed"}, "checks[0].regex.pattern", "invalid regex"),
        ({"regex": {"pattern": "a", "flags": "q"}}, "checks[0].regex.flags", "unknown flag 'q'"),
        ({"regex": ""}, "checks[0].regex.pattern", "non-empty"),
        ({"equals": ["a"]}, "checks[0].equals.value", "expected text"),
        ({"equals": {"case_sensitive": False}}, "checks[0].equals", "missing 'value'"),
        ({"json_schema": "object"}, "checks[0].json_schema", "JSON schema mapping"),
        ({"json_schema": {"type": "objekt"}}, "checks[0].json_schema.type", "invalid JSON schema"),
        ({"tool_call": {"name": "f", "order": "x"}}, "checks[0].tool_call.order", "any, strict"),
    ],
)
def test_bad_spec_raises_input_error_naming_the_field(spec, field: str, text: str) -> None:
    with pytest.raises(InputError) as info:
        build_check(spec, "checks[0]", "t.yaml")
    assert (info.value.path, info.value.field) == ("t.yaml", field)
    assert text in info.value.message


def test_register_adds_a_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "_REGISTRY", dict(checks._REGISTRY))  # leave the real registry alone

    @register("always_fails_for_test")
    def build(spec):
        return lambda response, tools=None: CheckResult(False, 0.0, f"nope {spec}", "test_fail")

    assert "always_fails_for_test" in check_names()
    assert build_check({"always_fails_for_test": 1})(Response(content="x")).reason == "nope 1"


def test_check_task_spec_names_file_and_field() -> None:
    task = make_task([{"contains": "a"}, {"regex": "[oops"}])
    with pytest.raises(InputError) as info:
        check_task_spec(task)
    assert str(info.value).startswith("golden_tasks/chat/t.yaml: checks[1].regex.pattern: invalid regex")


def test_check_task_spec_requires_a_check() -> None:
    with pytest.raises(InputError, match="at least one check"):
        check_task_spec(make_task([]))


# ---------------------------------------------------------------- grade


def test_grade_all_checks_pass() -> None:
    verdict = grade(
        make_task([{"contains": "Paris"}, {"regex": "^The"}]), Response(content="The city is Paris")
    )
    assert verdict == Grade(passed=True, failure=None, details=verdict.details)
    assert [d["check"] for d in verdict.details] == ["contains", "regex"]
    assert [d["field"] for d in verdict.details] == ["checks[0]", "checks[1]"]
    assert all(d["passed"] and d["failure"] is None for d in verdict.details)


def test_grade_failure_is_the_first_failing_check_and_all_run() -> None:
    task = make_task([{"contains": "Paris"}, {"equals": "x"}, {"regex": "zzz"}])
    verdict = grade(task, Response(content="Lyon"))
    assert (verdict.passed, verdict.failure) == (False, "missing_text")
    assert [d["passed"] for d in verdict.details] == [False, False, False]
    assert [d["failure"] for d in verdict.details] == ["missing_text", "not_equal", "no_match"]


def test_grade_truncated_when_cut_off_by_max_tokens() -> None:
    task = make_task([{"json_schema": {"type": "object"}}])
    verdict = grade(task, Response(content='{"a": [1, 2', finish_reason="length"))
    assert (verdict.passed, verdict.failure) == (False, "truncated")
    assert verdict.details[0]["failure"] == "invalid_json"
    assert grade(task, Response(content="{}", finish_reason="length")).passed


def test_grade_passes_provider_errors_through_as_the_failure() -> None:
    task = make_task([{"contains": "a"}])
    rejected = Response(error_type="provider_rejected", error="400: tool call validation failed")
    verdict = grade(task, rejected)
    assert (verdict.passed, verdict.failure) == (False, "provider_rejected")
    assert verdict.details[0]["reason"] == "400: tool call validation failed"


def test_grade_tool_call_uses_the_task_tools() -> None:
    tool = {
        "type": "function",
        "function": {"name": "f", "parameters": {"type": "object", "properties": {"x": {"type": "integer"}}}},
    }
    task = make_task([{"tool_call": {"name": "f", "args": {"x": 1}}}], tools=[tool])
    assert grade(task, Response(tool_calls=[ToolCall("f", '{"x": 1}')])).passed
    assert grade(task, Response(tool_calls=[ToolCall("g", '{"x": 1}')])).failure == "hallucinated_function"
    assert grade(task, Response(tool_calls=[ToolCall("f", '{"x": "1"}')])).failure == "wrong_type"


# ---------------------------------------------------------------- built once


def test_a_backtracking_regex_gives_up_within_its_time_limit() -> None:
    import time

    started = time.monotonic()
    result = run({"regex": {"pattern": "(a|aa)+$", "timeout_s": 0.2}}, "a" * 60 + "b")
    assert time.monotonic() - started < 3
    assert (result.passed, result.failure) == (False, "regex_timeout")


def test_checks_are_built_once_per_task(monkeypatch: pytest.MonkeyPatch) -> None:
    task = make_task([{"contains": "x"}, {"json_schema": {"type": "string"}}])
    builds = []
    real = checks.build_check
    monkeypatch.setattr(checks, "build_check", lambda *a, **k: builds.append(a) or real(*a, **k))
    for _ in range(5):
        grade(task, Response(content='"x"'))
    assert len(builds) == 2
    replaced = task.model_copy(update={"checks": [{"contains": "y"}]})
    assert not grade(replaced, Response(content='"x"')).passed  # new checks, rebuilt
    assert len(builds) == 3


def test_checks_are_frozen_dataclasses() -> None:
    import dataclasses

    for spec in ({"contains": "a"}, {"regex": "a"}, {"equals": "a"}, {"json_schema": {"type": "object"}}):
        built = build_check(spec).fn
        assert dataclasses.is_dataclass(built)
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.name = "other"  # type: ignore[misc]
