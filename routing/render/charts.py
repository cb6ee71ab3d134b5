"""The report's charts as inline SVG text, drawn with matplotlib (imported lazily, never at CLI start).

Pure: figures are drawn into memory and returned as text. The output is byte-identical run to run:
no date in the metadata, a fixed hash salt per chart (so the ids of two charts on one page differ),
text kept as text (`svg.fonttype: none`, no glyph paths that depend on the local font files), math
parsing off (a `$` in a model id stays a `$`).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
MAX_SERIES = 8  # lines on the momentum chart; more are unreadable


@dataclass(frozen=True)
class TierPoint:
    """One model on one tier: where it sits on the trade-off, and its part in the decision."""

    model: str
    cost_per_success: float | None
    success: float | None
    success_low: float | None = None
    success_high: float | None = None
    incumbent: bool = False
    proposed: bool = False

    @property
    def plotted(self) -> bool:
        known = (self.cost_per_success, self.success)
        return all(v is not None and math.isfinite(v) for v in known) and self.cost_per_success > 0


def pareto_front(points: Sequence[TierPoint]) -> list[TierPoint]:
    """The models no other beats on both axes (cheaper per success AND at least as successful),
    cheapest first. Models with an unknown cost or success are not on it: they cannot be compared."""
    front: list[TierPoint] = []
    best = -math.inf
    for p in sorted((p for p in points if p.plotted), key=lambda p: (p.cost_per_success, -p.success)):
        if p.success > best:
            front.append(p)
            best = p.success
    return front


def short(model: str) -> str:
    """`deepseek/deepseek-v4-flash` -> `deepseek-v4-flash`: labels on a chart must be short."""
    return model.rsplit("/", 1)[-1]


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


_XML_PROLOGUE = re.compile(r"^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)
_ID_REF = re.compile(r'( id="|href="#|url\(#)([^"#)]+)')


def to_svg(fig: Any, salt: str, title: str) -> str:
    """The figure as an `<svg>` element ready to inline in HTML, with an accessible title."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "text.parse_math": False}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = _XML_PROLOGUE.sub("", buf.getvalue())
    # ids unique on a page holding several charts: prefix every id and every reference to one
    svg = _ID_REF.sub(lambda m: f"{m.group(1)}{salt}-{m.group(2)}", svg)
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)
    return svg.replace(">", f"><title>{escaped}</title>", 1) if "<title>" not in svg else svg


def pareto_chart(tier: str, points: Sequence[TierPoint]) -> str:
    """Cost per success (log) against success, with the Pareto frontier; incumbent and proposal marked."""
    with _rc():
        fig = _figure(6.4, 4.0)
        ax = fig.add_subplot()
        shown = [p for p in points if p.plotted]
        for p in shown:
            low = p.success - p.success_low if p.success_low is not None else 0.0
            high = p.success_high - p.success if p.success_high is not None else 0.0
            ax.errorbar(
                p.cost_per_success, p.success, yerr=[[max(low, 0.0)], [max(high, 0.0)]],
                fmt="o", color="#9aa5b1", ecolor="#d0d5db", markersize=5, zorder=2,
            )  # fmt: skip
        front = pareto_front(points)
        if front:
            xs = [p.cost_per_success for p in front]
            ys = [p.success for p in front]
            ax.step(xs, ys, where="post", color=PALETTE[0], linewidth=1.5, label="Pareto frontier", zorder=3)
            ax.plot(xs, ys, "o", color=PALETTE[0], markersize=6, zorder=4)
        for p in shown:
            if p.incumbent:
                ax.plot(p.cost_per_success, p.success, "s", markersize=13, markerfacecolor="none",
                        markeredgecolor=PALETTE[3], markeredgewidth=2, label=f"incumbent: {short(p.model)}",
                        zorder=5)  # fmt: skip
            if p.proposed:
                ax.plot(p.cost_per_success, p.success, "*", markersize=16, color=PALETTE[2],
                        label=f"proposed: {short(p.model)}", zorder=6)  # fmt: skip
        labelled = {p.model for p in front} | {p.model for p in shown if p.incumbent or p.proposed}
        for p in shown:
            if p.model in labelled:
                ax.annotate(short(p.model), (p.cost_per_success, p.success), textcoords="offset points",
                            xytext=(6, -10), fontsize=7, color="#333333")  # fmt: skip
        if shown:
            ax.set_xscale("log")
            _log_labels(ax.xaxis, lambda v: f"${v:g}")
            ax.legend(loc="lower right", fontsize=7, frameon=False)
        else:
            ax.text(0.5, 0.5, "no model with a known cost and success", ha="center", transform=ax.transAxes)
        ax.set_xlabel("cost per success (USD, log scale; lower is better)")
        ax.set_ylabel("success rate (95% CI)")
        ax.set_ylim(-0.02, 1.05)
        ax.set_title(f"{tier}: cost per success vs success", fontsize=10)
        ax.grid(True, which="major", color="#eeeeee")
        return to_svg(fig, f"pareto-{tier}", f"{tier}: cost per success against success, Pareto frontier")


