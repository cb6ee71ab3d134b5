"""Reading JSONL files users hand us: each bad line is reported with the file and the line number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from routing.errors import InputError


def read_objects(path: str | Path, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for every non-blank line; `what` names the file kind in errors."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, None, f"{what} file not found")
    with p.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(p, f"line {line_no}", f"invalid JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise InputError(p, f"line {line_no}", "expected a JSON object")
            yield line_no, row


def require(path: str | Path, line_no: int, row: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Every named field must be present and non-empty."""
    for field in fields:
        if row.get(field) in (None, ""):
            raise InputError(path, f"line {line_no}: {field}", "required field is missing")
