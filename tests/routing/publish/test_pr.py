"""`routing recommend --simulate --pr` against a real git repository with a bare remote in a temp dir.

gh is kept off PATH (only git is on it), so the fallback path is exercised; a recording fake `gh`
script covers the open-or-update path.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing.cli import main

DAY = "2026-05-25"
BRANCH = "routing/recommend-2026-W22"


def sh(cwd: Path, *args: str) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def team(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The team's repository (shipped inputs, 2 repeats) committed on main, pushed to a bare remote."""
    work = tmp_path / "team"
    work.mkdir()
    config = (repo / "routing.yaml").read_text().replace("repeats: 8", "repeats: 2")
    (work / "routing.yaml").write_text(config)
    shutil.copytree(repo / "golden_tasks", work / "golden_tasks")
    shutil.copytree(repo / "policies", work / "policies", ignore=shutil.ignore_patterns("proposed.yaml"))
    shutil.copytree(repo / "reports" / "rankings", work / "reports" / "rankings")
    (work / ".gitignore").write_text(".routing/\n/reports/2*/\n")
    sh(tmp_path, "git", "init", "-q", "--bare", "-b", "main", "remote.git")
    sh(work, "git", "init", "-q", "-b", "main")
    sh(work, "git", "config", "user.name", "Team")
    sh(work, "git", "config", "user.email", "team@example.com")
    sh(work, "git", "add", "-A")
    sh(work, "git", "commit", "-q", "-m", "team inputs")
    sh(work, "git", "remote", "add", "origin", str(tmp_path / "remote.git"))
    sh(work, "git", "push", "-q", "origin", "main")
    bin_dir = tmp_path / "bin"  # git only: gh must not be found, whatever the machine has
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    monkeypatch.setenv("PATH", str(bin_dir))
    return work


def run_pr(work: Path, *extra: str):
    args = ["recommend", "--simulate", "--pr", "--tiers", "chat", "--date", DAY, *extra]
    return CliRunner().invoke(main, [*args, "--config", str(work / "routing.yaml")])


def remote(tmp_path: Path, *args: str) -> str:
    return sh(tmp_path / "remote.git", "git", *args)


def test_pr_pushes_one_commit_then_a_rerun_creates_nothing(team: Path, tmp_path: Path):
    first = run_pr(team)
    assert first.exit_code == 0, first.output
    tip = remote(tmp_path, "rev-parse", f"refs/heads/{BRANCH}")
    assert remote(tmp_path, "rev-list", "--count", f"main..{tip}") == "1"
    touched = set(remote(tmp_path, "diff", "--name-only", "main", tip).splitlines())
    assert "policies/current.yaml" in touched
    assert {f"reports/{DAY}/{n}" for n in ("report.md", "report.html", "pr.md", "scores.json")} <= touched
    assert all(p == "policies/current.yaml" or p.startswith(f"reports/{DAY}/") for p in touched)
    assert "reports/rankings/2026-05-18.json" in remote(tmp_path, "ls-tree", "-r", "--name-only", tip)
    # the branch's current.yaml is the proposal
    on_branch = remote(tmp_path, "show", f"{tip}:policies/current.yaml")
    assert on_branch == (team / "policies/proposed.yaml").read_text().strip()
    assert "SIMULATED" in remote(tmp_path, "log", "-1", "--format=%B", tip)
    # no gh: the exact command and the body file, a draft labelled simulated
    assert f"gh pr create --base main --head {BRANCH}" in first.output
    assert "--draft --label simulated" in first.output
    assert f"reports/{DAY}/pr.md" in first.output
    # the user's checkout is where it was
    assert sh(team, "git", "symbolic-ref", "--short", "HEAD") == "main"

    second = run_pr(team)
    assert second.exit_code == 0, second.output
    assert "already proposes this policy: no new commit" in second.output
    assert remote(tmp_path, "rev-parse", f"refs/heads/{BRANCH}") == tip


