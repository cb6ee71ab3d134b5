"""The /api/v1/models catalog: prices per Mtok, tools support, canonical slug map, and bad input."""

from __future__ import annotations

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
