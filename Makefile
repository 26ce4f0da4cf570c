# Mục lục — the two commands: `make demo` and `make test`.
# Everything they need (Debian packages, the virtual environment, Python packages, the OpenSearch
# download) is installed here, once; later runs reuse it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test test-fast bench bench-relevance bench-dedup bench-soak fuzz lint setup setup-test stop clean

demo: setup
	$(BIN)/mucluc demo

test: setup-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest --durations=20

# Everything that needs nothing running: no OpenSearch node, no peer server, no browser.
test-fast: setup-test
	$(BIN)/ruff check .
	$(BIN)/pytest -q -m "not engine and not peers and not browser and not cluster"

bench: setup-test
	$(BIN)/python -m bench

# The property and API-contract tests with many more examples (hypothesis profile `fuzz`).
fuzz: setup-test
	$(BIN)/pytest --hypothesis-profile=fuzz tests/searchapi tests/integration/test_api_hostile.py \
		tests/integration/test_openapi_schemathesis.py

# 64 clients for 10 minutes (MUCLUC_SOAK_CLIENTS / MUCLUC_SOAK_SECONDS), 1 and N workers.
bench-soak: setup-test
	$(BIN)/python -m bench soak

bench-relevance: setup-test
	$(BIN)/python -m bench relevance

bench-dedup: setup-test
	$(BIN)/python -m bench dedup

lint: setup
	$(BIN)/ruff check .

setup: $(STAMP)
	@scripts/system-packages.sh demo

setup-test: $(STAMP) tests/browser/node_modules/axe-core/axe.min.js
	@scripts/system-packages.sh test

# axe-core (npm) checks the widget's accessibility in the browser tests.
tests/browser/node_modules/axe-core/axe.min.js:
	npm install --no-save --no-audit --no-fund --prefix tests/browser axe-core@4

$(STAMP): pyproject.toml
	@scripts/system-packages.sh demo
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

stop:
	-$(BIN)/mucluc opensearch stop

clean: stop
	rm -rf $(VENV) build *.egg-info
