"""`routing usage import|show`, the report section and `export litellm --check`, through the CLI."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing.app.litellm_check import check_litellm_text
from routing.cli import main

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "make_usage_samples.py"


@pytest.fixture
def project(repo: Path, tmp_path: Path) -> Path:
    shutil.copy(repo / "routing.yaml", tmp_path / "routing.yaml")
    shutil.copytree(repo / "golden_tasks", tmp_path / "golden_tasks")
    shutil.copytree(repo / "policies", tmp_path / "policies")
    shutil.copytree(repo / "reports" / "rankings", tmp_path / "reports" / "rankings")
    spec = importlib.util.spec_from_file_location("make_usage_samples", SCRIPT)
    samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(samples)
    samples.main(["--out", str(tmp_path / "samples")])
    return tmp_path


def invoke(project: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--config", str(project / "routing.yaml")])


def test_usage_import_then_show(project):
    assert invoke(project, "usage", "show").exit_code == 1  # nothing imported: a clear message
    result = invoke(project, "usage", "import", str(project / "samples" / "spend_logs_traffic.csv"))
    assert result.exit_code == 0, result.output
    shown = json.loads(invoke(project, "usage", "show", "--format", "json").output)
    scopes = {(c["week"], c["scope"]): c for c in shown["concentration"]}
    assert scopes[("2026-04-13", "all tiers")]["flagged"] is True
    text = invoke(project, "usage", "show").output
    assert "FLAG: spend is more concentrated than tokens" in text
    assert "2026-04-13: own traffic vs the public board" in text  # a snapshot exists for that week


def test_imported_traffic_is_ignored_by_git(project, repo):
    """Spend logs are the team's production requests: a `git add -A` after an import must not take them."""
    shutil.copy(repo / ".gitignore", project / ".gitignore")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    result = invoke(project, "usage", "import", str(project / "samples" / "spend_logs_traffic.csv"))
    assert result.exit_code == 0, result.output
    (stored,) = (project / "reports" / "usage").glob("*.csv")
    ignored = subprocess.run(["git", "check-ignore", "-q", str(stored)], cwd=project, check=False)
    assert ignored.returncode == 0
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=project, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert "?? routing.yaml" in status  # untracked files are listed ...
    assert not [line for line in status if "reports/usage" in line]  # ... but not the imported traffic


def test_a_request_imported_twice_counts_once(project, tmp_path):
    traffic = (project / "samples" / "spend_logs_traffic.csv").read_text().splitlines()
    first, later = tmp_path / "first.csv", tmp_path / "later.csv"
    first.write_text("\n".join(traffic[:1001]) + "\n")  # requests 1-1000
    later.write_text("\n".join([traffic[0], *traffic[801:]]) + "\n")  # 800-2050: 200 seen before

    result = invoke(project, "usage", "import", str(first))
    assert result.exit_code == 0 and "duplicate" not in result.output, result.output
    result = invoke(
        project, "usage", "import", str(later), str(project / "samples" / "spend_logs_traffic.csv")
    )
    lines = result.output.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[0].startswith("1050 litellm_spend_logs rows -> ")
    assert lines[0].endswith("(200 duplicate rows skipped: request_id already imported)")
    assert lines[1].endswith(
        "spend_logs_traffic.csv: nothing new (2050 duplicate rows skipped: request_id already imported)"
    )

    shown = json.loads(invoke(project, "usage", "show", "--format", "json").output)
    coding = next(c for c in shown["concentration"] if (c["week"], c["scope"]) == ("2026-04-13", "coding"))
    tokens = {s["model"]: s["tokens"] for s in coding["shares"]}
    assert tokens == {"deepseek/deepseek-v4-flash": 80_000, "anthropic/claude-sonnet-4.6": 20_000}


def test_bad_usage_file_stores_nothing(project, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("request_id,startTime,spend,tokens_used\n")
    result = invoke(project, "usage", "import", str(project / "samples" / "spend_logs_traffic.csv"), str(bad))
    assert result.exit_code == 1 and "tokens_used" in result.output
    assert not (project / "reports" / "usage").exists()


def test_report_section_is_absent_without_usage_and_present_with_it(project):
    assert invoke(project, "recommend", "--simulate", "--date", "2026-11-23").exit_code == 0
    assert "Own traffic" not in (project / "reports" / "2026-11-23" / "report.md").read_text()
    invoke(project, "usage", "import", str(project / "samples" / "spend_logs_traffic.csv"))
    assert invoke(project, "recommend", "--simulate", "--date", "2026-11-24").exit_code == 0
    report = (project / "reports" / "2026-11-24" / "report.md").read_text()
    assert "## Own traffic vs the public board" in report
    assert "overweight on expensive models: anthropic/claude-sonnet-4.6" in report


def test_export_check_loads_the_config_as_the_proxy_does(project):
    result = invoke(
        project, "export", "litellm", "--policy", str(project / "policies" / "current.yaml"), "--check"
    )
    assert result.exit_code == 0, result.output
    assert "load in litellm.Router" in result.output


def test_export_check_prints_the_checks_notes_and_none_of_litellms_log_lines(project):
    """LiteLLM logs a warning per custom-priced deployment to its own stderr handler (out of CliRunner's
    reach): a separate process shows what a user sees."""
    command = "from routing.cli import main; main()"
    args = ["export", "litellm", "--check", "--config", str(project / "routing.yaml")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM")}
    done = subprocess.run([sys.executable, "-c", command, *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# LiteLLM proxy config generated by `routing export litellm`")
    assert "LITELLM_MASTER_KEY is not set here" in done.stderr
    assert "load in litellm.Router" in done.stderr
    assert "LiteLLM" not in done.stderr.replace("LITELLM_MASTER_KEY", ""), done.stderr


def test_check_reports_what_the_proxy_would_drop_or_refuse():
    text = """
model_list:
  - model_name: t
    litellm_params: {model: openai/x, api_base: "http://127.0.0.1:9/v1", weight: 1}
    model_info: {id: "t:primary:x"}
router_settings: {routing_strategy: simple-shuffle, fallbacks: [{t: [t-fallback-1]}], retry_forever: true}
general_settings: {master_key: sk-1234}
extra_section: {}
"""
    report = check_litellm_text(text)
    problems = "\n".join(report.problems)
    assert "master_key is a literal" in problems
    assert "router_settings.retry_forever" in problems
    assert "'t-fallback-1'" in problems
    assert "extra_section" in problems
    assert not report.ok
