"""The deployment id scheme shared by the LiteLLM export and the traffic readers.

The export names every deployment `<group>:<role>:<model>` (`model_info.id`); the proxy writes that id
to the spend logs' `model_id`, so a log row says which tier, role and catalog model served it.
"""

from __future__ import annotations

ROLES = ("primary", "incumbent", "gray", "anchor", "fallback")


def fallback_group(tier: str, index: int) -> str:
    """Model group name of a tier's index-th (1-based) fallback."""
    return f"{tier}-fallback-{index}"


def anchor_group(tier: str) -> str:
    """Model group holding only the tier's vetted model: the first fallback of the tier group."""
    return f"{tier}-anchor"


def deployment_id(group: str, role: str, model: str) -> str:
    return f"{group}:{role}:{model}"


def parse_deployment_id(model_id: str) -> tuple[str, str, str] | None:
    """(group, role, model) of an id the export wrote, else None (a deployment someone else configured)."""
    parts = model_id.split(":", 2)
    if len(parts) != 3 or parts[1] not in ROLES or not parts[0] or not parts[2]:
        return None
    return parts[0], parts[1], parts[2]


def tier_of_group(group: str) -> str:
    """The tier a model group serves (`coding-fallback-2` and `coding-anchor` serve `coding`)."""
    if group.endswith("-anchor"):
        return group[: -len("-anchor")]
    head, sep, tail = group.rpartition("-fallback-")
    return head if sep and tail.isdigit() else group
