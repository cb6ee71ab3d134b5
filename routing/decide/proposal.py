"""Turn scores into a proposed policy: gates as risk, then the tier's objective, with a switching margin.

Pure: no I/O and no English (render/rationale.py writes the prose from the structured reasons here).

The rule (README, "How it decides"):
1. A model is *within the bound* when the chance that it violates any of the tier's gates, with
   evidence counted per task, is at most the tier's `risk` (routing/decide/gates.py).
2. Among models within the bound, the best on the tier's objective is chosen. The incumbent has no
   free pass: if it is not within the bound and a challenger is, the challenger takes over. A proven
   incumbent is replaced only by a proven challenger better by the tier's `switch_margin` (and, on the
   success objective, better on the tasks both ran: exact McNemar at the same risk), so the choice does
   not flap on noise.
3. When no model is within the bound, the incumbent stays ("insufficient evidence"), the promising
   candidates are named with the number of tasks that would settle them, and the most promising one
   gets a gray share so production traffic gathers that evidence. Unless the incumbent itself more
   likely than not misses a gate: then the challenger least at risk replaces it (if less at risk),
   because keeping a model that probably fails is not the safe answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from evals.scores import Score
from evals.stats import tasks_to_settle
from routing.config import TierConfig
from routing.decide.gates import Assessment, GateRisk, assess, clustered_success
from routing.decide.paired import Paired, pair
from routing.policy import GrayShare, Policy, PolicyMeta, TierPolicy

MAX_FALLBACKS = 2

Action = Literal["switch", "keep", "new", "none"]
Why = Literal[
    "first_policy",  # new: the best model within the bound
    "nothing_proven",  # none: no policy yet and no model within the bound
    "incumbent_best",  # keep: the incumbent is within the bound and best on the objective
    "within_margin",  # keep: a proven challenger is better, but not by the switching margin
    "not_better_paired",  # keep: the gain is not borne out on the tasks both ran
    "insufficient_evidence",  # keep: no model is within the bound
    "incumbent_not_measured",  # keep: nothing is known of the incumbent this week
    "better_by_margin",  # switch: better than a proven incumbent by the margin
    "incumbent_not_proven",  # switch: the incumbent is not within the bound, the challenger is
    "incumbent_fails",  # switch: nothing is proven, the incumbent more likely than not misses a gate,
    #                     and the challenger least at risk is less at risk than it
]


@dataclass(frozen=True)
class Settle:
    """What would settle a promising candidate: tasks in all for its risk to fall within the bound."""

    model: str
    tasks: int  # tasks graded so far
    tasks_needed: int | None  # None: no number of tasks would, at its observed rate
    total_risk: float | None


@dataclass(frozen=True)
class Decision:
    """The outcome for one tier with the evidence behind it; renderers read it, never recompute it."""

    tier: str
    objective: str
    policy: TierPolicy
    previous: TierPolicy | None
    action: Action
    why: Why
    bound: float
    margin: float
    assessments: Mapping[str, Assessment] = field(default_factory=dict)
    challenger: str | None = None  # the model the decision weighed against the incumbent
    paired: Mapping[str, Paired] = field(default_factory=dict)  # vs the incumbent, per challenger
    promising: tuple[str, ...] = ()  # observed values meet the gates, best first on the objective
    settle: tuple[Settle, ...] = ()
    gray_reason: Literal["mover", "evidence"] | None = None
    simulated: bool = False

    @property
    def gate_failures(self) -> dict[str, list[GateRisk]]:
        """Per measured model, the gates its observed values fail (empty models pass)."""
        return {m: a.failing for m, a in self.assessments.items() if a.failing}

    @property
    def incumbent(self) -> str | None:
        return self.previous.primary if self.previous else None

    @property
    def gates_without_evidence(self) -> list[str]:
        """Gates whose metric no measured model has (no latency, no price in the evidence): such a gate
        blocks every model and says nothing about any, so the reader must be told."""
        risks = [a.risks for a in self.assessments.values()]
        if not risks:
            return []
        metrics = [r.metric for r in risks[0]]
        return [m for m in metrics if all(r.risk is None for rs in risks for r in rs if r.metric == m)]


def objective_key(a: Assessment, objective: str) -> tuple:
    """Sort key, best first. Unknown values sort last."""
    s = a.score
    success = -(clustered_success(s) or 0.0)
    cps, p95 = _or_inf(s.cost_per_success_high_usd), _or_inf(s.latency_p95_s)
    if objective == "success":
        return (success, cps, p95, s.model)
    if objective == "latency":
        return (p95, success, cps, s.model)
    return (cps, success, p95, s.model)


def _or_inf(value: float | None) -> float:
    return math.inf if value is None else value


def gain(challenger: Score, incumbent: Score, objective: str) -> float | None:
    """How much better the challenger is: points of success, or the relative cut in cost or p95.

    With unpriced calls, the cut in cost is the least it could be: the challenger's high estimate
    against the incumbent's floor (its unpriced calls at zero)."""
    if objective == "success":
        c, i = clustered_success(challenger), clustered_success(incumbent)
        return None if c is None or i is None else c - i
    if objective == "latency":
        c, i = challenger.latency_p95_s, incumbent.latency_p95_s
    else:
        c, i = challenger.cost_per_success_high_usd, incumbent.cost_per_success_low_usd
    if c is None:
        return None
    if i is None:
        return math.inf  # the incumbent's figure is unknown: a known one is better evidence
    return 1 - c / i if i > 0 else (0.0 if c == 0 else -math.inf)


