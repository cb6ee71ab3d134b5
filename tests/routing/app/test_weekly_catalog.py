"""`recommend` with a stored models catalog: candidates the catalog says cannot serve a tier are dropped,
with the reason kept as a record (the real 2026 /api/v1/models response, read from ../shared/data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from routing.app.weekly import RecommendOptions, gather_inputs, recommend
from routing.config import load_config
from routing.render.rankings import candidates_markdown

ROOT = Path(__file__).resolve().parents[3]
CATALOG = ROOT.parent / "shared" / "data" / "openrouter" / "models-api-2026" / "openrouter_models.json"
NO_TOOLS = "x-ai/grok-4.20-multi-agent"  # listed in that catalog without "tools" in supported_parameters


@pytest.fixture
def project(tmp_path: Path) -> Path:
    if not CATALOG.exists():
        pytest.skip("shared data not present")
    config = yaml.safe_load((ROOT / "routing.yaml").read_text())
    config["candidates"]["alternates"].append(NO_TOOLS)
    (tmp_path / "routing.yaml").write_text(yaml.safe_dump(config))
    shutil.copytree(ROOT / "golden_tasks", tmp_path / "golden_tasks")
    shutil.copytree(ROOT / "policies", tmp_path / "policies", ignore=shutil.ignore_patterns("proposed.yaml"))
    shutil.copytree(ROOT / "reports" / "rankings", tmp_path / "reports" / "rankings")
    return tmp_path


def _opts(tiers: str) -> RecommendOptions:
    return RecommendOptions(mode="simulate", tiers=tiers, day="2026-11-23")


def test_without_a_catalog_tools_support_is_unknown_and_nothing_is_dropped_for_it(project: Path) -> None:
    inputs = gather_inputs(load_config(project / "routing.yaml"), _opts("agent"))
    agent = inputs.selections["agent"]
    assert agent.catalog is None and NO_TOOLS in agent.models
    flagged = next(c for c in agent.candidates if c.model == NO_TOOLS)
    assert [r.code for r in flagged.reasons] == ["alternate", "tools_unknown", "context_unknown"]


def test_the_agent_tier_drops_a_model_the_catalog_lists_without_tools_and_says_why(project: Path) -> None:
    stored = project / "reports" / "rankings" / "catalog" / "models-2026-08-19.json"
    stored.parent.mkdir(parents=True)
    shutil.copy(CATALOG, stored)
    chat = gather_inputs(load_config(project / "routing.yaml"), _opts("chat")).selections["chat"]
    run = recommend(load_config(project / "routing.yaml"), _opts("agent"))
    agent = run.recommendation.selections["agent"]
    assert agent.catalog == "models-2026-08-19.json, as of 2026-08-19"
    assert NO_TOOLS not in agent.models
    (dropped,) = [d for d in agent.dropped if d.model == NO_TOOLS]
    assert dropped.reason.code == "no_tools"
    assert dropped.reason.text == (
        "the catalog (models-2026-08-19.json, as of 2026-08-19) lists no tools support; "
        "the agent tier requires tools"
    )
    assert dropped.reason.as_of == "2026-08-19"
    assert NO_TOOLS in chat.models  # chat needs no tools: the same model stays a candidate there
    assert {s.model for s in run.recommendation.scores if s.tier == "agent"}.isdisjoint({NO_TOOLS})
    sonnet = next(c for c in agent.candidates if c.model == "anthropic/claude-sonnet-4.6")
    price = next(r for r in sonnet.reasons if r.code == "price")
    assert price.text == "$3 in / $15 out per Mtok; cache read $0.3" and price.as_of == "2026-08-19"
    assert "tools_unknown" not in [r.code for r in sonnet.reasons]  # the catalog knows
    shown = candidates_markdown(dict(run.recommendation.selections))
    assert f"- ~~{NO_TOOLS}~~ not tested: the catalog (models-2026-08-19.json" in shown
