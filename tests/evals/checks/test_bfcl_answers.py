"""The tool_call check against BFCL v3's official accepted answers (Apache-2.0, read in place).

For every item of a category: a response built from the first accepted value of each argument
must pass, and the same response with one required argument removed must fail with
missing_required. This proves the check reads BFCL answers (optional "", int/float, nested dicts,
lists, parallel calls) the way BFCL's own AST checker does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.checks.registry import build_check
from evals.checks.tool_call import tool_index
from evals.errors import InputError
from evals.records import Response, ToolCall
from evals.tasks.bfcl import expected_calls, openai_tools, reference_arguments

# ../shared/data next to the repository (DATA README: read in place, do not copy into the project)
BFCL = Path(__file__).resolve().parents[4] / "shared" / "data" / "tool-calls" / "bfcl" / "v3"
if not BFCL.is_dir():
    pytest.skip("BFCL v3 data not available (../shared/data/tool-calls/bfcl/v3)", allow_module_level=True)

# category -> minimum item count expected in the v3 files (guards against reading a truncated file)
CATEGORIES = {
    "simple": 400,
    "multiple": 200,
    "parallel": 200,
    "parallel_multiple": 200,
    # BFCL's "live" items: user-contributed functions and questions
    "live_simple": 258,
    "live_multiple": 1053,
    "live_parallel": 16,
    "live_parallel_multiple": 24,
}

# Items whose first accepted values we reject on purpose, with the failure we expect.
KNOWN_REJECTIONS = {
    # BFCL's "variable" rule accepts a Python expression string (`data['sales']`) for an array;
    # a JSON tool call carries values, not variable names, so this is a wrong type here.
    "parallel_multiple_21": "wrong_type",
    # the answer lists `type`, which is a field of `transactions` items, not a parameter of
    # bank.calculate_balance: BFCL's own checker rejects it as an unexpected parameter too.
    "parallel_multiple_26": "unexpected_argument",
    # sort_list declares integer items but the answer sorts fruit names (again accepted by BFCL
    # only through its variable rule).
    "parallel_multiple_94": "wrong_type",
    # Live items whose answer contradicts the function's own schema; BFCL's type and required checks
    # reject these answers too. A boolean or integer where the schema declares a string enum:
    "live_multiple_552-153-1": "wrong_type",  # is_unisex: true for enum "True"/"False"/"dontcare"
    "live_multiple_595-158-1": "wrong_type",  # number_of_rooms: 2 for enum "1".."3"
    "live_multiple_596-158-2": "wrong_type",
    "live_multiple_731-167-2": "wrong_type",  # in_unit_laundry: true for a string
    "live_multiple_733-167-4": "wrong_type",
    "live_multiple_735-167-6": "wrong_type",
    # a required parameter whose only accepted value is "omitted"
    "live_multiple_507-149-4": "missing_required",  # origin_airport: [""]
    "live_multiple_964-207-0": "missing_required",  # statement
    # an argument the offered function does not declare
    "live_multiple_862-181-3": "unexpected_argument",  # journey_start_time on Trains_1_FindTrains
    # an empty list of accepted values: no answer can pass, so the check cannot be built (the importer
    # skips these items with the reason)
    "live_simple_106-63-0": "not_expressible",
    "live_simple_112-68-0": "not_expressible",
}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check_spec(calls: list[dict[str, Any]]) -> dict[str, Any]:
    return {"tool_call": calls[0] if len(calls) == 1 else {"calls": calls, "order": "any"}}


def load_category(category: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    questions = read_jsonl(BFCL / f"BFCL_v3_{category}.json")
    answers = {a["id"]: a for a in read_jsonl(BFCL / "possible_answer" / f"BFCL_v3_{category}.json")}
    # the importer's expected_calls grades a simple item against its one offered function, as BFCL's
    # simple checker does (simple_363's answer says `find_closest` for `restaurant_search.find_closest`)
    return [(question, answers[question["id"]]) for question in questions]


def required_of(index: dict[str, dict[str, Any]], name: str) -> list[str]:
    return list(index.get(name, {}).get("required", []))


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_first_accepted_values_pass_and_a_missing_required_argument_fails(category: str) -> None:
    items = load_category(category)
    assert len(items) >= CATEGORIES[category], f"{category}: only {len(items)} items"
    rejected: dict[str, str] = {}
    wrong_missing: list[str] = []
    missing_checked = 0
    for question, answer in items:
        tools = openai_tools(question["function"])
        index = tool_index(tools) or {}
        expected = expected_calls(answer["ground_truth"], tools)
        try:
            check = build_check(check_spec(expected), f"{question['id']}.checks[0]", BFCL)
        except InputError as exc:
            rejected[question["id"]] = f"not_expressible: {exc}"
            continue
        calls = [(c["name"], reference_arguments(c["args"], required_of(index, c["name"]))) for c in expected]
        good = Response(tool_calls=[ToolCall(name, json.dumps(args)) for name, args in calls])
        result = check(good, index)
        if not result.passed:
            rejected[question["id"]] = f"{result.failure}: {result.reason}"

        name, args = calls[0]
        present = [r for r in required_of(index, name) if r in args]
        if not present:
            continue  # nothing required to remove
        missing_checked += 1
        dropped = {k: v for k, v in args.items() if k != present[0]}
        result = check(
            Response(tool_calls=[ToolCall(name, json.dumps(dropped)), *good.tool_calls[1:]]), index
        )
        if result.failure != "missing_required":
            wrong_missing.append(f"{question['id']}: {result.failure}: {result.reason}")

    known = {k: v for k, v in KNOWN_REJECTIONS.items() if k.rsplit("_", 1)[0] == category}
    unexpected = {k: v for k, v in rejected.items() if not v.startswith(f"{known.get(k)}:")}
    passed = len(items) - len(rejected)
    assert not unexpected, f"{category}: {passed}/{len(items)} passed; unexpected rejections: {unexpected}"
    assert sorted(rejected) == sorted(known), (
        f"{category}: known rejections now pass: {set(known) - set(rejected)}"
    )
    assert not wrong_missing, (
        f"{category}: {len(wrong_missing)}/{missing_checked} not missing_required: {wrong_missing[:5]}"
    )
    expressible = len(items) - sum(v.startswith("not_expressible") for v in rejected.values())
    # every curated item calls a function with a required argument; live functions often declare none
    least = expressible if not category.startswith("live_") else 0.75 * expressible
    assert missing_checked >= least, (
        f"{category}: only {missing_checked}/{len(items)} had a required argument"
    )


def wrong(value: Any) -> Any:
    """A value no BFCL answer accepts: a changed string or a shifted number."""
    if isinstance(value, str):
        return value + " zz-not-this"
    return value + 1000


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_a_changed_value_fails_with_wrong_value(category: str) -> None:
    changed = 0
    wrong_code: list[str] = []
    for question, answer in load_category(category):
        if question["id"] in KNOWN_REJECTIONS:
            continue
        tools = openai_tools(question["function"])
        index = tool_index(tools) or {}
        expected = expected_calls(answer["ground_truth"], tools)
        [first, *rest] = expected
        args = reference_arguments(first["args"], required_of(index, first["name"]))
        key = next(
            (k for k, v in args.items() if isinstance(v, str | int | float) and not isinstance(v, bool)), None
        )
        if key is None:
            continue  # only lists, dicts or booleans to change
        changed += 1
        calls = [(first["name"], {**args, key: wrong(args[key])})]
        calls += [(c["name"], reference_arguments(c["args"], required_of(index, c["name"]))) for c in rest]
        response = Response(tool_calls=[ToolCall(name, json.dumps(a)) for name, a in calls])
        result = build_check(check_spec(expected))(response, index)
        if result.failure != "wrong_value":
            wrong_code.append(f"{question['id']}: {result.failure}: {result.reason}")
    assert changed >= 0.8 * CATEGORIES[category], f"{category}: only {changed} items had a scalar to change"
    assert not wrong_code, f"{category}: {len(wrong_code)}/{changed} not wrong_value: {wrong_code[:5]}"
