"""The CLI through click's CliRunner, in temp folders holding their own config, tasks and policy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from routing.cli import main
from routing.policy import load_policy

DAY = "2026-11-23"


@pytest.fixture
def project(repo: Path, tmp_path: Path) -> Path:
    """A copy of the shipped project inputs: config, golden tasks, current policy, rankings."""
    for name in ("routing.yaml",):
        shutil.copy(repo / name, tmp_path / name)
    shutil.copytree(repo / "golden_tasks", tmp_path / "golden_tasks")
    shutil.copytree(repo / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("proposed.yaml"))
    shutil.copytree(repo / "reports" / "rankings", tmp_path / "reports" / "rankings")
    return tmp_path


def invoke(project: Path, *args: str):
    return CliRunner().invoke(
        main, [*args, "--config", str(project / "routing.yaml")], catch_exceptions=False
    )


def outputs(project: Path) -> list[Path]:
    """Everything recommend may write."""
    found = [project / "policies/proposed.yaml", project / ".routing"]
    found += [p for p in (project / "reports").iterdir() if p.name != "rankings"]
    return [p for p in found if p.exists()]


def test_recommend_simulate_writes_everything(project, repo):
    result = invoke(project, "recommend", "--simulate", "--date", DAY)
    assert result.exit_code == 0, result.output
    out = project / "reports" / DAY
    for name in ("report.md", "diff.md", "rollout.yaml", "scores.json"):
        assert (out / name).is_file(), name
    report = (out / "report.md").read_text()
    assert "SIMULATED" in report.splitlines()[0]
    assert all(row["simulated"] is True for row in json.loads((out / "scores.json").read_text()))
    proposed = load_policy(project / "policies/proposed.yaml")
    current = load_policy(project / "policies/current.yaml")
    assert proposed.meta.simulated is True
    assert set(proposed.tiers) == set(current.tiers)
    assert any(proposed.tiers[t] != current.tiers[t] for t in current.tiers)
    rollout = yaml.safe_load((out / "rollout.yaml").read_text())
    assert (rollout["version"], rollout["simulated"]) == (1, True)
    baselines = [t["baseline"] for t in rollout["tiers"]]
    assert baselines and all(b["source"] == "simulated" for b in baselines if "n" in b)  # never "measured"
    assert any("n" in b for b in baselines)
    assert "SIMULATED" in (out / "diff.md").read_text().splitlines()[0]
    assert all(t.rationale.startswith("[SIMULATED]") for t in proposed.tiers.values())
    # the shipped example is what the offline default writes, so `make demo` leaves the tree clean
    shipped = repo / "policies/proposed.yaml"
    assert (project / "policies/proposed.yaml").read_text() == shipped.read_text(), (
        "policies/proposed.yaml is not what the offline default writes: run `make demo` and commit it"
    )
    assert "SIMULATED" in result.output
    needs = [t for t, p in proposed.tiers.items() if "kept: insufficient evidence" in (p.rationale or "")]
    assert needs, "the offline default keeps some tier for want of evidence"
    for tier in needs:  # each says on screen which candidate would settle it, and with how many tasks
        assert f"{tier}: [SIMULATED] needs evidence: " in result.output


def test_two_runs_give_byte_identical_proposals(project, tmp_path_factory, repo):
    first = invoke(project, "recommend", "--simulate", "--date", DAY, "--tiers", "chat,agent")
    assert first.exit_code == 0, first.output
    a = (project / "policies/proposed.yaml").read_bytes()
    again = invoke(project, "recommend", "--simulate", "--date", DAY, "--tiers", "chat,agent")
    assert again.exit_code == 0
    assert (project / "policies/proposed.yaml").read_bytes() == a
    # and from a completely separate folder and store
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(project, other / "p", ignore=shutil.ignore_patterns(".routing", "proposed.yaml", DAY))
    third = invoke(other / "p", "recommend", "--simulate", "--date", DAY, "--tiers", "chat,agent")
    assert third.exit_code == 0
    assert (other / "p/policies/proposed.yaml").read_bytes() == a


@pytest.mark.parametrize(
    ("target", "edit", "expected"),
    [
        ("golden_tasks/chat/http-429.yaml", lambda d: d["checks"].append({"contain": "x"}), "checks[1]"),
        ("policies/current.yaml", lambda d: d["tiers"]["chat"].update(primry="x"), "tiers.chat.primry"),
        ("routing.yaml", lambda d: d["tiers"]["chat"].update(objective="cheap"), "tiers.chat.objective"),
    ],
)
def test_malformed_input_exits_1_names_file_and_field_writes_nothing(project, target, edit, expected):
    path = project / target
    data = yaml.safe_load(path.read_text())
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = invoke(project, "recommend", "--simulate", "--date", DAY)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert Path(target).name in lines[0] and expected in lines[0]
    assert outputs(project) == []


@pytest.mark.parametrize("command", [("recommend", "--simulate"), ("eval", "--simulate")])
def test_unknown_tier_is_a_usage_error_naming_the_option(project, command):
    result = invoke(project, *command, "--tiers", "chat,codng")
    assert result.exit_code == 2, result.output
    assert f"Usage: main {command[0]}" in result.output
    expected = "Invalid value for '--tiers': unknown tier 'codng' (tiers: coding, agent, long_context, chat,"
    assert expected in result.output and "did you mean 'coding'?" in result.output
    assert "routing.yaml" not in result.output
    assert outputs(project) == []


def test_conflicting_modes_are_a_usage_error(project):
    result = invoke(project, "recommend", "--simulate", "--replay", "x.jsonl")
    assert result.exit_code == 2


def test_an_unknown_run_id_is_a_usage_error_naming_the_option_and_the_latest_run(project):
    run_id = invoke(project, "eval", "--simulate", "--tiers", "chat", "--repeats", "1").output.split()[-1]
    for args, option in [
        (("eval", "--resume", "sim-nope"), "'--resume'"),
        (("recommend", "--resume", "sim-nope"), "'--resume'"),
        (("score", "--run", "sim-nope"), "'--run'"),
        (("results", "export", "sim-nope", "--out", str(project / "x.jsonl")), "'RUN_ID'"),
    ]:
        result = invoke(project, *args)
        assert result.exit_code == 2, result.output
        assert f"Invalid value for {option}: unknown run id 'sim-nope' in " in result.output
        assert f"(the latest is {run_id})" in result.output


@pytest.mark.parametrize(("command", "kind"), [("eval", "Path"), ("recommend", "Directory")])
def test_a_missing_task_folder_is_a_usage_error(project, command, kind):
    result = invoke(project, command, "--simulate", "--tasks", str(project / "nowhere"))
    assert result.exit_code == 2
    assert f"Invalid value for '--tasks': {kind} '{project / 'nowhere'}' does not exist" in result.output


def test_import_bfcl_refuses_an_unknown_tier_as_a_usage_error(tmp_path):
    questions = tmp_path / "questions.json"
    questions.write_text("")
    args = ["tasks", "import-bfcl", str(questions), "--tier", "agnt", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--tier': unknown tier 'agnt' (tiers: " in result.output
    assert "did you mean 'agent'?" in result.output
    assert not (tmp_path / "out").exists()


def test_eval_prints_run_id_last_then_score_export_and_recommend_results(project):
    result = invoke(
        project, "eval", "--simulate", "--tiers", "chat", "--models", "a/cheap,b/dear", "--repeats", "2"
    )
    assert result.exit_code == 0, result.output
    run_id = result.output.strip().splitlines()[-1]
    assert run_id.startswith("sim-")
    scored = invoke(project, "score", "--run", run_id, "--format", "json")
    data = yaml.safe_load(scored.output)
    assert data["run_id"] == run_id
    assert {s["model"] for s in data["scores"]} == {"a/cheap", "b/dear"}
    assert all(s["n"] == 24 for s in data["scores"])  # 12 chat tasks x 2 repeats
    export = project / "results.jsonl"
    assert invoke(project, "results", "export", run_id, "--out", str(export)).exit_code == 0
    assert len(export.read_text().splitlines()) == 48  # 24 attempts x 2 models
    decided = invoke(project, "recommend", "--results", str(export), "--date", DAY)
    assert decided.exit_code == 0, decided.output
    report = (project / "reports" / DAY / "report.md").read_text()
    assert report.startswith("# SIMULATED")  # labels survive an export / import round trip


def test_recommend_results_on_a_runs_own_export_proposes_what_the_run_did(project):
    """The same evidence gives the same policy: the rankings still say which recorded models are rising
    (their gray shares), and the tiers keep the config's order."""
    ran = invoke(project, "recommend", "--simulate", "--date", DAY, "--quiet")
    assert ran.exit_code == 0, ran.output
    proposed = project / "policies/proposed.yaml"
    by_run = load_policy(proposed)
    assert by_run.meta.rankings_as_of and any(t.gray for t in by_run.tiers.values())
    export = project / "results.jsonl"
    assert invoke(project, "results", "export", by_run.meta.run_id, "--out", str(export)).exit_code == 0
    proposed.unlink()
    decided = invoke(project, "recommend", "--results", str(export), "--date", DAY, "--quiet")
    assert decided.exit_code == 0, decided.output
    by_results = load_policy(proposed)
    assert by_results.meta.rankings_as_of == by_run.meta.rankings_as_of
    assert list(by_results.tiers) == list(by_run.tiers)
    for name, tier in by_run.tiers.items():
        again = by_results.tiers[name]
        assert (again.primary, again.fallbacks, again.gray) == (tier.primary, tier.fallbacks, tier.gray), name
    report = (project / "reports" / DAY / "report.md").read_text()
    assert "| Rankings | not used |" not in report


