"""Permaslug → catalog slug: date and variant stripping, the alias table, and the catalog's precedence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evals.errors import InputError
from routing.rankings.files import ALIASES_FILE, load_aliases, load_catalog, load_snapshots
from routing.rankings.slugs import (
    SlugRules,
    author,
    family,
    parse_aliases,
    split_variant,
    strip_date,
    to_catalog_slug,
)

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "data" / "openrouter"
WEEKLY_CSV = SHARED / "weekly-top10" / "weekly_top_models_long.csv"
CATALOG = SHARED / "models-api-2026" / "openrouter_models_all.json"
needs_shared = pytest.mark.skipif(not CATALOG.exists(), reason="shared data not present")


@pytest.mark.parametrize(
    ("permaslug", "expected"),
    [
        ("tencent/hy3-preview-20260421:free", ("tencent/hy3-preview-20260421", "free")),
        ("anthropic/claude-3.5-sonnet:beta", ("anthropic/claude-3.5-sonnet", "beta")),
        ("x-ai/grok-4.1-fast", ("x-ai/grok-4.1-fast", None)),
        ("odd/trailing-colon:", ("odd/trailing-colon", None)),
    ],
)
def test_split_variant(permaslug: str, expected: tuple[str, str | None]) -> None:
    assert split_variant(permaslug) == expected


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("deepseek/deepseek-v4-flash-20260423", "deepseek/deepseek-v4-flash"),
        ("nvidia/nemotron-3-super-120b-a12b-20230311", "nvidia/nemotron-3-super-120b-a12b"),
        ("deepseek/deepseek-chat-v3-0324", "deepseek/deepseek-chat-v3-0324"),  # MMDD is part of the id
        ("qwen/qwen3.6-plus-04-02", "qwen/qwen3.6-plus-04-02"),  # not -YYYYMMDD: alias table's job
        ("vendor/model-20261399", "vendor/model-20261399"),  # not a calendar date
        ("vendor/model", "vendor/model"),
    ],
)
def test_strip_date(slug: str, expected: str) -> None:
    assert strip_date(slug) == expected


@pytest.mark.parametrize(
    ("permaslug", "slug", "variant"),
    [
        ("anthropic/claude-4.6-sonnet-20260217", "anthropic/claude-sonnet-4.6", None),
        ("anthropic/claude-4.7-opus-20260416", "anthropic/claude-opus-4.7", None),
        ("anthropic/claude-4.6-opus-20260205", "anthropic/claude-opus-4.6", None),
        ("tencent/hy3-preview-20260421:free", "tencent/hy3-preview", "free"),
        ("qwen/qwen3.6-plus-04-02:free", "qwen/qwen3.6-plus", "free"),
        ("moonshotai/kimi-k2.5-0127", "moonshotai/kimi-k2.5", None),
        ("stepfun/step-3.5-flash:free", "stepfun/step-3.5-flash", "free"),
        ("openrouter/owl-alpha", "openrouter/owl-alpha", None),
    ],
)
def test_to_catalog_slug_with_shipped_aliases(permaslug: str, slug: str, variant: str | None) -> None:
    parts = to_catalog_slug(permaslug, aliases=load_aliases())
    assert (parts.slug, parts.variant, parts.permaslug) == (slug, variant, permaslug)


def test_catalog_map_wins_over_aliases_and_date_stripping() -> None:
    catalog = {"acme/model-x-20260101": "acme/renamed-x"}
    aliases = {"acme/model-x": "acme/alias-x"}
    assert to_catalog_slug("acme/model-x-20260101:free", catalog, aliases).slug == "acme/renamed-x"
    assert to_catalog_slug("acme/model-x-20260101", {}, aliases).slug == "acme/alias-x"
    assert to_catalog_slug("acme/model-x-20260101", {}, {}).slug == "acme/model-x"


def test_empty_permaslug_is_rejected() -> None:
    with pytest.raises(ValueError, match="empty"):
        to_catalog_slug("  ")


def test_parse_aliases_names_file_and_field() -> None:
    with pytest.raises(InputError) as err:
        parse_aliases({"aliases": {"acme/a": "not a slug"}}, "aliases.yaml")
    assert err.value.path == "aliases.yaml"
    assert err.value.field == "aliases.acme/a"
    with pytest.raises(InputError, match="aliases"):
        parse_aliases({"version": 1}, "aliases.yaml")


def test_shipped_alias_table_is_valid() -> None:
    table = load_aliases()
    assert ALIASES_FILE.exists()
    assert table["anthropic/claude-4.6-sonnet"] == "anthropic/claude-sonnet-4.6"
    assert all(key != value for key, value in table.items())


def test_every_shipped_row_maps_to_its_slug_without_a_catalog() -> None:
    snapshots = load_snapshots(ROOT / "reports" / "rankings")
    assert snapshots
    rules = SlugRules(aliases=load_aliases())
    for snapshot in snapshots:
        for row in snapshot.rows:
            parts = rules.resolve(row.permaslug)
            assert parts.slug == row.slug, (snapshot.date, row.permaslug)
            assert parts.variant == row.variant


@needs_shared
def test_aliases_agree_with_the_real_catalog() -> None:
    """Where the 2026 catalog knows a ranking permaslug, the offline rules give the same slug."""
    slug_map = dict(load_catalog(CATALOG).slug_map())
    with WEEKLY_CSV.open(encoding="utf-8") as fh:
        permaslugs = {row["slug"] for row in csv.DictReader(fh)}
    known = [p for p in sorted(permaslugs) if split_variant(p)[0] in slug_map]
    assert len(known) >= 20
    aliases = load_aliases()
    for permaslug in known:
        offline = to_catalog_slug(permaslug, aliases=aliases).slug
        assert offline == to_catalog_slug(permaslug, slug_map, aliases).slug, permaslug
    for canonical, slug in slug_map.items():
        dateless = strip_date(canonical)
        if dateless in aliases:
            assert aliases[dateless] == slug, canonical


def test_without_an_alias_table_only_the_date_is_stripped() -> None:
    """Parsers read no file: no table given means no aliases, not the shipped table read behind the back."""
    assert to_catalog_slug("anthropic/claude-4.6-sonnet-20260217").slug == "anthropic/claude-4.6-sonnet"
    rules = SlugRules(aliases={"anthropic/claude-4.6-sonnet": "anthropic/claude-sonnet-4.6"})
    assert rules.resolve("anthropic/claude-4.6-sonnet-20260217:free").slug == "anthropic/claude-sonnet-4.6"
    assert (
        rules.with_catalog({"anthropic/claude-4.6-sonnet-20260217": "x/y"})
        .resolve("anthropic/claude-4.6-sonnet-20260217")
        .slug
        == "x/y"
    )


def test_family_and_author_fold_dates_and_variants() -> None:
    assert family("tencent/hy3-preview-20260421:free") == "tencent/hy3-preview"
    assert family("x-ai/grok-4.1-fast") == "x-ai/grok-4.1-fast"
    assert author("anthropic/claude-sonnet-4.6") == "anthropic"
