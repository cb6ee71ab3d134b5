"""The rankings HTTP client: rate limit, retry-after, retries and errors (pure parts with a fake clock,
the rest against the local stub server)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from routing.rankings.fetch import Client, FetchError, RateLimiter, retry_after_seconds
from tests.routing.app.stub_openrouter import Stub


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_limiter_allows_30_a_minute_then_waits_for_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=30, per_day=500, clock=clock, sleep=clock.sleep)
    for _ in range(30):
        clock.now += 0.5
        assert limiter.wait() == 0.0
    assert limiter.wait() == pytest.approx(60 - 14.5)  # the first request was at 0.5 s
    assert clock.slept == [pytest.approx(45.5)]


def test_limiter_stops_at_the_daily_cap() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=1000, per_day=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.wait()
    with pytest.raises(FetchError, match="daily request limit reached"):
        limiter.wait()


def test_retry_after_forms() -> None:
    now = datetime(2026, 5, 11, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Mon, 11 May 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


@contextmanager
def served(replies: list, sleeps: list[float] | None = None) -> Iterator[tuple[Stub, Client]]:
    """A stub serving `replies` for /models, and a client on it whose retry pauses land in `sleeps`."""
    pauses = [] if sleeps is None else sleeps
    with (
        Stub({"/api/v1/models": replies}) as stub,
        Client("k-secret-123", stub.base_url, sleep=pauses.append, max_attempts=3) as client,
    ):
        yield stub, client


def test_5xx_is_retried_with_backoff_then_succeeds() -> None:
    sleeps: list[float] = []
    with served([(503, {}, "busy"), (502, {}, "busy"), (200, {}, '{"data": []}')], sleeps) as (stub, client):
        got = client.get_json("models")
        assert len(stub.seen) == 3
    assert got.data == {"data": []} and sleeps == [1.0, 2.0]


def test_exhausted_retries_and_long_retry_after_fail_with_one_line() -> None:
    with (
        served([(500, {}, "down")]) as (_, client),
        pytest.raises(FetchError, match="HTTP 500 after 3 attempts"),
    ):
        client.get_json("models")
    long_wait = [(429, {"Retry-After": "3600"}, "{}")]
    with (
        served(long_wait) as (_, client),
        pytest.raises(FetchError, match=r"rate limited \(HTTP 429\) for 3600 s"),
    ):
        client.get_json("models")


def test_other_errors_name_the_endpoint_and_never_the_key() -> None:
    with (
        served([(400, {}, '{"error": "bad key k-secret-123"}')]) as (stub, client),
        pytest.raises(FetchError) as err,
    ):
        client.get_json("models", {"start_date": "2020-01-01", "end_date": ""})
    assert "HTTP 400" in str(err.value) and "k-secret-123" not in str(err.value)
    assert str(err.value).startswith(f"{stub.base_url}/models?start_date=2020-01-01:")
    with served([(200, {}, "<html>")]) as (_, client), pytest.raises(FetchError, match="not JSON"):
        client.get_json("models")
