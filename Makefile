# Two commands on a fresh machine: `make site` builds the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test lint serve check bench clean

$(VENV)/.installed-site: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-site
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# BUILD_FLAGS: extra build options, e.g. make site BUILD_FLAGS="--base-url https://example.org/eco/ --minify"
site: $(VENV)/.installed-site
	$(BIN)/ecosite build $(BUILD_FLAGS)

test: lint
	$(BIN)/python -m pytest -n 2 -q

# ruff (the rules in pyproject.toml) and mypy (check_untyped_defs) must pass before any test runs.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

serve: $(VENV)/.installed-site
	$(BIN)/ecosite serve

check: site
	$(BIN)/ecosite check --strict

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

clean:
	rm -rf output .ecosite-cache
