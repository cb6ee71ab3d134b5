import io
from dataclasses import replace

from rich.console import Console

from evals.records import Result
from evals.run.runner import RunStart, RunSummary
from routing.render.progress import NOT_RESUMABLE, ProgressObserver, spend_text


def observer(quiet=False):
    buf = io.StringIO()
    return ProgressObserver(Console(file=buf, width=200), live=False, quiet=quiet), buf


START = RunStart(
    "r-1",
    planned=20,
    todo=10,
    provider_kind="sim",
    plan="simulate: ...",
    resume_command="routing eval --resume r-1",
)


def done(n, obs):
    summary = RunSummary("r-1", 20, "sim")
    for i in range(n):
        obs.cell_done(
            Result(task_id=f"t{i}", tier="chat", model="m", status="error" if i == 0 else "ok"), summary
        )


def test_plain_mode_prints_start_lines_then_a_line_per_tenth_with_simulated_spend():
    obs, buf = observer()
    obs.run_started(START)
    done(10, obs)
    lines = buf.getvalue().splitlines()
    assert lines[0] == "run r-1: simulate: ..." and lines[2] == "  routing eval --resume r-1"
    assert "10 cells to run (10 already stored)" in lines[1]
    progress = [line for line in lines if line.startswith("eval r-1:")]
    assert len(progress) == 10 and "10/10 cells, 1 error, $0.0000 simulated spent" in progress[-1]
    assert (
        obs.interrupted_note()
        == "interrupted: 20/20 cells of run r-1 stored; resume with: routing eval --resume r-1"
    )


def test_quiet_mode_keeps_only_the_start_lines():
    obs, buf = observer(quiet=True)
    obs.run_started(START)
    done(10, obs)
    assert len(buf.getvalue().splitlines()) == 3


def test_spend_never_shows_an_unknown_cost_as_zero():
    assert spend_text(0.0123, 0.0, 0, "real") == "$0.0123 spent"
    assert (
        spend_text(0.0123, 0.004, 0, "real") == "$0.0123 spent + $0.0040 estimated for calls of unknown cost"
    )
    assert spend_text(0.0, 0.0, 3, "sim") == "spend unknown simulated (3 attempts of unknown cost)"
    assert spend_text(0.002, 0.0, 1, "sim") == "$0.0020 simulated spent + 1 attempt of unknown cost"


def test_the_live_line_reads_the_runs_budget():
    obs, buf = observer()
    obs.run_started(START)
    summary = RunSummary("r-1", 20, "sim")
    summary.budget.settle(0.01, None)  # unknown cost, counted at its estimate
    summary.budget.settle(None, None)  # no cost and no estimate
    for i in range(10):
        obs.cell_done(Result(task_id=f"t{i}", tier="chat", model="m", status="ok"), summary)
    last = buf.getvalue().splitlines()[-1]
    assert (
        "$0.0000 simulated spent + $0.0100 estimated for calls of unknown cost + 1 attempt of unknown" in last
    )


def test_a_run_with_nothing_left_to_call_prints_no_resume_hint():
    obs, buf = observer()
    obs.run_started(replace(START, todo=0))
    lines = buf.getvalue().splitlines()
    assert lines == ["run r-1: simulate: ...", "0 cells to run (20 already stored): nothing left to call"]


def test_one_cell_is_a_cell():
    obs, buf = observer()
    obs.run_started(replace(START, planned=1, todo=1))
    done(1, obs)
    text = buf.getvalue()
    assert "1 cell to run (0 already stored); if interrupted, resume with:" in text
    assert "eval r-1: 1/1 cell, 1 error," in text


def test_a_run_with_real_models_says_it_cannot_be_resumed():
    obs, buf = observer()
    obs.run_started(replace(START, resume_command=""))
    lines = buf.getvalue().splitlines()
    assert lines[1] == "10 cells to run (10 already stored); " + NOT_RESUMABLE
    assert "resume with" not in buf.getvalue()
    assert obs.interrupted_note().endswith("stored; " + NOT_RESUMABLE)
