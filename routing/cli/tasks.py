"""`routing tasks`: validate golden tasks, import BFCL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    pass

from routing.cli.options import (
    ANY_PATH,
    FILE,
    FOLDER,
    config_option,
)


@click.group()
def tasks() -> None:
    """Golden tasks."""


@tasks.command("validate")
@click.argument("path", required=False, type=ANY_PATH)
@config_option
def tasks_validate(config: Any, path: str | None) -> None:
    """Check task schemas and that each task's reference passes its own checks; lists every problem."""
    from evals.text import plural
    from routing.app.tasks import validate_tasks

    valid, problems = validate_tasks(config, Path(path) if path else None)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{plural(len(problems), 'problem')}; {plural(len(valid), 'valid task')}")
    click.echo(f"{plural(len(valid), 'task')} valid")


@tasks.command("import-bfcl")
@click.argument("questions", type=FILE)
@click.argument("answers", required=False, type=FILE)
@click.option("--tier", default="agent", show_default=True, help="Tier of the imported tasks.")
@click.option("--out", required=True, type=FOLDER, help="Folder for the task files.")
def tasks_import_bfcl(questions: str, answers: str | None, tier: str, out: str) -> None:
    """BFCL questions (+ possible answers) to one task per question, id <tier>/bfcl/<BFCL id>."""
    from routing.app.tasks import import_bfcl_tasks

    lines = import_bfcl_tasks(Path(questions), Path(answers) if answers else None, tier, Path(out))
    for line in lines[1:]:
        click.echo(line, err=True)
    click.echo(lines[0])
