"""One row per request: plain tables in, the kept rows and the skipped count out."""

import pandas as pd

from routing.usage.dedupe import first_of_each_request, request_keys


def table(*rows: tuple[str, str | None, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "request_id", "prompt_tokens"])


def test_a_request_repeated_in_the_table_is_kept_once_the_first_time():
    kept, skipped = first_of_each_request(table(("s", "a", 1), ("s", "b", 2), ("s", "a", 3)))
    assert kept.values.tolist() == [["s", "a", 1], ["s", "b", 2]]
    assert skipped == 1


def test_requests_already_seen_are_skipped_and_other_sources_are_not_confused():
    seen = request_keys(table(("s", "a", 1)))
    kept, skipped = first_of_each_request(table(("s", "a", 1), ("t", "a", 5), ("s", "c", 2)), seen)
    assert kept.values.tolist() == [["t", "a", 5], ["s", "c", 2]]
    assert skipped == 1


def test_rows_without_a_request_id_are_all_kept():
    rows = table(("s", None, 1), ("s", None, 1), ("s", "", 1), ("s", "a", 1), ("s", "a", 1))
    kept, skipped = first_of_each_request(rows, request_keys(rows.iloc[:3]))
    assert kept["prompt_tokens"].sum() == 4 and skipped == 1
    assert request_keys(rows.iloc[:3]) == frozenset()
    assert request_keys(None) == frozenset()
