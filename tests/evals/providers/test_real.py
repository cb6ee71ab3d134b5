"""The real provider against an OpenAI-compatible stub server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from stub_server import Reply, StubServer, completion, tool_call

from evals.checks.registry import grade
from evals.providers.real import LiteLLMProvider
from evals.records import Endpoint, Price, Reference, Task
from evals.run.plan import Cell
from evals.run.runner import call_with_retries

SECRET = "sk-stub-0123456789abcdef"

TASK = Task(
    id="agent/weather",
    tier="agent",
    messages=[{"role": "user", "content": "Weather in Paris?"}],
    tools=[
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
            },
        }
    ],
    checks=[{"tool_call": {"name": "get_weather", "args": {"city": ["Paris"]}}}],
    reference=Reference(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}]),
)


def tool_answer(arguments: str, **usage) -> dict:
    return completion(None, [tool_call("get_weather", arguments)], "tool_calls", **usage)


def provider_for(url: str, litellm_model: str = "openai/stub", price: Price | None = None, timeout_s=5.0):
    endpoint = Endpoint(litellm_model, api_base=url, api_key_env="STUB_KEY", timeout_s=timeout_s, price=price)
    return LiteLLMProvider({"stub/model": endpoint})


def call(provider, task=TASK):
    return asyncio.run(provider.complete(task, "stub/model", 0))


def attempts(provider, max_attempts=4, task=TASK):
    return asyncio.run(call_with_retries(provider, Cell(task, "stub/model", 0), max_attempts, 30))


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("STUB_KEY", SECRET)


def serve(*replies: Reply) -> StubServer:
    """Answers in order; the last one repeats."""
    queue = list(replies)
    return StubServer(lambda body, n: queue[min(n, len(queue) - 1)])


def test_tool_call_round_trip_and_no_litellm_retries():
    with serve(Reply(body=tool_answer('{"city": "Paris"}'))) as server:
        response = call(provider_for(server.url))
    assert response.ok and grade(TASK, response).passed
    assert response.prompt_tokens == 12 and response.latency_ms > 0
    assert server.seen[0]["body"]["tools"][0]["function"]["name"] == "get_weather"
    assert server.seen[0]["auth"] == f"Bearer {SECRET}"


def test_cost_reported_by_the_provider_wins_and_says_so():
    with serve(Reply(body=tool_answer('{"city": "Paris"}', cost=0.0123))) as server:
        response = call(provider_for(server.url, "openrouter/acme/new-model", Price(1, 1, "config")))
    assert (response.cost_usd, response.cost_source) == (0.0123, "provider")


def test_a_configured_price_is_applied_to_the_real_tokens():
    usage = {"prompt_tokens": 1000, "completion_tokens": 500}
    with serve(Reply(body=tool_answer('{"city": "Paris"}', **usage))) as server:
        response = call(provider_for(server.url, price=Price(2.0, 10.0, "config")))
    assert response.cost_source == "price"
    assert response.cost_usd == pytest.approx((1000 * 2.0 + 500 * 10.0) / 1e6)


def test_a_price_of_zero_is_zero_not_unknown():
    with serve(Reply(body=tool_answer('{"city": "Paris"}'))) as server:
        response = call(provider_for(server.url, price=Price(0, 0, "config")))
    assert (response.cost_usd, response.cost_source) == (0.0, "price")


def test_litellm_map_prices_a_model_it_maps_exactly():
    usage = {"prompt_tokens": 1000, "completion_tokens": 1000}
    with serve(Reply(body=tool_answer('{"city": "Paris"}', **usage))) as server:
        response = call(provider_for(server.url, "gpt-4o-mini"))
    assert response.cost_source == "litellm"
    assert response.cost_usd == pytest.approx(0.00015 + 0.0006)  # LiteLLM's map for gpt-4o-mini


def test_an_unmapped_openrouter_slug_without_price_is_unknown_not_free():
    with serve(Reply(body=tool_answer('{"city": "Paris"}'))) as server:
        response = call(provider_for(server.url, "openrouter/anthropic/claude-sonnet-4.6"))
    assert response.ok and (response.cost_usd, response.cost_source) == (None, None)


def test_a_map_entry_without_prices_is_unknown_not_free():
    """A litellm.Router registers each deployment's model in LiteLLM's price map without prices, which
    LiteLLM's own calculator then prices at $0."""
    from evals.providers.litellm_adapter import import_litellm, mapped_cost

    litellm = import_litellm()
    model = "openrouter/vendor/not-in-the-map"
    deployment = {
        "model_name": "g",
        "litellm_params": {"model": model, "api_key": "k"},
        "model_info": {"id": "g:1"},
    }
    litellm.Router(model_list=[deployment])
    try:
        assert litellm.model_cost[model].get("input_cost_per_token") is None  # the Router's entry
        assert litellm.cost_per_token(model=model, prompt_tokens=1000, completion_tokens=1000) == (0, 0)
        assert mapped_cost(litellm, model, 1000, 1000) is None
    finally:
        litellm.model_cost.pop(model, None)


