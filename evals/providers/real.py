"""Real model calls through litellm.acompletion (OpenRouter by default, any LiteLLM provider works).

Every attempt comes back as a Response with its cost and where the cost came from, its latency from
the moment LiteLLM handed the request to the HTTP client (not from when the cell was queued), and
nothing of a configured key in any text."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from evals.providers.base import Redactor
from evals.providers.cost import resolve_cost
from evals.providers.litellm_adapter import (
    classify_litellm_error,
    import_litellm,
    mapped_cost,
    reported_cost,
    to_response,
)
from evals.records import Endpoint, Response, Task, ToolCall
from evals.text import some_of

KEY_ENV = ("OPENROUTER_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")
# Errors where the server answered with an error status or no connection was made: nothing billed.
NOT_BILLED = {
    "name_resolution",
    "connection_refused",
    "missing_api_key",
    "rate_limited",
    "authentication",
    "permission_denied",
    "not_found",
    "context_window_exceeded",
    "content_policy",
    "budget_exceeded",
}


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
    """Models that would certainly fail for want of a key, checked before a run spends anything: one
    entry per key to set, `OPENROUTER_API_KEY for a/x, b/y`."""
    by_key: dict[str, list[str]] = {}
    for model, endpoint in endpoints.items():
        if env := endpoint.missing_key():
            by_key.setdefault(env, []).append(model)
    return [f"{env} for {some_of(models)}" for env, models in by_key.items()]


def configured_secrets(endpoints: Mapping[str, Endpoint]) -> tuple[str, ...]:
    names = [*KEY_ENV, *(ep.api_key_env for ep in endpoints.values() if ep.api_key_env)]
    return tuple(value for name in names if (value := os.environ.get(name, "")))


class _SendTimer:
    """LiteLLM's `logger_fn` hook: stamps when the raw answer arrived against LiteLLM's own
    `api_call_start_time` (set just before the HTTP request is sent)."""

    def __init__(self) -> None:
        self.latency_ms: float | None = None

    def __call__(self, details: dict[str, Any]) -> None:
        start = details.get("api_call_start_time")
        if self.latency_ms is None and isinstance(start, datetime):
            # wall-clock times (LiteLLM's): a clock stepped back must not give a negative latency
            self.latency_ms = round(max(0.0, (datetime.now() - start).total_seconds()) * 1000, 1)


def _not_billed(error_type: str) -> bool:
    return error_type in NOT_BILLED or (error_type.startswith("http_") and error_type[5:].isdigit())


class LiteLLMProvider:
    """Calls the configured gateway; failures come back as Response records with an error_type."""

    kind = "real"

    def __init__(self, endpoints: Mapping[str, Endpoint]) -> None:
        self.endpoints = dict(endpoints)
        self.redact = Redactor(configured_secrets(self.endpoints))

    def fingerprint(self) -> str:
        return ""  # real answers are new evidence every time: run ids are never content-derived

    def group(self, model: str) -> str:
        """Which server a model's calls go to: concurrency and 429 back-off are per group."""
        return self.endpoints[model].group

    async def complete(self, task: Task, model: str, repeat: int) -> Response:
        litellm = import_litellm()
        endpoint = self.endpoints[model]
        kwargs = request_kwargs(task, endpoint.litellm_model, endpoint.timeout_s)
        if endpoint.api_base:
            kwargs["api_base"] = endpoint.api_base
        if endpoint.api_key_env:
            kwargs["api_key"] = os.environ.get(endpoint.api_key_env, "")
        elif endpoint.api_base and endpoint.litellm_model.startswith("openai/"):
            # a local OpenAI-compatible server configured without a key: the client insists on one
            kwargs["api_key"] = os.environ.get("OPENAI_API_KEY") or "no-key"
        timer = _SendTimer()
        kwargs["logger_fn"] = timer
        ttft_ms = None
        started = time.perf_counter()
        try:
            if endpoint.stream:
                raw, ttft_ms = await self._streamed(litellm, kwargs, task, started)
            else:
                raw = await litellm.acompletion(**kwargs)
        except Exception as exc:  # a failed call is data, classified once here
            decision = classify_litellm_error(exc)
            billed_nothing = _not_billed(decision.error_type)
            return Response(
                error_type=decision.error_type,
                error=self.redact(str(exc))[:300],
                retryable=decision.retry,
                retry_after_s=decision.wait_s,
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
                cost_usd=0.0 if billed_nothing else None,
                cost_source="not_billed" if billed_nothing else None,
            )
        response = to_response(raw, started)
        if timer.latency_ms is not None and not endpoint.stream:
            response.latency_ms = timer.latency_ms
        response.ttft_ms = ttft_ms
        response.cost_usd, response.cost_source = resolve_cost(
            reported_cost(raw),
            mapped_cost(litellm, endpoint.litellm_model, response.prompt_tokens, response.completion_tokens),
            endpoint.price,
            response.prompt_tokens,
            response.completion_tokens,
        )
        return self._scrub(response)

    @staticmethod
    async def _streamed(
        litellm: Any, kwargs: dict[str, Any], task: Task, started: float
    ) -> tuple[Any, float | None]:
        """Stream the answer: the time to its first piece, and the pieces built back into one response."""
        stream = await litellm.acompletion(**kwargs, stream=True, stream_options={"include_usage": True})
        chunks, ttft_ms = [], None
        async for chunk in stream:
            if ttft_ms is None:
                ttft_ms = round((time.perf_counter() - started) * 1000, 1)
            chunks.append(chunk)
        return litellm.stream_chunk_builder(chunks, messages=task.messages), ttft_ms

    def _scrub(self, response: Response) -> Response:
        """No fragment of a key survives in what is stored: content, tool arguments, errors."""
        if response.content:
            response.content = self.redact(response.content)
        if response.error:
            response.error = self.redact(response.error)
        response.tool_calls = [
            ToolCall(name=self.redact(c.name), arguments=self.redact(c.arguments))
            for c in response.tool_calls
        ]
        return response
