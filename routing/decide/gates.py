"""Gates as risk: for each model, the chance that its true performance violates each of the tier's gates.

Pure. Evidence is counted per task, not per attempt (repeats of one task are not independent; Miller
2024, "Adding error bars to evals"): a task passed in 3 of 4 repeats counts as 0.75 of one success.

- success: P(true success rate < min_success), Beta-Binomial posterior with the Jeffreys prior.
- tool-call failures: P(true failure rate > max_tool_failure), the same posterior over tool tasks.
- p95 latency: the share of bootstrap resamples of the tasks whose pooled p95 exceeds the limit.
- cost per success = (cost per attempt) / (success rate), so P(cost per success > limit) is
  P(true success rate < cost per attempt / limit), read off the success posterior.
A metric that is unknown (no price, no latency) has unknown risk: such a model cannot be shown to be
within the bound for that gate. When only some calls are unpriced, the cost gate reads a high estimate
(each unpriced call at the dearest priced one) and says so.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from evals.scores import Score, percentile
from evals.stats import prob_rate_below
from routing.config import Gates

BOOTSTRAP_SAMPLES = 400
P95_EXCEEDANCE = 0.05


@dataclass(frozen=True)
class GateRisk:
    """One gate for one model: the limit, the observed value and the chance the truth violates it."""

    metric: str  # success | tool_failure | latency_p95 | cost_per_success
    limit: float
    observed: float | None
    risk: float | None  # None: the metric is unknown, so the risk cannot be bounded
    estimated: bool = False  # observed and risk lean on a high estimate (some calls unpriced)

    @property
    def observed_fails(self) -> bool:
        """The point estimate itself is on the wrong side of the gate."""
        if self.observed is None:
            return False
        return self.observed < self.limit if self.metric == "success" else self.observed > self.limit


@dataclass(frozen=True)
class Assessment:
    """A model's standing against a tier's gates at a stated risk."""

    model: str
    score: Score
    risks: tuple[GateRisk, ...]
    bound: float  # the tier's accepted risk

    @property
    def total_risk(self) -> float | None:
        """Chance of violating any gate; None if any is unknown.

        The success and cost gates are both "the success rate is below some level" (cost per success
        is cost per attempt over success), so their union is the larger of the two; the other gates
        are added (a union bound), capped at 1.
        """
        if any(r.risk is None for r in self.risks):
            return None
        return self.known_risk

    @property
    def known_risk(self) -> float:
        """The same combination over the gates whose risk is known (a lower bound on the total)."""
        known = [r for r in self.risks if r.risk is not None]
        on_success = [r.risk or 0.0 for r in known if r.metric in ("success", "cost_per_success")]
        others = [r.risk or 0.0 for r in known if r.metric not in ("success", "cost_per_success")]
        return min(1.0, max(on_success, default=0.0) + sum(others))

    @property
    def within_bound(self) -> bool:
        total = self.total_risk
        return total is not None and total <= self.bound and self.score.tasks > 0

    @property
    def promising(self) -> bool:
        """Every observed value meets its gate: worth more evidence even if not yet within the bound."""
        return self.score.tasks > 0 and not any(r.observed_fails for r in self.risks)

    @property
    def unknown(self) -> list[str]:
        return [r.metric for r in self.risks if r.risk is None]

    @property
    def failing(self) -> list[GateRisk]:
        return [r for r in self.risks if r.observed_fails]

    @property
    def success(self) -> GateRisk:
        return self.risks[0]


def clustered_success(score: Score) -> float | None:
    """The success rate with every task weighing the same, whatever its number of repeats."""
    return score.task_successes / score.tasks if score.tasks else None


def success_risk(score: Score, gates: Gates) -> GateRisk:
    if score.tasks == 0:
        return GateRisk("success", gates.min_success, None, None)
    risk = prob_rate_below(score.task_successes, score.tasks, gates.min_success)
    return GateRisk("success", gates.min_success, clustered_success(score), risk)


def tool_failure_risk(score: Score, limit: float) -> GateRisk:
    tasks = [t for t in score.by_task.values() if t.tool_graded]
    if not tasks:
        return GateRisk("tool_failure", limit, None, 0.0)  # no tool task: nothing can fail it
    failures = sum(t.tool_failures / t.tool_graded for t in tasks)
    risk = 1.0 - prob_rate_below(failures, len(tasks), limit)
    return GateRisk("tool_failure", limit, failures / len(tasks), risk)


def _seed(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:12], 16)


def latency_risk(score: Score, limit: float, samples: int = BOOTSTRAP_SAMPLES) -> GateRisk:
    """Bootstrap over tasks (seeded by model and tier: the same evidence gives the same number)."""
    per_task = [t.latencies_s for t in score.by_task.values() if t.latencies_s]
    if not per_task:
        return GateRisk("latency_p95", limit, None, None)
    observed = percentile([x for xs in per_task for x in xs], 95)
    rng = random.Random(_seed(score.tier, score.model, "latency"))
    over = 0
    for _ in range(samples):
        pooled = [x for _ in per_task for x in per_task[rng.randrange(len(per_task))]]
        value = percentile(pooled, 95)
        over += value is not None and value > limit
    return GateRisk("latency_p95", limit, observed, over / samples)


def cost_risk(score: Score, limit: float) -> GateRisk:
    # the high estimate: the known figures when every call is priced (evals.scores.cost_range)
    spend, cps, attempts = score.cost_high_usd, score.cost_per_success_high_usd, score.n
    estimated = score.unpriced_attempts > 0
    if spend is None or attempts == 0 or score.tasks == 0:
        return GateRisk("cost_per_success", limit, cps, None)
    needed = (spend / attempts) / limit if limit > 0 else float("inf")
    if needed <= 0:
        return GateRisk("cost_per_success", limit, cps, 0.0, estimated)
    if needed >= 1:
        return GateRisk("cost_per_success", limit, cps, 1.0, estimated)
    risk = prob_rate_below(score.task_successes, score.tasks, needed)
    return GateRisk("cost_per_success", limit, cps, risk, estimated)


def assess(score: Score, gates: Gates, bound: float) -> Assessment:
    """Every configured gate of the tier, as a risk."""
    risks = [success_risk(score, gates)]
    if gates.max_tool_failure is not None:
        risks.append(tool_failure_risk(score, gates.max_tool_failure))
    if gates.max_p95_latency_s is not None:
        risks.append(latency_risk(score, gates.max_p95_latency_s))
    if gates.max_cost_per_success_usd is not None:
        risks.append(cost_risk(score, gates.max_cost_per_success_usd))
    return Assessment(score.model, score, tuple(risks), bound)
