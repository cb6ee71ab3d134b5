import json

import pytest

from evals.errors import InputError
from evals.records import Result
from evals.run.results_file import price_recorded_tokens, read_results, write_results


def test_round_trip(tmp_path):
    rows = [
        Result(
            run_id="r-1",
            task_id="t",
            tier="chat",
            model="m",
            passed=True,
            provider_kind="sim",
            cost_usd=0.001,
            latency_ms=812,
        )
    ]
    path = write_results(rows, tmp_path / "x.jsonl")
    assert read_results(path) == rows
    assert json.loads(path.read_text())["version"] == 2


def test_a_version_1_row_reads_with_unknown_cost_source_and_one_attempt(tmp_path):
    path = tmp_path / "v1.jsonl"
    path.write_text('{"version":1,"task_id":"t","tier":"chat","model":"m","passed":true,"cost_usd":0.5}\n')
    (row,) = read_results(path)
    assert (row.version, row.cost_source, row.attempts, row.cost_usd) == (1, None, 1, 0.5)


def test_minimal_rows_default_to_recorded(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"task_id":"t","tier":"chat","model":"any/model-id","passed":false}\n'
        '{"task_id":"t","tier":"chat","model":"any/model-id","status":"error"}\n'
    )
    rows = read_results(path)
    assert [r.provider_kind for r in rows] == ["recorded", "recorded"]
    assert rows[0].cost_usd is None  # unknown, never 0


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"tier":"chat","model":"m","passed":true}', "line 1: task_id"),
        ('{"task_id":"t","tier":"chat","model":"m"}', "line 1: passed"),
        ('{"task_id":"t","tier":"chat","model":"m","passed":true,"status":"maybe"}', "line 1: status"),
        ('{"task_id":"t","tier":"chat","model":"m","passed":true,"cost_usd":-1}', "line 1: cost_usd"),
        ('{"task_id":"t","tier":"chat","model":"m","passed":true,"latency_ms":NaN}', "line 1: latency_ms"),
        (
            '{"task_id":"t","tier":"chat","model":"m","passed":true,"prompt_tokens":-5}',
            "line 1: prompt_tokens",
        ),
    ],
)
def test_bad_rows_name_line_and_field(tmp_path, line, field):
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(InputError) as err:
        read_results(path)
    assert f"{path}: {field}" in str(err.value)


def test_rows_with_tokens_but_no_cost_take_the_configured_price():
    def row(**kw):
        return Result(task_id="t", tier="chat", model="m", passed=True, **kw)

    prices = {"m": (3.0, 15.0)}  # USD per Mtok in, out
    priced, kept, no_tokens, retried, other = price_recorded_tokens(
        [
            row(prompt_tokens=1000, completion_tokens=200),
            row(prompt_tokens=1000, completion_tokens=200, cost_usd=0.5, cost_source="provider"),
            row(prompt_tokens=1000),
            row(prompt_tokens=1000, completion_tokens=200, attempts=2),
            row(prompt_tokens=1000, completion_tokens=200).model_copy(update={"model": "other"}),
        ],
        prices,
    )
    assert priced.cost_usd == (1000 * 3.0 + 200 * 15.0) / 1e6 and priced.cost_source == "price"
    assert kept.cost_usd == 0.5 and kept.cost_source == "provider"  # a recorded cost is never replaced
    assert no_tokens.cost_usd is None and retried.cost_usd is None and other.cost_usd is None


def test_fields_the_format_does_not_have_are_named_once_with_a_guess(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"task_id":"t","tier":"chat","model":"m","passed":true,"latency":812}\n'
        '{"task_id":"u","tier":"chat","model":"m","passed":true,"latency":90,"dataset":"arc"}\n'
    )
    notes: list[str] = []
    rows = read_results(path, notes.append)
    assert [r.latency_ms for r in rows] == [None, None]
    assert notes == [
        f"{path}: fields not read: latency (did you mean latency_ms?), dataset (first on line 1)"
    ]
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"task_id":"t","tier":"chat","model":"m","passed":true}\n')
    read_results(clean, notes.append)
    assert len(notes) == 1
