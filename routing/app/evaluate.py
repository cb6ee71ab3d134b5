"""The eval stage shared by `routing eval` and `routing recommend`: checks, provider, plan, run.

Before the first paid call: credentials, prices (or --allow-unpriced), every output location, the
run's lock; then the plan is stored and told to the observer with the command that resumes it.
"""

from __future__ import annotations

import asyncio
import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from evals.errors import DomainError, InputError, RunFailed
from evals.providers.base import Provider
from evals.records import Price, Task
from evals.run.plan import Plan, Prices, estimate_cell_usd, pairs_for, run_id_for, unpriced_models
from evals.run.runner import RunObserver, RunStart, RunSummary, run_cells
from evals.run.store import ResultStore
from evals.text import some_of
from routing.config import Config
from routing.rankings.records import RankingSnapshot

__all__ = ["EvalRequest", "execute", "load_plan", "pairs_for", "price_table", "run_pairs"]


@dataclass
class EvalRequest:
    """What the user asked of an eval, as given on the command line (None: the config's value)."""

    mode: str = "real"
    source: Path | None = None  # replay file
    tasks_path: str | None = None
    models: str | None = None
    tiers: str | None = None
    repeats: int | None = None
    budget_usd: float | None = None
    resume: str | None = None
    allow_unpriced: bool = False
    skip_invalid: bool = False  # report invalid tasks and run the rest
    command: str = "eval"  # which command resumes it
    outputs: list[Path] = field(default_factory=list)  # files the command writes after the run


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


def real_endpoints(config: Config, models: Sequence[str], prices: Prices) -> dict:
    """Endpoints with the price each model is costed at when its provider reports no cost."""
    from dataclasses import replace

    endpoints = config.endpoints(models)
    for model, endpoint in endpoints.items():
        if model in prices:
            override = config.models.get(model)
            origin = "config" if override and override.price is not None else "catalog"
            endpoints[model] = replace(endpoint, price=Price(*prices[model], origin=origin))
    return endpoints


def with_map_prices(config: Config, models: Sequence[str], prices: Prices) -> Prices:
    """Add LiteLLM's price for models it maps exactly and nothing else prices (real runs only)."""
    from evals.providers.litellm_adapter import map_price

    out = dict(prices)
    for model in models:
        if model not in out and (found := map_price(config.litellm_model(model))) is not None:
            out[model] = found
    return out


def make_provider(mode: str, config: Config, plan: Plan, prices: Prices) -> Provider:
    """The simulated or real provider, imported lazily: LiteLLM loads only when a run needs it.
    (A replay provider is built where its file is first read, and handed to `execute`.)"""
    if mode == "simulate":
        from evals.providers.sim.provider import SimProvider

        return SimProvider(plan.tasks, prices, seed=config.eval.seed)
    if mode == "replay":
        from evals.providers.replay import ReplayProvider

        if not plan.source:
            raise DomainError("a replay run needs its recording (--replay FILE)")
        return ReplayProvider(plan.source)
    from evals.providers.real import LiteLLMProvider

    return LiteLLMProvider(real_endpoints(config, plan.models, prices))


def check_keys(config: Config, plan: Plan) -> None:
    """Keys first, before LiteLLM is even imported (seconds): a missing key is said at once."""
    from evals.providers.real import missing_credentials

    missing = missing_credentials(config.endpoints(plan.models))
    if missing:
        raise DomainError(f"no API key: set {'; '.join(missing)}; or run offline with --simulate")


def check_prices(plan: Plan, prices: Prices, allow_unpriced: bool) -> None:
    """Prices, before anything is written or paid: the budget guard cannot bound an unpriced model."""
    unpriced = unpriced_models(plan, prices)
    if unpriced and not allow_unpriced:
        raise DomainError(
            f"no price for {len(unpriced)} model(s): {some_of(unpriced)}; the budget guard cannot bound"
            " them: add models.<slug>.price in routing.yaml, or pass --allow-unpriced (their calls are"
            " then not counted against the cap)"
        )


def load_plan(store: ResultStore, run_id: str) -> tuple[Plan, dict]:
    """The stored plan of a run, tasks included, exactly as it was planned."""
    info = store.run_info(run_id)
    if info is None:
        raise store.unknown_run(run_id, "--resume")
    meta = info["meta"].get("plan")
    if not meta:
        raise DomainError(f"run {run_id} was stored before runs kept their plan; it cannot be resumed")
    stored = store.task_json(h for h, _ in meta["pairs"])
    tasks = {h: Task.model_validate(json.loads(text)) for h, text in stored.items()}
    return Plan.from_meta(meta, tasks), info["meta"]


def resume_command(request: EvalRequest, config: Config, run_id: str) -> str:
    parts = ["routing", request.command, "--resume", run_id]
    if config.source is not None:
        parts += ["--config", str(config.source)]
    return shlex.join(parts)


