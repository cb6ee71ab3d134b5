"""The OpenRouter `/api/v1/models` catalog: what each model costs, how long its context is, what it serves.

Rankings say what is popular; only the catalog says what a model costs (long-context tiers and cache
reads included), how long its context is, whether it accepts `tools=` or structured outputs, and when
it expires. Candidate filtering needs those. Both response schemas parse: the 2024 one (no
`supported_parameters`: tools support is then unknown, never "no") and the 2025+ one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from evals.errors import InputError
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


class PriceTier(BaseModel):
    """A `pricing.overrides[]` entry that applies from a prompt length on (long-context pricing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    min_prompt_tokens: int
    prompt_price_per_mtok: float | None = None
    completion_price_per_mtok: float | None = None
    cache_read_price_per_mtok: float | None = None


class CatalogModel(BaseModel):
    """One catalog entry, reduced to what routing needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    canonical_slug: str | None = None
    name: str | None = None
    prompt_price_per_mtok: float | None = None
    completion_price_per_mtok: float | None = None
    cache_read_price_per_mtok: float | None = None
    price_tiers: tuple[PriceTier, ...] = ()
    time_of_day_pricing: bool = False  # overrides keyed on the UTC hour: the base price is not the only one
    context_length: int | None = None
    supports_tools: bool | None = None
    supports_structured_outputs: bool | None = None
    expiration_date: date | None = None

    def price_at(self, prompt_tokens: int) -> tuple[float | None, float | None]:
        """(prompt, completion) USD per Mtok for a request of `prompt_tokens`: the highest tier reached."""
        prompt, completion = self.prompt_price_per_mtok, self.completion_price_per_mtok
        for tier in sorted(self.price_tiers, key=lambda t: t.min_prompt_tokens):
            if prompt_tokens >= tier.min_prompt_tokens:
                prompt = tier.prompt_price_per_mtok if tier.prompt_price_per_mtok is not None else prompt
                if tier.completion_price_per_mtok is not None:
                    completion = tier.completion_price_per_mtok
        return prompt, completion

    def expired(self, today: date) -> bool:
        return self.expiration_date is not None and self.expiration_date <= today


class Catalog(BaseModel):
    """All catalog models by id, plus the permaslug → catalog slug map the rankings need."""

    model_config = ConfigDict(extra="forbid")
    models: dict[str, CatalogModel]
    source: str | None = None
    as_of: str | None = None

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

    def label(self) -> str:
        """How a reason names this catalog: its file and date."""
        name = Path(self.source).name if self.source else "catalog"
        return f"{name}, as of {self.as_of}" if self.as_of else name


def _price(pricing: dict[str, Any], field: str, path: str | Path, where: str) -> float | None:
    try:
        return per_mtok(pricing.get(field))
    except ValueError as exc:
        raise InputError(path, f"{where}.{field}", str(exc)) from None


def _tiers(pricing: dict[str, Any], path: str | Path, where: str) -> tuple[tuple[PriceTier, ...], bool]:
    overrides = pricing.get("overrides") or []
    if not isinstance(overrides, list):
        raise InputError(path, f"{where}.overrides", "expected a list")
    tiers, by_hour = [], False
    for j, raw in enumerate(overrides):
        at = f"{where}.overrides[{j}]"
        if not isinstance(raw, dict):
            raise InputError(path, at, "expected an object")
        if "utc_start" in raw or "utc_end" in raw:
            by_hour = True
            continue
        threshold = raw.get("min_prompt_tokens")
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
            raise InputError(
                path, f"{at}.min_prompt_tokens", f"expected a non-negative integer, got {threshold!r}"
            )
        tiers.append(
            PriceTier(
                min_prompt_tokens=threshold,
                prompt_price_per_mtok=_price(raw, "prompt", path, at),
                completion_price_per_mtok=_price(raw, "completion", path, at),
                cache_read_price_per_mtok=_price(raw, "input_cache_read", path, at),
            )
        )
    return tuple(tiers), by_hour


def _expiry(raw: Any, path: str | Path, where: str) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise InputError(path, f"{where}.expiration_date", f"not a date: {raw!r}") from None


def _context(value: Any, path: str | Path, where: str) -> int | None:
    """A context length in tokens. Real responses hold fractional ones (25804.8 in 2024-04-10): floored."""
    if value is None:
        return None
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value >= 0
        and value != float("inf")
    )
    if not ok:
        raise InputError(path, f"{where}.context_length", f"expected a non-negative number, got {value!r}")
    return int(value)


def _entry(raw: Any, where: str, path: str | Path) -> CatalogModel:
    if not isinstance(raw, dict):
        raise InputError(path, where, "expected an object")
    model_id = raw.get("id")
    if not isinstance(model_id, str) or not model_id:
        raise InputError(path, f"{where}.id", "missing or not a string")
    pricing = raw.get("pricing") or {}
    if not isinstance(pricing, dict):
        raise InputError(path, f"{where}.pricing", "expected an object")
    context = _context(raw.get("context_length"), path, where)
    params = raw.get("supported_parameters")
    if params is not None and not isinstance(params, list):
        raise InputError(path, f"{where}.supported_parameters", "expected a list")
    tiers, by_hour = _tiers(pricing, path, f"{where}.pricing")
    return CatalogModel(
        id=model_id,
        canonical_slug=raw.get("canonical_slug") or None,
        name=raw.get("name"),
        prompt_price_per_mtok=_price(pricing, "prompt", path, f"{where}.pricing"),
        completion_price_per_mtok=_price(pricing, "completion", path, f"{where}.pricing"),
        cache_read_price_per_mtok=_price(pricing, "input_cache_read", path, f"{where}.pricing"),
        price_tiers=tiers,
        time_of_day_pricing=by_hour,
        context_length=context,
        # Old responses (before 2025) have no supported_parameters: support is then unknown.
        supports_tools=None if params is None else "tools" in params,
        supports_structured_outputs=None if params is None else "structured_outputs" in params,
        expiration_date=_expiry(raw.get("expiration_date"), path, where),
    )


def is_catalog(raw: Any) -> bool:
    """Whether a parsed JSON document is a `/api/v1/models` response (by shape, not file name)."""
    data = raw.get("data") if isinstance(raw, dict) else raw
    first = next((x for x in data if isinstance(x, dict)), None) if isinstance(data, list) else None
    return first is not None and ("pricing" in first or "canonical_slug" in first)


def parse_catalog(raw: Any, path: str | Path, as_of: str | None = None) -> Catalog:
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
    return Catalog(models=models, source=str(path), as_of=as_of)
