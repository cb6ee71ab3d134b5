from types import SimpleNamespace

from evals.records import Reference, Task
from evals.run.plan import Cell, estimate_cell_usd, pairs_for, run_id_for
from routing.app.evaluate import price_table, servers
from routing.config import Config

CONFIG = Config.model_validate(
    {
        "version": 1,
        "tiers": {"chat": {"tasks": "x"}},
        "models": {"a/b": {"price": {"input_per_mtok": 1, "output_per_mtok": 2}}},
    }
)


def task(tid="chat/t", max_tokens=100):
    return Task(
        id=tid,
        tier="chat",
        messages=[{"role": "user", "content": "x" * 400}],
        params={"max_tokens": max_tokens},
        checks=[{"contains": "y"}],
        reference=Reference(content="y"),
    )


def test_price_table_latest_snapshot_wins_and_config_overrides():
    older = SimpleNamespace(
        rows=[SimpleNamespace(slug="m", prompt_price_per_mtok=1.0, completion_price_per_mtok=2.0)]
    )
    latest = SimpleNamespace(
        rows=[
            SimpleNamespace(slug="m", prompt_price_per_mtok=0.5, completion_price_per_mtok=1.0),
            SimpleNamespace(slug="unpriced", prompt_price_per_mtok=None, completion_price_per_mtok=None),
            SimpleNamespace(slug="a/b", prompt_price_per_mtok=9.0, completion_price_per_mtok=9.0),
        ]
    )
    assert price_table([older, latest], CONFIG) == {"m": (0.5, 1.0), "a/b": (1.0, 2.0)}


def test_estimate_is_an_upper_bound_with_max_tokens_and_none_without_price():
    estimate = estimate_cell_usd({"m": (1.0, 2.0)})
    # ~100+ prompt tokens (with a 25% margin) at $1/M plus 100 completion tokens at $2/M
    value = estimate(Cell(task(), "m", 0))
    assert 0.00033 < value < 0.00034
    assert estimate(Cell(task(), "unknown", 0)) is None


def test_sim_run_ids_are_content_derived_real_ones_fresh():
    pairs = [(task(), "m")]
    assert run_id_for("simulate", pairs, 3, "fp") == run_id_for("simulate", pairs, 3, "fp")
    assert run_id_for("simulate", pairs, 3, "fp") != run_id_for("simulate", pairs, 4, "fp")
    assert run_id_for("simulate", pairs, 3, "fp") != run_id_for("simulate", pairs, 3, "other")
    assert run_id_for("real", pairs, 3, "") != run_id_for("real", pairs, 3, "")
    assert run_id_for("replay", pairs, 3, "fp").startswith("replay-")


def test_pairs_for_crosses_tasks_and_models_per_tier():
    pairs = pairs_for({"chat": [task("chat/a"), task("chat/b")]}, {"chat": ["m1", "m2"], "coding": ["x"]})
    assert sorted((t.id, m) for t, m in pairs) == [
        ("chat/a", "m1"),
        ("chat/a", "m2"),
        ("chat/b", "m1"),
        ("chat/b", "m2"),
    ]


def test_servers_name_the_api_base_host_else_the_gateways_default():
    config = Config.model_validate(
        {
            "version": 1,
            "tiers": {"chat": {"tasks": "x"}},
            "models": {
                "local/a": {"litellm_model": "openai/a", "api_base": "http://user:pw@box.lan:8000/v1"},
                "local/b": {"litellm_model": "openai/b", "api_base": "http://box.lan:8000/v1"},
            },
        }
    )
    found = servers(config, ["local/a", "local/b", "acme/m"])
    assert found == ["box.lan", "openrouter's default address"]  # no credentials from the URL
