"""One writer per run: an exclusive flock on a file beside the store. The kernel releases it when the
process dies (kill -9 included), so a crashed run never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from evals.errors import DomainError


class RunLock:
    def __init__(self, store_path: Path, run_id: str) -> None:
        self.path = store_path.parent / f"{store_path.name}.locks" / f"{run_id}.lock"
        self.run_id = run_id
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise DomainError(
                f"run {self.run_id} is being written by another process (pid {holder}); "
                "wait for it to finish, or stop it, then resume"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
