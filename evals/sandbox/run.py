"""Run model-written Python with its tests in a child process that cannot hurt the machine.

Layers, outermost first: a new session (its own process group, killed whole with SIGKILL when the
run ends, however it ends); a wall-clock timeout; a new network namespace (`unshare -n`) when the
platform allows one; an environment with nothing inherited (no keys); an empty temp dir as the
working dir; then, inside the child (harness.py), rlimits on memory, CPU, file size, open files
and (as `nobody`) processes, root dropped to `nobody`, and an audit hook refusing sockets, process
creation and writes outside the work dir. A pass needs the harness's sentinel, written only after
the tests ran.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HARNESS = Path(__file__).with_name("harness.py")
NOBODY = 65534
OUTPUT_TAIL = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one run may use. `network_namespace=None` uses one when the platform allows;
    `guard=False` switches the in-process audit hook off (tests use it to prove each layer)."""

    timeout_s: float = 10.0
    memory_mb: int = 512
    processes: int = 32
    file_mb: int = 16
    open_files: int = 64
    network_namespace: bool | None = None
    guard: bool = True
    drop_privileges: bool = True


@dataclass(frozen=True)
class SandboxResult:
    """How a run ended. status: passed | failed | code_error | timeout | crashed | exited_early."""

    status: str
    passed: int
    failed: int
    detail: str
    duration_s: float
    returncode: int | None
    pgid: int
    isolation: str  # "network namespace" or "in-process socket guard"

    @property
    def ok(self) -> bool:
        return self.status == "passed"


@lru_cache(maxsize=1)
def network_namespace_available() -> bool:
    """Can this process put a child in a new network namespace (root, or unprivileged userns)?"""
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    try:
        done = subprocess.run([unshare, "-n", "true"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@lru_cache(maxsize=1)
def stdlib_open_to_others() -> bool:
    """Can `nobody` read the standard library? Not when Python lives in a private home (pyenv
    under /root); then the child keeps its user and relies on the audit hook for file writes."""
    folder = Path(os.__file__).resolve().parent
    for path in (folder, *folder.parents):
        mode = path.stat().st_mode
        if not mode & 0o001 or (path == folder and not mode & 0o004):
            return False
    return True


def _clean_env(home: str) -> dict[str, str]:
    """Nothing inherited: no API keys, no PYTHONPATH, no proxies."""
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}


def kill_group(pgid: int, wait_s: float = 2.0) -> None:
    """SIGKILL everything left in the run's process group and wait until the group is gone
    (a killed orphan lingers until init reaps it); a no-op when the group is already empty."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)


def _read_tail(path: Path) -> str:
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        fh.seek(max(0, fh.tell() - OUTPUT_TAIL))
        return fh.read().decode("utf-8", "replace")


def _verdict(out: str, nonce: str) -> dict | None:
    for line in reversed(out.splitlines()):
        if line.startswith(nonce + " "):
            try:
                found = json.loads(line[len(nonce) + 1 :])
            except json.JSONDecodeError:
                return None
            return found if isinstance(found, dict) else None
    return None


def _prepare(base: Path, code: str, tests: str) -> Path:
    work = base / "work"
    work.mkdir()
    (work / "solution.py").write_text(code, encoding="utf-8")
    (work / "tests.py").write_text(tests, encoding="utf-8")
    (work / "harness.py").write_text(HARNESS.read_text(encoding="utf-8"), encoding="utf-8")
    os.chmod(base, 0o711)  # `nobody` may pass through to work/, not read the output files
    if os.geteuid() == 0 and stdlib_open_to_others():
        for path in (work, *work.iterdir()):
            os.chown(path, NOBODY, NOBODY)
    return work


def run_python_tests(code: str, tests: str, limits: Limits | None = None) -> SandboxResult:
    """Run `tests` (test_* functions or module-level asserts) against `code` as `solution`."""
    limits = limits or Limits()
    use_netns = (
        network_namespace_available() if limits.network_namespace is None else limits.network_namespace
    )
    nonce = secrets.token_hex(16)
    settings = {
        "nonce": nonce,
        "guard": limits.guard,
        "drop_privileges": limits.drop_privileges and stdlib_open_to_others(),
        "limits": {
            "memory_mb": limits.memory_mb,
            "cpu_s": int(limits.timeout_s) + 1,
            "file_mb": limits.file_mb,
            "open_files": limits.open_files,
            "processes": limits.processes,
        },
    }
    command = [sys.executable, "-I", "-S", "-B", "harness.py"]
    if use_netns:
        command = ["unshare", "-n", "--", *command]
    with tempfile.TemporaryDirectory(prefix="evals-sandbox-") as tmp:
        base = Path(tmp)
        work = _prepare(base, code, tests)
        out_path = base / "output.txt"
        started = time.monotonic()
        timed_out = False
        with out_path.open("wb") as out:
            proc = subprocess.Popen(
                command,
                cwd=work,
                env=_clean_env(str(work)),
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
            try:
                proc.communicate((json.dumps(settings) + "\n").encode(), timeout=limits.timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the leader first: it is ours to reap
                proc.wait()
                kill_group(proc.pid)  # whatever the leader left behind, until the group is empty
        duration = time.monotonic() - started
        output = _read_tail(out_path)
    verdict = _verdict(output, nonce)
    isolation = "network namespace" if use_netns else "in-process socket guard"
    if settings["drop_privileges"] and os.geteuid() == 0:
        isolation += ", user nobody"
    rc = proc.returncode

    def result(status: str, detail: str, passed: int = 0, failed: int = 0) -> SandboxResult:
        return SandboxResult(status, passed, failed, detail, round(duration, 3), rc, proc.pid, isolation)

    if timed_out:
        return result("timeout", f"killed after the {limits.timeout_s:g}s wall-clock limit")
    if verdict is None:
        tail = output.strip().splitlines()[-1:] or [""]
        if rc == 0:
            return result("exited_early", f"exited with code 0 before the tests finished; {tail[0][-200:]}")
        how = f"signal {signal.Signals(-rc).name}" if rc is not None and rc < 0 else f"exit code {rc}"
        return result("crashed", f"ended by {how} without finishing the tests; {tail[0][-200:]}")
    return result(
        str(verdict.get("status", "failed")),
        str(verdict.get("detail", "")),
        int(verdict.get("passed", 0)),
        int(verdict.get("failed", 0)),
    )
