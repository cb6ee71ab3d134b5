"""`routing recommend`: gather inputs -> evaluate -> decide -> render -> publish.

Inputs are all loaded and validated before anything is written or paid for, so a bad file costs
nothing. The decision is one `Recommendation` record; the report, the console summary and the files
are made from it and never work a decision out again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from evals.records import Evidence, Mode, Result, Task
from evals.run.results_file import price_recorded_tokens, read_results
from evals.run.runner import RunObserver
from evals.scores import score_all
from routing.app.guards import defined_tiers, report_day, report_dir
from routing.config import Config, TierConfig
from routing.decide.candidates import Candidate, TierCandidates
from routing.decide.momentum import Momentum
from routing.decide.reasons import Reason
from routing.decide.recommendation import Recommendation, decide
from routing.policy import Policy, PolicyMeta, load_policy
from routing.rankings.records import RankingSnapshot

if TYPE_CHECKING:
    from routing.render.markdown import ReportSources


@dataclass
class RecommendOptions:
    mode: Mode = "simulate"
    source: Path | None = None  # replay or results file
    tiers: str | None = None
    budget_usd: float | None = None
    rankings: Path | None = None
    policy: Path | None = None
    out: Path | None = None
    real_models: tuple[str, ...] = ()  # called for real even in a simulated run (routing/app/real_models.py)
    tasks: Path | None = None  # a task folder with one sub-folder per tier, instead of each tier's own
    day: str = field(default_factory=lambda: date.today().isoformat())
    resume: str | None = None  # a stored run whose plan is replayed (missing cells only)
    allow_unpriced: bool = False


@dataclass
class WeeklyInputs:
    """Everything `recommend` reads, validated before the first call."""

    current: Policy | None
    current_path: Path
    tier_configs: dict[str, TierConfig]
    tasks: dict[str, list[Task]] = field(default_factory=dict)
    momentum: list[Momentum] = field(default_factory=list)
    snapshots: list[RankingSnapshot] = field(default_factory=list)
    selections: dict[str, TierCandidates] = field(default_factory=dict)  # candidates with reasons, dropped
    movers: dict[str, list[str]] = field(default_factory=dict)
    results: list[Result] | None = None
    replay: object | None = None  # the ReplayProvider, read once
    notes: list[str] = field(default_factory=list)  # what the reader should know of the inputs
    catalog: object | None = None  # the newest stored models catalog, None when there is none

    @property
    def snapshot(self) -> RankingSnapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    def models(self, tier: str) -> list[str]:
        selection = self.selections.get(tier)
        return selection.models if selection else []


@dataclass(frozen=True)
class WeeklyRun:
    """A finished weekly run: the decision and where its files went."""

    recommendation: Recommendation
    outputs: dict[str, Path]
    rankings_note: str | None
    replaced: Path | None = None  # the same day's earlier report, now overwritten
    sources: ReportSources | None = None  # what the report cites beside the record (the PR body too)
    notes: tuple[str, ...] = ()  # warnings about the inputs (fields of a results file left unread)


def load_current(config: Config, given: Path | None) -> tuple[Policy | None, Path]:
    """The production policy. Missing is fine for a first run unless the user named the file."""
    path = config.resolve(given) if given else config.resolve(config.paths.policy)
    if not path.exists() and given is None:
        return None, path
    return load_policy(path), path


def add_rankings(config: Config, inputs: WeeklyInputs, rankings: Path | None) -> None:
    """Momentum from the rankings snapshots, and the newest stored models catalog (when there is one)."""
    from routing.app.evaluate import load_snapshots_if_any
    from routing.app.rankings import latest_catalog
    from routing.decide.momentum import compute_momentum

    inputs.snapshots = load_snapshots_if_any(config, rankings)
    inputs.momentum = compute_momentum(inputs.snapshots)
    inputs.catalog = latest_catalog(config, rankings)


def select_candidates(config: Config, inputs: WeeklyInputs, tiers: list[str], today: date) -> None:
    """The candidate models per tier and, among them, the movers. The catalog decides tools, context,
    structured outputs and expiry; each selection keeps its candidates with their reasons and the
    dropped models."""
    from routing.decide.candidates import select_tier

    for name in tiers:
        inputs.selections[name] = select_tier(
            name,
            config.tiers[name],
            config.candidates,
            inputs.momentum,
            inputs.current,
            inputs.catalog,
            today,
        )
    _follow_movers(inputs)


def _follow_movers(inputs: WeeklyInputs) -> None:
    """Each tier's movers: the rising models of the rankings among the tier's candidates."""
    from routing.decide.candidates import rank_movers

    movers = [m.slug for m in rank_movers(inputs.momentum)]
    for name in inputs.selections:
        inputs.movers[name] = [m for m in movers if m in inputs.models(name)]


def _recorded_candidates(inputs: WeeklyInputs, recorded: dict[str, set[str]], source: Path) -> None:
    """Decide from recorded evidence: a tier's candidates are the models recorded for it (the rankings
    still say which of them are rising, as in a run, so the same evidence gives the same policy)."""
    why = [Reason("recorded", f"recorded in {source.name}")]
    for name, models in recorded.items():
        inputs.selections[name] = TierCandidates(name, [Candidate(m, list(why)) for m in sorted(models)], [])
    _follow_movers(inputs)


def gather_inputs(config: Config, opts: RecommendOptions) -> WeeklyInputs:
    current, current_path = load_current(config, opts.policy)
    if current is not None:
        defined_tiers(config, current.tiers, current_path, "tiers")
    if opts.mode == "results":
        assert opts.source is not None
        from routing.app.evaluate import price_table

        # rows with token counts but no cost take the `models:` price, as a real run's calls do
        notes: list[str] = []
        results = price_recorded_tokens(read_results(opts.source, notes.append), price_table([], config))
        wanted = set(config.select_tiers(opts.tiers)) if opts.tiers else None
        results = [r for r in results if wanted is None or r.tier in wanted]
        defined_tiers(config, {r.tier for r in results}, opts.source, "tier")
        recorded: dict[str, set[str]] = {t: set() for t in config.tiers}  # the config's tier order
        for r in results:
            recorded[r.tier].add(r.model)
        recorded = {t: models for t, models in recorded.items() if models}
        inputs = WeeklyInputs(
            current, current_path, {t: config.tiers[t] for t in recorded}, results=results, notes=notes
        )
        add_rankings(config, inputs, opts.rankings)
        _recorded_candidates(inputs, recorded, opts.source)
        return inputs
    from routing.app.evaluate import load_tier_tasks

    tiers = config.select_tiers(opts.tiers)
    inputs = WeeklyInputs(current, current_path, {t: config.tiers[t] for t in tiers})
    inputs.tasks = load_tier_tasks(config, tiers)
    add_rankings(config, inputs, opts.rankings)
    if opts.mode == "replay":  # the candidates are the models recorded (--real is refused with it)
        from evals.providers.replay import ReplayProvider

        assert opts.source is not None
        replay = ReplayProvider(opts.source)
        inputs.replay = replay
        by_tier = {}
        for name, tasks in inputs.tasks.items():
            ids = {t.id for t in tasks}
            by_tier[name] = {m for m, task_id, _ in replay.recorded if task_id in ids}
        _recorded_candidates(inputs, by_tier, opts.source)
        return inputs
    select_candidates(config, inputs, tiers, date.fromisoformat(opts.day[:10]))
    if opts.real_models:
        from routing.app.real_models import add_real_candidates

        add_real_candidates(inputs.selections, opts.real_models)
    return inputs


def planned_outputs(config: Config, opts: RecommendOptions) -> list[Path]:
    """The files the run writes: checked writable before the eval pays for anything."""
    return [config.resolve(config.paths.proposed), report_dir(config, opts.day, opts.out) / "report.md"]


def policy_meta(inputs: WeeklyInputs, evidence: Evidence) -> PolicyMeta:
    as_of = inputs.snapshot.meta.as_of if inputs.snapshot else None
    return PolicyMeta(
        rankings_as_of=str(as_of) if as_of else None,
        run_id=evidence.run_id,
        simulated=evidence.simulated,
        provider_kind=evidence.kind,
    )


def evaluate(
    config: Config, opts: RecommendOptions, inputs: WeeklyInputs, observer: RunObserver | None
) -> tuple[list[Result], Evidence, str | None]:
    """The results to decide from, their evidence record and the budget guard's note."""
    if inputs.results is not None:
        source = str(opts.source) if opts.source else None
        return inputs.results, Evidence.of(inputs.results, None, source), None
    from routing.app.evaluate import EvalRequest, pairs_for, price_table, run_pairs

    pairs = pairs_for(inputs.tasks, {t: inputs.models(t) for t in inputs.tasks})
    prices = price_table(inputs.snapshots, config)
    provider = inputs.replay
    if opts.real_models and opts.mode == "simulate" and not opts.resume:
        from routing.app.real_models import mixed_provider

        provider = mixed_provider(config, pairs, prices, opts.real_models)
    request = EvalRequest(
        mode=opts.mode,
        source=opts.source,
        budget_usd=opts.budget_usd,
        resume=opts.resume,
        allow_unpriced=opts.allow_unpriced,
        command="recommend",
        outputs=planned_outputs(config, opts),
    )
    summary = run_pairs(config, request, pairs, prices, provider=provider, observer=observer)  # type: ignore[arg-type]
    source = str(opts.source) if opts.source else None
    evidence = Evidence.of(summary.results, summary.run_id, source)
    if not summary.results:  # nothing ran: the run's own kind still says what it would have been
        evidence = Evidence((summary.provider_kind,), summary.run_id, source)
    return summary.results, evidence, summary.budget_note()


