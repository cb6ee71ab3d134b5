import pytest
import yaml

from evals.scores import Score
from evals.stats import min_requests_for_drop
from routing.config import RolloutSettings
from routing.decide.diff import diff_policies
from routing.decide.rollout import plan_rollout, rollout_to_dict, stored_stage_shares
from routing.policy import Policy

SETTINGS = RolloutSettings(stages=[0.05, 0.25, 0.5, 1.0], detectable_drop=0.05, power=0.8, alpha=0.05)


def policy(tiers: dict, simulated: bool = False) -> Policy:
    return Policy.model_validate({"version": 1, "meta": {"simulated": simulated}, "tiers": tiers})


def score(model: str, tier: str, success: float | None, **kw) -> Score:
    values = {
        "n": 40,
        "passes": round((success or 0) * 40),
        "errors": 0,
        "success_rate": success,
        "success_low": None,
        "success_high": None,
        "tool_failure_rate": 0.02,
        "latency_p50_s": 2.0,
        "latency_p95_s": 8.0,
        "cost_usd": 1.2,
        "cost_per_success_usd": 0.0333333,
        "provider_kinds": ("real",),
    }
    values.update(kw)
    return Score(model=model, tier=tier, **values)


OLD = policy(
    {
        "coding": {"primary": "anthropic/claude-sonnet-4.6", "fallbacks": ["f/f"]},
        "agent": {"primary": "openai/gpt-5", "gates": {"min_success": 0.8, "max_tool_failure": 0.15}},
        "chat": {"primary": "google/flash", "gray": [{"model": "c/c", "share": 0.1}]},
        "extraction": {"primary": "e/e", "fallbacks": ["a/a"]},
        "long_context": {"primary": "google/pro"},
    }
)
NEW = policy(
    {
        "coding": {"primary": "deepseek/deepseek-v4-flash", "fallbacks": ["anthropic/claude-sonnet-4.6"]},
        "agent": {
            "primary": "openai/gpt-5",
            "gray": [{"model": "deepseek/deepseek-v4-pro", "share": 0.05}],
            "gates": {"min_success": 0.8, "max_tool_failure": 0.15},
        },
        "chat": {"primary": "google/flash", "gray": [{"model": "c/c", "share": 0.05}]},
        "extraction": {"primary": "e/e", "fallbacks": ["b/b"]},
    }
)
SCORES = {("coding", "anthropic/claude-sonnet-4.6"): score("anthropic/claude-sonnet-4.6", "coding", 0.9)}


def plan(old=OLD, new=NEW, scores=SCORES, settings=SETTINGS):
    return plan_rollout(diff_policies(old, new), new, scores, settings)


def test_primary_change_ramps_through_stages_with_baseline_guards():
    rollout = plan()
    (coding,) = [t for t in rollout.tiers if t.tier == "coding"]
    assert (coding.kind, coding.candidate, coding.incumbent) == (
        "primary",
        "deepseek/deepseek-v4-flash",
        "anthropic/claude-sonnet-4.6",
    )
    assert coding.baseline.source == "measured"
    assert [s.share for s in coding.stages] == [0.05, 0.25, 0.5, 1.0]
    assert [s.min_requests for s in coding.stages] == [540] * 4
    assert [s.min_tier_requests for s in coding.stages] == [10800, 2160, 1080, 540]
    guards = {g.metric: (g.op, round(g.threshold, 6), g.source) for g in coding.guards}
    assert guards == {
        "success_rate": (">=", 0.85, "baseline"),
        "tool_failure_rate": ("<=", 0.07, "baseline"),
        "latency_p95_s": ("<=", 10.0, "baseline"),
        "cost_per_success_usd": ("<=", round(0.0333333 * 1.25, 6), "baseline"),
    }
    assert "540 requests to deepseek/deepseek-v4-flash" in coding.promote
    assert coding.rollback.endswith(
        "route 0% to deepseek/deepseek-v4-flash and keep anthropic/claude-sonnet-4.6"
    )
    assert coding.notes == ()


def test_guard_holds_checks_direction():
    (coding,) = [t for t in plan().tiers if t.tier == "coding"]
    success = next(g for g in coding.guards if g.metric == "success_rate")
    latency = next(g for g in coding.guards if g.metric == "latency_p95_s")
    assert success.holds(0.86) and not success.holds(0.84)
    assert latency.holds(9.9) and not latency.holds(10.1)


def test_gray_only_tier_gets_one_stage_and_falls_back_to_gates_without_baseline():
    (agent,) = [t for t in plan().tiers if t.tier == "agent"]
    assert (agent.kind, agent.candidate, agent.incumbent) == (
        "gray",
        "deepseek/deepseek-v4-pro",
        "openai/gpt-5",
    )
    assert [s.share for s in agent.stages] == [0.05]
    assert agent.baseline.source == "gates"
    assert {g.metric: (g.threshold, g.source) for g in agent.guards} == {
        "success_rate": (0.8, "gate"),
        "tool_failure_rate": (0.15, "gate"),
    }
    assert agent.stages[0].min_requests == 862  # sized from the gate min_success=0.8
    assert any("no measured baseline for incumbent openai/gpt-5" in n for n in agent.notes)


