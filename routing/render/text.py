"""How numbers read in every output: the one home of formatting (the decision modules write none)."""

from __future__ import annotations

from evals.scores import Score


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def usd(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"${value:.4f}" if value >= 0.001 else f"${value:.6f}"


def cost_per_success_text(s: Score) -> str:
    """The shown cost per success; when some calls are unpriced, unknown with the high estimate that
    the decision read (rationale.py gives the whole range)."""
    if s.cost_per_success_usd is None and s.cost_per_success_high_usd is not None:
        return f"unknown (≤ {usd(s.cost_per_success_high_usd)}, {s.unpriced_attempts} unpriced)"
    return usd(s.cost_per_success_usd)


def secs(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}s"


def risk(value: float | None) -> str:
    """A probability of violating a gate: 'unknown' when it cannot be bounded, '<0.1%' when tiny."""
    if value is None:
        return "unknown"
    return "<0.1%" if 0 < value < 0.001 else f"{value:.1%}"


def human_tokens(n: float | None) -> str:
    """Three significant digits, as the public board writes them: 3.43T, 806B, 12.5M, 940."""
    if n is None:
        return "n/a"
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size * 0.9995:  # 999.6B is 1.00T, not 1000B
            value = n / size
            for decimals in (2, 1):  # 9.996 rounds to 10.0, 99.96 to 100
                text = f"{value:.{decimals}f}"
                if float(text) < 10 ** (3 - decimals):
                    return f"{text}{unit}"
            return f"{value:.0f}{unit}"
    return str(int(n))


METRIC_NAMES = {
    "success": "success",
    "tool_failure": "tool-call failures",
    "latency_p95": "p95 latency",
    "cost_per_success": "cost per success",
}


def metric_value(metric: str, value: float | None) -> str:
    if metric == "latency_p95":
        return secs(value)
    if metric == "cost_per_success":
        return usd(value)
    return pct(value)
