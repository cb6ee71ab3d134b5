"""The weekly pull request's git and gh work: the only module that runs git or gh.

The commit is built with plumbing (a temporary index, `commit-tree`) on top of the week's branch or,
for a new week, of HEAD, and pushed to the remote: the user's checkout, index and HEAD are never
touched, so a run cannot leave a half-switched working tree behind. Every refusal is a one-line
`PublishError` raised before anything is spent (`preflight`) or before anything is pushed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.errors import DomainError
from evals.text import some_of

BOT_NAME = "routing-recommender"
BOT_EMAIL = "routing-recommender@users.noreply.github.com"
GIT_TIMEOUT_S = 120


class PublishError(DomainError):
    """The repository is not in a state to publish from, or git/gh refused: one line says which."""


@dataclass(frozen=True)
class Repo:
    """What pre-flight learned: the repository root, the branch HEAD is on, the remote and its URL."""

    root: Path
    base: str
    remote: str
    remote_url: str


def git(
    root: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    input_text: str | None = None,
) -> str:
    """Run git in `root`; a failure becomes a PublishError with git's own last line."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            input=input_text,
            timeout=GIT_TIMEOUT_S,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise PublishError("git is not installed: --pr needs git") from None
    except subprocess.TimeoutExpired:
        raise PublishError(f"git {args[0]} took more than {GIT_TIMEOUT_S}s") from None
    if check and done.returncode != 0:
        detail = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise PublishError(f"git {args[0]} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout


def preflight(folder: Path, remote: str, own_outputs: Sequence[Path]) -> Repo:
    """Refuse, before any model is called, a folder outside a git work tree, a detached HEAD, a dirty
    tree (tracked changes other than the files this command itself writes) or a missing remote."""
    probe = git(folder, "rev-parse", "--show-toplevel", check=False).strip()
    if not probe:
        raise PublishError(f"--pr: {folder} is not inside a git repository")
    root = Path(probe).resolve()
    base = git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    if not base:
        raise PublishError("--pr: HEAD is detached: check out the branch the PR should target")
    ignored = [p.resolve() for p in own_outputs]
    dirty = []
    for line in git(root, "status", "--porcelain=v1", "--untracked-files=no").splitlines():
        path = (root / line[3:].split(" -> ")[-1].strip('"')).resolve()
        if not any(path == p or path.is_relative_to(p) for p in ignored):
            dirty.append(line[3:])
    if dirty:
        raise PublishError(
            f"--pr: the working tree has uncommitted changes ({some_of(dirty)}): commit or stash them"
        )
    url = git(root, "remote", "get-url", remote, check=False).strip()
    if not url:
        raise PublishError(f"--pr: no git remote named {remote!r}: add it or pass --remote")
    return Repo(root, base, remote, url)


def remote_tip(repo: Repo, branch: str) -> str | None:
    """The week's branch on the remote, fetched (None when it does not exist yet)."""
    listed = git(repo.root, "ls-remote", "--heads", repo.remote, f"refs/heads/{branch}").split()
    if not listed:
        return None
    git(repo.root, "fetch", "--quiet", repo.remote, f"refs/heads/{branch}")
    return git(repo.root, "rev-parse", "FETCH_HEAD").strip()


def show(repo: Repo, commit: str, path: str) -> str | None:
    """A file's text at a commit, None when it is not there."""
    out = subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=repo.root, capture_output=True, text=True, check=False
    )
    return out.stdout if out.returncode == 0 else None


def _identity(repo: Repo) -> dict[str, str]:
    """Commit as the configured user; in a bare CI checkout with none, as the tool."""
    env = {}
    if not git(repo.root, "config", "user.name", check=False).strip():
        env.update(GIT_AUTHOR_NAME=BOT_NAME, GIT_COMMITTER_NAME=BOT_NAME)
    if not git(repo.root, "config", "user.email", check=False).strip():
        env.update(GIT_AUTHOR_EMAIL=BOT_EMAIL, GIT_COMMITTER_EMAIL=BOT_EMAIL)
    return env


def commit_files(
    repo: Repo, parent: str, files: Mapping[str, Path], replace_dirs: Sequence[str], message: str
) -> str | None:
    """One commit on `parent` whose tree is the parent's with `files` (repo path -> file on disk) put in
    and `replace_dirs` emptied first; None when that tree is the parent's (nothing to commit)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index"), **_identity(repo)}
        git(repo.root, "read-tree", parent, env=env)
        for folder in replace_dirs:
            git(repo.root, "rm", "--cached", "-r", "-q", "-f", "--ignore-unmatch", "--", folder, env=env)
        for rel, source in sorted(files.items()):
            blob = git(repo.root, "hash-object", "-w", "--", str(source)).strip()
            git(repo.root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}", env=env)
        tree = git(repo.root, "write-tree", env=env).strip()
        if tree == git(repo.root, "rev-parse", f"{parent}^{{tree}}").strip():
            return None
        made = git(repo.root, "commit-tree", tree, "-p", parent, "-F", "-", env=env, input_text=message)
        return made.strip()


def push(repo: Repo, commit: str, branch: str) -> None:
    """Push the commit as the week's branch (a fast-forward: it sits on the branch's remote tip), and
    keep a local branch of the same name so the user can check it out."""
    git(repo.root, "push", "--quiet", repo.remote, f"{commit}:refs/heads/{branch}")
    git(repo.root, "update-ref", f"refs/heads/{branch}", commit)


@dataclass(frozen=True)
class PullRequest:
    """What happened on GitHub's side: a URL when gh did it, else the exact command to run."""

    url: str | None
    command: str | None
    updated: bool = False


def gh_ready() -> bool:
    """gh installed and logged in (GH_TOKEN/GITHUB_TOKEN count: `gh auth status` checks them)."""
    if shutil.which("gh") is None:
        return False
    done = subprocess.run(["gh", "auth", "status"], capture_output=True, text=True, check=False)
    return done.returncode == 0


def gh_create_args(base: str, branch: str, title: str, body_file: Path, simulated: bool) -> list[str]:
    args = ["gh", "pr", "create", "--base", base, "--head", branch, "--title", title]
    args += ["--body-file", str(body_file)]
    if simulated:
        args += ["--draft", "--label", "simulated"]
    return args


def _gh(repo: Repo, *args: str) -> str:
    done = subprocess.run(list(args), cwd=repo.root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise PublishError(f"{' '.join(args[:3])} failed: {detail[-1] if detail else done.returncode}")
    return done.stdout.strip()


def open_or_update_pr(repo: Repo, branch: str, title: str, body_file: Path, simulated: bool) -> PullRequest:
    """Open the PR (a draft labelled `simulated` on simulated evidence) or update the week's open one;
    without a usable gh, the exact `gh pr create` command to run."""
    import shlex

    create = gh_create_args(repo.base, branch, title, body_file, simulated)
    if not gh_ready():
        return PullRequest(None, shlex.join(create))
    listing = ["gh", "pr", "list", "--head", branch, "--state", "open", "--json", "url", "-q", ".[0].url"]
    existing = _gh(repo, *listing)
    if simulated:
        _gh(repo, "gh", "label", "create", "simulated", "--force", "--color", "d93f0b",
            "--description", "Evidence from the offline simulator: not for production")  # fmt: skip
    if existing:
        edit = ["gh", "pr", "edit", existing, "--title", title, "--body-file", str(body_file)]
        _gh(repo, *edit, *(["--add-label", "simulated"] if simulated else []))
        return PullRequest(existing, None, updated=True)
    return PullRequest(_gh(repo, *create).splitlines()[-1], None)
