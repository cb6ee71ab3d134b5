"""A routing policy as a LiteLLM proxy config.yaml that is safe as written.

Checked against LiteLLM 1.106.2 (`router.py`, `router_utils/cooldown_handlers.py`,
`router_utils/fallback_event_handlers.py`, `proxy/proxy_server.py`) and run in the real proxy
(tests/routing/render/test_proxy_integration.py):

* simple-shuffle picks a deployment with probability weight / sum(weights) (`litellm_params.weight`).
* Safety against a failing primary: the tier group's deployments are NOT replicas of one model but
  different models with planned shares. The router's default cooldown treats them as replicas: a failing
  primary is cooled down and the rest of the group (a 5% gray model) takes ~96% of the tier. So every
  tier-group deployment carries `model_info.cooldown_time: 0`, which the router reads per deployment and
  which skips its cooldown entirely: the shares hold during an outage, and a request whose pick failed
  goes down the fallback list instead (`enable_weighted_failover` stays off for the same reason: it
  would re-pick inside the group, i.e. send the primary's share to gray).
* Nested groups for the fallback order: the tier's first fallback is `<tier>-anchor`, a group holding
  only the vetted model (the primary; during a ramp the incumbent), then `<tier>-fallback-N`. A failing
  gray model or new primary is therefore served by the vetted model, never by another candidate.
* Single-deployment groups (anchor, fallbacks) are never cooled down by the router's defaults, so a dead
  fallback costs a failed call on every request. Their `model_info.allowed_fails_policy` names the
  server-side error types explicitly, which the SDK router honours for single-deployment groups (after
  FALLBACK_ALLOWED_FAILS failures in a minute the group is skipped for FALLBACK_COOLDOWN_S seconds).
  Measured in the 1.106.2 proxy, it does not take effect: a failing primary costs at most two calls per
  request there (its tier pick, then the anchor) before the next fallback answers.
* `general_settings.master_key` is a reference to LITELLM_MASTER_KEY (the proxy resolves
  `os.environ/NAME`), so the file carries no secret and the proxy refuses to start while it is unset.
* Prices go in `model_info` as USD per token (`input_cost_per_token`, `output_cost_per_token`), which the
  router registers per deployment id: spend logs then carry a real cost instead of "$0".
* `model_info.id` is `<group>:<role>:<model>`; the proxy writes it to the spend logs' `model_id`, which
  is how `routing rollout check` finds a deployment's traffic (`parse_deployment_id`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from evals.errors import DomainError
from evals.files import dump_yaml
from routing.config import Config
from routing.policy import Policy, TierPolicy
from routing.usage.ids import anchor_group, deployment_id, fallback_group, parse_deployment_id, tier_of_group

WEIGHT_TOTAL = 1000  # integer weights per tier sum to this: 0.1% resolution for gray shares
OPENROUTER_KEY = "os.environ/OPENROUTER_API_KEY"
MASTER_KEY_ENV = "LITELLM_MASTER_KEY"
MASTER_KEY_REF = f"os.environ/{MASTER_KEY_ENV}"
FALLBACK_ALLOWED_FAILS = 3  # server-side failures per minute before a single-deployment group is skipped
FALLBACK_COOLDOWN_S = 30
# The error types (LiteLLM `AllowedFailsPolicy` fields) that say "this deployment is down", not "bad request".
SERVER_FAILURES = (
    "InternalServerErrorAllowedFails",
    "ServiceUnavailableErrorAllowedFails",
    "BadGatewayErrorAllowedFails",
    "TimeoutErrorAllowedFails",
    "RateLimitErrorAllowedFails",
)

Prices = Mapping[str, tuple[float, float]]  # slug -> (input, output) USD per Mtok
__all__ = ["anchor_group", "fallback_group", "litellm_config", "parse_deployment_id", "tier_of_group"]


def _litellm_params(model: str, config: Config, weight: int | None) -> dict[str, Any]:
    """Deployment params: the LiteLLM model string plus where its key or endpoint comes from.

    An override's `api_base` (e.g. a local OpenAI-compatible server) wins; OpenRouter models read
    OPENROUTER_API_KEY; any other provider reads its own standard variable, as LiteLLM does by default.
    """
    litellm_model = config.litellm_model(model)
    params: dict[str, Any] = {"model": litellm_model}
    override = config.models.get(model)
    if override and override.api_base:
        params["api_base"] = override.api_base
        if override.api_key_env:
            params["api_key"] = f"os.environ/{override.api_key_env}"
    elif litellm_model.startswith("openrouter/"):
        params["api_key"] = OPENROUTER_KEY
    if weight is not None:
        params["weight"] = weight
    return params


def _model_info(group: str, role: str, model: str, prices: Prices, tier_group: bool) -> dict[str, Any]:
    info: dict[str, Any] = {"id": deployment_id(group, role, model)}
    if model in prices:
        prompt, completion = prices[model]
        info["input_cost_per_token"] = prompt / 1e6
        info["output_cost_per_token"] = completion / 1e6
    if tier_group:
        info["cooldown_time"] = 0  # never cooled down: its share must not move to the group's other models
    else:
        info["cooldown_time"] = FALLBACK_COOLDOWN_S
        info["allowed_fails_policy"] = dict.fromkeys(SERVER_FAILURES, FALLBACK_ALLOWED_FAILS)
    return info


def _deployment(
    group: str, role: str, model: str, config: Config, prices: Prices, weight: int | None
) -> dict[str, Any]:
    return {
        "model_name": group,
        "litellm_params": _litellm_params(model, config, weight),
        "model_info": _model_info(group, role, model, prices, tier_group=weight is not None),
    }


def _weights(shares: list[tuple[str, str, float]]) -> list[tuple[str, str, int]]:
    """Integer weights summing to WEIGHT_TOTAL; the first entry (the vetted model) absorbs rounding.

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
    """(role, model, share) per deployment of the tier's group, the vetted model first.

    The vetted model is the primary, or during a ramp the incumbent while it still has traffic.
    """
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


