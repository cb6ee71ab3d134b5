"""The weekly decision rule on plain values: scores built from per-task results, as a run makes them."""

from __future__ import annotations

from typing import get_args

from evals.records import Result
from evals.scores import Score, score
from routing.config import Gates, TierConfig
from routing.decide.gates import assess
from routing.decide.proposal import Why, objective_key, propose, propose_tier
from routing.policy import Policy, PolicyMeta, TierPolicy
from routing.render.rationale import WHY_LABELS, decision_label, rationale_text, settle_note

GATES = Gates(min_success=0.8, max_cost_per_success_usd=0.05)
TIER = TierConfig(tasks="x", objective="cost_per_success", gates=GATES)


def results(model, tasks, passed, cost=0.001, latency_ms=1000.0, repeats=1, kind="real", start=0):
    """`passed` tasks pass (the first ones, from `start`); every attempt costs `cost`."""
    rows = []
    for i in range(tasks):
        ok = (i - start) % tasks < passed
        for rep in range(repeats):
            rows.append(
                Result(
                    task_id=f"t{i}",
                    tier="chat",
                    model=model,
                    repeat=rep,
                    provider_kind=kind,
                    passed=ok,
                    cost_usd=cost,
                    latency_ms=latency_ms,
                )
            )
    return rows


def sc(model, tasks=200, passed=190, cost=0.001, **kw) -> Score:
    return score(model, "chat", results(model, tasks, passed, cost, **kw))


def current(primary="big/flagship", fallbacks=()):
    return TierPolicy(primary=primary, fallbacks=list(fallbacks))


def decide(*scores, cur=None, tier=TIER, movers=()):
    return propose_tier("chat", tier, {s.model: s for s in scores}, cur, movers)


def test_a_small_gain_on_few_tasks_does_not_replace_the_incumbent():
    """2 points better and 5% cheaper on 20 tasks: not a reason to move production traffic."""
    incumbent = sc("big/flagship", tasks=20, passed=19, cost=0.0100)
    challenger = sc("small/model", tasks=20, passed=19, cost=0.0095 * 19.4 / 19)  # 5% cheaper per success
    d = decide(incumbent, challenger, cur=current())
    assert d.action == "keep" and d.policy.primary == "big/flagship"
    assert d.why in ("insufficient_evidence", "within_margin")


def test_proven_and_five_times_cheaper_on_200_tasks_switches():
    incumbent = sc("big/flagship", tasks=200, passed=190, cost=0.0100)
    challenger = sc("small/model", tasks=200, passed=186, cost=0.0020)  # 5x cheaper per success
    d = decide(incumbent, challenger, cur=current())
    assert d.action == "switch" and d.policy.primary == "small/model" and d.why == "better_by_margin"
    assert d.assessments["small/model"].total_risk < 0.001
    assert d.policy.fallbacks[0] == "big/flagship"  # the proven path back


def test_the_choice_does_not_flip_back_on_noise():
    week1 = decide(sc("big/flagship", cost=0.01), sc("small/model", passed=186, cost=0.002), cur=current())
    assert week1.policy.primary == "small/model"
    # Next week: the old flagship looks a little better on success and the new primary a bit dearer.
    week2 = decide(
        sc("big/flagship", passed=192, cost=0.0100),
        sc("small/model", passed=184, cost=0.0021),
        cur=week1.policy,
    )
    assert week2.action == "keep" and week2.policy.primary == "small/model"
    # A cheaper model ahead by less than the switching margin does not take over either.
    week3 = decide(
        sc("small/model", passed=186, cost=0.0020),
        sc("other/model", passed=186, cost=0.0019),
        cur=week1.policy,
    )
    assert week3.action == "keep" and week3.why == "within_margin"


def test_incumbent_without_a_free_pass_is_replaced_when_it_misses_the_gate():
    incumbent = sc("big/flagship", tasks=200, passed=140, cost=0.01)  # 70% < 80% gate
    challenger = sc("small/model", tasks=200, passed=188, cost=0.02)  # dearer, but proven
    d = decide(incumbent, challenger, cur=current())
    assert d.action == "switch" and d.why == "incumbent_not_proven"


