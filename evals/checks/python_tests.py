"""`python_tests`: extract the code from the answer and run the task's tests on it in the sandbox.

A regex on the answer's text passes a function that would fail its tests; running the tests does
not. Short form:

    - python_tests:
        tests: |
          def test_slug():
              assert slugify("Payments API (v2)!") == "payments-api-v2"
        timeout_s: 10      # optional: wall clock for the whole run (default 10)
        memory_mb: 512     # optional

The answer's code is the longest fenced ```python block (else the longest fenced block, else the
whole reply); it is importable as `solution` and its names are visible to the tests. Verdicts are
cached per (tests, code, limits) in this process: the same code is never run twice, except after
a timeout, which may have been the machine's load rather than the code.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from evals.checks.base import SpecError, ToolIndex, clip, number, only_options
from evals.records import CheckResult, Response
from evals.sandbox import Limits, SandboxResult, run_python_tests

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)```", re.DOTALL)
_PYTHON_LABELS = {"python", "py", "python3"}
_CACHE: dict[str, SandboxResult] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4096
FAILURES = {
    "failed": "tests_failed",
    "code_error": "code_error",
    "timeout": "timeout",
    "crashed": "crashed",
    "exited_early": "exited_early",
}


def extract_code(content: str | None) -> str | None:
    """The code of an answer: the longest python block, else the longest block, else the reply."""
    text = content or ""
    blocks = [(label.lower(), body) for label, body in _FENCE.findall(text)]
    python = [body for label, body in blocks if label in _PYTHON_LABELS]
    chosen = python or [body for label, body in blocks if not label]
    if chosen:
        return max(chosen, key=len)
    return text if text.strip() and "```" not in text else None


def _run_cached(code: str, tests: str, limits: Limits) -> SandboxResult:
    key = hashlib.sha256(repr((tests, code, limits)).encode()).hexdigest()
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    result = run_python_tests(code, tests, limits)
    if result.status != "timeout":
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = result
    return result


@dataclass(frozen=True)
class PythonTests:
    """Runs the task's tests against the answer's code in a sandboxed child process."""

    name: ClassVar[str] = "python_tests"
    tests: str
    timeout_s: float = 10.0
    memory_mb: int = 512

    @classmethod
    def build(cls, spec: Any) -> PythonTests:
        if not isinstance(spec, dict):
            raise SpecError("expected {tests: <python test code>, timeout_s: 10}")
        only_options(spec, ("tests", "timeout_s", "memory_mb"))
        tests = spec.get("tests")
        if not isinstance(tests, str) or not tests.strip():
            raise SpecError("'tests' must be Python code with test_* functions or asserts", "tests")
        try:
            compile(tests, "tests.py", "exec")
        except SyntaxError as exc:
            raise SpecError(f"tests are not valid Python: {exc.msg} (line {exc.lineno})", "tests") from None
        timeout_s = number(spec, "timeout_s", 10.0, 0.5, 120)
        memory_mb = int(number(spec, "memory_mb", 512, 64, 4096))
        return cls(tests, timeout_s, memory_mb)

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> CheckResult:
        code = extract_code(response.content)
        if code is None:
            return CheckResult(False, 0.0, "no code in the answer", "no_code")
        result = _run_cached(code, self.tests, Limits(timeout_s=self.timeout_s, memory_mb=self.memory_mb))
        total = result.passed + result.failed
        if result.ok:
            return CheckResult(True, 1.0, f"{result.passed} test(s) passed in {result.duration_s:.2f}s")
        score = result.passed / total if total else 0.0
        counts = f"{result.failed} of {total} test(s) failed: " if total else ""
        reason = f"{counts}{clip(result.detail, 200)}"
        return CheckResult(False, score, reason, FAILURES.get(result.status, "tests_failed"))