def _tier_deployments(
    tier: str, shares: list[tuple[str, str, float]], fallbacks: list[str], config: Config, prices: Prices
) -> tuple[list[dict[str, Any]], list[str]]:
    """The tier group, its anchor (when the group has more than one model) and its fallback groups."""
    weighted = _weights(shares)
    deployments = [_deployment(tier, role, model, config, prices, w) for role, model, w in weighted]
    vetted = weighted[0][1]
    groups: list[str] = []
    if len(weighted) > 1:
        deployments.append(_deployment(anchor_group(tier), "anchor", vetted, config, prices, None))
        groups.append(anchor_group(tier))
    index = 0
    for model in fallbacks:
        if model == vetted:  # already the anchor: a second try of the same model adds nothing
            continue
        index += 1
        group = fallback_group(tier, index)
        deployments.append(_deployment(group, "fallback", model, config, prices, None))
        groups.append(group)
    return deployments, groups


def litellm_config(
    policy: Policy,
    config: Config,
    stage_share: dict[str, float] | None = None,
    previous: Policy | None = None,
    prices: Prices | None = None,
) -> dict[str, Any]:
    """The proxy config dict: `model_list`, `router_settings` and `general_settings`.

    With `stage_share` {tier: s}, that tier's new primary gets share s, its gray models keep theirs,
    and `previous`'s primary (the incumbent) takes the rest: one stage of the rollout plan.
    `prices` (slug -> USD per Mtok in, out) become per-deployment prices; unknown models stay unpriced.
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
        deployments, groups = _tier_deployments(tier, shares, tier_policy.fallbacks, config, prices or {})
        model_list.extend(deployments)
        if groups:
            fallbacks.append({tier: groups})
    return {
        "model_list": model_list,
        "router_settings": {
            "routing_strategy": "simple-shuffle",
            "fallbacks": fallbacks,
            "num_retries": 0,
            "enable_weighted_failover": False,
        },
        "general_settings": {"master_key": MASTER_KEY_REF},
    }


def group_shares(exported: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per weighted model group, each deployment id's traffic share as the router will realise it."""
    weights: dict[str, dict[str, int]] = {}
    for d in exported["model_list"]:
        weight = d["litellm_params"].get("weight")
        if weight is not None:
            weights.setdefault(d["model_name"], {})[d["model_info"]["id"]] = weight
    return {
        group: {dep: w / math.fsum(ws.values()) for dep, w in ws.items()} for group, ws in weights.items()
    }


def share_lines(exported: dict[str, Any]) -> list[str]:
    """One line per tier: the shares as configured, so a header never claims what the weights don't do."""
    lines = []
    for group, shares in group_shares(exported).items():
        parts = []
        for dep, share in shares.items():
            parsed = parse_deployment_id(dep)
            label = f"{parsed[2]} ({parsed[1]})" if parsed else dep
            parts.append(f"{share:.1%} {label}")
        lines.append(f"{group}: {', '.join(parts)}")
    return lines


def unpriced_models(exported: dict[str, Any]) -> list[str]:
    """Models with no price in the config: the proxy cannot cost their calls unless the provider does."""
    seen = {}
    for d in exported["model_list"]:
        parsed = parse_deployment_id(d["model_info"]["id"])
        if "input_cost_per_token" not in d["model_info"] and parsed:
            seen.setdefault(parsed[2], None)
    return list(seen)


def dump_litellm_config(exported: dict[str, Any], header: list[str] | None = None) -> str:
    """YAML text with provenance, the realised shares and unpriced models as leading comments."""
    lines = [*(header or []), "traffic shares as configured (weights):"]
    lines += [f"  {line}" for line in share_lines(exported)]
    missing = unpriced_models(exported)
    if missing:
        lines.append(f"no known price (cost left to the provider or unknown): {', '.join(missing)}")
    lines.append(f"the proxy needs {MASTER_KEY_ENV} set; it refuses to start without it")
    comment = "".join(f"# {line}\n" for line in lines)
    return comment + dump_yaml(exported)
