"""What a person (or a CI log) sees while a run spends: its id, plan and resume command before the
first call, then calls done, errors, spend and ETA: a live line that stays on screen on a terminal,
a plain line every tenth of the run when piped, nothing but the start lines with --quiet."""

from __future__ import annotations

import time
from typing import Any

from evals.records import Result
from evals.text import plural

# A run that calls some models for real among simulated ones (`--real`) keeps no plan for them.
NOT_RESUMABLE = "a run with --real models cannot be resumed (each is new evidence: run it again)"


def spend_text(known: float, estimated: float, unpriced: int, kind: str) -> str:
    """What the run has spent, never an unknown shown as $0: the known costs, the estimates the budget
    counted for calls whose cost is unknown, and the calls with neither (labelled when simulated)."""
    label = " simulated" if kind == "sim" else ""
    calls = f"{plural(unpriced, 'attempt')} of unknown cost"
    if unpriced and not known and not estimated:
        return f"spend unknown{label} ({calls})"
    text = f"${known:.4f}{label} spent"
    if estimated:
        text += f" + ${estimated:.4f} estimated for calls of unknown cost"
    return text + (f" + {calls}" if unpriced else "")


def status_line(run_id: str, done: int, todo: int, errors: int, spend: str, started: float) -> str:
    """`eval r-1: 40/120 cells, 2 errors, $0.0123 spent, ETA 35s`."""
    elapsed = time.monotonic() - started
    eta = f"{(elapsed / done) * (todo - done):.0f}s" if done and todo > done else ("0s" if done else "?")
    return f"eval {run_id}: {done}/{plural(todo, 'cell')}, {plural(errors, 'error')}, {spend}, ETA {eta}"


class ProgressObserver:
    """A RunObserver for the CLI. `live`: a terminal; `quiet`: start lines only."""

    def __init__(self, console: Any, *, live: bool, quiet: bool = False) -> None:
        self.console = console
        self.live = live and not quiet
        self.quiet = quiet
        self.start: Any = None
        self.done = 0
        self.errors = 0
        self.budget: Any = None  # the run's evals.run.budget.Budget, from the latest summary
        self._started = time.monotonic()
        self._every = 1
        self._live: Any = None

    def run_started(self, start: Any) -> None:
        self.start = start
        self._started = time.monotonic()
        self._every = max(1, start.todo // 10)
        self.console.print(f"run {start.run_id}: {start.plan}", highlight=False, soft_wrap=True)
        reused = start.planned - start.todo
        to_run = f"{plural(start.todo, 'cell')} to run ({reused} already stored)"
        if not start.todo:  # nothing left that an interruption could cut short
            self.console.print(f"{to_run}: nothing left to call", highlight=False)
            return
        if start.resume_command:
            self.console.print(f"{to_run}; if interrupted, resume with:", highlight=False)
            self.console.print(f"  {start.resume_command}", highlight=False, soft_wrap=True)
        else:
            self.console.print(f"{to_run}; {NOT_RESUMABLE}", highlight=False)
        if self.live:
            from rich.live import Live

            self._live = Live(self._line(), console=self.console, refresh_per_second=4, transient=False)
            self._live.start()

    def cell_done(self, result: Result, summary: Any) -> None:
        self.done += 1
        self.errors += result.status == "error"
        self.budget = summary.budget
        if self._live is not None:
            self._live.update(self._line())
        elif not self.quiet and (self.done % self._every == 0 or self.done == self.start.todo):
            self.console.print(self._line(), highlight=False, soft_wrap=True)

    def _line(self) -> str:
        start = self.start
        b = self.budget
        known, estimated, unpriced = (b.known, b.estimated, b.unguarded) if b else (0.0, 0.0, 0)
        spend = spend_text(known, estimated, unpriced, start.provider_kind)
        return status_line(start.run_id, self.done, start.todo, self.errors, spend, self._started)

    def stop(self) -> None:
        if self._live is not None:
            self._live.update(self._line())
            self._live.stop()
            self._live = None

    def interrupted_note(self) -> str:
        """Said on Ctrl-C: what is stored and how to go on."""
        if self.start is None:
            return "interrupted before the first call; nothing was run"
        start = self.start
        stored = start.planned - start.todo + self.done
        cells = f"{stored}/{plural(start.planned, 'cell')}"
        then = f"resume with: {start.resume_command}" if start.resume_command else NOT_RESUMABLE
        return f"interrupted: {cells} of run {start.run_id} stored; {then}"
