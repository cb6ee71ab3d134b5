"""Results JSONL: `routing results export` writes it, `routing recommend --results` decides from it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from pydantic import ValidationError

from evals.errors import InputError
from evals.files import atomic_write, read_objects, require
from evals.providers.cost import resolve_cost
from evals.records import Price, Result
from evals.text import close_match, some_of


def dumps_results(results: Iterable[Result]) -> str:
    return "".join(json.dumps(r.model_dump(mode="json"), sort_keys=False) + "\n" for r in results)


def write_results(results: Iterable[Result], path: str | Path) -> Path:
    return atomic_write(path, dumps_results(results))


def read_results(path: str | Path, on_unread: Callable[[str], None] | None = None) -> list[Result]:
    """Read recorded verdicts of any model ids; rows need task_id, tier, model and passed or an error.

    Fields this format does not have are left out (files from other tools carry their own), and
    `on_unread` is told which, once: a misspelt `latency` must not pass for a row without latency."""
    p = Path(path)
    rows: list[Result] = []
    unread: dict[str, int] = {}  # field -> first line it is on
    for line_no, raw in read_objects(p, "results"):
        require(p, line_no, raw, ("task_id", "tier", "model"))
        for name in raw.keys() - Result.model_fields.keys():
            unread.setdefault(name, line_no)
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
    if unread and on_unread is not None:
        names = sorted(unread, key=lambda name: unread[name])
        shown = [_with_guess(name) for name in names]
        on_unread(f"{p}: fields not read: {some_of(shown, shown=5)} (first on line {unread[names[0]]})")
    return rows


def _with_guess(name: str) -> str:
    close = close_match(name, Result.model_fields, cutoff=0.7)
    return f"{name} (did you mean {close}?)" if close else name


def price_recorded_tokens(
    results: Iterable[Result], prices: Mapping[str, tuple[float, float]]
) -> list[Result]:
    """Rows recorded with token counts but no cost take the team's configured price (USD per Mtok in,
    out) by the same rule as a real run's calls (`resolve_cost`). A row of several calls (its tokens are
    one call's) or without token counts stays unknown."""
    out = []
    for r in results:
        price = prices.get(r.model)
        if r.cost_usd is None and price is not None and r.attempts <= 1:
            cost, source = resolve_cost(
                None, None, Price(*price, origin="config"), r.prompt_tokens, r.completion_tokens
            )
            if cost is not None:
                r = r.model_copy(update={"cost_usd": cost, "cost_source": source})
        out.append(r)
    return out
