"""Read LiteLLM proxy spend logs and OpenRouter activity exports into one normalized pandas table.

Sources (CSV, JSON list, JSON `{"data": [...]}` or JSONL):
* LiteLLM proxy `LiteLLM_SpendLogs` rows (the columns of the proxy's schema.prisma, 1.106.2): one row
  per request; `model_id` is the export's `model_info.id`, which names tier, role and catalog model.
* OpenRouter `/api/v1/activity` items (date, model, usage, requests, prompt/completion tokens...): one
  row per model, endpoint and day; no tier, no latency, no failures (those stay unknown).
A column that belongs to neither is an error naming it: a renamed column silently read as missing
would turn spend into "unknown" without anyone noticing. Imported tables are stored as CSV in
`paths.usage`, one row per (source, request_id) when read back (routing/usage/dedupe.py). A request_id is
kept as text (`007` stays `007`) and a missing one stays missing, never the text "nan".
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.errors import InputError
from evals.files import atomic_write, parse_json, read_text
from routing.usage.dedupe import first_of_each_request
from routing.usage.ids import parse_deployment_id, tier_of_group
from routing.usage.records import NORMALIZED

if TYPE_CHECKING:
    import pandas as pd

SPEND_LOG_COLUMNS = frozenset(
    {
        "request_id",
        "call_type",
        "api_key",
        "spend",
        "total_tokens",
        "prompt_tokens",
        "completion_tokens",
        "startTime",
        "endTime",
        "request_duration_ms",
        "completionStartTime",
        "model",
        "model_id",
        "model_group",
        "custom_llm_provider",
        "api_base",
        "user",
        "metadata",
        "cache_hit",
        "cache_key",
        "request_tags",
        "team_id",
        "organization_id",
        "end_user",
        "requester_ip_address",
        "messages",
        "response",
        "session_id",
        "status",
        "mcp_namespaced_tool_name",
        "billing_agent_id",
        "agent_id",
        "proxy_server_request",
        "litellm_call_id",
        "created_at",
        "updated_at",
    }
)
SPEND_LOG_REQUIRED = ("request_id", "startTime", "spend", "prompt_tokens", "completion_tokens", "status")
ACTIVITY_COLUMNS = frozenset(
    {
        "date",
        "model",
        "model_permaslug",
        "endpoint_id",
        "provider_name",
        "usage",
        "byok_usage_inference",
        "requests",
        "prompt_tokens",
        "completion_tokens",
        "reasoning_tokens",
    }
)
ACTIVITY_REQUIRED = ("date", "model", "usage", "requests", "prompt_tokens", "completion_tokens")


def _records(path: Path, text: str) -> list[dict[str, Any]] | None:
    """JSON / JSONL rows, or None when the text is not JSON (then it is read as CSV)."""
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return None
    if stripped.startswith("{") and "\n{" in stripped.rstrip():
        rows = []
        for line_no, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(path, f"line {line_no}", f"invalid JSON: {exc.msg}") from None
        return rows
    raw = parse_json(text, path)
    rows = raw.get("data") if isinstance(raw, dict) else raw
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError(path, None, 'expected a list of objects (or {"data": [...]})')
    return rows


def read_table(path: str | Path) -> pd.DataFrame:
    """The file's rows as a DataFrame, whatever its format; every problem names the file."""
    import pandas as pd

    p = Path(path)
    text = read_text(p)
    rows = _records(p, text)
    if rows is not None:
        return pd.DataFrame(rows)
    try:
        return pd.read_csv(io.StringIO(text), dtype={"request_id": str})  # ids are names, not numbers
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(p, None, f"not CSV or JSON: {exc}") from None


def detect_source(path: Path, columns: list[str]) -> str:
    cols = set(columns)
    if {"request_id", "startTime", "spend"} <= cols:
        known, required, source = SPEND_LOG_COLUMNS, SPEND_LOG_REQUIRED, "litellm_spend_logs"
    elif {"date", "model", "usage", "requests"} <= cols:
        known, required, source = ACTIVITY_COLUMNS, ACTIVITY_REQUIRED, "openrouter_activity"
    else:
        raise InputError(
            path,
            None,
            "neither LiteLLM spend logs (request_id, startTime, spend, ...) nor an OpenRouter activity "
            f"export (date, model, usage, requests, ...); columns: {', '.join(sorted(cols)) or 'none'}",
        )
    unknown = sorted(cols - known)
    if unknown:
        raise InputError(
            path, ", ".join(unknown), f"unknown column(s) for {source}; known: {', '.join(sorted(known))}"
        )
    missing = [c for c in required if c not in cols]
    if missing:
        raise InputError(path, ", ".join(missing), f"required column(s) missing for {source}")
    return source


def _catalog_slug(model: str) -> str:
    return model.removeprefix("openrouter/")


