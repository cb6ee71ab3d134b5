"""How long `routing --help` takes, against bare Python start-up measured in the same run.

Target: under 0.5 s, which needs litellm (about 2-5 s to import) to stay out of CLI start-up.
Prints median wall times over N runs and the ratio to the baseline.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15
BIN = Path(sys.executable).parent


def median_seconds(cmd: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    baseline = median_seconds([sys.executable, "-c", "pass"])
    help_time = median_seconds([str(BIN / "routing"), "--help"])
    litellm = median_seconds(
        [sys.executable, "-c", "import os; os.environ['LITELLM_LOCAL_MODEL_COST_MAP']='True'; import litellm"]
    )
    print(f"python -c pass        median {baseline * 1000:7.1f} ms")
    print(f"routing --help        median {help_time * 1000:7.1f} ms  ({help_time / baseline:.1f}x baseline)")
    print(f"import litellm        median {litellm * 1000:7.1f} ms  ({litellm / baseline:.1f}x baseline)")
    print(f"target routing --help < 500 ms: {'met' if help_time < 0.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
