"""The `routing` command line. Thin: each command parses options, calls one function, prints.

Heavy imports (pydantic models, pandas, litellm) happen inside commands so `routing --help` is fast.
Domain errors become one-line messages with exit code 1 here and only here; usage errors exit 2.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

CONFIG_HELP = (
    "routing.yaml to use; relative paths inside it resolve against its folder "
    "(paths given on the command line resolve against the current folder)."
)


# Command-line paths are made absolute against the current folder before any config resolves them.
FILE = click.Path(resolve_path=True, dir_okay=False)
FOLDER = click.Path(resolve_path=True, file_okay=False)
ANY_PATH = click.Path(resolve_path=True)


simulate_option = click.option(
    "--simulate", is_flag=True, help="Offline: simulated models (labelled SIMULATED everywhere)."
)
replay_option = click.option("--replay", type=FILE, help="Re-grade recorded responses (JSONL).")


def _finite_budget(ctx: Any, param: Any, value: float | None) -> float | None:
    """A spend cap is a finite amount of 0 or more, as in routing.yaml: nan and inf are refused."""
    if value is not None and not 0 <= value < float("inf"):
        raise click.BadParameter(f"{value} is not a finite amount of 0 or more")
    return value


budget_option = click.option(
    "--budget-usd",
    type=float,
    callback=_finite_budget,
    help="Spend cap for this run (default: eval.budget_usd).",
)
allow_unpriced_option = click.option(
    "--allow-unpriced",
    is_flag=True,
    help="Run models with no known price (their calls are not counted against the budget cap).",
)
quiet_option = click.option("--quiet", is_flag=True, help="No progress: only the run id and resume lines.")
resume_option = click.option(
    "--resume", help="Run id to resume: its stored plan is replayed and only missing cells are called."
)


class RoutingGroup(click.Group):
    """Turns domain errors into `Error: <file>: <field>: <message>` and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        from evals.errors import DomainError

        try:
            return super().invoke(ctx)
        except DomainError as exc:
            error = click.ClickException(str(exc))
            error.exit_code = exc.exit_code  # 1, or 3 when every attempt of a run errored
            raise error from None


def config_option(fn: Callable) -> Callable:
    @click.option("--config", "config_path", default="routing.yaml", show_default=True, help=CONFIG_HELP)
    @functools.wraps(fn)
    def wrapper(*args: Any, config_path: str, **kwargs: Any) -> Any:
        from routing.config import load_config

        return fn(*args, config=load_config(config_path), **kwargs)

    return wrapper


def err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def out_console() -> Any:
    """Terminal width on a terminal; wide enough for full model ids when piped or logged."""
    from rich.console import Console

    return Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)


@click.group(cls=RoutingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="routing-recommender")
def main() -> None:
    """Eval-driven weekly LLM routing: test the leaderboard movers on your golden tasks, propose a policy."""


def _mode(simulate: bool, replay: str | None, results: str | None = None) -> tuple[str, Path | None]:
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


@main.command()
@simulate_option
@replay_option
@click.option("--results", type=FILE, help="Decide from recorded verdicts (JSONL).")
@click.option("--tiers", help="Comma-separated tiers (default: all configured).")
@budget_option
@click.option("--rankings", type=ANY_PATH, help="Folder of rankings snapshots.")
@click.option("--policy", type=FILE, help="Current policy (default: paths.policy).")
@click.option("--out", type=FOLDER, help="Report folder (default: reports/<date>).")
@click.option("--date", "day", help="Report date (default: today).")
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
    resume: str | None,
    allow_unpriced: bool,
    quiet: bool,
) -> None:
    """The weekly one-shot: rankings, candidates, eval, scores, proposal, diff, rollout plan, report."""
    from routing.app.weekly import RecommendOptions
    from routing.app.weekly import recommend as run_recommend
    from routing.render.console import print_summary

    mode, source = _mode(simulate, replay, results)
    opts = RecommendOptions(
        mode=mode,  # type: ignore[arg-type]
        source=source,
        tiers=tiers,
        budget_usd=budget_usd,
        rankings=Path(rankings) if rankings else None,
        policy=Path(policy) if policy else None,
        out=Path(out) if out else None,
        resume=resume,
        allow_unpriced=allow_unpriced,
    )
    if day:
        opts.day = day
    observer = observe(quiet)
    rec = observed(observer, lambda: run_recommend(config, opts, observer))
    print_summary(out_console(), rec)


@main.command("eval")
@simulate_option
@replay_option
@click.option("--tasks", "tasks_path", type=ANY_PATH, help="Task file or folder (default: each tier's).")
@click.option("--models", help="Comma-separated catalog slugs (default: the current policy's models).")
@click.option("--tiers", help="Comma-separated tiers.")
@click.option(
    "--repeats", type=click.IntRange(1, 100), help="Attempts per model x task, 1-100 (default: eval.repeats)."
)
@budget_option
@resume_option
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
) -> None:
    """Run golden tasks against models and store every result; prints the run id on its last line.

    Exit codes: 0 done, 1 an input or domain error, 2 a usage error, 3 every attempt errored,
    130 interrupted (what finished is stored; the printed command resumes it)."""
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
    )
    observer = observe(quiet)
    summary = observed(observer, lambda: run_eval(config, request, observer))
    err = err_console()
    err.print(
        f"{summary.completed} cells run ({summary.calls} calls), {summary.reused} reused,"
        f" {summary.errors} errors",
        highlight=False,
    )
    for kind, count in summary.error_types.most_common():
        err.print(f"[red]{count} {kind}[/red]: {summary.first_errors.get(kind, '')}", highlight=False)
    if summary.budget_note():
        err.print(f"[yellow]budget: {summary.budget_note()}[/yellow]", highlight=False)
    click.echo(summary.run_id)


