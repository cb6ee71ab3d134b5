"""The report section that says which numbers a real model produced and which the simulator did.

Present when any row came from a real call: per real model and tier its measured success, tool-call
failures by type, latency p50/p95, tokens and cost, labelled REAL; the simulated models are named as
such (their figures elsewhere in the report are simulated). Pure: results in, Markdown out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from evals.records import TOOL_FAILURES, Result
from evals.scores import graded, latency_s, offers_tools, success_rate, total_cost
from routing.render.text import pct, usd


def sections(*parts: str | None) -> str | None:
    """Report sections joined by a blank line; None when there is none."""
    present = [p.rstrip() for p in parts if p]
    return "\n\n".join(present) + "\n" if present else None


def _secs(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}s"


def _mean(values: Sequence[int]) -> str:
    return f"{sum(values) / len(values):.0f}" if values else "unknown"


def tool_failures_text(rows: Sequence[Result]) -> str:
    """`no_call 2, wrong_value 1 of 8` over the graded attempts of tool tasks; `no tool tasks` without."""
    tool_rows = [r for r in graded(rows) if offers_tools(r)]
    if not tool_rows:
        return "no tool tasks"
    counts = Counter(r.failure for r in tool_rows if r.failure in TOOL_FAILURES)
    found = ", ".join(f"{code} {n}" for code, n in sorted(counts.items())) or "none"
    return f"{found} of {len(tool_rows)}"


def other_failures_text(rows: Sequence[Result]) -> str:
    """Failures that are not tool-call codes (a check that failed, a cut-off answer), and call errors."""
    counts = Counter(r.failure for r in graded(rows) if not r.passed and r.failure not in TOOL_FAILURES)
    counts.update(f"error:{r.error_type}" for r in rows if r.status == "error")
    return ", ".join(f"{code} {n}" for code, n in sorted(counts.items(), key=str)) or "none"


def _row(model: str, tier: str, rows: Sequence[Result]) -> str:
    done = graded(rows)
    ok = [r for r in rows if r.status == "ok"]
    prompt = [r.prompt_tokens for r in ok if r.prompt_tokens is not None]
    completion = [r.completion_tokens for r in ok if r.completion_tokens is not None]
    passed = sum(1 for r in done if r.passed)
    cells = [
        f"`{model}`",
        "REAL",
        tier,
        f"{pct(success_rate(rows))} ({passed}/{len(done)})",
        tool_failures_text(rows),
        other_failures_text(rows),
        f"{_secs(latency_s(rows, 50))} / {_secs(latency_s(rows, 95))}",
        f"{_mean(prompt)} / {_mean(completion)}",
        usd(total_cost(rows)),
    ]
    return "| " + " | ".join(cells) + " |"


def provenance_markdown(results: Sequence[Result]) -> str | None:
    """The section, or None when no row came from a real model call."""
    real = [r for r in results if r.provider_kind == "real"]
    if not real:
        return None
    simulated = sorted({r.model for r in results if r.provider_kind == "sim"})
    lines = ["## Where the numbers come from", ""]
    if simulated:
        lines += [
            "This run mixes **real** model calls and **simulated** answers. The rows below are REAL: "
            "measured from real HTTP calls (token counts from the server, latency from the request, "
            "failures graded by the same checks). Every figure of "
            + ", ".join(f"`{m}`" for m in simulated)
            + " is SIMULATED (profiles, not measurements), so the recommendation as a whole is SIMULATED.",
            "",
        ]
    else:
        lines += ["Every figure of this report comes from real model calls.", ""]
    lines += [
        "| model | source | tier | success | tool-call failures by type | other failures "
        "| latency p50 / p95 | tokens in / out (mean per attempt) | cost (all attempts) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in real:
        groups.setdefault((r.model, r.tier), []).append(r)
    lines += [_row(model, tier, rows) for (model, tier), rows in sorted(groups.items())]
    return "\n".join(lines) + "\n"
