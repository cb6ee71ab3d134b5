"""A week's Recommendation built through the real pure pipeline (results -> scores -> decide), for the
renderers' tests: any number of models and tiers, with rankings snapshots over several weeks."""

from __future__ import annotations

import random
from datetime import date, timedelta

from evals.records import Evidence, Result
from evals.scores import score_all
from routing.config import Gates, RolloutSettings, TierConfig
from routing.decide.candidates import Candidate, Dropped, TierCandidates
from routing.decide.momentum import compute_momentum
from routing.decide.reasons import Reason
from routing.decide.recommendation import Recommendation, decide
from routing.policy import Policy, PolicyMeta, TierPolicy
from routing.rankings.records import RankingRow, RankingSnapshot, SnapshotMeta
from routing.render.markdown import ReportSources
from routing.render.rationale import rationale_text

TIERS = ("coding", "agent", "long_context", "chat", "extraction")
SOURCE = "https://openrouter.ai/rankings"
FIRST_WEEK = date(2026, 4, 27)
TOOL_CODES = ("wrong_value", "malformed_arguments", "missing_required", "no_call")


def model_names(n: int) -> list[str]:
    return [f"vendor{i % 7}/model-{i:02d}" for i in range(n)]


def results_for(models: list[str], tiers: tuple[str, ...], tasks: int, kind: str) -> list[Result]:
    """Model i passes with a rate falling with i and costs less with i: a real trade-off to draw."""
    rng = random.Random(7)
    rows = []
    for tier in tiers:
        for i, model in enumerate(models):
            rate = 0.98 - 0.25 * i / max(1, len(models) - 1)
            price = 0.002 / (1 + i) if i % 5 != 4 else None  # every fifth model unpriced
            for t in range(tasks):
                for repeat in range(2):
                    passed = rng.random() < rate
                    failure = (
                        None if passed else (TOOL_CODES[(t + i) % 4] if tier == "agent" else "wrong_answer")
                    )
                    rows.append(
                        Result(
                            run_id="run-1",
                            task_id=f"{tier}/t{t}",
                            tier=tier,
                            model=model,
                            repeat=repeat,
                            provider_kind=kind,
                            passed=passed,
                            failure=failure,
                            check_details=[{"check": "tool_call"}]
                            if tier == "agent"
                            else [{"check": "contains"}],
                            latency_ms=400 + 37 * i + 11 * t,
                            cost_usd=price,
                        )
                    )
    return rows


def tokens(rank: int, week: int) -> int:
    return int(1e12 / (rank + 1) * (1 + 0.1 * week * (rank % 3)))


def snapshots(models: list[str], weeks: int = 4) -> list[RankingSnapshot]:
    out = []
    for w in range(weeks):
        rows = [
            RankingRow(
                rank=r + 1, slug=m, permaslug=m, total_tokens=int(1e12 / (r + 1) * (1 + 0.1 * w * (r % 3)))
            )
            for r, m in enumerate(models[:20])
        ]
        day = FIRST_WEEK + timedelta(days=7 * w)
        meta = SnapshotMeta(source_url=SOURCE, as_of=str(day + timedelta(days=7)))
        out.append(RankingSnapshot(date=day, rows=rows, meta=meta))
    return out


def week(
    n_models: int = 6, tiers: tuple[str, ...] = TIERS, tasks: int = 12, kind: str = "sim"
) -> tuple[Recommendation, ReportSources]:
    """The record and the report sources of a week in which every tier's incumbent is the worst model."""
    models = model_names(n_models)
    gates = Gates(min_success=0.7, max_tool_failure=0.5, max_cost_per_success_usd=0.01)
    configs = {t: TierConfig(tasks=f"golden_tasks/{t}", gates=gates) for t in tiers}
    current = Policy(
        version=1, tiers={t: TierPolicy(primary=models[-1], fallbacks=[models[-2]]) for t in tiers}
    )
    results = results_for(models, tiers, tasks, kind)
    evidence = Evidence.of(results, "run-1")
    snaps = snapshots(models)
    momentum = compute_momentum(snaps)
    reason = Reason("top_mover", "top mover", SOURCE, snaps[-1].meta.as_of)
    selections = {
        t: TierCandidates(
            t,
            [Candidate(m, [reason]) for m in models],
            [
                Dropped(f"other/dropped-{k}", Reason("no_tools", "no tool support in the catalog"))
                for k in range(12)
            ],
        )
        for t in tiers
    }
    rec = decide(
        configs,
        score_all(results),
        current,
        PolicyMeta(run_id="run-1", simulated=evidence.simulated, provider_kind=evidence.kind),
        evidence,
        RolloutSettings(),
        selections=selections,
        explain=rationale_text,
    )
    sources = ReportSources(
        day="2026-05-25",
        current_name="current.yaml",
        proposed_name="proposed.yaml",
        snapshot=snaps[-1],
        snapshots=snaps,
        momentum=momentum,
        generated_at="2026-05-25T09:00:00+00:00",
    )
    return rec, sources