def test_nothing_proven_keeps_the_incumbent_and_says_what_would_settle_it():
    incumbent = sc("big/flagship", tasks=10, passed=9, cost=0.01)
    challenger = sc("small/model", tasks=10, passed=9, cost=0.001)
    d = decide(incumbent, challenger, cur=current())
    assert d.action == "keep" and d.why == "insufficient_evidence"
    settle = {s.model: s for s in d.settle}
    assert settle["small/model"].tasks == 10 and settle["small/model"].tasks_needed > 10
    assert [g.model for g in d.policy.gray] == ["small/model"] and d.gray_reason == "evidence"
    text = rationale_text(d)
    assert "insufficient evidence" in text and f"~{settle['small/model'].tasks_needed} tasks" in text
    # what settling it is worth: 10 attempts at $0.001 over 9 successes, beside the incumbent's $0.01 each
    assert "small/model (cost per success $0.0011 against the incumbent's $0.0111; risk" in text
    assert decision_label(d) == "keep: needs evidence"
    assert settle_note(d).startswith(
        "needs evidence: small/model (cost per success $0.0011 against the incumbent's $0.0111; risk"
    )
    assert settle_note(decide(sc("big/flagship"), cur=current())) is None  # kept, and proven


def test_a_kept_proven_incumbent_lists_only_the_candidates_whose_proof_could_move_it():
    incumbent = sc("big/flagship", tasks=200, passed=190, cost=0.01)
    cheap = sc("small/model", tasks=20, passed=17, cost=0.001)  # 85%: promising, not proven on 20 tasks
    dear = sc("dear/model", tasks=20, passed=17, cost=0.02)  # as promising, but dearer than the incumbent
    d = decide(incumbent, cheap, dear, cur=current())
    assert d.why == "incumbent_best" and set(d.promising) >= {"small/model", "dear/model"}
    assert [s.model for s in d.settle] == ["small/model"]
    assert "dear/model (" not in rationale_text(d)
    # while the incumbent itself is unproven, any promising model could take over: all are listed
    unproven = decide(sc("big/flagship", tasks=20, passed=17, cost=0.01), cheap, dear, cur=current())
    assert unproven.why == "insufficient_evidence"
    assert [s.model for s in unproven.settle] == ["small/model", "dear/model"]


def test_every_reason_has_a_label_for_the_summary_tables():
    assert sorted(WHY_LABELS) == sorted(get_args(Why))
    assert len(set(WHY_LABELS.values())) == len(WHY_LABELS)  # no two reasons read alike


def test_repeats_of_one_task_are_not_independent_evidence():
    """40 tasks x 8 repeats is 40 tasks of evidence, not 320 attempts."""
    many_repeats = sc("a/m", tasks=20, passed=19, repeats=8)
    one_each = sc("a/m", tasks=20, passed=19)
    risk = assess(many_repeats, GATES, 0.1).total_risk
    assert risk == assess(one_each, GATES, 0.1).total_risk
    assert many_repeats.n == 160 and many_repeats.tasks == 20


def test_success_objective_needs_the_gain_on_shared_tasks():
    tier = TierConfig(tasks="x", objective="success", gates=GATES)
    incumbent = sc("big/flagship", tasks=200, passed=176)  # 88%
    better = sc("small/model", tasks=200, passed=190)  # 95%: +7 points, 14 more tasks, none fewer
    d = decide(incumbent, better, cur=current(), tier=tier)
    assert d.action == "switch" and d.paired["small/model"].wins == 14 and d.paired["small/model"].losses == 0
    # +6 points on 50 tasks, but on different tasks: 6 wins vs 3 losses (McNemar p=0.25) is no evidence.
    small_incumbent = sc("big/flagship", tasks=50, passed=44)
    shifted = sc("small/model", tasks=50, passed=47, start=41)
    d2 = decide(small_incumbent, shifted, cur=current(), tier=tier)
    assert (d2.paired["small/model"].wins, d2.paired["small/model"].losses) == (6, 3)
    assert d2.action == "keep" and d2.why == "not_better_paired"


