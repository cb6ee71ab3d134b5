from evals.records import Result
from evals.scores import (
    cost_per_success,
    cost_range,
    percentile,
    score,
    score_all,
    success_rate,
    tool_failure_rate,
    wilson_interval,
)


def r(
    passed=True,
    *,
    status="ok",
    failure=None,
    cost=0.01,
    latency=1000.0,
    model="m",
    tier="chat",
    task="t",
    checks=None,
):
    return Result(
        task_id=task,
        check_details=[{"check": c} for c in checks] if checks else None,
        tier=tier,
        model=model,
        status=status,
        passed=passed if status == "ok" else None,
        failure=failure,
        cost_usd=cost,
        latency_ms=latency,
        provider_kind="sim",
    )


def test_empty_list_is_safe():
    assert success_rate([]) is None
    assert tool_failure_rate([]) is None
    assert cost_per_success([]) is None
    assert percentile([], 95) is None
    s = score("m", "chat", [])
    assert s.n == 0 and s.success_low is None


def test_cost_per_success_counts_failed_attempts_and_billed_errors():
    rows = [r(True), r(False), r(True), r(status="error", cost=0.01)]
    # 4 cents spent, 2 passes
    assert cost_per_success(rows) == 0.02


def test_cost_unknown_is_none_not_zero():
    assert cost_per_success([r(True, cost=None)]) is None


def test_one_unknown_attempt_makes_the_cost_per_success_unknown_not_a_partial_sum():
    assert cost_per_success([r(True), r(True), r(status="error", cost=None)]) is None
    assert cost_per_success([r(True, cost=0.0), r(False, cost=0.0)]) == 0.0  # a price of 0 is $0, known


def test_errors_are_not_failures():
    rows = [r(True), r(status="error")]
    assert success_rate(rows) == 1.0
    assert score("m", "chat", rows).errors == 1


def test_tool_failure_rate_uses_taxonomy_only():
    tool = ["tool_call"]
    rows = [
        r(False, failure="malformed_arguments", checks=tool),
        r(False, failure="schema_mismatch", checks=tool),
        r(True, checks=tool),
    ]
    assert tool_failure_rate(rows) == 1 / 3


def test_tool_failure_rate_counts_only_tasks_that_offer_tools():
    rows = [
        r(False, failure="wrong_value", checks=["tool_call"]),
        r(True, checks=["tool_call"]),
        r(False, failure="truncated", checks=["contains"]),  # a cut-off text answer is no tool failure
        r(True, checks=["contains"]),
    ]
    assert tool_failure_rate(rows) == 1 / 2
    assert tool_failure_rate([r(False, failure="truncated", checks=["contains"])]) is None


def test_recorded_rows_without_details_count_tool_codes_but_not_truncation():
    assert tool_failure_rate([r(False, failure="wrong_function"), r(False, failure="truncated")]) == 1.0


def test_cost_is_unknown_when_any_attempt_is_unpriced():
    assert cost_per_success([r(True, cost=0.01), r(True, cost=None)]) is None
    assert cost_per_success([r(True, cost=0.0), r(True, cost=0.0)]) == 0.0
    # an errored attempt whose cost is unknown (a timeout the server may have billed) is unknown too
    assert cost_per_success([r(True, cost=0.02), r(status="error", cost=None)]) is None
    assert cost_per_success([r(True, cost=0.02), r(status="error", cost=0.0)]) == 0.02  # not billed


def test_unpriced_calls_are_estimated_high_at_the_dearest_priced_call_and_low_at_zero():
    rows = [r(True, cost=0.01), r(False, cost=0.03), r(True, cost=0.02), r(status="error", cost=None)]
    assert cost_range(rows) == (0.01 + 0.03 + 0.02, 0.01 + 0.03 + 0.02 + 0.03)  # (floor, high estimate)
    s = score("m", "chat", rows)
    assert s.cost_usd is None and s.cost_per_success_usd is None  # shown as unknown
    assert s.unpriced_attempts == 1
    assert abs(s.cost_per_success_high_usd - 0.09 / 2) < 1e-12  # 2 passes
    assert abs(s.cost_per_success_low_usd - 0.06 / 2) < 1e-12


def test_a_cell_of_several_calls_counts_each_call():
    """A cell retried 3 times at $0.03 costs $0.01 a call; an unpriced cell of 2 calls counts 2."""
    priced = r(True, cost=0.03).model_copy(update={"attempts": 3})
    unpriced = r(status="error", cost=None).model_copy(update={"attempts": 2})
    assert abs(cost_range([priced, unpriced])[1] - (0.03 + 2 * 0.01)) < 1e-12


def test_an_unpriced_model_does_not_look_free_from_its_unbilled_errors():
    """Answers of unknown price and refused connections at $0 (not billed): no estimate, not $0."""
    rows = [r(True, cost=None), r(True, cost=None), r(status="error", cost=0.0)]
    assert cost_range(rows) is None  # neither a floor nor a high estimate
    s = score("m", "chat", rows)
    assert s.cost_per_success_high_usd is None and s.cost_per_success_low_usd is None


def test_no_priced_call_gives_no_estimate_and_full_prices_give_the_known_figures():
    assert cost_range([r(True, cost=None)]) is None
    s = score("m", "chat", [r(True, cost=0.01), r(False, cost=0.01)])
    assert s.cost_per_success_high_usd == s.cost_per_success_low_usd == s.cost_per_success_usd == 0.02
    assert s.unpriced_attempts == 0


def test_evidence_is_clustered_by_task():
    rows = [r(True, task="a"), r(True, task="a"), r(True, task="a"), r(False, task="a")]
    rows += [r(False, task="b"), r(False, task="b")]
    s = score("m", "chat", rows)
    assert s.n == 6 and s.tasks == 2
    assert s.task_successes == 0.75  # task a passes 3 of 4 repeats, task b none
    assert s.by_task["a"].pass_fraction == 0.75 and s.by_task["b"].graded == 2
    assert "by_task" not in s.to_dict()


def test_wilson_interval_known_values():
    low, high = wilson_interval(8, 10)
    assert round(low, 3) == 0.490 and round(high, 3) == 0.943
    assert wilson_interval(0, 0) == (None, None)


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5


def test_score_all_groups_and_sorts():
    rows = [r(model="b"), r(model="a"), r(model="a", tier="agent")]
    got = [(s.tier, s.model, s.n) for s in score_all(rows)]
    assert got == [("agent", "a", 1), ("chat", "a", 1), ("chat", "b", 1)]
    assert score_all(rows)[0].simulated


def test_tool_failures_are_counted_per_code_in_taxonomy_order():
    rows = [r(False, failure="wrong_value"), r(False, failure="malformed_arguments")]
    rows += [r(False, failure="wrong_value"), r(False, failure="not_a_tool_code"), r(True)]
    rows += [r(status="error", failure="wrong_value")]  # an errored attempt was never graded
    s = score("m", "agent", rows)
    assert list(s.tool_failures.items()) == [("malformed_arguments", 1), ("wrong_value", 2)]
    assert score("m", "agent", []).tool_failures == {}
