"""Semantic diff of two routing policies: what a reviewer must approve, tier by tier.

Only routing changes count (primary, fallbacks, gray shares, tiers added or removed); `meta` and
per-tier rationale are explanation, not routing, so a policy that only re-words them shows no change.
Gates copied from routing.yaml into a policy are recorded for the reader as notes, not counted as changes:
they move no traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from routing.policy import GrayShare, Policy, TierPolicy

ChangeKind = Literal["changed", "unchanged", "added", "removed"]


@dataclass(frozen=True)
class TierChange:
    """One tier's verdict: its kind, the primary before and after, and human-readable change lines."""

    tier: str
    kind: ChangeKind
    primary_before: str | None
    primary_after: str | None
    lines: list[str] = field(default_factory=list)
    rationale: str | None = None  # the new policy's rationale for this tier (None when removed)
    gray_before: dict[str, float] = field(default_factory=dict)  # model -> share, structured for rollout
    gray_after: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. gates now recorded: shown, not counted

    @property
    def primary_changed(self) -> bool:
        return self.kind == "changed" and self.primary_before != self.primary_after

    @property
    def is_change(self) -> bool:
        return self.kind != "unchanged"


def format_share(share: float) -> str:
    """0.05 -> '5%', 0.025 -> '2.5%': short, and free of float noise like 5.000000000000001."""
    return f"{share * 100:.4g}%"


def _shares(tier: TierPolicy) -> dict[str, float]:
    return {g.model: g.share for g in tier.gray}


def _list(models: list[str]) -> str:
    return f"[{', '.join(models)}]"


def _gray_text(gray: list[GrayShare]) -> str:
    return ", ".join(f"{g.model} {format_share(g.share)}" for g in gray)


def _gray_lines(tier: str, old: list[GrayShare], new: list[GrayShare]) -> list[str]:
    before = {g.model: g.share for g in old}
    after = {g.model: g.share for g in new}
    lines = []
    for g in new:
        if g.model not in before:
            lines.append(f"{tier}: gray +{g.model} {format_share(g.share)}")
        elif before[g.model] != g.share:
            lines.append(f"{tier}: gray {g.model} {format_share(before[g.model])} -> {format_share(g.share)}")
    lines.extend(f"{tier}: gray -{g.model} {format_share(g.share)}" for g in old if g.model not in after)
    return lines


def _gates_text(gates: dict[str, Any] | None) -> str:
    if not gates:
        return "{}"
    return "{" + ", ".join(f"{k}: {gates[k]}" for k in sorted(gates)) + "}"


def _tier_lines(tier: str, old: TierPolicy, new: TierPolicy) -> list[str]:
    lines = []
    if old.primary != new.primary:
        lines.append(f"{tier}: primary {old.primary} -> {new.primary}")
    if old.fallbacks != new.fallbacks:
        lines.append(f"{tier}: fallbacks {_list(old.fallbacks)} -> {_list(new.fallbacks)}")
    lines.extend(_gray_lines(tier, old.gray, new.gray))
    return lines


def _gate_notes(tier: str, old: TierPolicy, new: TierPolicy) -> list[str]:
    if (old.gates or {}) == (new.gates or {}):
        return []
    return [f"{tier}: gates {_gates_text(old.gates)} -> {_gates_text(new.gates)}"]


def _added_line(tier: str, new: TierPolicy) -> str:
    parts = [f"primary {new.primary}", f"fallbacks {_list(new.fallbacks)}"]
    if new.gray:
        parts.append(f"gray {_gray_text(new.gray)}")
    return f"{tier}: tier added ({'; '.join(parts)})"


def diff_policies(old: Policy, new: Policy) -> list[TierChange]:
    """Compare two policies tier by tier: new policy's tier order first, then removed tiers."""
    changes: list[TierChange] = []
    for tier, after in new.tiers.items():
        before = old.tiers.get(tier)
        if before is None:
            changes.append(
                TierChange(
                    tier,
                    "added",
                    None,
                    after.primary,
                    [_added_line(tier, after)],
                    after.rationale,
                    gray_after=_shares(after),
                )
            )
            continue
        lines = _tier_lines(tier, before, after)
        kind: ChangeKind = "changed" if lines else "unchanged"
        changes.append(
            TierChange(
                tier,
                kind,
                before.primary,
                after.primary,
                lines or [f"{tier}: unchanged"],
                after.rationale,
                _shares(before),
                _shares(after),
                _gate_notes(tier, before, after),
            )
        )
    for tier, before in old.tiers.items():
        if tier not in new.tiers:
            line = f"{tier}: tier removed (was primary {before.primary})"
            changes.append(
                TierChange(tier, "removed", before.primary, None, [line], gray_before=_shares(before))
            )
    return changes


def render_diff_markdown(changes: list[TierChange], old_label: str, new_label: str) -> str:
    """The diff.md of a weekly report: a summary line, the change lines, then why (per changed tier)."""
    changed = [c for c in changes if c.is_change]
    out = [f"# Policy diff: {old_label} -> {new_label}", ""]
    out.append(f"{len(changed)} of {len(changes)} tiers change.")
    out.append("")
    if changed:
        out.append("## Changes")
        out.append("")
        out.extend(f"- `{line}`" for c in changed for line in c.lines)
        out.append("")
    unchanged = [c.tier for c in changes if not c.is_change]
    if unchanged:
        out.append(f"Unchanged: {', '.join(unchanged)}.")
        out.append("")
    notes = [note for c in changes for note in c.notes]
    if notes:
        out.append("Gates recorded (no traffic moves):")
        out.append("")
        out.extend(f"- `{note}`" for note in notes)
        out.append("")
    with_reason = [c for c in changed if c.kind != "removed"]
    if with_reason:
        out.append("## Rationale")
        out.append("")
        out.extend(f"- **{c.tier}**: {c.rationale or '(no rationale given)'}" for c in with_reason)
        out.append("")
    return "\n".join(out)
