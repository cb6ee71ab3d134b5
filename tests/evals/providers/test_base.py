from evals.providers.base import classify_error, redact


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


class Timeout(Exception):
    pass


def test_transient_errors_are_retried():
    assert classify_error(RateLimitError()).retry
    assert classify_error(RateLimitError()).wait_s == 7.0
    assert classify_error(FakeStatus(503)).error_type == "http_503"
    assert classify_error(Timeout()).error_type == "timeout"
    assert classify_error(ConnectionError()).retry


def test_final_errors_are_not_retried():
    assert not classify_error(FakeStatus(400)).retry
    assert classify_error(FakeStatus(401)).error_type == "authentication"
    assert not classify_error(ValueError("x")).retry


def test_redact_removes_keys():
    text = redact("bad key sk-or-v1-abcdef123456 and Bearer abc.def", ("mysecret",))
    assert "sk-or" not in text and "abc.def" not in text
    assert redact("token mysecret here", ("mysecret",)) == "token [redacted] here"
