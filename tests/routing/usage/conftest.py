"""The sample generator (scripts/make_usage_samples.py), loaded as a module for the usage tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "make_usage_samples.py"


@pytest.fixture(scope="session")
def samples():
    spec = importlib.util.spec_from_file_location("make_usage_samples", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sample_dir(samples, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("usage-samples")
    samples.main(["--out", str(out)])
    return out
