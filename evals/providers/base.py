"""The provider interface and the one place that classifies call errors as retryable or not."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Protocol

from evals.records import Response, Task

TRANSIENT_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 529}
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


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove keys from text that may end up in logs, results or reports."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _SECRET.sub("[redacted]", text)


def _retry_after(exc: BaseException) -> float | None:
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
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def classify_error(exc: BaseException) -> RetryDecision:
    """Transient: 429, 5xx, timeouts, connection errors. Everything else is final."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if isinstance(exc, TimeoutError) or "Timeout" in name:
        return RetryDecision(True, "timeout")
    if "APIConnectionError" in name or isinstance(exc, ConnectionError):
        return RetryDecision(True, "connection_error")
    if status == 429 or "RateLimit" in name:
        return RetryDecision(True, "rate_limited", _retry_after(exc))
    if isinstance(status, int) and status in TRANSIENT_STATUS:
        return RetryDecision(True, f"http_{status}", _retry_after(exc))
    if "ContextWindowExceeded" in name:
        return RetryDecision(False, "context_window_exceeded")
    if "ContentPolicy" in name:
        return RetryDecision(False, "content_policy")
    if "Authentication" in name or status == 401:
        return RetryDecision(False, "authentication")
    if "BudgetExceeded" in name:
        return RetryDecision(False, "budget_exceeded")
    if isinstance(status, int):
        return RetryDecision(False, f"http_{status}")
    return RetryDecision(False, name)


def estimate_tokens(payload: Any) -> int:
    """Rough token count (4 characters a token): for the budget guard's estimate and simulated usage."""
    text = payload if isinstance(payload, str) else json.dumps(payload, sort_keys=True)
    return max(1, math.ceil(len(text) / 4))
