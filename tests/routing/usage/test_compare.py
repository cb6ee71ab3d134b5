from datetime import date

import pytest

from routing.rankings.records import RankingRow, RankingSnapshot, SnapshotMeta
from routing.usage.compare import board_gaps, concentration, concentration_of, hhi
from routing.usage.files import read_usage_file
from routing.usage.records import ModelWeek
from routing.usage.weekly import model_weeks


def test_hhi_and_flag_on_plain_values():
    assert hhi([0.5, 0.5]) == pytest.approx(0.5)
    rows = [
        ModelWeek("2026-04-13", "t", "a/cheap", 10, 0, 600, 0.1, None),
        ModelWeek("2026-04-13", "t", "b/mid", 10, 0, 300, 0.1, None),
        ModelWeek("2026-04-13", "t", "c/dear", 10, 0, 100, 0.8, None),
    ]
    c = concentration_of("2026-04-13", "t", rows)
    assert c.token_hhi == pytest.approx(0.36 + 0.09 + 0.01)
    assert c.spend_hhi == pytest.approx(0.01 + 0.01 + 0.64)
    assert c.flagged and c.overweight == ("c/dear",)
    unknown = concentration_of("w", "t", [*rows[:2], ModelWeek("w", "t", "d/x", 1, 0, 5, None, None)])
    assert unknown.spend_hhi is None and not unknown.flagged


def test_weekly_shares_and_concentration_of_the_generated_traffic(sample_dir):
    weeks = model_weeks(read_usage_file(sample_dir / "spend_logs_traffic.csv"))
    by = {(w.week, w.tier, w.model): w for w in weeks}
    flash = by[("2026-04-13", "coding", "deepseek/deepseek-v4-flash")]
    assert (flash.requests, flash.tokens, flash.failures) == (400, 80_000, 0)
    assert flash.spend_usd == pytest.approx(0.04)
    assert flash.latency_p95_s == pytest.approx(0.9)
    result = {(c.week, c.scope): c for c in concentration(weeks)}
    coding = result[("2026-04-13", "coding")]
    assert [(s.model, round(s.token_share, 4), round(s.spend_share, 4)) for s in coding.shares] == [
        ("deepseek/deepseek-v4-flash", 0.8, 0.2),
        ("anthropic/claude-sonnet-4.6", 0.2, 0.8),
    ]
    assert coding.overweight == ("anthropic/claude-sonnet-4.6",)
    assert not coding.flagged  # mirror-image shares: equally concentrated
    every = result[("2026-04-13", "all tiers")]
    # tokens 80k / 20k / 50k; spend 0.04 / 0.16 / 0.02 (hand-computed from the generator's table)
    assert every.token_hhi == pytest.approx((80 / 150) ** 2 + (20 / 150) ** 2 + (50 / 150) ** 2)
    assert every.spend_hhi == pytest.approx((0.04 / 0.22) ** 2 + (0.16 / 0.22) ** 2 + (0.02 / 0.22) ** 2)
    assert every.flagged and every.overweight == ("anthropic/claude-sonnet-4.6",)


def snapshot(day: str, tokens: dict[str, int]) -> RankingSnapshot:
    rows = [
        RankingRow(rank=i, slug=slug, permaslug=slug, total_tokens=t)
        for i, (slug, t) in enumerate(tokens.items(), start=1)
    ]
    return RankingSnapshot(date=date.fromisoformat(day), rows=rows, meta=SnapshotMeta(source_url="test"))


def test_own_traffic_against_the_board_week_over_week(sample_dir):
    weeks = model_weeks(read_usage_file(sample_dir / "openrouter_activity.json"))
    board = [
        snapshot("2026-04-13", {"deepseek/deepseek-v4-flash": 1000, "x-ai/grok-5": 900}),
        snapshot("2026-04-20", {"deepseek/deepseek-v4-flash": 1100, "x-ai/grok-5": 1800}),
    ]
    gaps = {g.week: g for g in board_gaps(weeks, board)}
    second = gaps["2026-04-20"]
    flash = next(m for m in second.momentum if m.model == "deepseek/deepseek-v4-flash")
    assert flash.internal_wow == pytest.approx(600 / 400 - 1)  # 400 -> 600 requests of equal size
    assert flash.public_wow == pytest.approx(0.1)
    claude = next(m for m in second.momentum if m.model == "anthropic/claude-sonnet-4.6")
    assert claude.internal_wow == pytest.approx(0.0) and claude.public_wow is None
    assert second.only_on_board == ("x-ai/grok-5",)
    assert second.only_in_traffic == ("anthropic/claude-sonnet-4.6", "google/gemini-3-flash-preview")
    nothing = board_gaps(weeks, [])
    assert all(g.board_week is None and g.only_on_board == () for g in nothing)
