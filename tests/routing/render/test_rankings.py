"""The rankings table pieces and the stable JSON, with plain values."""

from __future__ import annotations

from routing.decide.series import model_weeks
from routing.render.rankings import arrow, candidates_markdown, cite, latest_rows, series_json, sparkline
from tests.routing.decide.test_series import snap


def test_sparkline_scales_to_the_largest_and_marks_missing_weeks() -> None:
    assert sparkline([1, 4, None, 8]) == "▁▄·█"
    assert sparkline([None, 0]) == "·▁"


def test_arrows() -> None:
    assert (arrow(2), arrow(-3), arrow(0), arrow(None)) == ("↑2", "↓3", "=", "new")


def test_citation_uses_the_data_api_attribution_for_its_figures() -> None:
    url = "https://openrouter.ai/api/v1/datasets/rankings-daily?start_date=2026-05-04"
    assert (
        cite(url, "2026-05-12T02:00:00Z")
        == "Source: OpenRouter (openrouter.ai/rankings), as of 2026-05-12T02:00:00Z."
    )
    assert cite("https://openrouter.ai/rankings", "2026-05-11") == (
        "Source: https://openrouter.ai/rankings, as of 2026-05-11."
    )


def test_json_rows_and_table_rows() -> None:
    weeks = model_weeks([snap(0, [("a/x", 100), ("b/y", 50)]), snap(1, [("b/y", 150), ("c/z", 20)])])
    rows = series_json(weeks)
    assert len(rows) == 4 and rows[-2]["model"] == "b/y" and rows[-2]["wow_growth"] == 2.0
    assert rows[-1] == {
        "model": "c/z",
        "family": "c/z",
        "author": "c",
        "week_start": "2026-03-09",
        "week_end": "2026-03-15",
        "total_tokens": 20,
        "rank": 2,
        "share": 20 / 170,
        "share_basis": "listed",
        "wow_growth": None,
        "rank_change": None,
        "share_change": None,
        "trend_4w": None,
        "fast_climber": None,  # a newcomer's growth is unknown: null, never false
        "entered": True,
        "reported_change": None,
        "source_url": "https://openrouter.ai/rankings",
        "as_of": "w1",
    }
    latest, table = latest_rows(weeks)
    assert str(latest) == "2026-03-09"
    assert table[0][:3] == ["1", "↑1", "b/y ⚡"] and table[0][-1] == "▃█"
    assert table[1][1:3] == ["new", "c/z"] and table[1][-1] == "·█"


def test_candidates_markdown_cites_momentum_and_says_why_a_model_was_dropped() -> None:
    from routing.decide.candidates import Candidate, Dropped, TierCandidates
    from routing.decide.reasons import Reason

    mover = Reason("top_mover", "top mover +66% WoW", "https://openrouter.ai/rankings", "2026-05-11")
    selection = TierCandidates(
        "agent",
        [Candidate("m/fast", [Reason("incumbent_primary", "current primary"), mover])],
        [Dropped("x/no-tools", Reason("no_tools", "the catalog (c.json) lists no tools support"))],
        "c.json, as of 2026-08-19",
    )
    assert candidates_markdown({"agent": selection}) == (
        "**agent** (catalog: c.json, as of 2026-08-19)\n"
        "- m/fast: current primary; top mover +66% WoW "
        "(Source: https://openrouter.ai/rankings, as of 2026-05-11)\n"
        "- ~~x/no-tools~~ not tested: the catalog (c.json) lists no tools support\n"
    )
