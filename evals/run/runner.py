"""Async fan-out of (task, model, repeat) cells with a concurrency limit, retries, budget and resume.

Tenacity here is the only retry owner (LiteLLM is called with retries off). Only transient errors
are retried, capped by attempts and wall time; an exhausted cell is `error`, never `fail`. Each
result is written to the store as it arrives.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from tenacity import AsyncRetrying, RetryCallState, retry_if_result, stop_after_attempt, stop_after_delay

from evals.checks.registry import grade
from evals.providers.base import Provider
from evals.records import Response, Result, Task, cache_key
from evals.run.store import ResultStore
from evals.tasks.agent import run_agent

MAX_WAIT_S = 60.0


@dataclass(frozen=True)
class Cell:
    task: Task
    model: str
    repeat: int

    @property
    def key(self) -> str:
        return cache_key(self.model, self.task.content_hash(), self.task.params, self.repeat)


@dataclass
class RunSummary:
    run_id: str
    planned: int
    provider_kind: str = "real"
    reused: int = 0
    completed: int = 0
    errors: int = 0
    skipped_for_budget: int = 0
    spent_usd: float = 0.0
    results: list[Result] = field(default_factory=list)

    @property
    def unknown_cost_calls(self) -> int:
        """Answered attempts of the whole run with no known price (the budget guard cannot count them)."""
        return sum(1 for r in self.results if r.status == "ok" and r.cost_usd is None)

    @property
    def stopped_for_budget(self) -> bool:
        return self.skipped_for_budget > 0

    def budget_note(self) -> str | None:
        """What the budget guard did, and what it could not guard (calls with no known price)."""
        parts = []
        spent = f"${self.spent_usd:.2f}" + (" simulated" if self.provider_kind == "sim" else "")
        if self.stopped_for_budget:
            parts.append(
                f"stopped before the cap: {self.skipped_for_budget} attempts not run (spent {spent})"
            )
        if self.unknown_cost_calls:
            parts.append(
                f"{self.unknown_cost_calls} attempts had no known price and are not counted against the cap"
            )
        return "; ".join(parts) or None


def plan_cells(pairs: Sequence[tuple[Task, str]], repeats: int) -> list[Cell]:
    """Every (task, model) pair times `repeats`, in a stable order."""
    return [Cell(task, model, r) for task, model in pairs for r in range(repeats)]


def _wait(state: RetryCallState) -> float:
    """Honour retry-after when the server sent one, else jittered exponential backoff."""
    response: Response | None = state.outcome.result() if state.outcome else None
    if response is not None and response.retry_after_s is not None:
        return min(MAX_WAIT_S, response.retry_after_s)
    base = min(MAX_WAIT_S, 0.5 * 2 ** (state.attempt_number - 1))
    return base * (0.5 + random.random() / 2)


async def call_with_retries(
    provider: Provider, cell: Cell, max_attempts: int, max_wall_s: float
) -> tuple[Response, int]:
    """One cell's attempts: returns the last response and how many calls were made."""
    retrying = AsyncRetrying(
        stop=stop_after_attempt(max_attempts) | stop_after_delay(max_wall_s),
        retry=retry_if_result(lambda r: r.retryable),
        wait=_wait,
        retry_error_callback=lambda state: state.outcome.result(),
        reraise=False,
    )
    calls = 0

    async def attempt() -> Response:
        nonlocal calls
        calls += 1
        return await provider.complete(cell.task, cell.model, cell.repeat)

    response = await retrying(attempt)
    return response, calls


async def attempt_cell(provider: Provider, cell: Cell, max_attempts: int, max_wall_s: float) -> Response:
    """One attempt: a single call, or for an agent task the scripted multi-turn loop (each turn
    with its own retries). A replay already holds the whole attempt, so it is never looped."""
    if cell.task.agent is None or provider.kind not in ("real", "sim"):
        return (await call_with_retries(provider, cell, max_attempts, max_wall_s))[0]

    async def ask(step: Task) -> Response:
        return (await call_with_retries(provider, replace(cell, task=step), max_attempts, max_wall_s))[0]

    return await run_agent(cell.task, ask)


def row_kind(provider: Provider, model: str) -> str:
    """The provenance of one model's rows: the provider's kind, unless it mixes sources per model."""
    kind_of = getattr(provider, "kind_of", None)
    return kind_of(model) if callable(kind_of) else provider.kind


def to_result(run_id: str, cell: Cell, response: Response, kind: str) -> Result:
    """Grade an answered call with the real checks; an errored call gets no verdict."""
    passed = failure = details = None
    if response.ok:
        verdict = grade(cell.task, response)
        passed, failure, details = verdict.passed, verdict.failure, verdict.details
    return Result(
        run_id=run_id,
        task_id=cell.task.id,
        task_hash=cell.task.content_hash(),
        tier=cell.task.tier,
        model=cell.model,
        repeat=cell.repeat,
        provider_kind=kind,  # type: ignore[arg-type]
        status="ok" if response.ok else "error",
        error_type=response.error_type,
        passed=passed,
        failure=failure,
        check_details=details,
        latency_ms=response.latency_ms,
        ttft_ms=response.ttft_ms,
        prompt_tokens=response.prompt_tokens,
        completion_tokens=response.completion_tokens,
        cost_usd=response.cost_usd,
        response=response.to_json() if response.ok else {"error": response.error},
    )


async def run_cells(
    provider: Provider,
    store: ResultStore,
    run_id: str,
    cells: Sequence[Cell],
    *,
    concurrency: int,
    max_attempts: int,
    max_wall_s: float,
    budget_usd: float | None = None,
    estimate_usd: Callable[[Cell], float | None] = lambda cell: None,
    on_result: Callable[[Result], None] | None = None,
) -> RunSummary:
    """Run the cells not yet done in this run; stop spending before the budget would be exceeded."""
    done = store.done_keys(run_id)
    todo = [c for c in cells if c.key not in done]
    summary = RunSummary(
        run_id=run_id, planned=len(cells), provider_kind=provider.kind, reused=len(cells) - len(todo)
    )
    semaphore = asyncio.Semaphore(concurrency)
    lock = asyncio.Lock()
    reserved = 0.0

    async def one(cell: Cell) -> None:
        nonlocal reserved
        estimate = estimate_usd(cell) or 0.0
        async with semaphore:
            async with lock:
                if budget_usd is not None and summary.spent_usd + reserved + estimate > budget_usd:
                    summary.skipped_for_budget += 1
                    return
                reserved += estimate
            try:
                response = await attempt_cell(provider, cell, max_attempts, max_wall_s)
            finally:
                async with lock:
                    reserved -= estimate
            # grading may run tests in a child process: off the event loop, so calls keep flowing
            kind = row_kind(provider, cell.model)
            result = await asyncio.to_thread(to_result, run_id, cell, response, kind)
            store.put(cell.key, result)
            async with lock:
                summary.completed += 1
                summary.errors += result.status == "error"
                if result.cost_usd is not None:
                    summary.spent_usd += result.cost_usd
            if on_result:
                on_result(result)

    await asyncio.gather(*(one(c) for c in todo))
    summary.results = store.results(run_id)
    return summary
