"""The BFCL importer against the real v3/v4 files (read in place; skipped when ../shared is absent).

For every imported item of simple, multiple, parallel and parallel_multiple: the answer built from
its possible answer passes, and each way of getting it wrong fails with the right failure code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.checks.registry import grade
from evals.errors import validated
from evals.records import Response, Task, ToolCall
from evals.tasks.bfcl import Skip, check_converted, convert, import_bfcl
from evals.tasks.load import load_checked

BFCL = Path(__file__).resolve().parents[4] / "shared" / "data" / "tool-calls" / "bfcl"
if not BFCL.is_dir():
    pytest.skip("BFCL data not available (../shared/data/tool-calls/bfcl)", allow_module_level=True)

FILES = [
    (version, category)
    for version in ("v3", "v4")
    for category in ("simple", "multiple", "parallel", "parallel_multiple")
]


def question_file(version: str, category: str) -> Path:
    name = "simple_python" if (version, category) == ("v4", "simple") else category
    return BFCL / version / f"BFCL_{version}_{name}.json"


def imported(version: str, category: str) -> tuple[list[Task], dict[str, str]]:
    path = question_file(version, category)
    answers = {}
    for line in (path.parent / "possible_answer" / path.name).read_text().splitlines():
        row = json.loads(line)
        answers[row["id"]] = row
    tasks, skipped = [], {}
    for line in path.read_text().splitlines():
        question = json.loads(line)
        try:
            raw = convert(question, answers.get(question["id"]), "agent")
            check_converted(raw)
        except Skip as why:
            skipped[question["id"]] = str(why)
            continue
        tasks.append(validated(Task, raw, path))
    return tasks, skipped


def reference_calls(task: Task) -> list[tuple[str, dict]]:
    return [(c["name"], dict(c["arguments"])) for c in task.reference.tool_calls]


def respond(calls: list[tuple[str, object]]) -> Response:
    return Response(
        tool_calls=[ToolCall(n, a if isinstance(a, str) else json.dumps(a)) for n, a in calls],
        finish_reason="tool_calls",
    )


def wrong(value):
    if isinstance(value, bool):
        return None  # answers often accept both true and false
    if isinstance(value, str):
        return value + " zz-not-this"
    if isinstance(value, int | float):
        return value + 1000
    return None


@pytest.mark.parametrize(("version", "category"), FILES)
def test_possible_answers_pass_and_each_mistake_fails_with_its_code(version: str, category: str) -> None:
    tasks, skipped = imported(version, category)
    assert len(tasks) >= 190, f"only {len(tasks)} imported; skipped: {skipped}"
    assert len(skipped) <= 0.03 * (len(tasks) + len(skipped)), skipped
    wrong_codes: list[str] = []
    for task in tasks:
        calls = reference_calls(task)
        assert grade(task, respond(calls)).passed, task.id
        name, args = calls[0]
        params = next(t["function"]["parameters"] for t in task.tools or [] if t["function"]["name"] == name)
        rest = calls[1:]
        cases = {
            "malformed_arguments": [(name, json.dumps(args)[:-1] + ",")],
            "unexpected_argument": [(name, {**args, "zz_unknown_argument": 1})],
            "hallucinated_function": [(name + "_zz", args)],
        }
        required = [r for r in params.get("required", []) if r in args]
        if required:
            cases["missing_required"] = [(name, {k: v for k, v in args.items() if k != required[0]})]
        scalar = next((k for k, v in args.items() if wrong(v) is not None), None)
        if scalar is not None:
            cases["wrong_value"] = [(name, {**args, scalar: wrong(args[scalar])})]
        others = [t["function"]["name"] for t in task.tools or [] if t["function"]["name"] != name]
        if others and len(calls) == 1:
            cases["wrong_function"] = [(others[0], args)]
        for code, first in cases.items():
            verdict = grade(task, respond(first + rest))
            if verdict.failure != code:
                wrong_codes.append(f"{task.id} {code}: got {verdict.failure}")
    assert not wrong_codes, f"{len(wrong_codes)} mistakes graded wrong: {wrong_codes[:8]}"


def test_irrelevance_items_become_no_tool_call_tasks() -> None:
    question = json.loads((BFCL / "v4" / "BFCL_v4_irrelevance.json").read_text().splitlines()[1])
    raw = convert(question, None, "agent")
    assert raw["id"] == "agent/bfcl/irrelevance_1"
    assert raw["checks"] == [{"no_tool_call": {}}]
    assert [t["function"]["name"] for t in raw["tools"]] == ["math_sum"]  # `math.sum` offered as math_sum
    task = validated(Task, raw, "x")
    assert grade(task, task.reference.as_response()).passed
    assert grade(task, respond([("math_sum", {"numbers": [1]})])).failure == "unexpected_call"


def test_multi_turn_and_relevance_items_are_skipped_with_a_reason(tmp_path: Path) -> None:
    report = import_bfcl(BFCL / "v4" / "BFCL_v4_live_relevance.json", None, "agent", tmp_path)
    assert report.written == [] and sum(report.skipped.values()) == 16
    report = import_bfcl(BFCL / "v3" / "BFCL_v3_multi_turn_base.json", None, "agent", tmp_path / "mt")
    assert report.written == []
    assert list(report.skipped) == ["multi-turn BFCL items need BFCL's executable environments"]


def test_import_command_writes_tasks_that_validate(tmp_path: Path) -> None:
    from routing.cli import main

    out = tmp_path / "agent" / "bfcl"
    runner = CliRunner()
    for name in ("BFCL_v4_parallel_multiple.json", "BFCL_v4_live_simple.json", "BFCL_v4_irrelevance.json"):
        result = runner.invoke(main, ["tasks", "import-bfcl", str(BFCL / "v4" / name), "--out", str(out)])
        assert result.exit_code == 0, result.output
    tasks, problems = load_checked([tmp_path])
    assert problems == []
    assert len(tasks) > 600
    assert {t.id for t in tasks} >= {"agent/bfcl/parallel_multiple_0", "agent/bfcl/irrelevance_0"}
    validated_run = runner.invoke(main, ["tasks", "validate", str(tmp_path)])
    assert validated_run.exit_code == 0 and f"{len(tasks)} tasks valid" in validated_run.output
