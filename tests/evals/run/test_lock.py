import subprocess
import sys

import pytest

from evals.errors import DomainError
from evals.run.lock import RunLock


def test_a_second_writer_of_a_run_fails_fast_and_a_dead_holder_leaves_no_lock(tmp_path):
    store = tmp_path / "results.db"
    with RunLock(store, "r-1"):
        with pytest.raises(DomainError, match="being written by another process"):
            RunLock(store, "r-1").__enter__()
        with RunLock(store, "r-2"):  # other runs are not blocked
            pass
    holder = (
        "import os, sys; from pathlib import Path; from evals.run.lock import RunLock;"
        f"RunLock(Path({str(store)!r}), 'r-1').__enter__(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", holder], check=True)  # dies holding the lock
    with RunLock(store, "r-1"):
        pass
