"""The weekly commands: recommend, eval, score, results, diff, export."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from evals.records import Mode

from routing.cli.options import (
    ANY_PATH,
    EXISTING_FOLDER,
    EXISTING_PATH,
    FILE,
    FOLDER,
    allow_unpriced_option,
    budget_option,
    config_option,
    err_console,
    out_console,
    quiet_option,
    replay_option,
    resume_option,
    simulate_option,
)


def _mode(simulate: bool, replay: str | None, results: str | None = None) -> tuple[Mode, Path | None]:
    chosen = [
        name for name, on in (("--simulate", simulate), ("--replay", replay), ("--results", results)) if on
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one of {', '.join(chosen)}")
    if simulate:
        return "simulate", None
    if replay:
        return "replay", Path(replay)
    if results:
        return "results", Path(results)
    return "real", None


def observe(quiet: bool) -> Any:
    """The progress observer: live on a terminal, a line per tenth of the run when piped."""
    from routing.render.progress import ProgressObserver

    console = err_console()
    return ProgressObserver(console, live=console.is_terminal, quiet=quiet)


def observed(observer: Any, run: Callable[[], Any]) -> Any:
    """Run with the observer; Ctrl-C stores what finished (it already is) and exits 130."""
    try:
        return run()
    except KeyboardInterrupt:
        observer.stop()
        note = observer.interrupted_note()
        err_console().print(f"[yellow]{note}[/yellow]", highlight=False, soft_wrap=True)
        sys.exit(130)
    finally:
        observer.stop()


# the commands that call models: one text for both helps
RUN_EXIT_CODES = (
    "Exit codes: 0 done, 1 an input or domain error, 2 a usage error, 3 every attempt errored,"
    " 130 interrupted (what finished is stored; the printed command resumes it)."
)


@click.command(epilog=RUN_EXIT_CODES)
@simulate_option
@replay_option
@click.option("--results", type=FILE, help="Decide from recorded verdicts (JSONL).")
@click.option("--tiers", help="Comma-separated tiers (default: all configured).")
@budget_option
@click.option("--rankings", type=ANY_PATH, help="Folder of rankings snapshots.")
@click.option("--policy", type=FILE, help="Current policy (default: paths.policy).")
@click.option("--out", type=FOLDER, help="Report folder (default: reports/<date>).")
@click.option("--date", "day", help="Report date, YYYY-MM-DD (default: today).")
@click.option(
    "--pr", "pull_request", is_flag=True, help="Commit to routing/recommend-<week>, push, open the PR."
)
@click.option("--remote", default="origin", show_default=True, help="Git remote for --pr.")
@click.option(
    "--real",
    "real_models",
    help="Comma-separated models called for real even with --simulate (e.g. local/smollm2); "
    "they join every tier's candidates and their rows are labelled real.",
)
@click.option("--tasks", "tasks_root", type=EXISTING_FOLDER, help="Task folder with one sub-folder per tier.")
@resume_option
@allow_unpriced_option
@quiet_option
@config_option
def recommend(
    config: Any,
    simulate: bool,
    replay: str | None,
    results: str | None,
    tiers: str | None,
    budget_usd: float | None,
    rankings: str | None,
    policy: str | None,
    out: str | None,
    day: str | None,
    real_models: str | None,
    tasks_root: str | None,
    resume: str | None,
    allow_unpriced: bool,
    quiet: bool,
    pull_request: bool,
    remote: str,
) -> None:
    """The weekly one-shot: rankings, candidates, eval, scores, proposal, diff, rollout plan, report
    (and with --pr the week's pull request)."""
    from routing.app.real_models import parse_models
    from routing.app.weekly import RecommendOptions
    from routing.app.weekly import recommend as run_recommend
    from routing.render.console import print_summary

    mode, source = _mode(simulate, replay, results)
    if real_models and mode in ("replay", "results"):
        raise click.UsageError("--real calls models: use it with --simulate or a real run")
    if real_models and resume:
        raise click.UsageError("a run with --real cannot be resumed (its plan keeps no real models)")
    opts = RecommendOptions(
        mode=mode,
        source=source,
        tiers=tiers,
        budget_usd=budget_usd,
        rankings=Path(rankings) if rankings else None,
        policy=Path(policy) if policy else None,
        out=Path(out) if out else None,
        real_models=parse_models(real_models),
        tasks=Path(tasks_root) if tasks_root else None,
        resume=resume,
        allow_unpriced=allow_unpriced,
    )
    if day:
        opts.day = day
    observer = observe(quiet)
    outcome = None
    if pull_request:
        from routing.app.pr import recommend_pr

        outcome = observed(observer, lambda: recommend_pr(config, opts, remote, observer))
        run = outcome.run
    else:
        run = observed(observer, lambda: run_recommend(config, opts, observer))
    print_summary(out_console(), run.recommendation, run.outputs, run.rankings_note, run.notes)
    if run.replaced is not None:
        note = f"replaced the earlier report of {opts.day} in {run.replaced.parent}"
        err_console().print(note, markup=False)
    if outcome is not None:
        print_pr_outcome(outcome)


def print_pr_outcome(outcome: Any) -> None:
    """What --pr did, in lines a person (or the workflow log) can act on."""
    err = err_console()
    err.print(f"pr: {outcome.note}", markup=False)
    if outcome.pr is not None and outcome.pr.url:
        err.print(f"pr: {'updated' if outcome.pr.updated else 'opened'} {outcome.pr.url}", markup=False)
    elif outcome.pr is not None and outcome.pr.command:
        err.print("pr: gh is not installed or not logged in; open the pull request with:", markup=False)
        click.echo(outcome.pr.command)
        err.print(f"pr: body file: {outcome.body_file}", markup=False)


@click.command("eval", epilog=RUN_EXIT_CODES)
@simulate_option
@replay_option
@click.option("--tasks", "tasks_path", type=EXISTING_PATH, help="Task file or folder (default: each tier's).")
@click.option("--models", help="Comma-separated catalog slugs (default: the current policy's models).")
@click.option("--tiers", help="Comma-separated tiers.")
@click.option(
    "--repeats", type=click.IntRange(1, 100), help="Attempts per model x task, 1-100 (default: eval.repeats)."
)
@budget_option
@resume_option
@click.option("--skip-invalid", is_flag=True, help="Report invalid tasks and run the rest.")
@allow_unpriced_option
@quiet_option
@config_option
def eval_cmd(
    config: Any,
    simulate: bool,
    replay: str | None,
    tasks_path: str | None,
    models: str | None,
    tiers: str | None,
    repeats: int | None,
    budget_usd: float | None,
    resume: str | None,
    allow_unpriced: bool,
    quiet: bool,
    skip_invalid: bool,
) -> None:
    """Run golden tasks against models and store every result; prints the run id on its last line."""
    from evals.text import plural
    from routing.app.eval_run import run_eval
    from routing.app.evaluate import EvalRequest

    mode, source = _mode(simulate, replay)
    if resume and (simulate or replay or tasks_path or models or tiers or repeats):
        raise click.UsageError("--resume replays the run's stored plan: give it no other plan options")
    request = EvalRequest(
        mode=mode,
        source=source,
        tasks_path=tasks_path,
        models=models,
        tiers=tiers,
        repeats=repeats,
        budget_usd=budget_usd,
        resume=resume,
        allow_unpriced=allow_unpriced,
        skip_invalid=skip_invalid,
    )
    err = err_console()
    observer = observe(quiet)
    summary = observed(
        observer,
        lambda: run_eval(
            config, request, observer, on_invalid=lambda line: err.print(f"skipped invalid task: {line}")
        ),
    )
    held = f", {summary.mean_in_flight:g} calls in flight on average" if summary.mean_in_flight else ""
    err.print(
        f"{plural(summary.completed, 'cell')} run ({plural(summary.calls, 'call')}), {summary.reused} reused,"
        f" {plural(summary.errors, 'error')}{held}",
        highlight=False,
    )
    for kind, count in summary.error_types.most_common():
        err.print(f"[red]{count} {kind}[/red]: {summary.first_errors.get(kind, '')}", highlight=False)
    if summary.budget_note():
        err.print(f"[yellow]budget: {summary.budget_note()}[/yellow]", highlight=False)
    click.echo(summary.run_id)


@click.command()
@click.option("--run", "run_id", help="Run id (default: the latest).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@config_option
def score(config: Any, run_id: str | None, fmt: str) -> None:
    """Scores per model x tier for a stored run."""
    from routing.app.results import run_scores
    from routing.render.console import print_scores, scores_csv

    chosen, scores = run_scores(config, run_id)
    if fmt == "json":
        click.echo(json.dumps({"run_id": chosen, "scores": [s.to_dict() for s in scores]}, indent=2))
    elif fmt == "csv":
        click.echo(scores_csv(scores), nl=False)
    else:
        print_scores(out_console(), scores, chosen)


@click.group()
def results() -> None:
    """Stored results."""


@results.command("export")
@click.argument("run_id")
@click.option("--out", required=True, type=FILE, help="JSONL file to write.")
@config_option
def results_export(config: Any, run_id: str, out: str) -> None:
    """Write a run's results as JSONL (the format `recommend --results` reads)."""
    from routing.app.results import export_run

    count = export_run(config, run_id, Path(out))
    err_console().print(f"{count} results -> {out}")


@click.command()
@click.argument("old", type=FILE)
@click.argument("new", type=FILE)
def diff(old: str, new: str) -> None:
    """Semantic diff of two policy files."""
    from routing.app.policies import diff_files

    changes, simulated = diff_files(Path(old), Path(new))
    if simulated:
        click.echo("SIMULATED: a policy here was decided from simulated evidence, not real calls")
    for change in changes:
        for line in change.lines:
            click.echo(line)


@click.group()
def export() -> None:
    """Export a policy for a gateway."""


@export.command("litellm")
@click.option("--policy", "policy_path", type=FILE, help="Default: paths.proposed.")
@click.option("--stage", type=int, help="Rollout stage (1-based) from the stored rollout plan.")
@click.option(
    "--rollout", "rollout_path", type=FILE, help="Rollout plan (default: newest reports/*/rollout.yaml)."
)
@click.option("--out", type=FILE, help="Write here instead of stdout.")
@click.option("--check", is_flag=True, help="Load the config as the proxy does; exit 1 on any problem.")
@config_option
def export_litellm(
    config: Any,
    policy_path: str | None,
    stage: int | None,
    rollout_path: str | None,
    out: str | None,
    check: bool,
) -> None:
    """Print a LiteLLM proxy config.yaml: one model group per tier, weights for gray shares, fallbacks."""
    from routing.app.export import export_litellm_yaml

    text = export_litellm_yaml(config, policy_path, stage, rollout_path)
    if check:
        from routing.app.litellm_check import check_litellm_text

        report = check_litellm_text(text)
        for line in [*report.notes, *(f"problem: {p}" for p in report.problems)]:
            err_console().print(line, markup=False)
        if not report.ok:
            raise click.ClickException(f"{len(report.problems)} problem(s) in the exported config")
    if out:
        from evals.files import atomic_write

        atomic_write(out, text)
        err_console().print(f"wrote {out}")
    else:
        click.echo(text, nl=False)
