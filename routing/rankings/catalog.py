"""The OpenRouter `/api/v1/models` catalog: prices, context length and tools support per model id.

Rankings say what is popular; only the catalog says what a model costs, how long its context is and
whether it accepts `tools=`. Candidate filtering (`requires.tools`, `requires.min_context`) needs those.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from evals.errors import InputError
from evals.files import load_json
from routing.rankings.slugs import split_variant

PER_MTOK = Decimal(1_000_000)


def per_mtok(usd_per_token: Any) -> float | None:
    """USD per token (number or string) → USD per million tokens, without float noise.

    Negative prices (OpenRouter uses "-1" for routers whose price depends on the routed model) and
    missing values are unknown, not free: both give None.
    """
    if usd_per_token is None or isinstance(usd_per_token, bool) or usd_per_token == "":
        return None
    try:
        value = Decimal(str(usd_per_token))
    except InvalidOperation:
        raise ValueError(f"not a price: {usd_per_token!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a price: {usd_per_token!r}")
    if value < 0:
        return None
    return float(value * PER_MTOK)


class CatalogModel(BaseModel):
    """One catalog entry, reduced to what routing needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    canonical_slug: str | None = None
    name: str | None = None
    prompt_price_per_mtok: float | None = None
    completion_price_per_mtok: float | None = None
    context_length: int | None = None
    supports_tools: bool | None = None


class Catalog(BaseModel):
    """All catalog models by id, plus the permaslug → catalog slug map the rankings need."""

    model_config = ConfigDict(extra="forbid")
    models: dict[str, CatalogModel]
    source: str | None = None

    def get(self, slug: str, variant: str | None = None) -> CatalogModel | None:
        """The entry for `slug:variant` if the catalog lists it, else the entry for `slug`."""
        if variant and f"{slug}:{variant}" in self.models:
            return self.models[f"{slug}:{variant}"]
        return self.models.get(slug)

    def slug_map(self) -> Mapping[str, str]:
        """canonical_slug → catalog slug without variant (`claude-4.6-sonnet-20260217` → `claude-sonnet-4.6`).

        Several ids share one canonical slug (`x`, `x:free`, `x:batch`); the variant-less id is the model.
        """
        out: dict[str, str] = {}
        for model_id in sorted(self.models):
            canonical = self.models[model_id].canonical_slug
            if canonical:
                out.setdefault(canonical, split_variant(model_id)[0])
        return out

    def tools_capable(self) -> list[str]:
        """Ids of models that accept `tools=` (what a tier with `requires.tools` may use)."""
        return sorted(m.id for m in self.models.values() if m.supports_tools)


def _entry(raw: Any, where: str, path: str | Path) -> CatalogModel:
    if not isinstance(raw, dict):
        raise InputError(path, where, "expected an object")
    model_id = raw.get("id")
    if not isinstance(model_id, str) or not model_id:
        raise InputError(path, f"{where}.id", "missing or not a string")
    pricing = raw.get("pricing") or {}
    if not isinstance(pricing, dict):
        raise InputError(path, f"{where}.pricing", "expected an object")
    prices: dict[str, float | None] = {}
    for field in ("prompt", "completion"):
        try:
            prices[field] = per_mtok(pricing.get(field))
        except ValueError as exc:
            raise InputError(path, f"{where}.pricing.{field}", str(exc)) from None
    context = raw.get("context_length")
    if context is not None and (isinstance(context, bool) or not isinstance(context, int) or context < 0):
        raise InputError(path, f"{where}.context_length", f"expected a non-negative integer, got {context!r}")
    params = raw.get("supported_parameters")
    if params is not None and not isinstance(params, list):
        raise InputError(path, f"{where}.supported_parameters", "expected a list")
    return CatalogModel(
        id=model_id,
        canonical_slug=raw.get("canonical_slug") or None,
        name=raw.get("name"),
        prompt_price_per_mtok=prices["prompt"],
        completion_price_per_mtok=prices["completion"],
        context_length=context,
        # Old responses (before 2025) have no supported_parameters: tools support is then unknown.
        supports_tools=None if params is None else "tools" in params,
    )


def parse_catalog(raw: Any, path: str | Path) -> Catalog:
    """Parse a `/api/v1/models` response (`{"data": [...]}` or a bare list)."""
    data = raw.get("data") if isinstance(raw, dict) else raw
    if not isinstance(data, list):
        raise InputError(path, "data", "expected a list of models")
    models: dict[str, CatalogModel] = {}
    for i, item in enumerate(data):
        entry = _entry(item, f"data[{i}]", path)
        if entry.id in models:
            raise InputError(path, f"data[{i}].id", f"duplicate model id {entry.id!r}")
        models[entry.id] = entry
    return Catalog(models=models, source=str(path))


def load_catalog(path: str | Path) -> Catalog:
    """Read a saved `/api/v1/models` JSON file; problems name the file and the field."""
    p = Path(path)
    raw = load_json(p)
    return parse_catalog(raw, p)
