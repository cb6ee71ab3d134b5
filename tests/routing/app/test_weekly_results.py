"""`recommend --results` on real recorded verdicts: RouterArena's claude-3-haiku vs gemini-2.0-flash."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from routing.cli import main
from routing.policy import load_policy

ARENA = "routing-outcomes/routerarena"
PASS_SCORE = 0.5  # RouterArena scores are 0..1 per question; half credit or more counts as a pass


def arena_results(shared_data: Path, out: Path) -> Path:
    """Convert RouterArena cached results into our results JSONL, with cost from its recorded usage."""
    prices = json.loads((shared_data / ARENA / "cost.json").read_text())
    lines = []
    for name in ("claude-3-haiku-20240307", "gemini-2.0-flash-001"):
        price = prices[name]
        for raw in (shared_data / ARENA / f"{name}.jsonl").read_text().splitlines():
            row = json.loads(raw)
            usage = row["token_usage"]
            cost = (
                usage["input_tokens"] * price["input_token_price_per_million"]
                + usage["output_tokens"] * price["output_token_price_per_million"]
            ) / 1e6
            lines.append(
                {
                    "task_id": f"routerarena/{row['global_index']}",
                    "tier": "chat",
                    "model": row["llm_selected"],
                    "passed": row["evaluation_result"]["score"] >= PASS_SCORE,
                    "prompt_tokens": usage["input_tokens"],
                    "completion_tokens": usage["output_tokens"],
                    "cost_usd": cost,
                }
            )
    out.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return out


def test_gemini_flash_beats_claude_haiku_on_recorded_verdicts(shared_data, tmp_path):
    results = arena_results(shared_data, tmp_path / "arena.jsonl")
    (tmp_path / "routing.yaml").write_text(
        "version: 1\n"
        "tiers:\n"
        "  chat:\n"
        "    tasks: golden_tasks/chat\n"
        "    objective: cost_per_success\n"
        "    gates: {min_success: 0.45, max_cost_per_success_usd: 0.01}\n"
    )
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies/current.yaml").write_text(
        "version: 1\ntiers:\n  chat: {primary: claude-3-haiku-20240307}\n"
    )
    result = CliRunner().invoke(
        main,
        [
            "recommend",
            "--results",
            str(results),
            "--date",
            "2026-11-23",
            "--config",
            str(tmp_path / "routing.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output
    chat = load_policy(tmp_path / "policies/proposed.yaml").tiers["chat"]
    assert chat.primary == "gemini-2.0-flash-001"
    assert chat.fallbacks == ["claude-3-haiku-20240307"]
    # the rationale says why, with the risk numbers and both models' figures side by side
    text = chat.rationale
    assert text.startswith("switch: gemini-2.0-flash-001 is within the 10.0% risk bound")
    assert "better than the proven incumbent by at least 10% lower cost per success" in text
    assert "gemini-2.0-flash-001: success 69% over 809 tasks" in text
    assert "incumbent claude-3-haiku-20240307: success 52% over 809 tasks" in text
    assert text.count("risk of missing a gate <0.1%") == 2
    assert "it did better on 181, worse on 41 (McNemar p<0.001 against it being better)" in text
    report = (tmp_path / "reports/2026-11-23/report.md").read_text()
    assert "recorded verdicts" in report and "SIMULATED" not in report
    assert "Tasks: 809 distinct task ids" in report and "1618 attempts" in report
    scores = {s["model"]: s for s in json.loads((tmp_path / "reports/2026-11-23/scores.json").read_text())}
    gem, claude = scores["gemini-2.0-flash-001"], scores["claude-3-haiku-20240307"]
    assert gem["n"] == claude["n"] == 809
    assert gem["success_rate"] > claude["success_rate"]
    assert gem["cost_per_success_usd"] < claude["cost_per_success_usd"]


def recommend_on(tmp_path: Path, rows: list[dict], routing_yaml: str):
    """`recommend --results` on these rows, the flagship as the current chat primary."""
    results = tmp_path / "recorded.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "routing.yaml").write_text(routing_yaml)
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies/current.yaml").write_text("version: 1\ntiers:\n  chat: {primary: big/flagship}\n")
    config = str(tmp_path / "routing.yaml")
    args = ["recommend", "--results", str(results), "--date", "2026-11-30", "--config", config]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result


def test_recorded_tokens_without_cost_are_priced_from_routing_yaml(tmp_path):
    """A results file with token counts but no cost: the `models:` price applies, as in a real run."""
    tokens = {"passed": True, "prompt_tokens": 1000, "completion_tokens": 100}
    rows = [
        {"task_id": f"t{i}", "tier": "chat", "model": m, **tokens}
        for i in range(40)
        for m in ("big/flagship", "small/model")
    ]
    recommend_on(
        tmp_path,
        rows,
        "version: 1\n"
        "tiers:\n"
        "  chat: {tasks: golden_tasks/chat, objective: cost_per_success, gates: {min_success: 0.8}}\n"
        "models:\n"
        "  big/flagship: {price: {input_per_mtok: 10, output_per_mtok: 30}}\n"
        "  small/model: {price: {input_per_mtok: 0.5, output_per_mtok: 1.5}}\n",
    )
    scores = json.loads((tmp_path / "reports/2026-11-30/scores.json").read_text())
    cps = {s["model"]: s["cost_per_success_usd"] for s in scores}
    assert abs(cps["big/flagship"] - (1000 * 10 + 100 * 30) / 1e6) < 1e-12
    assert abs(cps["small/model"] - (1000 * 0.5 + 100 * 1.5) / 1e6) < 1e-12
    assert load_policy(tmp_path / "policies/proposed.yaml").tiers["chat"].primary == "small/model"


def test_a_gate_the_results_cannot_judge_is_warned_about(tmp_path):
    rows = [
        {"task_id": f"t{i}", "tier": "chat", "model": m, "passed": True, "cost_usd": 0.001}
        for i in range(30)
        for m in ("big/flagship", "small/model")
    ]
    result = recommend_on(
        tmp_path,
        rows,
        "version: 1\ntiers:\n  chat:\n    tasks: golden_tasks/chat\n"
        "    gates: {min_success: 0.8, max_p95_latency_s: 5}\n",
    )
    assert "warning: chat: no model has p95 latency in this evidence" in result.output
