from evals.providers.base import redact
from evals.providers.litellm_adapter import classify_litellm_error as classify


class FakeStatus(Exception):
    def __init__(self, status, headers=None):
        super().__init__(f"status {status}")
        self.status_code = status
        self.litellm_response_headers = headers


class RateLimitError(Exception):
    def __init__(self):
        super().__init__("rate limited")
        self.status_code = 429
        self.litellm_response_headers = {"retry-after": "7"}


def test_transient_errors_are_retried():
    assert classify(RateLimitError()).retry
    assert classify(RateLimitError()).wait_s == 7.0
    assert classify(FakeStatus(503)).error_type == "http_503"
    assert classify(TimeoutError()).error_type == "timeout"
    assert classify(ConnectionError()).retry


def test_final_errors_are_not_retried():
    assert not classify(FakeStatus(400)).retry
    assert classify(FakeStatus(401)).error_type == "authentication"
    assert not classify(ValueError("x")).retry
    refused = classify(ConnectionRefusedError())
    assert refused.error_type == "connection_refused" and not refused.retry


def test_a_class_name_alone_decides_nothing():
    class Timeout(Exception):
        pass

    assert classify(Timeout()).error_type == "unknown_error"


def test_redact_removes_keys():
    text = redact("bad key sk-or-v1-abcdef123456 and Bearer abc.def", ("mysecret",))
    assert "sk-or" not in text and "abc.def" not in text
    assert redact("token mysecret here", ("mysecret",)) == "token [redacted] here"


def test_any_fragment_of_a_configured_key_is_redacted_whatever_its_shape():
    key = "canary-7f3a9c2e5b1d4086"
    assert redact(f"key {key[3:19]} refused", (key,)) == "key [redacted] refused"
    assert redact(f"x{key[-8:]}y and {key[:8]}", (key,)) == "x[redacted]y and [redacted]"
    assert redact(f"short {key[:7]} stays", (key,)) == f"short {key[:7]} stays"  # 7 chars: too short
    assert redact("nothing to hide", (key,)) == "nothing to hide"
