"""What every command shares: path types, common options, the config loader, the consoles."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
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
EXISTING_PATH = click.Path(resolve_path=True, exists=True)
EXISTING_FOLDER = click.Path(resolve_path=True, exists=True, file_okay=False)


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
