"""Every place a run will write is proven writable before its first paid call, by writing there."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from evals.errors import DomainError


def _probe_folder(folder: Path) -> str | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".routing-preflight-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def check_writable(folders: Iterable[Path] = (), files: Iterable[Path] = ()) -> None:
    """Create each folder (and each file's folder) if needed and write a probe file in it; an existing
    file must be a writable file. The first problem is one DomainError naming the path."""
    targets: dict[Path, Path] = {Path(f): Path(f) for f in folders}
    for file in files:
        path = Path(file)
        if path.is_dir():
            raise DomainError(f"cannot write {path}: it is a folder; nothing was run")
        if path.exists() and not os.access(path, os.W_OK):
            raise DomainError(f"cannot write {path}: permission denied; nothing was run")
        targets.setdefault(path.parent, path)
    for folder, named in targets.items():
        problem = _probe_folder(folder)
        if problem:
            raise DomainError(f"cannot write {named}: {problem}; nothing was run")
