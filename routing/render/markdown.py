"""The weekly Markdown report: every number with its provenance, SIMULATED in the title when it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from evals.scores import Score
from evals.text import plural
from routing import __version__
from routing.config import TierConfig
from routing.decide.gates import GateRisk
from routing.decide.momentum import WEEK_DAYS, Momentum
from routing.decide.proposal import Decision
from routing.decide.rollout import RolloutPlan
from routing.render.rankings import candidates_markdown, cite
from routing.render.rationale import decision_label, gate_failure_text
from routing.render.text import cost_per_success_text, human_tokens, pct, risk, secs

if TYPE_CHECKING:
    from routing.decide.recommendation import Recommendation
    from routing.rankings.records import RankingSnapshot

PROVIDER_LABELS = {
    "sim": "SIMULATED (sim provider)",
    "replay": "replayed recorded responses, re-graded today",
    "recorded": "recorded verdicts (not re-graded)",
    "real": "real model calls",
}


def score_row(s: Score, failures: Sequence[GateRisk], total_risk: str) -> dict[str, Any]:
    ci = "" if s.success_low is None else f" ({pct(s.success_low)}–{pct(s.success_high)})"
    return {
        "model": s.model,
        "n": f"{s.n}" + (f" (+{plural(s.errors, 'error')})" if s.errors else ""),
        "success": pct(s.success_rate) + ci,
        "tool": pct(s.tool_failure_rate),
        "latency": f"{secs(s.latency_p50_s)} / {secs(s.latency_p95_s)}",
        "cps": cost_per_success_text(s),
        "tasks": str(s.tasks),
        "risk": total_risk,
        "gates": "pass" if not failures else "fail: " + "; ".join(gate_failure_text(f) for f in failures),
    }


def decision_context(d: Decision, tier_config: TierConfig, scores: Sequence[Score]) -> dict[str, Any]:
    tier_scores = sorted((s for s in scores if s.tier == d.tier), key=lambda s: s.model)
    return {
        "tier": d.tier,
        "objective": tier_config.objective,
        "current": d.previous.primary if d.previous else None,
        "primary": d.policy.primary,
        "action": decision_label(d),
        "rationale": d.policy.rationale,
        "fallbacks": ", ".join(d.policy.fallbacks),
        "gray": ", ".join(f"{g.model} {g.share:.0%}" for g in d.policy.gray),
        "rows": [
            score_row(s, d.gate_failures.get(s.model, ()), risk(d.assessments[s.model].total_risk))
            for s in tier_scores
        ],
        "bound": risk(d.bound),
    }


def wow_text(m: Momentum) -> str:
    """Week-over-week growth; across a gap between snapshots it can only be the source's own figure."""
    if m.wow_growth is None:
        return "—"
    return f"{m.wow_growth:+.0%}" + (" (source)" if m.gap_days not in (None, WEEK_DAYS) else "")


def gap_text(m: Momentum) -> str:
    """Token growth since the previous snapshot when it is not the week before (labelled with the gap)."""
    if m.gap_days in (None, WEEK_DAYS) or m.growth_over_gap is None:
        return "—"
    return f"{m.growth_over_gap:+.0%} over {m.gap_days} days"


def momentum_rows(momentum: Sequence[Momentum], limit: int = 15) -> list[dict[str, Any]]:
    return [
        {
            "rank": m.rank if m.rank is not None else "—",
            "slug": m.slug,
            "tokens": human_tokens(m.total_tokens),
            "wow": wow_text(m),
            "gap": gap_text(m),
            "rank_change": f"{m.rank_change:+d}" if m.rank_change else "—",
            "status": m.status,
        }
        for m in list(momentum)[:limit]
    ]


def momentum_gap_note(momentum: Sequence[Momentum]) -> str | None:
    """Say plainly when the latest two snapshots are not consecutive weeks."""
    gaps = {m.gap_days for m in momentum} - {None, WEEK_DAYS}
    if not gaps:
        return None
    return (
        f"The previous snapshot is {max(gaps)} days before the latest, not {WEEK_DAYS}: week-over-week "
        "figures are the source's own (marked 'source'); token growth over the gap is shown separately."
    )


def render_report(context: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("routing.render", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown output, not HTML
    )
    context = {"version": __version__, **context}
    return env.get_template("report.md.j2").render(**context)


STALE_AFTER_DAYS = 14


def staleness_note(as_of: str | None, day: str) -> str | None:
    """Rankings older than two weeks still suggest candidates, but the reader must know."""
    if not as_of:
        return None
    try:
        age = (date.fromisoformat(day[:10]) - date.fromisoformat(str(as_of)[:10])).days
    except ValueError:
        return None
    if age <= STALE_AFTER_DAYS:
        return None
    return f"rankings are {age} days old (as of {as_of}): import a recent week with `routing rankings import`"


def rollout_summary(plan: RolloutPlan) -> str:
    """One line per tier of the rollout plan for the report."""
    lines = []
    for tier in plan.tiers:
        stages = " → ".join(f"{s.share:.0%} (≥{s.min_requests} requests)" for s in tier.stages)
        lines.append(f"- **{tier.tier}** ({tier.kind}): {tier.candidate}: {stages}")
    for direct in plan.direct:
        lines.append(f"- **{direct.tier}**: applied directly: {direct.reason}")
    return "\n".join(lines) if lines else "No tier changes: nothing to roll out."


@dataclass(frozen=True)
class ReportSources:
    """What the report cites beside the decision: the day, file names, rankings and their notes."""

    day: str
    current_name: str
    proposed_name: str
    snapshot: RankingSnapshot | None = None
    momentum: Sequence[Momentum] = field(default_factory=list)
    task_sources: str = ""
    rankings_note: str | None = None
    generated_at: str = ""
    appendix: str | None = None  # e.g. the team's own traffic section; absent, not empty, without data
    snapshots: Sequence[RankingSnapshot] = ()  # every week read, oldest first (the momentum chart)


def report_context(rec: Recommendation, src: ReportSources, diff_md: str) -> dict[str, Any]:
    """The template's variables, all read from the recommendation: nothing is decided here."""
    ev, snap = rec.evidence, src.snapshot
    return {
        "date": src.day,
        "simulated": ev.simulated,
        "recorded": ev.recorded,
        "source": ev.source,
        "provider_label": PROVIDER_LABELS.get(ev.kind, ev.kind),
        "run_id": ev.run_id,
        "n_results": ev.n_results,
        "rankings_as_of": snap.meta.as_of if snap else None,
        "rankings_source": snap.meta.source_url if snap else None,
        "current_path": src.current_name,
        "proposed_path": src.proposed_name,
        "n_changed": rec.n_changed,
        "n_tiers": len(rec.policy.tiers),
        "budget_note": rec.budget_note,
        "rankings_note": src.rankings_note,
        "decisions": [decision_context(d, rec.tier_configs[d.tier], rec.scores) for d in rec.decisions],
        "momentum": momentum_rows(src.momentum),
        "momentum_note": momentum_gap_note(src.momentum),
        "rankings_week": str(snap.date) if snap else None,
        "diff_markdown": diff_md,
        "rollout_summary": rollout_summary(rec.rollout),
        "candidates": candidates_markdown(dict(rec.selections)) if rec.selections else "",
        "rankings_citation": cite(snap.meta.source_url, snap.meta.as_of) if snap else None,
        "n_tasks": ev.n_tasks,
        "task_sources": src.task_sources,
        "provider_kinds": ", ".join(sorted({k for s in rec.scores for k in s.provider_kinds})) or "n/a",
        "generated_at": src.generated_at,
    }
