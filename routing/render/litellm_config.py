"""A routing policy as a LiteLLM proxy config.yaml: one weighted model group per tier, fallbacks as groups.

Checked against LiteLLM 1.106.2 (`router_strategy/simple_shuffle.py`, `proxy/proxy_server.py`):
simple-shuffle picks a deployment with probability weight / sum(weights) from `litellm_params.weight`
(numbers only); `router_settings` keys must be `Router.__init__` arguments (others are dropped with a
warning); `model_info.id` names the deployment. Unknown top-level keys are not part of the documented
config (the proxy ignores them silently), so provenance goes in a leading YAML comment instead.
"""

from __future__ import annotations

import math
from typing import Any

from evals.errors import DomainError
from evals.files import dump_yaml
from routing.config import Config
from routing.policy import Policy, TierPolicy

WEIGHT_TOTAL = 1000  # integer weights per tier sum to this: 0.1% resolution for gray shares
OPENROUTER_KEY = "os.environ/OPENROUTER_API_KEY"


def fallback_group(tier: str, index: int) -> str:
    """Model group name of a tier's index-th (1-based) fallback."""
    return f"{tier}-fallback-{index}"


def _litellm_params(model: str, config: Config, weight: int) -> dict[str, Any]:
    """Deployment params: the LiteLLM model string plus where its key or endpoint comes from.

    An override's `api_base` (e.g. a local OpenAI-compatible server) wins; OpenRouter models read
    OPENROUTER_API_KEY; any other provider reads its own standard variable, as LiteLLM does by default.
    """
    litellm_model = config.litellm_model(model)
    params: dict[str, Any] = {"model": litellm_model}
    override = config.models.get(model)
    if override and override.api_base:
        params["api_base"] = override.api_base
    elif litellm_model.startswith("openrouter/"):
        params["api_key"] = OPENROUTER_KEY
    params["weight"] = weight
    return params


def _deployment(group: str, role: str, model: str, config: Config, weight: int) -> dict[str, Any]:
    return {
        "model_name": group,
        "litellm_params": _litellm_params(model, config, weight),
        # The id comes back as response._hidden_params["model_id"] (and the x-litellm-model-id header).
        "model_info": {"id": f"{group}:{role}:{model}"},
    }


def _weights(shares: list[tuple[str, str, float]]) -> list[tuple[str, str, int]]:
    """Integer weights summing to WEIGHT_TOTAL; the first entry (the primary) absorbs rounding.

    Every other entry keeps at least weight 1 so a tiny share never silently becomes 0.
    """
    rest = [(role, model, max(1, round(share * WEIGHT_TOTAL))) for role, model, share in shares[1:]]
    first_role, first_model, _ = shares[0]
    first = WEIGHT_TOTAL - sum(w for _, _, w in rest)
    if first < 1:
        raise DomainError(f"shares leave no traffic for {first_model}")
    return [(first_role, first_model, first), *rest]


def _tier_shares(
    tier: str, policy_tier: TierPolicy, share: float | None, previous: Policy | None
) -> list[tuple[str, str, float]]:
    """(role, model, share) per deployment of the tier's group; the primary's share is the remainder."""
    gray = [("gray", g.model, g.share) for g in policy_tier.gray]
    if share is None:
        return [("primary", policy_tier.primary, 1.0), *gray]
    if not 0 < share <= 1:
        raise DomainError(f"stage share for tier {tier!r} must be in (0, 1], got {share}")
    before = previous.tiers.get(tier) if previous else None
    if before is None or before.primary == policy_tier.primary:
        raise DomainError(
            f"stage share given for tier {tier!r}, but the previous policy has no other "
            "primary for it to share traffic with"
        )
    gray = [g for g in gray if g[1] != before.primary]
    gray_total = sum(g[2] for g in gray)
    new_share = min(share, 1 - gray_total)
    incumbent_share = 1 - gray_total - new_share
    if incumbent_share * WEIGHT_TOTAL < 0.5:
        return [("primary", policy_tier.primary, new_share), *gray]
    # The incumbent absorbs the rounding, so the new primary's stage share is exact.
    return [
        ("incumbent", before.primary, incumbent_share),
        ("primary", policy_tier.primary, new_share),
        *gray,
    ]


def litellm_config(
    policy: Policy,
    config: Config,
    stage_share: dict[str, float] | None = None,
    previous: Policy | None = None,
) -> dict[str, Any]:
    """The proxy config dict: `model_list` and `router_settings` (load with `Router(model_list, **rs)`).

    With `stage_share` {tier: s}, that tier's new primary gets share s, its gray models keep theirs,
    and `previous`'s primary (the incumbent) takes the rest: one stage of the rollout plan.
    """
    stage_share = stage_share or {}
    unknown = sorted(set(stage_share) - set(policy.tiers))
    if unknown:
        raise DomainError(
            f"stage share for unknown tier(s) {', '.join(unknown)}; valid: {', '.join(policy.tiers)}"
        )
    model_list: list[dict[str, Any]] = []
    fallbacks: list[dict[str, list[str]]] = []
    for tier, tier_policy in policy.tiers.items():
        shares = _tier_shares(tier, tier_policy, stage_share.get(tier), previous)
        model_list.extend(
            _deployment(tier, role, model, config, weight) for role, model, weight in _weights(shares)
        )
        groups = []
        for i, model in enumerate(tier_policy.fallbacks, start=1):
            group = fallback_group(tier, i)
            model_list.append(_deployment(group, "fallback", model, config, WEIGHT_TOTAL))
            groups.append(group)
        if groups:
            fallbacks.append({tier: groups})
    return {
        "model_list": model_list,
        "router_settings": {"routing_strategy": "simple-shuffle", "fallbacks": fallbacks, "num_retries": 0},
    }


def group_shares(exported: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per model group, each deployment id's traffic share as the router will realise it."""
    weights: dict[str, dict[str, int]] = {}
    for d in exported["model_list"]:
        weights.setdefault(d["model_name"], {})[d["model_info"]["id"]] = d["litellm_params"]["weight"]
    return {
        group: {dep: w / math.fsum(ws.values()) for dep, w in ws.items()} for group, ws in weights.items()
    }


def dump_litellm_config(exported: dict[str, Any], header: list[str] | None = None) -> str:
    """YAML text of an exported config with provenance as leading comments (LiteLLM ignores them)."""
    comment = "".join(f"# {line}\n" for line in header or [])
    return comment + dump_yaml(exported)
