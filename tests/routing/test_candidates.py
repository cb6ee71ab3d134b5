"""Candidate selection per tier: incumbents, movers, fast climbers, alternates, exclusions, requirements."""

from __future__ import annotations

from pathlib import Path

from routing.candidates import Candidate, rank_movers, select_candidates
from routing.config import CandidateRules, TierConfig
from routing.momentum import Momentum, compute_momentum
from routing.policy import Policy
from routing.rankings import load_snapshots

ROOT = Path(__file__).resolve().parents[2]


def _m(
    slug: str,
    rank: int | None,
    wow: float | None,
    status: str = "climbing",
    *,
    floor: float | None = None,
    reported: float | None = None,
    tools: bool | None = None,
    context: int | None = None,
) -> Momentum:
    return Momentum(
        slug=slug,
        name=slug,
        rank=rank,
        prev_rank=None,
        rank_change=None,
        total_tokens=None,
        prev_tokens=None,
        wow_growth=wow,
        reported_change=reported,
        status=status,  # type: ignore[arg-type]
        weeks_in_top=1,
        as_of="2026-05-11",
        source_url="https://openrouter.ai/rankings",
        prompt_price_per_mtok=None,
        completion_price_per_mtok=None,
        context_length=context,
        supports_tools=tools,
        growth_floor=floor,
    )


def _tier(tools: bool = False, min_context: int = 0) -> TierConfig:
    return TierConfig(tasks="golden_tasks/coding", requires={"tools": tools, "min_context": min_context})


def _policy() -> Policy:
    return Policy.model_validate(
        {
            "version": 1,
            "tiers": {
                "coding": {
                    "primary": "inc/primary",
                    "fallbacks": ["inc/fallback"],
                    "gray": [{"model": "m/fast", "share": 0.05}],
                }
            },
        }
    )


MOMENTUM = [
    _m("m/fast", 1, 0.66),
    _m("m/slow", 2, 0.05),
    _m("m/mid", 3, 0.15),
    _m("m/newcomer", 4, None, "new", floor=0.30, reported=0.29),
    _m("m/down", 5, -0.20, "falling"),
    _m("m/flat", 6, 0.0, "steady"),
    _m("m/late-new", 10, None, "new", floor=-0.05),
    _m("m/gone", None, None, "left"),
]


def _select(rules: CandidateRules, momentum: list[Momentum] = MOMENTUM, **tier: object) -> list[Candidate]:
    return select_candidates("coding", _tier(**tier), rules, momentum, _policy())  # type: ignore[arg-type]


def test_rank_movers_orders_by_growth_with_newcomers_by_their_floor() -> None:
    assert [m.slug for m in rank_movers(MOMENTUM)] == [
        "m/fast",
        "m/newcomer",
        "m/mid",
        "m/slow",
        "m/late-new",
    ]


def test_incumbents_then_movers_then_alternates_without_duplicates() -> None:
    rules = CandidateRules(top_movers=2, fast_climber_wow=0.20, alternates=["alt/one", "inc/primary"])
    got = {c.model: c.reasons for c in _select(rules)}
    assert list(got) == ["inc/primary", "inc/fallback", "m/fast", "m/newcomer", "alt/one"]
    assert got["inc/primary"] == ["current primary", "configured alternate"]
    assert got["m/fast"] == ["current gray 5%", "top mover +66% WoW", "fast climber"]
    assert got["m/newcomer"] == ["new in top 10 (at least +30% WoW; source: +29%)", "fast climber"]
    assert got["alt/one"] == ["configured alternate"]


def test_fast_climbers_are_always_included_beyond_the_cap() -> None:
    rules = CandidateRules(top_movers=0, fast_climber_wow=0.10)
    got = {c.model: c.reasons for c in _select(rules)}
    assert list(got) == ["inc/primary", "inc/fallback", "m/fast", "m/newcomer", "m/mid"]
    assert got["m/mid"] == ["fast climber +15% WoW"]


def test_falling_flat_and_left_models_are_never_movers() -> None:
    got = [c.model for c in _select(CandidateRules(top_movers=10, fast_climber_wow=5.0))]
    assert got == ["inc/primary", "inc/fallback", "m/fast", "m/newcomer", "m/mid", "m/slow", "m/late-new"]


