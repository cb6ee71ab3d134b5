"""The /api/v1/models catalog: prices per Mtok, tools support, canonical slug map, and bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evals.errors import InputError
from routing.rankings.catalog import parse_catalog, per_mtok
from routing.rankings.files import load_catalog

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "openrouter" / "models-api-2026"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="shared data not present")


def _model(model_id: str, **extra: object) -> dict:
    base = {
        "id": model_id,
        "canonical_slug": extra.pop("canonical_slug", model_id),
        "name": model_id,
        "context_length": 131072,
        "pricing": {"prompt": "0.00000014", "completion": "0.00000028"},
        "supported_parameters": ["temperature", "tools", "tool_choice"],
    }
    base.update(extra)
    return base


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.00000045", 0.45),
        (1.4e-07, 0.14),
        ("0.0000032", 3.2),
        (0, 0.0),
        ("0", 0.0),
        ("-1", None),
        (None, None),
    ],
)
def test_per_mtok(value: object, expected: float | None) -> None:
    assert per_mtok(value) == expected


def test_per_mtok_rejects_text() -> None:
    with pytest.raises(ValueError, match="not a price"):
        per_mtok("cheap")


def test_parse_catalog_fields_and_slug_map() -> None:
    raw = {
        "data": [
            _model("acme/fast", canonical_slug="acme/fast-20260101"),
            _model(
                "acme/fast:free",
                canonical_slug="acme/fast-20260101",
                pricing={"prompt": "0", "completion": "0"},
            ),
            _model("acme/plain", supported_parameters=["temperature"], context_length=8192),
            _model("openrouter/auto", pricing={"prompt": "-1", "completion": "-1"}),
        ]
    }
    catalog = parse_catalog(raw, "models.json")
    fast = catalog.models["acme/fast"]
    assert (fast.prompt_price_per_mtok, fast.completion_price_per_mtok) == (0.14, 0.28)
    assert fast.supports_tools is True and fast.context_length == 131072
    assert catalog.models["acme/plain"].supports_tools is False
    assert catalog.models["openrouter/auto"].prompt_price_per_mtok is None
    assert catalog.slug_map()["acme/fast-20260101"] == "acme/fast"  # the variant-less id is the model
    assert catalog.get("acme/fast", "free").prompt_price_per_mtok == 0.0
    assert catalog.get("acme/fast", "batch") is fast
    assert catalog.tools_capable() == ["acme/fast", "acme/fast:free", "openrouter/auto"]


def test_old_catalog_without_supported_parameters_has_unknown_tools() -> None:
    raw = [{"id": "acme/old", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]
    assert parse_catalog(raw, "old.json").models["acme/old"].supports_tools is None


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"models": []}, "data"),
        ({"data": [{"name": "no id"}]}, "data[0].id"),
        ({"data": [_model("a/b", pricing={"prompt": "free", "completion": "0"})]}, "data[0].pricing.prompt"),
        ({"data": [_model("a/b", context_length="long")]}, "data[0].context_length"),
        ({"data": [_model("a/b", supported_parameters="tools")]}, "data[0].supported_parameters"),
        ({"data": [_model("a/b"), _model("a/b")]}, "data[1].id"),
    ],
)
def test_malformed_catalog_names_file_and_field(raw: object, field: str) -> None:
    with pytest.raises(InputError) as err:
        parse_catalog(raw, "models.json")
    assert (err.value.path, err.value.field) == ("models.json", field)


def test_load_catalog_bad_json(tmp_path: Path) -> None:
    bad = tmp_path / "models.json"
    bad.write_text('{"data": [', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_catalog(bad)
    assert err.value.path == str(bad) and "invalid JSON" in err.value.message


@needs_shared
@pytest.mark.parametrize(
    ("name", "count"), [("openrouter_models.json", 414), ("openrouter_models_all.json", 549)]
)
def test_real_catalogs(name: str, count: int) -> None:
    catalog = load_catalog(SHARED / name)
    assert len(catalog.models) == count
    # Tools-support filter: none of the 135 extra models of the "all" file (embeddings, image...) takes tools.
    assert len(catalog.tools_capable()) == 347
    sonnet = catalog.models["anthropic/claude-sonnet-4.6"]
    assert sonnet.supports_tools and sonnet.context_length and sonnet.context_length >= 200_000
    assert catalog.slug_map()["anthropic/claude-4.6-sonnet-20260217"] == "anthropic/claude-sonnet-4.6"
    assert catalog.slug_map()["tencent/hy3-preview-20260421"] == "tencent/hy3-preview"
    assert catalog.models["openrouter/auto"].prompt_price_per_mtok is None  # "-1": priced per routed model


@needs_shared
def test_real_catalog_long_context_cache_and_time_of_day_prices() -> None:
    catalog = load_catalog(SHARED / "openrouter_models.json")
    grok = catalog.models["x-ai/grok-4.6"]
    assert [t.min_prompt_tokens for t in grok.price_tiers] == [200_000]
    assert grok.price_at(10_000) == (grok.prompt_price_per_mtok, grok.completion_price_per_mtok)
    assert grok.price_at(250_000) == (4.0, 12.0)
    assert grok.price_tiers[0].cache_read_price_per_mtok == 1.0
    assert catalog.models["deepseek/deepseek-v4-pro-0813"].time_of_day_pricing
    assert catalog.models["anthropic/claude-sonnet-4.6"].cache_read_price_per_mtok == 0.3
    assert sum(1 for m in catalog.models.values() if m.supports_structured_outputs) == 337
    assert catalog.models["z-ai/glm-4.5"].expiration_date == date(2026, 12, 31)
    assert catalog.models["z-ai/glm-4.5"].expired(date(2027, 1, 1)) and not catalog.models[
        "z-ai/glm-4.5"
    ].expired(date(2026, 12, 30))


HISTORY = SHARED.parent / "models-api-history" / "history"


@pytest.mark.skipif(not HISTORY.exists(), reason="shared data not present")
def test_every_2024_history_catalog_parses_with_capabilities_unknown() -> None:
    files = sorted(HISTORY.glob("*.json"))
    assert len(files) == 17
    for path in files:
        catalog = load_catalog(path)
        assert catalog.as_of == path.stem.split("_")[2]
        assert all(
            m.supports_tools is None and m.supports_structured_outputs is None
            for m in catalog.models.values()
        )
    # A real response holds a fractional context length: it is floored, not refused.
    odd = load_catalog(HISTORY / "openrouter_models_2024-04-10_df954f0.json")
    assert any(m.context_length == 25804 for m in odd.models.values())


@pytest.mark.parametrize("bad", [float("nan"), -1, True, "long"])
def test_context_length_must_be_a_non_negative_number(bad: object) -> None:
    with pytest.raises(InputError) as err:
        parse_catalog({"data": [_model("a/b", context_length=bad)]}, "models.json")
    assert err.value.field == "data[0].context_length"
