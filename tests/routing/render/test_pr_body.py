"""The PR body: lint-clean Markdown, under GitHub's limit at 30 models x 5 tiers, every ranking figure
with its source and as_of, banners for simulated and replayed evidence."""

from __future__ import annotations

import re

from pymarkdown.api import PyMarkdownApi

from routing.render.pr_body import GITHUB_BODY_LIMIT, TABLE_MODELS, commit_message, iso_week, render_pr_body
from tests.routing.render.weekly_record import week

REPORT = "reports/2026-05-25/report.md"


def lint(text: str) -> list[str]:
    """pymarkdown's default rules with GFM tables; line length is off (GitHub wraps paragraphs and a
    table row cannot be wrapped)."""
    api = (
        PyMarkdownApi().disable_rule_by_identifier("md013").enable_extension_by_identifier("markdown-tables")
    )
    result = api.scan_string(text)
    return [f"{f.line_number}: {f.rule_id} {f.rule_description}" for f in result.scan_failures]


def test_linter_catches_a_broken_body():
    assert lint("# T\n\n\n\ntext\n## H\n") != []


def test_body_lints_clean_and_fits_with_30_models_by_5_tiers():
    rec, src = week(n_models=30)
    body = render_pr_body(rec, src, REPORT)
    assert lint(body) == []
    assert len(body) < GITHUB_BODY_LIMIT
    assert rec.n_changed == 5
    for tier in ("coding", "agent", "long_context", "chat", "extraction"):
        section = body.split(f"\n## {tier}\n", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| vendor")]
        assert 0 < len(rows) <= 2 * TABLE_MODELS  # evidence + ranking rows, the rest folded
        assert "more model(s) on this tier are in the report file" in section


def test_every_ranking_figure_names_source_and_as_of():
    rec, src = week()
    body = render_pr_body(rec, src, REPORT)
    tables = body.split("Public ranking figures")[1:]
    assert tables
    rows = [line for t in tables for line in t.split("\n## ")[0].splitlines() if line.startswith("| vendor")]
    assert rows and all("Source: <https://openrouter.ai/rankings>, as of 2026-05-25." in r for r in rows)
    assert not re.search(r"(?<![<(])https?://", body)  # no bare URL anywhere


def test_banners_and_evidence_per_changed_tier():
    rec, src = week()
    body = render_pr_body(rec, src, REPORT)
    assert body.startswith("# [SIMULATED] Routing policy for 2026-W22")
    assert "> [!WARNING]\n> SIMULATED evidence." in body
    agent = body.split("\n## agent\n", 1)[1].split("\n## ", 1)[0]
    # tool-call failures by type, success interval, p50/p95, cost per success, n
    assert re.search(r"\| \d+% \((no_call|malformed_arguments|missing_required|wrong_value) \d", agent)
    assert re.search(r"\d+% \(\d+%–\d+%\)", agent) and re.search(r"\d\.\ds / \d\.\ds", agent)
    assert "| 12 / 24 |" in agent
    assert "## Rollout" in body and "## Not evaluated" in body
    changes = body.split("## What changes", 1)[1].split("\n## ", 1)[0]
    decided = re.findall(r"^\| \w+ \| \S+ \| \S+ \| (\w+): ([a-z ]+) \|$", changes, re.M)
    assert decided and all(action in ("switch", "keep", "new") for action, _ in decided)  # with its reason
    assert "not tested: no tool support" in body and "4 more dropped models" in body

    replayed, src = week(kind="replay")
    text = render_pr_body(replayed, src, REPORT)
    assert "REPLAYED evidence" in text and "SIMULATED" not in text


def test_week_and_commit_message():
    assert iso_week("2026-11-23") == "2026-W48" and iso_week("2027-01-01") == "2026-W53"
    rec, _ = week()
    message = commit_message(rec, "2026-05-25")
    lines = message.splitlines()
    assert lines[0].startswith("[SIMULATED] Routing policy for 2026-W22: 5 tier(s) change")
    assert any(line.startswith("- agent: primary ") for line in lines)
