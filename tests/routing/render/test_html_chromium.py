"""The HTML report in headless Chromium (Debian's `chromium`; `make test` installs it when missing):
it renders with scripts disabled, shows the three kinds of chart, and makes no network request.

A control page that loads an image from a local server proves the request recorder is not blind.
"""

from __future__ import annotations

import os
import shutil
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from routing.render.html import html_report
from tests.routing.render.cdp import Browser, find_chromium, load_page
from tests.routing.render.weekly_record import week

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed and could not be (make test runs `apt-get install chromium` as root)",
)


@pytest.fixture(scope="module")
def browser():
    b = Browser(CHROMIUM)
    yield b
    b.close()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_report_renders_its_three_charts_without_any_network_request(browser, tmp_path: Path):
    rec, src = week()
    page = tmp_path / "report.html"
    page.write_text(html_report(rec, src, "diff"))
    shot = tmp_path / "report.png"
    seen = load_page(browser, page.as_uri(), screenshot=shot)
    assert seen["requests"] == [page.as_uri()]  # the page itself, nothing else
    counts = seen["counts"]
    assert counts["figure.chart-pareto svg"] == 5  # one per tier
    assert counts["figure.chart-momentum svg"] == 1 and counts["figure.chart-failures svg"] == 1
    assert counts["table"] >= 7 and counts["script"] == 0
    width, height = png_size(shot)
    shutil.copy(shot, os.environ.get("ROUTING_SCREENSHOT", tmp_path / "kept.png"))
    assert width > 1000 and height > 3000  # the whole page (less a scrollbar), charts and tables laid out


def test_recorder_sees_a_request_when_a_page_makes_one(browser, tmp_path: Path):
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
        page = tmp_path / "leaky.html"
        page.write_text(f'<!DOCTYPE html><html><body><img src="{url}"></body></html>')
        seen = load_page(browser, page.as_uri())
    finally:
        server.shutdown()
        server.server_close()
    assert url in seen["requests"]
    assert hits == ["/pixel.png"]
