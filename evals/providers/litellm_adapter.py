"""Everything that knows LiteLLM's shapes: the lazy quiet import, turning a ModelResponse into our
Response (or an `invalid_response` error, never a crash), its exception classes into RetryDecisions,
and the cost it reports or maps."""

from __future__ import annotations

import errno
import gc
import json
import logging
import os
import socket
import time
from typing import Any

from evals.providers.base import RetryDecision, classify_status, retry_after
from evals.records import Response, ToolCall

_LITELLM: Any = None
# LiteLLM's own words when it could not parse a 200 answer (it then raises a 500-coded error).
_UNPARSEABLE = ("Empty or invalid response", "Invalid response object", "Unable to get json response")


def import_litellm() -> Any:
    """Import litellm with the local cost map (else import fetches it over the network)."""
    global _LITELLM
    if _LITELLM is None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        os.environ.setdefault("LITELLM_LOG", "ERROR")
        import litellm

        litellm.suppress_debug_info = True
        litellm.telemetry = False
        logging.getLogger("LiteLLM").setLevel(logging.ERROR)
        # LiteLLM's import leaves ~10^5 long-lived objects: frozen out of the collector, they are not
        # traversed again by every collection of the run (nor at interpreter exit)
        gc.freeze()
        _LITELLM = litellm
    return _LITELLM


def _parse(raw: Any) -> Response:
    choice = raw.choices[0]
    message = choice.message
    calls = []
    for call in getattr(message, "tool_calls", None) or []:
        fn = call.function
        args = fn.arguments
        calls.append(ToolCall(name=fn.name or "", arguments=args if isinstance(args, str) else str(args)))
    usage = getattr(raw, "usage", None)
    return Response(
        content=message.content,
        tool_calls=calls,
        finish_reason=choice.finish_reason,
        prompt_tokens=getattr(usage, "prompt_tokens", None),
        completion_tokens=getattr(usage, "completion_tokens", None),
    )


def to_response(raw: Any, started: float) -> Response:
    """A LiteLLM ModelResponse as our Response; one that cannot be read is an `invalid_response`
    error (final: the answer was delivered, asking again would pay again)."""
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    try:
        response = _parse(raw)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        shape = "no choices" if not getattr(raw, "choices", None) else type(exc).__name__
        response = Response(error_type="invalid_response", error=f"unreadable answer ({shape})")
        usage = getattr(raw, "usage", None)
        response.prompt_tokens = getattr(usage, "prompt_tokens", None)
        response.completion_tokens = getattr(usage, "completion_tokens", None)
    hidden = getattr(raw, "_hidden_params", None) or {}
    cost = hidden.get("response_cost")
    response.cost_usd = float(cost) if cost is not None else None
    response.latency_ms = latency_ms
    return response


def reported_cost(raw: Any) -> float | None:
    """What the provider itself billed: OpenRouter's `usage.cost` (LiteLLM keeps it on usage, and
    copies it into a hidden header for OpenRouter models)."""
    usage = getattr(raw, "usage", None)
    value = getattr(usage, "cost", None)
    if value is None:
        headers = (getattr(raw, "_hidden_params", None) or {}).get("additional_headers") or {}
        value = headers.get("llm_provider-x-litellm-response-cost")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def mapped_cost(
    litellm: Any, model: str, prompt_tokens: int | None, completion_tokens: int | None
) -> float | None:
    """LiteLLM's price map, only for a model it maps exactly and with both token prices: its fuzzy
    matching prices unmapped OpenRouter slugs at $0, and an entry without prices (a `litellm.Router`
    registers every deployment's model, priced or not) is priced at $0 too. Either would
    show a paid model as free."""
    entry = litellm.model_cost.get(model) or {}
    priced = entry.get("input_cost_per_token") is not None and entry.get("output_cost_per_token") is not None
    if not priced or prompt_tokens is None or completion_tokens is None:
        return None
    try:
        prompt, completion = litellm.cost_per_token(
            model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
        )
    except Exception:  # LiteLLM raises its own types for anything it cannot price
        return None
    return float(prompt) + float(completion)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 12:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _unparseable(chain: list[BaseException]) -> RetryDecision | None:
    """A 200 whose body is not a chat completion: HTML (a login page, a proxy's error page) or junk."""
    for link in chain:
        if isinstance(link, json.JSONDecodeError):
            html = link.doc.lstrip()[:1] == "<"
            return RetryDecision(False, "html_response" if html else "invalid_response")
    text = str(chain[0])
    if any(marker in text for marker in _UNPARSEABLE):
        received = text.split("Received:", 1)[-1].lstrip(" '\"")
        html = "Received:" in text and received[:1] == "<"
        return RetryDecision(False, "html_response" if html else "invalid_response")
    return None


def _name_unresolved(link: BaseException) -> bool:
    """The host name could not be resolved: a `socket.gaierror`, or aiohttp's DNS error (matched by
    name: aiohttp is LiteLLM's transport, not ours to import) should it come without its cause."""
    return isinstance(link, socket.gaierror) or any(
        cls.__name__ == "ClientConnectorDNSError" for cls in type(link).__mro__
    )


def classify_litellm_error(exc: BaseException) -> RetryDecision:
    """LiteLLM's exception classes, read with their causes: LiteLLM reports an unresolvable host, a
    refused connection or an unparseable 200 as a 500 or a retryable connection error, so the chain
    decides before the class does. An unresolvable host is final: a lookup that failed does not
    succeed a second later, and retrying every cell with back-off only made an offline run slow."""
    litellm = import_litellm()
    chain = _chain(exc)
    if any(_name_unresolved(e) for e in chain):
        return RetryDecision(False, "name_resolution")
    if any(
        isinstance(e, ConnectionRefusedError) or getattr(e, "errno", None) == errno.ECONNREFUSED
        for e in chain
    ):
        return RetryDecision(False, "connection_refused")
    if isinstance(exc, litellm.Timeout) or any(isinstance(e, TimeoutError) for e in chain):
        return RetryDecision(True, "timeout")
    unparseable = _unparseable(chain)
    if unparseable is not None:
        return unparseable
    if "api_key client option must be set" in str(exc):  # the OpenAI client refused before sending
        return RetryDecision(False, "missing_api_key")
    if isinstance(exc, litellm.APIConnectionError) or any(isinstance(e, ConnectionError) for e in chain):
        return RetryDecision(True, "connection_error")
    final = (
        (litellm.ContextWindowExceededError, "context_window_exceeded"),
        (litellm.ContentPolicyViolationError, "content_policy"),
        (litellm.AuthenticationError, "authentication"),
        (litellm.PermissionDeniedError, "permission_denied"),
        (litellm.NotFoundError, "not_found"),
        (litellm.BudgetExceededError, "budget_exceeded"),
    )
    for cls, name in final:
        if isinstance(exc, cls):
            return RetryDecision(False, name)
    if isinstance(exc, litellm.RateLimitError):
        return RetryDecision(True, "rate_limited", retry_after(exc))
    status = getattr(exc, "status_code", None)
    return classify_status(status if isinstance(status, int) else None, exc)


def map_price(model: str) -> tuple[float, float] | None:
    """(input, output) USD per Mtok from LiteLLM's map, for a model it maps exactly."""
    entry = import_litellm().model_cost.get(model) or {}
    inp, out = entry.get("input_cost_per_token"), entry.get("output_cost_per_token")
    if inp is None or out is None:
        return None
    return float(inp) * 1e6, float(out) * 1e6
