"""`routing usage` and `routing rollout`: the team's own traffic .

Same rules as every command: parse, call one app function, print; heavy imports inside the commands. These
groups are attached to `routing` in routing/cli/__init__.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from routing.cli.options import FILE, config_option


def note(line: str) -> None:
    click.echo(line, err=True)


@click.group()
def usage() -> None:
    """The team's own traffic: LiteLLM spend logs and OpenRouter activity exports."""


@usage.command("import")
@click.argument("files", nargs=-1, required=True, type=FILE)
@config_option
def usage_import(config: Any, files: tuple[str, ...]) -> None:
    """Import LiteLLM_SpendLogs exports and OpenRouter activity exports (CSV, JSON or JSONL)."""
    from routing.app.usage import import_usage

    for done in import_usage(config, [Path(f) for f in files]):
        skipped = f" ({done.duplicates} duplicate rows skipped: request_id already imported)"
        if done.stored is not None:
            note(f"{done.rows} {done.source} rows -> {done.stored}" + (skipped if done.duplicates else ""))
        elif done.duplicates:
            note(f"{done.file}: nothing new" + skipped)
        else:
            note(f"{done.file}: no rows")


@usage.command("show")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def usage_show(config: Any, fmt: str) -> None:
    """Token vs spend share per model and week, concentration, and own traffic vs the public board."""
    from routing.app.usage import usage_summary
    from routing.render.usage import usage_json, usage_lines

    summary = usage_summary(config)
    if summary is None:
        raise click.ClickException("no usage imported yet: `routing usage import FILE...`")
    if fmt == "json":
        click.echo(json.dumps(usage_json(summary), indent=2))
    else:
        click.echo("\n".join(usage_lines(summary)))


@click.group()
def rollout() -> None:
    """Rollout stages judged from the team's traffic."""


@rollout.command("check")
@click.option("--stage", type=int, required=True, help="The stage (1-based) the proxy is running.")
@click.option("--usage", "usage_path", type=FILE, required=True, help="LiteLLM spend logs of the stage.")
@click.option("--plan", "plan_path", type=FILE, help="rollout.yaml (default: the newest in paths.reports).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@config_option
def rollout_check(config: Any, stage: int, usage_path: str, plan_path: str | None, fmt: str) -> None:
    """Promote, hold or roll back. Exit code: 0 promote, 4 hold (more requests needed), 5 roll back."""
    from routing.app.rollout_check import check_rollout, exit_code
    from routing.render.usage import verdict_lines, verdicts_json

    checked = check_rollout(config, stage, Path(usage_path), Path(plan_path) if plan_path else None)
    if fmt == "json":
        click.echo(json.dumps(verdicts_json(checked.verdicts, checked.notes), indent=2))
    else:
        for line in checked.notes:
            note(line)
        click.echo("\n".join(verdict_lines(checked.verdicts)) or "the plan has no candidate to judge")
    sys.exit(exit_code(checked.verdicts))
