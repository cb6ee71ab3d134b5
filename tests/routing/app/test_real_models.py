"""`recommend --real` and `--tasks`: real models join the candidates; tiers read another task folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from evals.errors import InputError
from routing.app.real_models import REAL_REASON, add_real_candidates, parse_models, with_task_root
from routing.cli import main
from routing.config import load_config
from routing.decide.candidates import Candidate, TierCandidates
from routing.decide.reasons import Reason

REPO = Path(__file__).resolve().parents[3]


def test_tiers_take_their_tasks_from_the_folder_of_their_name(tmp_path):
    for tier in ("chat", "agent"):
        (tmp_path / "local" / tier).mkdir(parents=True)
    config = load_config(REPO / "routing.yaml")
    changed = with_task_root(config, tmp_path / "local", ["chat", "agent"])
    assert changed.tiers["chat"].tasks == str(tmp_path / "local" / "chat")
    assert changed.tiers["coding"].tasks == config.tiers["coding"].tasks  # not chosen: untouched
    assert changed.base_dir == config.base_dir and changed.source == config.source
    assert config.tiers["chat"].tasks == "golden_tasks/chat"  # the loaded config is not changed
    with pytest.raises(InputError, match=r"no folder for tier\(s\) coding; pass --tiers agent,chat"):
        with_task_root(config, tmp_path / "local", ["chat", "coding"])


def test_the_shipped_local_subset_serves_chat_extraction_and_agent():
    config = load_config(REPO / "routing.yaml")
    changed = with_task_root(config, REPO / "golden_tasks_local", ["chat", "extraction", "agent"])
    assert Path(changed.tiers["agent"].tasks).is_dir()
    entry = config.models["local/smollm2"]
    assert entry.litellm_model == "openai/smollm2" and entry.api_key_env
    assert entry.price is not None and (entry.price.input_per_mtok, entry.price.output_per_mtok) == (0, 0)
    assert all("golden_tasks_local" not in tier.tasks for tier in config.tiers.values())  # not in `make demo`


def test_real_models_join_every_tier_once_with_their_reason():
    selections = {
        "chat": TierCandidates("chat", [Candidate("vendor/a")], []),
        "agent": TierCandidates("agent", [Candidate("local/m", [Reason("alternate", "configured")])], []),
    }
    add_real_candidates(selections, parse_models(" local/m, ,local/m"))
    add_real_candidates(selections, ["local/m"])
    assert selections["chat"].models == ["vendor/a", "local/m"]
    assert selections["agent"].models == ["local/m"]
    codes = [r.code for r in selections["agent"].candidates[0].reasons]
    assert codes == ["alternate", REAL_REASON]


def test_real_is_refused_where_nothing_is_called(tmp_path):
    results = tmp_path / "r.jsonl"
    results.write_text('{"task_id": "chat/a", "tier": "chat", "model": "m", "passed": true}\n')
    args = ["recommend", "--results", str(results), "--real", "local/smollm2"]
    outcome = CliRunner().invoke(main, [*args, "--config", str(REPO / "routing.yaml")])
    assert outcome.exit_code == 2 and "--real calls models" in outcome.output


def test_local_subset_is_valid():
    outcome = CliRunner().invoke(main, ["tasks", "validate", str(REPO / "golden_tasks_local")])
    assert outcome.exit_code == 0, outcome.output
    count = sum(len(yaml.safe_load(p.read_text())) for p in (REPO / "golden_tasks_local").rglob("*.yaml"))
    assert outcome.output.strip() == f"{count} tasks valid"