def test_malformed_arguments_come_back_as_a_graded_failure():
    with serve(Reply(body=tool_answer('{"city": "Par'))) as server:
        response = call(provider_for(server.url))
    assert response.ok
    assert grade(TASK, response).failure == "malformed_arguments"


def test_empty_choices_is_an_invalid_response_error_not_a_crash():
    with serve(Reply(body={**completion(), "choices": []})) as server:
        result = attempts(provider_for(server.url))
    assert [a.error_type for a in result] == ["invalid_response"] and len(server.seen) == 1


@pytest.mark.parametrize("model", ["openai/stub", "openrouter/acme/m"])
def test_an_html_page_with_status_200_is_html_response_and_not_retried(model):
    page = Reply(body="<!doctype html><html><body>Sign in</body></html>", content_type="text/html")
    with serve(page) as server:
        result = attempts(provider_for(server.url, model))
    assert [a.error_type for a in result] == ["html_response"] and not result[0].retryable
    assert len(server.seen) == 1


def test_a_refused_connection_is_connection_refused_and_final():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    result = attempts(provider_for(f"http://127.0.0.1:{port}/v1"))
    assert [a.error_type for a in result] == ["connection_refused"]
    assert (result[0].cost_usd, result[0].cost_source) == (0.0, "not_billed")


UNRESOLVABLE = "http://no-such-host.invalid:9/v1"  # .invalid never resolves (RFC 6761): no lookup leaves


@pytest.mark.parametrize("model", ["openai/stub", "openrouter/acme/m"])
def test_an_unresolvable_host_is_name_resolution_final_and_not_billed(model):
    """LiteLLM wraps the DNS failure as a 500 (openai/) or a retryable connection error (openrouter/)."""
    result = attempts(provider_for(UNRESOLVABLE, model), max_attempts=4)
    assert [a.error_type for a in result] == ["name_resolution"] and not result[0].retryable
    assert (result[0].cost_usd, result[0].cost_source) == (0.0, "not_billed")


def test_a_lookup_failure_anywhere_in_the_chain_is_name_resolution():
    """However deep LiteLLM buries the resolver's own error, the chain finds it."""
    from evals.providers.litellm_adapter import classify_litellm_error, import_litellm

    litellm = import_litellm()
    try:
        try:
            socket.getaddrinfo("no-such-host.invalid", 443)
        except socket.gaierror as lookup:
            raise ConnectionError("Cannot connect to host no-such-host.invalid:443") from lookup
    except ConnectionError as transport:
        try:
            raise litellm.APIConnectionError("Connection error.", "openrouter", "acme/m") from transport
        except litellm.APIConnectionError as wrapped:
            decision = classify_litellm_error(wrapped)
    assert (decision.retry, decision.error_type) == (False, "name_resolution")


def test_429_is_retried_after_the_servers_wait_then_succeeds():
    limited = Reply(429, {"error": {"message": "slow down"}}, headers={"retry-after": "0"})
    with serve(limited, Reply(body=tool_answer('{"city": "Paris"}'))) as server:
        result = attempts(provider_for(server.url))
    assert [a.error_type for a in result] == ["rate_limited", None] and len(server.seen) == 2
    assert result[0].retry_after_s == 0.0


