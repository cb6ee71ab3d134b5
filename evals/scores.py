"""Scores per model x tier: tiny pure functions over a list of results, each safe on the empty list."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from evals.records import TOOL_FAILURES, Result


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """95% Wilson score interval for a proportion; (None, None) when there is no data."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of the values; None for no values."""
    data = sorted(values)
    if not data:
        return None
    if len(data) == 1:
        return float(data[0])
    rank = (len(data) - 1) * q / 100
    lo = math.floor(rank)
    hi = math.ceil(rank)
    return float(data[lo] + (data[hi] - data[lo]) * (rank - lo))


def graded(results: Iterable[Result]) -> list[Result]:
    """Attempts that got a verdict (errors excluded: an exhausted retry is not a model failure)."""
    return [r for r in results if r.status == "ok" and r.passed is not None]


def success_rate(results: Sequence[Result]) -> float | None:
    done = graded(results)
    return sum(r.passed for r in done) / len(done) if done else None


def tool_failure_rate(results: Sequence[Result]) -> float | None:
    """Share of graded attempts that failed on a tool-call taxonomy code."""
    done = graded(results)
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
    spend = total_cost(results)
    passes = sum(1 for r in graded(results) if r.passed)
    if spend is None or passes == 0:
        return None
    return spend / passes


def latency_s(results: Sequence[Result], q: float) -> float | None:
    values = [r.latency_ms / 1000 for r in results if r.status == "ok" and r.latency_ms is not None]
    return percentile(values, q)


@dataclass(frozen=True)
class Score:
    """One model on one tier. Rates are over graded attempts; n counts them."""

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

    @property
    def simulated(self) -> bool:
        return "sim" in self.provider_kinds

    def to_dict(self) -> dict:
        data = asdict(self)
        data["provider_kinds"] = list(self.provider_kinds)
        return data


def score(model: str, tier: str, results: Sequence[Result]) -> Score:
    done = graded(results)
    passes = sum(1 for r in done if r.passed)
    low, high = wilson_interval(passes, len(done))
    return Score(
        model=model,
        tier=tier,
        n=len(done),
        passes=passes,
        errors=sum(1 for r in results if r.status == "error"),
        success_rate=success_rate(results),
        success_low=low,
        success_high=high,
        tool_failure_rate=tool_failure_rate(results),
        latency_p50_s=latency_s(results, 50),
        latency_p95_s=latency_s(results, 95),
        cost_usd=total_cost(results),
        cost_per_success_usd=cost_per_success(results),
        provider_kinds=tuple(sorted({r.provider_kind for r in results if r.provider_kind})),
    )


def score_all(results: Iterable[Result]) -> list[Score]:
    """Group results by (tier, model) and score each group; sorted for stable output."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.tier, r.model), []).append(r)
    return [score(model, tier, rows) for (tier, model), rows in sorted(groups.items())]
