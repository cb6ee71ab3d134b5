"""`make demo-local`: the weekly recommend with a real local model among the simulated candidates.

Starts SmolLM2-135M behind llama-cpp-python's OpenAI-compatible server (from .llm-venv) on a free
loopback port, points routing.yaml's `local/smollm2` entry at it in a copy of the config (every path
made absolute, the proposed policy written into the report folder so policies/ is left alone), runs
`routing recommend --simulate --real local/smollm2` on the tiers the model can serve with the tasks
sized for it (golden_tasks_local/), and stops the server by its PID. The report's "Where the numbers
come from" section gives the local model's measured figures, labelled REAL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

from routing.app.local_server import LocalServer, find_env, free_port

REPO = Path(__file__).resolve().parents[1]
MODEL = "local/smollm2"
TIERS = "chat,extraction,agent"  # the tiers golden_tasks_local/ serves
# llama-cpp-python's server ignores the key; LiteLLM's OpenAI client still wants one.
KEY_VALUE = "local-server-needs-no-key"


def demo_config(repo: Path, api_base: str, proposed: Path) -> dict:
    """routing.yaml with the local model's api_base set and every relative path made absolute."""
    raw = yaml.safe_load((repo / "routing.yaml").read_text())
    for tier in raw["tiers"].values():
        tier["tasks"] = str(repo / tier["tasks"])
    raw["paths"] = {k: str(repo / v) for k, v in raw.get("paths", {}).items()}
    raw["paths"]["proposed"] = str(proposed)
    raw["models"][MODEL]["api_base"] = api_base
    return raw


def main() -> int:
    day = date.today().isoformat()
    out = REPO / "reports" / f"{day}-local"
    out.mkdir(parents=True, exist_ok=True)
    env = find_env(REPO / ".llm-venv")
    with LocalServer(env, free_port()) as server:
        print(f"local model server: pid {server.pid}, {server.api_base}, {env.model.name}", file=sys.stderr)
        config = out / "routing.local.yaml"
        config.write_text(yaml.safe_dump(demo_config(REPO, server.api_base, out / "proposed.yaml")))
        key_env = yaml.safe_load(config.read_text())["models"][MODEL]["api_key_env"]
        child = {**os.environ, key_env: os.environ.get(key_env) or KEY_VALUE}
        command = [
            str(Path(sys.executable).parent / "routing"), "recommend", "--simulate", "--real", MODEL,
            "--tasks", str(REPO / "golden_tasks_local"), "--tiers", TIERS,
            "--out", str(out), "--date", day, "--config", str(config),
        ]  # fmt: skip
        code = subprocess.run(command, env=child, check=False).returncode
    print(f"stopped the local model server (pid {server.pid}); report: {out / 'report.md'}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
