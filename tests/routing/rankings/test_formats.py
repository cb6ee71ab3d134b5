"""Source parsers with plain values: weekly JSON/CSV, manual weekly YAML, rankings-daily windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evals.errors import InputError
from routing.rankings.formats import (
    parse_manual_weekly,
    parse_rankings_daily,
    parse_tokens,
    parse_weekly_csv,
    parse_weekly_json,
    percent_to_fraction,
    weekly_file_day,
    weekly_week_start,
)
from routing.rankings.records import DATASET_URL, LEADERBOARD_URL, MAX_TOKENS
from routing.rankings.slugs import SlugRules

# Parsers read no file: the alias table is passed in (here the one entry these tests need).
RULES = SlugRules(aliases={"anthropic/claude-4.6-sonnet": "anthropic/claude-sonnet-4.6"})


def _weekly_model(rank: int, slug: str, tokens: int = 1000, **extra: object) -> dict:
    return {
        "rank": rank,
        "slug": slug,
        "name": slug.split("/")[1],
        "total_tokens": tokens,
        "percent_change": 10,
        "prompt_price": 1.4e-07,
        "completion_price": 2.8e-07,
        "is_free": False,
        **extra,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (806, 806),
        ("806B", 806_000_000_000),
        ("3.43T", 3_430_000_000_000),
        ("1.00T", 10**12),
        (2.0e3, 2000),
        ("7k", 7000),
    ],
)
def test_parse_tokens(value: object, expected: int) -> None:
    assert parse_tokens(value) == expected


@pytest.mark.parametrize("value", ["lots", "-5", -5, "1.5", "3.43 TB", True, 1.5])
def test_parse_tokens_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_tokens(value)


def test_percent_to_fraction_has_no_float_noise() -> None:
    assert percent_to_fraction(66) == 0.66
    assert percent_to_fraction(-12) == -0.12
    assert percent_to_fraction(None) is None


def test_weekly_json_rows_are_normalized_and_sorted() -> None:
    raw = {
        "date": "2026-05-11",
        "models": [
            _weekly_model(2, "anthropic/claude-4.6-sonnet-20260217", 900, percent_change=None),
            _weekly_model(1, "tencent/hy3-preview-20260421:free", 2000, is_free=True),
        ],
    }
    snapshot = parse_weekly_json(raw, "2026-05-11.json", RULES)
    assert snapshot.date == date(2026, 5, 4)  # the file dated 2026-05-11 covers 2026-05-04..10
    first, second = snapshot.rows
    assert (first.rank, first.slug, first.variant, first.total_tokens) == (
        1,
        "tencent/hy3-preview",
        "free",
        2000,
    )
    assert (first.prompt_price_per_mtok, first.completion_price_per_mtok, first.reported_change) == (
        0.14,
        0.28,
        0.1,
    )
    assert (second.slug, second.permaslug) == (
        "anthropic/claude-sonnet-4.6",
        "anthropic/claude-4.6-sonnet-20260217",
    )
    assert second.reported_change is None
    assert snapshot.meta.source_url == LEADERBOARD_URL and snapshot.meta.as_of == "2026-05-11"
    assert "johnbean393/openrouter-inference-stats" in (snapshot.meta.citation or "")
    assert (snapshot.meta.note or "").startswith(
        "Week 2026-05-04..2026-05-10: the upstream file dated 2026-05-11"
    )


def test_weekly_files_are_dated_by_the_first_day_of_the_week_they_cover() -> None:
    """Upstream files are labelled by the day they were scraped and sum the 7 full days before it."""
    assert weekly_week_start(date(2026, 5, 11)) == date(2026, 5, 4)
    assert weekly_file_day(date(2026, 5, 4)) == date(2026, 5, 11)
    model = _weekly_model(1, "acme/a")
    from_json = parse_weekly_json({"date": "2026-05-11", "models": [model]}, "2026-05-11.json")
    text = CSV_HEADER + "2026-05-11,x,1,acme/a,a,1000,10,1.4e-07,2.8e-07,False\n"
    (from_csv,) = parse_weekly_csv(text, "long.csv")
    for snapshot in (from_json, from_csv):
        assert (snapshot.date, snapshot.meta.as_of) == (date(2026, 5, 4), "2026-05-11")
        assert "sums the 7 full days before that date" in (snapshot.meta.note or "")
    assert from_csv == from_json


def test_weekly_json_slug_map_overrides() -> None:
    raw = {"date": "2026-05-11", "models": [_weekly_model(1, "acme/x-20260101")]}
    snapshot = parse_weekly_json(raw, "w.json", SlugRules(catalog={"acme/x-20260101": "acme/renamed"}))
    assert snapshot.rows[0].slug == "acme/renamed"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], None),
        ({"date": "May 11", "models": []}, "date"),
        ({"date": "2026-05-11", "models": {}}, "models"),
        ({"date": "2026-05-11", "models": []}, "models"),
        ({"date": "2026-05-11", "models": ["x"]}, "models[0]"),
        ({"date": "2026-05-11", "models": [{"rank": 1, "slug": "a/b"}]}, "models[0].total_tokens"),
        ({"date": "2026-05-11", "models": [_weekly_model(0, "a/b")]}, "models[0].rank"),
        ({"date": "2026-05-11", "models": [_weekly_model(1, "a/b", tokens=-1)]}, "models[0].total_tokens"),
        (
            {"date": "2026-05-11", "models": [_weekly_model(1, "a/b", prompt_price="?")]},
            "models[0].prompt_price",
        ),
        ({"date": "2026-05-11", "models": [_weekly_model(1, "a/b"), _weekly_model(1, "c/d")]}, "models"),
    ],
)
def test_weekly_json_errors_name_the_field(raw: object, field: str | None) -> None:
    with pytest.raises(InputError) as err:
        parse_weekly_json(raw, "week.json")
    assert (err.value.path, err.value.field) == ("week.json", field)


CSV_HEADER = (
    "week_end,source_dir,rank,slug,name,total_tokens,percent_change,prompt_price,completion_price,is_free\n"
)


def test_weekly_csv_one_snapshot_per_week() -> None:
    text = CSV_HEADER + (
        "2026-05-04,x,1,acme/a,A,100,,1e-06,2e-06,False\n"
        '2026-05-11,x,2,acme/a,"A, the model",90,-10,1e-06,2e-06,False\n'
        "2026-05-11,x,1,acme/b:free,B,120,0,0.0,0.0,True\n"
    )
    snapshots = parse_weekly_csv(text, "long.csv")
    assert [s.date for s in snapshots] == [date(2026, 4, 27), date(2026, 5, 4)]  # week_end - 7 days
    assert [s.meta.as_of for s in snapshots] == ["2026-05-04", "2026-05-11"]
    assert snapshots[0].rows[0].reported_change is None
    latest = snapshots[1]
    assert [(r.slug, r.variant) for r in latest.rows] == [("acme/b", "free"), ("acme/a", None)]
    assert latest.rows[1].name == "A, the model" and latest.rows[1].reported_change == -0.1


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("week_end,rank,slug\n2026-05-11,1,a/b\n", "header"),
        (CSV_HEADER + "2026-05-11,x,1,a/b,A,many,1,0,0,False\n", "line 2.total_tokens"),
        (
            CSV_HEADER + "2026-05-11,x,1,a/b,A,1,1,0,0,False\n11/05/2026,x,2,c/d,C,1,1,0,0,False\n",
            "line 3.week_end",
        ),
        (CSV_HEADER, None),
    ],
)
def test_weekly_csv_errors_name_the_line_and_column(text: str, field: str | None) -> None:
    with pytest.raises(InputError) as err:
        parse_weekly_csv(text, "long.csv")
    assert (err.value.path, err.value.field) == ("long.csv", field)


def _manual(**overrides: object) -> dict:
    doc = {
        "format": "manual-weekly",
        "version": 1,
        "date": date(2026, 5, 18),
        "as_of": date(2026, 5, 24),
        "source_url": LEADERBOARD_URL,
        "rows": [
            {
                "rank": 1,
                "name": "Flash",
                "slug": "deepseek/deepseek-v4-flash",
                "total_tokens": "3.43T",
                "change_pct": 66,
            },
            {"rank": 2, "permaslug": "anthropic/claude-4.6-sonnet-20260217", "total_tokens": "1.35T"},
        ],
    }
    doc.update(overrides)
    return doc


def test_manual_weekly() -> None:
    snapshot = parse_manual_weekly(_manual(), "2026-05-18.yaml", RULES)
    flash, sonnet = snapshot.rows
    assert (flash.slug, flash.permaslug, flash.total_tokens, flash.reported_change) == (
        "deepseek/deepseek-v4-flash",
        "deepseek/deepseek-v4-flash",
        3_430_000_000_000,
        0.66,
    )
    assert sonnet.slug == "anthropic/claude-sonnet-4.6" and sonnet.prompt_price_per_mtok is None
    assert snapshot.meta.as_of == "2026-05-24"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"format": "weekly"}, "format"),
        ({"version": 2}, "version"),
        ({"rows": []}, "rows"),
        ({"rows": [{"rank": 1, "total_tokens": "1T"}]}, "rows.0"),
        ({"rows": [{"rank": 1, "slug": "a/b", "total_tokens": "a lot"}]}, "rows.0.total_tokens"),
        ({"rows": [{"rank": 1, "slug": "a/b", "total_tokens": 1, "tokens": 2}]}, "rows.0.tokens"),
        ({"source_url": ""}, "source_url"),
    ],
)
def test_manual_weekly_errors(overrides: dict, field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_manual_weekly(_manual(**overrides), "manual.yaml")
    assert (err.value.path, err.value.field) == ("manual.yaml", field)


def _daily(day: date, permaslug: str, tokens: int, **extra: object) -> dict:
    return {"date": f"{day} 00:00:00", "model_permaslug": permaslug, "total_tokens": tokens, **extra}


def test_rankings_daily_aggregates_weeks_ending_on_the_last_day() -> None:
    last = date(2026, 9, 14)
    data = []
    for back in range(14):
        day = last - timedelta(days=back)
        data.append(_daily(day, "acme/a-20260101", 10 if back < 7 else 20))
        data.append(_daily(day, "acme/b-20260101", 15, variant="free"))
        data.append(_daily(day, "other", 10**9))
    raw = {
        "data": data,
        "meta": {"as_of": "2026-09-15T00:00:00Z", "start_date": "2026-09-01", "version": "1"},
    }
    older, newer = parse_rankings_daily(raw, "daily.json")
    assert (older.date, newer.date) == (date(2026, 9, 1), date(2026, 9, 8))
    assert [(r.rank, r.slug, r.variant, r.total_tokens) for r in newer.rows] == [
        (1, "acme/b", "free", 105),
        (2, "acme/a", None, 70),
    ]
    assert [r.total_tokens for r in older.rows] == [140, 105]
    assert newer.meta.source_url == DATASET_URL and newer.meta.license == "CC BY 4.0"
    # The attribution exactly as the Data API documents it, plus the license line for republishing.
    assert newer.meta.citation == (
        "Source: OpenRouter (openrouter.ai/rankings), as of 2026-09-15T00:00:00Z. Licensed under CC BY 4.0."
    )
    assert newer.meta.market_total_tokens == 7 * 10**9 + 70 + 105
    assert newer.meta.as_of == "2026-09-15T00:00:00Z" and "partial" not in (newer.meta.note or "")


def test_rankings_daily_partial_windows() -> None:
    last = date(2026, 9, 10)
    ten_days = [_daily(last - timedelta(days=b), "acme/a", 1) for b in range(10)]
    (only,) = parse_rankings_daily({"data": ten_days}, "daily.json")  # the 3-day oldest window is dropped
    assert only.date == date(2026, 9, 4) and only.rows[0].total_tokens == 7
    (partial,) = parse_rankings_daily({"data": ten_days[:2]}, "daily.json")  # kept, but labelled
    assert "partial: 2 of 7 days" in (partial.meta.note or "")


def test_rankings_daily_prompt_plus_completion_and_standard_variant() -> None:
    row = {
        "date": "2026-09-03",
        "model_permaslug": "acme/a-20260101",
        "variant": "standard",
        "total_prompt_tokens": 10,
        "total_completion_tokens": 20,
        "total_native_tokens_reasoning": 5,
    }
    (snapshot,) = parse_rankings_daily({"data": [row]}, "daily.json")
    assert (snapshot.rows[0].total_tokens, snapshot.rows[0].variant) == (30, None)
    assert snapshot.meta.as_of is None


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"rows": []}, "data"),
        ({"data": []}, "data"),
        ({"data": [_daily(date(2026, 9, 3), "other", 5)]}, "data"),
        ({"data": ["x"]}, "data[0]"),
        ({"data": [{"date": "2026-09-03", "model_permaslug": "a/b"}]}, "data[0].total_tokens"),
        (
            {"data": [{"date": "2026-09-03", "model_permaslug": "a/b", "total_prompt_tokens": 1}]},
            "data[0].total_tokens",
        ),
        ({"data": [_daily(date(2026, 9, 3), "a/b", -1)]}, "data[0].total_tokens"),
        ({"data": [{"date": "yesterday", "model_permaslug": "a/b", "total_tokens": 1}]}, "data[0].date"),
        ({"data": [{"date": "2026-09-03", "total_tokens": 1}]}, "data[0].model_permaslug"),
    ],
)
def test_rankings_daily_errors(raw: dict, field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_rankings_daily(raw, "daily.json")
    assert (err.value.path, err.value.field) == ("daily.json", field)


def test_rankings_daily_real_api_shape() -> None:
    """The documented response: string token counts, `:variant` in the permaslug, an `other` row last."""
    last = date(2026, 5, 11)
    data = []
    for back in range(7):
        day = (last - timedelta(days=back)).isoformat()
        data += [
            {"date": day, "model_permaslug": "openai/gpt-4o-2024-05-13", "total_tokens": "12345678"},
            {"date": day, "model_permaslug": "openai/gpt-4o-2024-05-13:free", "total_tokens": "9876543"},
            {"date": day, "model_permaslug": "other", "total_tokens": "4321098"},
        ]
    meta = {
        "as_of": "2026-05-12T02:00:00Z",
        "end_date": "2026-05-11",
        "start_date": "2026-05-05",
        "version": "v1",
    }
    (week,) = parse_rankings_daily({"data": data, "meta": meta}, "daily.json")
    assert week.date == date(2026, 5, 5)
    assert [(r.permaslug, r.slug, r.variant, r.total_tokens) for r in week.rows] == [
        ("openai/gpt-4o-2024-05-13", "openai/gpt-4o-2024-05-13", None, 7 * 12345678),
        ("openai/gpt-4o-2024-05-13:free", "openai/gpt-4o-2024-05-13", "free", 7 * 9876543),
    ]
    assert week.meta.market_total_tokens == 7 * (12345678 + 9876543 + 4321098)
    assert week.meta.as_of == "2026-05-12T02:00:00Z"


@pytest.mark.parametrize("bad", [float("nan"), -5, 1e30, "1e30", "12.5", "NaN", True, "806B"])
def test_daily_token_counts_must_be_plausible_whole_numbers(bad: object) -> None:
    raw = {"data": [_daily(date(2026, 9, 3), "a/b", 1), _daily(date(2026, 9, 3), "c/d", bad)]}
    with pytest.raises(InputError) as err:
        parse_rankings_daily(raw, "daily.json")
    assert (err.value.path, err.value.field) == ("daily.json", "data[1].total_tokens")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1, 1e30, MAX_TOKENS + 1])
def test_weekly_token_counts_must_be_plausible(bad: object) -> None:
    raw = {"date": "2026-05-11", "models": [_weekly_model(1, "a/b"), _weekly_model(2, "c/d", tokens=bad)]}
    with pytest.raises(InputError) as err:
        parse_weekly_json(raw, "week.json")
    assert (err.value.path, err.value.field) == ("week.json", "models[1].total_tokens")


def test_weekly_csv_bad_rows_name_the_line() -> None:
    text = CSV_HEADER + "2026-05-11,x,1,acme/a,a,1000,10,1.4e-07,2.8e-07,False\n"
    with pytest.raises(InputError) as err:
        parse_weekly_csv(text + "2026-05-11,x,2,acme/b,b,nan,10,1e-07,2e-07,False\n", "long.csv")
    assert (err.value.path, err.value.field) == ("long.csv", "line 3.total_tokens")
    with pytest.raises(InputError) as err:
        parse_weekly_csv(text + "2026-05-11,x,2,acme/b\n", "long.csv")
    assert (err.value.path, err.value.field) == ("long.csv", "line 3")
