"""Promote, hold or roll back one rollout stage, from the candidate's own traffic.

The rollout plan's guards were set from evals (task success, p95, cost per success). In production the
proxy's spend logs give their traffic counterparts: the success proxy (requests answered without an
error), p95 request latency and spend per successful request. Tool-call failures are not in spend logs:
that guard is shown as unknown and does not block. When the incumbent's traffic is in the same logs,
the candidate is also held to it (success proxy within the plan's detectable drop, p95 and cost within
the plan's slack), since both saw the same week's requests.

Rules: no requests, or fewer than the stage's minimum: hold, saying how many more are needed, unless the
success proxy is already significantly below its threshold (one-sided z-test at the plan's alpha): roll
back at once. At or past the minimum: any breached guard rolls back; all known guards holding promotes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from evals.stats import normal_quantile

VerdictKind = Literal["promote", "hold", "roll back"]
METRICS = ("success_rate", "tool_failure_rate", "latency_p95_s", "cost_per_success_usd")


@dataclass(frozen=True)
class Observed:
    """One deployment's traffic in the logs."""

    requests: int
    failures: int
    latency_p95_s: float | None
    spend_usd: float | None

    @property
    def success_rate(self) -> float | None:
        return None if self.requests == 0 else 1 - self.failures / self.requests

    @property
    def cost_per_success_usd(self) -> float | None:
        ok = self.requests - self.failures
        return None if self.spend_usd is None or ok == 0 else self.spend_usd / ok

    def value(self, metric: str) -> float | None:
        return (
            getattr(self, metric)
            if metric in ("success_rate", "latency_p95_s", "cost_per_success_usd")
            else None
        )


@dataclass(frozen=True)
class GuardCheck:
    metric: str
    op: str  # ">=" | "<="
    threshold: float
    value: float | None
    source: str  # "plan (baseline)", "plan (gate)", "incumbent traffic"
    status: Literal["ok", "breached", "unknown"]


@dataclass(frozen=True)
class Verdict:
    tier: str
    kind: str
    candidate: str
    deployment_id: str
    stage: int
    verdict: VerdictKind
    requests: int
    min_requests: int | None
    more_needed: int | None
    checks: tuple[GuardCheck, ...]
    reason: str


def _check(metric: str, op: str, threshold: float, value: float | None, source: str) -> GuardCheck:
    if value is None:
        return GuardCheck(metric, op, threshold, None, source, "unknown")
    holds = value >= threshold if op == ">=" else value <= threshold
    return GuardCheck(metric, op, threshold, value, source, "ok" if holds else "breached")


def guard_checks(
    guards: list[dict[str, Any]], cand: Observed, inc: Observed | None, settings: dict[str, Any]
) -> tuple[GuardCheck, ...]:
    """The plan's guards on the candidate's traffic, then the same metrics against the incumbent's."""
    checks = [
        _check(g["metric"], g["op"], float(g["threshold"]), cand.value(g["metric"]), f"plan ({g['source']})")
        for g in guards
    ]
    if inc is not None and inc.requests > 0:
        relative = (
            ("success_rate", ">=", inc.success_rate, lambda b: b - float(settings["detectable_drop"])),
            ("latency_p95_s", "<=", inc.latency_p95_s, lambda b: b * float(settings["latency_slack"])),
            (
                "cost_per_success_usd",
                "<=",
                inc.cost_per_success_usd,
                lambda b: b * float(settings["cost_slack"]),
            ),
        )
        for metric, op, base, derive in relative:
            if base is not None:
                checks.append(_check(metric, op, derive(base), cand.value(metric), "incumbent traffic"))
    return tuple(checks)


def _clearly_below(rate: float, threshold: float, n: int, alpha: float) -> bool:
    """One-sided z-test: is the observed rate significantly below the threshold already?"""
    if n == 0 or not 0 < threshold < 1:
        return False
    z = (threshold - rate) / math.sqrt(threshold * (1 - threshold) / n)
    return z > normal_quantile(1 - alpha)


def judge(
    head: dict[str, Any],
    stage: int,
    min_requests: int | None,
    checks: tuple[GuardCheck, ...],
    cand: Observed,
    alpha: float,
) -> Verdict:
    """`head` carries tier, kind, candidate and deployment_id of the judged deployment."""

    def verdict(kind: VerdictKind, more: int | None, reason: str) -> Verdict:
        return Verdict(
            head["tier"], head["kind"], head["candidate"], head["deployment_id"],
            stage, kind, cand.requests, min_requests, more, checks, reason,
        )  # fmt: skip

    breached = [c for c in checks if c.status == "breached"]
    early = [
        c
        for c in breached
        if c.metric == "success_rate" and _clearly_below(c.value or 0.0, c.threshold, cand.requests, alpha)
    ]
    if early:
        names = ", ".join(f"{c.metric} ({c.source})" for c in early)
        return verdict("roll back", None, f"significantly below threshold already: {names}")
    if min_requests is None:
        return verdict("hold", None, "the plan has no sample size for this stage: decide by review")
    if cand.requests < min_requests:
        more = min_requests - cand.requests
        return verdict("hold", more, f"{cand.requests} of {min_requests} requests: {more} more needed")
    if breached:
        return verdict(
            "roll back", None, "breached: " + ", ".join(f"{c.metric} ({c.source})" for c in breached)
        )
    unknown = [c.metric for c in checks if c.status == "unknown"]
    note = f"; not measurable from traffic: {', '.join(sorted(set(unknown)))}" if unknown else ""
    return verdict("promote", None, f"all measurable guards hold over {cand.requests} requests{note}")