def margin_for(tier: TierConfig) -> float:
    m = tier.switch_margin
    return {"success": m.success, "latency": m.latency}.get(tier.objective, m.cost_per_success)


def settle_numbers(assessments: Sequence[Assessment], bound: float) -> tuple[Settle, ...]:
    """For promising models not yet within the bound: tasks that would settle their success gate."""
    out = []
    for a in assessments:
        rate = clustered_success(a.score)
        needed = None
        if rate is not None:
            limit = max((r.limit for r in a.risks if r.metric == "success"), default=0.0)
            cost = next((r for r in a.risks if r.metric == "cost_per_success"), None)
            spend = a.score.cost_high_usd
            if cost is not None and spend is not None and a.score.n and cost.limit > 0:
                limit = max(limit, (spend / a.score.n) / cost.limit)
            needed = tasks_to_settle(rate, limit, bound, a.score.tasks)
        out.append(Settle(a.model, a.score.tasks, needed, a.total_risk))
    return tuple(out)


def choose_fallbacks(
    primary: str, action: Action, current: TierPolicy | None, passing: Sequence[Score]
) -> list[str]:
    """Fallbacks serve when the primary errors, so reliability beats price; churn is avoided.

    Order: the previous primary after a switch (the proven path back), then current fallbacks that
    still meet the gates, then the other models that meet them by success lower bound.
    """
    passed = {s.model for s in passing}
    chosen: list[str] = []
    if action == "switch" and current is not None:
        chosen.append(current.primary)
    if current is not None:
        chosen += [m for m in current.fallbacks if m in passed]
    by_reliability = sorted(
        passing,
        key=lambda s: (
            -(s.success_low or 0.0),
            _or_inf(s.cost_per_success_high_usd),
            s.model,
        ),
    )
    chosen += [s.model for s in by_reliability]
    if not passing and current is not None:  # nothing meets the gates: keep the known paths back
        chosen = ([current.primary] if action == "switch" else []) + list(current.fallbacks)
    unique = [m for m in dict.fromkeys(chosen) if m != primary]
    return unique[:MAX_FALLBACKS]


@dataclass(frozen=True)
class _Choice:
    primary: str | None
    action: Action
    why: Why
    challenger: str | None = None


def _choose(
    ranked: list[Assessment], by_model: Mapping[str, Assessment], current: TierPolicy | None, tier: TierConfig
) -> _Choice:
    proven = [a for a in ranked if a.within_bound]
    best = proven[0] if proven else None
    if current is None:
        if best is None:
            return _Choice(None, "none", "nothing_proven", ranked[0].model if ranked else None)
        return _Choice(best.model, "new", "first_policy", best.model)
    incumbent = by_model.get(current.primary)
    if best is None:
        safer = _safer_than_a_failing_incumbent(ranked, incumbent)
        if safer is not None:
            return _Choice(safer.model, "switch", "incumbent_fails", safer.model)
        top = next((a.model for a in ranked if a.promising and a.model != current.primary), None)
        return _Choice(
            current.primary, "keep", "insufficient_evidence", top or (ranked[0].model if ranked else None)
        )
    if incumbent is None:
        return _Choice(current.primary, "keep", "incumbent_not_measured", best.model)
    if not incumbent.within_bound:
        return _Choice(best.model, "switch", "incumbent_not_proven", best.model)
    if best.model == incumbent.model:
        challenger = next((a.model for a in proven if a.model != incumbent.model), None)
        return _Choice(incumbent.model, "keep", "incumbent_best", challenger)
    better = gain(best.score, incumbent.score, tier.objective)
    if better is None or better < margin_for(tier):
        return _Choice(incumbent.model, "keep", "within_margin", best.model)
    if tier.objective == "success" and pair(best.score, incumbent.score).p_not_better > tier.risk:
        return _Choice(incumbent.model, "keep", "not_better_paired", best.model)
    return _Choice(best.model, "switch", "better_by_margin", best.model)


