"""Candidate selection per tier: incumbents, movers, fast climbers, alternates, exclusions, requirements."""

from __future__ import annotations

from pathlib import Path

from routing.config import CandidateRules, TierConfig
from routing.decide.candidates import Candidate, mover_growth, rank_movers, select_tier
from routing.decide.momentum import Momentum, compute_momentum
from routing.policy import Policy
from routing.rankings.files import load_snapshots

ROOT = Path(__file__).resolve().parents[3]


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
    gap: int | None = 7,
    over_gap: float | None = None,
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
        gap_days=gap,
        growth_over_gap=wow if over_gap is None and gap == 7 else over_gap,
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
    return select_tier("coding", _tier(**tier), rules, momentum, _policy()).candidates  # type: ignore[arg-type]


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
    got = {c.model: c.reason_texts for c in _select(rules)}
    assert list(got) == ["inc/primary", "inc/fallback", "m/fast", "m/newcomer", "alt/one"]
    assert got["inc/primary"] == ["current primary", "configured alternate"]
    assert got["m/fast"] == ["current gray 5%", "top mover +66% WoW", "fast climber"]
    assert got["m/newcomer"] == ["new in top 10 (at least +30% WoW; source: +29%)", "fast climber"]
    assert got["alt/one"] == ["configured alternate"]


def test_fast_climbers_are_always_included_beyond_the_cap() -> None:
    rules = CandidateRules(top_movers=0, fast_climber_wow=0.10)
    got = {c.model: c.reason_texts for c in _select(rules)}
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
    got = {c.model: c.reason_texts for c in _select(rules, momentum, tools=True, min_context=32_000)}
    # Unfit movers are dropped before the cap, so both slots go to testable models.
    assert list(got) == ["inc/primary", "inc/fallback", "m/fast", "m/ok", "m/unknown"]
    assert got["m/ok"] == ["top mover +70% WoW", "fast climber"]
    assert got["m/unknown"][-2:] == ["tools support unknown", "context length unknown"]
    assert got["inc/primary"] == ["current primary", "tools support unknown", "context length unknown"]
    no_needs = {c.model: c.reason_texts for c in _select(rules, momentum)}
    assert no_needs["m/notools"] == ["top mover +90% WoW", "fast climber"]
    assert no_needs["m/unknown"] == ["fast climber +60% WoW"]  # beyond the cap of 2, no requirement flags


def test_no_policy_or_tier_not_in_policy() -> None:
    rules = CandidateRules(top_movers=1, alternates=["alt/one"])
    assert [c.model for c in select_tier("coding", _tier(), rules, MOMENTUM, None).candidates] == [
        "m/fast",
        "m/newcomer",  # a fast climber (at least +30%), beyond the cap of 1
        "alt/one",
    ]
    assert [c.model for c in select_tier("chat", _tier(), rules, [], _policy()).candidates] == ["alt/one"]


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


# Across a 14-day gap: wow_growth is the source's figure (or None), growth_over_gap the token growth.
GAP = [
    _m("g/flash", 1, 0.66, gap=14, over_gap=2.09, reported=0.66),
    _m("g/hy3", 2, 0.16, "falling", gap=14, over_gap=-0.13, reported=0.16),
    _m("g/quiet", 3, None, gap=14, over_gap=0.51),  # climbed, no source figure: growth unknown
    _m("g/owl", 4, 0.29, "unseen", gap=14, reported=0.29),
    _m("g/back", 5, None, "unseen", gap=14),
    _m("g/dip", 6, -0.10, "unseen", gap=14, reported=-0.10),
    _m("g/gone", None, None, "left", gap=14),
]


def test_across_a_gap_movers_rank_by_the_source_wow_not_the_growth_over_the_gap() -> None:
    assert [m.slug for m in rank_movers(GAP)] == ["g/flash", "g/owl", "g/hy3", "g/back"]
    assert [mover_growth(m) for m in rank_movers(GAP)] == [0.66, 0.29, 0.16, None]
    rules = CandidateRules(top_movers=3, fast_climber_wow=0.20)
    got = {c.model: c.reason_texts for c in select_tier("coding", _tier(), rules, GAP, None).candidates}
    assert got == {
        "g/flash": ["top mover +66% WoW (source figure)", "fast climber"],
        "g/owl": [
            "in top 6, not in the previous snapshot 14 days earlier (source: +29% WoW)",
            "fast climber",
        ],
        "g/hy3": ["top mover +16% WoW (source figure)"],
    }
    # +51% over two weeks is not a WoW: it never makes a fast climber.
    only_fast = CandidateRules(top_movers=0, fast_climber_wow=0.20)
    got = {c.model: c.reason_texts for c in select_tier("coding", _tier(), only_fast, GAP, None).candidates}
    assert got == {
        "g/flash": ["fast climber +66% WoW (source figure)"],
        "g/owl": [
            "in top 6, not in the previous snapshot 14 days earlier (source: +29% WoW)",
            "fast climber",
        ],
    }
    everyone = CandidateRules(top_movers=10, fast_climber_wow=5.0)
    got = {c.model: c.reason_texts for c in select_tier("coding", _tier(), everyone, GAP, None).candidates}
    assert list(got) == ["g/flash", "g/owl", "g/hy3", "g/back"]
    assert got["g/back"] == ["in top 6, not in the previous snapshot 14 days earlier"]


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
    got = {c.model: c for c in select_tier("agent", _tier(tools=True), rules, momentum, policy).candidates}
    # Week 2026-05-18 vs week 2026-05-04 (2026-05-11..17 missing): movers rank by the source's WoW,
    # not by the two-week growth (V4 Flash +209%, V3.2 +51%, V4 Pro +23% over the gap).
    assert list(got) == [
        "anthropic/claude-sonnet-4.6",
        "x-ai/grok-4.1-fast",
        "deepseek/deepseek-v4-flash",
        "openrouter/owl-alpha",
        "openai/gpt-oss-120b",
    ]
    assert got["deepseek/deepseek-v4-flash"].reason_texts[:2] == [
        "top mover +66% WoW (source figure)",
        "fast climber",
    ]
    assert got["openrouter/owl-alpha"].reason_texts[:2] == [
        "in top 10, not in the previous snapshot 14 days earlier (source: +29% WoW)",
        "fast climber",
    ]
    assert got["x-ai/grok-4.1-fast"].momentum is not None and got["openai/gpt-oss-120b"].momentum is None
    three = CandidateRules(top_movers=3, fast_climber_wow=0.20)
    by_model = {c.model: c for c in select_tier("agent", _tier(), three, momentum, None).candidates}
    assert list(by_model) == ["deepseek/deepseek-v4-flash", "openrouter/owl-alpha", "tencent/hy3-preview"]
    assert by_model["tencent/hy3-preview"].reason_texts == ["top mover +16% WoW (source figure)"]  # not fast
    assert all(
        "tools support unknown" in c.reason_texts for c in got.values()
    )  # shipped data carries no catalog facts


