"""Domain errors: the one kind of exception the CLI turns into a one-line message and exit code 1."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pydantic stays out of CLI start-up: the error group imports this module
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound="BaseModel")


class DomainError(Exception):
    """A problem the user can fix: bad input, missing file, exhausted budget."""

    exit_code = 1


class RunFailed(DomainError):
    """Every attempt of a run errored: nothing to decide from (exit code 3). Carries the summary."""

    exit_code = 3

    def __init__(self, message: str, summary: object = None) -> None:
        super().__init__(message)
        self.summary = summary


class InputError(DomainError):
    """Bad content in a file the user wrote: names the file and the field."""

    def __init__(self, path: str | Path | None, field: str | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.field = field
        self.message = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = ": ".join(part for part in (self.path, self.field) if part)
        return f"{where}: {self.message}" if where else self.message


class OptionError(InputError):
    """A command-line value the program refused: the CLI reports it as click's usage error for that
    option (`Invalid value for '--tiers': ...`, exit code 2), not as a problem in some file."""

    exit_code = 2

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(None, option, message)


def unknown_value(kind: str, value: str, known: Sequence[str]) -> str:
    """`unknown tier 'codng' (tiers: chat, coding, ...); did you mean 'coding'?`: the allowed values,
    and the closest one when the value looks like a typo of it."""
    from evals.text import close_match

    close = close_match(value, known)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"unknown {kind} {value!r} ({kind}s: {', '.join(known)}){hint}"


def pydantic_field(loc: tuple) -> str:
    """Render a pydantic error location like ('tiers', 'coding', 'gates') as 'tiers.coding.gates'."""
    return ".".join(str(part) for part in loc)


def from_validation_error(path: str | Path, exc: ValidationError, prefix: str = "") -> InputError:
    """Turn the first pydantic ValidationError entry into an InputError naming file and field."""
    first = exc.errors()[0]
    field = pydantic_field(first.get("loc", ()))
    if prefix:
        field = f"{prefix}.{field}" if field else prefix
    return InputError(path, field or None, first.get("msg", "invalid value"))


def validated(model: type[M], raw: Any, path: str | Path, prefix: str = "") -> M:
    """Validate raw data into a pydantic record; the first problem names the file and the field."""
    from pydantic import ValidationError

    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise from_validation_error(path, exc, prefix) from None
