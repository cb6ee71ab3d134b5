"""Scores per model x tier: tiny pure functions over a list of results, each safe on the empty list."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from statistics import NormalDist, quantiles

from evals.records import TOOL_FAILURES, Result

Z95 = NormalDist().inv_cdf(0.975)  # two-sided 95%


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """95% Wilson score interval for a proportion; (None, None) when there is no data."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q a whole number in 1..99) of the values; None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return float(quantiles(values, n=100, method="inclusive")[round(q) - 1])


def graded(results: Iterable[Result]) -> list[Result]:
    """Attempts that got a verdict (errors excluded: an exhausted retry is not a model failure)."""
    return [r for r in results if r.status == "ok" and r.passed is not None]


def success_rate(results: Sequence[Result]) -> float | None:
    done = graded(results)
    return sum(r.passed for r in done) / len(done) if done else None


TOOL_CHECKS = ("tool_call", "no_tool_call")


def offers_tools(result: Result) -> bool:
    """Was this attempt graded on tool use? From its checks; a recorded row without check details
    counts when it failed on a tool-call code (a cut-off answer alone says nothing about tools)."""
    if result.check_details:
        return any(d.get("check") in TOOL_CHECKS for d in result.check_details)
    return result.failure in TOOL_FAILURES and result.failure != "truncated"


def tool_failure_rate(results: Sequence[Result]) -> float | None:
    """Share of graded attempts on tool tasks that failed on a tool-call taxonomy code; None without any."""
    done = [r for r in graded(results) if offers_tools(r)]
    if not done:
        return None
    return sum(1 for r in done if r.failure in TOOL_FAILURES) / len(done)


def total_cost(results: Sequence[Result]) -> float | None:
    """Spend including failed attempts and retries; None when any attempt's cost is unknown (a partial
    sum would show a model cheaper than it is)."""
    if not results or any(r.cost_usd is None for r in results):
        return None
    return sum(r.cost_usd or 0.0 for r in results)


def cost_per_success(results: Sequence[Result]) -> float | None:
    """Total spend on the tier (failures included) divided by the number of passes."""
    return _per_success(total_cost(results), results)


def _per_success(spend: float | None, results: Sequence[Result]) -> float | None:
    passes = sum(1 for r in graded(results) if r.passed)
    if spend is None or passes == 0:
        return None
    return spend / passes


def unpriced_attempts(results: Sequence[Result]) -> int:
    """Calls whose cost is unknown (a retried timeout, an error row recorded without cost_usd)."""
    return sum(max(r.attempts, 1) for r in results if r.cost_usd is None)


def cost_range(results: Sequence[Result]) -> tuple[float, float] | None:
    """Spend as (floor, high estimate), what a decision may lean on when a few calls have no price.

    The shown cost stays unknown; the floor counts each unpriced call at zero (no call costs less), the
    high estimate at the dearest answered, priced call of the same rows (it errs on the dear side: an
    unpriced error was most often not billed at all). Both are the spend when every call is priced.
    None without any row, or when no answered call is priced: an unpriced model whose only priced
    calls are refused connections ($0, not billed) must not look free.
    """
    known = sum(r.cost_usd for r in results if r.cost_usd is not None)
    unpriced = unpriced_attempts(results)
    if not unpriced:
        return (known, known) if results else None
    answered = [r for r in results if r.cost_usd is not None and r.status == "ok"]
    if not answered:
        return None
    dearest = max((r.cost_usd or 0.0) / max(r.attempts, 1) for r in answered)
    return known, known + dearest * unpriced


def latency_s(results: Sequence[Result], q: float) -> float | None:
    """A latency percentile in seconds, to the microsecond (finer digits are interpolation noise)."""
    values = [r.latency_ms / 1000 for r in results if r.status == "ok" and r.latency_ms is not None]
    value = percentile(values, q)
    return None if value is None else round(value, 6)


@dataclass(frozen=True)
class TaskStats:
    """One model on one task: the unit of evidence (repeats of a task are not independent)."""

    graded: int
    pass_fraction: float | None  # share of graded repeats that passed; None when none was graded
    tool_graded: int  # graded repeats of a tool task
    tool_failures: int
    latencies_s: tuple[float, ...]