def recommend(config: Config, opts: RecommendOptions, observer: RunObserver | None = None) -> WeeklyRun:
    from routing.app.usage import usage_report_section
    from routing.publish.outputs import existing_report, write_weekly_outputs
    from routing.render.markdown import ReportSources, staleness_note
    from routing.render.provenance import provenance_markdown, sections
    from routing.render.rationale import rationale_text

    if opts.tasks:
        from routing.app.real_models import with_task_root

        config = with_task_root(config, opts.tasks, config.select_tiers(opts.tiers))
    opts.day = report_day(opts.day)
    out_dir = report_dir(config, opts.day, opts.out)
    inputs = gather_inputs(config, opts)
    results, evidence, budget_note = evaluate(config, opts, inputs, observer)
    rec = decide(
        inputs.tier_configs,
        score_all(results),
        inputs.current,
        policy_meta(inputs, evidence),
        evidence,
        config.rollout,
        selections=inputs.selections,
        movers=inputs.movers,
        budget_note=budget_note,
        explain=rationale_text,
    )
    snapshot = inputs.snapshot
    rankings_note = staleness_note(snapshot.meta.as_of if snapshot else None, opts.day)
    sources = ReportSources(
        day=opts.day,
        current_name=inputs.current_path.name,
        proposed_name=config.resolve(config.paths.proposed).name,
        snapshot=snapshot,
        snapshots=inputs.snapshots,
        momentum=inputs.momentum,
        task_sources=", ".join(sorted({config.tiers[t].tasks for t in inputs.tasks})),
        rankings_note=rankings_note,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        appendix=sections(usage_report_section(config), provenance_markdown(results)),
    )
    replaced = existing_report(out_dir)
    outputs = write_weekly_outputs(rec, sources, out_dir, config.resolve(config.paths.proposed))
    return WeeklyRun(rec, outputs, rankings_note, replaced, sources, tuple(inputs.notes))
