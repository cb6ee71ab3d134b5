from evals.scores import Score
from routing.config import Gates, TierConfig
from routing.decide.proposal import (
    clearly_better,
    gate_failures,
    objective_key,
    propose,
    propose_tier,
    significantly_worse,
)
from routing.policy import Policy, PolicyMeta, TierPolicy


def sc(model, success=0.9, cps=0.01, p95=5.0, n=40, tool=0.0, tier="chat", low=None, high=None):
    return Score(
        model=model,
        tier=tier,
        n=n,
        passes=round(success * n),
        errors=0,
        success_rate=success,
        success_low=low if low is not None else max(0, success - 0.1),
        success_high=high if high is not None else min(1, success + 0.1),
        tool_failure_rate=tool,
        latency_p50_s=p95 / 2,
        latency_p95_s=p95,
        cost_usd=cps * success * n,
        cost_per_success_usd=cps,
        provider_kinds=("real",),
    )


GATES = Gates(min_success=0.8, max_tool_failure=0.1, max_p95_latency_s=30, max_cost_per_success_usd=0.05)
TIER = TierConfig(tasks="x", objective="cost_per_success", gates=GATES)


def test_gate_failures_list_each_reason():
    assert gate_failures(sc("a"), GATES) == []
    failures = gate_failures(sc("a", success=0.5, cps=0.1, p95=40, tool=0.2), GATES)
    assert len(failures) == 4
    assert failures[0] == "success 50% < 80%"
    assert gate_failures(None, GATES) == ["no graded attempts"]


def test_unknown_metrics_do_not_fail_gates():
    s = sc("a")
    s = Score(**{**s.__dict__, "latency_p95_s": None, "cost_per_success_usd": None})
    assert gate_failures(s, GATES) == []


def test_objective_orders_cheapest_first_unknown_last():
    a, b = sc("a", cps=0.02), sc("b", cps=0.01)
    c = Score(**{**sc("c").__dict__, "cost_per_success_usd": None})
    assert [s.model for s in sorted([a, b, c], key=lambda s: objective_key(s, "cost_per_success"))] == [
        "b",
        "a",
        "c",
    ]


def test_keep_incumbent_when_no_candidate_passes():
    d = propose_tier(
        "chat", TIER, {"a": sc("a", success=0.5), "b": sc("b", success=0.6)}, TierPolicy(primary="a")
    )
    assert d.action == "keep" and d.policy.primary == "a"
    assert "no candidate passed the gates" in d.policy.rationale


def test_switch_when_incumbent_fails_gates():
    scores = {"old": sc("old", success=0.6), "new": sc("new", success=0.9)}
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old"))
    assert d.action == "switch" and d.policy.primary == "new"
    assert d.policy.fallbacks[0] == "old"  # the proven path back
    assert "fails the gates" in d.policy.rationale and "success 90% vs 60%" in d.policy.rationale


def test_small_saving_is_insufficient_evidence():
    scores = {"old": sc("old", cps=0.010), "new": sc("new", cps=0.0095)}
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old"))
    assert d.action == "keep" and "insufficient evidence" in d.policy.rationale


def test_clear_saving_switches():
    scores = {"old": sc("old", cps=0.010), "new": sc("new", cps=0.004)}
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old"))
    assert d.action == "switch" and "60% lower" in d.policy.rationale


def test_cheaper_but_significantly_worse_is_rejected():
    new, old = sc("new", success=0.80, cps=0.001, n=100), sc("old", success=0.95, n=100)
    ok, why = clearly_better(new, old, "cost_per_success")
    assert not ok and "significantly lower" in why


def test_small_sample_difference_is_not_significant():
    # 14/15 vs 15/15: z ~ 1.02, below the one-sided 5% critical value
    new, old = sc("new", success=14 / 15, n=15, cps=0.001), sc("old", success=1.0, n=15)
    assert not significantly_worse(new, old)
    ok, _ = clearly_better(new, old, "cost_per_success")
    assert ok


def test_gray_share_only_for_movers_that_passed_gates():
    scores = {"old": sc("old"), "fail": sc("fail", success=0.4)}
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old"), movers=["fail"], gray_share=0.05)
    assert d.policy.gray == []
    assert "gray" not in d.policy.rationale


def test_gray_assigned_to_passing_mover_not_already_routed():
    scores = {"old": sc("old"), "b": sc("b", cps=0.02), "c": sc("c", cps=0.03), "rise": sc("rise", cps=0.04)}
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old"), movers=["rise"], gray_share=0.05)
    assert [(g.model, g.share) for g in d.policy.gray] == [("rise", 0.05)]


def test_propose_keeps_tiers_without_evidence_and_is_deterministic():
    current = Policy(version=1, tiers={"chat": TierPolicy(primary="old"), "coding": TierPolicy(primary="x")})
    scores = [sc("old"), sc("new", cps=0.001)]
    meta = PolicyMeta(run_id="r-1", simulated=True)
    one, decisions = propose({"chat": TIER}, scores, current, meta)
    two, _ = propose({"chat": TIER}, list(reversed(scores)), current, meta)
    assert one == two
    assert one.tiers["coding"].primary == "x"
    assert one.tiers["chat"].primary == "new"
    assert [d.tier for d in decisions] == ["chat"]


def test_first_policy_picks_best_passing():
    policy, decisions = propose({"chat": TIER}, [sc("a", cps=0.02), sc("b", cps=0.01)], None, PolicyMeta())
    assert policy.tiers["chat"].primary == "b" and decisions[0].action == "new"


def test_switch_needs_confidence_in_the_gate():
    # 13/15 = 87% passes the 80% gate on the mean, but its lower bound (62%) does not
    scores = {"old": sc("old", cps=0.010), "new": sc("new", success=13 / 15, n=15, cps=0.001, low=0.62)}
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old"))
    assert d.action == "keep"
    assert "lower bound 62% is below the 80% gate (n=15)" in d.policy.rationale


def test_second_best_confident_challenger_can_win():
    scores = {
        "old": sc("old", cps=0.010),
        "cheapest": sc("cheapest", cps=0.001, low=0.5),
        "cheap": sc("cheap", cps=0.002, low=0.85),
    }
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old"))
    assert d.action == "switch" and d.policy.primary == "cheap"


def test_fallbacks_keep_current_ones_that_pass_then_most_reliable():
    scores = {
        "old": sc("old"),
        "kept": sc("kept", cps=0.02),
        "cheap_flaky": sc("cheap_flaky", success=0.82, cps=0.0001, low=0.7),
        "solid": sc("solid", success=0.99, cps=0.03, low=0.95),
    }
    d = propose_tier("chat", TIER, scores, TierPolicy(primary="old", fallbacks=["kept", "gone"]))
    assert d.policy.fallbacks == ["kept", "solid"]


def test_rationale_of_simulated_evidence_is_labelled():
    simulated = Score(**{**sc("new", cps=0.001).__dict__, "provider_kinds": ("sim",)})
    d = propose_tier("chat", TIER, {"old": sc("old"), "new": simulated}, TierPolicy(primary="old"))
    assert d.policy.rationale.startswith("[SIMULATED] switch:")
    real = propose_tier(
        "chat", TIER, {"old": sc("old"), "new": sc("new", cps=0.001)}, TierPolicy(primary="old")
    )
    assert "SIMULATED" not in real.policy.rationale
