# The two commands of the quick start are `make run` and `make test`; each sets itself up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
DATA_DIR ?= data
POLICY ?= examples/demo/appointments.yaml
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test check format bench clean

# yinsi runs on CPython 3.11, 3.12 and 3.13 (Debian 12 and 13, Ubuntu 24.04); uv uses that system Python,
# never a downloaded one, so say plainly when it is another.
define check_python
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || { \
	  echo "yinsi needs Python 3.11, 3.12 or 3.13; $(PYTHON) is $$($(PYTHON) -V 2>&1). Run with PYTHON=python3.12 (for example)." >&2; \
	  exit 1; }
endef

# uv itself, pinned, in a private virtual environment: a fresh machine has only Python and pip.
$(UV):
	$(check_python)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The project's environment, exactly as uv.lock pins it.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(check_python)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

run: $(VENV)/.synced
	$(VENV)/bin/yinsi serve --demo --data-dir $(DATA_DIR) --policy $(POLICY) --host $(HOST) --port $(PORT)

# Lint, types, architecture, then the whole suite on SQLite and on a PostgreSQL server
# that scripts/with-postgres starts on loopback and stops afterwards.
test: $(VENV)/.synced
	scripts/check
	scripts/with-chromium scripts/with-postgres scripts/test

check: $(VENV)/.synced
	scripts/check

format: $(VENV)/.synced
	$(VENV)/bin/ruff format src tests
	$(VENV)/bin/ruff check --fix src tests

bench: $(VENV)/.synced
	$(VENV)/bin/yinsi bench vault
	$(VENV)/bin/yinsi bench rights
	$(VENV)/bin/yinsi bench http
	$(VENV)/bin/yinsi bench scan
	$(VENV)/bin/yinsi bench retention

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
