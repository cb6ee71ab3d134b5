"""Names and counts in one line, for the notes and error messages of both layers: a few names shown,
the rest counted; a count with its noun in the right number."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import get_close_matches


def some_of(names: Sequence[str], shown: int = 3) -> str:
    """'a, b, c and 2 more': the first `shown` names, then how many are left out."""
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 task', '0 tasks', '3 tasks': the count and the noun in its number (`many` when the plural is
    not the noun plus s, e.g. 'retries')."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def close_match(value: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known name `value` most likely misspells, if any: the did-you-mean of every error message."""
    found = get_close_matches(value, list(known), n=1, cutoff=cutoff)
    return found[0] if found else None
