"""Bytes that are not UTF-8 in any file a user hands us: exit 1 and one line naming the file, no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing.cli import main

BAD = b"version: 1\n# caf\xe9 \xff\xfe\n"


@pytest.fixture
def project(repo: Path, tmp_path: Path) -> Path:
    shutil.copy(repo / "routing.yaml", tmp_path / "routing.yaml")
    shutil.copytree(repo / "golden_tasks", tmp_path / "golden_tasks")
    shutil.copytree(repo / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("proposed.yaml"))
    shutil.copytree(repo / "reports" / "rankings", tmp_path / "reports" / "rankings")
    return tmp_path


def _first_task(project: Path) -> Path:
    return sorted((project / "golden_tasks" / "chat").glob("*.yaml"))[0]


CASES = {
    "routing.yaml": (lambda p: p / "routing.yaml", lambda p, f: ["recommend", "--simulate"]),
    "golden task": (_first_task, lambda p, f: ["recommend", "--simulate", "--tiers", "chat"]),
    "policy": (lambda p: p / "policies" / "current.yaml", lambda p, f: ["recommend", "--simulate"]),
    "results JSONL": (lambda p: p / "results.jsonl", lambda p, f: ["recommend", "--results", str(f)]),
    "replay JSONL": (lambda p: p / "replay.jsonl", lambda p, f: ["recommend", "--replay", str(f)]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_non_utf8_file_is_one_line_naming_the_file(project: Path, case: str):
    locate, args = CASES[case]
    bad = locate(project)
    bad.write_bytes(BAD)
    result = CliRunner().invoke(main, [*args(project, bad), "--config", str(project / "routing.yaml")])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a handled error, not an escaped exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert str(bad) in lines[0] and "not UTF-8" in lines[0]
    assert not (project / "policies" / "proposed.yaml").exists()  # refused before anything was written
