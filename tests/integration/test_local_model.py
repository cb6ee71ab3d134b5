"""A real model in the loop: SmolLM2-135M behind llama-cpp-python's OpenAI-compatible server.

The server (from .llm-venv, built by `make llm-env`, which `make test` runs first) is started on a free
127.0.0.1 port, `routing eval` runs the tasks sized for it (golden_tasks_local/) plus two that must fail
through the REAL provider path (LiteLLM, HTTP) at concurrency 1, and the server is stopped by its PID.
Asserted: real token counts and latencies, cost 0.0 from the configured price 0 (not unknown), a forced
tool call parsed, a tool call missing (tools offered, not forced: this model ignores them) graded
`no_call`, and a forced call cut off by max_tokens (malformed JSON arguments) graded `malformed_arguments`.

Skipped only when the build is impossible on this machine (scripts/llm_env.sh records why), or when the
environment was not built and `make test` is not the caller (it sets ROUTING_REQUIRE_LOCAL_MODEL=1).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from evals.records import TOOL_FAILURES, Result
from evals.run.store import ResultStore
from routing.app.local_server import UNAVAILABLE, LocalModelEnv, LocalServer, find_env, free_port

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".llm-venv"
MODEL = "local/smollm2"
KEY_ENV = "LOCAL_LLM_API_KEY"
ROUTING = Path(sys.executable).parent / "routing"

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
# Tasks that must fail, each in a known way: the failure codes the grader has to find in real answers.
FAILING_TASKS = [
    {
        "id": "agent/test-tools-offered-not-forced",
        "messages": [{"role": "user", "content": "What is the weather in Paris right now?"}],
        "tools": [WEATHER_TOOL],
        # room to finish its prose answer (78 tokens): cut off, it would be graded `truncated`
        "params": {"temperature": 0, "max_tokens": 200},
        "checks": [{"tool_call": {"name": "get_weather", "args": {"city": ["Paris", "paris"]}}}],
        "reference": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    },
    {
        "id": "agent/test-forced-call-cut-off",
        "messages": [{"role": "user", "content": "What is the weather in Paris right now?"}],
        "tools": [WEATHER_TOOL],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "params": {"temperature": 0, "max_tokens": 3},
        "checks": [{"tool_call": {"name": "get_weather", "args": {"city": ["Paris", "paris"]}}}],
        "reference": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
    },
]


def local_env() -> LocalModelEnv:
    """The built environment; skip only when the machine cannot build it, fail when make should have."""
    if (VENV / UNAVAILABLE).is_file():
        pytest.skip(f"local model server cannot be built here: {(VENV / UNAVAILABLE).read_text().strip()}")
    if not (VENV / ".installed").is_file() and os.environ.get("ROUTING_REQUIRE_LOCAL_MODEL") != "1":
        pytest.skip(f"{VENV} is not built: `make llm-env` builds it (`make test` does, then runs this)")
    return find_env(VENV)


@pytest.fixture(scope="module")
def server():
    with LocalServer(local_env(), free_port()) as running:
        yield running
    assert running.process is not None and running.process.poll() is not None  # stopped by its PID


def write_project(root: Path, api_base: str, repeats: int) -> Path:
    """A temp project: the local task subset plus the failing tasks, and a config pointing at the server."""
    tasks = root / "tasks"
    shutil.copytree(REPO / "golden_tasks_local", tasks, ignore=shutil.ignore_patterns("*.md"))
    (tasks / "agent" / "must-fail.yaml").write_text(yaml.safe_dump(FAILING_TASKS))
    config = {
        "version": 1,
        "tiers": {
            t: {"tasks": f"tasks/{t}", "gates": {"min_success": 0.5}} for t in ("chat", "extraction", "agent")
        },
        "candidates": {"top_movers": 0, "alternates": []},
        "models": {
            MODEL: {
                "litellm_model": "openai/smollm2",
                "api_base": api_base,
                "api_key_env": KEY_ENV,
                "price": {"input_per_mtok": 0, "output_per_mtok": 0},
            }
        },
        "eval": {"repeats": repeats, "concurrency": 1, "timeout_s": 60, "max_attempts": 2, "budget_usd": 1},
        "paths": {"store": "results.db", "rankings": "rankings", "reports": "reports"},
    }
    path = root / "routing.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def routing(*args: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, KEY_ENV: "ignored-by-the-local-server"}
    return subprocess.run(
        [str(ROUTING), *args, "--config", str(config)], capture_output=True, text=True, env=env, timeout=600
    )


def task_params(task_id: str) -> dict:
    for path in [*(REPO / "golden_tasks_local").rglob("*.yaml")]:
        for task in yaml.safe_load(path.read_text()):
            if task["id"] == task_id:
                return task["params"]
    return next(t["params"] for t in FAILING_TASKS if t["id"] == task_id)


@pytest.fixture(scope="module")
def eval_run(server, tmp_path_factory) -> tuple[Path, str]:
    """`routing eval` through the real provider path: the config it used and the run id it printed."""
    config = write_project(tmp_path_factory.mktemp("local"), server.api_base, repeats=1)
    tasks = str(config.parent / "tasks")
    done = routing("eval", "--models", MODEL, "--repeats", "1", "--tasks", tasks, config=config)
    assert done.returncode == 0, done.stderr
    return config, done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def eval_rows(eval_run) -> dict[str, Result]:
    config, run_id = eval_run
    with ResultStore(config.parent / "results.db") as store:
        return {r.task_id: r for r in store.results(run_id)}


def test_every_attempt_is_a_real_answer_with_real_tokens_and_latency(eval_rows):
    assert len(eval_rows) == 11 + len(FAILING_TASKS)
    for task_id, r in eval_rows.items():
        assert (r.provider_kind, r.status, r.error_type) == ("real", "ok", None), task_id
        assert r.model == MODEL
        assert r.prompt_tokens is not None and 10 <= r.prompt_tokens <= 400, (task_id, r.prompt_tokens)
        limit = task_params(task_id)["max_tokens"]
        assert r.completion_tokens is not None and 1 <= r.completion_tokens <= limit, (task_id, limit)
        assert r.latency_ms is not None and 5 < r.latency_ms < 60_000, (task_id, r.latency_ms)
    # counted by the server's tokenizer: prompts of different length give different counts
    assert len({r.prompt_tokens for r in eval_rows.values()}) >= 5


def test_a_price_of_zero_is_a_cost_of_zero_not_unknown(eval_rows):
    assert {task_id: r.cost_usd for task_id, r in eval_rows.items()} == dict.fromkeys(eval_rows, 0.0)


def test_a_forced_tool_call_is_parsed(eval_rows):
    row = eval_rows["agent/small-weather"]
    assert row.response is not None
    calls = row.response["tool_calls"]
    assert [c["name"] for c in calls] == ["get_weather"]
    arguments = json.loads(calls[0]["arguments"])
    assert isinstance(arguments, dict) and "city" in arguments
    assert row.failure in (None, "wrong_value")  # the call itself is well formed; the city is graded


def test_a_missing_tool_call_is_graded_no_call(eval_rows):
    row = eval_rows["agent/test-tools-offered-not-forced"]
    assert row.response is not None and row.response["tool_calls"] == []
    assert (row.passed, row.failure) == (False, "no_call")


def test_a_cut_off_tool_call_is_malformed_and_graded_so(eval_rows):
    """Cut off by max_tokens mid-arguments. llama-cpp-python reports such a call with finish_reason
    `tool_calls`, not `length`, so the grader sees malformed JSON arguments; were it `length`, the
    grader's rule makes it `truncated`. Either way the code follows from what the server sent."""
    row = eval_rows["agent/test-forced-call-cut-off"]
    assert row.response is not None and row.completion_tokens == 3
    calls = row.response["tool_calls"]
    assert [c["name"] for c in calls] == ["get_weather"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(calls[0]["arguments"])
    expected = "truncated" if row.response["finish_reason"] == "length" else "malformed_arguments"
    assert (row.passed, row.failure) == (False, expected)


def test_score_reads_the_real_run(eval_run, eval_rows):
    """The stored run feeds `routing score` like any other run: real rows, tool failures counted."""
    config, run_id = eval_run
    assert run_id.startswith("r-")  # a real run's fresh id
    done = routing("score", "--run", run_id, "--format", "json", config=config)
    assert done.returncode == 0, done.stderr
    scores = {s["tier"]: s for s in json.loads(done.stdout)["scores"]}
    assert set(scores) == {"chat", "extraction", "agent"}
    agent = scores["agent"]
    assert agent["model"] == MODEL and agent["provider_kinds"] == ["real"]
    tool_rows = [r for r in eval_rows.values() if r.tier == "agent"]
    failed = [r for r in tool_rows if r.failure in TOOL_FAILURES]
    assert len(failed) >= len(FAILING_TASKS)
    assert agent["tool_failure_rate"] == pytest.approx(len(failed) / len(tool_rows))


def test_server_is_gone_once_stopped(tmp_path):
    port = free_port()
    with LocalServer(local_env(), port) as running:
        pid = running.pid
    assert running.process is not None and running.process.returncode is not None
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert pid is not None and not Path(f"/proc/{pid}").exists()


def test_recommend_mixes_the_real_local_model_with_simulated_candidates(server, tmp_path):
    """`recommend --simulate --real local/smollm2` (what `make demo-local` runs): the local model's rows
    are real, the alternate's simulated, and the report says which numbers are which."""
    config = write_project(tmp_path, server.api_base, repeats=2)
    raw = yaml.safe_load(config.read_text())
    raw["candidates"]["alternates"] = ["deepseek/deepseek-v4-flash"]
    config.write_text(yaml.safe_dump(raw))
    args = ["recommend", "--simulate", "--real", MODEL, "--tiers", "chat,agent", "--date", "2026-11-30"]
    args += ["--tasks", str(REPO / "golden_tasks_local"), "--out", str(tmp_path / "out")]
    done = routing(*args, config=config)
    assert done.returncode == 0, done.stderr
    # its stored plan keeps no --real model: no resume command is offered that would run it simulated
    assert "cannot be resumed" in done.stderr and "resume with" not in done.stderr
    with ResultStore(tmp_path / "results.db") as store:
        rows = store.results(store.require_run(None))
    kinds = {(r.model, r.provider_kind) for r in rows}
    assert kinds == {(MODEL, "real"), ("deepseek/deepseek-v4-flash", "sim")}
    real = [r for r in rows if r.model == MODEL]
    assert len(real) == 2 * 8  # (5 chat + 3 agent tasks) x 2 repeats, every one answered
    assert all(r.status == "ok" and (r.prompt_tokens or 0) > 0 and (r.latency_ms or 0) > 0 for r in real)
    report = (tmp_path / "out" / "report.md").read_text()
    assert "SIMULATED" in report.splitlines()[0]
    section = report[report.index("## Where the numbers come from") :]
    assert "`deepseek/deepseek-v4-flash` is SIMULATED" in section
    agent_line = next(line for line in section.splitlines() if line.startswith(f"| `{MODEL}` | REAL | agent"))
    tool_rows = [r for r in real if r.tier == "agent"]
    passed = sum(1 for r in tool_rows if r.passed)
    assert f"({passed}/{len(tool_rows)})" in agent_line