def test_excluded_models_are_dropped_even_incumbents_and_free_their_mover_slot() -> None:
    rules = CandidateRules(top_movers=2, fast_climber_wow=1.0, exclude=["m/fast", "inc/fallback"])
    assert [c.model for c in _select(rules)] == ["inc/primary", "m/newcomer", "m/mid"]


def test_requirements_drop_known_failures_and_flag_unknowns() -> None:
    momentum = [
        _m("m/notools", 1, 0.9, tools=False, context=200_000),
        _m("m/short", 2, 0.8, tools=True, context=16_000),
        _m("m/ok", 3, 0.7, tools=True, context=200_000),
        _m("m/unknown", 4, 0.6),
    ]
    rules = CandidateRules(top_movers=2)
    got = {c.model: c.reasons for c in _select(rules, momentum, tools=True, min_context=32_000)}
    # Unfit movers are dropped before the cap, so both slots go to testable models.
    assert list(got) == ["inc/primary", "inc/fallback", "m/fast", "m/ok", "m/unknown"]
    assert got["m/ok"] == ["top mover +70% WoW", "fast climber"]
    assert got["m/unknown"][-2:] == ["tools support unknown", "context length unknown"]
    assert got["inc/primary"] == ["current primary", "tools support unknown", "context length unknown"]
    no_needs = {c.model: c.reasons for c in _select(rules, momentum)}
    assert no_needs["m/notools"] == ["top mover +90% WoW", "fast climber"]
    assert no_needs["m/unknown"] == ["fast climber +60% WoW"]  # beyond the cap of 2, no requirement flags


def test_no_policy_or_tier_not_in_policy() -> None:
    rules = CandidateRules(top_movers=1, alternates=["alt/one"])
    assert [c.model for c in select_candidates("coding", _tier(), rules, MOMENTUM, None)] == [
        "m/fast",
        "m/newcomer",  # a fast climber (at least +30%), beyond the cap of 1
        "alt/one",
    ]
    assert [c.model for c in select_candidates("chat", _tier(), rules, [], _policy())] == ["alt/one"]


def test_deterministic_whatever_the_input_order() -> None:
    rules = CandidateRules(top_movers=3)
    first = _select(rules)
    assert _select(rules, list(reversed(MOMENTUM))) == first
    assert [c.momentum.slug if c.momentum else None for c in first] == [
        None,
        None,
        "m/fast",
        "m/newcomer",
        "m/mid",
    ]


def test_shipped_weeks_candidates() -> None:
    momentum = compute_momentum(load_snapshots(ROOT / "reports" / "rankings"))
    policy = Policy.model_validate(
        {
            "version": 1,
            "tiers": {
                "agent": {"primary": "anthropic/claude-sonnet-4.6", "fallbacks": ["x-ai/grok-4.1-fast"]}
            },
        }
    )
    rules = CandidateRules(top_movers=2, fast_climber_wow=0.20, alternates=["openai/gpt-oss-120b"])
    got = {c.model: c for c in select_candidates("agent", _tier(tools=True), rules, momentum, policy)}
    assert list(got) == [
        "anthropic/claude-sonnet-4.6",
        "x-ai/grok-4.1-fast",
        "deepseek/deepseek-v4-flash",
        "openrouter/owl-alpha",
        "deepseek/deepseek-v3.2",
        "deepseek/deepseek-v4-pro",
        "openai/gpt-oss-120b",
    ]
    assert got["deepseek/deepseek-v4-flash"].reasons[:2] == ["top mover +209% WoW", "fast climber"]
    assert got["openrouter/owl-alpha"].reasons[0] == "new in top 10 (at least +54% WoW; source: +29%)"
    assert got["deepseek/deepseek-v3.2"].reasons[0] == "fast climber +51% WoW"
    assert got["x-ai/grok-4.1-fast"].momentum is not None and got["openai/gpt-oss-120b"].momentum is None
    assert all(
        "tools support unknown" in c.reasons for c in got.values()
    )  # shipped data carries no catalog facts
