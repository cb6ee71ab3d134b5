"""`routing recommend --pr`: the weekly run, ending in a pull request a reviewer can judge in minutes.

Order matters: every refusal (not a repository, detached HEAD, dirty tree, missing or unreachable
remote, outputs outside the repository) comes before the first model call. Then the usual weekly run;
then, only if the policy changes and differs from what the week's branch already proposes, one commit
on `routing/recommend-<week>` (policies/current.yaml = the proposal, reports/<date>/, the rankings
snapshot used), pushed, and the PR opened or updated with gh (else the exact command is printed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evals.files import atomic_write, parse_yaml
from evals.run.runner import RunObserver
from routing.app.guards import report_day, report_dir
from routing.app.weekly import RecommendOptions, WeeklyRun, recommend
from routing.config import Config
from routing.decide.diff import diff_policies
from routing.policy import Policy, parse_policy
from routing.publish import pr as git_pr
from routing.render.markdown import ReportSources
from routing.render.pr_body import commit_message, iso_week, pr_title, render_pr_body

BRANCH_PREFIX = "routing/recommend-"


@dataclass(frozen=True)
class PrOutcome:
    """The run and what publishing did: a commit and PR, or the one-line reason there are none."""

    run: WeeklyRun
    branch: str
    commit: str | None
    pr: git_pr.PullRequest | None
    body_file: Path | None
    note: str


def inside(repo: git_pr.Repo, path: Path, what: str) -> str:
    """`path` relative to the repository root; a path outside it cannot be committed."""
    resolved = path.resolve()
    if not resolved.is_relative_to(repo.root):
        raise git_pr.PublishError(f"--pr: {what} {resolved} is outside the repository {repo.root}")
    return resolved.relative_to(repo.root).as_posix()


def proposes_same(repo: git_pr.Repo, tip: str, policy_rel: str, proposal: Policy) -> bool:
    """Does the week's branch already carry this policy (tiers alike, whatever the timestamps)?"""
    text = git_pr.show(repo, tip, policy_rel)
    if text is None:
        return False
    on_branch = parse_policy(parse_yaml(text, f"{tip[:12]}:{policy_rel}"), policy_rel)
    return not any(c.is_change for c in diff_policies(on_branch, proposal))


def snapshot_file(config: Config, opts: RecommendOptions, sources_day: str | None) -> Path | None:
    """The rankings snapshot file the run used (`<rankings>/<week>.json`), when there is one."""
    if sources_day is None:
        return None
    folder = config.resolve(opts.rankings) if opts.rankings else config.resolve(config.paths.rankings)
    path = folder / f"{sources_day}.json"
    return path if path.is_file() else None


def recommend_pr(
    config: Config,
    opts: RecommendOptions,
    remote: str = "origin",
    observer: RunObserver | None = None,
) -> PrOutcome:
    opts.day = report_day(opts.day)
    out_dir = report_dir(config, opts.day, opts.out)
    proposed = config.resolve(config.paths.proposed)
    repo = git_pr.preflight(config.base_dir, remote, own_outputs=[proposed, out_dir])
    policy_rel = inside(repo, config.resolve(config.paths.policy), "the policy")
    report_rel = inside(repo, out_dir, "the report folder")
    branch = BRANCH_PREFIX + iso_week(opts.day)
    git_pr.remote_tip(repo, branch)  # the remote answers before anything is spent

    run = recommend(config, opts, observer)
    rec = run.recommendation
    if rec.n_changed == 0:
        return PrOutcome(run, branch, None, None, None, "the policy is unchanged: no commit, no pull request")
    tip = git_pr.remote_tip(repo, branch)
    if tip is not None and proposes_same(repo, tip, policy_rel, rec.policy):
        note = f"{branch} already proposes this policy: no new commit"
        return PrOutcome(run, branch, None, None, None, note)

    sources: ReportSources = run.sources
    body_file = atomic_write(out_dir / "pr.md", render_pr_body(rec, sources, f"{report_rel}/report.md"))
    files = {policy_rel: run.outputs["proposed"]}
    files.update({f"{report_rel}/{p.name}": p for p in sorted(out_dir.iterdir()) if p.is_file()})
    snapshot = snapshot_file(config, opts, str(sources.snapshot.date) if sources.snapshot else None)
    if snapshot is not None:
        files[inside(repo, snapshot, "the rankings snapshot")] = snapshot
    parent = tip or git_pr.git(repo.root, "rev-parse", "HEAD").strip()
    commit = git_pr.commit_files(repo, parent, files, [report_rel], commit_message(rec, opts.day))
    if commit is None:
        return PrOutcome(run, branch, None, None, body_file, f"{branch} already holds these files: no commit")
    git_pr.push(repo, commit, branch)
    pull = git_pr.open_or_update_pr(repo, branch, pr_title(rec, opts.day), body_file, rec.simulated)
    note = f"pushed {commit[:12]} to {remote}/{branch}"
    return PrOutcome(run, branch, commit, pull, body_file, note)
