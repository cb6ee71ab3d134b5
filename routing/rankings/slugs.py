"""Permaslug → catalog slug: the one place that knows how OpenRouter names the same model twice.

Rankings name a model by its *permaslug* (`anthropic/claude-4.6-sonnet-20260217`, sometimes with a
`:free` variant); the catalog, the policy and LiteLLM use the *catalog slug* (`anthropic/claude-sonnet-4.6`).
Momentum and candidates must agree on one key, so every importer goes through `to_catalog_slug`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from evals.errors import InputError

_DATE_SUFFIX = re.compile(r"-(\d{4})(\d{2})(\d{2})$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:-]*$")


@dataclass(frozen=True)
class SlugParts:
    """A ranking entry's identity: catalog slug, variant (e.g. "free") and the permaslug it came from."""

    slug: str
    variant: str | None
    permaslug: str


def split_variant(permaslug: str) -> tuple[str, str | None]:
    """`tencent/hy3-preview-20260421:free` → (`tencent/hy3-preview-20260421`, "free")."""
    base, sep, variant = permaslug.partition(":")
    return base, (variant or None) if sep else None


def strip_date(slug: str) -> str:
    """Drop a trailing `-YYYYMMDD` release date; anything that is not a real calendar date stays."""
    match = _DATE_SUFFIX.search(slug)
    if not match:
        return slug
    year, month, day = (int(part) for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return slug
    return slug[: match.start()]


def parse_aliases(raw: object, path: str | Path) -> dict[str, str]:
    """Validate an alias table: a mapping `aliases: {dateless permaslug: catalog slug}`."""
    table = raw.get("aliases") if isinstance(raw, dict) else None
    if not isinstance(table, dict):
        raise InputError(path, "aliases", "expected a mapping of permaslug to catalog slug")
    out: dict[str, str] = {}
    for key, value in table.items():
        if not (isinstance(key, str) and _SLUG.match(key)):
            raise InputError(path, f"aliases.{key}", "key must be a slug like vendor/model")
        if not (isinstance(value, str) and _SLUG.match(value)):
            raise InputError(path, f"aliases.{key}", f"value must be a slug like vendor/model, got {value!r}")
        out[key] = value
    return out


def to_catalog_slug(
    permaslug: str,
    catalog: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> SlugParts:
    """Map a permaslug to its catalog slug, keeping the variant apart.

    Order: the catalog's own `canonical_slug → id` map wins (it is the ground truth when present);
    otherwise strip the date and apply the alias table for families whose word order differs
    (`claude-4.6-sonnet` vs `claude-sonnet-4.6`) or whose suffix is not a `-YYYYMMDD` date.
    The alias table is loaded at the edge (routing.rankings.files.load_aliases) and passed in.
    """
    text = permaslug.strip()
    if not text:
        raise ValueError("empty permaslug")
    base, variant = split_variant(text)
    if catalog is not None and base in catalog:
        return SlugParts(catalog[base], variant, text)
    table = aliases or {}
    dateless = strip_date(base)
    slug = table.get(base) or table.get(dateless) or dateless
    return SlugParts(slug, variant, text)


@dataclass(frozen=True)
class SlugRules:
    """Everything a parser needs to name a model: the catalog's own map and the alias table.

    Built at the edge (files/app) from files, so the parsers stay pure functions of their inputs.
    """

    catalog: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, permaslug: str) -> SlugParts:
        return to_catalog_slug(permaslug, self.catalog or None, self.aliases)

    def with_catalog(self, catalog: Mapping[str, str]) -> SlugRules:
        return SlugRules(catalog=dict(catalog), aliases=self.aliases)


def family(slug: str) -> str:
    """The model family a published slug belongs to: variant and release date folded away.

    `tencent/hy3-preview-20260421:free` and `tencent/hy3-preview` are one family; the alias table is
    not consulted here (momentum folds by catalog slug, which importers already resolved).
    """
    return strip_date(split_variant(slug.strip())[0])


def author(slug: str) -> str:
    """The provider (author) part of a slug: `anthropic/claude-sonnet-4.6` -> `anthropic`."""
    return slug.partition("/")[0]
