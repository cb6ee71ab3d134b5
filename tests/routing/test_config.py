from pathlib import Path

import pytest

from evals.errors import InputError, OptionError
from routing.config import load_config

MINIMAL = "version: 1\ntiers:\n  chat: {tasks: golden_tasks/chat}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "routing.yaml"
    path.write_text(text)
    return path


def test_shipped_config_loads(repo):
    config = load_config(repo / "routing.yaml")
    assert set(config.tiers) == {"coding", "agent", "long_context", "chat", "extraction"}
    for tier in config.tiers.values():
        assert tier.gates.min_success > 0
        assert tier.gates.max_p95_latency_s and tier.gates.max_cost_per_success_usd
    assert config.tiers["agent"].gates.max_tool_failure is not None


def test_paths_resolve_against_config_folder(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.resolve(config.tiers["chat"].tasks) == tmp_path / "golden_tasks/chat"
    assert config.resolve("/abs/x") == Path("/abs/x")


def test_bad_field_names_file_and_field(tmp_path):
    path = write(tmp_path, MINIMAL.replace("{tasks: golden_tasks/chat}", "{tasks: x, objective: cheapest}"))
    with pytest.raises(InputError) as err:
        load_config(path)
    assert str(path) in str(err.value) and "tiers.chat.objective" in str(err.value)


def test_unknown_key_is_rejected(tmp_path):
    with pytest.raises(InputError, match="tierz"):
        load_config(write(tmp_path, MINIMAL + "tierz: {}\n"))


def test_yaml_syntax_error_names_line(tmp_path):
    with pytest.raises(InputError, match="line 2"):
        load_config(write(tmp_path, "version: 1\ntiers: {a: [}\nx: 1\n"))


def test_select_tiers_validates_names(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.select_tiers(None) == ["chat"]
    with pytest.raises(OptionError) as refused:
        config.select_tiers("chat,coding")
    assert refused.value.option == "--tiers"
    assert refused.value.message == "unknown tier 'coding' (tiers: chat)"
    assert refused.value.exit_code == 2


def test_litellm_model_uses_gateway_and_overrides(tmp_path):
    text = MINIMAL + "models:\n  local/q: {litellm_model: openai/q, api_base: 'http://127.0.0.1:1/v1'}\n"
    config = load_config(write(tmp_path, text))
    assert config.litellm_model("deepseek/deepseek-v4-flash") == "openrouter/deepseek/deepseek-v4-flash"
    assert config.litellm_model("local/q") == "openai/q"


def test_rollout_stages_must_increase(tmp_path):
    with pytest.raises(InputError, match=r"rollout\.stages"):
        load_config(write(tmp_path, MINIMAL + "rollout: {stages: [0.5, 0.25]}\n"))
