"""Gray-traffic rollout plan: how a reviewed policy change reaches production without betting the tier.

For every tier that sends traffic to a model it did not serve before (a new primary, a new or larger
gray share) the plan gives stages, the requests each stage needs before a decision is statistically
meaningful, guard metrics with thresholds from the incumbent's baseline (its score this week, labelled
`simulated` when that score is), and the promote and rollback rules. Changes that shift no traffic
(fallbacks, gates, a removed gray share) apply directly.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from evals.scores import Score
from evals.stats import min_requests_for_drop
from routing.config import RolloutSettings
from routing.decide.diff import TierChange
from routing.policy import Policy, TierPolicy

LATENCY_SLACK = 1.25  # a candidate may be up to 25% slower at p95 than the incumbent
COST_SLACK = 1.25  # ... and up to 25% dearer per successful outcome

# The incumbent's score is "measured" from real calls or "simulated" (never labelled measured); else the
# tier's "gates", else "none".
BaselineSource = Literal["measured", "simulated", "gates", "none"]
RampKind = Literal["primary", "gray"]  # a new primary ramps through the stages; a canary gets one


# --- records --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """What the candidate is compared with: the incumbent's score, else the tier's gates."""

    source: BaselineSource
    model: str | None
    n: int | None = None
    success_rate: float | None = None
    tool_failure_rate: float | None = None
    latency_p95_s: float | None = None
    cost_per_success_usd: float | None = None
    provider_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guard:
    """A metric the candidate must keep on the right side of a threshold while it takes traffic."""

    metric: str  # success_rate | tool_failure_rate | latency_p95_s | cost_per_success_usd
    op: Literal[">=", "<="]
    threshold: float
    source: Literal["baseline", "gate"]

    def holds(self, value: float) -> bool:
        return value >= self.threshold if self.op == ">=" else value <= self.threshold


@dataclass(frozen=True)
class Stage:
    """One step of the ramp: the candidate's share and the requests needed before deciding."""

    stage: int  # 1-based
    share: float
    min_requests: int | None  # requests to the candidate within this stage
    min_tier_requests: int | None  # total tier traffic that yields min_requests at this share


@dataclass(frozen=True)
class TierRollout:
    """The ramp of one candidate model on one tier."""

    tier: str
    kind: RampKind
    candidate: str
    incumbent: str | None
    baseline: Baseline
    stages: tuple[Stage, ...]
    guards: tuple[Guard, ...]
    promote: str
    rollback: str
    notes: tuple[str, ...] = ()

    @property
    def min_requests(self) -> int | None:
        return self.stages[0].min_requests if self.stages else None


@dataclass(frozen=True)
class DirectChange:
    """A changed tier that shifts no traffic to a new model, so it applies without a ramp."""

    tier: str
    reason: str


@dataclass(frozen=True)
class RolloutPlan:
    settings: RolloutSettings
    tiers: tuple[TierRollout, ...]
    direct: tuple[DirectChange, ...]
    simulated: bool


# --- planning -------------------------------------------------------------------------------------------


def _baseline(
    tier: str, incumbent: str | None, scores: dict[tuple[str, str], Score], gates: dict[str, Any] | None
) -> Baseline:
    score = scores.get((tier, incumbent)) if incumbent else None
    if score is not None and score.success_rate is not None:
        metrics = (
            score.success_rate,
            score.tool_failure_rate,
            score.latency_p95_s,
            score.cost_per_success_usd,
        )
        source: BaselineSource = "simulated" if score.simulated else "measured"
        return Baseline(source, incumbent, score.n, *metrics, provider_kinds=score.provider_kinds)
    if gates:
        return Baseline("gates", incumbent)
    return Baseline("none", incumbent)


def _gate(gates: dict[str, Any] | None, key: str) -> float | None:
    value = (gates or {}).get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _guards(base: Baseline, gates: dict[str, Any] | None, drop: float) -> tuple[Guard, ...]:
    """Thresholds from the incumbent's baseline; per metric, the tier's gate when the baseline lacks it."""
    specs = (
        ("success_rate", ">=", base.success_rate, lambda b: max(b - drop, 0.0), "min_success"),
        ("tool_failure_rate", "<=", base.tool_failure_rate, lambda b: min(b + drop, 1.0), "max_tool_failure"),
        ("latency_p95_s", "<=", base.latency_p95_s, lambda b: b * LATENCY_SLACK, "max_p95_latency_s"),
        (
            "cost_per_success_usd",
            "<=",
            base.cost_per_success_usd,
            lambda b: b * COST_SLACK,
            "max_cost_per_success_usd",
        ),
    )
    guards = []
    for metric, op, measured, derive, gate_key in specs:
        if measured is not None:
            guards.append(Guard(metric, op, derive(measured), "baseline"))
        elif (gate := _gate(gates, gate_key)) is not None:
            guards.append(Guard(metric, op, gate, "gate"))
    return tuple(guards)


