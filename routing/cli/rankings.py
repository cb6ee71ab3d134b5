"""`routing rankings`: fetch, import and show the public board."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    pass

from routing.cli.options import (
    FILE,
    config_option,
    out_console,
)


@click.group()
def rankings() -> None:
    """Public ranking snapshots and momentum."""


@rankings.command("fetch")
@click.option("--start", help="First day YYYY-MM-DD (default: the API's, 30 days before --end).")
@click.option("--end", help="Last day YYYY-MM-DD (default: the API's, the last completed UTC day).")
@click.option("--replace", is_flag=True, help="Overwrite stored weeks the fetched windows cover.")
@click.option(
    "--base-url",
    envvar="ROUTING_OPENROUTER_BASE_URL",
    help="OpenRouter API base (default: https://openrouter.ai/api/v1).",
)
@config_option
def rankings_fetch(
    config: Any, start: str | None, end: str | None, replace: bool, base_url: str | None
) -> None:
    """Fetch OpenRouter's Data API rankings-daily and the models catalog (needs OPENROUTER_API_KEY)."""
    from evals.text import plural
    from routing.app.rankings import fetch

    summary = fetch(config, start, end, replace=replace, base_url=base_url)
    for line in summary.imported.lines():
        click.echo(line, err=True)
    for path in summary.raw:
        click.echo(f"raw: {path}", err=True)
    if summary.retries:
        click.echo(
            f"waited {sum(summary.retries):.1f} s over {plural(len(summary.retries), 'retry', 'retries')}",
            err=True,
        )
    click.echo(
        f"{summary.imported.count('new')} new, {summary.imported.count('replace')} replaced, "
        f"{summary.imported.count('unchanged')} unchanged; as of {summary.as_of}"
    )


@rankings.command("import")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--replace", is_flag=True, help="Overwrite stored weeks (and catalogs); says what it replaces.")
@config_option
def rankings_import(config: Any, files: tuple[str, ...], replace: bool) -> None:
    """Import weekly top-N JSON/CSV, rankings-daily JSON, manual weekly YAML or /api/v1/models JSON."""
    from routing.app.rankings import import_files

    summary = import_files(config, [Path(f) for f in files], replace=replace)
    for line in summary.lines():
        click.echo(line, err=True)
    click.echo(
        f"{summary.count('new')} new, {summary.count('replace')} replaced, "
        f"{summary.count('unchanged')} unchanged in {config.resolve(config.paths.rankings)}"
    )


@rankings.command("show")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--weeks", type=click.IntRange(min=1), help="Only the last N stored weeks (default: all).")
@config_option
def rankings_show(config: Any, fmt: str, weeks: int | None) -> None:
    """Momentum per model and week: growth, rank and share change, 4-week trend, fast climbers."""
    from routing.app.rankings import show
    from routing.render.rankings import print_board, series_json

    board = show(config, weeks)
    if fmt == "json":
        click.echo(json.dumps(series_json(board.weeks), indent=2))
    else:
        print_board(out_console(), board)
