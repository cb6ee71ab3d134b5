"""Wall time and peak memory of a full offline `routing recommend --simulate` in a temp copy.

Baseline in the same run: the same pipeline's fixed cost (LiteLLM import) measured alone, so the
printed ratio shows what the eval itself adds.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def copy_project(dest: Path) -> None:
    shutil.copy(REPO / "routing.yaml", dest / "routing.yaml")
    for name in ("golden_tasks", "policies"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copytree(REPO / "reports" / "rankings", dest / "reports" / "rankings")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    import_only = timed(
        [sys.executable, "-c", "import os; os.environ['LITELLM_LOCAL_MODEL_COST_MAP']='True'; import litellm"]
    )
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        copy_project(project)
        cmd = [str(BIN / "routing"), "recommend", "--simulate", "--config", str(project / "routing.yaml")]
        cold = timed(cmd)
        warm = timed(cmd)  # same inputs: every cell is already in the store
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        reports = sum(1 for _ in (project / "reports").glob("*/scores.json"))
    print(f"import litellm alone          {import_only:6.2f} s (baseline)")
    print(f"recommend --simulate (cold)   {cold:6.2f} s  ({cold / import_only:.1f}x baseline)")
    print(f"recommend --simulate (rerun)  {warm:6.2f} s  ({warm / import_only:.1f}x baseline, store reused)")
    print(f"peak RSS of the child process {peak_mb:6.0f} MiB; reports written: {reports}")


if __name__ == "__main__":
    main()