def test_a_persistent_500_is_tried_exactly_max_attempts_times():
    with serve(Reply(500, {"error": {"message": "boom"}}, headers={"retry-after": "0"})) as server:
        result = attempts(provider_for(server.url), max_attempts=3)
    assert [a.error_type for a in result] == ["http_500"] * 3 and len(server.seen) == 3


def test_a_timeout_is_retried_and_its_cost_is_unknown():
    slow = Reply(body=tool_answer('{"city": "Paris"}'), delay_s=1.0)
    with serve(slow, Reply(body=tool_answer('{"city": "Paris"}'))) as server:
        result = attempts(provider_for(server.url, timeout_s=0.3))
    assert [a.error_type for a in result] == ["timeout", None]
    assert result[0].cost_usd is None  # the server may have billed it: unknown, not 0


def test_401_is_final_with_one_clear_line_and_no_key():
    body = {"error": {"message": f"invalid key {SECRET}", "type": "auth"}}
    with serve(Reply(401, body)) as server:
        result = attempts(provider_for(server.url))
    assert [a.error_type for a in result] == ["authentication"] and len(server.seen) == 1
    assert "\n" not in result[0].error and SECRET not in result[0].error


def test_400_is_final_and_the_key_never_reaches_the_error():
    body = {"error": {"message": f"bad request with key {SECRET}", "type": "invalid"}}
    with serve(Reply(400, body)) as server:
        result = attempts(provider_for(server.url))
    response = result[-1]
    assert len(result) == 1 and response.error_type == "http_400"
    assert "bad request with key" in response.error  # the server's message survives
    assert SECRET not in response.error and "[redacted]" in response.error


def test_a_key_of_any_shape_echoed_in_part_is_redacted_from_content(monkeypatch):
    canary = "canary-7f3a9c2e5b1d4086aa"
    monkeypatch.setenv("STUB_KEY", canary)
    with serve(Reply(body=completion(f"your key ends in {canary[-12:]}"))) as server:
        response = call(provider_for(server.url))
    assert canary[-12:] not in response.content and "[redacted]" in response.content


def test_streaming_records_the_time_to_first_token_and_the_whole_answer():
    body = completion("ok Paris", prompt_tokens=20, completion_tokens=4)
    with serve(Reply(body=body, delay_s=0.1, stream_gap_s=0.4)) as server:
        endpoint = Endpoint(
            "openai/stub",
            api_base=server.url,
            api_key_env="STUB_KEY",
            price=Price(1, 1, "config"),
            stream=True,
        )
        provider = LiteLLMProvider({"stub/model": endpoint})
        call(provider)  # the first streamed call pays LiteLLM's one-time set-up
        response = call(provider)
        assert server.seen[0]["body"]["stream"] is True
    assert response.ok and response.content == "ok Paris"
    assert response.ttft_ms >= 100 and response.ttft_ms + 300 < response.latency_ms
    assert (response.prompt_tokens, response.completion_tokens, response.cost_source) == (20, 4, "price")


@pytest.mark.parametrize(("status", "kind", "retried"), [(502, "http_502", True), (404, "not_found", False)])
def test_an_html_error_page_keeps_its_status_class(status, kind, retried):
    page = Reply(
        status,
        "<html><body>proxy error</body></html>",
        content_type="text/html",
        headers={"retry-after": "0"},
    )
    with serve(page) as server:
        result = attempts(provider_for(server.url), max_attempts=2)
    assert [a.error_type for a in result] == [kind] * (2 if retried else 1)


@pytest.mark.parametrize("exc", [ConnectionResetError(104, "reset"), ConnectionError("dropped")])
def test_a_dropped_connection_raised_bare_is_a_retryable_connection_error(exc):
    """A transport that raises the builtin error itself (no LiteLLM wrapper) is still transient."""
    from evals.providers.litellm_adapter import classify_litellm_error

    decision = classify_litellm_error(exc)
    assert decision.retry and decision.error_type == "connection_error"
