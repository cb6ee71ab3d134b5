"""The note that a spend log does not fit the rollout plan: plain counts in, one line (or None) out."""

from routing.decide.traffic_fit import fit_note

CANDIDATES = ("coding:gray:owl", "chat:gray:hy3", "agent:primary:qwen", "extraction:gray:owl")


def test_no_row_from_any_candidate_names_the_file_the_rows_and_the_expected_deployments():
    note = fit_note("logs.csv", 6000, dict.fromkeys(CANDIDATES, 0), {"coding:incumbent:sonnet": 4254})
    assert note is not None and "\n" not in note
    assert note.startswith("logs.csv: none of its 6,000 rows is from the plan's candidates ")
    assert "(coding:gray:owl, chat:gray:hy3, agent:primary:qwen and 1 more)" in note
    assert "; 4,254 are from their incumbents" in note
    alone = fit_note("logs.csv", 6000, {"coding:gray:owl": 0}, {"coding:incumbent:sonnet": 0})
    assert alone is not None and "(coding:gray:owl): is it" in alone and "incumbents" not in alone


def test_a_small_share_from_the_plan_is_noted_and_a_fitting_file_is_not():
    few = fit_note("logs.csv", 10_000, {"coding:gray:owl": 20}, {"coding:incumbent:sonnet": 400})
    assert few is not None and few.startswith("logs.csv: only 420 of its 10,000 rows are from the plan's")
    assert fit_note("logs.csv", 10_000, {"coding:gray:owl": 25}, {"coding:incumbent:sonnet": 475}) is None
    assert fit_note("logs.csv", 0, {"coding:gray:owl": 0}, {}) is None  # nothing read: nothing to say
    assert fit_note("logs.csv", 100, {}, {}) is None  # the plan judges nobody
