"""Results JSONL: `routing results export` writes it, `routing recommend --results` decides from it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from evals.errors import InputError
from evals.files import atomic_write, read_objects, require
from evals.records import Result


def dumps_results(results: Iterable[Result]) -> str:
    return "".join(json.dumps(r.model_dump(mode="json"), sort_keys=False) + "\n" for r in results)


def write_results(results: Iterable[Result], path: str | Path) -> Path:
    return atomic_write(path, dumps_results(results))


def read_results(path: str | Path) -> list[Result]:
    """Read recorded verdicts of any model ids; rows need task_id, tier, model and passed or an error."""
    p = Path(path)
    rows: list[Result] = []
    for line_no, raw in read_objects(p, "results"):
        require(p, line_no, raw, ("task_id", "tier", "model"))
        if raw.get("passed") is None and raw.get("status") != "error":
            raise InputError(p, f"line {line_no}: passed", "need passed (true/false) or status=error")
        raw.setdefault("provider_kind", "recorded")
        try:
            rows.append(Result.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(x) for x in first["loc"])
            raise InputError(p, f"line {line_no}: {field}", first["msg"]) from None
    if not rows:
        raise InputError(p, None, "no results in file")
    return rows
