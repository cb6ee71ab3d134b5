import json

import pytest

from evals.errors import InputError
from routing.usage.files import load_usage, read_usage_file, save_usage


def test_spend_logs_normalize_tier_role_model_from_the_deployment_id(sample_dir):
    table = read_usage_file(sample_dir / "spend_logs_traffic.csv")
    assert len(table) == 400 + 25 + 500 + 600 + 25 + 500
    claude = table[table["model"] == "anthropic/claude-sonnet-4.6"]
    assert set(claude["tier"]) == {"coding"}
    assert set(claude["group"]) == {"coding-fallback-1"}
    assert claude["spend_usd"].iloc[0] == pytest.approx(0.0064)
    assert set(table["failures"]) == {0}
    assert table["duration_ms"].eq(900).all()


def test_activity_rows_keep_unknowns_unknown(sample_dir):
    table = read_usage_file(sample_dir / "openrouter_activity.json")
    assert table["tier"].isna().all()
    assert table["failures"].isna().all() and table["duration_ms"].isna().all()
    week1 = table[table["ts"] < "2026-04-20"]
    assert week1.groupby("model")["requests"].sum().to_dict() == {
        "anthropic/claude-sonnet-4.6": 25,
        "deepseek/deepseek-v4-flash": 400,
        "google/gemini-3-flash-preview": 500,
    }


def test_unknown_columns_are_named(tmp_path, sample_dir):
    bad = tmp_path / "spend.csv"
    text = (sample_dir / "spend_logs_traffic.csv").read_text().splitlines()
    bad.write_text("\n".join([text[0] + ",costUSD", *(line + ",1" for line in text[1:3])]))
    with pytest.raises(InputError, match=r"costUSD.*unknown column\(s\) for litellm_spend_logs"):
        read_usage_file(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"when": "2026-01-01", "cost": 1}]))
    with pytest.raises(InputError, match="neither LiteLLM spend logs"):
        read_usage_file(other)
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps([{"request_id": "a", "startTime": "2026-01-01", "spend": 1}]))
    with pytest.raises(InputError, match="required column"):
        read_usage_file(missing)


def test_stored_tables_are_deduplicated_on_reload(tmp_path, sample_dir):
    table = read_usage_file(sample_dir / "spend_logs_traffic.csv")
    save_usage(table, tmp_path)
    save_usage(table.iloc[:10], tmp_path)  # a partial re-import of the same requests
    assert load_usage(tmp_path / "nothing") is None
    loaded = load_usage(tmp_path)
    assert len(loaded) == len(table)
    assert loaded["spend_usd"].sum() == pytest.approx(table["spend_usd"].sum())


def test_request_ids_are_text_and_missing_ones_stay_missing(tmp_path):
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "request_id,startTime,spend,prompt_tokens,completion_tokens,status\n"
        "007,2026-04-13T00:00:00Z,0.1,10,5,success\n"
        ",2026-04-13T00:01:00Z,0.1,10,5,success\n"
        ",2026-04-13T00:02:00Z,0.1,10,5,success\n"
    )
    table = read_usage_file(spend)
    assert table["request_id"].iloc[0] == "007"
    assert table["request_id"].isna().tolist() == [False, True, True]  # missing, not the text "nan"
    save_usage(table, tmp_path / "store")
    loaded = load_usage(tmp_path / "store")
    assert loaded["request_id"].iloc[0] == "007"
    assert loaded["request_id"].isna().sum() == 2  # two requests without an id are two requests
    assert loaded["prompt_tokens"].sum() == 30


def test_json_request_ids_read_like_csv_ones(tmp_path):
    row = {
        "startTime": "2026-04-13",
        "spend": 0.1,
        "prompt_tokens": 1,
        "completion_tokens": 1,
        "status": "success",
    }
    rows = [{"request_id": 7, **row}, {"request_id": None, **row}]
    path = tmp_path / "spend.json"
    path.write_text(json.dumps(rows))
    ids = read_usage_file(path)["request_id"]
    assert ids.iloc[0] == "7" and ids.isna().tolist() == [False, True]


def test_overlapping_stored_tables_count_each_request_once(tmp_path, sample_dir):
    table = read_usage_file(sample_dir / "spend_logs_traffic.csv")
    save_usage(table.iloc[:1000], tmp_path)
    save_usage(table.iloc[800:], tmp_path)  # an export of the following days, overlapping by 200 rows
    loaded = load_usage(tmp_path)
    assert len(loaded) == len(table) == 2050
    assert loaded["prompt_tokens"].sum() == table["prompt_tokens"].sum()
