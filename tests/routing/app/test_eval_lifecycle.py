"""`routing eval` against a stub server, as a user runs it: plan and resume command before the first
call, kill -9 then resume without paying twice, one writer per run, Ctrl-C, exit codes, redaction."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from stub_server import Reply, StubServer, completion, user_text

from routing.cli import main

ROUTING = str(Path(sys.executable).with_name("routing"))
CANARY = "canary-5e0d7c1b9a3f46e2"  # a key that does not look like sk-...


def make_project(tmp_path: Path, url: str, n_tasks: int = 12, price: bool = True, **eval_opts) -> Path:
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    for i in range(n_tasks):
        task = {
            "id": f"chat/t{i:02d}",
            "messages": [{"role": "user", "content": f"task t{i:02d}"}],
            "params": {"max_tokens": 50},
            "checks": [{"contains": "ok"}],
            "reference": {"content": "ok"},
        }
        (tasks / f"t{i:02d}.yaml").write_text(yaml.safe_dump(task))
    model = {"litellm_model": "openai/stub", "api_base": url, "api_key_env": "STUB_KEY"}
    if price:
        model["price"] = {"input_per_mtok": 0, "output_per_mtok": 0}
    config = {
        "version": 1,
        "tiers": {"chat": {"tasks": "tasks"}},
        "models": {"stub/m": model},
        "eval": {"repeats": 1, "concurrency": 2, "timeout_s": 10, "max_attempts": 2, **eval_opts},
    }
    (tmp_path / "routing.yaml").write_text(yaml.safe_dump(config))
    return tmp_path / "routing.yaml"


def stored_rows(project: Path) -> list[tuple[str, str]]:
    """The stored cells; none while the store is still being created."""
    path = project / ".routing" / "results.db"
    if not path.exists():
        return []
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT task_id, status FROM results").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def wait_for(condition, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def resume_line(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    index = next(i for i, line in enumerate(lines) if "resume with:" in line)
    return lines[index + 1].split()


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("STUB_KEY", CANARY)
    return {**os.environ, "STUB_KEY": CANARY}


def start_eval(config: Path, env: dict, *args: str, log: Path) -> subprocess.Popen:
    cmd = [ROUTING, "eval", "--models", "stub/m", "--config", str(config), *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log.open("w"), env=env, text=True)


def test_kill_9_then_the_printed_resume_command_pays_for_no_stored_cell(tmp_path, env):
    delay_s = [0.4]  # the resume's answers are slower: the rival must find it still running
    with StubServer(lambda body, n: Reply(body=completion("ok"), delay_s=delay_s[0])) as server:
        config = make_project(tmp_path, server.url)
        log = tmp_path / "first.log"
        first = start_eval(config, env, log=log)
        wait_for(lambda: len(stored_rows(tmp_path)) >= 3)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        delay_s[0] = 2.0
        stored = {task for task, status in stored_rows(tmp_path) if status == "ok"}
        seen_before = len(server.seen)
        command = resume_line(log.read_text())
        assert command[:4] == ["routing", "eval", "--resume", command[3]] and command[4] == "--config"

        # a second writer of the same run fails fast while the resume holds the run
        second = subprocess.Popen(
            [ROUTING, *command[1:]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
        )
        wait_for(lambda: len(server.seen) > seen_before)
        rival = subprocess.run([ROUTING, *command[1:]], capture_output=True, text=True, env=env, timeout=60)
        out, err = second.communicate(timeout=60)
        resumed = [f"chat/{user_text(s['body']).split()[-1]}" for s in server.seen[seen_before:]]
    assert rival.returncode == 1 and "being written by another process" in rival.stderr
    assert second.returncode == 0, err
    assert out.strip() == command[3]  # the run id, on the last line
    assert 3 <= len(stored) < 12
    assert not set(resumed) & stored  # no second request for a stored cell
    rows = stored_rows(tmp_path)
    assert len(rows) == 12 and len({task for task, _ in rows}) == 12  # every cell stored exactly once
    assert all(status == "ok" for _, status in rows)


def test_ctrl_c_stores_what_finished_and_exits_130(tmp_path, env):
    slow = Reply(body=completion("ok"), delay_s=0.3)
    with StubServer(lambda body, n: slow) as server:
        config = make_project(tmp_path, server.url)
        log = tmp_path / "run.log"
        run = start_eval(config, env, log=log)
        wait_for(lambda: len(server.seen) >= 4)
        run.send_signal(signal.SIGINT)
        run.wait(30)
    text = log.read_text()
    assert run.returncode == 130, text
    assert "interrupted:" in text and "resume with: routing eval --resume" in text
    assert "Aborted" not in text and "Traceback" not in text
    assert len(stored_rows(tmp_path)) >= 1


def invoke(config: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--config", str(config)], catch_exceptions=False)


def test_every_attempt_errored_exits_3_with_one_line_per_error_kind(tmp_path, env):
    denied = Reply(401, {"error": {"message": "invalid api key"}})
    with StubServer(lambda body, n: denied) as server:
        config = make_project(tmp_path, server.url, n_tasks=3)
        result = invoke(config, "eval", "--models", "stub/m", "--quiet")
        assert len(server.seen) == 3  # 401 is final: one request per cell
    assert result.exit_code == 3, result.output
    assert "every attempt of run" in result.output and "3 authentication" in result.output
    assert "no call reached a server" not in result.output  # the server answered: the key is wrong


def test_an_unresolvable_host_fails_once_per_cell_and_says_to_check_the_network(tmp_path, env):
    config = make_project(tmp_path, "http://no-such-host.invalid:9/v1", n_tasks=3, max_attempts=4)
    result = invoke(config, "eval", "--models", "stub/m", "--quiet")
    assert result.exit_code == 3, result.output
    assert "(3 name_resolution)" in result.output
    hint = "no call reached a server: check the network or the api_base (no-such-host.invalid)"
    assert hint in result.output
    db = sqlite3.connect(tmp_path / ".routing" / "results.db")
    try:
        attempts = db.execute("SELECT error_type, cost_usd, cost_source FROM attempts").fetchall()
    finally:
        db.close()
    assert attempts == [("name_resolution", 0.0, "not_billed")] * 3  # not retried, known to cost nothing


def test_an_all_errored_run_stopped_by_the_budget_says_so(tmp_path, env):
    """Each unreadable answer is billed at its real tokens ($0.03): after the first, the next
    estimate ($0.05) no longer fits under $0.07, and the exit-3 message is the only place to say so."""
    unreadable = Reply(body={**completion(completion_tokens=30), "choices": []})
    with StubServer(lambda body, n: unreadable) as server:
        config = make_project(tmp_path, server.url, n_tasks=3, concurrency=1)
        model = yaml.safe_load(config.read_text())
        model["models"]["stub/m"]["price"] = {"input_per_mtok": 0, "output_per_mtok": 1000}
        config.write_text(yaml.safe_dump(model))
        result = invoke(config, "eval", "--models", "stub/m", "--budget-usd", "0.07", "--quiet")
        assert len(server.seen) == 1
    assert result.exit_code == 3, result.output
    assert "(1 invalid_response)" in result.output
    assert "budget: stopped before the cap: 2 attempts not run" in result.output


@pytest.mark.parametrize(
    "args", [["--repeats", "0"], ["--repeats", "-1"], ["--budget-usd", "nan"], ["--budget-usd", "-1"]]
)
def test_bad_command_line_values_are_usage_errors_before_any_call(tmp_path, env, args):
    with StubServer() as server:
        config = make_project(tmp_path, server.url, n_tasks=2)
        result = invoke(config, "eval", "--models", "stub/m", *args)
        assert result.exit_code == 2, result.output
        assert server.seen == []


def test_an_unpriced_model_needs_allow_unpriced(tmp_path, env):
    with StubServer() as server:
        config = make_project(tmp_path, server.url, n_tasks=2, price=False)
        refused = invoke(config, "eval", "--models", "stub/m", "--budget-usd", "0")
        assert refused.exit_code == 1 and "--allow-unpriced" in refused.output
        assert server.seen == [] and not (tmp_path / ".routing").exists()
        allowed = invoke(config, "eval", "--models", "stub/m", "--allow-unpriced", "--quiet")
        assert allowed.exit_code == 0, allowed.output
        assert len(server.seen) == 2 and "no known price" in allowed.output


def test_an_unwritable_output_fails_before_the_first_paid_call(tmp_path, env):
    with StubServer() as server:
        config = make_project(tmp_path, server.url, n_tasks=2)
        (tmp_path / "blocked").write_text("a file where a folder should be")
        raw = yaml.safe_load(config.read_text())
        raw["candidates"] = {"alternates": ["stub/m"], "top_movers": 0}
        raw["paths"] = {"reports": "blocked/reports"}
        config.write_text(yaml.safe_dump(raw))
        result = invoke(config, "recommend", "--quiet")
        assert result.exit_code == 1 and "cannot write" in result.output
        assert server.seen == []


def test_a_canary_key_echoed_in_part_reaches_no_file_and_no_output(tmp_path, env):
    def echo(body, n):
        if "t00" in user_text(body):
            return Reply(400, {"error": {"message": f"key {CANARY[2:20]} is not allowed here"}})
        return Reply(body=completion(f"ok, your key was {CANARY[4:16]}"))

    with StubServer(echo) as server:
        config = make_project(tmp_path, server.url, n_tasks=3)
        ran = invoke(config, "eval", "--models", "stub/m")
        assert len(server.seen) == 3 and ran.exit_code == 0, ran.output
        run_id = ran.output.strip().splitlines()[-1]
        exported = invoke(config, "results", "export", run_id, "--out", str(tmp_path / "out.jsonl"))
        scored = invoke(config, "score", "--run", run_id, "--format", "json")
    texts = [ran.output, exported.output, scored.output]
    texts += [p.read_bytes().decode("latin-1") for p in tmp_path.rglob("*") if p.is_file()]
    fragments = {CANARY[i : i + 8] for i in range(len(CANARY) - 7)}
    assert not [f for f in fragments for text in texts if f in text]
    assert "[redacted]" in (tmp_path / "out.jsonl").read_text()
