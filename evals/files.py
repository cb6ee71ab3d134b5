"""The one place files are read and written: every read problem becomes a one-line InputError.

Missing files, unreadable files, bytes that are not UTF-8, YAML and JSON syntax errors all name the
file (and the line where there is one), so no caller writes its own try/except around a read. YAML is
read with `safe_load` and written with `safe_dump` semantics; outputs are written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from evals.errors import InputError

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster, same safe subset


def read_text(path: str | Path) -> str:
    """A UTF-8 text file's content; a missing, unreadable or non-UTF-8 file names the file."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(p, None, "file not found") from None
    except IsADirectoryError:
        raise InputError(p, None, "is a folder, expected a file") from None
    except UnicodeDecodeError as exc:
        raise InputError(p, None, f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise InputError(p, None, f"cannot read: {exc.strerror or exc}") from None


def parse_yaml(text: str, path: str | Path) -> Any:
    """YAML text via safe_load; a syntax error names the file and the line.

    JSON is YAML, and a file that is JSON (machine-written tasks, e.g. a BFCL import) is read by
    the json module, ~30x faster than YAML's Python-side constructor; anything else goes to YAML.
    """
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            pass  # YAML flow style, not JSON: let YAML read it (and report its errors)
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # = yaml.safe_load, on libyaml when it is there
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(path, where, f"YAML syntax error: {problem}") from None


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file with safe_load; every problem names the file."""
    return parse_yaml(read_text(path), path)


def parse_json(text: str, path: str | Path) -> Any:
    """JSON text; a syntax error names the file and the line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"line {exc.lineno}", f"invalid JSON: {exc.msg}") from None


def read_objects(path: str | Path, what: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for every non-blank line of a JSONL file; `what` names its kind."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, None, f"{what} file not found")
    for line_no, line in enumerate(read_text(p).splitlines(), 1):
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
    """Every named field of a JSONL row must be present and non-empty."""
    for field in fields:
        if row.get(field) in (None, ""):
            raise InputError(path, f"line {line_no}: {field}", "required field is missing")


def dump_yaml(data: Any) -> str:
    """Deterministic YAML: key order kept, no aliases, unicode as is."""

    class _NoAliasDumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100)


def atomic_write(path: str | Path, text: str) -> Path:
    """Write text to path via a temp file in the same folder and a rename, so readers never see half.

    The file gets the user's umask (mkstemp alone would leave it 0600).
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
