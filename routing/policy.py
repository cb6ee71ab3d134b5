"""Routing policy files (policies/*.yaml): load with validation, dump deterministically."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from evals.errors import InputError, validated
from evals.files import atomic_write, dump_yaml, load_yaml


class GrayShare(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Field(min_length=1)
    share: float = Field(gt=0, le=0.5)


class TierPolicy(BaseModel):
    """Who serves one tier: a primary, ordered fallbacks, and small gray (canary) shares."""

    model_config = ConfigDict(extra="forbid")
    primary: str = Field(min_length=1)
    fallbacks: list[str] = Field(default_factory=list)
    gray: list[GrayShare] = Field(default_factory=list)
    gates: dict[str, Any] | None = None
    rationale: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TierPolicy:
        if self.primary in self.fallbacks:
            raise ValueError(f"primary {self.primary!r} is also listed in fallbacks")
        if len(set(self.fallbacks)) != len(self.fallbacks):
            raise ValueError("fallbacks contain a duplicate")
        gray_models = [g.model for g in self.gray]
        if self.primary in gray_models:
            raise ValueError(f"primary {self.primary!r} is also a gray model")
        if len(set(gray_models)) != len(gray_models):
            raise ValueError("gray contains a duplicate model")
        if sum(g.share for g in self.gray) >= 1:
            raise ValueError("gray shares must add up to less than 1")
        return self

    def models(self) -> list[str]:
        return [self.primary, *self.fallbacks, *(g.model for g in self.gray)]


class PolicyMeta(BaseModel):
    model_config = ConfigDict(extra="allow")
    generated_at: str | None = None
    rankings_as_of: str | None = None
    run_id: str | None = None
    simulated: bool = False
    provider_kind: str | None = None

    @field_validator("generated_at", "rankings_as_of", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # YAML turns 2026-11-22 into a date; keep the text form stable.
        return value.isoformat().replace("+00:00", "Z") if hasattr(value, "isoformat") else value


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1]
    meta: PolicyMeta = Field(default_factory=PolicyMeta)
    tiers: dict[str, TierPolicy]

    def models(self) -> list[str]:
        seen: dict[str, None] = {}
        for tier in self.tiers.values():
            for model in tier.models():
                seen.setdefault(model, None)
        return list(seen)


def parse_policy(raw: Any, path: str | Path) -> Policy:
    if not isinstance(raw, dict):
        raise InputError(path, None, "expected a mapping with version, meta and tiers")
    return validated(Policy, raw, path)


def load_policy(path: str | Path) -> Policy:
    """Load a policy file; any problem names the file and the field."""
    return parse_policy(load_yaml(path), path)


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    data = policy.model_dump(mode="json", exclude_none=True)
    for tier in data["tiers"].values():
        if not tier.get("gray"):
            tier.pop("gray", None)
    return data


def dump_policy(policy: Policy) -> str:
    return dump_yaml(policy_to_dict(policy))


def write_policy(policy: Policy, path: str | Path) -> Path:
    return atomic_write(path, dump_policy(policy))
