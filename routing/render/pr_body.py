"""The weekly pull request's title, commit message and body, from the Recommendation record.

A reviewer approves or rejects in minutes: per changed tier the decision and the evidence for the
models it weighed, the ranking figures with their source and as_of, the rollout plan, what was not
evaluated and why. Long tables fold into the report file (GitHub refuses bodies over 65,536
characters). Nothing is decided here: every figure is read from the record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from evals.scores import Score
from evals.text import plural
from routing.decide.momentum import Momentum
from routing.decide.proposal import Decision
from routing.render.markdown import PROVIDER_LABELS, ReportSources
from routing.render.rankings import cite
from routing.render.rationale import decision_label
from routing.render.text import cost_per_success_text, human_tokens, pct, risk, secs

if TYPE_CHECKING:
    from routing.decide.recommendation import Recommendation

GITHUB_BODY_LIMIT = 65_536
TABLE_MODELS = 6  # models per tier in the PR; all of them are in the report file
LIST_LIMIT = 8  # dropped models listed per tier before folding into the report


def iso_week(day: str) -> str:
    """2026-11-23 -> 2026-W48: the week a run belongs to (one branch and one PR per week)."""
    year, week, _ = date.fromisoformat(day[:10]).isocalendar()
    return f"{year}-W{week:02d}"


def pr_title(rec: Recommendation, day: str) -> str:
    changed = [c.tier for c in rec.changes if c.is_change]
    label = "[SIMULATED] " if rec.simulated else ""
    return f"{label}Routing policy for {iso_week(day)}: {len(changed)} tier(s) change ({', '.join(changed)})"


def commit_message(rec: Recommendation, day: str) -> str:
    """The title, then one line per changed tier: what moves where."""
    lines = [pr_title(rec, day), ""]
    for c in rec.changes:
        if not c.is_change:
            continue
        if c.primary_changed:
            lines.append(f"- {c.tier}: primary {c.primary_before} -> {c.primary_after}")
        else:
            lines += [f"- {line}" for line in c.lines[:3]] or [f"- {c.tier}: {c.kind}"]
    lines += ["", f"Evidence: {PROVIDER_LABELS.get(rec.evidence.kind, rec.evidence.kind)}"]
    if rec.evidence.run_id:
        lines.append(f"Run: {rec.evidence.run_id}")
    return "\n".join(lines) + "\n"


_URL = re.compile(r"https?://[^\s<>|]+?(?=[.,;]?(\s|$))")


def md_cite(source_url: str | None, as_of: str | None) -> str:
    """The house citation (source and as_of) with its URL as a Markdown autolink, not a bare URL."""
    return _URL.sub(lambda m: f"<{m.group(0)}>", cite(source_url, as_of))


def failures_text(s: Score) -> str:
    """'12% (wrong_value 3, no_call 1)': the rate and what the mistakes were."""
    if s.tool_failure_rate is None:
        return "n/a"
    kinds = ", ".join(f"{code} {n}" for code, n in s.tool_failures.items())
    return pct(s.tool_failure_rate) + (f" ({kinds})" if kinds else "")


def roles(d: Decision) -> dict[str, str]:
    """The models a decision weighed, in the order a reviewer reads them, with their part in it."""
    out: dict[str, str] = {}
    out[d.policy.primary] = "proposed"
    if d.incumbent and d.incumbent != d.policy.primary:
        out[d.incumbent] = "incumbent"
    elif d.incumbent:
        out[d.incumbent] = "proposed (incumbent)"
    if d.challenger and d.challenger not in out:
        out[d.challenger] = "challenger"
    for g in d.policy.gray:
        out.setdefault(g.model, f"gray {g.share:.0%}")
    for m in d.policy.fallbacks:
        out.setdefault(m, "fallback")
    return out


def evidence_rows(d: Decision, scores: Sequence[Score]) -> tuple[list[dict[str, str]], int]:
    """The weighed models first, then the rest by risk, cut at TABLE_MODELS; and how many were cut."""
    by_model = {s.model: s for s in scores if s.tier == d.tier}
    named = roles(d)
    rest = sorted(
        (m for m in by_model if m not in named),
        key=lambda m: (d.assessments[m].total_risk is None, d.assessments[m].total_risk or 0.0, m),
    )
    order = [m for m in named if m in by_model] + rest
    rows = []
    for model in order[:TABLE_MODELS]:
        s, a = by_model[model], d.assessments[model]
        ci = "" if s.success_low is None else f" ({pct(s.success_low)}–{pct(s.success_high)})"
        rows.append(
            {
                "model": model,
                "role": named.get(model, ""),
                "success": pct(s.success_rate) + ci,
                "risk": risk(a.total_risk),
                "tool": failures_text(s),
                "latency": f"{secs(s.latency_p50_s)} / {secs(s.latency_p95_s)}",
                "cps": cost_per_success_text(s),
                "n": f"{s.tasks} / {s.n}" + (f" (+{plural(s.errors, 'error')})" if s.errors else ""),
            }
        )
    return rows, max(0, len(order) - TABLE_MODELS)


def momentum_rows(models: Sequence[str], momentum: Sequence[Momentum]) -> list[dict[str, str]]:
    """Ranking figures of the models in the changed tiers, each with its source and as_of."""
    by_slug = {m.slug: m for m in momentum}
    rows = []
    for model in dict.fromkeys(models):
        m = by_slug.get(model)
        if m is None:
            continue
        rows.append(
            {
                "model": model,
                "rank": str(m.rank) if m.rank is not None else "—",
                "tokens": human_tokens(m.total_tokens),
                "wow": "—" if m.wow_growth is None else f"{m.wow_growth:+.0%}",
                "status": m.status,
                "source": md_cite(m.source_url, m.as_of),
            }
        )
    return rows


def not_evaluated(rec: Recommendation) -> list[str]:
    """What the week did not test, and why: tiers without evidence, dropped models, the budget."""
    decided = {d.tier for d in rec.decisions}
    lines = [
        f"{tier}: no evidence this week, the current entry is kept unchanged"
        for tier in list(rec.tier_configs) + list(rec.current.tiers if rec.current else {})
        if tier not in decided
    ]
    lines = list(dict.fromkeys(lines))
    for tier, selection in rec.selections.items():
        for dropped in selection.dropped[:LIST_LIMIT]:
            why = dropped.reason
            where = f" ({md_cite(why.source, why.as_of)})" if why.source else ""
            lines.append(f"{tier}: {dropped.model} not tested: {why.text}{where}")
        if len(selection.dropped) > LIST_LIMIT:
            more = len(selection.dropped) - LIST_LIMIT
            lines.append(f"{tier}: {more} more dropped models (see the report)")
    for d in rec.decisions:
        unpriced = sorted(m for m, a in d.assessments.items() if "cost_per_success" in a.unknown)
        if unpriced:
            shown = ", ".join(unpriced[:LIST_LIMIT]) + (" and more" if len(unpriced) > LIST_LIMIT else "")
            lines.append(f"{d.tier}: cost per success unknown (no price) for {shown}")
    if rec.budget_note:
        lines.append(f"budget: {rec.budget_note}")
    return lines


def rollout_rows(rec: Recommendation) -> list[str]:
    lines = []
    for t in rec.rollout.tiers:
        stages = " → ".join(f"{s.share:.0%} (≥{s.min_requests} requests)" for s in t.stages)
        guards = ", ".join(f"{g.metric} {g.op} {g.threshold:.4g}" for g in t.guards)
        lines.append(f"**{t.tier}** ({t.kind}, {t.candidate}): {stages}; guards: {guards or 'none'}")
        lines.append(f"promote: {t.promote}; roll back: {t.rollback}")
    lines += [f"**{d.tier}**: applied directly: {d.reason}" for d in rec.rollout.direct]
    return lines


def pr_context(rec: Recommendation, src: ReportSources, report_path: str) -> dict[str, Any]:
    ev = rec.evidence
    decisions = {d.tier: d for d in rec.decisions}
    changed = []
    for c in rec.changes:
        d = decisions.get(c.tier)
        if not c.is_change:
            continue
        rows, folded = evidence_rows(d, rec.scores) if d else ([], 0)
        changed.append(
            {
                "tier": c.tier,
                "before": c.primary_before or "—",
                "after": c.primary_after or "—",
                "action": decision_label(d) if d else c.kind,
                "rationale": (d.policy.rationale if d else c.rationale) or "",
                "lines": c.lines,
                "rows": rows,
                "folded": folded,
                "momentum": momentum_rows([r["model"] for r in rows], src.momentum),
            }
        )
    kept = [
        {
            "tier": c.tier,
            "primary": c.primary_after or "—",
            "action": decision_label(decisions[c.tier]) if c.tier in decisions else "unchanged",
        }
        for c in rec.changes
        if not c.is_change
    ]
    return {
        "title": pr_title(rec, src.day),
        "simulated": ev.simulated,
        "replayed": "replay" in ev.kinds,
        "recorded": ev.recorded,
        "source": ev.source,
        "provider_label": PROVIDER_LABELS.get(ev.kind, ev.kind),
        "run_id": ev.run_id,
        "n_results": ev.n_results,
        "n_tasks": ev.n_tasks,
        "rankings": md_cite(src.snapshot.meta.source_url, src.snapshot.meta.as_of) if src.snapshot else None,
        "rankings_note": src.rankings_note,
        "changed": changed,
        "kept": kept,
        "rollout": rollout_rows(rec),
        "not_evaluated": not_evaluated(rec),
        "report_path": report_path,
        "day": src.day,
    }


def render_pr_body(rec: Recommendation, src: ReportSources, report_path: str) -> str:
    env = Environment(
        loader=PackageLoader("routing.render", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown output
    )
    body = env.get_template("pr.md.j2").render(**pr_context(rec, src, report_path))
    if len(body) > GITHUB_BODY_LIMIT:  # a last resort: the tables are already cut per tier
        cut = body[: GITHUB_BODY_LIMIT - 200].rsplit("\n\n", 1)[0]
        body = f"{cut}\n\nThe rest is in `{report_path}` (GitHub's body limit).\n"
    return body
