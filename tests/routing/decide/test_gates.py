"""Gates as risk, on plain values: each gate's violation chance and how they combine."""

from __future__ import annotations

import pytest

from evals.records import Result
from evals.scores import score
from evals.stats import prob_rate_below
from routing.config import Gates
from routing.decide.gates import assess, cost_risk, latency_risk, tool_failure_risk


def rows(tasks, passed, *, cost=0.001, latency_ms=1000.0, tool_fail=0, checks=("contains",)):
    out = []
    for i in range(tasks):
        failed_tool = i < tool_fail
        out.append(
            Result(
                task_id=f"t{i}",
                tier="agent",
                model="m/x",
                passed=i < passed and not failed_tool,
                failure="wrong_value" if failed_tool else None,
                check_details=[{"check": c} for c in checks],
                cost_usd=cost,
                latency_ms=latency_ms,
                provider_kind="real",
            )
        )
    return out


def test_success_risk_is_the_posterior_tail():
    s = score("m/x", "agent", rows(40, 38))
    a = assess(s, Gates(min_success=0.8), 0.1)
    assert a.success.risk == pytest.approx(prob_rate_below(38, 40, 0.8))
    assert a.within_bound and a.total_risk == a.success.risk


def test_tool_failure_risk_only_over_tool_tasks():
    text_only = score("m/x", "agent", rows(40, 40))
    assert (
        tool_failure_risk(text_only, 0.1).risk == 0.0 and tool_failure_risk(text_only, 0.1).observed is None
    )
    tools = score("m/x", "agent", rows(40, 40, tool_fail=2, checks=("tool_call",)))
    r = tool_failure_risk(tools, 0.1)
    assert r.observed == 2 / 40
    assert r.risk == pytest.approx(1 - prob_rate_below(2, 40, 0.1))


def test_cost_risk_reads_the_success_posterior_at_cost_per_attempt_over_limit():
    s = score("m/x", "agent", rows(40, 36, cost=0.004))  # $0.004 per attempt, limit $0.005 per success
    r = cost_risk(s, 0.005)
    # cost per success > $0.005  <=>  success < 0.004 / 0.005 = 0.8
    assert r.risk == pytest.approx(prob_rate_below(36, 40, 0.8))
    assert cost_risk(s, 0.003).risk == 1.0  # even every attempt passing costs $0.004 per success
    unpriced = score("m/x", "agent", rows(40, 36, cost=None))
    assert cost_risk(unpriced, 0.005).risk is None


def test_latency_risk_bootstraps_over_tasks_and_is_deterministic():
    fast = score("m/x", "agent", rows(30, 30, latency_ms=1000))
    assert latency_risk(fast, 5.0).risk == 0.0
    slow = score("m/x", "agent", rows(30, 30, latency_ms=9000))
    assert latency_risk(slow, 5.0).risk == 1.0
    mixed_rows = rows(30, 30, latency_ms=1000)
    for r in mixed_rows[:3]:
        r.latency_ms = 9000  # 10% of tasks are slow: the p95 sits among them most of the time
    mixed = score("m/x", "agent", mixed_rows)
    risk = latency_risk(mixed, 5.0).risk
    assert 0.5 < risk < 1.0 and latency_risk(mixed, 5.0).risk == risk


def test_success_and_cost_risks_combine_as_one_event_others_add():
    s = score("m/x", "agent", rows(40, 36, cost=0.004, tool_fail=1, checks=("tool_call",)))
    gates = Gates(min_success=0.8, max_cost_per_success_usd=0.0046, max_tool_failure=0.1)
    a = assess(s, gates, 0.1)
    by = {r.metric: r.risk for r in a.risks}
    assert a.total_risk == pytest.approx(max(by["success"], by["cost_per_success"]) + by["tool_failure"])
