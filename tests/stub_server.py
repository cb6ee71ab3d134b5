"""A local OpenAI-compatible chat server for tests and benches (127.0.0.1, a free port, no internet).

Each POST is answered by `script(request_body, n)` -> Reply (status, headers, body, delay); every
request is recorded (body, Authorization header) so a test can count what was paid for. Runs in a
thread (`StubServer` as a context manager) or as its own process (`python tests/stub_server.py`,
which prints its port), so a test can kill a client mid-run while the server keeps counting.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(
    content: str | None = "ok",
    tool_calls: list[dict] | None = None,
    finish: str = "stop",
    prompt_tokens: int = 12,
    completion_tokens: int = 3,
    cost: float | None = None,
) -> dict[str, Any]:
    """A chat.completion body; `cost` adds OpenRouter's `usage.cost`."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    usage: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if cost is not None:
        usage["cost"] = cost
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": "stub",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": usage,
    }


def tool_call(name: str, arguments: str) -> dict[str, Any]:
    return {"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}}


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=completion)  # dict -> JSON, str/bytes -> sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # before the answer (or its first streamed piece)
    content_type: str = "application/json"
    stream_gap_s: float = 0.0  # between the first streamed piece and the rest


Script = Callable[[dict[str, Any], int], Reply]


def user_text(body: dict[str, Any]) -> str:
    """The last user message of a request (tests key their scripts on it)."""
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            return message["content"]
    return ""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real gateway
    # and TCP_NODELAY, as real servers set it: headers and body go out in two writes, and with Nagle
    # on, the body waits for the client's delayed ACK (~40 ms), which measured here as model latency
    disable_nagle_algorithm = True
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        owner = self.server.owner
        with owner.lock:
            n = len(owner.seen)
            owner.seen.append({"body": body, "auth": self.headers.get("Authorization")})
        reply = owner.script(body, n)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if body.get("stream") and reply.status == 200 and isinstance(reply.body, dict):
            self._stream(reply)
            return
        raw = reply.body
        data = (
            raw
            if isinstance(raw, bytes)
            else (raw.encode() if isinstance(raw, str) else json.dumps(raw).encode())
        )
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, reply: Reply) -> None:
        """The same answer as server-sent events: the content in two pieces (`stream_gap_s` apart),
        then the finish reason and usage, then [DONE]."""
        message = reply.body["choices"][0]["message"]
        content = message.get("content") or ""
        half = len(content) // 2
        base = {k: reply.body[k] for k in ("id", "object", "created", "model")} | {
            "object": "chat.completion.chunk"
        }
        events = [
            {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": content[:half]}}]},
            {**base, "choices": [{"index": 0, "delta": {"content": content[half:]}}]},
            {
                **base,
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                "usage": reply.body["usage"],
            },
        ]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for i, event in enumerate(events):
            if i == 1 and reply.stream_gap_s:
                time.sleep(reply.stream_gap_s)
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    owner: StubServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (killed, timed out) is part of the tests, not a server error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class StubServer:
    """Start on enter, stop on exit; `url` is the api_base (…/v1), `seen` every request received."""

    def __init__(self, script: Script | None = None) -> None:
        self.script: Script = script or (lambda body, n: Reply())
        self.seen: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def main(argv: list[str] | None = None) -> None:
    """Serve completions after --latency-ms; print the port, then one line per request received."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--log", action="store_true", help="print each request's last user message")
    args = parser.parse_args(argv)

    def script(body: dict[str, Any], n: int) -> Reply:
        if args.log:
            print(f"request {json.dumps(user_text(body))}", flush=True)
        return Reply(delay_s=args.latency_ms / 1000)

    server = StubServer(script)
    server._httpd.owner = server
    print(server.port, flush=True)
    server._httpd.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
