"""The weekly decision as one record: scores in, policy + changes + rollout plan + evidence out.

Pure. Everything after this (report, console summary, files, the PR, `export --stage`) reads a
`Recommendation` and never recomputes a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from evals.records import Evidence
from evals.scores import Score
from routing.config import RolloutSettings, TierConfig
from routing.decide.candidates import TierCandidates
from routing.decide.diff import TierChange, diff_policies
from routing.decide.proposal import Decision, propose
from routing.decide.rollout import RolloutPlan, plan_rollout
from routing.policy import Policy, PolicyMeta


@dataclass(frozen=True)
class Recommendation:
    """What the week's run concluded and why, ready to render and publish."""

    policy: Policy
    current: Policy | None
    decisions: list[Decision]
    scores: list[Score]
    changes: list[TierChange]
    rollout: RolloutPlan
    evidence: Evidence
    tier_configs: Mapping[str, TierConfig]
    selections: Mapping[str, TierCandidates] = field(default_factory=dict)  # why each model was tested
    budget_note: str | None = None

    @property
    def simulated(self) -> bool:
        return self.evidence.simulated

    @property
    def n_changed(self) -> int:
        return sum(1 for c in self.changes if c.is_change)


def decide(
    tier_configs: Mapping[str, TierConfig],
    scores: Sequence[Score],
    current: Policy | None,
    meta: PolicyMeta,
    evidence: Evidence,
    rollout: RolloutSettings,
    selections: Mapping[str, TierCandidates] | None = None,
    movers: Mapping[str, Sequence[str]] | None = None,
    budget_note: str | None = None,
    explain: Callable[[Decision], str] | None = None,
) -> Recommendation:
    """Propose a policy, diff it against the current one and plan the rollout of what changed.

    `explain` writes each tier's rationale (render/rationale.py); it is passed in so this module
    stays free of prose."""
    policy, decisions = propose(
        tier_configs, scores, current, meta, movers, gray_share=rollout.stages[0], explain=explain
    )
    changes = diff_policies(current or Policy(version=1, tiers={}), policy)
    plan = plan_rollout(changes, policy, {(s.tier, s.model): s for s in scores}, rollout)
    return Recommendation(
        policy=policy,
        current=current,
        decisions=decisions,
        scores=list(scores),
        changes=changes,
        rollout=plan,
        evidence=evidence,
        tier_configs=tier_configs,
        selections=dict(selections or {}),
        budget_note=budget_note,
    )
