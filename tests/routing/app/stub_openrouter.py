"""A local stand-in for openrouter.ai on 127.0.0.1: serves recorded responses, records every request.

Responses are scripted per path: each request takes the next (status, headers, body) of its path's
list, and the last one repeats. Started and stopped by the test that uses it (no internet here).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    authorization: str | None
    at: float


@dataclass
class Stub:
    script: dict[str, list[tuple[int, dict[str, str], str]]]
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/v1"

    def __enter__(self) -> Stub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                stub.seen.append(
                    Seen(url.path, parse_qs(url.query), self.headers.get("Authorization"), time.monotonic())
                )
                replies = stub.script.get(url.path) or [(404, {}, '{"error": "not found"}')]
                status, headers, body = replies.pop(0) if len(replies) > 1 else replies[0]
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
