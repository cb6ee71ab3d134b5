"""The weekly Markdown report: every number with its provenance, SIMULATED in the title when it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from evals.scores import Score
from routing import __version__
from routing.config import TierConfig
from routing.proposal import Decision, gate_failures, pct, secs, usd

PROVIDER_LABELS = {
    "sim": "SIMULATED (sim provider)",
    "replay": "replayed recorded responses, re-graded today",
    "recorded": "recorded verdicts (not re-graded)",
    "real": "real model calls",
}


def human_tokens(n: float | None) -> str:
    if n is None:
        return "n/a"
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:.2f}{unit}"
    return str(int(n))


def score_row(s: Score, tier_config: TierConfig) -> dict[str, Any]:
    ci = "" if s.success_low is None else f" ({pct(s.success_low)}–{pct(s.success_high)})"
    failures = gate_failures(s, tier_config.gates)
    return {
        "model": s.model,
        "n": f"{s.n}" + (f" (+{s.errors} errors)" if s.errors else ""),
        "success": pct(s.success_rate) + ci,
        "tool": pct(s.tool_failure_rate),
        "latency": f"{secs(s.latency_p50_s)} / {secs(s.latency_p95_s)}",
        "cps": usd(s.cost_per_success_usd),
        "gates": "pass" if not failures else "fail: " + "; ".join(failures),
    }


def decision_context(d: Decision, tier_config: TierConfig, scores: Sequence[Score]) -> dict[str, Any]:
    tier_scores = sorted((s for s in scores if s.tier == d.tier), key=lambda s: s.model)
    return {
        "tier": d.tier,
        "objective": tier_config.objective,
        "current": d.previous.primary if d.previous else None,
        "primary": d.policy.primary,
        "action": d.action,
        "rationale": d.policy.rationale,
        "fallbacks": ", ".join(d.policy.fallbacks),
        "gray": ", ".join(f"{g.model} {g.share:.0%}" for g in d.policy.gray),
        "rows": [score_row(s, tier_config) for s in tier_scores],
    }


def wow_text(m: Any) -> str:
    """Week-over-week growth; across a gap between snapshots it can only be the source's own figure."""
    wow = getattr(m, "wow_growth", None)
    if wow is None:
        return "—"
    gap = getattr(m, "gap_days", None)
    return f"{wow:+.0%}" + (" (source)" if gap not in (None, 7) else "")


def gap_text(m: Any) -> str:
    """Token growth since the previous snapshot when it is not the week before (labelled with the gap)."""
    gap = getattr(m, "gap_days", None)
    over = getattr(m, "growth_over_gap", None)
    if gap in (None, 7) or over is None:
        return "—"
    return f"{over:+.0%} over {gap} days"


def momentum_rows(momentum: Sequence[Any], limit: int = 15) -> list[dict[str, Any]]:
    rows = []
    for m in list(momentum)[:limit]:
        change = getattr(m, "rank_change", None)
        rows.append(
            {
                "rank": m.rank if m.rank is not None else "—",
                "slug": m.slug,
                "tokens": human_tokens(getattr(m, "total_tokens", None)),
                "wow": wow_text(m),
                "gap": gap_text(m),
                "rank_change": "—" if not change else f"{change:+d}",
                "status": getattr(m, "status", ""),
            }
        )
    return rows


def momentum_gap_note(momentum: Sequence[Any]) -> str | None:
    """Say plainly when the latest two snapshots are not consecutive weeks."""
    gaps = {getattr(m, "gap_days", None) for m in momentum} - {None, 7}
    if not gaps:
        return None
    gap = max(gaps)
    return (
        f"The previous snapshot is {gap} days before the latest, not 7: week-over-week figures are the "
        "source's own (marked 'source'); token growth over the gap is shown separately."
    )


def render_report(context: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("routing", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown output, not HTML
    )
    context = {"version": __version__, **context}
    return env.get_template("report.md.j2").render(**context)
