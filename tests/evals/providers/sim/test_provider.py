"""The simulator through real litellm.acompletion, graded by the real checks."""

import asyncio

import pytest

from evals.checks.registry import grade
from evals.providers.sim.provider import SimProvider, decide, load_profiles, profile_for
from evals.records import TOOL_FAILURES, Reference, Task

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def agent_task():
    return Task(
        id="agent/weather",
        tier="agent",
        messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[WEATHER],
        checks=[{"tool_call": {"name": "get_weather", "args": {"city": ["Paris"]}}}],
        reference=Reference(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}]),
    )


def chat_task():
    return Task(
        id="chat/capital",
        tier="chat",
        messages=[{"role": "user", "content": "Capital of France? One word."}],
        checks=[{"regex": "^Paris\\.?$"}],
        reference=Reference(content="Paris"),
    )


PROFILES = """
default:
  success: {coding: 0.5, agent: 0.5, long_context: 0.5, chat: 0.5, extraction: 0.5}
  tool_failures: {malformed_arguments: 1, missing_required: 1, wrong_function: 1, no_call: 1}
  latency_ms: {median: 1000, p95_ratio: 2}
models:
  perfect/model:
    success: {agent: 1.0, chat: 1.0}
"""


def run_all(provider, tasks, model, repeats):
    async def go():
        return [(t, await provider.complete(t, model, r)) for t in tasks for r in range(repeats)]

    return asyncio.run(go())


def test_deterministic_and_graded_by_real_checks():
    tasks = [agent_task(), chat_task()]
    provider = SimProvider(tasks, {"some/model": (1.0, 2.0)}, seed=3, profiles_text=PROFILES)
    first = run_all(provider, tasks, "some/model", 30)
    second = run_all(provider, tasks, "some/model", 30)
    assert [r for _, r in first] == [r for _, r in second]
    verdicts = [grade(t, r) for t, r in first]
    passes = sum(v.passed for v in verdicts)
    assert 15 < passes < 45  # about half of 60 at p=0.5
    agent_failures = {
        v.failure for (t, _), v in zip(first, verdicts, strict=True) if t.tier == "agent" and not v.passed
    }
    assert agent_failures and agent_failures <= set(TOOL_FAILURES)
    assert len(agent_failures) >= 3  # a realistic mix, not one canned failure


def test_success_returns_reference_and_costs_from_registered_price():
    tasks = [agent_task()]
    provider = SimProvider(tasks, {"perfect/model": (1.0, 2.0)}, profiles_text=PROFILES)
    [(t, response)] = run_all(provider, tasks, "perfect/model", 1)
    assert grade(t, response).passed
    assert response.tool_calls[0].name == "get_weather"
    expected = (response.prompt_tokens * 1.0 + response.completion_tokens * 2.0) / 1e6
    assert response.cost_usd == pytest.approx(expected)


def test_unknown_price_means_unknown_cost():
    tasks = [chat_task()]
    provider = SimProvider(tasks, {}, profiles_text=PROFILES)
    [(_, response)] = run_all(provider, tasks, "perfect/model", 1)
    assert response.cost_usd is None


def test_latency_follows_profile_median():
    default, models = load_profiles(PROFILES)
    profile = profile_for("x/y", default, models)
    lat = sorted(decide(profile, "x/y", chat_task(), r, 0).latency_ms for r in range(400))
    assert 800 < lat[200] < 1250


def test_shipped_profiles_cover_every_tier():
    default, models = load_profiles()
    for name, override in models.items():
        profile = profile_for(name, default, models)
        assert set(profile.success) == {"coding", "agent", "long_context", "chat", "extraction"}, name
        assert all(0 <= p <= 1 for p in profile.success.values())
        assert override  # no empty entries
