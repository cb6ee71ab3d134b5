"""Own-traffic records: the normalized table's columns and the per-week figures computed from it.

Every importer turns its source into rows with NORMALIZED columns (one row per request for spend logs,
one per model and day for OpenRouter activity, with `requests` saying how many), so aggregation never
needs to know where a number came from. Unknown stays unknown: a missing cost or latency is NaN in the
table and None in the records, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

NORMALIZED = (
    "source",  # litellm_spend_logs | openrouter_activity
    "request_id",  # spend logs: the request; activity: date|model|endpoint
    "ts",  # UTC timestamp (activity: the day)
    "tier",  # from the deployment id or model group; None when the source does not say
    "group",  # LiteLLM model group (None for activity)
    "deployment_id",  # LiteLLM model_info.id (None for activity)
    "model",  # catalog slug
    "requests",
    "failures",
    "spend_usd",
    "prompt_tokens",
    "completion_tokens",
    "duration_ms",
)


@dataclass(frozen=True)
class ModelWeek:
    """One model's own traffic in one week (and tier; tier None = the source gave none)."""

    week: str  # ISO date of the week's Monday, as rankings snapshots use
    tier: str | None
    model: str
    requests: int
    failures: int | None  # None: the source does not count failures (OpenRouter activity)
    tokens: int
    spend_usd: float | None
    latency_p95_s: float | None


@dataclass(frozen=True)
class Share:
    """A model's token and spend shares within one week and tier (or all tiers)."""

    model: str
    tokens: int
    spend_usd: float | None
    token_share: float
    spend_share: float | None


@dataclass(frozen=True)
class Concentration:
    """Token share vs spend share of one week and scope, with Herfindahl concentration indexes."""

    week: str
    scope: str  # a tier name, or "all tiers"
    shares: tuple[Share, ...]
    token_hhi: float
    spend_hhi: float | None
    overweight: tuple[str, ...]  # models whose spend share exceeds their token share, worst first
    flagged: bool  # spend notably more concentrated than tokens


@dataclass(frozen=True)
class Momentum:
    """Week-over-week token change of one model in own traffic and on the public board."""

    model: str
    internal_wow: float | None  # None: not in own traffic both weeks
    public_wow: float | None  # None: not on the board both weeks


@dataclass(frozen=True)
class BoardGap:
    """Own traffic vs the public board for one week."""

    week: str
    board_week: str | None  # the snapshot compared with (None: no snapshot for that week)
    momentum: tuple[Momentum, ...]
    only_in_traffic: tuple[str, ...]
    only_on_board: tuple[str, ...]


@dataclass(frozen=True)
class UsageSummary:
    weeks: tuple[ModelWeek, ...]
    concentration: tuple[Concentration, ...]
    gaps: tuple[BoardGap, ...]
    sources: tuple[str, ...]
