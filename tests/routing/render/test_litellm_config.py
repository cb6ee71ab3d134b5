import asyncio
import copy
import logging
import os
import random
from collections import Counter

import pytest
import yaml

from evals.errors import DomainError
from routing.config import Config
from routing.policy import Policy
from routing.render.litellm_config import (
    FALLBACK_COOLDOWN_S,
    dump_litellm_config,
    group_shares,
    litellm_config,
    parse_deployment_id,
    share_lines,
    tier_of_group,
    unpriced_models,
)

CONFIG = Config.model_validate(
    {
        "version": 1,
        "tiers": {"coding": {"tasks": "golden_tasks/coding"}},
        "models": {"local/qwen": {"litellm_model": "openai/qwen", "api_base": "http://127.0.0.1:8000/v1"}},
    }
)
OLD = Policy.model_validate(
    {"version": 1, "tiers": {"coding": {"primary": "anthropic/claude-sonnet-4.6", "fallbacks": ["b/b"]}}}
)
NEW = Policy.model_validate(
    {
        "version": 1,
        "tiers": {
            "coding": {
                "primary": "deepseek/deepseek-v4-flash",
                "fallbacks": ["deepseek/deepseek-v4-pro", "anthropic/claude-sonnet-4.6"],
                "gray": [{"model": "local/qwen", "share": 0.05}],
            },
            "chat": {"primary": "google/flash"},
        },
    }
)


def deployments(exported: dict, group: str) -> list[dict]:
    return [d for d in exported["model_list"] if d["model_name"] == group]


def test_one_weighted_group_per_tier_an_anchor_and_fallback_groups():
    exported = litellm_config(NEW, CONFIG)
    coding = deployments(exported, "coding")
    assert [d["litellm_params"] for d in coding] == [
        {
            "model": "openrouter/deepseek/deepseek-v4-flash",
            "api_key": "os.environ/OPENROUTER_API_KEY",
            "weight": 950,
        },
        {"model": "openai/qwen", "api_base": "http://127.0.0.1:8000/v1", "weight": 50},
    ]
    assert [d["model_info"]["id"] for d in coding] == [
        "coding:primary:deepseek/deepseek-v4-flash",
        "coding:gray:local/qwen",
    ]
    # A failing gray model falls back to the vetted primary alone before any other model.
    anchor = deployments(exported, "coding-anchor")
    assert [d["litellm_params"]["model"] for d in anchor] == ["openrouter/deepseek/deepseek-v4-flash"]
    assert "weight" not in anchor[0]["litellm_params"]
    assert deployments(exported, "coding-fallback-1")[0]["litellm_params"]["model"] == (
        "openrouter/deepseek/deepseek-v4-pro"
    )
    assert deployments(exported, "coding-fallback-2")[0]["litellm_params"]["model"] == (
        "openrouter/anthropic/claude-sonnet-4.6"
    )
    assert [d["litellm_params"]["weight"] for d in deployments(exported, "chat")] == [1000]
    assert exported["router_settings"] == {
        "routing_strategy": "simple-shuffle",
        "fallbacks": [{"coding": ["coding-anchor", "coding-fallback-1", "coding-fallback-2"]}],
        "num_retries": 0,
        "enable_weighted_failover": False,
    }
    ids = [d["model_info"]["id"] for d in exported["model_list"]]
    assert len(ids) == len(set(ids))


def test_master_key_is_an_environment_reference_never_a_value():
    exported = litellm_config(NEW, CONFIG)
    assert exported["general_settings"] == {"master_key": "os.environ/LITELLM_MASTER_KEY"}


def test_tier_deployments_never_cool_down_and_single_groups_do():
    """The share of a failing model must not move to the other models of its tier group."""
    exported = litellm_config(NEW, CONFIG)
    for d in exported["model_list"]:
        info = d["model_info"]
        if "weight" in d["litellm_params"]:
            assert info["cooldown_time"] == 0, info["id"]
            assert "allowed_fails_policy" not in info
        else:
            assert info["cooldown_time"] == FALLBACK_COOLDOWN_S, info["id"]
            assert set(info["allowed_fails_policy"]) >= {
                "InternalServerErrorAllowedFails",
                "TimeoutErrorAllowedFails",
            }


