"""routing.yaml: the team's tiers, gates, candidate rules, eval settings and budget.

Every relative path in the file is resolved against the file's own folder, so a run in a temp
folder with its own config, tasks and policy is possible.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from evals.errors import InputError, OptionError, unknown_value, validated
from evals.files import load_yaml
from evals.records import Endpoint

Objective = Literal["cost_per_success", "success", "latency"]
DEFAULT_CONFIG = "routing.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Gates(_Strict):
    """Hard limits a model must meet on a tier before the objective is even looked at."""

    min_success: float = Field(0.8, ge=0, le=1)
    max_tool_failure: float | None = Field(None, ge=0, le=1)
    max_p95_latency_s: float | None = Field(None, gt=0)
    max_cost_per_success_usd: float | None = Field(None, ge=0)


class Requires(_Strict):
    tools: bool = False
    min_context: int = Field(0, ge=0)
    structured_outputs: bool = False  # the catalog must list `structured_outputs` (JSON-schema output)


class SwitchMargin(_Strict):
    """How much better a challenger must be than a proven incumbent to replace it (hysteresis, so
    noise does not flip the choice week to week): relative for cost and latency, points for success."""

    cost_per_success: float = Field(0.10, ge=0, lt=1)
    success: float = Field(0.05, ge=0, le=1)
    latency: float = Field(0.15, ge=0, lt=1)


class TierConfig(_Strict):
    tasks: str
    objective: Objective = "cost_per_success"
    gates: Gates = Field(default_factory=Gates)
    requires: Requires = Field(default_factory=Requires)
    risk: float = Field(0.10, gt=0, lt=0.5)  # accepted chance that a chosen model violates a gate
    switch_margin: SwitchMargin = Field(default_factory=SwitchMargin)


class CandidateRules(_Strict):
    top_movers: int = Field(4, ge=0)
    fast_climber_wow: float = 0.20
    alternates: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class Price(_Strict):
    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)


class ModelOverride(_Strict):
    litellm_model: str | None = None
    api_base: str | None = None
    api_key_env: str | None = None  # name of the environment variable holding the key, never the key
    price: Price | None = None


class EvalSettings(_Strict):
    repeats: int = Field(3, ge=1, le=100)
    concurrency: int = Field(16, ge=1, le=512)
    provider_concurrency: int | None = Field(None, ge=1, le=512)  # per api_base or gateway
    timeout_s: float = Field(120, gt=0)
    max_attempts: int = Field(4, ge=1, le=20)
    budget_usd: float = Field(25, ge=0, allow_inf_nan=False)
    stream: bool = False  # real runs: stream answers to record the time to first token
    seed: int = 0


class RolloutSettings(_Strict):
    stages: list[float] = Field(default_factory=lambda: [0.05, 0.25, 0.5, 1.0])
    detectable_drop: float = Field(0.05, gt=0, lt=1)
    power: float = Field(0.8, gt=0, lt=1)
    alpha: float = Field(0.05, gt=0, lt=1)

    @field_validator("stages")
    @classmethod
    def _increasing(cls, stages: list[float]) -> list[float]:
        if not stages or any(not 0 < s <= 1 for s in stages):
            raise ValueError("stages must be shares in (0, 1]")
        if stages != sorted(stages) or len(set(stages)) != len(stages):
            raise ValueError("stages must be strictly increasing")
        return stages


class Paths(_Strict):
    rankings: str = "reports/rankings"
    policy: str = "policies/current.yaml"
    proposed: str = "policies/proposed.yaml"
    reports: str = "reports"
    store: str = ".routing/results.db"
    usage: str = "reports/usage"  # imported own-traffic tables (`routing usage import`)


class Config(_Strict):
    version: Literal[1]
    gateway: str = "openrouter"
    tiers: dict[str, TierConfig]
    candidates: CandidateRules = Field(default_factory=CandidateRules)
    models: dict[str, ModelOverride] = Field(default_factory=dict)
    eval: EvalSettings = Field(default_factory=EvalSettings)
    rollout: RolloutSettings = Field(default_factory=RolloutSettings)
    paths: Paths = Field(default_factory=Paths)
    base_dir: Path = Field(default=Path("."), exclude=True)
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("tiers")
    @classmethod
    def _non_empty(cls, tiers: dict[str, TierConfig]) -> dict[str, TierConfig]:
        if not tiers:
            raise ValueError("at least one tier is required")
        return tiers

    def resolve(self, path: str | Path) -> Path:
        """A path from the config (or the command line) made absolute against the config's folder."""
        p = Path(path)
        return p if p.is_absolute() else (self.base_dir / p)

    def select_tiers(self, names: str | None) -> list[str]:
        """Parse a `--tiers a,b` value against the configured tiers (None means all); an unknown one is
        a usage error naming the option and the tiers there are."""
        if not names:
            return list(self.tiers)
        chosen = [n.strip() for n in names.split(",") if n.strip()]
        for name in chosen:
            if name not in self.tiers:
                raise OptionError("--tiers", unknown_value("tier", name, list(self.tiers)))
        return chosen

    def litellm_model(self, model: str) -> str:
        """The LiteLLM model string for a catalog slug (override, else `<gateway>/<slug>`)."""
        override = self.models.get(model)
        if override and override.litellm_model:
            return override.litellm_model
        return f"{self.gateway}/{model}"

    def endpoints(self, models: Iterable[str]) -> dict[str, Endpoint]:
        """How the real provider reaches each model: the only part of the config it receives."""
        out = {}
        for model in models:
            override = self.models.get(model)
            out[model] = Endpoint(
                litellm_model=self.litellm_model(model),
                api_base=override.api_base if override else None,
                api_key_env=override.api_key_env if override else None,
                timeout_s=self.eval.timeout_s,
                stream=self.eval.stream,
            )
        return out


def load_config(path: str | Path = DEFAULT_CONFIG) -> Config:
    """Load and validate routing.yaml; errors name the file and the field."""
    p = Path(path).resolve()
    raw = load_yaml(p)
    if not isinstance(raw, dict):
        raise InputError(p, None, "expected a mapping at the top level")
    config = validated(Config, raw, p)
    config.base_dir = p.parent
    config.source = p
    return config
