"""Terminal output: the short tables a person reads after a command."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.scores import Score
from routing.render.rationale import blind_gates_note, decision_label, settle_note
from routing.render.text import cost_per_success_text, pct, secs

if TYPE_CHECKING:
    from routing.decide.recommendation import Recommendation


def print_summary(
    console: Any,
    rec: Recommendation,
    outputs: Mapping[str, Path],
    rankings_note: str | None,
    notes: Sequence[str] = (),
) -> None:
    """The recommend summary: one row per tier, then where the files went."""
    from rich.table import Table

    title = "SIMULATED weekly recommendation" if rec.simulated else "Weekly recommendation"
    table = Table(title=title, title_style="bold red" if rec.simulated else "bold")
    for column in ("tier", "current", "proposed", "decision", "success", "cost/success", "p95"):
        table.add_column(column, overflow="fold")
    scores = {(s.tier, s.model): s for s in rec.scores}
    for d in rec.decisions:
        s = scores.get((d.tier, d.policy.primary))
        table.add_row(
            d.tier,
            d.previous.primary if d.previous else "-",
            d.policy.primary,
            decision_label(d),
            pct(s.success_rate) if s else "n/a",
            cost_per_success_text(s) if s else "n/a",
            secs(s.latency_p95_s) if s else "n/a",
        )
    console.print(table)
    for note in ([rankings_note] if rankings_note else []) + list(notes):
        console.print(f"warning: {note}", style="yellow", markup=False)
    for d in rec.decisions:
        if note := settle_note(d):
            console.print(f"{d.tier}: {note}", markup=False)
        if blind := blind_gates_note(d):
            console.print(f"[yellow]warning: {d.tier}: {blind}[/yellow]")
    if rec.budget_note:
        console.print(f"[yellow]budget: {rec.budget_note}[/yellow]")
    for name, path in outputs.items():
        console.print(f"{name:>9}: {path}")
    if rec.evidence.run_id:
        console.print(f"   run id: {rec.evidence.run_id}")


def print_scores(console: Any, scores: Sequence[Score], run_id: str) -> None:
    from rich.table import Table

    simulated = any(s.simulated for s in scores)
    table = Table(title=f"{'SIMULATED ' if simulated else ''}scores for run {run_id}")
    for column in ("tier", "model", "n", "success", "tool fail", "p50", "p95", "cost/success"):
        table.add_column(column, overflow="fold")
    for s in scores:
        table.add_row(
            s.tier,
            s.model,
            str(s.n),
            pct(s.success_rate),
            pct(s.tool_failure_rate),
            secs(s.latency_p50_s),
            secs(s.latency_p95_s),
            cost_per_success_text(s),
        )
    console.print(table)


def scores_csv(scores: Sequence[Score]) -> str:
    buf = io.StringIO()
    rows = [s.to_dict() for s in scores]
    if not rows:
        return ""
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        row["provider_kinds"] = "+".join(row["provider_kinds"])
        writer.writerow(row)
    return buf.getvalue()
