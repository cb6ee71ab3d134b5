"""What a run will do, decided before its first call: cells, run id, digest and cost estimates.

The plan is stored with the run (tasks included), so `--resume RUN_ID` replays exactly it: the same
mode, models, tiers, tasks and repeats, whatever the command line or the task files say today.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from evals.providers.base import estimate_tokens
from evals.records import Task, cache_key
from evals.text import plural

Prices = dict[str, tuple[float, float]]  # model -> (input, output) USD per Mtok
DEFAULT_MAX_OUTPUT_TOKENS = 4096  # assumed when a task sets no max_tokens (the estimate must not be low)
PROMPT_MARGIN = 1.25  # characters/4 undercounts code and non-English text


@dataclass(frozen=True)
class Cell:
    task: Task
    model: str
    repeat: int

    @cached_property  # hashing the task's content is the runner's busiest line of its own
    def key(self) -> str:
        return cache_key(self.model, self.task.content_hash(), self.task.params, self.repeat)


@dataclass
class Plan:
    """Mode, (task, model) pairs and repeats; `source` is the replay file, `fingerprint` the provider's."""

    mode: str
    pairs: list[tuple[Task, str]]
    repeats: int
    source: str | None = None
    fingerprint: str = ""
    cells: list[Cell] = field(init=False)

    def __post_init__(self) -> None:
        self.cells = plan_cells(self.pairs, self.repeats)

    @property
    def tiers(self) -> list[str]:
        return list(dict.fromkeys(t.tier for t, _ in self.pairs))

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(m for _, m in self.pairs))

    @property
    def tasks(self) -> list[Task]:
        return list({t.content_hash(): t for t, _ in self.pairs}.values())

    def digest(self) -> str:
        """Same digest, same plan: an interrupted run with it is resumed instead of paid for twice."""
        blob = json.dumps(
            [self.mode, sorted((t.content_hash(), m) for t, m in self.pairs), self.repeats, self.source],
            separators=(",", ":"),
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def describe(self) -> str:
        """`sim: 2 models x 4 tasks x 3 repeats = 24 cells; ...`; when models run only their tiers'
        tasks, the (model, task) pairs are counted instead: `337 model-task pairs (6 models, 60 tasks)`."""
        n_models, n_tasks = len(self.models), len({t.id for t, _ in self.pairs})
        models, tasks = plural(n_models, "model"), plural(n_tasks, "task")
        grid = f"{models} x {tasks}"
        if len(self.pairs) != n_models * n_tasks:
            grid = f"{plural(len(self.pairs), 'model-task pair')} ({models}, {tasks})"
        return (
            f"{self.mode}: {grid} x {plural(self.repeats, 'repeat')} = {plural(len(self.cells), 'cell')}"
            f"; tiers {', '.join(self.tiers)}; models {', '.join(self.models)}"
        )

    def to_meta(self) -> dict[str, Any]:
        """The stored form (tasks by hash; their content is stored once beside it)."""
        return {
            "mode": self.mode,
            "repeats": self.repeats,
            "source": self.source,
            "fingerprint": self.fingerprint,
            "digest": self.digest(),
            "pairs": [[t.content_hash(), m] for t, m in self.pairs],
            "cells": len(self.cells),
        }

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any], tasks: Mapping[str, Task]) -> Plan:
        pairs = [(tasks[h], m) for h, m in meta["pairs"]]
        return cls(meta["mode"], pairs, int(meta["repeats"]), meta.get("source"), meta.get("fingerprint", ""))


def plan_cells(pairs: Sequence[tuple[Task, str]], repeats: int) -> list[Cell]:
    """Every (task, model) pair times `repeats`, in a stable order."""
    return [Cell(task, model, r) for task, model in pairs for r in range(repeats)]


def pairs_for(
    tasks_by_tier: Mapping[str, Sequence[Task]], models_by_tier: Mapping[str, Sequence[str]]
) -> list[tuple[Task, str]]:
    """Every task of a tier paired with every candidate of that tier."""
    return [
        (t, m) for tier, tasks in tasks_by_tier.items() for m in models_by_tier.get(tier, ()) for t in tasks
    ]


def run_id_for(mode: str, pairs: Sequence[tuple[Task, str]], repeats: int, fingerprint: str) -> str:
    """Simulated and replayed runs get a content-derived id (same inputs, same run, same bytes);
    real runs get a fresh id, because a rerun of real models is new evidence."""
    if mode == "real":
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return f"r-{stamp}-{secrets.token_hex(3)}"
    blob = json.dumps(
        [sorted((t.id, t.content_hash(), m) for t, m in pairs), repeats, fingerprint], separators=(",", ":")
    )
    prefix = "sim" if mode == "simulate" else "replay"
    return f"{prefix}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def estimate_cell_usd(prices: Prices) -> Callable[[Cell], float | None]:
    """Upper bound of one attempt: the prompt with a margin plus max_tokens (or 4096) of output.
    None when the model has no price: the budget guard cannot bound it."""

    def estimate(cell: Cell) -> float | None:
        price = prices.get(cell.model)
        if price is None:
            return None
        prompt = math.ceil(estimate_tokens([cell.task.messages, cell.task.tools]) * PROMPT_MARGIN)
        completion = int(cell.task.params.get("max_tokens") or DEFAULT_MAX_OUTPUT_TOKENS)
        return (prompt * price[0] + completion * price[1]) / 1e6

    return estimate


def unpriced_models(plan: Plan, prices: Prices) -> list[str]:
    return [m for m in plan.models if m not in prices]