def task_stats(results: Sequence[Result]) -> dict[str, TaskStats]:
    """Results of one model grouped by task id."""
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.task_id, []).append(r)
    out = {}
    for task_id, rows in sorted(groups.items()):
        done = graded(rows)
        tools = [r for r in done if offers_tools(r)]
        out[task_id] = TaskStats(
            graded=len(done),
            pass_fraction=sum(1 for r in done if r.passed) / len(done) if done else None,
            tool_graded=len(tools),
            tool_failures=sum(1 for r in tools if r.failure in TOOL_FAILURES),
            latencies_s=tuple(
                r.latency_ms / 1000 for r in rows if r.status == "ok" and r.latency_ms is not None
            ),
        )
    return out


@dataclass(frozen=True)
class Score:
    """One model on one tier. Rates are over graded attempts; n counts them; `tasks` counts the
    distinct tasks graded and `task_successes` sums their pass fractions (the clustered evidence)."""

    model: str
    tier: str
    n: int
    passes: int
    errors: int
    success_rate: float | None
    success_low: float | None
    success_high: float | None
    tool_failure_rate: float | None
    latency_p50_s: float | None
    latency_p95_s: float | None
    cost_usd: float | None
    cost_per_success_usd: float | None
    provider_kinds: tuple[str, ...]
    tasks: int = 0
    task_successes: float = 0.0
    # What decisions read (evals.scores.cost_range): with some calls unpriced the shown cost is unknown,
    # these are its high estimate and floor; equal to the known figures when every call is priced.
    unpriced_attempts: int = 0
    cost_high_usd: float | None = None
    cost_per_success_high_usd: float | None = None
    cost_per_success_low_usd: float | None = None
    by_task: Mapping[str, TaskStats] = field(default_factory=dict, compare=False, repr=False)
    # graded attempts that failed on a tool-call taxonomy code, per code (the report's failure chart)
    tool_failures: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def simulated(self) -> bool:
        return "sim" in self.provider_kinds

    def to_dict(self) -> dict:
        kept = (f.name for f in fields(self) if f.name not in ("by_task", "tool_failures"))
        data = {name: getattr(self, name) for name in kept}
        data["provider_kinds"] = list(self.provider_kinds)
        data["task_successes"] = round(self.task_successes, 6)
        data["simulated"] = self.simulated  # a simulated figure says so wherever it goes
        return data


def tool_failure_counts(results: Sequence[Result]) -> dict[str, int]:
    """Graded attempts failed on each tool-call taxonomy code, codes in taxonomy order."""
    counts = {code: 0 for code in TOOL_FAILURES}
    for r in graded(results):
        if r.failure in counts:
            counts[r.failure] += 1
    return {code: n for code, n in counts.items() if n}


def score(model: str, tier: str, results: Sequence[Result]) -> Score:
    done = graded(results)
    passes = sum(1 for r in done if r.passed)
    per_task = task_stats(results)
    fractions = [s.pass_fraction for s in per_task.values() if s.pass_fraction is not None]
    # The interval counts tasks, not attempts: repeats of one task are not independent evidence.
    success_low, success_high = wilson_interval(sum(fractions), len(fractions))
    spend_low, spend_high = cost_range(results) or (None, None)
    return Score(
        model=model,
        tier=tier,
        n=len(done),
        passes=passes,
        errors=sum(1 for r in results if r.status == "error"),
        success_rate=success_rate(results),
        success_low=success_low,
        success_high=success_high,
        tool_failure_rate=tool_failure_rate(results),
        latency_p50_s=latency_s(results, 50),
        latency_p95_s=latency_s(results, 95),
        cost_usd=total_cost(results),
        cost_per_success_usd=cost_per_success(results),
        provider_kinds=tuple(sorted({r.provider_kind for r in results if r.provider_kind})),
        tasks=len(fractions),
        task_successes=sum(fractions),
        unpriced_attempts=unpriced_attempts(results),
        cost_high_usd=spend_high,
        cost_per_success_high_usd=_per_success(spend_high, results),
        cost_per_success_low_usd=_per_success(spend_low, results),
        by_task=per_task,
        tool_failures=tool_failure_counts(results),
    )


def score_all(results: Iterable[Result]) -> list[Score]:
    """Group results by (tier, model) and score each group; sorted for stable output."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.tier, r.model), []).append(r)
    return [score(model, tier, rows) for (tier, model), rows in sorted(groups.items())]