def test_missing_baseline_metric_uses_gate_per_metric():
    scores = {
        ("agent", "openai/gpt-5"): score(
            "openai/gpt-5",
            "agent",
            0.9,
            latency_p95_s=None,
            cost_per_success_usd=None,
            tool_failure_rate=None,
        )
    }
    new = policy({"agent": {**NEW.tiers["agent"].model_dump(), "gates": {"max_p95_latency_s": 30}}})
    (agent,) = plan(old=policy({"agent": {"primary": "openai/gpt-5"}}), new=new, scores=scores).tiers
    assert agent.baseline.source == "measured"
    assert {g.metric: (round(g.threshold, 6), g.source) for g in agent.guards} == {
        "success_rate": (0.85, "baseline"),
        "latency_p95_s": (30.0, "gate"),
    }


def test_no_baseline_and_no_gates_says_so_and_has_no_guards():
    old = policy({"chat": {"primary": "a/a"}})
    new = policy({"chat": {"primary": "b/b"}})
    (chat,) = plan(old=old, new=new, scores={}).tiers
    assert chat.baseline.source == "none"
    assert chat.guards == ()
    assert chat.stages[0].min_requests == min_requests_for_drop(0.5, 0.05, 0.8, 0.05)
    assert any("no gates" in n for n in chat.notes)
    assert chat.promote.startswith("no baseline and no gates")


def test_non_traffic_changes_apply_directly():
    rollout = plan()
    assert {d.tier: d.reason for d in rollout.direct} == {
        "chat": "no model gains traffic: apply directly",  # gray share shrank 10% -> 5%
        "extraction": "no model gains traffic: apply directly",  # fallbacks only
        "long_context": "tier removed: its callers need another route",
    }
    assert [t.tier for t in rollout.tiers] == ["coding", "agent"]


def test_gray_share_increase_and_added_tier_are_planned():
    old = policy({"chat": {"primary": "google/flash", "gray": [{"model": "c/c", "share": 0.05}]}})
    new = policy(
        {
            "chat": {"primary": "google/flash", "gray": [{"model": "c/c", "share": 0.1}]},
            "extraction": {"primary": "e/e", "gates": {"min_success": 0.85}},
        }
    )
    chat, extraction = plan(old=old, new=new, scores={}).tiers
    assert (chat.kind, [s.share for s in chat.stages]) == ("gray", [0.1])
    assert (extraction.kind, extraction.incumbent, [s.share for s in extraction.stages]) == (
        "primary",
        None,
        [1.0],
    )
    assert "serve the tier from its fallbacks" in extraction.rollback


def test_stage_shares_cover_primary_changes_only():
    """Read back from the stored rollout.yaml document, as `export litellm --stage N` does."""
    stored = rollout_to_dict(plan())
    assert stored_stage_shares(stored, 1) == {"coding": 0.05}
    assert stored_stage_shares(stored, 4) == {"coding": 1.0}
    with pytest.raises(ValueError):
        stored_stage_shares(stored, 5)


def test_rollout_dict_is_versioned_rounded_and_yaml_stable():
    data = rollout_to_dict(plan())
    assert data["version"] == 1
    assert data["simulated"] is False
    assert data["settings"]["stages"] == [0.05, 0.25, 0.5, 1.0]
    coding = data["tiers"][0]
    assert coding["baseline"]["cost_per_success_usd"] == 0.03333
    assert {g["metric"]: g["threshold"] for g in coding["guards"]} == {
        "success_rate": 0.85,
        "tool_failure_rate": 0.07,
        "latency_p95_s": 10.0,
        "cost_per_success_usd": 0.04167,
    }
    assert coding["promote"] == {
        "rule": coding["promote"]["rule"],
        "all_guards_hold": True,
        "min_requests": 540,
    }
    assert coding["rollback"]["route_share"] == 0.0
    assert coding["rollback"]["keep"] == "anthropic/claude-sonnet-4.6"
    assert data["direct"][0] == {"tier": "chat", "reason": "no model gains traffic: apply directly"}
    text = yaml.safe_dump(data, sort_keys=False)
    assert yaml.safe_load(text) == data
    assert text == yaml.safe_dump(rollout_to_dict(plan()), sort_keys=False)


def test_simulated_baseline_marks_the_plan():
    scores = {
        ("coding", "anthropic/claude-sonnet-4.6"): score(
            "anthropic/claude-sonnet-4.6", "coding", 0.9, provider_kinds=("sim",)
        )
    }
    simulated = plan(scores=scores)
    assert simulated.simulated
    (coding,) = [t for t in simulated.tiers if t.tier == "coding"]
    assert coding.baseline.source == "simulated"  # a simulated number is never labelled measured
    baseline = rollout_to_dict(simulated)["tiers"][0]["baseline"]
    assert (baseline["source"], baseline["provider_kinds"]) == ("simulated", ["sim"])
    assert baseline["success_rate"] == 0.9 and baseline["n"] == 40  # its figures are still written
    assert [g.source for g in coding.guards] == [g.source for g in plan().tiers[0].guards]


def test_a_partly_simulated_score_is_a_simulated_baseline():
    scores = {
        ("coding", "anthropic/claude-sonnet-4.6"): score(
            "anthropic/claude-sonnet-4.6", "coding", 0.9, provider_kinds=("real", "sim")
        )
    }
    assert rollout_to_dict(plan(scores=scores))["tiers"][0]["baseline"]["source"] == "simulated"
    assert rollout_to_dict(plan())["tiers"][0]["baseline"]["source"] == "measured"