def _safer_than_a_failing_incumbent(
    ranked: list[Assessment], incumbent: Assessment | None
) -> Assessment | None:
    """With nothing proven, the challenger to prefer over an incumbent that more likely than not misses
    a gate: the least at risk, if less at risk than the incumbent. It need not meet every gate on
    observed values: a model that probably fails is not a safe place to keep traffic, and the one least
    likely to fail is the safer one (its gray and rollback stages still guard the move). Risks here are
    over the gates that can be measured: an unknown price hides no observed failure, but a challenger
    that misses a gate on observed values must have every risk bounded to be considered."""
    if incumbent is None or incumbent.known_risk <= 0.5:
        return None
    safer = [a for a in ranked if a.model != incumbent.model and (a.promising or a.total_risk is not None)]
    if not safer:
        return None
    least = min(safer, key=lambda a: a.known_risk)  # ranked is in objective order: ties keep it
    return least if least.known_risk < incumbent.known_risk else None


def _worth_settling(
    ranked: list[Assessment], by_model: Mapping[str, Assessment], current: TierPolicy | None, tier: TierConfig
) -> list[Assessment]:
    """The promising models not yet within the bound whose proof could change the decision: all of them
    while the incumbent is unproven, only those ahead of it on the objective once it is proven (proving a
    dearer model would not move the traffic)."""
    incumbent = by_model.get(current.primary) if current else None
    ahead_of = objective_key(incumbent, tier.objective) if incumbent and incumbent.within_bound else None
    return [
        a
        for a in ranked
        if a.promising
        and not a.within_bound
        and a is not incumbent
        and (ahead_of is None or objective_key(a, tier.objective) < ahead_of)
    ]


def _gray(
    choice: _Choice, fallbacks: list[str], promising: list[str], movers: Sequence[str], share: float
) -> tuple[list[GrayShare], Literal["mover", "evidence"] | None]:
    taken = {choice.primary, *fallbacks}
    if choice.why in ("insufficient_evidence", "incumbent_not_measured"):
        # Evidence needs live traffic: a fallback only serves when the primary fails, so it may be gray too.
        for model in promising:
            if model != choice.primary:
                return [GrayShare(model=model, share=share)], "evidence"
    for model in movers:
        if model in promising and model not in taken:
            return [GrayShare(model=model, share=share)], "mover"
    return [], None


def propose_tier(
    tier: str,
    tier_config: TierConfig,
    scores: Mapping[str, Score],
    current: TierPolicy | None,
    movers: Sequence[str] = (),
    gray_share: float = 0.05,
) -> Decision:
    """Decide one tier. `movers` are rankings-suggested models, best momentum first."""
    assessments = {m: assess(s, tier_config.gates, tier_config.risk) for m, s in scores.items()}
    ranked = sorted(assessments.values(), key=lambda a: objective_key(a, tier_config.objective))
    choice = _choose(ranked, assessments, current, tier_config)
    promising = [a.model for a in ranked if a.promising]
    incumbent_score = scores.get(current.primary) if current else None
    paired = (
        {m: pair(s, incumbent_score) for m, s in scores.items() if m != incumbent_score.model}
        if incumbent_score is not None
        else {}
    )
    common = dict(
        tier=tier,
        objective=tier_config.objective,
        previous=current,
        bound=tier_config.risk,
        margin=margin_for(tier_config),
        assessments=assessments,
        challenger=choice.challenger,
        paired=paired,
        promising=tuple(promising),
        settle=settle_numbers(_worth_settling(ranked, assessments, current, tier_config), tier_config.risk),
        simulated=any(s.simulated for s in scores.values()),
    )
    if choice.primary is None:
        return Decision(policy=TierPolicy(primary="none"), action="none", why=choice.why, **common)
    passing = [assessments[m].score for m in promising]
    fallbacks = choose_fallbacks(choice.primary, choice.action, current, passing)
    gray, gray_reason = _gray(choice, fallbacks, promising, movers, gray_share)
    policy = TierPolicy(
        primary=choice.primary,
        fallbacks=fallbacks,
        gray=gray,
        gates=tier_config.gates.model_dump(exclude_none=True),
    )
    return Decision(policy=policy, action=choice.action, why=choice.why, gray_reason=gray_reason, **common)


def propose(
    tiers: Mapping[str, TierConfig],
    scores: Sequence[Score],
    current: Policy | None,
    meta: PolicyMeta,
    movers: Mapping[str, Sequence[str]] | None = None,
    gray_share: float = 0.05,
    explain: Callable[[Decision], str] | None = None,
) -> tuple[Policy, list[Decision]]:
    """Decide every tier with scores; tiers without any evidence keep their current entry.

    `explain` turns a decision into the rationale text stored in the policy (render/rationale.py),
    so the prose is written outside this pure module and travels with the numbers.
    """
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
        if explain is not None:
            text = explain(decision)
            decision = replace(decision, policy=decision.policy.model_copy(update={"rationale": text}))
        decisions.append(decision)
        if decision.action != "none":
            new_tiers[name] = decision.policy
    return Policy(version=1, meta=meta, tiers=new_tiers), decisions