def test_recommend_results_warns_of_fields_it_did_not_read(project):
    rows = [
        {"task_id": f"t{i}", "tier": "chat", "model": "a/m", "passed": True, "cost_usd": 0.001, "latency": 80}
        for i in range(5)
    ]
    results = project / "recorded.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    decided = invoke(project, "recommend", "--results", str(results), "--date", DAY, "--quiet")
    assert decided.exit_code == 0, decided.output
    assert "fields not read: latency (did you mean latency_ms?) (first on line 1)" in decided.output


def test_export_litellm_prints_a_proxy_config(project):
    assert invoke(project, "recommend", "--simulate", "--date", DAY, "--tiers", "chat").exit_code == 0
    result = invoke(project, "export", "litellm")
    assert result.exit_code == 0, result.output
    config = yaml.safe_load(result.output)
    assert "chat" in {m["model_name"] for m in config["model_list"]}
    assert config["router_settings"]["routing_strategy"] == "simple-shuffle"
    assert "SIMULATED" in result.output.splitlines()[1]


def test_diff_command_prints_semantic_lines(project):
    new = project / "new.yaml"
    data = yaml.safe_load((project / "policies/current.yaml").read_text())
    data["tiers"]["chat"]["primary"] = "x/new"
    new.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["diff", str(project / "policies/current.yaml"), str(new)])
    assert "chat: primary deepseek/deepseek-v3.2 -> x/new" in result.output
    assert "SIMULATED" not in result.output
    data["meta"] = {"simulated": True}
    new.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["diff", str(project / "policies/current.yaml"), str(new)])
    assert result.output.startswith("SIMULATED: ") and "chat: primary" in result.output


