"""Turn scores into a proposed policy: gates first, then the tier's objective, incumbent by default.

Pure: no I/O. "Keep current: insufficient evidence" is a first-class answer: a primary changes only
when the incumbent fails its gates, or a challenger passes them and is clearly better on the
tier's objective without being measurably worse on success.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from evals.scores import Score
from evals.stats import normal_quantile
from routing.config import Gates, TierConfig
from routing.policy import GrayShare, Policy, PolicyMeta, TierPolicy

MIN_COST_GAIN = 0.10  # a cheaper challenger must save at least 10% per success
MIN_SUCCESS_GAIN = 0.05  # a better challenger must add at least 5 points of success
MIN_LATENCY_GAIN = 0.15  # a faster challenger must cut p95 by at least 15%
MAX_FALLBACKS = 2


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def usd(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"${value:.4f}" if value >= 0.001 else f"${value:.6f}"


def secs(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}s"


def gate_failures(score: Score | None, gates: Gates) -> list[str]:
    """Why a model fails the tier's gates (empty list: it passes). Unknown metrics are not failures."""
    if score is None or score.n == 0:
        return ["no graded attempts"]
    failures = []
    if score.success_rate is not None and score.success_rate < gates.min_success:
        failures.append(f"success {pct(score.success_rate)} < {pct(gates.min_success)}")
    tool_fail = score.tool_failure_rate
    if gates.max_tool_failure is not None and tool_fail is not None and tool_fail > gates.max_tool_failure:
        failures.append(f"tool-call failures {pct(tool_fail)} > {pct(gates.max_tool_failure)}")
    p95 = score.latency_p95_s
    if gates.max_p95_latency_s is not None and p95 is not None and p95 > gates.max_p95_latency_s:
        failures.append(f"p95 latency {secs(p95)} > {secs(gates.max_p95_latency_s)}")
    cps = score.cost_per_success_usd
    limit = gates.max_cost_per_success_usd
    if limit is not None and cps is not None and cps > limit:
        failures.append(f"cost per success {usd(cps)} > {usd(limit)}")
    return failures


def unknowns(score: Score, gates: Gates) -> list[str]:
    """Gate metrics that could not be evaluated for this model (said in the rationale, not hidden)."""
    missing = []
    if gates.max_p95_latency_s is not None and score.latency_p95_s is None:
        missing.append("latency")
    if score.cost_per_success_usd is None:
        missing.append("cost")
    return missing


def objective_key(score: Score, objective: str) -> tuple:
    """Sort key, best first. Unknown values sort last."""
    inf = math.inf
    success = -(score.success_rate or 0.0)
    cps = score.cost_per_success_usd if score.cost_per_success_usd is not None else inf
    p95 = score.latency_p95_s if score.latency_p95_s is not None else inf
    if objective == "success":
        return (success, cps, p95, score.model)
    if objective == "latency":
        return (p95, success, cps, score.model)
    return (cps, success, p95, score.model)


def significantly_worse(challenger: Score, incumbent: Score, alpha: float = 0.05) -> bool:
    """One-sided pooled two-proportion z-test: is the challenger's success rate lower at `alpha`?"""
    n1, n2 = challenger.n, incumbent.n
    if n1 == 0 or n2 == 0:
        return False
    p1, p2 = challenger.passes / n1, incumbent.passes / n2
    pooled = (challenger.passes + incumbent.passes) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return False
    return (p2 - p1) / se > normal_quantile(1 - alpha)


def clearly_better(challenger: Score, incumbent: Score, objective: str) -> tuple[bool, str]:
    """Is the challenger better by a margin worth a change, and not measurably worse on success?"""
    inc_success = incumbent.success_rate or 0.0
    if significantly_worse(challenger, incumbent):
        return False, "its success is significantly lower than the incumbent's (one-sided z-test, 5%)"
    if objective == "success":
        gain = (challenger.success_rate or 0.0) - inc_success
        return (
            gain >= MIN_SUCCESS_GAIN,
            f"success +{gain * 100:.0f} points (need +{MIN_SUCCESS_GAIN * 100:.0f})",
        )
    if objective == "latency":
        a, b = challenger.latency_p95_s, incumbent.latency_p95_s
        if a is None or b is None or b == 0:
            return False, "latency unknown"
        gain = 1 - a / b
        return gain >= MIN_LATENCY_GAIN, f"p95 {gain:.0%} faster (need {MIN_LATENCY_GAIN:.0%})"
    a, b = challenger.cost_per_success_usd, incumbent.cost_per_success_usd
    if a is None:
        return False, "its cost is unknown"
    if b is None:
        return True, "the incumbent's cost is unknown"
    gain = 1 - a / b if b > 0 else 0.0
    return gain >= MIN_COST_GAIN, f"cost per success {gain:.0%} lower (need {MIN_COST_GAIN:.0%})"


