"""Real model calls through litellm.acompletion (OpenRouter by default, any LiteLLM provider works)."""

from __future__ import annotations

import os
import time
from typing import Any

from evals.providers.base import classify_error, redact
from evals.providers.litellm_env import import_litellm, to_response
from evals.records import Response, Task
from routing.config import Config

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


def missing_credentials(config: Config, models: list[str]) -> list[str]:
    """Models that would certainly fail for want of a key: checked before a run spends anything."""
    missing = []
    for model in models:
        override = config.models.get(model)
        if override and (override.api_base or override.api_key_env):
            if override.api_key_env and not os.environ.get(override.api_key_env):
                missing.append(f"{model} (set {override.api_key_env})")
            continue
        if config.litellm_model(model).startswith("openrouter/") and not os.environ.get("OPENROUTER_API_KEY"):
            missing.append(f"{model} (set OPENROUTER_API_KEY)")
    return missing


class LiteLLMProvider:
    """Calls the configured gateway; failures come back as Response records with an error_type."""

    kind = "real"

    def __init__(self, config: Config) -> None:
        self.config = config
        names = [*KEY_ENV, *(o.api_key_env for o in config.models.values() if o.api_key_env)]
        self._secrets = tuple(os.environ.get(name, "") for name in names)

    def fingerprint(self) -> str:
        return ""  # real answers are new evidence every time: run ids are never content-derived

    async def complete(self, task: Task, model: str, repeat: int) -> Response:
        litellm = import_litellm()
        kwargs = request_kwargs(task, self.config.litellm_model(model), self.config.eval.timeout_s)
        override = self.config.models.get(model)
        if override and override.api_base:
            kwargs["api_base"] = override.api_base
        if override and override.api_key_env:
            kwargs["api_key"] = os.environ.get(override.api_key_env, "")
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
