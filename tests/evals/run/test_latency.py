"""Stored latency is the model's, not the runner's queue: at concurrency 50 against a stub that answers
in 50 ms, the stored p95 stays within 1.5x of the one at concurrency 5."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from evals.providers.real import LiteLLMProvider
from evals.records import Endpoint, Price, Reference, Task
from evals.run.plan import plan_cells
from evals.run.runner import run_cells
from evals.run.store import ResultStore

STUB = Path(__file__).resolve().parents[2] / "stub_server.py"


@pytest.fixture(scope="module")
def stub_50ms():
    """The stub in its own process: its threads must not share the client's interpreter lock."""
    proc = subprocess.Popen(
        [sys.executable, str(STUB), "--latency-ms", "50"], stdout=subprocess.PIPE, text=True
    )
    port = int(proc.stdout.readline())
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    proc.wait()


def p95_latency(url: str, concurrency: int, calls: int, db: Path) -> float:
    tasks = [
        Task(
            id=f"chat/l{i}",
            tier="chat",
            messages=[{"role": "user", "content": f"latency {i}"}],
            checks=[{"contains": "ok"}],
            reference=Reference(content="ok"),
        )
        for i in range(calls)
    ]
    endpoint = Endpoint(
        "openai/stub", api_base=url, api_key_env=None, timeout_s=30, price=Price(0, 0, "config")
    )
    provider = LiteLLMProvider({"m": endpoint})
    with ResultStore(db) as store:
        summary = asyncio.run(
            run_cells(
                provider,
                store,
                "r",
                plan_cells([(t, "m") for t in tasks], 1),
                concurrency=concurrency,
                max_attempts=2,
                max_wall_s=60,
            )
        )
    latencies = [r.latency_ms for r in summary.results]
    assert summary.errors == 0 and len(latencies) == calls and all(v >= 50 for v in latencies)
    return statistics.quantiles(latencies, n=20)[18]


def test_p95_at_concurrency_50_is_within_1_5x_of_concurrency_5(stub_50ms, tmp_path):
    p95_latency(stub_50ms, 5, 20, tmp_path / "warm.db")  # connections and imports warm
    low = p95_latency(stub_50ms, 5, 100, tmp_path / "c5.db")
    high = p95_latency(stub_50ms, 50, 300, tmp_path / "c50.db")
    print(f"p95 at concurrency 5: {low:.0f} ms, at 50: {high:.0f} ms")
    assert high <= 1.5 * low
