import io

from rich.console import Console

from evals.records import Result
from evals.scores import score
from routing.render.console import print_scores, scores_csv


def rows():
    return [
        Result(
            task_id="t",
            tier="chat",
            model="m",
            passed=True,
            cost_usd=0.01,
            latency_ms=100,
            provider_kind="sim",
        )
    ]


def test_scores_csv_has_header_and_joined_kinds():
    text = scores_csv([score("m", "chat", rows())])
    header, line = text.splitlines()
    assert header.startswith("model,tier,n,passes")
    # kinds, tasks, task successes, then unpriced calls and the cost estimates (equal to the known cost)
    assert line.startswith("m,chat,1,1") and line.endswith(
        ",sim,1,1.0,0,0.01,0.01,0.01,True"
    )  # simulated, said in every row
    assert scores_csv([]) == ""


def test_score_table_is_labelled_simulated():
    buf = io.StringIO()
    print_scores(Console(file=buf, width=200), [score("m", "chat", rows())], "sim-1")
    assert "SIMULATED scores for run sim-1" in buf.getvalue()
