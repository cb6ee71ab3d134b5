"""The weekly report as one self-contained HTML page: charts a reviewer looks at, tables to check them.

No network asset, no script: styles and SVG charts are inline, so the file opens offline, from a CI
artifact or an e-mail attachment, and reads the same with JavaScript off. Everything comes from the
Recommendation (and the report sources beside it); nothing is decided here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from routing import __version__
from routing.decide.series import ModelWeek, model_weeks
from routing.render.charts import TierPoint, WeekSeries, failures_chart, momentum_chart, pareto_chart
from routing.render.markdown import ReportSources, report_context

if TYPE_CHECKING:
    from routing.decide.recommendation import Recommendation


def tier_points(rec: Recommendation, tier: str) -> list[TierPoint]:
    """Each scored model of a tier on the trade-off axes, with its part in the decision."""
    decision = next((d for d in rec.decisions if d.tier == tier), None)
    incumbent = decision.incumbent if decision else None
    proposed = decision.policy.primary if decision else None
    return [
        TierPoint(
            model=s.model,
            cost_per_success=s.cost_per_success_usd,
            success=s.success_rate,
            success_low=s.success_low,
            success_high=s.success_high,
            incumbent=s.model == incumbent,
            proposed=s.model == proposed,
        )
        for s in sorted((s for s in rec.scores if s.tier == tier), key=lambda s: s.model)
    ]


def candidate_models(rec: Recommendation) -> list[str]:
    """The models the week was about: every tier's candidates, then the proposed policy's models."""
    models = [m for sel in rec.selections.values() for m in sel.models]
    for tier in rec.policy.tiers.values():
        models += [tier.primary, *tier.fallbacks, *(g.model for g in tier.gray)]
    return list(dict.fromkeys(models))


def candidate_series(weeks: Sequence[ModelWeek], models: Sequence[str]) -> list[WeekSeries]:
    """Weekly tokens per candidate (variants of one model summed by family), biggest last week first."""
    wanted = set(models)
    totals: dict[str, dict[Any, int]] = {}
    for w in weeks:
        if w.family in wanted:
            per_week = totals.setdefault(w.family, {})
            per_week[w.week_start] = per_week.get(w.week_start, 0) + w.total_tokens
    series = [WeekSeries(m, tuple(sorted(points.items()))) for m, points in totals.items()]
    return sorted(series, key=lambda s: (-s.points[-1][1], s.model))


def failure_counts(rec: Recommendation) -> dict[str, dict[str, int]]:
    """Per tier and model graded on tool use, its tool-call failures by code (empty: none failed)."""
    return {
        f"{s.tier}: {s.model}": dict(s.tool_failures)
        for s in sorted(rec.scores, key=lambda s: (s.tier, s.model))
        if s.tool_failure_rate is not None
    }


def rollout_rows(rec: Recommendation) -> list[dict[str, str]]:
    """The rollout plan, one row per changed tier: the ramp or why it applies directly."""
    rows = [
        {
            "tier": t.tier,
            "what": f"{t.kind}: {t.candidate}",
            "stages": " → ".join(f"{s.share:.0%} (≥{s.min_requests} requests)" for s in t.stages),
        }
        for t in rec.rollout.tiers
    ]
    rows += [{"tier": d.tier, "what": "applied directly", "stages": d.reason} for d in rec.rollout.direct]
    return rows


def html_context(rec: Recommendation, src: ReportSources, diff_md: str) -> dict[str, Any]:
    """The Markdown report's variables plus the charts."""
    context = report_context(rec, src, diff_md)
    snapshots = list(src.snapshots or ([src.snapshot] if src.snapshot else []))
    series = candidate_series(model_weeks(snapshots), candidate_models(rec)) if snapshots else []
    failures = failure_counts(rec)
    context.update(
        pareto={d.tier: Markup(pareto_chart(d.tier, tier_points(rec, d.tier))) for d in rec.decisions},
        momentum_chart=Markup(momentum_chart(series)) if series else None,
        momentum_weeks=[str(s.date) for s in sorted(snapshots, key=lambda s: s.date)],
        failures_chart=Markup(failures_chart(failures)) if failures else None,
        rollout=rollout_rows(rec),
        version=__version__,
    )
    return context


def render_html(context: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("routing.render", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=True,
    )
    return env.get_template("report.html.j2").render(**context)


def html_report(rec: Recommendation, src: ReportSources, diff_md: str) -> str:
    return render_html(html_context(rec, src, diff_md))