@main.command()
@click.option("--run", "run_id", help="Run id (default: the latest).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@config_option
def score(config: Any, run_id: str | None, fmt: str) -> None:
    """Scores per model x tier for a stored run."""
    from evals.run.store import ResultStore
    from evals.scores import score_all
    from routing.render.console import print_scores, scores_csv

    with ResultStore(config.resolve(config.paths.store)) as store:
        chosen = store.require_run(run_id)
        scores = score_all(store.results(chosen))
    if fmt == "json":
        click.echo(json.dumps({"run_id": chosen, "scores": [s.to_dict() for s in scores]}, indent=2))
    elif fmt == "csv":
        click.echo(scores_csv(scores), nl=False)
    else:
        print_scores(out_console(), scores, chosen)


@main.group()
def results() -> None:
    """Stored results."""


@results.command("export")
@click.argument("run_id")
@click.option("--out", required=True, type=FILE, help="JSONL file to write.")
@config_option
def results_export(config: Any, run_id: str, out: str) -> None:
    """Write a run's results as JSONL (the format `recommend --results` reads)."""
    from evals.run.results_file import write_results
    from evals.run.store import ResultStore

    with ResultStore(config.resolve(config.paths.store)) as store:
        rows = store.results(store.require_run(run_id))
    write_results(rows, out)
    err_console().print(f"{len(rows)} results -> {out}")


@main.command()
@click.argument("old", type=FILE)
@click.argument("new", type=FILE)
def diff(old: str, new: str) -> None:
    """Semantic diff of two policy files."""
    from routing.decide.diff import diff_policies
    from routing.policy import load_policy

    for change in diff_policies(load_policy(old), load_policy(new)):
        for line in change.lines:
            click.echo(line)


@main.group()
def export() -> None:
    """Export a policy for a gateway."""


@export.command("litellm")
@click.option("--policy", "policy_path", type=FILE, help="Default: paths.proposed.")
@click.option("--stage", type=int, help="Rollout stage (1-based) from the rollout plan's stages.")
@click.option("--out", type=FILE, help="Write here instead of stdout.")
@config_option
def export_litellm(config: Any, policy_path: str | None, stage: int | None, out: str | None) -> None:
    """Print a LiteLLM proxy config.yaml: one model group per tier, weights for gray shares, fallbacks."""
    from routing.app.export import export_litellm_yaml

    text = export_litellm_yaml(config, policy_path, stage)
    if out:
        from evals.files import atomic_write

        atomic_write(out, text)
        err_console().print(f"wrote {out}")
    else:
        click.echo(text, nl=False)


@main.group()
def tasks() -> None:
    """Golden tasks."""


@tasks.command("validate")
@click.argument("path", required=False, type=ANY_PATH)
@config_option
def tasks_validate(config: Any, path: str | None) -> None:
    """Check task schemas and that each task's reference passes its own checks."""
    from evals.tasks.load import load_tasks, validate_tasks

    paths = [Path(path)] if path else [config.resolve(t.tasks) for t in config.tiers.values()]
    loaded = [t for p in paths for t in load_tasks(p)]
    problems = validate_tasks(loaded)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {len(loaded)} tasks")
    click.echo(f"{len(loaded)} tasks valid")


@main.group()
def rankings() -> None:
    """Public ranking snapshots and momentum."""


@rankings.command("import")
@click.argument("files", nargs=-1, required=True, type=FILE)
@config_option
def rankings_import(config: Any, files: tuple[str, ...]) -> None:
    """Import weekly top-N JSON/CSV, rankings-daily JSON or a manual weekly YAML into snapshots."""
    from routing.rankings.files import import_file, save_snapshot

    folder = config.resolve(config.paths.rankings)
    count = 0
    for file in files:
        for snapshot in import_file(Path(file)):
            path = save_snapshot(snapshot, folder)
            count += 1
            err_console().print(f"{file} -> {path}")
    click.echo(f"{count} snapshot(s) written to {folder}")


@rankings.command("show")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@config_option
def rankings_show(config: Any, fmt: str) -> None:
    """Momentum of the latest week against the one before."""
    from routing.decide.momentum import compute_momentum
    from routing.rankings.files import load_snapshots
    from routing.render.console import momentum_json, print_momentum

    snapshots = load_snapshots(config.resolve(config.paths.rankings))
    momentum = compute_momentum(snapshots)
    if fmt == "json":
        click.echo(json.dumps(momentum_json(momentum, snapshots), indent=2))
    else:
        print_momentum(out_console(), momentum, snapshots)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