def test_unknown_cost_cannot_be_shown_within_a_cost_gate():
    incumbent = sc("big/flagship", cost=0.01)
    unpriced = score("free/model", "chat", results("free/model", 200, 195, cost=None))
    d = decide(incumbent, unpriced, cur=current())
    assert d.policy.primary == "big/flagship"
    assert (
        d.assessments["free/model"].total_risk is None
        and "cost_per_success" in d.assessments["free/model"].unknown
    )


def test_objective_orders_cheapest_first_unknown_last():
    a = assess(sc("a/cheap", cost=0.001), GATES, 0.1)
    b = assess(sc("b/dear", cost=0.01), GATES, 0.1)
    c = assess(score("c/unknown", "chat", results("c/unknown", 200, 190, cost=None)), GATES, 0.1)
    assert sorted([c, b, a], key=lambda x: objective_key(x, "cost_per_success"))[0].model == "a/cheap"
    assert sorted([a, c], key=lambda x: objective_key(x, "cost_per_success"))[-1].model == "c/unknown"


def test_first_policy_picks_the_best_proven_model():
    d = decide(sc("a/m", cost=0.002), sc("b/m", cost=0.001))
    assert d.action == "new" and d.policy.primary == "b/m" and d.why == "first_policy"


def test_gray_share_for_a_mover_only_when_it_meets_the_gates():
    inc = sc("big/flagship", cost=0.001)
    failing_mover = sc("hot/new", passed=100)
    good_mover = sc("good/new", passed=185, cost=0.004)
    reliable = [sc(f"steady/{i}", passed=199, cost=0.003) for i in range(2)]  # take the fallback slots
    d = decide(inc, failing_mover, good_mover, *reliable, cur=current(), movers=["hot/new", "good/new"])
    assert [g.model for g in d.policy.gray] == ["good/new"] and d.gray_reason == "mover"


def test_propose_keeps_tiers_without_evidence_and_labels_simulated_rationale():
    cur = Policy(version=1, tiers={"chat": current(), "coding": current("x/y")})
    tiers = {"chat": TIER, "coding": TIER}
    sim = score("small/model", "chat", results("small/model", 200, 190, cost=0.001, kind="sim"))
    policy, _ = propose(tiers, [sim], cur, PolicyMeta(), explain=rationale_text)
    assert policy.tiers["coding"] == cur.tiers["coding"]
    assert policy.tiers["chat"].rationale.startswith("[SIMULATED]")
    again, _ = propose(tiers, [sim], cur, PolicyMeta(), explain=rationale_text)
    assert again == policy


def test_an_incumbent_that_probably_fails_yields_to_the_least_risky_challenger():
    """Nothing is proven and the incumbent almost surely misses the gate: keeping it is not safe. The
    challenger least at risk takes over even though its own observed success is just under the gate."""
    incumbent = sc("big/flagship", tasks=100, passed=60, cost=0.01)  # 60% vs an 80% gate: risk ~1
    near = sc("near/model", tasks=100, passed=79, cost=0.002)  # just under: P(p < 0.8) ~ 0.55
    weak = sc("weak/model", tasks=100, passed=70, cost=0.001)
    d = decide(incumbent, near, weak, cur=current())
    assert d.action == "switch" and d.why == "incumbent_fails" and d.policy.primary == "near/model"
    assert 0.5 < d.assessments["near/model"].total_risk < d.assessments["big/flagship"].total_risk
    assert d.policy.fallbacks == ["big/flagship"]  # the path back, though nothing meets the gate
    assert "near/model is the least at risk" in rationale_text(d)


def test_an_incumbent_that_probably_meets_the_gate_is_kept_when_nothing_is_proven():
    incumbent = sc("big/flagship", tasks=30, passed=25, cost=0.01)  # 83%: risk under one half
    challenger = sc("small/model", tasks=30, passed=26, cost=0.001)
    d = decide(incumbent, challenger, cur=current())
    assert d.action == "keep" and d.why == "insufficient_evidence"


def test_a_challenger_whose_risk_cannot_be_bounded_does_not_replace_a_failing_incumbent():
    incumbent = sc("big/flagship", tasks=100, passed=60, cost=0.01)
    unpriced = score("free/unpriced", "chat", results("free/unpriced", 100, 79, cost=None))
    d = decide(incumbent, unpriced, cur=current())
    assert d.action == "keep" and d.policy.primary == "big/flagship"


