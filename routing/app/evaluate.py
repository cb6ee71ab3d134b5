"""The eval stage shared by `routing eval` and `routing recommend`: provider, cells, run id, run."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from evals.errors import DomainError, InputError
from evals.providers.base import Provider, estimate_tokens
from evals.records import Result, Task
from evals.run.runner import Cell, RunSummary, plan_cells, run_cells
from evals.run.store import ResultStore
from routing.config import Config
from routing.rankings.records import RankingSnapshot

Prices = dict[str, tuple[float, float]]  # slug -> (input, output) USD per Mtok


def price_table(snapshots: Sequence[RankingSnapshot], config: Config) -> Prices:
    """Prices from the rankings snapshots (oldest first, so the latest wins), then config overrides."""
    prices: Prices = {}
    for snapshot in snapshots:
        for row in snapshot.rows:
            if row.prompt_price_per_mtok is not None and row.completion_price_per_mtok is not None:
                prices[row.slug] = (row.prompt_price_per_mtok, row.completion_price_per_mtok)
    for model, override in config.models.items():
        if override.price is not None:
            prices[model] = (override.price.input_per_mtok, override.price.output_per_mtok)
    return prices


def load_snapshots_if_any(config: Config, folder: Path | None = None) -> list[RankingSnapshot]:
    """The rankings snapshots of the config's folder (or `folder`); none is fine for an eval."""
    from routing.rankings.files import load_snapshots

    chosen = config.resolve(folder) if folder else config.resolve(config.paths.rankings)
    return load_snapshots(chosen) if chosen.exists() else []


def check_tasks(
    tasks: Sequence[Task], skip_invalid: bool = False, on_invalid: Callable[[str], None] | None = None
) -> list[Task]:
    """The tasks that can be graded. Invalid ones are refused, each named (file, id, field),
    unless `skip_invalid`: then each problem goes to `on_invalid` and the rest run."""
    from evals.tasks.validate import problems_by_task

    invalid = problems_by_task(tasks)
    lines = [line for found in invalid.values() for line in found]
    if lines and not skip_invalid:
        raise InputError(
            None, None, f"{len(invalid)} invalid task(s) (or pass --skip-invalid):\n" + "\n".join(lines)
        )
    for line in lines:
        if on_invalid:
            on_invalid(line)
    return [t for t in tasks if t.id not in invalid]


def load_tier_tasks(
    config: Config,
    tiers: Sequence[str],
    skip_invalid: bool = False,
    on_invalid: Callable[[str], None] | None = None,
) -> dict[str, list[Task]]:
    """Each tier's golden tasks from its configured folder, validated."""
    from evals.tasks.load import load_tasks

    tasks: dict[str, list[Task]] = {}
    for name in tiers:
        folder = config.resolve(config.tiers[name].tasks)
        if not folder.exists():
            raise InputError(config.source, f"tiers.{name}.tasks", f"folder not found: {folder}")
        found = load_tasks(folder, tier=name)
        if not found:
            raise InputError(config.source, f"tiers.{name}.tasks", f"no golden tasks in {folder}")
        tasks[name] = found
    valid = {
        t.id for t in check_tasks([t for group in tasks.values() for t in group], skip_invalid, on_invalid)
    }
    return {tier: [t for t in group if t.id in valid] for tier, group in tasks.items()}


def estimate_cell_usd(prices: Prices) -> Callable[[Cell], float | None]:
    """Upper-bound cost of one attempt: full prompt plus max_tokens of output (used by the budget guard)."""

    def estimate(cell: Cell) -> float | None:
        price = prices.get(cell.model)
        if price is None:
            return None
        prompt = estimate_tokens([cell.task.messages, cell.task.tools])
        completion = int(cell.task.params.get("max_tokens", 1024))
        return (prompt * price[0] + completion * price[1]) / 1e6

    return estimate


def make_provider(mode: str, config: Config, pairs: Sequence[tuple[Task, str]], prices: Prices) -> Provider:
    """The simulated or real provider, imported lazily: LiteLLM loads only when a run needs it.
    (A replay provider is built where its file is first read, and handed to `execute`.)"""
    if mode == "simulate":
        from evals.providers.sim.provider import SimProvider

        tasks = list({t.id: t for t, _ in pairs}.values())
        return SimProvider(tasks, prices, seed=config.eval.seed)
    from evals.providers.real import LiteLLMProvider

    return LiteLLMProvider(config.endpoints(sorted({m for _, m in pairs})))


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


def execute(
    mode: str,
    config: Config,
    store_path: Path,
    pairs: Sequence[tuple[Task, str]],
    prices: Prices,
    *,
    provider: Provider | None = None,
    budget_usd: float | None = None,
    repeats: int | None = None,
    resume: str | None = None,
    on_result: Callable[[Result], None] | None = None,
    on_start: Callable[[str, int], None] | None = None,
) -> RunSummary:
    """Run (task, model) pairs x repeats through the provider (built from `mode` unless given);
    every result lands in the store."""
    repeats = repeats or config.eval.repeats
    if mode == "real":
        from evals.providers.real import missing_credentials

        missing = missing_credentials(config.endpoints(sorted({m for _, m in pairs})))
        if missing:
            raise DomainError(
                f"no API key for {len(missing)} model(s): {', '.join(missing[:3])}"
                + (" ..." if len(missing) > 3 else "")
                + "; export the key, or run offline with --simulate"
            )
    if provider is None:
        provider = make_provider(mode, config, pairs, prices)
    fingerprint = provider.fingerprint()
    run_id = resume or run_id_for(mode, pairs, repeats, fingerprint)
    cells = plan_cells(pairs, repeats)
    with ResultStore(store_path) as store:
        if resume and store.run_info(resume) is None:
            raise DomainError(f"{store_path}: unknown run id {resume!r} to resume")
        store.start_run(run_id, provider.kind, {"mode": mode, "repeats": repeats, "cells": len(cells)})
        if on_start:
            on_start(run_id, len(cells))
        budget = config.eval.budget_usd if budget_usd is None else budget_usd
        return asyncio.run(
            run_cells(
                provider,
                store,
                run_id,
                cells,
                concurrency=config.eval.concurrency,
                max_attempts=config.eval.max_attempts,
                max_wall_s=config.eval.timeout_s * config.eval.max_attempts,
                budget_usd=budget,
                estimate_usd=estimate_cell_usd(prices),
                on_result=on_result,
            )
        )


def pairs_for(tasks_by_tier: Mapping[str, Sequence[Task]], models_by_tier: Mapping[str, Sequence[str]]):
    """Every task of a tier paired with every candidate of that tier."""
    return [
        (t, m) for tier, tasks in tasks_by_tier.items() for m in models_by_tier.get(tier, ()) for t in tasks
    ]
