"""The provider interface, key redaction, and what an HTTP status says about retrying.

The real provider classifies its exceptions in `litellm_adapter.classify_litellm_error`, which falls
back on `classify_status` here."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Protocol

from evals.records import Response, Task

TRANSIENT_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 529}
# Errors of a call that got no answer from any server (its host did not resolve, nothing listened, the
# connection failed): when a run has nothing else, the network or the api_base is what to check.
UNREACHED = frozenset({"name_resolution", "connection_refused", "connection_error"})
_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-]{6,}|Bearer\s+[A-Za-z0-9_\-.]+|api[_-]?key=[^&\s]+)", re.I)


class Provider(Protocol):
    """What the runner needs: a kind for provenance and one async call per attempt."""

    kind: str

    async def complete(self, task: Task, model: str, repeat: int) -> Response: ...

    def fingerprint(self) -> str:
        """What the answers depend on besides the tasks (profiles, a recording); '' for real models."""
        ...


@dataclass(frozen=True)
class RetryDecision:
    """Whether a failed attempt is worth another try, and how long the server asked us to wait."""

    retry: bool
    error_type: str
    wait_s: float | None = None


MIN_SECRET_FRAGMENT = 8  # an echoed run this long of a configured key is redacted


class Redactor:
    """Removes configured keys from text: the whole key and any run of 8+ characters of it, whatever
    its shape (a server echoing `...3f9a2c7d1e` of a key must not leak it), plus `sk-`/Bearer shapes."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        self._windows: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_FRAGMENT:
                n = MIN_SECRET_FRAGMENT
                self._windows.update(secret[i : i + n] for i in range(len(secret) - n + 1))

    def __call__(self, text: str) -> str:
        if self._windows and len(text) >= MIN_SECRET_FRAGMENT:
            text = self._mask(text)
        return _SECRET.sub("[redacted]", text)

    def _mask(self, text: str) -> str:
        n = MIN_SECRET_FRAGMENT
        hits = [i for i in range(len(text) - n + 1) if text[i : i + n] in self._windows]
        if not hits:
            return text
        out, pos, span_start, span_end = [], 0, hits[0], hits[0] + n
        for i in hits[1:]:
            if i <= span_end:
                span_end = max(span_end, i + n)
                continue
            out += [text[pos:span_start], "[redacted]"]
            pos, span_start, span_end = span_end, i, i + n
        out += [text[pos:span_start], "[redacted]", text[span_end:]]
        return "".join(out)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove keys from text that may end up in logs, results or reports."""
    return Redactor(secrets)(text)


def retry_after(exc: BaseException) -> float | None:
    """The server's requested wait (seconds) from a 429/503's headers, when it sent one."""
    headers = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        response = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        value = headers.get("retry-after") or headers.get("Retry-After")
    except AttributeError:
        return None
    try:
        wait = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return max(0.0, wait) if wait is not None and math.isfinite(wait) else None


def classify_status(status: int | None, exc: BaseException | None = None) -> RetryDecision:
    """By HTTP status alone: 408/409/425/429/5xx are transient, every other status is final."""
    wait = retry_after(exc) if exc is not None else None
    if status == 429:
        return RetryDecision(True, "rate_limited", wait)
    if status == 401:
        return RetryDecision(False, "authentication")
    if isinstance(status, int) and status in TRANSIENT_STATUS:
        return RetryDecision(True, f"http_{status}", wait)
    if isinstance(status, int):
        return RetryDecision(False, f"http_{status}")
    return RetryDecision(False, "unknown_error")


def estimate_tokens(payload: Any) -> int:
    """Rough token count (4 characters a token): for the budget guard's estimate and simulated usage."""
    text = payload if isinstance(payload, str) else json.dumps(payload, sort_keys=True)
    return max(1, math.ceil(len(text) / 4))
