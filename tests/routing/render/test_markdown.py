from types import SimpleNamespace

from routing.config import RolloutSettings
from routing.decide.rollout import Baseline, DirectChange, RolloutPlan, Stage, TierRollout
from routing.render.markdown import (
    gap_text,
    human_tokens,
    momentum_gap_note,
    render_report,
    rollout_summary,
    staleness_note,
    wow_text,
)


def m(**kw):
    base = {
        "slug": "a/b",
        "rank": 1,
        "total_tokens": 3.43e12,
        "wow_growth": 0.66,
        "gap_days": 7,
        "growth_over_gap": 0.66,
        "rank_change": 2,
        "status": "climbing",
    }
    return SimpleNamespace(**{**base, **kw})


def test_wow_is_marked_as_the_sources_across_a_gap():
    assert wow_text(m()) == "+66%"
    assert wow_text(m(gap_days=14)) == "+66% (source)"
    assert wow_text(m(wow_growth=None)) == "—"
    assert gap_text(m(gap_days=14, growth_over_gap=2.09)) == "+209% over 14 days"
    assert gap_text(m()) == "—"
    assert momentum_gap_note([m()]) is None
    assert "14 days" in momentum_gap_note([m(gap_days=14)])


def test_human_tokens():
    assert human_tokens(3.43e12) == "3.43T"
    assert human_tokens(806e9) == "806B"  # three significant digits, like 3.43T beside it
    assert human_tokens(12.34e6) == "12.3M"
    assert human_tokens(9.996e9) == "10.0B" and human_tokens(999.6e9) == "1.00T"
    assert human_tokens(940) == "940"
    assert human_tokens(None) == "n/a"


def test_staleness_note():
    assert staleness_note("2026-05-24", "2026-05-30") is None
    assert "183 days old" in staleness_note("2026-05-24", "2026-11-23")
    assert staleness_note(None, "2026-11-23") is None


def test_rollout_summary_lists_stages_and_direct_changes():
    settings = RolloutSettings()
    baseline = Baseline(source="none", model=None)
    tier = TierRollout(
        tier="coding",
        kind="primary",
        candidate="x/y",
        incumbent="a/b",
        baseline=baseline,
        stages=(Stage(1, 0.05, 540, 10800), Stage(2, 1.0, 540, 540)),
        guards=(),
        promote="",
        rollback="",
    )
    plan = RolloutPlan(settings, (tier,), (DirectChange("chat", "fallbacks only"),), simulated=False)
    text = rollout_summary(plan)
    assert "**coding** (primary): x/y: 5% (≥540 requests) → 100% (≥540 requests)" in text
    assert "**chat**: applied directly: fallbacks only" in text
    empty = RolloutPlan(settings, (), (), simulated=False)
    assert rollout_summary(empty) == "No tier changes: nothing to roll out."


def simulated_context() -> dict:
    """A minimal report context of a simulated run."""
    return {
        "date": "2026-11-23",
        "simulated": True,
        "recorded": False,
        "source": None,
        "provider_label": "SIMULATED (sim provider)",
        "run_id": "sim-1",
        "n_results": 3,
        "rankings_as_of": None,
        "rankings_week": None,
        "rankings_source": None,
        "current_path": "current.yaml",
        "proposed_path": "proposed.yaml",
        "n_changed": 0,
        "n_tiers": 0,
        "budget_note": None,
        "rankings_note": None,
        "decisions": [],
        "momentum": [],
        "momentum_note": None,
        "diff_markdown": "no changes",
        "rollout_summary": "none",
        "candidates": "",
        "rankings_citation": None,
        "n_tasks": 0,
        "task_sources": "",
        "provider_kinds": "sim",
        "generated_at": "2026-11-23T00:00:00+00:00",
    }


def test_simulated_report_says_so_in_the_title_and_banner():
    context = simulated_context()
    text = render_report(context)
    assert text.startswith("# SIMULATED")
    assert "No model was called" in text


def test_a_mixed_run_never_says_no_model_was_called():
    """A simulated run with a model called for real (--real) is labelled mixed, not 'no model was called'."""
    context = simulated_context()
    mixed = render_report({**context, "provider_kinds": "real, sim"})
    assert mixed.startswith("# SIMULATED") and "SIMULATED (mixed)" in mixed
    assert "No model was called" not in mixed
    assert "No model was called" in render_report(context)
