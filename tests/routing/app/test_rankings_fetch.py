"""`routing rankings fetch` against a local stub serving recorded Data API and /api/v1/models responses."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing.cli import main
from tests.routing.app.stub_openrouter import Stub

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "data" / "openrouter"
MODELS = SHARED / "models-api-2026" / "openrouter_models.json"
WEEK_FILE = SHARED / "weekly-top10" / "weekly_current" / "2026-05-11.json"
needs_shared = pytest.mark.skipif(not MODELS.exists(), reason="shared data not present")
KEY = "sk-or-v1-stub-key-0123456789"
AS_OF = "2026-05-11T02:00:00Z"
DAILY = "/api/v1/datasets/rankings-daily"


def daily_body(scale: int = 1) -> str:
    """A rankings-daily response in the documented shape (string tokens, `:variant` suffix, `other` last),
    its daily figures spread from the real week of 2026-05-04..10 (weekly total / 7 per day)."""
    week = json.loads(WEEK_FILE.read_text())["models"]
    rows = []
    for back in range(6, -1, -1):
        day = (date(2026, 5, 10) - timedelta(days=back)).isoformat()
        for m in sorted(week, key=lambda m: -m["total_tokens"]):
            rows.append(
                {
                    "date": day,
                    "model_permaslug": m["slug"],
                    "total_tokens": str(scale * m["total_tokens"] // 7),
                }
            )
        rows.append({"date": day, "model_permaslug": "other", "total_tokens": str(scale * 10**12)})
    meta = {"as_of": AS_OF, "start_date": "2026-05-04", "end_date": "2026-05-10", "version": "v1"}
    return json.dumps({"data": rows, "meta": meta})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "routing.yaml", tmp_path / "routing.yaml")
    return tmp_path


def fetch(project: Path, stub: Stub, *extra: str, key: str | None = KEY):
    args = ["rankings", "fetch", "--start", "2026-05-04", "--end", "2026-05-10", "--base-url", stub.base_url]
    env = {"OPENROUTER_API_KEY": key} if key else {"OPENROUTER_API_KEY": ""}
    return CliRunner().invoke(
        main, [*args, *extra, "--config", str(project / "routing.yaml")], env=env, catch_exceptions=False
    )


def script(daily: list[tuple[int, dict[str, str], str]]) -> dict:
    return {"/api/v1/models": [(200, {}, MODELS.read_text())], DAILY: daily}


@needs_shared
def test_fetch_writes_raw_and_normalized_files_with_meta_and_attribution(project: Path) -> None:
    body = daily_body()
    with Stub(script([(200, {}, body)])) as stub:
        result = fetch(project, stub)
    assert result.exit_code == 0, result.output
    assert [s.path for s in stub.seen] == ["/api/v1/models", DAILY]
    assert all(s.authorization == f"Bearer {KEY}" for s in stub.seen)
    assert stub.seen[1].query == {"start_date": ["2026-05-04"], "end_date": ["2026-05-10"]}
    folder = project / "reports" / "rankings"
    (raw,) = [p for p in (folder / "raw").glob("rankings-daily_*.json") if not p.name.endswith(".meta.json")]
    assert raw.read_text() == body  # the response exactly as received
    meta = json.loads(raw.with_name(raw.stem + ".meta.json").read_text())
    assert meta["attribution"] == f"Source: OpenRouter (openrouter.ai/rankings), as of {AS_OF}."
    assert meta["license"] == "Licensed under CC BY 4.0."
    assert meta["as_of"] == AS_OF and meta["fetched_at"] and meta["meta"]["version"] == "v1"
    assert meta["source_url"].endswith("/datasets/rankings-daily?start_date=2026-05-04&end_date=2026-05-10")
    snapshot = json.loads((folder / "2026-05-04.json").read_text())
    assert snapshot["meta"]["citation"] == (
        f"Source: OpenRouter (openrouter.ai/rankings), as of {AS_OF}. Licensed under CC BY 4.0."
    )
    assert snapshot["meta"]["as_of"] == AS_OF and snapshot["meta"]["fetched_at"] == meta["fetched_at"]
    assert snapshot["meta"]["market_total_tokens"] == sum(
        int(r["total_tokens"]) for r in json.loads(body)["data"]
    )
    top = snapshot["rows"][0]
    assert (top["permaslug"], top["slug"], top["variant"]) == (
        "tencent/hy3-preview-20260421:free",
        "tencent/hy3-preview",
        "free",
    )
    sonnet = next(r for r in snapshot["rows"] if r["permaslug"].startswith("anthropic/claude-4.6-sonnet"))
    assert (
        sonnet["slug"] == "anthropic/claude-sonnet-4.6" and sonnet["supports_tools"] is True
    )  # from the catalog
    (catalog,) = [p for p in (folder / "catalog").glob("models-*.json") if not p.name.endswith(".meta.json")]
    assert catalog.read_text() == MODELS.read_text()
    shown = json.loads(
        CliRunner()
        .invoke(main, ["rankings", "show", "--format", "json", "--config", str(project / "routing.yaml")])
        .output
    )
    assert shown[0]["share_basis"] == "market" and shown[0]["as_of"] == AS_OF


@needs_shared
def test_a_429_is_retried_after_its_retry_after(project: Path) -> None:
    limited = (429, {"Retry-After": "1"}, '{"error": {"code": 429, "message": "Rate limit exceeded"}}')
    with Stub(script([limited, (200, {}, daily_body())])) as stub:
        result = fetch(project, stub)
    assert result.exit_code == 0, result.output
    tries = [s for s in stub.seen if s.path == DAILY]
    assert len(tries) == 2
    assert tries[1].at - tries[0].at >= 1.0
    assert "waited 1.0 s over 1 retry" in result.output
    assert (project / "reports/rankings/2026-05-04.json").is_file()


@needs_shared
def test_a_401_gives_one_clear_line_without_the_key(project: Path) -> None:
    refused = (401, {}, json.dumps({"error": {"code": 401, "message": f"Invalid key {KEY}"}}))
    with Stub({"/api/v1/models": [refused], DAILY: [refused]}) as stub:
        result = fetch(project, stub)
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert "OpenRouter refused the API key (HTTP 401)" in line and "OPENROUTER_API_KEY" in line
    assert KEY not in result.output and len(stub.seen) == 1
    assert not (project / "reports").exists()


def test_no_key_gives_one_clear_line_and_calls_nothing(project: Path) -> None:
    with Stub({}) as stub:
        result = fetch(project, stub, key=None)
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert "set OPENROUTER_API_KEY" in line
    assert stub.seen == []


@needs_shared
def test_refetching_a_stored_week_with_other_figures_needs_replace(project: Path) -> None:
    with Stub(script([(200, {}, daily_body())])) as stub:
        assert fetch(project, stub).exit_code == 0
    before = (project / "reports/rankings/2026-05-04.json").read_text()
    with Stub(script([(200, {}, daily_body(scale=2))])) as stub:
        refused = fetch(project, stub)
        assert refused.exit_code == 1 and "--replace" in refused.output
        assert (project / "reports/rankings/2026-05-04.json").read_text() == before
        replaced = fetch(project, stub, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "replaced week 2026-05-04" in replaced.output


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-05-10", "2026-05-04", "Invalid value for '--start': 2026-05-10 is after --end 2026-05-04"),
        (
            "2024-01-01",
            "2024-12-31",
            "Invalid value for '--end': 2024-12-31 is before 2025-01-01, where the rankings-daily dataset",
        ),
        ("May 4", "2026-05-10", "Invalid value for '--start': 'May 4' is not a date: use YYYY-MM-DD"),
    ],
)
def test_a_bad_window_is_refused_before_any_request(
    project: Path, start: str, end: str, message: str
) -> None:
    with Stub({}) as stub:
        args = ["rankings", "fetch", "--start", start, "--end", end, "--base-url", stub.base_url]
        result = CliRunner().invoke(
            main, [*args, "--config", str(project / "routing.yaml")], env={"OPENROUTER_API_KEY": KEY}
        )
    assert result.exit_code == 2 and message in result.output
    assert stub.seen == []


def test_a_bad_window_is_named_before_the_missing_key(project: Path) -> None:
    args = ["rankings", "fetch", "--start", "May 4", "--config", str(project / "routing.yaml")]
    result = CliRunner().invoke(main, args, env={"OPENROUTER_API_KEY": None})
    assert result.exit_code == 2 and "Invalid value for '--start'" in result.output
    assert "OPENROUTER_API_KEY" not in result.output