@dataclass(frozen=True)
class WeekSeries:
    """One model's weekly token counts from the rankings (a week it was not listed is absent)."""

    model: str
    points: tuple[tuple[date, int], ...]


def momentum_chart(series: Sequence[WeekSeries]) -> str:
    """Weekly tokens for the candidates, one line per model, so a climb is seen not read."""
    with _rc():
        fig = _figure(6.4, 3.6)
        ax = fig.add_subplot()
        for i, s in enumerate(series[:MAX_SERIES]):
            xs = [d for d, _ in s.points]
            ys = [t for _, t in s.points]
            ax.plot(xs, ys, "o-", color=PALETTE[i % len(PALETTE)], markersize=4, label=short(s.model))
        if series:
            from matplotlib.ticker import FuncFormatter

            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _tokens(v)))
            ax.set_ylim(bottom=0)
            weeks = sorted({d for s in series[:MAX_SERIES] for d, _ in s.points})
            ax.set_xticks(weeks, [d.isoformat() for d in weeks], rotation=30, ha="right")
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
        else:
            ax.text(0.5, 0.5, "no candidate is listed in the rankings", ha="center", transform=ax.transAxes)
        ax.set_ylabel("tokens per week")
        ax.set_title("Public ranking momentum of the candidates", fontsize=10)
        ax.grid(True, which="major", color="#eeeeee")
        return to_svg(fig, "momentum", "Weekly tokens of the candidate models in the public rankings")


def failures_chart(counts: Mapping[str, Mapping[str, int]]) -> str:
    """Tool-call failures by type per model (stacked bars): which mistakes each model makes."""
    labels = list(counts)
    codes = list(dict.fromkeys(code for per_model in counts.values() for code in per_model))
    with _rc():
        fig = _figure(6.4, max(2.2, 0.32 * len(labels) + 1.4))
        ax = fig.add_subplot()
        left = [0] * len(labels)
        for i, code in enumerate(codes):
            widths = [counts[label].get(code, 0) for label in labels]
            ax.barh(labels, widths, left=left, color=PALETTE[i % len(PALETTE)], label=code)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        if codes:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
        else:
            ax.text(0.5, 0.5, "no tool-call failure", ha="center", transform=ax.transAxes)
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel("failed attempts")
        ax.set_title("Tool-call failures by type", fontsize=10)
        return to_svg(fig, "failures", "Tool-call failures by type per model")


def _tokens(n: float) -> str:
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:g}{unit}"
    return f"{n:g}"


def _log_labels(axis: Any, label: Any) -> None:
    """Plain labels on a log axis (matplotlib's default ones are math text, which is off here)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: label(v)))
    axis.set_minor_formatter(NullFormatter())


def _rc() -> Any:
    """Settings that make the drawing itself the same everywhere (fonts, sizes, no math text)."""
    import matplotlib

    return matplotlib.rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "text.parse_math": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "routing",
        }
    )
