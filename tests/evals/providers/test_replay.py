import asyncio
import json

import pytest

from evals.checks.registry import grade
from evals.errors import InputError
from evals.providers.replay import ReplayProvider, load_replay
from evals.records import Reference, Task

TASK = Task(
    id="agent/area",
    tier="agent",
    messages=[{"role": "user", "content": "area of base 10 height 5"}],
    tools=[
        {
            "type": "function",
            "function": {
                "name": "calc_area",
                "parameters": {
                    "type": "object",
                    "properties": {"base": {"type": "integer"}, "height": {"type": "integer"}},
                    "required": ["base", "height"],
                },
            },
        }
    ],
    checks=[{"tool_call": {"name": "calc_area", "args": {"base": [10], "height": [5]}}}],
    reference=Reference(tool_calls=[{"name": "calc_area", "arguments": {"base": 10, "height": 5}}]),
)


def write(tmp_path, rows):
    path = tmp_path / "replay.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_recorded_responses_are_regraded(tmp_path):
    path = write(
        tmp_path,
        [
            {
                "model": "m",
                "task_id": "agent/area",
                "repeat": 0,
                "content": None,
                "tool_calls": [{"name": "calc_area", "arguments": '{"base": 10}'}],
                "latency_ms": 640,
            },
            {
                "model": "m",
                "task_id": "agent/area",
                "repeat": 1,
                "tool_calls": [{"function": {"name": "calc_area", "arguments": '{"base": 10, "height": 5}'}}],
            },
        ],
    )
    provider = ReplayProvider(path)

    async def go():
        return [await provider.complete(TASK, "m", r) for r in range(3)]

    first, second, missing = asyncio.run(go())
    assert grade(TASK, first).failure == "missing_required"
    assert grade(TASK, second).passed
    assert missing.error_type == "not_recorded"
    assert provider.models() == ["m"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("{not json", "line 1"),
        (json.dumps({"task_id": "t", "content": "x"}), "line 1: model"),
        (json.dumps({"model": "m", "task_id": "t"}), "line 1: content"),
    ],
)
def test_bad_lines_name_file_and_field(tmp_path, line, field):
    path = tmp_path / "r.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(InputError) as err:
        load_replay(path)
    assert str(err.value).startswith(f"{path}: {field}")
