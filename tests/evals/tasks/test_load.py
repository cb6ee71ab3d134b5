"""Loading golden tasks from YAML, their errors, validation, and the shipped starter suite."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from evals.checks.registry import grade
from evals.errors import InputError
from evals.records import TIERS, Response
from evals.tasks.load import load_tasks, tool_problems, validate_tasks

REPO = Path(__file__).resolve().parents[3]

CHAT = """\
messages: [{role: user, content: "Capital of France? One word."}]
params: {temperature: 0, max_tokens: 5}
checks:
  - contains: Paris
reference: {content: Paris}
"""

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_single_task_file_gets_tier_and_id_from_its_folder(tmp_path: Path) -> None:
    file = write(tmp_path / "chat" / "capital.yaml", CHAT)
    [task] = load_tasks(file)
    assert (task.id, task.tier, task.source) == ("chat/capital", "chat", str(file))
    assert task.checks == [{"contains": "Paris"}]
    assert task.params == {"temperature": 0, "max_tokens": 5}


def test_folder_is_searched_recursively_and_sorted(tmp_path: Path) -> None:
    write(tmp_path / "chat" / "b.yaml", CHAT)
    write(tmp_path / "chat" / "a.yml", CHAT)
    write(tmp_path / "agent" / "bfcl" / "simple_0.yaml", CHAT)
    write(tmp_path / "chat" / "notes.txt", "not a task")
    write(tmp_path / "chat" / ".hidden" / "c.yaml", "broken: [")
    tasks = load_tasks(tmp_path)
    assert [t.id for t in tasks] == ["agent/bfcl/simple_0", "chat/a", "chat/b"]
    assert [t.tier for t in tasks] == ["agent", "chat", "chat"]


def test_list_file_holds_several_tasks_with_default_ids(tmp_path: Path) -> None:
    body = "\n".join("- " + CHAT.replace("\n", "\n  ").rstrip() for _ in range(2))
    write(tmp_path / "chat" / "pair.yaml", body + "\n")
    assert [t.id for t in load_tasks(tmp_path)] == ["chat/pair-0", "chat/pair-1"]


def test_explicit_id_and_tier_are_kept(tmp_path: Path) -> None:
    write(tmp_path / "misc" / "x.yaml", "id: my/own\ntier: coding\n" + CHAT)
    [task] = load_tasks(tmp_path)
    assert (task.id, task.tier) == ("my/own", "coding")


def test_tier_argument_is_the_default_outside_tier_folders(tmp_path: Path) -> None:
    write(tmp_path / "misc" / "x.yaml", CHAT)
    [task] = load_tasks(tmp_path, tier="extraction")
    assert (task.id, task.tier) == ("extraction/x", "extraction")


def test_task_tier_contradicting_the_tier_argument_is_an_error(tmp_path: Path) -> None:
    file = write(tmp_path / "x.yaml", "tier: agent\n" + CHAT)
    with pytest.raises(InputError) as info:
        load_tasks(file, tier="coding")
    assert (info.value.path, info.value.field) == (str(file), "tier")
    assert "'agent'" in info.value.message and "'coding'" in info.value.message


def test_missing_tier_is_an_error_listing_tiers(tmp_path: Path) -> None:
    file = write(tmp_path / "misc" / "x.yaml", CHAT)
    with pytest.raises(InputError) as info:
        load_tasks(file)
    assert info.value.field == "tier"
    assert "long_context" in info.value.message


def test_unknown_check_error_names_file_field_and_choices(tmp_path: Path) -> None:
    file = write(
        tmp_path / "chat" / "x.yaml",
        CHAT.replace("  - contains: Paris", "  - contains: Paris\n  - contain: Lyon"),
    )
    with pytest.raises(InputError) as info:
        load_tasks(tmp_path)
    assert str(info.value).startswith(f"{file}: checks[1]: unknown check 'contain'; valid: contains, equals")


def test_bad_check_in_a_list_file_names_the_item(tmp_path: Path) -> None:
    bad = CHAT.replace("contains: Paris", "regex: '(('")
    body = "- " + CHAT.replace("\n", "\n  ").rstrip() + "\n- " + bad.replace("\n", "\n  ").rstrip() + "\n"
    file = write(tmp_path / "chat" / "pair.yaml", body)
    with pytest.raises(InputError) as info:
        load_tasks(file)
    assert (info.value.path, info.value.field) == (str(file), "[1].checks[0].regex.pattern")


def test_schema_error_names_the_field(tmp_path: Path) -> None:
    file = write(tmp_path / "chat" / "x.yaml", CHAT + "temprature: 0\n")
    with pytest.raises(InputError) as info:
        load_tasks(file)
    assert (info.value.path, info.value.field) == (str(file), "temprature")


def test_missing_reference_is_an_error(tmp_path: Path) -> None:
    file = write(tmp_path / "chat" / "x.yaml", CHAT.replace("reference: {content: Paris}\n", ""))
    with pytest.raises(InputError) as info:
        load_tasks(file)
    assert info.value.field == "reference"


def test_empty_messages_are_an_error(tmp_path: Path) -> None:
    text = CHAT.replace('messages: [{role: user, content: "Capital of France? One word."}]', "messages: []")
    with pytest.raises(InputError, match="messages: needs at least one message"):
        load_tasks(write(tmp_path / "chat" / "x.yaml", text))


def test_bad_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    file = write(tmp_path / "chat" / "x.yaml", "messages: [\n  {role: user\n")
    with pytest.raises(InputError) as info:
        load_tasks(tmp_path)
    assert info.value.path == str(file)
    assert "YAML syntax error" in info.value.message and (info.value.field or "").startswith("line")


@pytest.mark.parametrize("text", ["", "just a string\n", "[]\n", "- 3\n"])
def test_a_file_must_hold_task_mappings(tmp_path: Path, text: str) -> None:
    file = write(tmp_path / "chat" / "x.yaml", text)
    with pytest.raises(InputError) as info:
        load_tasks(file)
    assert info.value.path == str(file)
    assert "task mapping" in info.value.message


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    first = write(tmp_path / "chat" / "a.yaml", "id: chat/same\n" + CHAT)
    second = write(tmp_path / "chat" / "b.yaml", "id: chat/same\n" + CHAT)
    with pytest.raises(InputError) as info:
        load_tasks(tmp_path)
    assert info.value.path == str(second)
    assert str(first) in info.value.message and "duplicate task id 'chat/same'" in info.value.message


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such task file or folder"):
        load_tasks(tmp_path / "nope")


def test_empty_folder_has_no_tasks(tmp_path: Path) -> None:
    assert load_tasks(tmp_path) == []


# ---------------------------------------------------------------- validate_tasks


def agent_task(tmp_path: Path, checks: str, reference: str, tools: list | None = None) -> list:
    tools_yaml = yaml.safe_dump({"tools": tools if tools is not None else [TOOL]})
    messages = "messages: [{role: user, content: 'weather in Paris'}]\n"
    text = f"{messages}{tools_yaml}checks:\n{checks}\n{reference}\n"
    return load_tasks(write(tmp_path / "agent" / "w.yaml", text))


def test_valid_agent_task_has_no_problems(tmp_path: Path) -> None:
    tasks = agent_task(
        tmp_path,
        "  - tool_call: {name: get_weather, args: {city: Paris}}",
        "reference: {tool_calls: [{name: get_weather, arguments: {city: Paris}}]}",
    )
    assert validate_tasks(tasks) == []


def test_reference_failing_its_checks_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path / "chat" / "x.yaml",
        CHAT.replace("reference: {content: Paris}", "reference: {content: Lyon}"),
    )
    problems = validate_tasks(load_tasks(tmp_path))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'chat' / 'x.yaml'}: chat/x: reference fails its own checks")
    assert "checks[0] (contains)" in problems[0] and "[missing_text]" in problems[0]


def test_tool_call_naming_a_tool_not_offered_is_reported(tmp_path: Path) -> None:
    tasks = agent_task(
        tmp_path,
        "  - tool_call: {name: get_wether, args: {town: Paris}}",
        "reference: {tool_calls: [{name: get_weather, arguments: {city: Paris}}]}",
    )
    problems = validate_tasks(tasks)
    assert any("checks[0]: names 'get_wether', not an offered tool (get_weather)" in p for p in problems)
    assert any("[wrong_function]" in p for p in problems)


def test_tool_call_argument_not_in_schema_is_reported(tmp_path: Path) -> None:
    tasks = agent_task(
        tmp_path,
        "  - tool_call: {name: get_weather, args: {city: Paris, town: ['']}}",
        "reference: {tool_calls: [{name: get_weather, arguments: {city: Paris}}]}",
    )
    file = tmp_path / "agent" / "w.yaml"
    expected = f"{file}: agent/w: checks[0]: argument 'town' is not in the parameters of 'get_weather'"
    assert validate_tasks(tasks) == [expected]


def test_tool_call_without_tools_is_reported(tmp_path: Path) -> None:
    tasks = agent_task(
        tmp_path,
        "  - tool_call: {name: get_weather, args: {city: Paris}}",
        "reference: {tool_calls: [{name: get_weather, arguments: {city: Paris}}]}",
        tools=[],
    )
    assert any("tool_call check but the task offers no tools" in p for p in validate_tasks(tasks))


def test_unknown_tier_and_bad_role_are_reported(tmp_path: Path) -> None:
    text = CHAT.replace("role: user", "role: human")
    [task] = load_tasks(write(tmp_path / "x.yaml", "tier: long-context\n" + text))
    problems = validate_tasks([task])
    assert any("tier: unknown tier 'long-context'" in p for p in problems)
    assert any("messages[0].role" in p for p in problems)


@pytest.mark.parametrize(
    ("tool", "text"),
    [
        ({"type": "fn", "function": TOOL["function"]}, "tools[0].type: must be 'function'"),
        ({"type": "function"}, "tools[0].function: must be a mapping"),
        ({"type": "function", "function": {"name": "math.factorial"}}, "must match [A-Za-z0-9_-]{1,64}"),
        ({"type": "function", "function": {"name": "f", "parameters": {"type": "dict"}}}, "type: object"),
        (
            {
                "type": "function",
                "function": {"name": "f", "parameters": {"type": "object", "required": ["x"]}},
            },
            "required 'x' is not in properties",
        ),
        (
            {
                "type": "function",
                "function": {"name": "f", "parameters": {"type": "object", "properties": []}},
            },
            "properties must be a mapping",
        ),
        (
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "parameters": {"type": "object", "properties": {"x": {"type": "float"}}},
                },
            },
            "invalid JSON schema",
        ),
    ],
)
def test_tool_problems(tool: dict, text: str) -> None:
    problems = tool_problems([tool])
    assert len(problems) == 1 and text in problems[0], problems


def test_duplicate_tool_names_and_parameterless_tools() -> None:
    bare = {"type": "function", "function": {"name": "ping"}}
    assert tool_problems([bare]) == []
    assert tool_problems([TOOL, TOOL]) == ["tools[1].function.name: duplicate tool name 'get_weather'"]


# ---------------------------------------------------------------- the shipped starter suite


def test_starter_suite_is_valid_with_at_least_four_tasks_per_tier() -> None:
    tasks = load_tasks(REPO / "golden_tasks")
    assert validate_tasks(tasks) == []
    per_tier = Counter(t.tier for t in tasks)
    assert all(per_tier[tier] >= 4 for tier in TIERS), per_tier


def test_starter_suite_rejects_an_empty_answer() -> None:
    """No task is trivially solvable: an empty reply fails every one."""
    tasks = load_tasks(REPO / "golden_tasks")
    passed = [t.id for t in tasks if grade(t, Response(content="")).passed]
    assert passed == []


def test_starter_suite_agent_tier_covers_parallel_and_relevance() -> None:
    agent = [t for t in load_tasks(REPO / "golden_tasks" / "agent")]
    kinds = Counter(next(iter(c)) for t in agent for c in t.checks)
    assert kinds["no_tool_call"] >= 1
    assert any("calls" in c.get("tool_call", {}) for t in agent for c in t.checks)
    assert all(t.tools for t in agent)


def test_an_agent_block_without_tools_is_reported(tmp_path):
    path = tmp_path / "chat" / "loop.yaml"
    path.parent.mkdir()
    path.write_text(
        "messages: [{role: user, content: hi}]\n"
        "checks: [{contains: hi}]\n"
        "reference: {content: hi}\n"
        "agent: {tool_results: {}}\n"
    )
    problems = validate_tasks(load_tasks(path.parent))
    assert len(problems) == 1 and problems[0].endswith("chat/loop: agent: an agent task must offer tools")


# ---------------------------------------------------------------- limits and collecting every error


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    import time

    lines = ["a: &a ['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxxxxxxx']"]
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}]")
    text = "\n".join(lines) + "\nmessages: [{role: user, content: hi}]\nchecks: [{contains: hi}]\n"
    path = write(tmp_path / "chat" / "bomb.yaml", text + "reference: {content: hi}\n")
    started = time.monotonic()
    with pytest.raises(InputError, match="expands to over"):
        load_tasks(path)
    assert time.monotonic() - started < 5


def test_an_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evals.tasks import load

    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    path = write(tmp_path / "chat" / "big.yaml", CHAT + "# " + "x" * 200 + "\n")
    with pytest.raises(InputError, match="the limit is 100"):
        load_tasks(path)


def test_load_checked_lists_every_invalid_task_and_keeps_the_rest(tmp_path: Path) -> None:
    from evals.tasks.load import load_checked

    write(tmp_path / "chat" / "good.yaml", CHAT)
    write(tmp_path / "chat" / "broken.yaml", "messages: [")
    write(tmp_path / "chat" / "wrong.yaml", CHAT.replace("{content: Paris}", "{content: Lyon}"))
    write(
        tmp_path / "chat" / "list.yaml",
        f"- id: chat/named\n  {CHAT.replace(chr(10), chr(10) + '  ')}\n- {{}}\n",
    )
    write(tmp_path / "chat" / "badcheck.yaml", CHAT.replace("contains: Paris", "contain: Paris"))
    valid, problems = load_checked([tmp_path])
    assert [t.id for t in valid] == ["chat/good", "chat/named"]
    text = "\n".join(problems)
    assert len(problems) == 4, text
    assert "broken.yaml: line" in text
    assert "wrong.yaml: chat/wrong: reference fails its own checks: checks[0] (contains)" in text
    assert "list.yaml: [1].messages" in text
    assert "badcheck.yaml: checks[0]: unknown check 'contain'" in text


def test_starter_suite_has_sixty_tasks_with_tested_code_loops_and_long_needles() -> None:
    from evals.providers.base import estimate_tokens

    tasks = load_tasks(REPO / "golden_tasks")
    assert len(tasks) >= 60
    names = Counter(next(iter(c)) for t in tasks for c in t.checks)
    assert sum(1 for t in tasks if t.tier == "coding" and any("python_tests" in c for c in t.checks)) >= 8
    assert sum(1 for t in tasks if t.agent is not None) >= 3
    assert names["no_tool_call"] >= 2 and names["json_schema"] >= 10
    long = [t for t in tasks if t.tier == "long_context" and estimate_tokens(t.messages) >= 30_000]
    assert len(long) >= 2
    assert any(t.id.startswith("agent/bfcl/") for t in tasks)
