"""The only HTTP caller for rankings: OpenRouter's Data API (`rankings-daily`) and `/api/v1/models`.

It honours the Data API's documented limits (30 requests a minute per key, 500 a day per account):
requests are spaced by a sliding-window limiter, a 429 waits for its `retry-after`, 5xx and network
errors back off a few times, and a missing or refused key is one clear line. The key is sent only in
the Authorization header and never appears in a message, a saved file or a URL.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from evals.errors import DomainError

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
KEY_ENV = "OPENROUTER_API_KEY"
PER_MINUTE = 30
PER_DAY = 500
MAX_RETRY_AFTER_S = 120.0


class FetchError(DomainError):
    """A request that could not be completed: the message names the endpoint, never the key."""


@dataclass
class RateLimiter:
    """At most `per_minute` requests in any 60 s and `per_day` in this process (the Data API's limits)."""

    per_minute: int = PER_MINUTE
    per_day: int = PER_DAY
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    sent: deque[float] = field(default_factory=deque)
    total: int = 0

    def wait(self) -> float:
        """Block until one more request is allowed; returns the seconds waited."""
        if self.total >= self.per_day:
            raise FetchError(f"daily request limit reached ({self.per_day} requests a day): try tomorrow")
        waited = 0.0
        now = self.clock()
        while self.sent and now - self.sent[0] >= 60:
            self.sent.popleft()
        if len(self.sent) >= self.per_minute:
            pause = 60 - (now - self.sent[0])
            self.sleep(pause)
            waited = pause
            now = self.clock()
            self.sent.popleft()
        self.sent.append(now)
        self.total += 1
        return waited


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Fetched:
    """A response body as received, with where (no key) and when it came from."""

    url: str
    body: str
    data: Any
    fetched_at: str


def _scrub(text: str, key: str | None) -> str:
    return text.replace(key, "***") if key else text


class Client:
    """GET JSON from OpenRouter with the limits above; one instance per command run."""

    def __init__(
        self,
        key: str | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        limiter: RateLimiter | None = None,
        max_attempts: int = 4,
        timeout_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.key = key
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.waits: list[float] = []  # every retry pause, for the summary line
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.http = httpx.Client(timeout=timeout_s, headers=headers, transport=transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Fetched:
        """GET `<base>/<path>?params` and parse it; retries 429 (after retry-after), 5xx, network errors."""
        query = {k: v for k, v in (params or {}).items() if v}
        url = f"{self.base_url}/{path.lstrip('/')}" + (f"?{urlencode(query)}" if query else "")
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.wait()
            try:
                response = self.http.get(url)
            except httpx.HTTPError as exc:
                if attempt == self.max_attempts:
                    raise FetchError(f"{url}: {type(exc).__name__}: {_scrub(str(exc), self.key)}") from None
                self._pause(2.0 ** (attempt - 1))
                continue
            status = response.status_code
            if status == 200:
                return self._parsed(url, response)
            if status in (401, 403):
                raise FetchError(
                    f"{url}: OpenRouter refused the API key (HTTP {status}): check {KEY_ENV} "
                    "(any valid OpenRouter key works for the Data API)"
                )
            if status == 429 or status >= 500:
                if attempt == self.max_attempts:
                    raise FetchError(f"{url}: HTTP {status} after {attempt} attempts: try again later")
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if status == 429 and wait is not None and wait > MAX_RETRY_AFTER_S:
                    raise FetchError(
                        f"{url}: rate limited (HTTP 429) for {wait:.0f} s (retry-after); try again later"
                    )
                self._pause(wait if wait is not None else 2.0 ** (attempt - 1))
                continue
            detail = _scrub(response.text[:200].strip(), self.key)
            raise FetchError(f"{url}: HTTP {status}: {detail}")
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.sleep(seconds)

    def _parsed(self, url: str, response: httpx.Response) -> Fetched:
        body = response.text
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise FetchError(f"{url}: the response is not JSON (line {exc.lineno}: {exc.msg})") from None
        return Fetched(
            url=url, body=body, data=data, fetched_at=datetime.now(UTC).isoformat(timespec="seconds")
        )
