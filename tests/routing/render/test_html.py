"""The HTML report: self-contained (no network asset, no script), the three kinds of chart, escaped."""

from __future__ import annotations

import re
from dataclasses import replace

from routing.render.html import html_report
from tests.routing.render.weekly_record import week


def test_report_is_self_contained_and_has_the_three_charts():
    rec, src = week()
    page = html_report(rec, src, "no changes")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    # every src/href stays in the page: no network asset, no external stylesheet or font
    refs = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert refs and all(r.startswith("#") for r in refs), [r for r in refs if not r.startswith("#")]
    assert "@import" not in page and "url(http" not in page
    for tier in ("coding", "agent", "long_context", "chat", "extraction"):
        assert f'id="chart-pareto-{tier}"' in page
    assert 'id="chart-momentum"' in page and 'id="chart-failures"' in page
    assert page.count("<svg ") == 7
    assert "SIMULATED" in page.split("</h1>")[0]
    assert "Source: https://openrouter.ai/rankings, as of 2026-05-25" in page


def test_model_ids_are_escaped_in_tables():
    rec, src = week()
    src = replace(src, current_name="<b>current</b>.yaml")
    page = html_report(rec, src, "diff with <tags>")
    assert "<b>current</b>" not in page and "&lt;b&gt;current&lt;/b&gt;.yaml" in page
    assert "diff with &lt;tags&gt;" in page


def test_report_without_rankings_or_tool_tasks_says_so():
    rec, src = week(tiers=("chat",))
    src = replace(src, snapshot=None, snapshots=(), momentum=[])
    page = html_report(rec, src, "")
    assert 'id="chart-momentum"' not in page and "No rankings snapshot lists a candidate model." in page
    assert "No tool-call task was graded this week." in page
