"""The `sim` provider: a litellm.CustomLLM that answers like a profiled model, deterministically.

Outcomes are seeded by (seed, model, task, repeat). A success returns the task's reference answer;
a failure returns a realistic wrong one. The runner grades both with the real checks, so the
simulator exercises the same path as a real run. Everything it produces is labelled `sim`.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from evals.checks.registry import grade
from evals.providers.base import estimate_tokens
from evals.providers.litellm_adapter import import_litellm, to_response
from evals.providers.sim.faults import agent_turn, code_faults, text_faults, tool_fault
from evals.records import Response, Task
from evals.stats import normal_quantile
from evals.tasks.agent import reference_turn, reference_turns

PROVIDER = "sim"
LATENCY_KEY = "sim_latency_ms"  # the decided latency travels from the handler in _hidden_params
Z_P95 = normal_quantile(0.95)  # a lognormal's p95 sits this many sigmas above its median


@dataclass(frozen=True)
class Profile:
    success: dict[str, float]
    tool_failures: dict[str, float]
    latency_median_ms: float
    latency_p95_ratio: float
    per_1k_prompt_ms: float
    reasoning_tokens: int


@dataclass(frozen=True)
class Outcome:
    success: bool
    failure_kind: str | None
    latency_ms: float
    rng_seed: int


def load_profiles(text: str | None = None) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The shipped profiles (or `text`): (default, per-model overrides)."""
    if text is None:
        text = resources.files("evals.providers.sim").joinpath("profiles.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return data["default"], data.get("models", {})


def profile_for(model: str, default: dict[str, Any], models: dict[str, dict[str, Any]]) -> Profile:
    """Merge a model's overrides onto the default; unknown models get the default profile."""
    merged = {**default, **models.get(model, {})}
    latency = {**default["latency_ms"], **merged.get("latency_ms", {})}
    return Profile(
        success={**default["success"], **merged.get("success", {})},
        tool_failures=dict(merged.get("tool_failures") or default["tool_failures"]),
        latency_median_ms=float(latency["median"]),
        latency_p95_ratio=float(latency["p95_ratio"]),
        per_1k_prompt_ms=float(latency.get("per_1k_prompt_ms", 0)),
        reasoning_tokens=int(merged.get("reasoning_tokens", 0)),
    )


def decide(profile: Profile, model: str, task: Task, repeat: int, seed: int) -> Outcome:
    """Whether this attempt succeeds, how it fails and how long it takes: a pure function of its inputs."""
    digest = hashlib.sha256(f"{seed}|{model}|{task.id}|{task.content_hash()}|{repeat}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    success = rng.random() < profile.success.get(task.tier, 0.8)
    kind = None
    if not success and task.tools:
        kinds = sorted(profile.tool_failures)
        kind = rng.choices(kinds, weights=[profile.tool_failures[k] for k in kinds])[0]
    sigma = math.log(profile.latency_p95_ratio) / Z_P95
    prompt_k = estimate_tokens([task.messages, task.tools]) / 1000
    spread = math.exp(sigma * rng.gauss(0, 1))
    latency = profile.latency_median_ms * spread + prompt_k * profile.per_1k_prompt_ms
    return Outcome(success, kind, round(latency, 1), rng.getrandbits(32))


def simulated_answer(task: Task, outcome: Outcome) -> Response:
    """The reference on success; on failure the first realistic wrong answer the checks reject."""
    ref = task.reference.as_response()
    if outcome.success:
        return ref
    rng = random.Random(outcome.rng_seed)
    if task.tools and (ref.tool_calls or any("no_tool_call" in c for c in task.checks)):
        kinds = [outcome.failure_kind or "wrong_value", "wrong_value", "missing_required", "no_call"]
        candidates = [tool_fault(task, ref, kind) for kind in kinds]
    elif any("python_tests" in c for c in task.checks):
        candidates = [*code_faults(ref, rng), *text_faults(ref, rng)]
    else:
        candidates = text_faults(ref, rng)
    for candidate in candidates:
        if not grade(task, candidate).passed:
            return candidate
    return candidates[-1]


def simulated_turn(task: Task, outcome: Outcome, turn: int) -> Response:
    """An agent task's answer at one turn: the reference's turn, except at the one turn where a
    failing attempt goes wrong (a tool-calling turn when the reference has any)."""
    ref_turn = reference_turn(task, turn)
    if outcome.success:
        return ref_turn
    rng = random.Random(outcome.rng_seed)
    call_turns = sorted({int(c.get("turn", 0)) for c in task.reference.tool_calls})
    wrong_at = rng.choice(call_turns or list(range(reference_turns(task))))
    return agent_turn(task, ref_turn, outcome.failure_kind, rng) if turn == wrong_at else ref_turn


@dataclass
class SimWorld:
    """What the CustomLLM handler needs to answer: tasks, profiles, seed. Set by SimProvider."""

    tasks: dict[str, Task] = field(default_factory=dict)
    default: dict[str, Any] = field(default_factory=dict)
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    seed: int = 0


_WORLD = SimWorld()
_HANDLER: Any = None


def _model_response(litellm: Any, model: str, answer: Response, prompt_tokens: int, completion: int) -> Any:
    calls = [
        {"id": f"call_{i}", "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
        for i, c in enumerate(answer.tool_calls)
    ]
    message: dict[str, Any] = {"role": "assistant", "content": answer.content}
    if calls:
        message["tool_calls"] = calls
    return litellm.ModelResponse(
        model=model,
        choices=[{"index": 0, "message": message, "finish_reason": answer.finish_reason or "stop"}],
        usage={
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": prompt_tokens + completion,
        },
    )


def _handler_class(litellm: Any) -> Any:
    class SimLLM(litellm.CustomLLM):
        """Registered as provider `sim`: `sim/<catalog slug>` answers like that model's profile."""

        async def acompletion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> Any:
            meta = (kwargs.get("litellm_params") or {}).get("metadata") or {}
            sim = meta.get("sim") or {}
            task = _WORLD.tasks[sim["task_id"]]
            profile = profile_for(model, _WORLD.default, _WORLD.models)
            outcome = decide(profile, model, task, int(sim.get("repeat", 0)), _WORLD.seed)
            if task.agent is not None:  # which turn: the assistant messages added since the task's own
                turn = sum(m.get("role") == "assistant" for m in messages[len(task.messages) :])
                answer = simulated_turn(task, outcome, turn)
            else:
                answer = simulated_answer(task, outcome)
            prompt_tokens = estimate_tokens([messages, task.tools])
            body = answer.content or json.dumps([c.arguments for c in answer.tool_calls])
            completion = estimate_tokens(body) + profile.reasoning_tokens
            raw = _model_response(litellm, model, answer, prompt_tokens, completion)
            raw._hidden_params[LATENCY_KEY] = outcome.latency_ms  # LiteLLM passes it through untouched
            return raw

        def completion(self, *args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError("the sim provider is async only (litellm.acompletion)")

    return SimLLM


def register(prices: dict[str, tuple[float, float]]) -> Any:
    """Register the `sim` provider and each model's price (USD per Mtok) with LiteLLM."""
    global _HANDLER
    litellm = import_litellm()
    if _HANDLER is None:
        _HANDLER = _handler_class(litellm)()
        litellm.custom_provider_map = [
            *[p for p in litellm.custom_provider_map if p.get("provider") != PROVIDER],
            {"provider": PROVIDER, "custom_handler": _HANDLER},
        ]
        from litellm.utils import custom_llm_setup

        custom_llm_setup()
    entries = {
        f"{PROVIDER}/{model}": {
            "input_cost_per_token": inp / 1e6,
            "output_cost_per_token": out / 1e6,
            "litellm_provider": PROVIDER,
            "mode": "chat",
        }
        for model, (inp, out) in sorted(prices.items())
    }
    if entries:
        litellm.register_model(entries)
    return litellm


class SimProvider:
    """Deterministic simulated models behind litellm.acompletion; every result is labelled `sim`."""

    kind = "sim"

    def __init__(
        self,
        tasks: list[Task],
        prices: dict[str, tuple[float, float]],
        seed: int = 0,
        profiles_text: str | None = None,
    ) -> None:
        default, models = load_profiles(profiles_text)
        _WORLD.tasks = {t.id: t for t in tasks}
        _WORLD.default, _WORLD.models, _WORLD.seed = default, models, seed
        self.prices = prices
        self.seed = seed
        self._litellm = register(prices)

    def fingerprint(self) -> str:
        """Identifies what the simulator would answer: used in deterministic run ids."""
        blob = json.dumps([_WORLD.default, _WORLD.models, self.seed, sorted(self.prices.items())])
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    async def complete(self, task: Task, model: str, repeat: int) -> Response:
        started = time.perf_counter()
        kwargs: dict[str, Any] = {
            "model": f"{PROVIDER}/{model}",
            "messages": task.messages,
            "metadata": {"sim": {"task_id": task.id, "repeat": repeat}},
            "num_retries": 0,
            "max_retries": 0,
        }
        if task.tools:
            kwargs["tools"] = task.tools
        raw = await self._litellm.acompletion(**kwargs)
        response = to_response(raw, started)
        if model not in self.prices:
            response.cost_usd = None  # unknown price: unknown cost, never a silent 0
        response.cost_source = "simulated" if response.cost_usd is not None else None
        response.latency_ms = raw._hidden_params[LATENCY_KEY]  # simulated, not the in-process call time
        return response
