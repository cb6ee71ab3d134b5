"""Lazy, quiet LiteLLM import: never at CLI start (it costs ~2 s) and never with network I/O."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from evals.records import Response, ToolCall

_LITELLM: Any = None


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
        _LITELLM = litellm
    return _LITELLM


def to_response(raw: Any, started: float) -> Response:
    """Turn a LiteLLM ModelResponse into our Response record (cost from LiteLLM's hidden params)."""
    latency_ms = (time.perf_counter() - started) * 1000
    choice = raw.choices[0]
    message = choice.message
    calls = []
    for call in getattr(message, "tool_calls", None) or []:
        fn = call.function
        args = fn.arguments
        calls.append(ToolCall(name=fn.name or "", arguments=args if isinstance(args, str) else str(args)))
    usage = getattr(raw, "usage", None)
    hidden = getattr(raw, "_hidden_params", None) or {}
    cost = hidden.get("response_cost")
    return Response(
        content=message.content,
        tool_calls=calls,
        finish_reason=choice.finish_reason,
        prompt_tokens=getattr(usage, "prompt_tokens", None),
        completion_tokens=getattr(usage, "completion_tokens", None),
        cost_usd=float(cost) if cost is not None else None,
        latency_ms=round(latency_ms, 1),
    )
