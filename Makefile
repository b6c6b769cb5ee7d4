# The two commands of the quick start are `make run` and `make test`; each sets itself up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
DATA_DIR ?= data
POLICY ?= examples/policies/001_b323a55268a82f2d.yaml
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test check format bench clean

# uv itself, pinned, in a private virtual environment: a fresh machine has only Python and pip.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The project's environment, exactly as uv.lock pins it.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

run: $(VENV)/.synced
	$(VENV)/bin/yinsi serve --data-dir $(DATA_DIR) --policy $(POLICY) --host $(HOST) --port $(PORT)

# Lint, types, architecture, then the whole suite on SQLite and on a PostgreSQL server
# that scripts/with-postgres starts on loopback and stops afterwards.
test: $(VENV)/.synced
	scripts/check
	scripts/with-postgres scripts/test

check: $(VENV)/.synced
	scripts/check

format: $(VENV)/.synced
	$(VENV)/bin/ruff format src tests
	$(VENV)/bin/ruff check --fix src tests

bench: $(VENV)/.synced
	$(VENV)/bin/yinsi bench vault
	$(VENV)/bin/yinsi bench rights
	$(VENV)/bin/yinsi bench http

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