def compare(challenger: Score, incumbent: Score | None) -> str:
    """The numbers a reviewer wants side by side."""
    if incumbent is None:
        return (
            f"success {pct(challenger.success_rate)}, cost per success {usd(challenger.cost_per_success_usd)}"
            f", p95 {secs(challenger.latency_p95_s)} (n={challenger.n})"
        )
    return (
        f"success {pct(challenger.success_rate)} vs {pct(incumbent.success_rate)}, "
        f"cost per success {usd(challenger.cost_per_success_usd)} vs {usd(incumbent.cost_per_success_usd)}, "
        f"p95 {secs(challenger.latency_p95_s)} vs {secs(incumbent.latency_p95_s)} "
        f"(n={challenger.n} vs {incumbent.n})"
    )


Action = Literal["switch", "keep", "new", "none"]


@dataclass
class Decision:
    """The outcome for one tier, with the evidence behind it: renderers read it, never recompute it.

    `gate_failures` holds, for every measured model that fails the tier's gates, why.
    """

    tier: str
    policy: TierPolicy
    previous: TierPolicy | None
    action: Action
    gate_failures: dict[str, list[str]] = field(default_factory=dict)


def confident(score: Score, gates: Gates) -> bool:
    """Passes the success gate with confidence: the 95% Wilson lower bound clears it, not just the mean."""
    return score.success_low is not None and score.success_low >= gates.min_success


def _choose_primary(
    tier: str,
    objective: str,
    gates: Gates,
    ranked: list[Score],
    scores: Mapping[str, Score],
    current: TierPolicy | None,
    failing: dict[str, list[str]],
) -> tuple[str | None, Action, str]:
    """(primary, action, rationale). A switch needs a challenger that passes the gates with confidence
    and, unless the incumbent fails its gates, is clearly better on the objective."""
    best = ranked[0] if ranked else None
    if current is None:
        if best is None:
            return None, "none", f"{tier}: no policy yet and no candidate passed the gates"
        return (
            best.model,
            "new",
            f"{best.model} is the best gate-passing candidate on {objective}: {compare(best, None)}",
        )
    incumbent = current.primary
    inc_score = scores.get(incumbent)
    if best is None:
        return (
            incumbent,
            "keep",
            "kept: no candidate passed the gates"
            + (f" (incumbent: {'; '.join(failing[incumbent])})" if incumbent in failing else ""),
        )
    if best.model == incumbent:
        return incumbent, "keep", f"kept: the incumbent is still best on {objective}: {compare(best, None)}"
    if inc_score is None or inc_score.n == 0:
        return (
            incumbent,
            "keep",
            (
                f"kept: insufficient evidence, the incumbent {incumbent} was not measured; best challenger "
                f"{best.model}: {compare(best, None)}"
            ),
        )
    ahead = [s for s in ranked if s.model != incumbent]
    if incumbent not in failing:
        ahead = ahead[: [s.model for s in ranked].index(incumbent)]
    doubts: list[str] = []
    for challenger in ahead:
        if not confident(challenger, gates):
            doubts.append(
                f"{challenger.model}'s success lower bound {pct(challenger.success_low)} is below the "
                f"{pct(gates.min_success)} gate (n={challenger.n})"
            )
            continue
        if incumbent in failing:
            return (
                challenger.model,
                "switch",
                (
                    f"switch: incumbent {incumbent} fails the gates ({'; '.join(failing[incumbent])}); "
                    f"{challenger.model} passes them with confidence and is the best such on {objective}: "
                    f"{compare(challenger, inc_score)}"
                ),
            )
        better, why = clearly_better(challenger, inc_score, objective)
        if better:
            return (
                challenger.model,
                "switch",
                f"switch: {challenger.model} passes the gates with confidence and is clearly better on "
                f"{objective} ({why}): {compare(challenger, inc_score)}",
            )
        doubts.append(f"{challenger.model} is not clearly better ({why})")
    reason = doubts[0] if doubts else "no challenger ranks ahead of the incumbent"
    return (
        incumbent,
        "keep",
        f"kept: insufficient evidence, {reason}; best challenger {best.model}: {compare(best, inc_score)}",
    )


