"""`routing rollout check` on generated spend logs: a healthy canary promotes, a regressed one rolls back."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from routing.cli import main
from routing.config import Config
from routing.decide.diff import diff_policies
from routing.decide.rollout import plan_rollout, rollout_to_dict
from routing.policy import Policy

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "make_usage_samples.py"
GATES = {"min_success": 0.85, "max_p95_latency_s": 30, "max_cost_per_success_usd": 0.05}
OLD = {"version": 1, "tiers": {"coding": {"primary": "anthropic/claude-sonnet-4.6", "gates": GATES}}}
NEW = {
    "version": 1,
    "tiers": {
        "coding": {
            "primary": "deepseek/deepseek-v4-flash",
            "fallbacks": ["anthropic/claude-sonnet-4.6"],
            "gray": [{"model": "qwen/qwen3-coder", "share": 0.05}],
            "gates": GATES,
        }
    },
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A config, a rollout plan made by the real planner, and the generated spend logs."""
    root = tmp_path_factory.mktemp("rollout")
    (root / "routing.yaml").write_text(yaml.safe_dump({"version": 1, "tiers": {"coding": {"tasks": "t"}}}))
    config = Config.model_validate({"version": 1, "tiers": {"coding": {"tasks": "t"}}})
    old, new = Policy.model_validate(OLD), Policy.model_validate(NEW)
    plan = plan_rollout(diff_policies(old, new), new, {}, config.rollout)
    (root / "reports" / "2026-04-13").mkdir(parents=True)
    (root / "reports" / "2026-04-13" / "rollout.yaml").write_text(yaml.safe_dump(rollout_to_dict(plan)))
    samples().main(["--out", str(root / "usage")])
    return root


def samples():
    spec = importlib.util.spec_from_file_location("make_usage_samples", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(project: Path, sample: str, stage: str = "2", *extra: str):
    args = ["rollout", "check", "--stage", stage, "--usage", str(project / "usage" / sample)]
    return CliRunner().invoke(main, [*args, *extra, "--config", str(project / "routing.yaml")])


def test_healthy_canary_promotes_its_new_primary(project):
    result = check(project, "spend_logs_canary_healthy.csv", "2", "--format", "json")
    verdicts = {v["kind"]: v for v in yaml.safe_load(result.output)["verdicts"]}
    primary = verdicts["primary"]
    assert primary["verdict"] == "promote", primary["reason"]
    assert primary["deployment_id"] == "coding:primary:deepseek/deepseek-v4-flash"
    assert primary["requests"] >= primary["min_requests"]
    assert yaml.safe_load(result.output)["notes"] == []  # the file fits the plan: nothing to say about it
    assert {c["status"] for c in primary["checks"]} == {"ok"}
    assert any(c["source"] == "incumbent traffic" for c in primary["checks"])
    # The 5% canary saw too few requests for its sample size yet: hold, with the count still needed.
    gray = verdicts["gray"]
    assert gray["verdict"] == "hold"
    assert gray["more_needed"] == gray["min_requests"] - gray["requests"] > 0
    assert result.exit_code == 4  # the worst verdict (hold) sets the exit code


def test_regressed_canary_rolls_back_with_the_numbers(project):
    result = check(project, "spend_logs_canary_regressed.csv")
    assert result.exit_code == 5, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("coding primary"))
    assert "ROLL BACK" in line
    breached = [x for x in result.output.splitlines() if x.endswith("breached")]
    assert any(x.strip().startswith("success_rate 0.8") and "incumbent traffic" in x for x in breached)
    assert any(x.strip().startswith("latency_p95_s") for x in breached)


def test_a_stage_outside_the_plan_and_logs_without_the_candidate_are_clear(project, tmp_path):
    result = check(project, "spend_logs_canary_healthy.csv", "9")
    assert result.exit_code == 2, result.output
    assert (
        "Invalid value for '--stage': stage must be 1..4, got 9 (the stages of tier coding" in result.output
    )
    result = check(project, "spend_logs_traffic.csv")  # no canary deployment ids in it
    assert result.exit_code == 4
    assert "0 of" in result.output and "more needed" in result.output


def test_logs_from_deployments_the_plan_does_not_judge_are_named_in_one_line(project):
    """Another tier's (or plan's) traffic: every verdict would read "0 of N", as if traffic were slow."""
    module = samples()
    rows = module.canary_spend_logs(regressed=False)
    for row in rows:
        row["model_id"] = row["model_id"].replace("coding:", "chat:")
        row["model_group"] = "chat"
    logs = module.write_csv(rows, project / "usage" / "chat_canary.csv")
    result = check(project, "chat_canary.csv", "1")
    assert result.exit_code == 4 and "HOLD: 0 of" in result.output
    notes = [line for line in result.output.splitlines() if line.startswith(str(logs))]
    assert notes == [
        f"{logs}: none of its 6,000 rows is from the plan's candidates "
        "(coding:primary:deepseek/deepseek-v4-flash, coding:gray:qwen/qwen3-coder): "
        "is it this stage's traffic, from the config `routing export litellm` wrote?"
    ]
    shown = check(project, "chat_canary.csv", "1", "--format", "json").output
    assert yaml.safe_load(shown[shown.index("{") :])["notes"] == notes


def test_a_request_repeated_in_the_spend_log_counts_once(project):
    once = json.loads(check(project, "spend_logs_canary_healthy.csv", "2", "--format", "json").output)
    text = (project / "usage" / "spend_logs_canary_healthy.csv").read_text().splitlines()
    (project / "usage" / "twice.csv").write_text("\n".join([*text, *text[1:]]) + "\n")  # exported twice
    twice = json.loads(check(project, "twice.csv", "2", "--format", "json").output)
    assert twice["verdicts"] == once["verdicts"]
    repeated = "6,000 rows repeat a request_id read before: each request counted once"
    assert twice["notes"] == [f"{project / 'usage' / 'twice.csv'}: {repeated}"]