def _sizing_rate(base: Baseline, gates: dict[str, Any] | None) -> tuple[float, str | None]:
    """The success rate the sample size is computed from, and a note when it is not measured."""
    if base.success_rate is not None:
        return base.success_rate, None
    gate = _gate(gates, "min_success")
    if gate is not None:
        return gate, f"sample size assumes the gate min_success={gate:g} as the incumbent's success rate"
    return 0.5, "sample size assumes a 50% success rate (the worst case for variance)"


def _stages(shares: list[float], n: int | None) -> tuple[Stage, ...]:
    return tuple(
        Stage(i, share, n, math.ceil(round(n / share, 6)) if n is not None else None)
        for i, share in enumerate(shares, start=1)
    )


def _rules(
    kind: str, candidate: str, incumbent: str | None, guards: tuple[Guard, ...], n: int | None
) -> tuple[str, str]:
    """Promote and rollback rules as one-line text (the structured form is in `rollout_to_dict`)."""
    count = f"≥ {n} requests to {candidate}" if n is not None else f"a reviewed sample of {candidate}"
    if kind == "gray":
        after = "keep the gray share (promotion to primary needs next week's eval)"
    elif incumbent is None:
        after = "keep it as the tier's primary"
    else:
        after = "advance to the next stage; after the 100% stage the change is complete"
    if guards:
        metrics = ", ".join(g.metric for g in guards)
        promote = f"all guards ({metrics}) hold over {count}: {after}"
    else:
        promote = f"no baseline and no gates: a human reviews {count} before anything else happens"
    keep = f"keep {incumbent}" if incumbent else "serve the tier from its fallbacks until reviewed"
    rollback = f"any guard breached: route 0% to {candidate} and {keep}"
    return promote, rollback


def _plan_one(
    tier: str,
    kind: RampKind,
    candidate: str,
    incumbent: str | None,
    shares: list[float],
    scores: dict[tuple[str, str], Score],
    gates: dict[str, Any] | None,
    settings: RolloutSettings,
    notes: list[str],
) -> TierRollout:
    base = _baseline(tier, incumbent, scores, gates)
    who = f"incumbent {incumbent}" if incumbent else "this tier (no incumbent)"
    if base.source == "gates":
        notes.append(f"no measured baseline for {who}: guards use the tier policy's gates")
    elif base.source == "none":
        notes.append(f"no measured baseline for {who} and no gates in the tier policy: no guards")
    rate, sizing_note = _sizing_rate(base, gates)
    if sizing_note:
        notes.append(sizing_note)
    n = min_requests_for_drop(rate, settings.detectable_drop, settings.power, settings.alpha)
    if n is None:
        notes.append("baseline success rate is 0: no drop is detectable; decide by review")
    guards = _guards(base, gates, settings.detectable_drop)
    promote, rollback = _rules(kind, candidate, incumbent, guards, n)
    return TierRollout(
        tier, kind, candidate, incumbent, base, _stages(shares, n), guards, promote, rollback, tuple(notes)
    )


def _grown_gray(change: TierChange) -> list[tuple[str, float]]:
    """Gray models that are new or got a larger share (shrinking or ending a canary needs no ramp)."""
    return [(m, share) for m, share in change.gray_after.items() if share > change.gray_before.get(m, 0.0)]


def _plan_tier(
    change: TierChange, after: TierPolicy, scores: dict[tuple[str, str], Score], settings: RolloutSettings
) -> list[TierRollout]:
    def plan(
        kind: RampKind, model: str, incumbent: str | None, shares: list[float], *notes: str
    ) -> TierRollout:
        return _plan_one(change.tier, kind, model, incumbent, shares, scores, after.gates, settings, [*notes])

    planned = []
    if change.primary_changed:
        planned.append(plan("primary", after.primary, change.primary_before, list(settings.stages)))
    elif change.kind == "added":
        # Nothing serves the tier yet: the primary takes all of it at once, judged against the gates.
        planned.append(
            plan("primary", after.primary, None, [1.0], "tier added: the primary takes 100% at once")
        )
    # A canary is compared with whoever serves the rest of the tier today.
    incumbent = change.primary_before or after.primary
    planned.extend(plan("gray", model, incumbent, [share]) for model, share in _grown_gray(change))
    return planned


