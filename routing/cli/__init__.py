"""The `routing` command line. Thin: each command parses options, calls one app function, prints.

Heavy imports (pydantic models, pandas, litellm) happen inside commands so `routing --help` is fast.
Domain errors become one-line messages with exit code 1 here and only here; usage errors exit 2.
Commands live in the modules of this package, one per area; this module assembles them.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from routing.cli import rankings, tasks, traffic, weekly


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
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