def test_tasks_validate_counts_shipped_tasks(project):
    result = invoke(project, "tasks", "validate")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("tasks valid")


def test_rankings_show_json(project):
    result = invoke(project, "rankings", "show", "--format", "json")
    data = json.loads(result.output)
    assert {row["source_url"] for row in data} == {"https://openrouter.ai/rankings"}
    latest = [row for row in data if row["week_start"] == "2026-05-18"]
    assert latest[0]["rank"] == 1 and latest[0]["as_of"] == "2026-05-24"


def test_cli_start_does_not_import_litellm_or_pandas(repo):
    code = "import sys, routing.cli; print(sorted(m for m in ('litellm', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo)
    assert out.stdout.strip() == "[]"


def accept_risk(project: Path, tier: str, risk: float) -> None:
    """The starter suite has ~5 tasks a tier: too few to prove anything at the default 10% risk."""
    config = yaml.safe_load((project / "routing.yaml").read_text())
    config["tiers"][tier]["risk"] = risk
    (project / "routing.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def test_export_litellm_stage_splits_the_changed_tier(project):
    accept_risk(project, "coding", 0.45)
    assert invoke(project, "recommend", "--simulate", "--date", DAY, "--tiers", "coding").exit_code == 0
    proposed = load_policy(project / "policies/proposed.yaml")
    current = load_policy(project / "policies/current.yaml")
    assert proposed.tiers["coding"].primary != current.tiers["coding"].primary
    result = invoke(project, "export", "litellm", "--stage", "1")
    assert result.exit_code == 0, result.output
    config = yaml.safe_load(result.output)
    weights = {
        d["litellm_params"]["model"]: d["litellm_params"]["weight"]
        for d in config["model_list"]
        if d["model_name"] == "coding"
    }
    new = f"openrouter/{proposed.tiers['coding'].primary}"
    old = f"openrouter/{current.tiers['coding'].primary}"
    total = sum(weights.values())
    assert weights[new] / total == pytest.approx(0.05, abs=0.001)
    assert weights[old] > weights[new]
    bad = invoke(project, "export", "litellm", "--stage", "9")
    assert bad.exit_code == 2, bad.output
    expected = f"Invalid value for '--stage': stage must be 1..4, got 9 (the stages of {DAY}/rollout.yaml: 5%"
    assert expected in bad.output and "settings.stages" not in bad.output


def test_export_stage_says_when_no_tier_changes_its_primary(project):
    assert invoke(project, "recommend", "--simulate", "--date", DAY).exit_code == 0
    plan_path = project / "reports" / DAY / "rollout.yaml"
    plan = yaml.safe_load(plan_path.read_text())
    plan["tiers"] = [t for t in plan["tiers"] if t["kind"] != "primary"]
    plan_path.write_text(yaml.safe_dump(plan))
    result = invoke(project, "export", "litellm", "--stage", "1")
    assert result.exit_code == 0, result.output
    assert (
        "# rollout stage 1: no tier changes its primary, so it sends no traffic to a new model"
        in result.output
    )
    assert "no tier" not in result.output.replace("no tier changes", "")


def test_export_stage_reads_the_stored_rollout_plan(project):
    """The exported weights are the reviewed plan's, not a plan worked out again from today's config."""
    accept_risk(project, "coding", 0.45)
    assert invoke(project, "recommend", "--simulate", "--date", DAY, "--tiers", "coding").exit_code == 0
    plan_path = project / "reports" / DAY / "rollout.yaml"
    plan = yaml.safe_load(plan_path.read_text())
    plan["settings"]["stages"] = [0.1, 0.5, 1.0]
    plan_path.write_text(yaml.safe_dump(plan))
    result = invoke(project, "export", "litellm", "--stage", "1")
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(result.output)
    coding = {
        d["model_info"]["id"].split(":")[1]: d["litellm_params"]["weight"]
        for d in exported["model_list"]
        if d["model_name"] == "coding"
    }
    assert coding["primary"] == 100 and sum(coding.values()) == 1000  # 10%: the stored plan's first stage
    assert "rollout stage 1: stage share 10%" in result.output
    plan["tiers"][0]["candidate"] = "someone/else"
    plan_path.write_text(yaml.safe_dump(plan))
    stale = invoke(project, "export", "litellm", "--stage", "1")
    assert stale.exit_code == 1 and "candidate" in stale.output


def test_eval_defaults_to_the_current_policys_models(project):
    result = invoke(project, "eval", "--simulate", "--tiers", "chat", "--repeats", "1")
    assert result.exit_code == 0, result.output
    run_id = result.output.strip().splitlines()[-1]
    data = yaml.safe_load(invoke(project, "score", "--run", run_id, "--format", "json").output)
    current = load_policy(project / "policies/current.yaml").tiers["chat"]
    assert {s["model"] for s in data["scores"]} == set(current.models())


def test_real_run_without_a_key_fails_fast_and_writes_nothing(project, monkeypatch):
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    result = invoke(project, "recommend", "--tiers", "chat", "--date", DAY)
    assert result.exit_code == 1
    assert "no API key: set OPENROUTER_API_KEY for " in result.output and "--simulate" in result.output
    assert outputs(project) == []
    # said before LiteLLM is imported (seconds of start-up for nothing)
    probe = (
        "import sys\nfrom routing.cli import main\n"
        "try:\n    main(['recommend', '--tiers', 'chat', '--config', sys.argv[1]])\n"
        "except SystemExit as done:\n    print(done.code, 'litellm' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENROUTER_API_KEY"}
    ran = subprocess.run(
        [sys.executable, "-c", probe, str(project / "routing.yaml")], capture_output=True, text=True, env=env
    )
    assert ran.stdout.split()[-2:] == ["1", "False"], ran.stdout + ran.stderr


def test_command_line_paths_resolve_against_the_current_folder(project, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    result = invoke(project, "recommend", "--simulate", "--tiers", "chat", "--out", "weekly")
    assert result.exit_code == 0, result.output
    assert (elsewhere / "weekly" / "report.md").is_file()
    assert (project / "policies" / "proposed.yaml").is_file()  # config paths stay with the config


def test_rankings_import_writes_a_snapshot_dated_by_week_start(project, shared_data):
    source = shared_data / "openrouter/weekly-top10/weekly_current/2026-03-02.json"
    result = invoke(project, "rankings", "import", str(source))
    assert result.exit_code == 0, result.output
    written = project / "reports/rankings/2026-02-23.json"
    assert written.is_file()
    meta = yaml.safe_load(written.read_text())["meta"]
    assert meta["as_of"] == "2026-03-02" and meta["source_url"] == "https://openrouter.ai/rankings"


def test_tasks_validate_reports_a_reference_that_fails_its_checks(project):
    path = project / "golden_tasks/chat/http-429.yaml"
    path.write_text(path.read_text().replace('content: "429"', 'content: "430"'))
    result = invoke(project, "tasks", "validate")
    assert result.exit_code == 1
    assert "http-429.yaml" in result.output and "reference fails its own checks" in result.output


def test_recommend_replay_regrades_recorded_responses(project):
    from evals.tasks.load import load_tasks

    lines = []
    for task in load_tasks(project / "golden_tasks/chat", "chat"):
        for repeat in range(8):
            for model, content in (("good/model", task.reference.content), ("bad/model", "no idea")):
                lines.append({"model": model, "task_id": task.id, "repeat": repeat, "content": content})
    replay = project / "replay.jsonl"
    replay.write_text("".join(json.dumps(x) + "\n" for x in lines))
    current = project / "policies/current.yaml"
    data = yaml.safe_load(current.read_text())
    data["tiers"]["chat"] = {"primary": "bad/model"}
    current.write_text(yaml.safe_dump(data))
    result = invoke(project, "recommend", "--replay", str(replay), "--tiers", "chat", "--date", DAY)
    assert result.exit_code == 0, result.output
    chat = load_policy(project / "policies/proposed.yaml").tiers["chat"]
    assert chat.primary == "good/model"
    assert chat.rationale.startswith("switch: no model is within the 10.0% risk bound, but the incumbent")
    report = (project / "reports" / DAY / "report.md").read_text()
    assert "replayed recorded responses" in report and "SIMULATED" not in report
    evaluated = invoke(project, "eval", "--replay", str(replay), "--tiers", "chat")
    assert evaluated.exit_code == 0, evaluated.output
    assert evaluated.output.strip().splitlines()[-1].startswith("replay-")


def test_tasks_validate_exits_1_listing_every_bad_task(tmp_path):
    from click.testing import CliRunner

    from routing.cli import main

    folder = tmp_path / "chat"
    folder.mkdir()
    good = "messages: [{role: user, content: hi}]\nchecks: [{contains: hi}]\nreference: {content: hi}\n"
    (folder / "good.yaml").write_text(good)
    (folder / "wrong.yaml").write_text(good.replace("{content: hi}", "{content: bye}"))
    (folder / "broken.yaml").write_text("messages: [")
    runner = CliRunner()
    result = runner.invoke(main, ["tasks", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "wrong.yaml: chat/wrong: reference fails its own checks" in result.output
    assert "broken.yaml: line" in result.output
    assert "2 problems; 1 valid task" in result.output
    (folder / "wrong.yaml").unlink()
    (folder / "broken.yaml").unlink()
    ok = runner.invoke(main, ["tasks", "validate", str(tmp_path)])
    assert ok.exit_code == 0 and "1 task valid" in ok.output


@pytest.mark.parametrize("command", ["recommend", "eval"])
def test_the_run_commands_help_lists_their_exit_codes(command):
    result = CliRunner().invoke(main, [command, "--help"])
    text = " ".join(result.output.split())
    assert result.exit_code == 0
    assert (
        "Exit codes: 0 done, 1 an input or domain error, 2 a usage error, 3 every attempt errored,"
        " 130 interrupted (what finished is stored; the printed command resumes it)."
    ) in text
