"""`routing eval`: run chosen tasks x models and store the results (no proposal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evals.errors import InputError
from evals.records import Result, Task
from evals.run.runner import RunSummary
from routing.app.evaluate import check_tasks, execute, load_snapshots_if_any, load_tier_tasks, price_table
from routing.config import Config


def choose_tasks(
    config: Config,
    tasks_path: str | None,
    tiers: str | None,
    skip_invalid: bool = False,
    on_invalid: Callable[[str], None] | None = None,
) -> list[Task]:
    """The tasks of --tasks (optionally narrowed to --tiers), else every chosen tier's own tasks."""
    if not tasks_path:
        chosen = load_tier_tasks(config, config.select_tiers(tiers), skip_invalid, on_invalid)
        return [t for group in chosen.values() for t in group]
    from evals.tasks.load import load_tasks

    errors: list[InputError] = [] if skip_invalid else None  # type: ignore[assignment]
    found = load_tasks(config.resolve(tasks_path), errors=errors)
    for error in errors or []:
        if on_invalid:
            on_invalid(str(error))
    if tiers:
        wanted = set(config.select_tiers(tiers))
        found = [t for t in found if t.tier in wanted]
    if not found:
        raise InputError(tasks_path, None, "no golden tasks found")
    return check_tasks(found, skip_invalid, on_invalid)


def choose_models(
    config: Config, models: str | None, tasks: list[Task], replay_models: list[str]
) -> dict[str, list[str]]:
    """Models per tier: --models for every tier, else the replay file's, else the current policy's."""
    tiers = sorted({t.tier for t in tasks})
    if models:
        chosen = [m.strip() for m in models.split(",") if m.strip()]
        return {tier: chosen for tier in tiers}
    if replay_models:
        return {tier: replay_models for tier in tiers}
    from routing.policy import load_policy

    path = config.resolve(config.paths.policy)
    if not path.exists():
        raise InputError(path, None, "no current policy to take models from; pass --models")
    policy = load_policy(path)
    return {tier: policy.tiers[tier].models() for tier in tiers if tier in policy.tiers}


def run_eval(
    config: Config,
    mode: str,
    source: Path | None,
    tasks_path: str | None,
    models: str | None,
    tiers: str | None,
    repeats: int | None,
    budget_usd: float | None,
    resume: str | None,
    on_result: Callable[[Result], None] | None = None,
    on_start: Callable[[str, int], None] | None = None,
    skip_invalid: bool = False,
    on_invalid: Callable[[str], None] | None = None,
) -> RunSummary:
    tasks = choose_tasks(config, tasks_path, tiers, skip_invalid, on_invalid)
    replay = None
    if mode == "replay" and source is not None:
        from evals.providers.replay import ReplayProvider

        replay = ReplayProvider(source)
    models_by_tier = choose_models(config, models, tasks, replay.models() if replay else [])
    pairs = [(t, m) for t in tasks for m in models_by_tier.get(t.tier, [])]
    if not pairs:
        raise InputError(None, "--models", "no models to evaluate for the chosen tiers")
    return execute(
        mode,
        config,
        config.resolve(config.paths.store),
        pairs,
        price_table(load_snapshots_if_any(config), config),
        provider=replay,
        budget_usd=budget_usd,
        repeats=repeats,
        resume=resume,
        on_result=on_result,
        on_start=on_start,
    )
