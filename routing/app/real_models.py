"""`recommend --real MODELS` and `--tasks DIR`: real models (e.g. a local server) among simulated ones.

A simulated weekly run can call some candidates for real: they join every chosen tier's candidates,
their calls go through the real provider path (real tokens, latency and graded failures) and their rows
are labelled `real`; the rest stay simulated and the recommendation says SIMULATED. `--tasks` points
the tiers at another task folder (one sub-folder per tier), e.g. tasks sized for a small model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evals.errors import DomainError, InputError
from evals.providers.base import Provider
from evals.records import Task
from routing.config import Config
from routing.decide.candidates import Candidate, TierCandidates
from routing.decide.reasons import Reason

REAL_REASON = "real_model"


def parse_models(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.strip() for m in (value or "").split(",") if m.strip()))


def with_task_root(config: Config, root: Path, tiers: Sequence[str]) -> Config:
    """The config with each chosen tier's tasks taken from `<root>/<tier>`; a tier without a folder
    there is an error naming it (run only the tiers the folder serves, with --tiers)."""
    folder = config.resolve(root)
    if not folder.is_dir():
        raise InputError(folder, None, "--tasks: no such folder")
    missing = [t for t in tiers if not (folder / t).is_dir()]
    if missing:
        served = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name in config.tiers)
        raise InputError(
            folder,
            None,
            f"--tasks: no folder for tier(s) {', '.join(missing)}; pass --tiers {','.join(served) or '...'}",
        )
    tiers_config = {
        name: tier.model_copy(update={"tasks": str(folder / name)}) if name in tiers else tier
        for name, tier in config.tiers.items()
    }
    changed = config.model_copy(update={"tiers": tiers_config})
    changed.base_dir, changed.source = config.base_dir, config.source
    return changed


def add_real_candidates(selections: dict[str, TierCandidates], models: Sequence[str]) -> None:
    """Each real model joins every selected tier's candidates (after the ones rankings chose)."""
    for selection in selections.values():
        for model in models:
            reason = Reason(REAL_REASON, "called for real (--real): measured, not simulated")
            existing = next((c for c in selection.candidates if c.model == model), None)
            if existing is None:
                selection.candidates.append(Candidate(model, [reason]))
            elif reason not in existing.reasons:
                existing.reasons.append(reason)


def mixed_provider(
    config: Config,
    pairs: Sequence[tuple[Task, str]],
    prices: dict[str, tuple[float, float]],
    real: Sequence[str],
) -> Provider:
    """Simulated answers for every model but `real`, whose calls go through LiteLLM to their endpoints
    (with their configured or catalog price, so a price of 0 costs 0.0)."""
    from evals.providers.mixed import MixedProvider
    from evals.providers.real import LiteLLMProvider, missing_credentials
    from evals.providers.sim.provider import SimProvider
    from routing.app.evaluate import real_endpoints

    missing = missing_credentials(config.endpoints(real))
    if missing:
        raise DomainError(f"no API key for --real models: set {'; '.join(missing)}")
    tasks = list({t.id: t for t, m in pairs if m not in real}.values())
    sim = SimProvider(tasks, prices, seed=config.eval.seed)
    return MixedProvider(sim, LiteLLMProvider(real_endpoints(config, real, prices)), real)
