"""python_tests: code extracted from the answer, graded by running the task's tests."""

from __future__ import annotations

import pytest

from evals.checks import python_tests
from evals.checks.python_tests import extract_code
from evals.checks.registry import build_check
from evals.errors import InputError
from evals.records import Response

TESTS = "def test_double():\n    assert double(4) == 8\n\ndef test_zero():\n    assert double(0) == 0\n"
SPEC = {"python_tests": {"tests": TESTS, "timeout_s": 5}}


def grade(content: str):
    return build_check(SPEC)(Response(content=content))


def test_extract_code_prefers_the_longest_python_block() -> None:
    answer = "Here:\n```python\ndef f():\n    return 1\n```\nUsage:\n```py\nf()\n```\n"
    assert extract_code(answer) == "def f():\n    return 1\n"
    assert extract_code("```\nx = 1\n```") == "x = 1\n"
    assert extract_code("x = 1") == "x = 1"
    assert extract_code("```bash\nls\n```") is None
    assert extract_code("") is None


def test_passing_code_passes_and_a_regex_lookalike_fails() -> None:
    assert grade("```python\ndef double(x):\n    return 2 * x\n```").passed
    # looks right to a regex (def double, return) but is wrong for 0... and for 4
    wrong = grade("```python\ndef double(x):\n    return x + 2\n```")
    assert (wrong.passed, wrong.failure) == (False, "tests_failed")
    assert wrong.score == 0.0 and "2 of 2 test(s) failed" in wrong.reason


def test_partial_pass_scores_the_share_passed() -> None:
    result = grade("def double(x):\n    return x * x if x else 0\n")
    assert (result.passed, result.score) == (False, 0.5)


@pytest.mark.parametrize(
    ("content", "failure"),
    [
        ("no code here ```text\nhello\n```", "no_code"),
        ("```python\ndef double(x) return 2*x\n```", "code_error"),
        ("```python\nimport sys\nsys.exit(0)\n```", "exited_early"),
    ],
)
def test_failure_codes(content: str, failure: str) -> None:
    assert grade(content).failure == failure


def test_a_verdict_is_cached_per_code(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = python_tests.run_python_tests

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(python_tests, "run_python_tests", counting)
    code = "def double(x):\n    return x * 2  # cached\n"
    assert grade(code).passed and grade(code).passed
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"tests": ""}, "checks[0].python_tests.tests"),
        ({"tests": "def test_x(:\n"}, "checks[0].python_tests.tests"),
        ({"tests": "assert True", "timeout_s": 0}, "checks[0].python_tests.timeout_s"),
        ({"tests": "assert True", "timout_s": 3}, "checks[0].python_tests.timout_s"),
        ("assert True", "checks[0].python_tests"),
    ],
)
def test_bad_specs_name_the_field(spec, field: str) -> None:
    with pytest.raises(InputError) as info:
        build_check({"python_tests": spec}, "checks[0]", "t.yaml")
    assert info.value.field == field