def test_prices_per_token_in_model_info_where_known():
    exported = litellm_config(NEW, CONFIG, prices={"deepseek/deepseek-v4-flash": (0.3, 1.2)})
    primary = deployments(exported, "coding")[0]["model_info"]
    assert primary["input_cost_per_token"] == pytest.approx(0.3e-6)
    assert primary["output_cost_per_token"] == pytest.approx(1.2e-6)
    gray = deployments(exported, "coding")[1]["model_info"]
    assert "input_cost_per_token" not in gray  # unknown stays unknown, never 0
    assert "local/qwen" in unpriced_models(exported)
    assert "deepseek/deepseek-v4-flash" not in unpriced_models(exported)


def test_a_fallback_equal_to_the_vetted_model_is_not_tried_twice():
    policy = Policy.model_validate(
        {"version": 1, "tiers": {"t": {"primary": "new/n", "fallbacks": ["old/o", "b/b"]}}}
    )
    before = Policy.model_validate({"version": 1, "tiers": {"t": {"primary": "old/o"}}})
    exported = litellm_config(policy, CONFIG, stage_share={"t": 0.25}, previous=before)
    assert exported["router_settings"]["fallbacks"] == [{"t": ["t-anchor", "t-fallback-1"]}]
    assert deployments(exported, "t-anchor")[0]["model_info"]["id"] == "t-anchor:anchor:old/o"
    assert deployments(exported, "t-fallback-1")[0]["litellm_params"]["model"] == "openrouter/b/b"


def test_deployment_ids_parse_back_and_groups_name_their_tier():
    assert parse_deployment_id("coding:gray:local/qwen") == ("coding", "gray", "local/qwen")
    assert parse_deployment_id("coding-anchor:anchor:a/b:free") == ("coding-anchor", "anchor", "a/b:free")
    assert parse_deployment_id("3f2c-uuid") is None
    assert parse_deployment_id("coding:teacher:a/b") is None
    assert tier_of_group("coding-fallback-12") == "coding"
    assert tier_of_group("long_context-anchor") == "long_context"
    assert tier_of_group("chat") == "chat"


def test_weights_are_integers_summing_to_1000_and_keep_tiny_shares():
    tiny = Policy.model_validate(
        {"version": 1, "tiers": {"t": {"primary": "p/p", "gray": [{"model": "g/g", "share": 0.0001}]}}}
    )
    weights = [d["litellm_params"].get("weight") for d in litellm_config(tiny, CONFIG)["model_list"]]
    assert weights == [999, 1, None]  # the tier group, then its anchor (unweighted: a group of one)
    for group, shares in group_shares(litellm_config(NEW, CONFIG)).items():
        assert sum(shares.values()) == pytest.approx(1.0), group


def test_stage_share_splits_between_new_and_previous_primary():
    exported = litellm_config(NEW, CONFIG, stage_share={"coding": 0.25}, previous=OLD)
    shares = group_shares(exported)["coding"]
    assert shares == {
        "coding:incumbent:anthropic/claude-sonnet-4.6": 0.7,
        "coding:primary:deepseek/deepseek-v4-flash": 0.25,
        "coding:gray:local/qwen": 0.05,
    }
    final = group_shares(litellm_config(NEW, CONFIG, stage_share={"coding": 1.0}, previous=OLD))["coding"]
    assert final == {"coding:primary:deepseek/deepseek-v4-flash": 0.95, "coding:gray:local/qwen": 0.05}


def test_stage_share_errors_name_the_problem():
    with pytest.raises(DomainError, match="previous policy"):
        litellm_config(NEW, CONFIG, stage_share={"coding": 0.05})
    with pytest.raises(DomainError, match="unknown tier"):
        litellm_config(NEW, CONFIG, stage_share={"agent": 0.05}, previous=OLD)
    with pytest.raises(DomainError, match=r"\(0, 1\]"):
        litellm_config(NEW, CONFIG, stage_share={"coding": 1.5}, previous=OLD)


