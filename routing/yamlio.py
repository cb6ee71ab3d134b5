"""Safe YAML and atomic file writes: the only way this project reads YAML or writes outputs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from routing.errors import InputError


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file with safe_load; a missing file or a syntax error names the file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(p, None, "file not found") from None
    except OSError as exc:
        raise InputError(p, None, f"cannot read: {exc.strerror}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(p, where, f"YAML syntax error: {problem}") from None


def dump_yaml(data: Any) -> str:
    """Deterministic YAML: key order kept, no aliases, unicode as is."""

    class _NoAliasDumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=100)


def atomic_write(path: str | Path, text: str) -> Path:
    """Write text to path via a temp file in the same folder and a rename, so readers never see half."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
