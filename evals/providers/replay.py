"""The `replay` provider: recorded responses re-graded by today's checks, at no cost."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from evals.errors import InputError
from evals.files import read_objects, require
from evals.records import Response, Task, ToolCall


def _tool_calls(raw: Any, path: Path, line: int) -> list[ToolCall]:
    calls = []
    for i, call in enumerate(raw or []):
        if not isinstance(call, dict):
            raise InputError(path, f"line {line}: tool_calls[{i}]", "expected an object")
        fn = call.get("function", call)  # accept OpenAI's nested form and the flat form
        args = fn.get("arguments", "")
        calls.append(
            ToolCall(
                name=str(fn.get("name", "")), arguments=args if isinstance(args, str) else json.dumps(args)
            )
        )
    return calls


def load_replay(path: str | Path) -> dict[tuple[str, str, int], Response]:
    """Read a replay JSONL: one recorded response per model x task x repeat."""
    p = Path(path)
    recorded: dict[tuple[str, str, int], Response] = {}
    for line_no, row in read_objects(p, "replay"):
        require(p, line_no, row, ("model", "task_id"))
        if row.get("content") is None and not row.get("tool_calls"):
            raise InputError(p, f"line {line_no}: content", "content or tool_calls is required")
        key = (row["model"], row["task_id"], int(row.get("repeat") or 0))
        recorded[key] = Response(
            content=row.get("content"),
            tool_calls=_tool_calls(row.get("tool_calls"), p, line_no),
            finish_reason=row.get("finish_reason"),
            prompt_tokens=row.get("prompt_tokens"),
            completion_tokens=row.get("completion_tokens"),
            cost_usd=row.get("cost_usd"),
            cost_source="recorded" if row.get("cost_usd") is not None else None,
            latency_ms=row.get("latency_ms"),
            ttft_ms=row.get("ttft_ms"),
        )
    return recorded


class ReplayProvider:
    """Serves recorded responses; a cell that was never recorded is an error, not a failure."""

    kind = "replay"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.recorded = load_replay(path)

    def fingerprint(self) -> str:
        """Identifies the recording: used in deterministic run ids."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]

    def models(self) -> list[str]:
        return sorted({model for model, _, _ in self.recorded})

    async def complete(self, task: Task, model: str, repeat: int) -> Response:
        found = self.recorded.get((model, task.id, repeat))
        if found is None:
            return Response(
                error_type="not_recorded", error=f"no recording for {model} / {task.id} #{repeat}"
            )
        return found
