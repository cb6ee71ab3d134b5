"""Async fan-out of (task, model, repeat) cells: per-provider concurrency, retries, budget, resume.

Tenacity here is the only retry owner (LiteLLM is called with retries off). Only transient errors
are retried, capped by attempts and wall time; an exhausted cell is `error`, never `fail`. Every
attempt is costed and reserved against the budget before it is made; each cell's result is written
to the store as it arrives, with all its attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from tenacity import AsyncRetrying, retry_if_result, stop_after_attempt, stop_after_delay

from evals.checks.registry import grade
from evals.providers.base import UNREACHED, Provider
from evals.providers.cost import combine
from evals.records import Response, Result, Task
from evals.run.budget import Budget
from evals.run.plan import Cell, plan_cells
from evals.run.store import ResultStore
from evals.run.throttle import Throttle
from evals.tasks.agent import run_agent
from evals.text import plural, some_of

__all__ = ["Cell", "RunObserver", "RunStart", "RunSummary", "call_with_retries", "plan_cells", "run_cells"]

MAX_WAIT_S = 60.0
GC_YOUNG_THRESHOLD = 50_000
GRADING_THREADS = 4  # sandboxed tests mostly wait on a child process
NOT_RUN = "budget_exceeded"  # an attempt the budget guard refused: no call was made


@dataclass(frozen=True)
class RunStart:
    """Told to the observer before the first call: enough to resume if the process dies."""

    run_id: str
    planned: int
    todo: int
    provider_kind: str
    plan: str = ""
    resume_command: str = ""


@dataclass
class RunSummary:
    run_id: str
    planned: int
    provider_kind: str = "real"
    reused: int = 0
    completed: int = 0
    errors: int = 0
    calls: int = 0
    started_at: float = field(default_factory=time.monotonic)
    budget: Budget = field(default_factory=Budget)
    error_types: Counter[str] = field(default_factory=Counter)
    first_errors: dict[str, str] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    unpriced_models: set[str] = field(default_factory=set)
    mean_in_flight: float | None = None  # calls in flight on average while this run called

    @property
    def spent_usd(self) -> float:
        return self.budget.spent

    @property
    def skipped_for_budget(self) -> int:
        return self.budget.skipped

    @property
    def _unknown_cost_results(self) -> list[Result]:
        return [r for r in self.results if r.status == "ok" and r.cost_usd is None]

    @property
    def unknown_cost_calls(self) -> int:
        """Answered cells of the whole run whose cost is unknown."""
        return len(self._unknown_cost_results)

    @property
    def _unpriced_results(self) -> list[Result]:
        return [r for r in self._unknown_cost_results if r.model in self.unpriced_models]

    @property
    def unpriced_calls(self) -> int:
        """Of those, the ones of models with no price: the cap could not count them at all."""
        return len(self._unpriced_results)

    @property
    def stopped_for_budget(self) -> bool:
        return self.budget.skipped > 0

    @property
    def all_errored(self) -> bool:
        """Every cell of the run ended in an error (exit code 3): nothing to decide from."""
        return bool(self.results) and all(r.status == "error" for r in self.results)

    @property
    def reached_no_server(self) -> bool:
        """Every cell errored without an answer from any server, on real calls: the models are not
        the problem (a replayed or simulated error says nothing about this machine's network)."""
        return self.all_errored and all(
            r.provider_kind == "real" and r.error_type in UNREACHED for r in self.results
        )

    def budget_note(self) -> str | None:
        """What the budget guard did, and what it could not guard (calls with no known price)."""
        parts = []
        sim = " simulated" if self.provider_kind == "sim" else ""
        if self.stopped_for_budget:
            counted = f"spent ${self.spent_usd:.2f}{sim}"
            if self.budget.estimated:
                counted += f" (${self.budget.estimated:.2f} of it estimated: calls of unknown cost)"
            parts.append(
                f"stopped before the cap: {plural(self.budget.skipped, 'attempt')} not run"
                f" (estimated ${self.budget.skipped_usd:.2f}{sim}); {counted}"
            )
        if self.unpriced_calls:
            models = sorted({r.model for r in self._unpriced_results})
            parts.append(
                f"{plural(self.unpriced_calls, 'attempt')} had no known price: not counted against the cap"
                f" ({some_of(models)})"
            )
        if self.unknown_cost_calls > self.unpriced_calls:
            estimated = self.unknown_cost_calls - self.unpriced_calls
            parts.append(f"{plural(estimated, 'attempt')} with no known cost: the cap counted an estimate")
        return "; ".join(parts) or None


class RunObserver(Protocol):
    """Follows a run: told its plan before the first call, then each finished cell."""

    def run_started(self, start: RunStart) -> None: ...

    def cell_done(self, result: Result, summary: RunSummary) -> None: ...


def _backoff(response: Response | None, attempt_number: int) -> float:
    """Honour retry-after when the server sent one, else jittered exponential backoff."""
    if response is not None and response.retry_after_s is not None:
        return min(MAX_WAIT_S, response.retry_after_s)
    base = min(MAX_WAIT_S, 0.5 * 2 ** (attempt_number - 1))
    return base * (0.5 + random.random() / 2)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Each call allocates thousands of short-lived objects (LiteLLM's response models, httpx): the
    young generation is collected less often while the run lasts (LiteLLM's own long-lived objects
    are already frozen out of collection at import)."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], GC_YOUNG_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _group(provider: Provider, model: str) -> str:
    group = getattr(provider, "group", None)
    return group(model) if callable(group) else provider.kind


async def call_with_retries(
    provider: Provider,
    cell: Cell,
    max_attempts: int,
    max_wall_s: float,
    *,
    throttle: Throttle | None = None,
    budget: Budget | None = None,
    estimate: float | None = None,
    on_retryable: Callable[[Response], None] | None = None,
) -> list[Response]:
    """One cell's attempts, in order (the last is the outcome). Each attempt waits for a slot of
    its provider group and for the budget guard; a refused first attempt returns []."""
    throttle = throttle or Throttle(1)
    budget = budget or Budget()
    group = _group(provider, cell.model)
    attempts: list[Response] = []

    async def attempt() -> Response:
        # reserved once a slot is free, not while queued: queued cells reserving the whole plan's
        # estimate at the start refused calls that the spend, once known, would have allowed
        async with throttle.slot(group):
            if not budget.reserve(estimate):
                return Response(error_type=NOT_RUN, error="stopped before the budget cap")
            cost = None
            try:
                response = await provider.complete(cell.task, cell.model, cell.repeat)
                cost = response.cost_usd
            finally:
                budget.settle(estimate, cost)
        if response.error_type == "rate_limited":
            throttle.rate_limited(group, response.retry_after_s)
        elif response.ok:
            throttle.succeeded(group)
        attempts.append(response)
        if response.retryable and on_retryable:
            on_retryable(response)
        return response

    started = time.monotonic()
    first = await attempt()  # most cells end here: tenacity is set up only for a retry
    if not first.retryable or max_attempts <= 1:
        return attempts
    await asyncio.sleep(_backoff(first, 1))
    retrying = AsyncRetrying(
        stop=stop_after_attempt(max_attempts - 1)
        | stop_after_delay(max(0.0, max_wall_s - (time.monotonic() - started))),
        retry=retry_if_result(lambda r: r.retryable),
        wait=lambda state: _backoff(
            state.outcome.result() if state.outcome else None, state.attempt_number + 1
        ),
        retry_error_callback=lambda state: state.outcome.result(),
        reraise=False,
    )
    await retrying(attempt)
    return attempts


async def attempt_cell(
    provider: Provider, cell: Cell, max_attempts: int, max_wall_s: float, **guards: Any
) -> tuple[list[Response], Response | None]:
    """One attempt: (every call made, in order, each costed; the outcome to grade). A single call
    with its retries, or for an agent task the scripted multi-turn loop (each turn with its own
    retries; the outcome is the whole conversation). A replay already holds the whole attempt, so
    it is never looped. No call made (the budget refused the first): ([], None)."""
    if cell.task.agent is None or provider.kind not in ("real", "sim"):
        attempts = await call_with_retries(provider, cell, max_attempts, max_wall_s, **guards)
        return attempts, attempts[-1] if attempts else None
    calls: list[Response] = []

    async def ask(step: Task) -> Response:
        turn = await call_with_retries(provider, replace(cell, task=step), max_attempts, max_wall_s, **guards)
        calls.extend(turn)
        return turn[-1] if turn else Response(error_type=NOT_RUN, error="stopped before the budget cap")

    outcome = await run_agent(cell.task, ask)
    return calls, outcome if calls else None


def _runs_code(cell: Cell) -> bool:
    return any("python_tests" in check for check in cell.task.checks)


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
        cost_source=response.cost_source,
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
    per_group: int | None = None,
    budget_usd: float | None = None,
    estimate_usd: Callable[[Cell], float | None] = lambda cell: None,
    observer: RunObserver | None = None,
) -> RunSummary:
    """Run the cells not yet done in this run; stop spending before the budget would be exceeded."""
    done = store.done_keys(run_id)
    todo = [c for c in cells if c.key not in done]
    prior = store.attempt_costs(run_id)
    summary = RunSummary(
        run_id=run_id,
        planned=len(cells),
        provider_kind=provider.kind,
        reused=len(cells) - len(todo),
        budget=Budget(cap=budget_usd, spent=sum(c for costs in prior.values() for c, _ in costs if c)),
    )
    throttle = Throttle(concurrency, per_group)

    async def one(cell: Cell) -> None:
        estimate = estimate_usd(cell)

        def retryable(response: Response) -> None:  # kept now: the process may die during the back-off
            store.put_attempts(run_id, cell.key, [response])

        attempts, last = await attempt_cell(
            provider,
            cell,
            max_attempts,
            max_wall_s,
            throttle=throttle,
            budget=summary.budget,
            estimate=estimate,
            on_retryable=retryable,
        )
        if last is None:
            summary.budget.skip(estimate)
            return
        kind = row_kind(provider, cell.model)

        def finished(result: Result) -> Result:
            costs = [*prior.get(cell.key, []), *((a.cost_usd, a.cost_source) for a in attempts)]
            result.cost_usd, result.cost_source = combine(costs)
            result.attempts = len(costs)
            store.put(cell.key, result, [a for a in attempts if not a.retryable])  # retryable ones are kept
            return result

        if _runs_code(cell):
            # Tests in a child process: off the event loop, so calls keep flowing; the answer, paid
            # for, is stored even when the run is torn down while it is being graded.
            grading = graders.submit(to_result, run_id, cell, last, kind)
            try:
                result = finished(await asyncio.wrap_future(grading))
            except asyncio.CancelledError:
                finished(grading.result())
                raise
        else:  # pure checks: graded and stored at once, so a crash cannot lose an answer paid for
            result = finished(to_result(run_id, cell, last, kind))
        summary.completed += 1
        summary.calls += len(attempts)
        if result.status == "error":
            summary.errors += 1
            summary.error_types[last.error_type or "error"] += 1
            summary.first_errors.setdefault(last.error_type or "error", f"{cell.model}: {last.error}")
        if observer:
            observer.cell_done(result, summary)

    governor = asyncio.create_task(throttle.follow_loop_lag())
    graders = ThreadPoolExecutor(max_workers=GRADING_THREADS, thread_name_prefix="grade")
    try:
        with _fewer_collections():
            await asyncio.gather(*(one(c) for c in todo))
    finally:
        governor.cancel()
        graders.shutdown(wait=True)
    summary.mean_in_flight = round(throttle.mean_in_flight, 1) if todo else None
    summary.results = store.results(run_id)
    summary.unpriced_models = {c.model for c in cells if estimate_usd(c) is None}
    return summary
