"""The local server's lifecycle, against a stand-in that takes the same arguments (no model needed):
started on a free port, ready when it accepts connections, stopped by its PID; failures say why."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from evals.errors import DomainError
from routing.app.local_server import (
    LocalModelEnv,
    LocalModelUnavailable,
    LocalServer,
    find_env,
    free_port,
    server_command,
    unavailable_reason,
)

STAND_IN = """
import socket, sys, time
args = sys.argv[1:]
if "--fail" in open(args[args.index("--model") + 1]).read():
    print("cannot load model", flush=True)
    sys.exit(3)
time.sleep(0.3)  # loading the model
server = socket.socket()
server.bind((args[args.index("--host") + 1], int(args[args.index("--port") + 1])))
server.listen()
print("ready", flush=True)
while True:
    server.accept()[0].close()
"""


def stand_in(tmp_path: Path, model_text: str = "gguf") -> LocalModelEnv:
    """An interpreter wrapper that runs the stand-in whatever module it is asked for."""
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nshift 2\nexec {sys.executable} {script} "$@"\n')  # drop `-m module`
    python.chmod(0o755)
    model = tmp_path / "model.gguf"
    model.write_text(model_text)
    return LocalModelEnv(python, model)


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_server_runs_for_the_block_and_is_stopped_by_its_pid(tmp_path):
    port = free_port()
    with LocalServer(stand_in(tmp_path), port, ready_s=20) as server:
        assert server.api_base == f"http://127.0.0.1:{port}/v1"
        assert accepts(port)
        assert server.process is not None and server.process.poll() is None
    assert server.process.poll() is not None  # stopped, and reaped
    assert not accepts(port)


def test_a_server_that_exits_before_ready_fails_with_its_log(tmp_path):
    with pytest.raises(DomainError, match=r"exited with 3: cannot load model"):
        LocalServer(stand_in(tmp_path, "--fail"), free_port(), ready_s=20).start()


def test_command_is_the_documented_one_thread_loopback_server():
    env = LocalModelEnv(Path("/v/bin/python"), Path("/m.gguf"))
    assert server_command(env, 8123) == [
        "/v/bin/python", "-m", "llama_cpp.server", "--model", "/m.gguf", "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", "8123", "--n_ctx", "2048", "--n_threads", "1",
    ]  # fmt: skip


def test_an_unbuilt_or_impossible_environment_says_why(tmp_path):
    venv = tmp_path / ".llm-venv"
    assert "run `make llm-env`" in (unavailable_reason(venv) or "")
    venv.mkdir()
    (venv / "UNAVAILABLE").write_text("the CPU lacks avx2, which the build targets\n")
    assert unavailable_reason(venv) == (
        "the local model server cannot be built on this machine: the CPU lacks avx2, which the build targets"
    )
    with pytest.raises(LocalModelUnavailable, match="lacks avx2"):
        find_env(venv)
