"""Tool-call checks: every taxonomy code, BFCL value rules and spec errors."""

from __future__ import annotations

import json
from datetime import date

import pytest

from evals.checks.tool_call import (
    NoToolCall,
    SpecError,
    build_tool_call,
    openai_tool_name,
    tool_index,
)
from evals.checks.tool_values import normalize_string, type_error, value_matches
from evals.records import Response, ToolCall

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer"},
                "threshold": {"type": "number"},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["city"],
        },
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]},
    },
}
TOOLS = tool_index([WEATHER, TIME])


def call(name: str, args: dict | str) -> ToolCall:
    return ToolCall(name=name, arguments=args if isinstance(args, str) else json.dumps(args))


def run(spec: dict, *calls: ToolCall, tools=TOOLS, content: str | None = None):
    return build_tool_call(spec)(Response(content=content, tool_calls=list(calls)), tools)


PARIS = {"name": "get_weather", "args": {"city": ["Paris", "paris"], "unit": ["celsius", ""]}}


def test_matching_call_passes_with_optional_argument_omitted_or_given() -> None:
    assert run(PARIS, call("get_weather", {"city": "Paris"})).passed
    result = run(PARIS, call("get_weather", {"city": "Paris", "unit": "celsius"}))
    assert (result.passed, result.score, result.failure) == (True, 1.0, None)


def test_no_call_reports_the_text_reply() -> None:
    result = run(PARIS, content="It is sunny in Paris.")
    assert (result.passed, result.failure) == (False, "no_call")
    assert "got none" in result.reason and "sunny" in result.reason


def test_hallucinated_function_is_a_name_not_offered() -> None:
    result = run(PARIS, call("weather_lookup", {"city": "Paris"}))
    assert result.failure == "hallucinated_function"
    assert "get_time, get_weather" in result.reason


def test_wrong_function_is_another_offered_tool() -> None:
    result = run(PARIS, call("get_time", {"tz": "Europe/Paris"}))
    assert result.failure == "wrong_function"
    assert "'get_time'" in result.reason and "'get_weather'" in result.reason


def test_without_offered_tools_an_unknown_name_is_wrong_function() -> None:
    assert run(PARIS, call("weather_lookup", {"city": "Paris"}), tools=None).failure == "wrong_function"


def test_malformed_arguments() -> None:
    result = run(PARIS, call("get_weather", '{"city": "Paris",'))
    assert result.failure == "malformed_arguments"
    assert "not valid JSON" in result.reason


@pytest.mark.parametrize(("raw", "kind"), [('["Paris"]', "array"), ('"Paris"', "string"), ("3", "integer")])
def test_arguments_not_object(raw: str, kind: str) -> None:
    result = run(PARIS, call("get_weather", raw))
    assert result.failure == "arguments_not_object"
    assert f"JSON {kind}" in result.reason


def test_missing_required_from_the_tool_schema() -> None:
    result = run({"name": "get_weather", "args": {"unit": ["celsius", ""]}}, call("get_weather", {}))
    assert result.failure == "missing_required"
    assert "['city']" in result.reason


def test_missing_argument_the_check_requires_even_if_schema_optional() -> None:
    spec = {"name": "get_weather", "args": {"city": "Paris", "unit": "celsius"}}
    result = run(spec, call("get_weather", {"city": "Paris"}))
    assert result.failure == "missing_required"
    assert "unit" in result.reason


def test_empty_arguments_string_means_no_arguments() -> None:
    assert run(PARIS, call("get_weather", "")).failure == "missing_required"


def test_unexpected_argument_not_in_schema() -> None:
    result = run(PARIS, call("get_weather", {"city": "Paris", "country": "FR"}))
    assert result.failure == "unexpected_argument"
    assert "'country'" in result.reason and "schema" in result.reason


def test_unexpected_argument_in_schema_but_not_in_check_unless_extra_args() -> None:
    sent = call("get_weather", {"city": "Paris", "days": 3})
    result = run(PARIS, sent)
    assert result.failure == "unexpected_argument"
    assert "not expected by the check" in result.reason
    assert run({**PARIS, "extra_args": True}, sent).passed


def test_wrong_type_string_for_integer() -> None:
    spec = {"name": "get_weather", "args": {"city": "Paris", "days": 3}}
    result = run(spec, call("get_weather", {"city": "Paris", "days": "3"}))
    assert result.failure == "wrong_type"
    assert "expected integer, got string" in result.reason


def test_wrong_type_checks_array_items() -> None:
    spec = {"name": "get_weather", "args": {"city": "Paris", "tags": [["a", "b"]]}}
    result = run(spec, call("get_weather", {"city": "Paris", "tags": ["a", 2]}))
    assert result.failure == "wrong_type"
    assert "'tags'[1]" in result.reason


def test_int_is_accepted_for_number_and_equals_float_answer() -> None:
    spec = {"name": "get_weather", "args": {"city": "Paris", "threshold": [5.0]}}
    assert run(spec, call("get_weather", {"city": "Paris", "threshold": 5})).passed


