"""The real provider against an OpenAI-compatible stub server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from evals.checks.registry import grade
from evals.providers.real import LiteLLMProvider
from evals.records import Reference, Task
from evals.run.runner import Cell, call_with_retries
from routing.config import Config

SECRET = "sk-stub-0123456789abcdef"


def completion(message: dict, finish: str = "stop") -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
    }


class Stub(BaseHTTPRequestHandler):
    """Serves a queue of (status, headers, body) answers; records each request body."""

    answers: ClassVar[list] = []
    seen: ClassVar[list] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Stub.seen.append({"body": body, "auth": self.headers.get("Authorization")})
        status, headers, payload = Stub.answers.pop(0)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Stub.answers, Stub.seen = [], []
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def provider(server, monkeypatch):
    monkeypatch.setenv("STUB_KEY", SECRET)
    config = Config.model_validate(
        {
            "version": 1,
            "tiers": {"chat": {"tasks": "x"}},
            "models": {
                "stub/model": {"litellm_model": "openai/stub", "api_base": server, "api_key_env": "STUB_KEY"}
            },
            "eval": {"timeout_s": 5},
        }
    )
    return LiteLLMProvider(config.endpoints(["stub/model"]))


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


def tool_message(arguments: str) -> dict:
    call = {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": arguments}}
    return {"content": None, "tool_calls": [call]}


def test_tool_call_round_trip_and_no_litellm_retries(provider):
    Stub.answers = [(200, {}, completion(tool_message('{"city": "Paris"}'), "tool_calls"))]
    response = asyncio.run(provider.complete(TASK, "stub/model", 0))
    assert response.ok and grade(TASK, response).passed
    assert response.prompt_tokens == 12 and response.latency_ms > 0
    sent = Stub.seen[0]
    assert sent["body"]["tools"][0]["function"]["name"] == "get_weather"
    assert sent["auth"] == f"Bearer {SECRET}"


def test_malformed_arguments_come_back_as_data(provider):
    Stub.answers = [(200, {}, completion(tool_message('{"city": "Par'), "tool_calls"))]
    response = asyncio.run(provider.complete(TASK, "stub/model", 0))
    assert response.ok
    assert grade(TASK, response).failure == "malformed_arguments"


def test_429_is_retried_with_retry_after_then_succeeds(provider):
    Stub.answers = [
        (429, {"retry-after": "0"}, {"error": {"message": "slow down", "type": "rate_limit"}}),
        (200, {}, completion(tool_message('{"city": "Paris"}'), "tool_calls")),
    ]
    attempts = asyncio.run(call_with_retries(provider, Cell(TASK, "stub/model", 0), 4, 30))
    assert len(attempts) == 2 and len(Stub.seen) == 2  # LiteLLM itself did not retry
    assert attempts[-1].ok


def test_400_is_final_and_the_key_never_reaches_the_error(provider):
    Stub.answers = [(400, {}, {"error": {"message": f"bad request with key {SECRET}", "type": "invalid"}})]
    attempts = asyncio.run(call_with_retries(provider, Cell(TASK, "stub/model", 0), 4, 30))
    response = attempts[-1]
    assert len(attempts) == 1 and not response.ok
    assert response.error_type == "http_400"
    assert response.error and "bad request with key" in response.error  # the server's message survives
    assert SECRET not in response.error and "[redacted]" in response.error
