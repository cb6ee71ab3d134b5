"""Writing a weekly run's files: each one atomically, all from one Recommendation."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from evals.files import atomic_write, dump_yaml
from evals.scores import Score
from routing.decide.diff import render_diff_markdown
from routing.decide.recommendation import Recommendation
from routing.decide.rollout import rollout_to_dict
from routing.policy import write_policy
from routing.render.markdown import ReportSources, render_report, report_context

REPORT_FILES = ("report.md", "report.html", "diff.md", "rollout.yaml", "scores.json")


def finite(value: Any) -> Any:
    """The value with every NaN or infinity replaced by None: JSON has neither, and an undefined
    figure is unknown (null), never a number."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def scores_json(scores: list[Score]) -> str:
    """scores.json: strict JSON (allow_nan=False would raise if a non-finite value slipped through),
    with each model's tool-call failures by type."""
    rows = [finite({**s.to_dict(), "tool_failures": dict(s.tool_failures)}) for s in scores]
    return json.dumps(rows, indent=2, allow_nan=False) + "\n"


def existing_report(out_dir: Path) -> Path | None:
    """The report a run would replace (a rerun on the same day), so the user is told, not surprised."""
    found = [out_dir / name for name in REPORT_FILES if (out_dir / name).exists()]
    return found[0] if found else None


def write_weekly_outputs(
    rec: Recommendation, src: ReportSources, out_dir: Path, proposed_path: Path
) -> dict[str, Path]:
    """proposed.yaml, then report.md, report.html, diff.md, rollout.yaml and scores.json in the folder."""
    from routing.render.html import html_report  # matplotlib: only when a report is written

    new_label = "proposed.yaml (SIMULATED evidence)" if rec.simulated else "proposed.yaml"
    diff_md = render_diff_markdown(rec.changes, src.current_name, new_label)
    report = render_report(report_context(rec, src, diff_md))
    if src.appendix:
        report = f"{report.rstrip()}\n\n{src.appendix}"
    return {
        "proposed": write_policy(rec.policy, proposed_path),
        "report": atomic_write(out_dir / "report.md", report),
        "html": atomic_write(out_dir / "report.html", html_report(rec, src, diff_md)),
        "diff": atomic_write(out_dir / "diff.md", diff_md),
        "rollout": atomic_write(out_dir / "rollout.yaml", dump_yaml(rollout_to_dict(rec.rollout))),
        "scores": atomic_write(out_dir / "scores.json", scores_json(rec.scores)),
    }