def plan_rollout(
    changes: list[TierChange], new: Policy, scores: dict[tuple[str, str], Score], settings: RolloutSettings
) -> RolloutPlan:
    """Plan the ramp of every changed tier; `scores` is keyed (tier, model) and gives the baselines."""
    tiers: list[TierRollout] = []
    direct: list[DirectChange] = []
    for change in changes:
        if change.kind == "unchanged":
            continue
        if change.kind == "removed":
            direct.append(DirectChange(change.tier, "tier removed: its callers need another route"))
            continue
        planned = _plan_tier(change, new.tiers[change.tier], scores, settings)
        if planned:
            tiers.extend(planned)
        else:
            direct.append(DirectChange(change.tier, "no model gains traffic: apply directly"))
    simulated = bool(new.meta.simulated) or any(t.baseline.source == "simulated" for t in tiers)
    return RolloutPlan(settings, tuple(tiers), tuple(direct), simulated)


# --- serialisation --------------------------------------------------------------------------------------


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _sig(value: float | None, digits: int = 4) -> float | None:
    """Round to significant digits: costs span 1e-5..1 USD, fixed decimals would erase small ones."""
    return None if value is None else float(f"{value:.{digits}g}")


def _metric_round(metric: str, value: float | None) -> float | None:
    return _sig(value) if metric.startswith("cost") else _r(value, 3 if metric.startswith("latency") else 4)


def _tier_dict(t: TierRollout) -> dict[str, Any]:
    b = t.baseline
    baseline: dict[str, Any] = {"source": b.source, "model": b.model}
    if b.source in ("measured", "simulated"):
        baseline.update(
            n=b.n,
            success_rate=_r(b.success_rate),
            tool_failure_rate=_r(b.tool_failure_rate),
            latency_p95_s=_r(b.latency_p95_s, 3),
            cost_per_success_usd=_sig(b.cost_per_success_usd),
            provider_kinds=list(b.provider_kinds),
        )
    return {
        "tier": t.tier,
        "kind": t.kind,
        "candidate": t.candidate,
        "incumbent": t.incumbent,
        "baseline": baseline,
        "stages": [{**asdict(s), "share": _r(s.share)} for s in t.stages],
        "guards": [{**asdict(g), "threshold": _metric_round(g.metric, g.threshold)} for g in t.guards],
        "promote": {"rule": t.promote, "all_guards_hold": True, "min_requests": t.min_requests},
        "rollback": {"rule": t.rollback, "any_guard_breached": True, "route_share": 0.0, "keep": t.incumbent},
        "notes": list(t.notes),
    }


def rollout_to_dict(plan: RolloutPlan) -> dict[str, Any]:
    """The reports/<date>/rollout.yaml document: versioned, key order fixed, floats rounded."""
    s = plan.settings
    return {
        "version": 1,
        "simulated": plan.simulated,
        "settings": {
            "stages": [_r(x) for x in s.stages],
            "detectable_drop": _r(s.detectable_drop),
            "power": _r(s.power),
            "alpha": _r(s.alpha),
            "latency_slack": LATENCY_SLACK,
            "cost_slack": COST_SLACK,
        },
        "tiers": [_tier_dict(t) for t in plan.tiers],
        "direct": [{"tier": d.tier, "reason": d.reason} for d in plan.direct],
    }


def stored_stages(document: Any) -> list[float]:
    """The stage shares of a stored rollout.yaml document; problems raise ValueError naming the field."""
    if not isinstance(document, dict) or document.get("version") != 1:
        raise ValueError("version: expected a version 1 rollout plan")
    stages = (document.get("settings") or {}).get("stages")
    if not isinstance(stages, list) or not all(isinstance(s, int | float) for s in stages):
        raise ValueError("settings.stages: expected a list of shares")
    return [float(s) for s in stages]


def stored_stage_shares(document: Any, stage: int) -> dict[str, float]:
    """Per tier, the new primary's share at 1-based `stage`, read from a stored rollout.yaml document.

    `export litellm --stage N` reads the plan the weekly run wrote instead of planning again, so the
    exported weights are the ones the reviewer approved. Problems raise ValueError naming the field.
    """
    stages = stored_stages(document)
    if not 1 <= stage <= len(stages):
        raise ValueError(f"stage must be 1..{len(stages)}, got {stage}")
    shares = {}
    for i, tier in enumerate(document.get("tiers") or []):
        if not isinstance(tier, dict) or "tier" not in tier or "kind" not in tier:
            raise ValueError(f"tiers[{i}]: expected tier and kind")
        if tier["kind"] == "primary" and tier.get("incumbent") is not None:
            shares[str(tier["tier"])] = float(stages[stage - 1])
    return shares


def stored_candidates(document: Any) -> dict[str, str]:
    """Per tier, the new primary the stored plan ramps up (to check it still matches the policy)."""
    return {
        str(t["tier"]): str(t["candidate"])
        for t in (document.get("tiers") or [])
        if isinstance(t, dict) and t.get("kind") == "primary" and t.get("incumbent") is not None
    }
