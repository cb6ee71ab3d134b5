"""Which cost an attempt gets, best source first: what the provider billed, LiteLLM's price map, the
team's or the catalog's price times the real token counts. Unknown stays None, never 0."""

from __future__ import annotations

from evals.records import Price

Cost = tuple[float | None, str | None]  # (USD, source)


def resolve_cost(
    reported: float | None,
    mapped: float | None,
    price: Price | None,
    prompt_tokens: int | None,
    completion_tokens: int | None,
) -> Cost:
    """`reported`: the provider's own figure (OpenRouter `usage.cost`); `mapped`: LiteLLM's map for an
    exactly mapped model. A price the team wrote in routing.yaml outranks the map (it is the team's
    word for a model the map may know under another deal); a catalog price comes after it."""
    if reported is not None:
        return float(reported), "provider"
    tokens_known = prompt_tokens is not None and completion_tokens is not None
    if price is not None and price.origin == "config" and tokens_known:
        return price.cost(prompt_tokens or 0, completion_tokens or 0), "price"
    if mapped is not None:
        return float(mapped), "litellm"
    if price is not None and tokens_known:
        return price.cost(prompt_tokens or 0, completion_tokens or 0), "price"
    return None, None


def combine(costs: list[Cost]) -> Cost:
    """A cell's cost over all its attempts: the sum, or unknown when any attempt's cost is unknown."""
    if not costs or any(cost is None for cost, _ in costs):
        return None, None
    sources = sorted({source for _, source in costs if source and source != "not_billed"})
    return sum(cost for cost, _ in costs if cost is not None), "+".join(sources) or "not_billed"
