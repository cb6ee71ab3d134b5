"""Argument values and types for tool-call checks, following BFCL's AST checker rules.

BFCL (ShishirPatil/gorilla, `ast_checker.py`) is the reference most teams know, and imported BFCL
answers only grade fairly under its rules:

- each expected argument maps to a list of accepted values; a scalar means a one-value list;
- `""` in the list means the argument may be omitted (it never matches a value that was sent,
  except the schema's own `default`: sending the default is the same as leaving it out);
- a sent value equal to the schema's `default` and to an accepted value passes even when it is
  not of the declared type (BFCL answers list such defaults, e.g. `null` for a string);
- strings compare *normalized* by default, like BFCL: case-insensitive, ignoring whitespace and the
  characters ``,./-_*^``, with ``'`` read as ``"`` (so "New York, NY" == "new york,ny");
  `strings: exact` compares them after strip only;
- an int is accepted where a number is expected (5 == 5.0); a bool never equals a number;
- a list value matches an accepted list element by element, in order;
- a dict value matches an accepted dict whose keys map to accepted-value lists (BFCL dict answers).

Types follow JSON Schema (2.0 is an integer, a bool is not) and also read BFCL's own type names
(dict, float, tuple, any). Unlike BFCL, a string is never accepted for a non-string type: a JSON
tool call carries values, not Python variable names.
"""

from __future__ import annotations

import re
from typing import Any

OPTIONAL = ""  # BFCL marker in an accepted-value list: the argument may be left out

_TYPE_ALIASES = {"dict": "object", "float": "number", "tuple": "array", "int": "integer", "bool": "boolean"}
_NORMALIZE = re.compile(r"[\s,./\-_*^]")


def normalize_string(text: str) -> str:
    """BFCL's string standardisation: we do not punish "April 1, 2024" vs "april 1 2024"."""
    return _NORMALIZE.sub("", text).lower().replace("'", '"')


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value, for reasons."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _has_type(value: Any, kind: str) -> bool:
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: _is_number(v) and float(v).is_integer(),
        "number": _is_number,
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "null": lambda v: v is None,
    }
    check = checks.get(kind)
    return True if check is None else check(value)  # unknown types ("any") accept everything


def type_error(value: Any, schema: Any, path: str, floats_in_arrays: bool = False) -> str | None:
    """First JSON-schema `type` mismatch in value (recursing into items and properties), or None.

    `floats_in_arrays` is BFCL's rule: an int is accepted for a float argument but not as an item
    of a float array (`[1, 2.5]` for `array of float` is a type error there).
    """
    if not isinstance(schema, dict):
        return None
    declared = schema.get("type")
    if declared is not None:
        kinds = [_TYPE_ALIASES.get(k, k) for k in (declared if isinstance(declared, list) else [declared])]
        if not any(_has_type(value, str(k)) for k in kinds):
            return f"argument {path}: expected {' or '.join(map(str, kinds))}, got {json_type(value)}"
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, dict):
        float_items = floats_in_arrays and _TYPE_ALIASES.get(items.get("type"), items.get("type")) == "number"
        for i, item in enumerate(value):
            if float_items and isinstance(item, int) and not isinstance(item, bool):
                return f"argument {path}[{i}]: expected a float item, got integer {item} (BFCL rule)"
            if err := type_error(item, items, f"{path}[{i}]", floats_in_arrays):
                return err
    props = schema.get("properties")
    if isinstance(value, dict) and isinstance(props, dict):
        for key, item in value.items():
            if key in props and (err := type_error(item, props[key], f"{path}.{key}", floats_in_arrays)):
                return err
    return None


def value_matches(value: Any, accepted: Any, strings: str = "normalized") -> bool:
    """Does one sent value match one accepted value (never the optional marker)?"""
    if isinstance(accepted, bool) or isinstance(value, bool):
        return isinstance(accepted, bool) and isinstance(value, bool) and value == accepted
    if _is_number(accepted):
        return _is_number(value) and float(value) == float(accepted)
    if isinstance(accepted, str):
        if not isinstance(value, str):
            return False
        if strings == "exact":
            return value.strip() == accepted.strip()
        return normalize_string(value) == normalize_string(accepted)
    if isinstance(accepted, list):
        return (
            isinstance(value, list)
            and len(value) == len(accepted)
            and all(value_matches(v, a, strings) for v, a in zip(value, accepted, strict=True))
        )
    if isinstance(accepted, dict):
        return isinstance(value, dict) and _dict_matches(value, accepted, strings)
    return value is None and accepted is None


def _dict_matches(value: dict[str, Any], accepted: dict[str, Any], strings: str) -> bool:
    for key, alts in accepted.items():
        options = alts if isinstance(alts, list) else [alts]
        if key not in value:
            if OPTIONAL not in options:
                return False
        elif not any(value_matches(value[key], a, strings) for a in options if a != OPTIONAL):
            return False
    return all(key in accepted for key in value)


def is_json(value: Any) -> bool:
    """YAML also yields dates and sets, which a JSON tool call can never carry."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(is_json(v) for v in value)
    return isinstance(value, dict) and all(isinstance(k, str) and is_json(v) for k, v in value.items())