def choose_fallbacks(
    primary: str, action: str, current: TierPolicy | None, passing: Sequence[Score]
) -> list[str]:
    """Fallbacks serve when the primary errors, so reliability beats price; churn is avoided.

    Order: the previous primary after a switch (the proven path back), then current fallbacks that
    still pass the gates, then the other passers by success lower bound.
    """
    passed = {s.model for s in passing}
    chosen: list[str] = []
    if action == "switch" and current is not None:
        chosen.append(current.primary)
    if current is not None:
        chosen += [m for m in current.fallbacks if m in passed]
    by_reliability = sorted(
        passing, key=lambda s: (-(s.success_low or 0.0), objective_key(s, "cost_per_success"))
    )
    chosen += [s.model for s in by_reliability]
    if not passing and current is not None:
        chosen = list(current.fallbacks)
    unique = [m for m in dict.fromkeys(chosen) if m != primary]
    return unique[:MAX_FALLBACKS]


def propose_tier(
    tier: str,
    tier_config: TierConfig,
    scores: Mapping[str, Score],
    current: TierPolicy | None,
    movers: Sequence[str] = (),
    gray_share: float = 0.05,
) -> Decision:
    """Decide one tier. `movers` are rankings-suggested models, best momentum first."""
    gates = tier_config.gates
    failing = {m: f for m, s in scores.items() if (f := gate_failures(s, gates))}
    if current is not None and current.primary not in scores:
        failing.setdefault(current.primary, ["not measured"])
    passing = sorted(
        (s for m, s in scores.items() if m not in failing),
        key=lambda s: objective_key(s, tier_config.objective),
    )
    primary, action, rationale = _choose_primary(
        tier, tier_config.objective, gates, passing, scores, current, failing
    )
    measured_failures = {m: f for m, f in failing.items() if m in scores}
    if primary is None:
        return Decision(
            tier, TierPolicy(primary="none", rationale=rationale), None, "none", measured_failures
        )
    fallbacks = choose_fallbacks(primary, action, current, passing)
    gray: list[GrayShare] = []
    for model in movers:
        if model in (primary, *fallbacks) or model in failing or model not in scores:
            continue
        gray.append(GrayShare(model=model, share=gray_share))
        cost_note = ", cost unknown" if scores[model].cost_per_success_usd is None else ""
        rationale += f"; gray {gray_share:.0%} for rising model {model} (passed the gates{cost_note})"
        break
    unknown = unknowns(scores[primary], gates) if primary in scores else []
    if unknown:
        rationale += f"; not measured for the primary: {', '.join(unknown)}"
    if any(s.simulated for s in scores.values()):
        rationale = f"[SIMULATED] {rationale}"  # the numbers travel with the text: label them at the source
    policy = TierPolicy(
        primary=primary,
        fallbacks=fallbacks,
        gray=gray,
        gates=gates.model_dump(exclude_none=True),
        rationale=rationale,
    )
    return Decision(tier, policy, current, action, measured_failures)


def propose(
    tiers: Mapping[str, TierConfig],
    scores: Sequence[Score],
    current: Policy | None,
    meta: PolicyMeta,
    movers: Mapping[str, Sequence[str]] | None = None,
    gray_share: float = 0.05,
) -> tuple[Policy, list[Decision]]:
    """Decide every tier with scores; tiers without any evidence keep their current entry."""
    by_tier: dict[str, dict[str, Score]] = {}
    for s in scores:
        by_tier.setdefault(s.tier, {})[s.model] = s
    decisions: list[Decision] = []
    new_tiers: dict[str, TierPolicy] = {}
    names = list(tiers) + [t for t in (current.tiers if current else {}) if t not in tiers]
    for name in names:
        previous = current.tiers.get(name) if current else None
        if name not in by_tier or name not in tiers:
            if previous is not None:
                new_tiers[name] = previous
            continue
        decision = propose_tier(
            name, tiers[name], by_tier[name], previous, (movers or {}).get(name, ()), gray_share
        )
        decisions.append(decision)
        if decision.action != "none":
            new_tiers[name] = decision.policy
    return Policy(version=1, meta=meta, tiers=new_tiers), decisions
