"""`routing rollout check`: judge a rollout stage from the proxy's spend logs.

The export names each deployment `<tier>:<role>:<model>` and the proxy logs that id as `model_id`, so
the candidate's rows (role `primary` for a new primary, `gray` for a canary) and the incumbent's (role
`incumbent` during a ramp, else the tier's `primary`) are found without guessing from model names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.errors import InputError, OptionError
from evals.files import load_yaml
from routing.config import Config
from routing.decide.rollout_verdict import Observed, Verdict, guard_checks, judge
from routing.decide.traffic_fit import fit_note
from routing.usage.ids import deployment_id

if TYPE_CHECKING:
    import pandas as pd

EXIT_CODES = {"promote": 0, "hold": 4, "roll back": 5}  # the worst verdict of all judged tiers wins


@dataclass(frozen=True)
class RolloutCheck:
    """The verdicts, and notes on the spend log itself (e.g. its rows are not from this plan)."""

    verdicts: tuple[Verdict, ...]
    notes: tuple[str, ...]


def latest_plan(config: Config) -> Path:
    """The newest reports/<date>/rollout.yaml."""
    folder = config.resolve(config.paths.reports)
    plans = sorted(folder.glob("*/rollout.yaml")) if folder.is_dir() else []
    if not plans:
        raise InputError(folder, None, "no <date>/rollout.yaml here: run `routing recommend` or pass --plan")
    return plans[-1]


def _observed(table: pd.DataFrame, dep_id: str) -> Observed:
    rows = table[table["deployment_id"] == dep_id]
    spend = rows["spend_usd"]
    durations = rows["duration_ms"].dropna()
    return Observed(
        requests=int(rows["requests"].sum()),
        failures=int(rows["failures"].sum()),
        latency_p95_s=None if durations.empty else float(durations.quantile(0.95)) / 1000,
        spend_usd=None if spend.isna().any() else float(spend.sum()),
    )


def _stage_min(tier: dict[str, Any], stage: int, path: Path) -> int | None:
    stages = tier.get("stages") or []
    if not stages:
        raise InputError(path, f"tiers: {tier.get('tier')}: stages", "no stages in the plan")
    if tier.get("kind") == "primary" and not 1 <= stage <= len(stages):
        where = f"the stages of tier {tier.get('tier')} in {path.parent.name}/{path.name}"
        raise OptionError("--stage", f"stage must be 1..{len(stages)}, got {stage} ({where})")
    return stages[min(stage, len(stages)) - 1].get("min_requests")


def check_rollout(config: Config, stage: int, usage: Path, plan_path: Path | None = None) -> RolloutCheck:
    """One verdict per candidate of the plan, from the spend logs in `usage`."""
    from routing.usage.dedupe import first_of_each_request
    from routing.usage.files import read_usage_file

    path = plan_path or latest_plan(config)
    plan = load_yaml(path)
    if not isinstance(plan, dict) or plan.get("version") != 1 or not isinstance(plan.get("tiers"), list):
        raise InputError(path, "version", "not a rollout plan (version 1 with tiers)")
    table = read_usage_file(usage)
    table = table[table["source"] == "litellm_spend_logs"]
    if table.empty:
        raise InputError(usage, None, "no LiteLLM spend-log rows: a rollout is judged per deployment id")
    table, repeated = first_of_each_request(table)  # an export concatenated with itself counts once
    settings = plan.get("settings") or {}
    verdicts = []
    candidate_rows: dict[str, int] = {}
    incumbent_rows: dict[str, int] = {}
    for tier in plan["tiers"]:
        name, kind, candidate, incumbent = (
            tier["tier"],
            tier["kind"],
            tier["candidate"],
            tier.get("incumbent"),
        )
        dep = deployment_id(name, "primary" if kind == "primary" else "gray", candidate)
        cand = _observed(table, dep)
        candidate_rows[dep] = cand.requests
        inc = None
        if incumbent:
            inc_dep = deployment_id(name, "incumbent", incumbent)
            inc = _observed(table, inc_dep)
            if inc.requests == 0 and kind == "gray":
                inc_dep = deployment_id(name, "primary", incumbent)
                inc = _observed(table, inc_dep)
            incumbent_rows[inc_dep] = inc.requests
        checks = guard_checks(tier.get("guards") or [], cand, inc, settings)
        head = {"tier": name, "kind": kind, "candidate": candidate, "deployment_id": dep}
        alpha = float(settings.get("alpha", 0.05))
        verdicts.append(judge(head, stage, _stage_min(tier, stage, path), checks, cand, alpha))
    notes = []
    if repeated:
        notes.append(f"{usage}: {repeated:,} rows repeat a request_id read before: each request counted once")
    if fit := fit_note(str(usage), int(table["requests"].sum()), candidate_rows, incumbent_rows):
        notes.append(fit)
    return RolloutCheck(tuple(verdicts), tuple(notes))


def exit_code(verdicts: tuple[Verdict, ...]) -> int:
    return max((EXIT_CODES[v.verdict] for v in verdicts), default=0)
