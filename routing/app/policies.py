"""Policy files side by side: the semantic diff `routing diff` prints."""

from __future__ import annotations

from pathlib import Path

from routing.decide.diff import TierChange, diff_policies
from routing.policy import load_policy


def diff_files(old: Path, new: Path) -> tuple[list[TierChange], bool]:
    """The changes from `old` to `new`, and whether either rests on simulated evidence (then the diff
    says so, as diff.md does)."""
    before, after = load_policy(old), load_policy(new)
    simulated = before.meta.simulated or after.meta.simulated
    return diff_policies(before, after), simulated
