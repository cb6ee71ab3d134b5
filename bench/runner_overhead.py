"""What the runner costs over a bare loop: 500 calls at concurrency 50 to a local stub answering in
50 ms, once through the project's runner (retries, budget, throttle, grading, SQLite store) and once
as bare `litellm.acompletion` + asyncio.gather, in one process. Each side runs `--rounds` times,
alternating which goes first, and the best of each is compared (the machine is shared: the best
round is the one least disturbed). Prints both timings, the process CPU time each side used (the
steadier figure on a shared machine), a third side, the bare loop at the runner's own mean number of
calls in flight (the runner's latency governor holds fewer calls in flight than asked when the process
is CPU-bound, so its stored latencies stay the model's), and, last, `ratio <runner/bare>` against the
bare loop at the asked concurrency.

    .venv/bin/python bench/runner_overhead.py [--calls 500] [--concurrency 50] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STUB = Path(__file__).resolve().parents[1] / "tests" / "stub_server.py"


def start_stub(latency_ms: float) -> tuple[subprocess.Popen, str]:
    """The stub in its own process, so its threads do not share this process's interpreter lock."""
    proc = subprocess.Popen(
        [sys.executable, str(STUB), "--latency-ms", str(latency_ms)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}/v1"


def tasks(n: int) -> list:
    from evals.records import Reference, Task

    return [
        Task(
            id=f"chat/b{i}",
            tier="chat",
            messages=[{"role": "user", "content": f"bench call {i}"}],
            checks=[{"contains": "ok"}],
            reference=Reference(content="ok"),
        )
        for i in range(n)
    ]


async def bare(url: str, calls: int, concurrency: int) -> float:
    from evals.providers.litellm_adapter import import_litellm

    litellm = import_litellm()
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await litellm.acompletion(
                model="openai/stub",
                api_base=url,
                api_key="bench",
                messages=[{"role": "user", "content": f"bench call {i}"}],
                num_retries=0,
                max_retries=0,
            )

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(calls)))
    return time.perf_counter() - started


def runner(
    url: str, calls: int, concurrency: int, folder: Path, round_no: int
) -> tuple[float, list[float], float]:
    from evals.providers.real import LiteLLMProvider
    from evals.records import Endpoint, Price
    from evals.run.plan import plan_cells
    from evals.run.runner import run_cells
    from evals.run.store import ResultStore

    endpoint = Endpoint("openai/stub", api_base=url, timeout_s=30, price=Price(0, 0, "config"))
    provider = LiteLLMProvider({"stub/m": endpoint})
    cells = plan_cells([(t, "stub/m") for t in tasks(calls)], 1)
    with ResultStore(folder / f"bench-{round_no}.db") as store:
        started = time.perf_counter()
        summary = asyncio.run(
            run_cells(provider, store, "bench", cells, concurrency=concurrency, max_attempts=4, max_wall_s=60)
        )
        elapsed = time.perf_counter() - started
    assert summary.completed == calls and summary.errors == 0, summary.error_types
    latencies = [r.latency_ms for r in summary.results if r.latency_ms is not None]
    return elapsed, latencies, summary.mean_in_flight or float(concurrency)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--settle-s", type=float, default=1.0)
    args = parser.parse_args()
    from evals.providers.litellm_adapter import import_litellm

    import_litellm()
    stub, url = start_stub(args.latency_ms)
    try:
        asyncio.run(bare(url, 20, 10))  # warm both paths' connections and caches
        bare_times, runner_times, latencies = [], [], []
        cpu: dict[str, list[float]] = {"bare": [], "runner": []}
        in_flight: list[float] = []
        with tempfile.TemporaryDirectory() as tmp:
            for round_no in range(args.rounds):
                # alternate which side goes first, and let LiteLLM's deferred logging work of one
                # side (its thread pool and logging worker) finish before the other side starts
                for side in ("bare", "runner") if round_no % 2 == 0 else ("runner", "bare"):
                    time.sleep(args.settle_s)
                    used = time.process_time()
                    if side == "bare":
                        bare_times.append(asyncio.run(bare(url, args.calls, args.concurrency)))
                    else:
                        elapsed, latencies, held = runner(
                            url, args.calls, args.concurrency, Path(tmp), round_no
                        )
                        runner_times.append(elapsed)
                        in_flight.append(held)
                    time.sleep(args.settle_s)  # LiteLLM's deferred logging of this side counts to it
                    cpu[side].append(time.process_time() - used)
            runner_concurrency = max(1, round(statistics.mean(in_flight)))
            same = []
            for _ in range(args.rounds):
                time.sleep(args.settle_s)
                same.append(asyncio.run(bare(url, args.calls, runner_concurrency)))
    finally:
        stub.terminate()
        stub.wait()
    b, r = min(bare_times), min(runner_times)
    cut = statistics.quantiles(latencies, n=20)
    print(f"calls {args.calls}, concurrency {args.concurrency}, stub latency {args.latency_ms:.0f} ms")
    listed = {
        side: ", ".join(f"{t:.3f}" for t in times) for side, times in (("b", bare_times), ("r", runner_times))
    }
    print(f"bare litellm.acompletion + gather: {b:.3f} s (rounds: {listed['b']})")
    print(f"runner (grading + store):          {r:.3f} s (rounds: {listed['r']})")
    print(f"runner stored latency: p50 {statistics.median(latencies):.0f} ms, p95 {cut[18]:.0f} ms")
    cb, cr = min(cpu["bare"]), min(cpu["runner"])
    print(f"process CPU, best round: bare {cb:.3f} s, runner {cr:.3f} s (cpu ratio {cr / cb:.2f})")
    print(
        f"bare at the runner's mean in-flight concurrency {runner_concurrency}: {min(same):.3f} s "
        f"(runner/that {r / min(same):.2f})"
    )
    print(f"ratio {r / b:.2f}")


if __name__ == "__main__":
    main()