def test_dump_is_yaml_with_a_comment_header_that_states_the_real_shares():
    text = dump_litellm_config(litellm_config(NEW, CONFIG), ["generated by routing export litellm"])
    assert text.startswith("# generated by routing export litellm\n")
    assert "#   coding: 95.0% deepseek/deepseek-v4-flash (primary), 5.0% local/qwen (gray)\n" in text
    assert "LITELLM_MASTER_KEY" in text.split("model_list:")[0]
    assert yaml.safe_load(text) == litellm_config(NEW, CONFIG)


def test_share_lines_of_a_final_stage_keep_the_gray_share():
    """Stage 4 of a ramp is '100%' to the new primary, yet gray keeps 5%: the header says so."""
    final = litellm_config(NEW, CONFIG, stage_share={"coding": 1.0}, previous=OLD)
    assert share_lines(final)[0] == (
        "coding: 95.0% deepseek/deepseek-v4-flash (primary), 5.0% local/qwen (gray)"
    )
    ramp = litellm_config(NEW, CONFIG, stage_share={"coding": 0.25}, previous=OLD)
    assert share_lines(ramp)[0] == (
        "coding: 70.0% anthropic/claude-sonnet-4.6 (incumbent), 25.0% deepseek/deepseek-v4-flash (primary), "
        "5.0% local/qwen (gray)"
    )


@pytest.fixture(scope="module")
def litellm():
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    import litellm

    litellm.suppress_debug_info = True
    # Unpriced test models log a $0-cost warning per call; at 2,000 calls that alone costs ~2 s.
    logger = logging.getLogger("LiteLLM")
    level = logger.level
    logger.setLevel(logging.ERROR)
    # a Router registers each deployment's model in LiteLLM's process-wide price map: put it back after
    prices = copy.deepcopy(litellm.model_cost)
    yield litellm
    logger.setLevel(level)
    litellm.model_cost.clear()
    litellm.model_cost.update(prices)


def router_for(litellm, exported: dict):
    return litellm.Router(model_list=copy.deepcopy(exported["model_list"]), **exported["router_settings"])


def test_gray_share_is_realised_by_the_litellm_router(litellm):
    router = router_for(litellm, litellm_config(NEW, CONFIG))
    messages = [{"role": "user", "content": "hi"}]

    async def served_by() -> Counter:
        calls = [
            router.acompletion(model="coding", messages=messages, mock_response="ok") for _ in range(2000)
        ]
        responses = await asyncio.gather(*calls)
        return Counter(r._hidden_params["model_id"] for r in responses)

    state = random.getstate()
    random.seed(20261123)  # simple-shuffle draws from the global random module
    try:
        counts = asyncio.run(served_by())
    finally:
        random.setstate(state)
    assert set(counts) == {"coding:primary:deepseek/deepseek-v4-flash", "coding:gray:local/qwen"}
    gray = counts["coding:gray:local/qwen"] / 2000
    assert 0.03 <= gray <= 0.07, f"gray share {gray:.3%} over 2000 calls"


def test_failing_primary_falls_back_in_order(litellm):
    exported = litellm_config(NEW, CONFIG)
    # Deployment-level mocks: the tier group, its anchor and the first fallback fail, the second answers.
    for d in exported["model_list"]:
        mock = {
            "coding": "litellm.InternalServerError",
            "coding-anchor": "litellm.InternalServerError",
            "coding-fallback-1": "litellm.RateLimitError",
        }
        d["litellm_params"]["mock_response"] = mock.get(d["model_name"], "ok")
    router = router_for(litellm, exported)
    response = router.completion(model="coding", messages=[{"role": "user", "content": "hi"}])
    assert response.choices[0].message.content == "ok"
    assert response._hidden_params["model_id"] == "coding-fallback-2:fallback:anthropic/claude-sonnet-4.6"


def test_mock_testing_fallbacks_reaches_the_anchor_first(litellm):
    router = router_for(litellm, litellm_config(NEW, CONFIG))
    response = router.completion(
        model="coding",
        messages=[{"role": "user", "content": "hi"}],
        mock_testing_fallbacks=True,
        mock_response="ok",
    )
    assert response._hidden_params["model_id"] == "coding-anchor:anchor:deepseek/deepseek-v4-flash"
