"""`routing eval`: run chosen tasks x models and store the results (no proposal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evals.records import Result, Task
from evals.runner import RunSummary
from routing.config import Config
from routing.errors import InputError
from routing.evaluate import execute, price_table


def choose_tasks(config: Config, tasks_path: str | None, tiers: str | None) -> list[Task]:
    from evals.tasks import load_tasks, validate_tasks

    if tasks_path:
        found = load_tasks(config.resolve(tasks_path))
        if tiers:
            wanted = set(config.select_tiers(tiers))
            found = [t for t in found if t.tier in wanted]
    else:
        found = [
            t
            for name in config.select_tiers(tiers)
            for t in load_tasks(config.resolve(config.tiers[name].tasks), name)
        ]
    if not found:
        raise InputError(tasks_path or config.source, None, "no golden tasks found")
    problems = validate_tasks(found)
    if problems:
        raise InputError(None, None, problems[0])
    return found


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
) -> RunSummary:
    tasks = choose_tasks(config, tasks_path, tiers)
    replay_models: list[str] = []
    if mode == "replay" and source is not None:
        from evals.providers.replay import load_replay

        replay_models = sorted({m for m, _, _ in load_replay(source)})
    models_by_tier = choose_models(config, models, tasks, replay_models)
    pairs = [(t, m) for t in tasks for m in models_by_tier.get(t.tier, [])]
    if not pairs:
        raise InputError(None, "--models", "no models to evaluate for the chosen tiers")
    rows = []
    folder = config.resolve(config.paths.rankings)
    if folder.exists():
        from routing.rankings import load_snapshots

        rows = [row for snap in load_snapshots(folder) for row in snap.rows]
    return execute(
        mode,
        config,
        config.resolve(config.paths.store),
        pairs,
        price_table(rows, config),
        source=source,
        budget_usd=budget_usd,
        repeats=repeats,
        resume=resume,
        on_result=on_result,
        on_start=on_start,
    )
