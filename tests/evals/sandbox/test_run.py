"""The sandbox against the ways model-written code goes wrong: each ends as a fail, in time, with
nothing left running in its process group."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from evals.sandbox import Limits, network_namespace_available, run_python_tests
from evals.sandbox.run import stdlib_open_to_others

TIMEOUT_S = 3.0
TESTS = "def test_add():\n    assert add(2, 3) == 5\n"
GOOD = "def add(a, b):\n    return a + b\n"


def group_members(pgid: int) -> list[int]:
    """Live processes whose process group is pgid (zombies included: they are still children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def run_timed(code: str, tests: str = TESTS, **limits):
    started = time.monotonic()
    result = run_python_tests(code, tests, Limits(timeout_s=TIMEOUT_S, **limits))
    elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT_S + 2, f"took {elapsed:.1f}s"
    assert group_members(result.pgid) == [], "a process of the run is still alive"
    return result


def test_good_code_passes_and_bad_code_fails() -> None:
    ok = run_timed(GOOD)
    assert (ok.status, ok.passed, ok.failed) == ("passed", 1, 0)
    bad = run_timed("def add(a, b):\n    return a - b\n")
    assert (bad.status, bad.passed, bad.failed) == ("failed", 0, 1)
    assert "test_add: AssertionError" in bad.detail


def test_module_level_asserts_count_as_one_test() -> None:
    assert run_timed(GOOD, "assert add(1, 1) == 2\n").ok
    failed = run_timed(GOOD, "assert add(1, 1) == 3, 'one plus one'\n")
    assert failed.status == "failed" and "one plus one" in failed.detail


def test_solution_helpers_named_test_are_not_run_as_tests() -> None:
    code = GOOD + "def test_helper():\n    raise RuntimeError('not a test')\n"
    assert run_timed(code).ok


@pytest.mark.parametrize(
    ("name", "code", "status", "text"),
    [
        ("infinite loop", "while True:\n    pass\n", "timeout", "wall-clock"),
        ("4 GB allocation", "block = bytearray(4 * 2**30)\n" + GOOD, "code_error", "MemoryError"),
        ("fork loop", "import os\nwhile True:\n    os.fork()\n", "code_error", "os.fork"),
        ("exit 0 before the tests", "import sys\nsys.exit(0)\n" + GOOD, "exited_early", "code 0"),
        ("os._exit(0) in a test", "import os\ndef add(a, b):\n    os._exit(0)\n", "exited_early", "code 0"),
        ("subprocess", "import subprocess\nsubprocess.run(['true'])\n" + GOOD, "code_error", "Popen"),
    ],
)
def test_misbehaving_code_fails_in_time_and_leaves_nothing(
    name: str, code: str, status: str, text: str
) -> None:
    result = run_timed(code)
    assert not result.ok, name
    assert result.status == status, (name, result)
    assert text in result.detail, (name, result.detail)


def test_writing_outside_the_work_dir_fails_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    for path in (target, Path("/tmp") / f"escaped-{os.getpid()}.txt"):
        code = f"open({str(path)!r}, 'w').write('x')\n" + GOOD
        result = run_timed(code)
        assert result.status == "code_error" and "outside the work dir" in result.detail
        assert not path.exists()
    inside = "open('notes.txt', 'w').write('x')\n" + GOOD + "assert open('notes.txt').read() == 'x'\n"
    assert run_timed(inside).ok


def test_environment_secrets_do_not_reach_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-sandbox-test-0123456789"
    monkeypatch.setenv("OPENROUTER_API_KEY", secret)
    tests = f"def test_secret():\n    assert os.environ.get('OPENROUTER_API_KEY') == {secret!r}\n"
    result = run_timed("import os\n" + GOOD, tests)
    assert result.status == "failed" and secret not in result.detail
    parent = "import os\nleak = open(f'/proc/{os.getppid()}/environ', 'rb').read()\n" + GOOD
    result = run_timed(parent, f"def test_leak():\n    assert {secret!r}.encode() in leak\n")
    assert not result.ok and secret not in result.detail


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepted."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


NETWORK_LAYERS = [
    pytest.param({"network_namespace": False, "guard": True}, id="in-process guard"),
    pytest.param(
        {"network_namespace": True, "guard": False},
        id="network namespace",
        marks=pytest.mark.skipif(not network_namespace_available(), reason="no network namespaces here"),
    ),
]


@pytest.mark.parametrize("layers", NETWORK_LAYERS)
def test_socket_connect_fails_on_each_layer(layers: dict) -> None:
    listener = Listener()
    try:
        reach = socket.create_connection(("127.0.0.1", listener.port), timeout=2)  # the server works
        reach.close()
        time.sleep(0.3)
        assert listener.accepted == 1
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {listener.port}), timeout=1)\n" + GOOD
        result = run_timed(code, **layers)
        time.sleep(0.3)
        assert result.status == "code_error", result
        assert listener.accepted == 1, "the sandboxed code reached the server"
    finally:
        listener.close()


def test_a_child_that_outlives_the_harness_is_killed_with_its_group() -> None:
    code = "import os, time\nif os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\n" + GOOD
    result = run_timed(code, guard=False)  # fork allowed: the process-group kill is what is tested
    assert result.ok


@pytest.mark.skipif(
    os.geteuid() != 0 or not stdlib_open_to_others(), reason="needs root and a stdlib `nobody` can read"
)
def test_without_the_guard_nobody_cannot_write_outside_or_fork_without_bound(tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    result = run_timed(f"open({str(target)!r}, 'w').write('x')\n" + GOOD, guard=False)
    assert result.status == "code_error" and not target.exists()
    bomb = run_timed("import os\nwhile True:\n    os.fork()\n", guard=False, processes=16)
    assert not bomb.ok
