"""`routing recommend`: rankings -> candidates -> eval -> scores -> proposal -> diff -> rollout -> report.

Inputs are all loaded and validated before anything is written, so a bad file costs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from evals.files import atomic_write, dump_yaml
from evals.records import Result, Task
from evals.run.results_file import read_results
from evals.scores import Score, score_all
from routing.config import Config, TierConfig
from routing.decide.proposal import Decision, propose
from routing.policy import Policy, PolicyMeta, load_policy, write_policy

Mode = Literal["simulate", "replay", "results", "real"]


@dataclass
class RecommendOptions:
    mode: Mode = "simulate"
    source: Path | None = None  # replay or results file
    tiers: str | None = None
    budget_usd: float | None = None
    rankings: Path | None = None
    policy: Path | None = None
    out: Path | None = None
    day: str = field(default_factory=lambda: date.today().isoformat())
    resume: str | None = None  # a stored run whose plan is replayed (missing cells only)
    allow_unpriced: bool = False


@dataclass
class Recommendation:
    policy: Policy
    current: Policy | None
    decisions: list[Decision]
    scores: list[Score]
    changes: list[Any]
    rollout: dict[str, Any]
    outputs: dict[str, Path]
    run_id: str | None
    provider_kind: str
    budget_note: str | None = None
    rankings_note: str | None = None

    @property
    def simulated(self) -> bool:
        return self.provider_kind == "sim"


@dataclass
class Inputs:
    """Everything `recommend` reads, validated."""

    current: Policy | None
    current_path: Path
    tier_configs: dict[str, TierConfig]
    tasks: dict[str, list[Task]] = field(default_factory=dict)
    momentum: list[Any] = field(default_factory=list)
    snapshots: list[Any] = field(default_factory=list)
    candidates: dict[str, list[str]] = field(default_factory=dict)
    movers: dict[str, list[str]] = field(default_factory=dict)
    results: list[Result] | None = None
    replay: Any = None  # the ReplayProvider, read once


def load_current(config: Config, given: Path | None) -> tuple[Policy | None, Path]:
    """The production policy. Missing is fine for a first run unless the user named the file."""
    path = config.resolve(given) if given else config.resolve(config.paths.policy)
    if not path.exists() and given is None:
        return None, path
    return load_policy(path), path


def rankings_inputs(config: Config, inputs: Inputs, tiers: list[str], rankings: Path | None) -> None:
    """Momentum from the rankings snapshots, the candidate models per tier and, among them, the movers."""
    from routing.app.evaluate import load_snapshots_if_any
    from routing.decide.candidates import rank_movers, select_candidates
    from routing.decide.momentum import compute_momentum

    inputs.snapshots = load_snapshots_if_any(config, rankings)
    inputs.momentum = compute_momentum(inputs.snapshots)
    movers = [m.slug for m in rank_movers(inputs.momentum)]
    for name in tiers:
        chosen = select_candidates(
            name, config.tiers[name], config.candidates, inputs.momentum, inputs.current
        )
        inputs.candidates[name] = [c.model for c in chosen]
        inputs.movers[name] = [m for m in movers if m in inputs.candidates[name]]


def gather_inputs(config: Config, opts: RecommendOptions) -> Inputs:
    current, current_path = load_current(config, opts.policy)
    if opts.mode == "results":
        assert opts.source is not None
        results = read_results(opts.source)
        wanted = set(config.select_tiers(opts.tiers)) if opts.tiers else None
        results = [r for r in results if wanted is None or r.tier in wanted]
        tier_configs = {
            t: config.tiers.get(t) or TierConfig(tasks="") for t in dict.fromkeys(r.tier for r in results)
        }
        return Inputs(current, current_path, tier_configs, results=results)
    from routing.app.evaluate import load_tier_tasks

    tiers = config.select_tiers(opts.tiers)
    inputs = Inputs(current, current_path, {t: config.tiers[t] for t in tiers})
    inputs.tasks = load_tier_tasks(config, tiers)
    rankings_inputs(config, inputs, tiers, opts.rankings)
    if opts.mode == "replay":
        from evals.providers.replay import ReplayProvider

        assert opts.source is not None
        inputs.replay = ReplayProvider(opts.source)
        for name, tasks in inputs.tasks.items():
            ids = {t.id for t in tasks}
            inputs.candidates[name] = sorted(
                {m for m, task_id, _ in inputs.replay.recorded if task_id in ids}
            )
    return inputs


def planned_outputs(config: Config, opts: RecommendOptions) -> list[Path]:
    """The files `finish` writes: checked writable before the eval pays for anything."""
    out_dir = config.resolve(opts.out) if opts.out else config.resolve(config.paths.reports) / opts.day
    return [config.resolve(config.paths.proposed), out_dir / "report.md"]


def meta_for(inputs: Inputs, run_id: str | None, kind: str) -> PolicyMeta:
    as_of = inputs.snapshots[-1].meta.as_of if inputs.snapshots else None
    return PolicyMeta(
        rankings_as_of=str(as_of) if as_of else None,
        run_id=run_id,
        simulated=kind == "sim",
        provider_kind=kind,
    )


def recommend(config: Config, opts: RecommendOptions, observer: Any = None) -> Recommendation:
    from routing.app.evaluate import EvalRequest, pairs_for, price_table, run_pairs

    inputs = gather_inputs(config, opts)
    summary = None
    if inputs.results is not None:
        results = inputs.results
        kinds = sorted({r.provider_kind or "recorded" for r in results})
        kind = "sim" if "sim" in kinds else ("recorded" if kinds == ["recorded"] else "+".join(kinds))
        run_ids = sorted({r.run_id for r in results if r.run_id})
        run_id = run_ids[0] if len(run_ids) == 1 else None
    else:
        prices = price_table(inputs.snapshots, config)
        pairs = pairs_for(inputs.tasks, inputs.candidates)
        request = EvalRequest(
            mode=opts.mode,
            source=opts.source,
            budget_usd=opts.budget_usd,
            resume=opts.resume,
            allow_unpriced=opts.allow_unpriced,
            command="recommend",
            outputs=planned_outputs(config, opts),
        )
        summary = run_pairs(config, request, pairs, prices, provider=inputs.replay, observer=observer)
        results, run_id, kind = summary.results, summary.run_id, summary.provider_kind
    scores = score_all(results)
    policy, decisions = propose(
        inputs.tier_configs,
        scores,
        inputs.current,
        meta_for(inputs, run_id, kind),
        inputs.movers,
        gray_share=config.rollout.stages[0],
    )
    note = summary.budget_note() if summary is not None else None
    return finish(config, opts, inputs, policy, decisions, scores, run_id, kind, note, results)


def finish(
    config: Config,
    opts: RecommendOptions,
    inputs: Inputs,
    policy: Policy,
    decisions: list[Decision],
    scores: list[Score],
    run_id: str | None,
    kind: str,
    budget_note: str | None,
    results: list[Result],
) -> Recommendation:
    """Diff, rollout plan, report; then write every output atomically."""
    from routing.decide.diff import diff_policies, render_diff_markdown
    from routing.decide.rollout import plan_rollout, rollout_to_dict
    from routing.render.markdown import (
        PROVIDER_LABELS,
        decision_context,
        momentum_gap_note,
        momentum_rows,
        render_report,
        rollout_summary,
        staleness_note,
    )

    baseline = inputs.current or Policy(version=1, tiers={})
    changes = diff_policies(baseline, policy)
    new_label = "proposed.yaml (SIMULATED evidence)" if kind == "sim" else "proposed.yaml"
    diff_md = render_diff_markdown(changes, str(inputs.current_path.name), new_label)
    score_map = {(s.tier, s.model): s for s in scores}
    plan = plan_rollout(changes, policy, score_map, config.rollout)
    rollout = rollout_to_dict(plan)
    out_dir = config.resolve(opts.out) if opts.out else config.resolve(config.paths.reports) / opts.day
    proposed_path = config.resolve(config.paths.proposed)
    snapshot = inputs.snapshots[-1] if inputs.snapshots else None
    rankings_note = staleness_note(snapshot.meta.as_of if snapshot else None, opts.day)
    report = render_report(
        {
            "date": opts.day,
            "simulated": kind == "sim",
            "recorded": opts.mode == "results",
            "source": opts.source,
            "provider_label": PROVIDER_LABELS.get(kind, kind),
            "run_id": run_id,
            "n_results": len(results),
            "rankings_as_of": snapshot.meta.as_of if snapshot else None,
            "rankings_source": snapshot.meta.source_url if snapshot else None,
            "current_path": inputs.current_path.name,
            "proposed_path": proposed_path.name,
            "n_changed": sum(1 for c in changes if c.kind != "unchanged"),
            "n_tiers": len(policy.tiers),
            "budget_note": budget_note,
            "rankings_note": rankings_note,
            "decisions": [decision_context(d, inputs.tier_configs[d.tier], scores) for d in decisions],
            "momentum": momentum_rows(inputs.momentum),
            "momentum_note": momentum_gap_note(inputs.momentum),
            "rankings_week": str(snapshot.date) if snapshot else None,
            "diff_markdown": diff_md,
            "rollout_summary": rollout_summary(rollout),
            "n_tasks": len({r.task_id for r in results}),
            "task_sources": ", ".join(sorted({config.tiers[t].tasks for t in inputs.tasks})),
            "provider_kinds": ", ".join(sorted({k for s in scores for k in s.provider_kinds})) or "n/a",
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    outputs = {
        "proposed": write_policy(policy, proposed_path),
        "report": atomic_write(out_dir / "report.md", report),
        "diff": atomic_write(out_dir / "diff.md", diff_md),
        "rollout": atomic_write(out_dir / "rollout.yaml", dump_yaml(rollout)),
        "scores": atomic_write(
            out_dir / "scores.json", json.dumps([s.to_dict() for s in scores], indent=2) + "\n"
        ),
    }
    return Recommendation(
        policy=policy,
        current=inputs.current,
        decisions=decisions,
        scores=scores,
        changes=changes,
        rollout=rollout,
        outputs=outputs,
        run_id=run_id,
        provider_kind=kind,
        budget_note=budget_note,
        rankings_note=rankings_note,
    )