def test_wrong_value_names_argument_value_and_accepted() -> None:
    result = run(PARIS, call("get_weather", {"city": "Lyon"}))
    assert (result.failure, result.score) == ("wrong_value", 0.0)
    assert "'city'" in result.reason and "Lyon" in result.reason and "Paris" in result.reason


def test_wrong_value_when_check_wants_argument_omitted() -> None:
    spec = {"name": "get_weather", "args": {"city": "Paris", "unit": [""]}}
    result = run(spec, call("get_weather", {"city": "Paris", "unit": "celsius"}))
    assert result.failure == "wrong_value"
    assert "omitted" in result.reason


def test_strings_are_normalized_bfcl_style_by_default() -> None:
    spec = {"name": "get_weather", "args": {"city": "New York, NY"}}
    assert run(spec, call("get_weather", {"city": "new york,ny"})).passed
    assert run(spec, call("get_weather", {"city": "NewYork NY"})).passed
    exact = run({**spec, "strings": "exact"}, call("get_weather", {"city": "new york, ny"}))
    assert exact.failure == "wrong_value"
    assert run({**spec, "strings": "exact"}, call("get_weather", {"city": " New York, NY "})).passed


def test_wrong_call_count_for_a_single_expected_call() -> None:
    sent = [call("get_weather", {"city": "Paris"}), call("get_weather", {"city": "Paris"})]
    result = run(PARIS, *sent)
    assert result.failure == "wrong_call_count"
    assert "expected 1 tool call(s), got 2" in result.reason


PARALLEL = {
    "calls": [
        {"name": "get_weather", "args": {"city": "Paris"}},
        {"name": "get_time", "args": {"tz": "Europe/Paris"}},
    ]
}


def test_parallel_calls_any_order() -> None:
    sent = [call("get_time", {"tz": "Europe/Paris"}), call("get_weather", {"city": "Paris"})]
    result = run(PARALLEL, *sent)
    assert (result.passed, result.score) == (True, 1.0)


def test_parallel_calls_strict_order_fails_on_first_position() -> None:
    sent = [call("get_time", {"tz": "Europe/Paris"}), call("get_weather", {"city": "Paris"})]
    result = run({**PARALLEL, "order": "strict"}, *sent)
    assert result.failure == "wrong_function"
    assert result.reason.startswith("call 1 of 2")


def test_parallel_wrong_call_count() -> None:
    result = run(PARALLEL, call("get_weather", {"city": "Paris"}))
    assert result.failure == "wrong_call_count"
    assert "expected 2 tool call(s), got 1" in result.reason


def test_parallel_partial_match_reports_score_and_same_name_reason() -> None:
    sent = [call("get_weather", {"city": "Paris"}), call("get_time", {"tz": "UTC"})]
    result = run(PARALLEL, *sent)
    assert (result.failure, result.score) == ("wrong_value", 0.5)
    assert "1 of 2 calls matched" in result.reason and "'tz'" in result.reason


def test_parallel_failure_is_explained_by_the_leftover_call() -> None:
    spec = {
        "calls": [
            {"name": "get_weather", "args": {"city": "Paris"}},
            {"name": "get_weather", "args": {"city": "Lyon"}},
        ]
    }
    sent = [call("get_weather_v2", {"city": "Paris"}), call("get_weather", {"city": "Lyon"})]
    result = run(spec, *sent)
    assert (result.failure, result.score) == ("hallucinated_function", 0.5)


def test_parallel_matching_is_maximal_not_greedy() -> None:
    spec = {
        "calls": [
            {"name": "get_weather", "args": {"city": ["Paris", "Lyon"]}},
            {"name": "get_weather", "args": {"city": "Paris"}},
        ]
    }
    sent = [call("get_weather", {"city": "Paris"}), call("get_weather", {"city": "Lyon"})]
    assert run(spec, *sent).passed


def test_no_tool_call() -> None:
    check = NoToolCall.build({})
    assert check(Response(content="SLO means service level objective."), TOOLS).passed
    result = check(Response(tool_calls=[call("get_time", {"tz": "UTC"})]), TOOLS)
    assert (result.passed, result.failure) == (False, "unexpected_call")
    assert "get_time" in result.reason


@pytest.mark.parametrize(
    ("value", "accepted", "ok"),
    [
        (True, True, True),
        (1, True, False),
        (True, 1, False),
        (3, 3.0, True),
        (3.5, 3, False),
        ("Paris ", "paris", True),
        (["a", "B"], ["A", "b"], True),
        (["b", "a"], ["a", "b"], False),
        ({"min": 1, "max": 2}, {"min": [1], "max": [2]}, True),
        ({"min": 1}, {"min": [1], "max": [2, ""]}, True),
        ({"min": 1}, {"min": [1], "max": [2]}, False),
        ({"min": 1, "other": 0}, {"min": [1]}, False),
        (None, None, True),
        ("5", 5, False),
    ],
)
def test_value_matches(value, accepted, ok: bool) -> None:
    assert value_matches(value, accepted) is ok