def with_unpriced_errors(model, tasks=100, passed=95, cost=0.001, errors=2):
    """A run where a few calls errored without a cost (retried timeouts, error rows without cost_usd)."""
    rows = results(model, tasks, passed, cost)
    rows += [
        Result(task_id=f"t{i}", tier="chat", model=model, repeat=1, status="error", error_type="timeout")
        for i in range(errors)
    ]
    return score(model, "chat", rows)


def test_a_few_unpriced_calls_do_not_keep_a_sixteen_times_dearer_incumbent():
    """Two unpriced timeouts in 102 calls leave the shown cost unknown, but the decision leans on a high
    estimate (each unpriced call at the dearest priced one): the cheap model is still proven cheaper."""
    incumbent = with_unpriced_errors("big/flagship", passed=96, cost=0.016)
    challenger = with_unpriced_errors("small/model", passed=95, cost=0.001)
    assert incumbent.cost_per_success_usd is None and challenger.cost_per_success_usd is None
    d = decide(incumbent, challenger, cur=current())
    assert d.action == "switch" and d.policy.primary == "small/model" and d.why == "better_by_margin"
    cost_gate = d.assessments["small/model"].risks[-1]
    assert cost_gate.metric == "cost_per_success" and cost_gate.estimated
    assert abs(cost_gate.observed - 0.102 / 95) < 1e-12  # 100 priced calls + 2 at the dearest, over 95
    text = rationale_text(d)
    assert "cost per success unknown (2 calls unpriced: between $0.0011 and $0.0011" in text
    assert "(2 calls unpriced: between $0.0167 and $0.0170" in text  # the incumbent: 1.6/96 .. 1.632/96


def test_the_estimate_errs_against_a_switch():
    """The cut in cost is read from the challenger's high estimate against the incumbent's floor: a
    challenger cheaper only if its unpriced calls were free does not pass the switching margin."""
    incumbent = sc("big/flagship", tasks=100, passed=95, cost=0.0100)
    challenger = with_unpriced_errors("small/model", passed=95, cost=0.0085, errors=10)
    # known spend alone: 0.85/95 (15% cheaper); high estimate: 0.935/95 (6.5% cheaper, < the 10% margin)
    d = decide(incumbent, challenger, cur=current())
    assert d.action == "keep" and d.policy.primary == "big/flagship"


def test_a_gate_that_no_model_has_evidence_for_is_named():
    """Recorded verdicts without latency under a p95 gate: the gate blocks every model, and says so."""
    tier = TierConfig(tasks="x", gates=Gates(min_success=0.8, max_p95_latency_s=5.0))
    blind = [sc(m, tasks=100, passed=95, latency_ms=None) for m in ("big/flagship", "small/model")]
    d = decide(*blind, cur=current(), tier=tier)
    assert d.gates_without_evidence == ["latency_p95"]
    assert d.action == "keep" and d.why == "insufficient_evidence"
    assert "no model has p95 latency in this evidence, so that gate can be met by none" in rationale_text(d)
    one_timed = decide(blind[0], sc("small/model", tasks=100, passed=95), cur=current(), tier=tier)
    assert one_timed.gates_without_evidence == []


def test_an_unpriced_incumbent_with_unbilled_errors_does_not_look_free():
    """Its answers have no price and its refused calls cost $0: no estimate, so a priced challenger that
    is proven takes over as before (a known figure is better evidence than none)."""
    rows = results("local/unpriced", 200, 190, cost=None)
    rows.append(
        Result(task_id="t0", tier="chat", model="local/unpriced", repeat=1, status="error", cost_usd=0.0)
    )
    incumbent = score("local/unpriced", "chat", rows)
    assert incumbent.cost_per_success_high_usd is None and incumbent.cost_per_success_low_usd is None
    tier = TierConfig(tasks="x", gates=Gates(min_success=0.8))
    d = decide(incumbent, sc("small/model", passed=186), cur=current("local/unpriced"), tier=tier)
    assert d.action == "switch" and d.policy.primary == "small/model" and d.why == "better_by_margin"
