"""The report section that labels a real model's measured figures REAL and names the simulated ones."""

from __future__ import annotations

from evals.records import Result
from routing.render.provenance import (
    other_failures_text,
    provenance_markdown,
    sections,
    tool_failures_text,
)

TOOL = [{"check": "tool_call", "passed": False}]
TEXT = [{"check": "contains", "passed": True}]


def row(task: str, *, kind: str = "real", model: str = "local/m", tier: str = "agent", **kw) -> Result:
    base = dict(
        task_id=task, tier=tier, model=model, provider_kind=kind, status="ok", passed=True,
        latency_ms=200.0, prompt_tokens=30, completion_tokens=10, cost_usd=0.0, check_details=TOOL,
    )  # fmt: skip
    return Result(**{**base, **kw})


def test_tool_failures_are_counted_by_type_over_the_graded_tool_attempts():
    rows = [
        row("a"),
        row("b", passed=False, failure="no_call"),
        row("c", passed=False, failure="no_call"),
        row("d", passed=False, failure="truncated"),
        row("e", status="error", error_type="timeout", passed=None),  # not graded: not a tool failure
    ]
    assert tool_failures_text(rows) == "no_call 2, truncated 1 of 4"
    assert other_failures_text(rows) == "error:timeout 1"
    assert tool_failures_text([row("x", check_details=TEXT)]) == "no tool tasks"
    assert tool_failures_text([row("x")]) == "none of 1"


def test_section_labels_the_real_rows_and_names_the_simulated_models():
    results = [
        row("a", latency_ms=100.0),
        row("b", passed=False, failure="no_call", latency_ms=300.0, prompt_tokens=50, completion_tokens=20),
        row("c", tier="chat", check_details=TEXT, passed=False, failure="contains_failed"),
        row("a", kind="sim", model="vendor/big"),
    ]
    text = provenance_markdown(results)
    assert text is not None
    assert "`vendor/big` is SIMULATED" in text and "as a whole is SIMULATED" in text
    lines = {line.split(" | ")[2]: line for line in text.splitlines() if line.startswith("| `local/m`")}
    agent, chat = lines["agent"], lines["chat"]
    assert "| REAL |" in agent and "50% (1/2)" in agent and "no_call 1 of 2" in agent
    assert "0.20s / 0.29s" in agent  # p50 / p95 of 100 ms and 300 ms (interpolated)
    assert "| 40 / 15 |" in agent  # mean tokens in / out per attempt
    assert agent.endswith("| $0.000000 |")  # a price of 0 is a cost of 0, shown as such
    assert "contains_failed 1" in chat and "no tool tasks" in chat
    assert "vendor/big" not in "".join(lines.values())


def test_unknown_cost_is_shown_unknown_and_no_real_row_means_no_section():
    text = provenance_markdown([row("a", cost_usd=None)])
    assert text is not None and text.splitlines()[-1].endswith("| unknown |")
    assert "comes from real model calls" in text
    assert provenance_markdown([row("a", kind="sim"), row("b", kind="replay")]) is None


def test_sections_join_present_parts_only():
    assert sections(None, "a\n", None, "b") == "a\n\nb\n"
    assert sections(None, None) is None
