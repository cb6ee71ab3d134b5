"""Records shared by tasks, checks, providers, runner and store."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

RESULT_VERSION = 2  # 2: cost_source and attempts (version-1 rows read with their defaults)
TIERS = ("coding", "agent", "long_context", "chat", "extraction")

ProviderKind = Literal["real", "replay", "sim", "recorded"]
Mode = Literal["simulate", "replay", "results", "real"]  # how the user asked for evidence (CLI flags)
MODE_KIND: dict[str, ProviderKind] = {  # the one place a mode becomes the provider kind its rows carry
    "simulate": "sim",
    "replay": "replay",
    "results": "recorded",
    "real": "real",
}

# Where an attempt's cost_usd came from, best first. `not_billed`: the call got no answer (refused
# connection, an HTTP error status), so nothing was charged. A null cost_source means unknown.
COST_SOURCES = ("provider", "litellm", "price", "recorded", "simulated", "not_billed")

# Tool-call failure taxonomy (DESIGN.md). `None` means the attempt did not fail on a tool call.
TOOL_FAILURES = (
    "no_call",
    "unexpected_call",
    "wrong_function",
    "hallucinated_function",
    "malformed_arguments",
    "arguments_not_object",
    "missing_required",
    "unexpected_argument",
    "wrong_type",
    "wrong_value",
    "wrong_call_count",
    "truncated",
    "provider_rejected",
)


@dataclass(frozen=True)
class ToolCall:
    """One tool call as the model sent it: `arguments` is the raw string, possibly malformed JSON."""

    name: str
    arguments: str


@dataclass
class Response:
    """What a provider returns for one attempt: data, never an exception."""

    content: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None
    cost_source: str | None = None  # one of COST_SOURCES; None with cost_usd None: unknown
    latency_ms: float | None = None
    ttft_ms: float | None = None
    error_type: str | None = None  # set when the call failed (status=error)
    error: str | None = None  # short, secret-free message
    retryable: bool = False  # transient failure: the runner may try again
    retry_after_s: float | None = None  # server-requested wait (429 retry-after)

    @property
    def ok(self) -> bool:
        return self.error_type is None

    def to_json(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "tool_calls": [{"name": c.name, "arguments": c.arguments} for c in self.tool_calls],
            "finish_reason": self.finish_reason,
        }


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check on one response. `failure` is a taxonomy code or a short check code."""

    passed: bool
    score: float
    reason: str
    failure: str | None = None


class Reference(BaseModel):
    """An answer that must pass the task's own checks (proves the task is solvable)."""

    model_config = ConfigDict(extra="forbid")
    content: str | None = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)  # {name, arguments: dict | str}

    def as_response(self) -> Response:
        calls = []
        for call in self.tool_calls:
            args = call.get("arguments", {})
            raw = args if isinstance(args, str) else json.dumps(args, sort_keys=True)
            calls.append(ToolCall(name=str(call.get("name", "")), arguments=raw))
        return Response(
            content=self.content,
            tool_calls=calls,
            finish_reason="tool_calls" if calls else "stop",
        )


class Task(BaseModel):
    """A golden task as written in golden_tasks/<tier>/*.yaml."""

    model_config = ConfigDict(extra="forbid")
    id: str
    tier: str
    description: str | None = None
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None = None
    tool_choice: Any = None
    params: dict[str, Any] = Field(default_factory=dict)
    checks: list[dict[str, Any]]
    agent: dict[str, Any] | None = None
    reference: Reference
    source: str | None = None  # file the task was loaded from (not part of the hash)
    _compiled: Any = PrivateAttr(default=None)  # evals.checks.registry.compiled() keeps built checks here

    def content_hash(self) -> str:
        """Stable hash of what is sent to the model and how it is graded."""
        payload = self.model_dump(exclude={"source", "description"}, mode="json")
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


class Result(BaseModel):
    """One attempt: the row shared by the SQLite store and the JSONL export."""

    model_config = ConfigDict(extra="ignore")
    version: int = RESULT_VERSION
    run_id: str | None = None
    task_id: str
    task_hash: str | None = None
    tier: str
    model: str
    repeat: int = 0
    provider_kind: ProviderKind | None = None
    status: Literal["ok", "error"] = "ok"
    error_type: str | None = None
    passed: bool | None = None
    failure: str | None = None
    check_details: list[dict[str, Any]] | None = None
    # a measured quantity is never below zero nor NaN: a file saying so is refused, naming the field
    latency_ms: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    ttft_ms: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    prompt_tokens: int | None = Field(default=None, ge=0)
    completion_tokens: int | None = Field(default=None, ge=0)
    # every attempt of the cell, retries included; null if any is unknown
    cost_usd: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    cost_source: str | None = None  # see COST_SOURCES; "+"-joined when attempts differ
    attempts: int = 1  # calls made for this cell (retries and resumed passes included)
    response: dict[str, Any] | None = None


def cache_key(model: str, task_hash: str, params: dict[str, Any], repeat: int) -> str:
    """Key of one cell: the same model, task content, params and repeat is never paid for twice."""
    blob = json.dumps([model, task_hash, params, repeat], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Price:
    """USD per million tokens, and whether the team wrote it (`config`) or the catalog did."""

    input_per_mtok: float
    output_per_mtok: float
    origin: Literal["config", "catalog"] = "catalog"

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input_per_mtok + completion_tokens * self.output_per_mtok) / 1e6


@dataclass(frozen=True)
class Endpoint:
    """How to reach one model: all the real provider needs to know of the caller's configuration."""

    litellm_model: str
    api_base: str | None = None
    api_key_env: str | None = None  # the name of the variable holding the key, never the key
    timeout_s: float = 120.0
    price: Price | None = None  # applied to the real token counts when no better cost source exists
    stream: bool = False  # stream the answer to record the time to its first token

    @property
    def group(self) -> str:
        """Calls sharing a server share its rate limits: the api_base, else the gateway prefix."""
        return self.api_base or self.litellm_model.split("/", 1)[0]

    def missing_key(self) -> str | None:
        """The variable a call would certainly fail without, or None when nothing is missing."""
        if self.api_key_env:
            return None if os.environ.get(self.api_key_env) else self.api_key_env
        if self.api_base:
            return None  # a local or self-hosted server may need no key
        if self.litellm_model.startswith("openrouter/") and not os.environ.get("OPENROUTER_API_KEY"):
            return "OPENROUTER_API_KEY"
        return None


@dataclass(frozen=True)
class Evidence:
    """Where a decision's numbers come from, decided once and read by every output.

    `kinds` are the provider kinds of the rows behind it; any simulated row makes the whole
    recommendation simulated, so no output has to work that out again.
    """

    kinds: tuple[str, ...]
    run_id: str | None = None
    source: str | None = None  # the replay or results file, when there is one
    n_results: int = 0
    n_tasks: int = 0

    @property
    def simulated(self) -> bool:
        return "sim" in self.kinds

    @property
    def recorded(self) -> bool:
        return self.kinds == ("recorded",)

    @property
    def kind(self) -> str:
        """One label: `sim` if any row is simulated, else the single kind, else the kinds joined by +."""
        if self.simulated:
            return "sim"
        return "+".join(self.kinds) if self.kinds else "none"

    @classmethod
    def of(cls, results: list[Result], run_id: str | None, source: str | None = None) -> Evidence:
        kinds = tuple(sorted({r.provider_kind or "recorded" for r in results}))
        if run_id is None:
            run_ids = sorted({r.run_id for r in results if r.run_id})
            run_id = run_ids[0] if len(run_ids) == 1 else None
        return cls(kinds, run_id, source, len(results), len({r.task_id for r in results}))
