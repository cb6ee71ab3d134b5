"""Results JSONL: `routing results export` writes it, `routing recommend --results` decides from it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from evals.records import Result
from routing.errors import InputError
from routing.yamlio import atomic_write


def dumps_results(results: Iterable[Result]) -> str:
    return "".join(json.dumps(r.model_dump(mode="json"), sort_keys=False) + "\n" for r in results)


def write_results(results: Iterable[Result], path: str | Path) -> Path:
    return atomic_write(path, dumps_results(results))


def read_results(path: str | Path) -> list[Result]:
    """Read recorded verdicts of any model ids; rows need task_id, tier, model and passed or an error."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, None, "results file not found")
    rows: list[Result] = []
    with p.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(p, f"line {line_no}", f"invalid JSON: {exc.msg}") from None
            if not isinstance(raw, dict):
                raise InputError(p, f"line {line_no}", "expected a JSON object")
            for required in ("task_id", "tier", "model"):
                if raw.get(required) in (None, ""):
                    raise InputError(p, f"line {line_no}: {required}", "required field is missing")
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
