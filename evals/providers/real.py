"""Real model calls through litellm.acompletion (OpenRouter by default, any LiteLLM provider works)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import Any

from evals.providers.base import classify_error, redact
from evals.providers.litellm_adapter import import_litellm, to_response
from evals.records import Endpoint, Response, Task

KEY_ENV = ("OPENROUTER_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")


def request_kwargs(task: Task, litellm_model: str, timeout_s: float) -> dict[str, Any]:
    """The acompletion arguments for one task; LiteLLM never retries (the runner owns retries)."""
    kwargs: dict[str, Any] = {
        "model": litellm_model,
        "messages": task.messages,
        "timeout": timeout_s,
        "num_retries": 0,
        "max_retries": 0,
        **task.params,
    }
    if task.tools:
        kwargs["tools"] = task.tools
        if task.tool_choice is not None:
            kwargs["tool_choice"] = task.tool_choice
    return kwargs


def missing_credentials(endpoints: Mapping[str, Endpoint]) -> list[str]:
    """Models that would certainly fail for want of a key: checked before a run spends anything."""
    return [f"{model} (set {env})" for model, ep in endpoints.items() if (env := ep.missing_key())]


class LiteLLMProvider:
    """Calls the configured gateway; failures come back as Response records with an error_type."""

    kind = "real"

    def __init__(self, endpoints: Mapping[str, Endpoint]) -> None:
        self.endpoints = dict(endpoints)
        names = [*KEY_ENV, *(ep.api_key_env for ep in self.endpoints.values() if ep.api_key_env)]
        self._secrets = tuple(os.environ.get(name, "") for name in names)

    def fingerprint(self) -> str:
        return ""  # real answers are new evidence every time: run ids are never content-derived

    async def complete(self, task: Task, model: str, repeat: int) -> Response:
        litellm = import_litellm()
        endpoint = self.endpoints[model]
        kwargs = request_kwargs(task, endpoint.litellm_model, endpoint.timeout_s)
        if endpoint.api_base:
            kwargs["api_base"] = endpoint.api_base
        if endpoint.api_key_env:
            kwargs["api_key"] = os.environ.get(endpoint.api_key_env, "")
        started = time.perf_counter()
        try:
            raw = await litellm.acompletion(**kwargs)
        except Exception as exc:  # a failed call is data, classified once here
            decision = classify_error(exc)
            return Response(
                error_type=decision.error_type,
                error=redact(str(exc), self._secrets)[:300],
                retryable=decision.retry,
                retry_after_s=decision.wait_s,
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
            )
        return to_response(raw, started)
