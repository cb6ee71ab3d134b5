"""`routing rankings show`: the momentum table (arrows, sparklines) and its stable JSON. Pure.

Every figure printed here comes with its source and as_of; token counts carry the note that each
provider counts with its own tokenizer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from routing.rankings.records import DATASET_URL, TOKENIZER_NOTE, attribution
from routing.render.text import human_tokens

SPARKS = "▁▂▃▄▅▆▇█"


def model_week_json(w: Any) -> dict[str, Any]:
    """One model-week as the documented, stable JSON object (see README: rankings show --format json)."""
    return {
        "model": w.model,
        "family": w.family,
        "author": w.author,
        "week_start": w.week_start.isoformat(),
        "week_end": w.week_end.isoformat(),
        "total_tokens": w.total_tokens,
        "rank": w.rank,
        "share": w.share,
        "share_basis": w.share_basis,
        "wow_growth": w.wow_growth,
        "rank_change": w.rank_change,
        "share_change": w.share_change,
        "trend_4w": w.trend_4w,
        "fast_climber": w.fast_climber,
        "entered": w.entered,
        "reported_change": w.reported_change,
        "source_url": w.source_url,
        "as_of": w.as_of,
    }


def series_json(weeks: Sequence[Any]) -> list[dict[str, Any]]:
    return [model_week_json(w) for w in weeks]


def sparkline(values: Sequence[int | None]) -> str:
    """One character per week, scaled to the largest value; a week the model was not listed is '·'."""
    known = [v for v in values if v is not None]
    top = max(known, default=0)
    if not top:
        return "".join("·" if v is None else SPARKS[0] for v in values)
    return "".join("·" if v is None else SPARKS[min(7, int(v / top * 7.999))] for v in values)


def arrow(change: int | None) -> str:
    if change is None:
        return "new"
    if change > 0:
        return f"↑{change}"
    return f"↓{-change}" if change < 0 else "="


def pct(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.0f}%" if signed else f"{value * 100:.1f}%"


def tokens(n: int | None) -> str:
    """A token count as the board shows it (3.43T); unknown when the source gave none."""
    return "unknown" if n is None else human_tokens(n)


def cite(source_url: str | None, as_of: str | None) -> str:
    """How a figure is cited: the Data API's own attribution line, else the source URL and as_of."""
    if source_url and source_url.startswith(DATASET_URL):
        return attribution(as_of)
    return f"Source: {source_url or 'unknown'}, as of {as_of or 'unknown'}."


def latest_rows(weeks: Sequence[Any]) -> tuple[date | None, list[list[str]]]:
    """Table rows for the latest week shown, each with its sparkline over all weeks shown."""
    if not weeks:
        return None, []
    dates = sorted({w.week_start for w in weeks})
    history: dict[str, dict[date, int]] = defaultdict(dict)
    for w in weeks:
        history[w.model][w.week_start] = w.total_tokens
    latest = dates[-1]
    rows = []
    for w in sorted((w for w in weeks if w.week_start == latest), key=lambda w: w.rank):
        rows.append(
            [
                str(w.rank),
                arrow(w.rank_change) if not (w.rank_change is None and not w.entered) else "—",
                w.model + (" ⚡" if w.fast_climber else ""),
                tokens(w.total_tokens),
                pct(w.share, signed=False),
                pct(w.wow_growth)
                if w.wow_growth is not None or w.reported_change is None
                else f"{pct(w.reported_change)} (source)",
                pct(w.trend_4w),
                sparkline([history[w.model].get(d) for d in dates]),
            ]
        )
    return latest, rows


def summary_lines(board: Any) -> list[str]:
    """The board-level lines under the table: total, authors, entrants/exits, stability, prices."""
    lines = []
    if board.summaries:
        s = board.summaries[-1]
        where = cite(s.source_url, s.as_of)
        total = (
            f"market total {tokens(s.market_total_tokens)}"
            if s.market_total_tokens
            else f"top {s.n_models} listed total {tokens(s.listed_tokens)} (the source gives no market total)"
        )
        lines.append(f"Week of {s.week_start}: {total}. {where}")
        authors = ", ".join(f"{a} {v * 100:.1f}%" for a, v in list(s.share_by_author.items())[:6])
        lines.append(f"Share by author: {authors}")
        if s.entrants is None:
            lines.append("Entrants / exits: unknown (no snapshot exactly one week earlier)")
        else:
            lines.append(f"Entered the top {s.n_models}: {', '.join(s.entrants) or 'none'}")
            lines.append(f"Left the top {s.n_models}: {', '.join(s.exits or ()) or 'none'}")
        if s.rank_correlation is not None:
            lines.append(f"Order vs the week before: Spearman rho {s.rank_correlation:.2f} ({s.stability})")
        families = [f for f, _ in s.family_tokens.items()]
        lines.append(f"Largest families: {', '.join(families[:5])}")
    changes = board.catalog_changes
    if changes is not None:
        for c in changes.price_changes[:20]:
            lines.append(
                f"Price change {c.model} ({c.since} → {c.until}): in ${c.old_prompt} → ${c.new_prompt}, "
                f"out ${c.old_completion} → ${c.new_completion} per Mtok"
            )
        lines.append(f"Catalog: {len(changes.added)} model(s) added, {len(changes.removed)} removed")
    lines.append(TOKENIZER_NOTE)
    return lines


def print_board(console: Any, board: Any) -> None:
    from rich.table import Table

    latest, rows = latest_rows(board.weeks)
    if latest is None:
        console.print(
            "No rankings snapshots stored: run `routing rankings import` or `routing rankings fetch`."
        )
        return
    n = len({w.week_start for w in board.weeks})
    table = Table(title=f"Momentum, week of {latest} (sparkline: {n} week(s) shown)")
    for column in ("rank", "move", "model", "tokens", "share", "WoW", "4 weeks", "trend"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    for line in summary_lines(board):
        console.print(line, highlight=False)


def _cited(reason: Any) -> str:
    if reason.code in ("top_mover", "new_entrant", "unseen", "fast_climber") and reason.source:
        return f"{reason.text} ({cite(reason.source, reason.as_of)[:-1]})"
    return reason.text


def candidates_markdown(selections: dict[str, Any]) -> str:
    """Per tier: each candidate with the reasons it was picked, then each dropped model and why.

    Reads the `TierCandidates` records of the weekly run (`Recommendation.selections`); momentum reasons
    carry their source and as_of. For the report's candidates section.
    """
    lines = []
    for tier, selection in selections.items():
        judged = f" (catalog: {selection.catalog})" if selection.catalog else " (no models catalog stored)"
        lines.append(f"**{tier}**{judged}")
        for c in selection.candidates:
            lines.append(f"- {c.model}: " + "; ".join(_cited(r) for r in c.reasons))
        for d in selection.dropped:
            lines.append(f"- ~~{d.model}~~ not tested: {d.reason.text}")
        lines.append("")
    return "\n".join(lines).rstrip() + ("\n" if lines else "")
