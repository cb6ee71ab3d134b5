"""Text checks on the answer's content: contains, equals, regex (with a time limit).

Patterns use the `regex` package, which accepts the `re` syntax and, unlike `re`, can stop a
search after a time limit: a catastrophically backtracking pattern fails one check in a second
instead of hanging `tasks validate` or a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import regex

from evals.checks.base import SpecError, ToolIndex, as_text, clip, empty_content, flag, number, only_options
from evals.records import CheckResult, Response

REGEX_TIMEOUT_S = 1.0
_FLAG_LETTERS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL, "x": regex.VERBOSE}
_FLAG_NAMES = {"IGNORECASE": regex.IGNORECASE, "MULTILINE": regex.MULTILINE, "DOTALL": regex.DOTALL}
_FLAG_NAMES["VERBOSE"] = regex.VERBOSE


def _unwrap_case(spec: Any, key: str) -> tuple[Any, bool]:
    """The long form `{<key>: ..., case_sensitive: bool}` or the bare short form (case-sensitive)."""
    if not isinstance(spec, dict):
        return spec, True
    only_options(spec, (key, "case_sensitive"))
    case_sensitive = flag(spec, "case_sensitive", True)
    if key not in spec:
        raise SpecError(f"missing {key!r}")
    return spec[key], case_sensitive


@dataclass(frozen=True)
class Contains:
    """`contains: text`, `contains: [a, b]` (all must appear) or `{text: ..., case_sensitive: false}`."""

    name: ClassVar[str] = "contains"
    texts: tuple[str, ...]
    case_sensitive: bool = True

    @classmethod
    def build(cls, spec: Any) -> Contains:
        spec, case_sensitive = _unwrap_case(spec, "text")
        items = spec if isinstance(spec, list) else [spec]
        if not items:
            raise SpecError("needs at least one text")
        return cls(tuple(as_text(item) for item in items), case_sensitive)

    def _fold(self, s: str) -> str:
        return s if self.case_sensitive else s.casefold()

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> CheckResult:
        if empty := empty_content(response):
            return empty
        hay = self._fold(response.content or "")
        missing = [t for t in self.texts if self._fold(t) not in hay]
        score = (len(self.texts) - len(missing)) / len(self.texts)
        if missing:
            shown = ", ".join(repr(clip(t, 40)) for t in missing)
            reason = f"missing {len(missing)} of {len(self.texts)} text(s): {shown}"
            return CheckResult(False, score, reason, "missing_text")
        return CheckResult(True, 1.0, f"found all {len(self.texts)} text(s)")


@dataclass(frozen=True)
class Equals:
    """`equals: text` or `{value: ..., case_sensitive: false}`: the stripped content equals it."""

    name: ClassVar[str] = "equals"
    expected: str
    case_sensitive: bool = True

    @classmethod
    def build(cls, spec: Any) -> Equals:
        spec, case_sensitive = _unwrap_case(spec, "value")
        return cls(as_text(spec, "value").strip(), case_sensitive)

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> CheckResult:
        got = (response.content or "").strip()
        fold = (lambda s: s) if self.case_sensitive else str.casefold
        if fold(got) == fold(self.expected):
            return CheckResult(True, 1.0, f"equals {clip(self.expected, 60)!r}")
        reason = f"expected {clip(self.expected, 60)!r}, got {clip(got, 60)!r} ({len(got)} chars)"
        return CheckResult(False, 0.0, reason, "empty_content" if not got else "not_equal")


def regex_flags(value: Any) -> int:
    """`flags: im` (letters) or a list of names like [IGNORECASE, MULTILINE]."""
    if isinstance(value, str):
        names: Any = [value] if value.isupper() else list(value)
    else:
        names = value
    if not isinstance(names, list):
        raise SpecError("'flags' is a string of i, m, s, x or a list of names like [IGNORECASE]", "flags")
    flags = 0
    for item in names:
        key = str(item)
        found = _FLAG_LETTERS.get(key) if len(key) == 1 else _FLAG_NAMES.get(key)
        if found is None:
            raise SpecError(
                f"unknown flag {item!r}; valid: i, m, s, x, IGNORECASE, MULTILINE, DOTALL", "flags"
            )
        flags |= found
    return flags


@dataclass(frozen=True)
class Regex:
    """`regex: pattern` or `{pattern: ..., flags: i, timeout_s: 1}`: a search on the content."""

    name: ClassVar[str] = "regex"
    pattern: str
    flags: int = 0
    timeout_s: float = REGEX_TIMEOUT_S
    compiled: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def build(cls, spec: Any) -> Regex:
        flags, timeout_s = 0, REGEX_TIMEOUT_S
        if isinstance(spec, dict):
            only_options(spec, ("pattern", "flags", "timeout_s"))
            flags = regex_flags(spec.get("flags", ""))
            timeout_s = number(spec, "timeout_s", REGEX_TIMEOUT_S, 0.01, 30)
            spec = spec.get("pattern")
        if not isinstance(spec, str) or not spec:
            raise SpecError("expected a non-empty pattern string", "pattern")
        try:
            compiled = regex.compile(spec, flags | regex.VERSION0)
        except (regex.error, OverflowError, RecursionError) as exc:
            raise SpecError(f"invalid regex: {exc}", "pattern") from None
        return cls(spec, flags, timeout_s, compiled)

    def __call__(self, response: Response, tools: ToolIndex | None = None) -> CheckResult:
        if empty := empty_content(response):
            return empty
        content = response.content or ""
        try:
            found = self.compiled.search(content, timeout=self.timeout_s)
        except TimeoutError:
            pattern = clip(self.pattern, 60)
            reason = f"pattern {pattern!r} gave up after {self.timeout_s:g}s on {len(content)} chars"
            return CheckResult(False, 0.0, reason, "regex_timeout")
        if found is None:
            reason = f"pattern {clip(self.pattern, 60)!r} not found in {len(content)} chars"
            return CheckResult(False, 0.0, reason, "no_match")
        return CheckResult(True, 1.0, f"matched {clip(found.group(0), 60)!r} at char {found.start()}")
