"""A local OpenAI-compatible stub of several models on 127.0.0.1, for the router and proxy tests."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class StubModels:
    """Answers /v1/chat/completions for any model name; models in `failing` answer HTTP 500.

    `calls` counts every request per model, so a test sees calls the router made and then abandoned.
    """

    def __init__(self) -> None:
        self.failing: set[str] = set()
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.api_base = f"http://127.0.0.1:{self.port}/v1"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                model = str(body.get("model"))
                with stub._lock:
                    stub.calls[model] += 1
                    failing = model in stub.failing
                if failing:
                    status, payload = 500, {"error": {"message": f"{model} is down", "type": "server_error"}}
                else:
                    status, payload = (
                        200,
                        {
                            "id": f"chatcmpl-{model}",
                            "object": "chat.completion",
                            "created": int(time.time()),
                            "model": model,
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": f"served by {model}"},
                                    "finish_reason": "stop",
                                }
                            ],
                            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                        },
                    )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def reset(self, failing: set[str] | None = None) -> None:
        with self._lock:
            self.failing = set(failing or ())
            self.calls = Counter()


@pytest.fixture(scope="module")
def stub_models() -> Iterator[StubModels]:
    stub = StubModels()
    thread = threading.Thread(target=stub.server.serve_forever, daemon=True)
    thread.start()
    yield stub
    stub.server.shutdown()
    stub.server.server_close()
    thread.join(timeout=5)
