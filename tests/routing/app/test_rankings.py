"""`routing rankings import | show` end to end on the real weekly top-10 files and models catalogs."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from routing.cli import main

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "data" / "openrouter"
WEEKLY = SHARED / "weekly-top10"
HISTORY = SHARED / "models-api-history" / "history"
needs_shared = pytest.mark.skipif(not WEEKLY.exists(), reason="shared data not present")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "routing.yaml", tmp_path / "routing.yaml")
    return tmp_path


def run(project: Path, *args: str):
    return CliRunner().invoke(
        main, [*args, "--config", str(project / "routing.yaml")], catch_exceptions=False
    )


def stored(project: Path) -> dict[str, bytes]:
    folder = project / "reports" / "rankings"
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def weekly_files() -> list[Path]:
    return sorted(WEEKLY.glob("weekly_*/*.json"))


def _expected_wow() -> dict[tuple[str, str], float | None]:
    """Straight from the upstream files: a file dated D covers D-7..D-1; WoW needs the file dated D-7."""
    files = {date.fromisoformat(p.stem): json.loads(p.read_text()) for p in weekly_files()}
    out = {}
    for day, doc in files.items():
        before = files.get(day - timedelta(days=7))
        prev = {m["slug"]: m["total_tokens"] for m in before["models"]} if before else {}
        for m in doc["models"]:
            old = prev.get(m["slug"])
            out[(m["slug"], str(day - timedelta(days=1)))] = (
                None if old is None else m["total_tokens"] / old - 1
            )
    return out


@needs_shared
def test_all_65_weeks_import_and_every_model_week_shows_with_recomputed_wow(project: Path) -> None:
    files = weekly_files()
    assert len(files) == 65
    result = run(project, "rankings", "import", *map(str, files))
    assert result.exit_code == 0, result.output
    assert "65 new, 0 replaced, 0 unchanged" in result.output
    shown = run(project, "rankings", "show", "--format", "json", "--weeks", "70")
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)
    expected = _expected_wow()
    assert len(rows) == len(expected) == 598
    got = {(r["model"], r["week_end"]): r["wow_growth"] for r in rows}
    assert got.keys() == expected.keys()
    for key, wow in expected.items():
        assert got[key] == (None if wow is None else pytest.approx(wow, rel=1e-12)), key
    assert sum(w is not None for w in got.values()) == 478
    for row in rows:
        wow = row["wow_growth"]
        assert row["fast_climber"] == (None if wow is None else wow >= 0.20)  # unknown is null, not false
        assert {"family", "total_tokens", "rank", "share", "rank_change", "source_url", "as_of"} <= set(row)


@needs_shared
def test_a_model_that_leaves_and_reenters_the_top_10_restarts_its_series(project: Path) -> None:
    assert run(project, "rankings", "import", *map(str, weekly_files())).exit_code == 0
    rows = json.loads(run(project, "rankings", "show", "--format", "json").output)
    weeks = sorted({r["week_end"] for r in rows})
    by_model: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_model.setdefault(r["model"], {})[r["week_end"]] = r
    reentries = []
    for model, seen in by_model.items():
        for a, b, c in zip(weeks, weeks[1:], weeks[2:], strict=False):
            consecutive = all(
                date.fromisoformat(y) - date.fromisoformat(x) == timedelta(days=7)
                for x, y in ((a, b), (b, c))
            )
            if consecutive and a in seen and b not in seen and c in seen:
                reentries.append((model, c))
                assert seen[c]["wow_growth"] is None and seen[c]["rank_change"] is None
                assert seen[c]["entered"] is True
    assert len(reentries) >= 3, reentries


def _one_row_copy(src: Path, dest: Path) -> Path:
    doc = json.loads(src.read_text())
    doc["models"] = doc["models"][:1]
    dest.write_text(json.dumps(doc))
    return dest


@needs_shared
def test_a_stored_week_is_never_overwritten_without_replace(project: Path, tmp_path: Path) -> None:
    source = WEEKLY / "weekly_current" / "2026-05-11.json"
    assert run(project, "rankings", "import", str(source)).exit_code == 0
    before = stored(project)
    smaller = _one_row_copy(source, tmp_path / "2026-05-11-one-row.json")
    refused = run(project, "rankings", "import", str(smaller))
    assert refused.exit_code == 1
    assert "2026-05-11-one-row.json" in refused.output and "--replace" in refused.output
    assert "week 2026-05-04 (10 rows" in refused.output
    assert stored(project) == before
    again = run(project, "rankings", "import", str(source))
    assert again.exit_code == 0 and "unchanged" in again.output and stored(project) == before
    replaced = run(project, "rankings", "import", "--replace", str(smaller))
    assert replaced.exit_code == 0, replaced.output
    assert (
        "replaced week 2026-05-04 (10 rows, as of 2026-05-11) with week 2026-05-04 (1 rows" in replaced.output
    )
    assert len(json.loads((project / "reports/rankings/2026-05-04.json").read_text())["rows"]) == 1


@needs_shared
def test_two_files_for_one_week_in_one_batch_write_nothing(project: Path, tmp_path: Path) -> None:
    source = WEEKLY / "weekly_current" / "2026-05-11.json"
    twin = _one_row_copy(source, tmp_path / "twin.json")
    result = run(project, "rankings", "import", str(source), str(twin))
    assert result.exit_code == 1
    assert (
        "twin.json" in result.output and "given twice" in result.output and "2026-05-11.json" in result.output
    )
    assert not (project / "reports" / "rankings").exists()


def _weekly_doc(tokens: object) -> str:
    model = {"rank": 2, "slug": "acme/b", "total_tokens": tokens, "percent_change": 1}
    first = {"rank": 1, "slug": "acme/a", "total_tokens": 100, "percent_change": 1}
    return json.dumps({"date": "2026-05-11", "models": [first, model]})


HEADER = (
    "week_end,source_dir,rank,slug,name,total_tokens,percent_change,prompt_price,completion_price,is_free\n"
)


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("truncated.json", _weekly_doc(5)[:60], "line 1: invalid JSON"),
        ("nan.json", _weekly_doc(float("nan")), "models[1].total_tokens"),
        ("negative.json", _weekly_doc(-3), "models[1].total_tokens: negative token count"),
        ("huge.json", _weekly_doc(1e30), "models[1].total_tokens"),
        (
            "missing.csv",
            HEADER.replace(",total_tokens", "") + "2026-05-11,x,1,a/b,b,1,1e-7,2e-7,False\n",
            "header",
        ),
        (
            "nan.csv",
            HEADER + "2026-05-11,x,1,a/b,b,100,1,,,False\n2026-05-11,x,2,c/d,d,nan,1,,,False\n",
            "line 3",
        ),
    ],
)
def test_bad_files_exit_1_naming_file_and_row_and_write_nothing(
    project: Path, tmp_path: Path, name: str, content: str, where: str
) -> None:
    bad = tmp_path / name
    bad.write_text(content)
    good = WEEKLY / "weekly_current" / "2026-05-11.json"
    args = [str(good)] if good.exists() else []
    result = run(project, "rankings", "import", *args, str(bad))
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith("Error: ") and str(bad) in line and where in line, line
    assert len(result.output.strip().splitlines()) == 1
    assert not (project / "reports" / "rankings").exists()


@needs_shared
def test_both_catalog_schemas_import_and_a_price_change_is_reported(project: Path) -> None:
    new_schema = SHARED / "models-api-2026" / "openrouter_models.json"
    old, new = (
        HISTORY / "openrouter_models_2024-08-01_cfa67d7.json",
        HISTORY / "openrouter_models_2024-08-02_bc21a9b.json",
    )
    result = run(project, "rankings", "import", str(new_schema), str(old), str(new))
    assert result.exit_code == 0, result.output
    names = sorted(p for p in stored(project) if not p.endswith(".meta.json"))
    assert names[0:2] == ["catalog/models-2024-08-01.json", "catalog/models-2024-08-02.json"]
    assert len(names) == 3 and names[2].startswith("catalog/models-20")  # the 2026 file: dated today
    assert (project / "reports/rankings" / names[0]).read_bytes() == old.read_bytes()
    # show compares the two newest catalogs: move the undated 2026 one away to compare the history pair.
    (project / "reports/rankings" / names[2]).unlink()
    assert run(project, "rankings", "import", *map(str, weekly_files()[-2:])).exit_code == 0
    table = run(project, "rankings", "show")
    assert table.exit_code == 0, table.output
    assert "Price change mistralai/mistral-nemo (2024-08-01 → 2024-08-02): in $0.18 → $0.17" in table.output
    assert "Token counts come from each upstream provider's own tokenizer" in table.output
