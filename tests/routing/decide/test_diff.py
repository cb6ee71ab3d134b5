from routing.decide.diff import TierChange, diff_policies, format_share, render_diff_markdown
from routing.policy import Policy


def policy(tiers: dict, meta: dict | None = None) -> Policy:
    return Policy.model_validate({"version": 1, "meta": meta or {}, "tiers": tiers})


OLD = policy(
    {
        "coding": {"primary": "anthropic/claude-sonnet-4.6", "fallbacks": ["a/a"]},
        "agent": {"primary": "openai/gpt-5", "gray": [{"model": "x/x", "share": 0.05}]},
        "chat": {"primary": "google/flash", "gray": [{"model": "c/c", "share": 0.05}]},
        "long_context": {"primary": "google/pro"},
    },
    meta={"run_id": "r-old", "generated_at": "2026-11-16T09:00:00Z"},
)
NEW = policy(
    {
        "chat": {"primary": "google/flash", "gray": [{"model": "c/c", "share": 0.1}], "rationale": "more"},
        "coding": {
            "primary": "deepseek/deepseek-v4-flash",
            "fallbacks": ["b/b", "a/a"],
            "rationale": "passes gates, 40% cheaper per success",
        },
        "agent": {"primary": "openai/gpt-5", "gray": [{"model": "deepseek/deepseek-v4-pro", "share": 0.05}]},
        "extraction": {"primary": "openai/gpt-5-mini", "gray": [{"model": "q/q", "share": 0.025}]},
    },
    meta={"run_id": "r-new", "generated_at": "2026-11-23T09:00:00Z", "simulated": True},
)


def by_tier(changes: list[TierChange]) -> dict[str, TierChange]:
    return {c.tier: c for c in changes}


def test_lines_per_kind_of_change():
    changes = by_tier(diff_policies(OLD, NEW))
    assert changes["coding"].lines == [
        "coding: primary anthropic/claude-sonnet-4.6 -> deepseek/deepseek-v4-flash",
        "coding: fallbacks [a/a] -> [b/b, a/a]",
    ]
    assert changes["agent"].lines == ["agent: gray +deepseek/deepseek-v4-pro 5%", "agent: gray -x/x 5%"]
    assert changes["chat"].lines == ["chat: gray c/c 5% -> 10%"]
    assert changes["extraction"].lines == [
        "extraction: tier added (primary openai/gpt-5-mini; fallbacks []; gray q/q 2.5%)"
    ]
    assert changes["long_context"].lines == ["long_context: tier removed (was primary google/pro)"]


def test_kinds_primaries_and_primary_changed():
    changes = by_tier(diff_policies(OLD, NEW))
    assert {t: c.kind for t, c in changes.items()} == {
        "chat": "changed",
        "coding": "changed",
        "agent": "changed",
        "extraction": "added",
        "long_context": "removed",
    }
    coding = changes["coding"]
    assert (coding.primary_before, coding.primary_after) == (
        "anthropic/claude-sonnet-4.6",
        "deepseek/deepseek-v4-flash",
    )
    assert coding.primary_changed
    assert not changes["agent"].primary_changed
    assert not changes["extraction"].primary_changed  # no primary before: an addition, not a change
    assert changes["long_context"].primary_after is None
    assert changes["chat"].gray_before == {"c/c": 0.05}
    assert changes["chat"].gray_after == {"c/c": 0.1}


def test_order_is_new_policy_order_then_removed():
    assert [c.tier for c in diff_policies(OLD, NEW)] == [
        "chat",
        "coding",
        "agent",
        "extraction",
        "long_context",
    ]


def test_meta_and_rationale_only_changes_are_unchanged():
    reworded = OLD.model_copy(
        update={
            "meta": NEW.meta,
            "tiers": {
                **OLD.tiers,
                "coding": OLD.tiers["coding"].model_copy(update={"rationale": "kept: reworded"}),
            },
        }
    )
    changes = diff_policies(OLD, reworded)
    assert [c.kind for c in changes] == ["unchanged"] * 4
    assert changes[0].lines == ["coding: unchanged"]
    assert not any(c.primary_changed for c in changes)


def test_gates_alone_are_a_note_not_a_tier_change():
    """Gates copied from routing.yaml into the policy move no traffic: shown, not counted."""
    old = policy({"agent": {"primary": "m/m", "gates": {"min_success": 0.8}}})
    new = policy({"agent": {"primary": "m/m", "gates": {"min_success": 0.85, "max_tool_failure": 0.1}}})
    (change,) = diff_policies(old, new)
    assert change.kind == "unchanged" and not change.is_change
    assert change.notes == ["agent: gates {min_success: 0.8} -> {max_tool_failure: 0.1, min_success: 0.85}"]
    text = render_diff_markdown([change], "old.yaml", "new.yaml")
    assert "0 of 1 tiers change." in text and "Gates recorded (no traffic moves)" in text


def test_format_share_has_no_float_noise():
    assert [format_share(s) for s in (0.05, 0.025, 0.1, 0.125, 1 / 3)] == [
        "5%",
        "2.5%",
        "10%",
        "12.5%",
        "33.33%",
    ]


def test_render_markdown_summary_lines_and_rationale():
    text = render_diff_markdown(diff_policies(OLD, NEW), "policies/current.yaml", "policies/proposed.yaml")
    assert text.startswith("# Policy diff: policies/current.yaml -> policies/proposed.yaml\n")
    assert "\n5 of 5 tiers change.\n" in text
    assert "- `coding: primary anthropic/claude-sonnet-4.6 -> deepseek/deepseek-v4-flash`" in text
    assert "- **coding**: passes gates, 40% cheaper per success" in text
    assert "- **extraction**: (no rationale given)" in text
    assert "**long_context**" not in text  # a removed tier has no new rationale
    # Lines appear in the deterministic tier order.
    assert text.index("chat: gray c/c") < text.index("coding: primary") < text.index("long_context: tier")
    assert text == render_diff_markdown(
        diff_policies(OLD, NEW), "policies/current.yaml", "policies/proposed.yaml"
    )


def test_render_markdown_lists_unchanged_tiers():
    text = render_diff_markdown(diff_policies(OLD, OLD), "a", "b")
    assert "0 of 4 tiers change." in text
    assert "Unchanged: coding, agent, chat, long_context." in text
    assert "## Changes" not in text
    assert "## Rationale" not in text