# --- the catalog decides what a model can serve -----------------------------------------------------

from datetime import date  # noqa: E402

from routing.rankings.catalog import parse_catalog  # noqa: E402


def _catalog():
    def model(mid: str, params: list[str] | None, context: int = 200_000, **extra: object) -> dict:
        return {
            "id": mid,
            "context_length": context,
            "pricing": {"prompt": "0.000001", "completion": "0.000004", **extra.pop("pricing", {})},
            "supported_parameters": params,
            **extra,
        }

    data = [
        model("m/fast", ["tools", "structured_outputs"], pricing={"input_cache_read": "0.0000001"}),
        model("m/newcomer", ["response_format"]),  # JSON mode only: no structured outputs, no tools
        model("alt/one", ["tools"], context=16_000),
        model(
            "inc/primary",
            ["tools", "structured_outputs"],
            pricing={
                "overrides": [{"min_prompt_tokens": 128000, "prompt": "0.000002", "completion": "0.000008"}]
            },
        ),
        model("inc/fallback", ["tools"], expiration_date="2026-06-01"),
        {"id": "old/model", "pricing": {"prompt": "0.000001", "completion": "0.000001"}},  # 2024 schema
    ]
    return parse_catalog({"data": data}, "models-2026-08-19.json", "2026-08-19")


def _tier_with(**requires: object) -> TierConfig:
    return TierConfig(tasks="golden_tasks/x", requires=requires)


def test_catalog_drops_what_cannot_serve_the_tier_and_says_why() -> None:
    rules = CandidateRules(top_movers=4, fast_climber_wow=0.20, alternates=["alt/one", "old/model"])
    got = select_tier(
        "coding",
        _tier_with(tools=True, min_context=32_000),
        rules,
        MOMENTUM,
        _policy(),
        _catalog(),
        date(2026, 7, 1),
    )
    dropped = {d.model: (d.reason.code, d.reason.text) for d in got.dropped}
    assert dropped == {
        "inc/fallback": (
            "expired",
            "expired on 2026-06-01 per the catalog (models-2026-08-19.json, as of 2026-08-19)",
        ),
        "alt/one": (
            "context_too_short",
            "context 16K per the catalog (models-2026-08-19.json, as of 2026-08-19); "
            "the coding tier needs 32K",
        ),
    }
    assert "m/newcomer" not in got.models  # no tools: not even proposed as a mover, its slot goes on
    assert got.models == ["inc/primary", "m/fast", "m/mid", "m/slow", "m/late-new", "old/model"]
    old = next(c for c in got.candidates if c.model == "old/model")
    assert [r.code for r in old.reasons] == [
        "alternate",
        "tools_unknown",
        "context_unknown",
        "price",
    ]  # 2024 schema: unknown
    primary = next(c for c in got.candidates if c.model == "inc/primary")
    assert primary.reasons[-1].text == "$1 in / $4 out per Mtok; from 128K prompt tokens $2 in / $8 out"
    assert primary.catalog is not None and primary.catalog.price_at(200_000) == (2.0, 8.0)
    fast = next(c for c in got.candidates if c.model == "m/fast")
    mover = next(r for r in fast.reasons if r.code == "top_mover")
    assert (mover.source, mover.as_of) == ("https://openrouter.ai/rankings", "2026-05-11")
    assert fast.reasons[-1].text == "$1 in / $4 out per Mtok; cache read $0.1"


def test_structured_outputs_and_the_long_context_price_a_tier_reaches() -> None:
    rules = CandidateRules(top_movers=0, alternates=["m/newcomer", "m/fast"])
    got = select_tier("extraction", _tier_with(structured_outputs=True), rules, MOMENTUM, None, _catalog())
    assert got.models == ["m/fast"]
    assert [(d.model, d.reason.code) for d in got.dropped] == [("m/newcomer", "no_structured_outputs")]
    long = select_tier(
        "coding",
        _tier_with(min_context=128_000),
        CandidateRules(top_movers=0),
        [],
        _policy(),
        _catalog(),
    )
    primary = next(c for c in long.candidates if c.model == "inc/primary")
    assert primary.reasons[-1].text.endswith("$2 in / $8 out (this tier's prompts reach it)")


def test_without_a_catalog_nothing_is_judged_expired_or_priced() -> None:
    got = select_tier(
        "coding", _tier(), CandidateRules(top_movers=0), MOMENTUM, _policy(), None, date(2030, 1, 1)
    )
    assert got.catalog is None and got.dropped == []
    assert all(r.code != "price" for c in got.candidates for r in c.reasons)