def execute(
    config: Config,
    plan: Plan,
    prices: Prices,
    request: EvalRequest,
    *,
    provider: Provider | None = None,
    observer: RunObserver | None = None,
) -> RunSummary:
    """Run the plan through the provider (built from its mode unless given); every result lands in
    the store. A run whose every attempt errored raises RunFailed (exit code 3)."""
    from evals.run.lock import RunLock
    from evals.run.preflight import check_writable

    store_path = config.resolve(config.paths.store)
    if plan.mode == "real":
        check_keys(config, plan)
        prices = with_map_prices(config, plan.models, prices)
        check_prices(plan, prices, request.allow_unpriced)
    check_writable(files=[store_path, *request.outputs])
    budget = config.eval.budget_usd if request.budget_usd is None else request.budget_usd
    with ResultStore(store_path) as store:
        run_id, note = request.resume, ""
        if run_id is None and plan.mode == "real":
            run_id = store.unfinished_run(plan.digest())
            note = f"resuming interrupted run {run_id} (same plan)" if run_id else ""
            run_id = run_id or run_id_for("real", plan.pairs, plan.repeats, "")
        if run_id is None:  # simulated and replayed ids derive from what the provider would answer
            provider = provider or make_provider(plan.mode, config, plan, prices)
            run_id = run_id_for(plan.mode, plan.pairs, plan.repeats, provider.fingerprint())
        with RunLock(store_path, run_id):  # before the provider is built: a second writer fails fast
            provider = provider or make_provider(plan.mode, config, plan, prices)
            plan.fingerprint = provider.fingerprint()
            meta = {
                "mode": plan.mode,
                "repeats": plan.repeats,
                "cells": len(plan.cells),
                "plan": plan.to_meta(),
            }
            meta |= {"budget_usd": budget, "allow_unpriced": request.allow_unpriced}
            tasks = [(t.content_hash(), t.model_dump_json()) for t in plan.tasks]
            store.start_run(run_id, provider.kind, meta, tasks, digest=plan.digest())
            if observer:
                done = len(store.done_keys(run_id) & {c.key for c in plan.cells})
                # the stored plan keeps no --real models: a resume would run them simulated
                resume = (
                    "" if getattr(provider, "real_models", None) else resume_command(request, config, run_id)
                )
                observer.run_started(
                    RunStart(
                        run_id,
                        len(plan.cells),
                        len(plan.cells) - done,
                        provider.kind,
                        "; ".join(x for x in (plan.describe(), note) if x),
                        resume,
                    )
                )
            summary = asyncio.run(
                run_cells(
                    provider,
                    store,
                    run_id,
                    plan.cells,
                    concurrency=config.eval.concurrency,
                    per_group=config.eval.provider_concurrency,
                    max_attempts=config.eval.max_attempts,
                    max_wall_s=config.eval.timeout_s * config.eval.max_attempts,
                    budget_usd=budget,
                    estimate_usd=estimate_cell_usd(prices) if plan.mode != "replay" else lambda c: None,
                    observer=observer,
                )
            )
            store.finish_run(run_id)
    if summary.all_errored:
        raise RunFailed(all_errored_message(run_id, summary, config), summary)
    return summary


def servers(config: Config, models: Sequence[str]) -> list[str]:
    """Where the models' calls go, as the config says: the api_base's host, else the gateway's own
    default address (LiteLLM's, not ours to know)."""
    names = set()
    for endpoint in config.endpoints(models).values():
        host = urlsplit(endpoint.api_base).hostname if endpoint.api_base else None
        names.add(host or endpoint.api_base or f"{endpoint.group}'s default address")
    return sorted(names)


def all_errored_message(run_id: str, summary: RunSummary, config: Config) -> str:
    """Why a run has nothing to decide from. The exit-3 message is all the user sees of such a run
    (no summary lines, no report), so it also says when no call reached a server (an offline
    machine or a wrong api_base fails every call alike) and what the budget guard did."""
    kinds = ", ".join(f"{n} {kind}" for kind, n in summary.error_types.most_common()) or "errors"
    lines = [f"every attempt of run {run_id} errored ({kinds})"]
    if summary.reached_no_server:
        tried = some_of(servers(config, sorted({r.model for r in summary.results})))
        lines.append(f"no call reached a server: check the network or the api_base ({tried})")
    if note := summary.budget_note():
        lines.append(f"budget: {note}")
    return "\n".join(lines)


def resumed_request(store_path: Path, request: EvalRequest) -> tuple[Plan, EvalRequest]:
    """The stored plan of `request.resume`, and the request with the run's own budget and opt-ins
    where the command line left them unset."""
    with ResultStore(store_path) as store:
        plan, meta = load_plan(store, request.resume or "")
    from dataclasses import replace

    return plan, replace(
        request,
        mode=plan.mode,
        source=Path(plan.source) if plan.source else None,
        budget_usd=request.budget_usd if request.budget_usd is not None else meta.get("budget_usd"),
        allow_unpriced=request.allow_unpriced or bool(meta.get("allow_unpriced")),
    )


def run_pairs(
    config: Config,
    request: EvalRequest,
    pairs: Sequence[tuple[Task, str]],
    prices: Prices,
    *,
    provider: Provider | None = None,
    observer: RunObserver | None = None,
) -> RunSummary:
    """Plan (task, model) pairs x repeats and execute them; with `request.resume`, the stored plan
    of that run is replayed instead (its mode, models, tiers, tasks and repeats)."""
    if request.resume:
        plan, request = resumed_request(config.resolve(config.paths.store), request)
        return execute(config, plan, prices, request, observer=observer)
    plan = Plan(
        request.mode,
        list(pairs),
        request.repeats or config.eval.repeats,
        source=str(request.source) if request.source else None,
    )
    return execute(config, plan, prices, request, provider=provider, observer=observer)
