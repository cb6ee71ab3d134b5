"""The weekly workflow passes GitHub's workflow schema (vendored in check-jsonschema, so offline) and
does what the README promises: Monday cron, manual trigger, pinned install, --pr, the artifact."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

WORKFLOW = Path(".github/workflows/weekly-recommend.yml")


def schema_check(path: Path) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).with_name("check-jsonschema")
    command = [str(tool) if tool.exists() else shutil.which("check-jsonschema") or "check-jsonschema"]
    return subprocess.run(
        [*command, "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True
    )


def test_workflow_passes_the_schema(repo: Path):
    done = schema_check(repo / WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_fails_a_broken_workflow(repo: Path, tmp_path: Path):
    broken = tmp_path / "broken.yml"
    broken.write_text((repo / WORKFLOW).read_text().replace("runs-on:", "runs_on:"))
    done = schema_check(broken)
    assert done.returncode == 1 and "runs-on" in done.stdout


def test_workflow_schedules_pins_and_publishes(repo: Path):
    flow = yaml.safe_load((repo / WORKFLOW).read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["schedule"] == [{"cron": "0 6 * * 1"}] and "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "write", "pull-requests": "write"}
    steps = flow["jobs"]["recommend"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "-c constraints.txt" in runs and "recommend --pr" in runs
    env = next(s["env"] for s in steps if "recommend --pr" in s.get("run", ""))
    assert env["OPENROUTER_API_KEY"] == "${{ secrets.OPENROUTER_API_KEY }}"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "reports/${{ env.REPORT_DAY }}/" and upload["if"] == "always()"
    assert "GITHUB_TOKEN caveat" in (repo / WORKFLOW).read_text()
