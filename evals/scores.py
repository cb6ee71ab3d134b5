"""Scores per model x tier: tiny pure functions over a list of results, each safe on the empty list."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from statistics import NormalDist, quantiles

from evals.records import TOOL_FAILURES, Result

Z95 = NormalDist().inv_cdf(0.975)  # two-sided 95%


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
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


def tool_failure_rate(results: Sequence[Result]) -> float | None:
    """Share of graded attempts that failed on a tool-call taxonomy code."""
    done = graded(results)
    if not done:
        return None
    return sum(1 for r in done if r.failure in TOOL_FAILURES) / len(done)


def total_cost(results: Sequence[Result]) -> float | None:
    """Spend including failed attempts and errors that were billed; None if no cost is known."""
    known = [r.cost_usd for r in results if r.cost_usd is not None]
    return sum(known) if known else None


def cost_per_success(results: Sequence[Result]) -> float | None:
    """Total spend on the tier (failures included) divided by the number of passes."""
    spend = total_cost(results)
    passes = sum(1 for r in graded(results) if r.passed)
    if spend is None or passes == 0:
        return None
    return spend / passes


def latency_s(results: Sequence[Result], q: float) -> float | None:
    """A latency percentile in seconds, to the microsecond (finer digits are interpolation noise)."""
    values = [r.latency_ms / 1000 for r in results if r.status == "ok" and r.latency_ms is not None]
    value = percentile(values, q)
    return None if value is None else round(value, 6)


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
