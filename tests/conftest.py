"""Shared fixtures: paths to the repo and the external data beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA


def _load_stub_server() -> None:
    """tests/ is not a package: register tests/stub_server.py so tests can `from stub_server import`."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("stub_server", Path(__file__).with_name("stub_server.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["stub_server"] = module
    spec.loader.exec_module(module)


_load_stub_server()
