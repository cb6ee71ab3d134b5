# Two commands do all the set-up: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/routing recommend --simulate

test: $(STAMP)
	$(BIN)/ruff check routing evals tests bench scripts
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check routing evals tests bench scripts
	$(BIN)/ruff format --check routing evals tests bench scripts
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/bench_cli_startup.py
	$(BIN)/python bench/bench_recommend_sim.py
	$(BIN)/python bench/runner_overhead.py

clean:
	rm -rf $(VENV) .pytest_cache
