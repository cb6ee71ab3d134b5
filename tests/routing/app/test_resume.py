"""Resume replays the stored plan; an interrupted real run re-run with the same plan is resumed."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner
from stub_server import StubServer

from routing.app.eval_run import run_eval
from routing.app.evaluate import EvalRequest
from routing.cli import main
from routing.config import load_config


def tasks_project(tmp_path, url="http://127.0.0.1:9/v1", n=4):
    (tmp_path / "tasks").mkdir()
    for i in range(n):
        task = {
            "id": f"chat/t{i}",
            "messages": [{"role": "user", "content": f"task {i}"}],
            "checks": [{"contains": "ok"}],
            "reference": {"content": "ok"},
        }
        (tmp_path / "tasks" / f"t{i}.yaml").write_text(yaml.safe_dump(task))
    price = {"input_per_mtok": 1, "output_per_mtok": 1}
    model = {"litellm_model": "openai/stub", "api_base": url, "price": price}
    config = {
        "version": 1,
        "tiers": {"chat": {"tasks": "tasks"}, "coding": {"tasks": "tasks"}},
        "models": {"stub/m": model},
        "eval": {"repeats": 2, "concurrency": 1, "max_attempts": 1},
    }
    (tmp_path / "routing.yaml").write_text(yaml.safe_dump(config))
    return tmp_path / "routing.yaml"


def invoke(config, *args):
    return CliRunner().invoke(main, [*args, "--config", str(config)], catch_exceptions=False)


def test_the_readme_resume_form_replays_a_simulated_run_exactly(tmp_path):
    config = tasks_project(tmp_path)
    first = invoke(config, "eval", "--simulate", "--models", "a/x,b/y", "--tiers", "chat", "--repeats", "3")
    assert first.exit_code == 0, first.output
    run_id = first.output.strip().splitlines()[-1]
    new_task = (tmp_path / "tasks" / "t0.yaml").read_text().replace("t0", "t9")
    (tmp_path / "tasks" / "t9.yaml").write_text(new_task)  # the plan, not today's folder, decides
    again = invoke(config, "eval", "--resume", run_id)
    assert again.exit_code == 0, again.output
    assert again.output.strip().splitlines()[-1] == run_id
    assert "0 cells run (0 calls), 24 reused" in again.output  # 2 models x 4 tasks x 3 repeats, nothing new


def test_resume_takes_no_other_plan_options(tmp_path):
    config = tasks_project(tmp_path)
    assert invoke(config, "eval", "--resume", "sim-x", "--repeats", "2").exit_code == 2


class StopAfter:
    """An observer that presses Ctrl-C after `n` cells."""

    def __init__(self, n):
        self.n, self.start = n, None

    def run_started(self, start):
        self.start = start

    def cell_done(self, result, summary):
        self.n -= 1
        if self.n == 0:
            raise KeyboardInterrupt


def test_an_interrupted_real_run_is_resumed_by_a_plain_rerun_not_paid_twice(tmp_path, monkeypatch):
    with StubServer() as server:
        config = load_config(tasks_project(tmp_path, server.url))
        request = EvalRequest(mode="real", models="stub/m", tiers="chat")
        stopper = StopAfter(3)
        with pytest.raises(KeyboardInterrupt):
            run_eval(config, request, stopper)
        before = len(server.seen)
        summary = run_eval(config, request)
        fresh = run_eval(config, request)  # the previous one finished: a new run is new evidence
    assert summary.run_id == stopper.start.run_id and summary.reused == 3
    assert len(server.seen) - before == 8 - 3 + 8
    assert fresh.run_id != summary.run_id and fresh.reused == 0


def test_recommend_resume_replays_the_weekly_run_it_names(tmp_path):
    config = tasks_project(tmp_path)
    raw = yaml.safe_load(config.read_text())
    raw["candidates"] = {"alternates": ["a/x", "b/y"], "top_movers": 0}
    raw["models"] = {}
    config.write_text(yaml.safe_dump(raw))
    first = invoke(config, "recommend", "--simulate", "--tiers", "chat", "--quiet", "--date", "2026-11-23")
    assert first.exit_code == 0, first.output
    run_id = next(line.split()[-1] for line in first.output.splitlines() if "run id:" in line)
    again = invoke(
        config, "recommend", "--resume", run_id, "--tiers", "chat", "--quiet", "--date", "2026-11-23"
    )
    assert again.exit_code == 0, again.output
    assert f"run {run_id}: " in again.output  # the named run's stored plan, replayed
    assert "0 cells to run (16 already stored): nothing left to call" in again.output
    assert "resume with" not in again.output  # nothing left that an interruption could cut short
    assert "SIMULATED" in (tmp_path / "reports" / "2026-11-23" / "report.md").read_text().splitlines()[0]
