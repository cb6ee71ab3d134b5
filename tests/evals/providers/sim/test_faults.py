import json
import random

import pytest

from evals.checks.registry import grade
from evals.providers.sim.faults import REFUSAL, text_faults, tool_fault
from evals.records import Reference, Response, Task

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "create_ticket",
            "parameters": {
                "type": "object",
                "properties": {"title": {"type": "string"}, "priority": {"type": "integer"}},
                "required": ["title", "priority"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "close_ticket",
            "parameters": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
        },
    },
]
TASK = Task(
    id="agent/ticket",
    tier="agent",
    messages=[{"role": "user", "content": "open P1 'db down'"}],
    tools=TOOLS,
    checks=[{"tool_call": {"name": "create_ticket", "args": {"title": ["db down"], "priority": [1]}}}],
    reference=Reference(
        tool_calls=[{"name": "create_ticket", "arguments": {"title": "db down", "priority": 1}}]
    ),
)


@pytest.mark.parametrize(
    ("kind", "failure"),
    [
        ("malformed_arguments", "malformed_arguments"),
        ("arguments_not_object", "arguments_not_object"),
        ("missing_required", "missing_required"),
        ("unexpected_argument", "unexpected_argument"),
        ("wrong_type", "wrong_type"),
        ("wrong_function", "wrong_function"),
        ("hallucinated_function", "hallucinated_function"),
        ("wrong_call_count", "wrong_call_count"),
        ("no_call", "no_call"),
        ("wrong_value", "wrong_value"),
    ],
)
def test_each_tool_fault_fails_with_its_own_taxonomy_code(kind, failure):
    response = tool_fault(TASK, TASK.reference.as_response(), kind)
    verdict = grade(TASK, response)
    assert not verdict.passed
    assert verdict.failure == failure


def test_malformed_arguments_are_not_json():
    response = tool_fault(TASK, TASK.reference.as_response(), "malformed_arguments")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.tool_calls[0].arguments)


def test_text_faults_end_with_a_refusal_and_are_seeded():
    ref = Response(content="The answer is 429.")
    a = text_faults(ref, random.Random(1))
    b = text_faults(ref, random.Random(1))
    assert a == b
    assert a[-1].content == REFUSAL
    assert any(r.finish_reason == "length" for r in a)