def test_dirty_tree_is_refused_before_any_model_is_called(team: Path):
    with (team / "routing.yaml").open("a") as fh:
        fh.write("# local edit\n")
    result = run_pr(team)
    assert result.exit_code == 1
    assert "uncommitted changes (routing.yaml)" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (team / ".routing").exists()  # no store: nothing was run
    assert not (team / "reports" / DAY).exists()
    assert not (team / "policies/proposed.yaml").exists()


def test_detached_head_and_missing_remote_are_refused(team: Path):
    sh(team, "git", "checkout", "-q", "--detach")
    assert "HEAD is detached" in run_pr(team).output
    sh(team, "git", "checkout", "-q", "main")
    result = run_pr(team, "--remote", "upstream")
    assert result.exit_code == 1 and "no git remote named 'upstream'" in result.output
    assert not (team / ".routing").exists()


def test_unchanged_policy_makes_no_commit(team: Path, tmp_path: Path):
    """Once the proposal is the team's policy, the same evidence proposes nothing new."""
    proposed = team / "policies/proposed.yaml"
    first = run_pr(team)
    assert first.exit_code == 0, first.output
    tip = remote(tmp_path, "rev-parse", f"refs/heads/{BRANCH}")
    # make the proposal the team's policy on main, then the same evidence changes nothing
    shutil.copy(proposed, team / "policies/current.yaml")
    sh(team, "git", "commit", "-q", "-am", "merge the proposal")
    result = run_pr(team)
    assert result.exit_code == 0, result.output
    assert "the policy is unchanged: no commit, no pull request" in result.output
    assert remote(tmp_path, "rev-parse", f"refs/heads/{BRANCH}") == tip


def fake_gh(bin_dir: Path, log: Path, existing: str = "") -> None:
    """A gh that is logged in, records every call and answers `pr list` with `existing`."""
    script = bin_dir / "gh"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{log}"\n'
        'if [ "$1 $2" = "pr list" ]; then echo "' + existing + '"; fi\n'
        'if [ "$1 $2" = "pr create" ]; then echo "https://github.com/team/repo/pull/7"; fi\n'
        "exit 0\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    (bin_dir / "sh").symlink_to("/bin/sh")


def test_gh_opens_a_draft_labelled_simulated_then_updates_it(team: Path, tmp_path: Path):
    log = tmp_path / "gh.log"
    fake_gh(tmp_path / "bin", log)
    result = run_pr(team)
    assert result.exit_code == 0, result.output
    assert "opened https://github.com/team/repo/pull/7" in result.output
    calls = log.read_text().splitlines()
    assert calls[0] == "auth status"
    create = next(c for c in calls if c.startswith("pr create"))
    assert f"--base main --head {BRANCH}" in create and "--draft --label simulated" in create
    assert any(c.startswith("label create simulated") for c in calls)

    # the same week, a different proposal (another tier): the open PR is edited, not duplicated
    (tmp_path / "bin" / "gh").unlink()
    (tmp_path / "bin" / "sh").unlink()
    log.unlink()
    fake_gh(tmp_path / "bin", log, existing="https://github.com/team/repo/pull/7")
    again = CliRunner().invoke(
        main,
        ["recommend", "--simulate", "--pr", "--tiers", "chat,extraction", "--date", DAY,
         "--config", str(team / "routing.yaml")],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    calls = log.read_text().splitlines()
    assert not any(c.startswith("pr create") for c in calls)
    assert any(c.startswith("pr edit https://github.com/team/repo/pull/7") for c in calls)
    assert "updated https://github.com/team/repo/pull/7" in again.output
    assert remote(tmp_path, "rev-list", "--count", f"main..refs/heads/{BRANCH}") == "2"


def test_the_user_umask_applies_to_report_files(team: Path):
    old = os.umask(0o027)
    try:
        result = run_pr(team)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    for name in ("report.md", "report.html", "pr.md", "scores.json"):
        assert stat.S_IMODE((team / "reports" / DAY / name).stat().st_mode) == 0o640, name
