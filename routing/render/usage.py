"""Text for own traffic (`routing usage show`, the report section) and rollout verdicts.

Renderers only format what usage/ and decide/ computed; unknown values print as "unknown", never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from routing.decide.rollout_verdict import Verdict
from routing.usage.records import BoardGap, Concentration, UsageSummary


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1%}"


def _wow(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0%}"


def _num(value: float | None, fmt: str = ".4g") -> str:
    return "unknown" if value is None else format(value, fmt)


def concentration_lines(c: Concentration) -> list[str]:
    spend_hhi = _num(c.spend_hhi, ".3f")
    lines = [f"{c.week} {c.scope}: concentration (HHI) tokens {c.token_hhi:.3f}, spend {spend_hhi}"]
    lines += [
        f"  {s.model}: tokens {_pct(s.token_share)} ({s.tokens:,}), spend {_pct(s.spend_share)}"
        f" (${_num(s.spend_usd)})"
        for s in c.shares
    ]
    if c.flagged:
        lines.append(
            "  FLAG: spend is more concentrated than tokens: overweight on expensive models: "
            + ", ".join(c.overweight)
        )
    return lines


def gap_lines(g: BoardGap) -> list[str]:
    if g.board_week is None:
        return [f"{g.week}: no public board snapshot for this week"]
    lines = [f"{g.week}: own traffic vs the public board (week over week, tokens)"]
    lines += [f"  {m.model}: own {_wow(m.internal_wow)}, board {_wow(m.public_wow)}" for m in g.momentum]
    if g.only_in_traffic:
        lines.append(f"  in your traffic, not on the board: {', '.join(g.only_in_traffic)}")
    if g.only_on_board:
        lines.append(f"  on the board, not in your traffic: {', '.join(g.only_on_board)}")
    return lines


def usage_lines(summary: UsageSummary) -> list[str]:
    lines = [f"own traffic from {', '.join(summary.sources)}"]
    for c in summary.concentration:
        lines += concentration_lines(c)
    for g in summary.gaps:
        lines += gap_lines(g)
    return lines


def usage_markdown(summary: UsageSummary) -> str:
    """The report section: present only when usage was imported (the caller omits it otherwise)."""
    body = "\n".join(usage_lines(summary))
    return f"## Own traffic vs the public board\n\n```\n{body}\n```\n"


def usage_json(summary: UsageSummary) -> dict[str, Any]:
    return {"version": 1, **asdict(summary)}


def verdict_lines(verdicts: Sequence[Verdict]) -> list[str]:
    lines = []
    for v in verdicts:
        lines.append(
            f"{v.tier} {v.kind} {v.candidate} (stage {v.stage}, {v.deployment_id}): "
            f"{v.verdict.upper()}: {v.reason}"
        )
        for c in v.checks:
            value = _num(c.value)
            lines.append(f"  {c.metric} {value} {c.op} {c.threshold:.4g} [{c.source}]: {c.status}")
    return lines


def verdicts_json(verdicts: Sequence[Verdict], notes: Sequence[str] = ()) -> dict[str, Any]:
    return {"version": 1, "verdicts": [asdict(v) for v in verdicts], "notes": list(notes)}
