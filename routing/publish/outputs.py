"""Writing a weekly run's files: each one atomically, all from one Recommendation."""

from __future__ import annotations

import json
from pathlib import Path

from evals.files import atomic_write, dump_yaml
from routing.decide.diff import render_diff_markdown
from routing.decide.recommendation import Recommendation
from routing.decide.rollout import rollout_to_dict
from routing.policy import write_policy
from routing.render.markdown import ReportSources, render_report, report_context


def write_weekly_outputs(
    rec: Recommendation, src: ReportSources, out_dir: Path, proposed_path: Path
) -> dict[str, Path]:
    """proposed.yaml, then report.md, diff.md, rollout.yaml and scores.json in the report folder."""
    new_label = "proposed.yaml (SIMULATED evidence)" if rec.simulated else "proposed.yaml"
    diff_md = render_diff_markdown(rec.changes, src.current_name, new_label)
    report = render_report(report_context(rec, src, diff_md))
    if src.appendix:
        report = f"{report.rstrip()}\n\n{src.appendix}"
    scores = json.dumps([s.to_dict() for s in rec.scores], indent=2) + "\n"
    return {
        "proposed": write_policy(rec.policy, proposed_path),
        "report": atomic_write(out_dir / "report.md", report),
        "diff": atomic_write(out_dir / "diff.md", diff_md),
        "rollout": atomic_write(out_dir / "rollout.yaml", dump_yaml(rollout_to_dict(rec.rollout))),
        "scores": atomic_write(out_dir / "scores.json", scores),
    }
