# The two commands of README.md. Everything the project needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup services run test lint typecheck pytest openapi clean fuzz \
        frontend-setup frontend-api frontend-check frontend-build chromium e2e

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# The SPA (frontend/): Node 20.19+ with npm, dependencies pinned by package-lock.json.
FRONTEND := frontend
$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Node.js 20.19+ with npm is needed for the SPA" \
	  "(Debian/Ubuntu: apt-get install -y nodejs npm)" >&2; exit 1; }
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

frontend-setup: $(FRONTEND)/node_modules/.installed

services:
	@scripts/ensure-services.sh

run: setup services frontend-build
	@scripts/run.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup services
	$(BIN)/pytest

# Regenerate the SPA's typed client after openapi.yaml changed (`make openapi`).
frontend-api: frontend-setup
	cd $(FRONTEND) && npm run gen:api

# Generated client in step with openapi.yaml, eslint, tsc, vitest.
frontend-check: frontend-setup
	cd $(FRONTEND) && npm run check:api && npm run lint && npm run typecheck && npm run test:unit

# The production bundle the API serves at /, and its initial JS size against the budget.
frontend-build: frontend-setup
	cd $(FRONTEND) && npm run build && npm run size

chromium:
	@$(FRONTEND)/scripts/ensure-chromium.sh

# Playwright in Debian's chromium against the real API and a fresh database (openclaw_e2e).
e2e: setup services frontend-build chromium
	cd $(FRONTEND) && npm run e2e

test: lint typecheck pytest frontend-check e2e

# The long fuzz run over openapi.yaml (over 6,000 requests; figures in docs/RELIABILITY.md). Not part of `make test`,
# which runs the ~1,000-case tests/fuzz/.
fuzz: setup services
	$(BIN)/python bench/fuzz_run.py

# After an API change: the spec, and the SPA's typed client generated from it.
openapi: setup frontend-setup
	$(BIN)/openclaw openapi > openapi.yaml
	cd $(FRONTEND) && npm run gen:api

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	rm -rf $(FRONTEND)/node_modules $(FRONTEND)/dist $(FRONTEND)/test-output
