"""The `routing` command line. Thin: each command parses options, calls one app function, prints.

Heavy imports (pydantic models, pandas, litellm) happen inside commands so `routing --help` is fast.
Domain errors become one-line messages with exit code 1 here and only here; usage errors exit 2, and so
does a command-line value the app refuses (OptionError): RoutingContext reports it against its option.
Commands live in the modules of this package, one per area; this module assembles them.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from routing.cli import rankings, tasks, traffic, weekly


class RoutingContext(click.Context):
    """A command's context: a value the app refused (OptionError) becomes click's usage error for that
    option, with the command's usage line and exit code 2, as if click had checked it while parsing."""

    def invoke(self, callback: Any, /, *args: Any, **kwargs: Any) -> Any:
        from evals.errors import OptionError

        try:
            return super().invoke(callback, *args, **kwargs)
        except OptionError as exc:
            named = (p for p in self.command.params if exc.option in (*p.opts, p.human_readable_name))
            param = next(named, None)
            hint = None if param else f"'{exc.option}'"
            raise click.BadParameter(exc.message, ctx=self, param=param, param_hint=hint) from None


def _with_routing_context(command: click.Command) -> None:
    """Every command and sub-command under `routing` runs in a RoutingContext."""
    command.context_class = RoutingContext
    for sub in getattr(command, "commands", {}).values():
        _with_routing_context(sub)


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


@click.group(cls=RoutingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="routing-recommender")
def main() -> None:
    """Eval-driven weekly LLM routing: test the leaderboard movers on your golden tasks, propose a policy."""


for command in (
    weekly.recommend,
    weekly.eval_cmd,
    weekly.score,
    weekly.results,
    weekly.diff,
    weekly.export,
    tasks.tasks,
    rankings.rankings,
    traffic.usage,
    traffic.rollout,
):
    _with_routing_context(command)
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
