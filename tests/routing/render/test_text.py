"""How a cost per success reads when some calls are unpriced: unknown, with the figure decisions read."""

from evals.records import Result
from evals.scores import score
from routing.render.text import cost_per_success_text


def row(passed: bool | None, cost: float | None, status: str = "ok") -> Result:
    return Result(task_id="t", tier="chat", model="m", passed=passed, cost_usd=cost, status=status)


def test_a_known_cost_reads_as_dollars():
    assert cost_per_success_text(score("m", "chat", [row(True, 0.01), row(False, 0.01)])) == "$0.0200"


def test_some_unpriced_calls_read_unknown_with_the_high_estimate():
    s = score("m", "chat", [row(True, 0.01), row(True, 0.03), row(None, None, status="error")])
    assert cost_per_success_text(s) == "unknown (≤ $0.0350, 1 unpriced)"  # (0.01 + 0.03 + 0.03) / 2


def test_no_priced_call_reads_plain_unknown():
    assert cost_per_success_text(score("m", "chat", [row(True, None)])) == "unknown"
