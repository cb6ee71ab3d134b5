"""A challenger against the incumbent on the tasks both ran: exact McNemar on the discordant tasks.

Pure. Pairing removes the task-difficulty noise a pooled test keeps: only tasks where one model did
better than the other say which is better.
"""

from __future__ import annotations

from dataclasses import dataclass

from evals.scores import Score
from evals.stats import mcnemar_one_sided


@dataclass(frozen=True)
class Paired:
    """Challenger vs incumbent over their common tasks."""

    common: int  # tasks both were graded on
    wins: int  # tasks the challenger did better on
    losses: int  # tasks the incumbent did better on
    challenger_success: float | None  # over the common tasks, every task weighing the same
    incumbent_success: float | None

    @property
    def p_worse(self) -> float:
        """Exact one-sided McNemar p-value that the challenger is worse than the incumbent."""
        return mcnemar_one_sided(self.wins, self.losses)

    @property
    def p_not_better(self) -> float:
        """Exact one-sided McNemar p-value against 'the challenger is better'."""
        return mcnemar_one_sided(self.losses, self.wins)

    @property
    def difference(self) -> float | None:
        if self.challenger_success is None or self.incumbent_success is None:
            return None
        return self.challenger_success - self.incumbent_success


def pair(challenger: Score, incumbent: Score) -> Paired:
    """Compare per task: a task counts as a win when the challenger's pass fraction is higher."""
    both = [
        (c.pass_fraction, i.pass_fraction)
        for task_id, c in challenger.by_task.items()
        if (i := incumbent.by_task.get(task_id)) is not None
        and c.pass_fraction is not None
        and i.pass_fraction is not None
    ]
    if not both:
        return Paired(0, 0, 0, None, None)
    return Paired(
        common=len(both),
        wins=sum(1 for c, i in both if c > i),
        losses=sum(1 for c, i in both if c < i),
        challenger_success=sum(c for c, _ in both) / len(both),
        incumbent_success=sum(i for _, i in both) / len(both),
    )