def test_normalize_string_follows_bfcl() -> None:
    assert normalize_string("April 1, 2024") == normalize_string("april 1 2024") == "april12024"
    assert normalize_string("it's") == 'it"s'


def test_type_error_accepts_bfcl_aliases_and_rejects_bool_as_integer() -> None:
    assert type_error(2, {"type": "float"}, "x") is None
    assert type_error({"a": 1}, {"type": "dict"}, "x") is None
    assert type_error(True, {"type": "integer"}, "x") == "argument x: expected integer, got boolean"
    assert type_error(2.0, {"type": "integer"}, "x") is None  # JSON Schema: 2.0 is an integer
    assert type_error("anything", {"type": "any"}, "x") is None


def test_openai_tool_name() -> None:
    assert openai_tool_name("math.factorial") == "math_factorial"
    assert openai_tool_name("a b/c") == "a_b_c"
    assert len(openai_tool_name("x" * 100)) == 64
    assert openai_tool_name("get-weather_2") == "get-weather_2"


def test_tool_index_skips_malformed_entries() -> None:
    assert tool_index(None) is None
    assert tool_index([]) is None
    index = tool_index([WEATHER, {"type": "function"}, "junk"])  # type: ignore[list-item]
    assert list(index or {}) == ["get_weather"]


@pytest.mark.parametrize(
    ("spec", "field", "text"),
    [
        ("get_weather", None, "expected"),
        ({"args": {}}, "name", "non-empty"),
        ({"name": "f", "args": ["x"]}, "args", "accepted values"),
        ({"name": "f", "args": {"x": []}}, "args.x", "empty list"),
        ({"name": "f", "order": "random"}, "order", "any, strict"),
        ({"name": "f", "strings": "fuzzy"}, "strings", "normalized, exact"),
        ({"name": "f", "extra_args": "yes"}, "extra_args", "true or false"),
        ({"name": "f", "arg": {}}, "arg", "valid: name, args"),
        ({"calls": []}, "calls", "non-empty"),
        ({"calls": [{"name": "f"}, 3]}, "calls[1]", "mapping"),
        ({"calls": [{"name": "f"}], "name": "f"}, None, "not both"),
        ({"name": "f", "args": {"day": [date(2026, 11, 19)]}}, "args.day", "quote dates"),
    ],
)
def test_bad_specs_raise_spec_error_with_field(spec, field: str | None, text: str) -> None:
    with pytest.raises(SpecError) as info:
        build_tool_call(spec)
    assert info.value.field == field
    assert text in str(info.value)


def test_no_tool_call_takes_no_options() -> None:
    with pytest.raises(SpecError, match="no options"):
        NoToolCall.build({"strict": True})


# ---------------------------------------------------------------- BFCL rule details

STATS = {
    "type": "function",
    "function": {
        "name": "stats",
        "parameters": {
            "type": "object",
            "properties": {
                "values": {"type": "array", "items": {"type": "number"}},
                "scale": {"type": "number"},
                "label": {"type": "string", "default": ""},
                "limit": {"type": "integer", "default": None},
            },
            "required": ["values"],
        },
    },
}


def stats(args: dict, rules: str = "json", **accepted):
    spec = {"name": "stats", "args": {"values": [[1.0, 2.5]], **accepted}, "rules": rules}
    return build_tool_call(spec)(
        Response(tool_calls=[ToolCall("stats", json.dumps(args))]), tool_index([STATS])
    )


def test_bfcl_rules_reject_ints_inside_float_arrays_but_json_rules_accept_them() -> None:
    assert stats({"values": [1, 2.5]}).passed
    strict = stats({"values": [1, 2.5]}, rules="bfcl")
    assert (strict.passed, strict.failure) == (False, "wrong_type")
    assert "float item" in strict.reason
    assert stats({"values": [1.0, 2.5]}, rules="bfcl").passed
    assert stats({"values": [1.0, 2.5], "scale": 2}, rules="bfcl", scale=[2.0]).passed  # top level: int ok


def test_sending_the_default_of_an_optional_argument_is_leaving_it_out() -> None:
    assert stats({"values": [1.0, 2.5], "label": ""}, label=["", "total"]).passed
    assert stats({"values": [1.0, 2.5], "label": "total"}, label=["", "total"]).passed
    wrong = stats({"values": [1.0, 2.5], "label": "other"}, label=["", "total"])
    assert wrong.failure == "wrong_value"
    # not allowed to be left out: the default is a wrong value like any other
    assert stats({"values": [1.0, 2.5], "label": ""}, label=["total"]).failure == "wrong_value"


def test_an_accepted_default_off_the_declared_type_passes() -> None:
    # BFCL answers list the schema default (null here) for an integer argument
    assert stats({"values": [1.0, 2.5], "limit": None}, limit=["", None, 10]).passed
    assert stats({"values": [1.0, 2.5], "limit": None}, limit=[10]).failure == "wrong_type"
    assert stats({"values": [1.0, 2.5], "limit": "10"}, limit=["", None, 10]).failure == "wrong_type"
