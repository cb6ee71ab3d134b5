"""Names in one line, for the notes and error messages of both layers: a few shown, the rest counted."""

from __future__ import annotations

from collections.abc import Sequence


def some_of(names: Sequence[str], shown: int = 3) -> str:
    """'a, b, c and 2 more': the first `shown` names, then how many are left out."""
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")
