"""Import Berkeley Function Calling Leaderboard (v3, v4) questions as golden tasks.

One task per question, id `<tier>/bfcl/<BFCL id>`. BFCL's parameter types become JSON schema
(`dict` -> object, `float` -> number, `tuple` -> array, `any` -> untyped); a `.` in a function name
is offered as `_` (OpenAI's `[A-Za-z0-9_-]{1,64}`), as BFCL does for function-calling models. The
possible answer becomes a `tool_call` check under BFCL's rules, and its first accepted values the
reference. Irrelevance questions (no function fits) become `no_tool_call` tasks. Items the schema
cannot express (multi-turn environments, Java types, an answer that fails its own check...) are
skipped with the reason and counted: one odd item never fails the whole import.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.checks.base import SpecError
from evals.checks.registry import build_check, grade
from evals.checks.tool_call import openai_tool_name
from evals.checks.tool_values import OPTIONAL
from evals.errors import InputError, OptionError, unknown_value, validated
from evals.files import read_objects
from evals.records import TIERS, Task
from evals.tasks.validate import tool_problems, validate_tasks
from evals.text import plural

_TYPES = {"dict": "object", "float": "number", "tuple": "array"}
_JSON_TYPES = {"string", "integer", "number", "boolean", "array", "object", "null"}
IRRELEVANT_REPLY = "None of the available tools can do this, so I cannot complete it with them."


class Skip(Exception):
    """An item this importer cannot express as a task; the message is the reason, counted."""


@dataclass
class ImportReport:
    """What an import did: tasks written and, per reason, the items skipped."""

    written: list[Path] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # reason -> first BFCL id skipped for it

    def skip(self, item_id: str, reason: str) -> None:
        self.skipped[reason] += 1
        self.examples.setdefault(reason, item_id)


def json_schema(schema: Any, where: str) -> dict[str, Any]:
    """A BFCL parameter schema as standard JSON schema; a type JSON has no name for is a Skip."""
    if not isinstance(schema, dict):
        raise Skip(f"{where}: parameter schema is not a mapping")
    out = dict(schema)
    kind = out.get("type")
    if kind == "any":
        out.pop("type")
    elif kind is not None:
        mapped = _TYPES.get(kind, kind)
        if mapped not in _JSON_TYPES:
            raise Skip(f"type {kind!r} has no JSON schema equivalent")
        out["type"] = mapped
    out.pop("optional", None)
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: json_schema(v, f"{where}.{k}") for k, v in out["properties"].items()}
    if isinstance(out.get("items"), dict):
        out["items"] = json_schema(out["items"], f"{where}[]")
    return out


def openai_tools(functions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tools, seen = [], set()
    for fn in functions:
        name = openai_tool_name(str(fn.get("name", "")))
        if name in seen:
            raise Skip("two functions are offered under the same tool name")
        seen.add(name)
        params = json_schema(fn.get("parameters") or {"type": "object", "properties": {}}, name)
        tools.append(
            {
                "type": "function",
                "function": {"name": name, "description": fn.get("description", ""), "parameters": params},
            }
        )
    return tools


def first_value(accepted: Any) -> Any:
    """A concrete value from an accepted value: nested BFCL dict answers take their first options."""
    if isinstance(accepted, dict):
        out = {}
        for key, alts in accepted.items():
            options = alts if isinstance(alts, list) else [alts]
            if options and options[0] != OPTIONAL:
                out[key] = first_value(options[0])
        return out
    if isinstance(accepted, list):
        return [first_value(item) for item in accepted]
    return accepted


def reference_arguments(args: dict[str, list[Any]], required: list[str]) -> dict[str, Any]:
    """Each argument's first accepted value; `""` first means "leave it out", unless the schema
    requires the argument (simple_200 lists `""` first for a required one)."""
    out = {}
    for key, alts in args.items():
        values = [a for a in alts if a != OPTIONAL] if key in required else alts
        if values and values[0] != OPTIONAL:
            out[key] = first_value(values[0])
    return out


def expected_calls(ground_truth: Any, tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not isinstance(ground_truth, list) or not ground_truth:
        raise Skip("possible answer has no ground truth calls")
    offered = [t["function"]["name"] for t in tools]
    calls = []
    for entry in ground_truth:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise Skip("ground truth entry is not one {function: args} mapping")
        [(name, args)] = entry.items()
        name = openai_tool_name(name)
        if name not in offered and len(offered) == 1:
            name = offered[0]  # BFCL's simple checker grades against the one offered function
        if name not in offered:
            raise Skip("possible answer names a function that is not offered")
        calls.append({"name": name, "args": args})
    return calls


def convert(question: dict[str, Any], answer: dict[str, Any] | None, tier: str) -> dict[str, Any]:
    """One BFCL question (and its possible answer) as a task mapping; raises Skip."""
    item_id = str(question.get("id", ""))
    turns = question.get("question")
    if item_id.startswith("multi_turn") or not isinstance(turns, list) or len(turns) != 1:
        raise Skip("multi-turn BFCL items need BFCL's executable environments")
    messages = turns[0]
    if not isinstance(messages, list) or not messages:
        raise Skip("question has no messages")
    tools = openai_tools(question.get("function") or [])
    if not tools:
        raise Skip("no functions offered")
    if problems := tool_problems(tools):
        raise Skip(f"tool schema: {problems[0].split(': ', 1)[-1]}")
    raw: dict[str, Any] = {"id": f"{tier}/bfcl/{item_id}", "tier": tier, "messages": messages, "tools": tools}
    if "irrelevance" in item_id:
        raw["checks"] = [{"no_tool_call": {}}]
        raw["reference"] = {"content": IRRELEVANT_REPLY}
        return raw
    if answer is None:
        raise Skip("no possible answer (relevance items: any call is right, no check expresses that)")
    calls = expected_calls(answer.get("ground_truth"), tools)
    spec = calls[0] if len(calls) == 1 else {"calls": calls, "order": "any"}
    raw["checks"] = [{"tool_call": {**spec, "rules": "bfcl"}}]
    params = {t["function"]["name"]: t["function"]["parameters"] for t in tools}
    raw["reference"] = {
        "tool_calls": [
            {
                "name": c["name"],
                "arguments": reference_arguments(c["args"], params[c["name"]].get("required", [])),
            }
            for c in calls
        ]
    }
    return raw


def check_converted(raw: dict[str, Any]) -> None:
    """The task must load and its reference pass its own check; otherwise the item is skipped."""
    try:
        build_check(raw["checks"][0])
        task = validated(Task, raw, "<bfcl>")
    except (InputError, SpecError) as exc:
        raise Skip(f"not expressible as a task: {exc}") from None
    verdict = grade(task, task.reference.as_response())
    if not verdict.passed:
        raise Skip(f"the first accepted values fail the check ({verdict.failure})")
    if problems := validate_tasks([task]):
        raise Skip(f"invalid task: {problems[0].split(': ', 2)[-1]}")


def _dump(raw: dict[str, Any]) -> str:
    """The task as indented JSON, which is YAML too: writing it takes microseconds where PyYAML's
    emitter took ~37 ms a task, and evals.files reads it back with the json module."""
    return json.dumps(raw, indent=1, ensure_ascii=False) + "\n"


def answers_for(questions: Path, answers: Path | None) -> dict[str, dict[str, Any]] | None:
    """The possible answers by id: the given file, else `possible_answer/<same name>` beside it."""
    path = answers or questions.parent / "possible_answer" / questions.name
    if not path.is_file():
        if answers is not None:
            raise InputError(answers, None, "possible answer file not found")
        return None
    return {str(row.get("id")): row for _, row in read_objects(path, "BFCL possible answer")}


def import_bfcl(questions: Path, answers: Path | None, tier: str, out: Path) -> ImportReport:
    """Write one task file per importable question into `out`; report what was skipped and why."""
    if tier not in TIERS:
        raise OptionError("--tier", unknown_value("tier", tier, TIERS))
    by_id = answers_for(questions, answers)
    report = ImportReport()
    out.mkdir(parents=True, exist_ok=True)
    for line_no, question in read_objects(questions, "BFCL questions"):
        item_id = str(question.get("id") or f"line_{line_no}")
        answer = by_id.get(item_id) if by_id is not None else None
        try:
            raw = convert(question, answer, tier)
            check_converted(raw)
        except Skip as why:
            report.skip(item_id, str(why))
            continue
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # an item of a shape not seen yet
            report.skip(item_id, f"unexpected item shape ({type(exc).__name__})")
            continue
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in item_id)
        path = out / f"{safe}.yaml"
        path.write_text(_dump(raw), encoding="utf-8")  # fresh files: no rename dance per task
        report.written.append(path)
    return report


def summary(report: ImportReport, out: Path) -> list[str]:
    """Lines for the console: written, then each skip reason with its count and an example id."""
    lines = [f"{plural(len(report.written), 'task')} written to {out}"]
    for reason, count in report.skipped.most_common():
        lines.append(f"skipped {count}: {reason} (e.g. {report.examples[reason]})")
    return lines
