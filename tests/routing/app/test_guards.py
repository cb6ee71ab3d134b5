"""Output hygiene: --date must be a date inside reports/, tiers must be defined, scores.json is strict
JSON, a same-day rerun says it replaced the report."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.errors import InputError
from routing.app.guards import report_day
from routing.cli import main
from routing.publish.outputs import finite, scores_json
from tests.routing.render.weekly_record import week


@pytest.fixture
def project(repo: Path, tmp_path: Path) -> Path:
    config = (repo / "routing.yaml").read_text().replace("repeats: 8", "repeats: 1")
    (tmp_path / "routing.yaml").write_text(config)
    shutil.copytree(repo / "golden_tasks", tmp_path / "golden_tasks")
    shutil.copytree(repo / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("proposed.yaml"))
    shutil.copytree(repo / "reports" / "rankings", tmp_path / "reports" / "rankings")
    return tmp_path


def run(project: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--config", str(project / "routing.yaml")])


@pytest.mark.parametrize("bad", ["../../x", "not-a-date", "2026-02-30", "2026-5-1", "2026-05-25/../.."])
def test_a_date_that_is_not_a_date_is_refused(bad):
    with pytest.raises(InputError, match="--date"):
        report_day(bad)
    assert report_day("2026-05-25") == "2026-05-25"


def test_cli_refuses_a_date_escaping_reports_before_running(project: Path):
    result = run(project, "recommend", "--simulate", "--date", "../../x")
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--date': '../../x' is not a date: use YYYY-MM-DD" in result.output
    assert not (project / ".routing").exists() and not (project.parent / "x").exists()


def test_results_with_an_undefined_tier_are_refused(project: Path):
    rows = [{"task_id": f"t{i}", "tier": "mystery", "model": "m/a", "passed": True} for i in range(3)]
    rows += [{"task_id": "c1", "tier": "chat", "model": "m/a", "passed": True}]
    results = project / "results.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = run(project, "recommend", "--results", str(results), "--date", "2026-05-25")
    assert result.exit_code == 1
    assert "tier(s) mystery not defined in" in result.output and "defined: coding, agent" in result.output
    assert not (project / "policies/proposed.yaml").exists()


def test_export_refuses_a_policy_with_an_undefined_tier(project: Path):
    policy = project / "policies/odd.yaml"
    policy.write_text("version: 1\ntiers:\n  mystery: {primary: m/a}\n  chat: {primary: m/b}\n")
    result = run(project, "export", "litellm", "--policy", str(policy))
    assert result.exit_code == 1 and "tier(s) mystery not defined" in result.output


def test_scores_json_has_no_nan_or_infinity():
    assert finite({"a": [1.0, math.nan, {"b": math.inf}], "c": "x"}) == {
        "a": [1.0, None, {"b": None}],
        "c": "x",
    }
    rec, _ = week()
    broken = [rec.scores[0].__class__(**{**rec.scores[0].__dict__, "cost_usd": math.nan})]
    text = scores_json(broken)
    assert "NaN" not in text and json.loads(text)[0]["cost_usd"] is None
    assert "tool_failures" in json.loads(scores_json(rec.scores))[0]


def test_a_same_day_rerun_says_it_replaced_the_report(project: Path):
    args = ("recommend", "--simulate", "--tiers", "chat", "--date", "2026-05-25")
    first = run(project, *args)
    assert first.exit_code == 0, first.output
    assert "replaced the earlier report" not in first.output
    second = run(project, *args)
    assert second.exit_code == 0, second.output
    assert "replaced the earlier report of 2026-05-25" in second.output
    assert (project / "reports/2026-05-25/report.html").is_file()