def _number(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    import pandas as pd

    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
    if bad.any():
        row = int(bad.idxmax())
        raise InputError(path, f"row {row + 1}: {column}", f"not a number: {frame[column][row]!r}")
    return values


def _request_id(value: Any) -> str | None:
    """A row's request_id as text; None when the row has none (a JSON number 7.0 reads as "7")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _spend_logs(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    import pandas as pd

    ids = frame["model_id"] if "model_id" in frame else pd.Series([None] * len(frame))
    parsed = [parse_deployment_id(str(i)) if isinstance(i, str) and i else None for i in ids]
    groups = frame["model_group"] if "model_group" in frame else pd.Series([None] * len(frame))
    models = frame["model"] if "model" in frame else pd.Series([None] * len(frame))
    group = [
        p[0] if p else (g if isinstance(g, str) and g else None) for p, g in zip(parsed, groups, strict=True)
    ]
    start = pd.to_datetime(frame["startTime"], utc=True, errors="coerce", format="mixed")
    if start.isna().any():
        raise InputError(path, f"row {int(start.isna().idxmax()) + 1}: startTime", "not a timestamp")
    if "request_duration_ms" in frame:
        duration = _number(frame, "request_duration_ms", path)
    elif "endTime" in frame:
        end = pd.to_datetime(frame["endTime"], utc=True, errors="coerce", format="mixed")
        duration = (end - start).dt.total_seconds() * 1000
    else:
        duration = pd.Series([float("nan")] * len(frame))
    return pd.DataFrame(
        {
            "source": "litellm_spend_logs",
            "request_id": [_request_id(v) for v in frame["request_id"]],
            "ts": start,
            "tier": [tier_of_group(g) if g else None for g in group],
            "group": group,
            "deployment_id": [i if isinstance(i, str) and i else None for i in ids],
            "model": [
                p[2] if p else (_catalog_slug(m) if isinstance(m, str) and m else None)
                for p, m in zip(parsed, models, strict=True)
            ],
            "requests": 1,
            "failures": (frame["status"].astype(str).str.lower() != "success").astype(int),
            "spend_usd": _number(frame, "spend", path),
            "prompt_tokens": _number(frame, "prompt_tokens", path).fillna(0).astype(int),
            "completion_tokens": _number(frame, "completion_tokens", path).fillna(0).astype(int),
            "duration_ms": duration.astype(float),
        }
    )


def _activity(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    import pandas as pd

    day = pd.to_datetime(frame["date"], utc=True, errors="coerce", format="mixed")
    if day.isna().any():
        raise InputError(path, f"row {int(day.isna().idxmax()) + 1}: date", "not a date")
    spend = _number(frame, "usage", path)
    if "byok_usage_inference" in frame:  # BYOK calls are paid to the provider, not in OpenRouter credits
        spend = spend + _number(frame, "byok_usage_inference", path).fillna(0)
    endpoint = frame["endpoint_id"].astype(str) if "endpoint_id" in frame else ""
    return pd.DataFrame(
        {
            "source": "openrouter_activity",
            "request_id": frame["date"].astype(str) + "|" + frame["model"].astype(str) + "|" + endpoint,
            "ts": day,
            "tier": None,
            "group": None,
            "deployment_id": None,
            "model": frame["model"].astype(str).map(_catalog_slug),
            "requests": _number(frame, "requests", path).fillna(0).astype(int),
            "failures": float("nan"),  # the activity export counts what was served, not what failed
            "spend_usd": spend,
            "prompt_tokens": _number(frame, "prompt_tokens", path).fillna(0).astype(int),
            "completion_tokens": _number(frame, "completion_tokens", path).fillna(0).astype(int),
            "duration_ms": float("nan"),
        }
    )


def read_usage_file(path: str | Path) -> pd.DataFrame:
    """One spend-log or activity file as the normalized table (columns `records.NORMALIZED`)."""
    p = Path(path)
    frame = read_table(p)
    source = detect_source(p, [str(c) for c in frame.columns])
    table = _spend_logs(frame, p) if source == "litellm_spend_logs" else _activity(frame, p)
    return table[list(NORMALIZED)]


def save_usage(table: pd.DataFrame, folder: str | Path) -> Path:
    """Store a normalized table as CSV under a name derived from its content (re-imports overwrite)."""
    text = table.to_csv(index=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    source = str(table["source"].iloc[0]) if len(table) else "empty"
    return atomic_write(Path(folder) / f"{source}-{digest}.csv", text)


def load_usage(folder: str | Path) -> pd.DataFrame | None:
    """Every stored table, one row per (source, request_id) however many files hold a request (stores
    written before imports skipped known requests may overlap); None when nothing was imported."""
    import pandas as pd

    files = sorted(Path(folder).glob("*.csv")) if Path(folder).is_dir() else []
    if not files:
        return None
    tables = []
    for f in files:
        table = pd.read_csv(io.StringIO(read_text(f)), dtype={"request_id": str})
        missing = [c for c in NORMALIZED if c not in table.columns]
        if missing:
            raise InputError(f, ", ".join(missing), "not a stored usage table (re-import the source file)")
        tables.append(table[list(NORMALIZED)])
    table = pd.concat(tables, ignore_index=True)
    table["ts"] = pd.to_datetime(table["ts"], utc=True, format="mixed")
    return first_of_each_request(table)[0]
