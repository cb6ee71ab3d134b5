"""Policy files side by side: the semantic diff `routing diff` prints."""

from __future__ import annotations

from pathlib import Path

from routing.decide.diff import TierChange, diff_policies
from routing.policy import load_policy


def diff_files(old: Path, new: Path) -> list[TierChange]:
    return diff_policies(load_policy(old), load_policy(new))
