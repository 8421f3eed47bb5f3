# Two commands on a fresh machine: `make site` builds the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test lint serve check bench clean lock

# Every dependency is installed at the version pinned in requirements.lock, so a commit builds the same
# bytes wherever it is built. After changing dependencies in pyproject.toml, run `make lock` and commit it.
LOCK := requirements.lock

$(VENV)/.installed-site: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c $(LOCK) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) $(VENV)/.installed-site
	$(BIN)/python -m pip install -q -c $(LOCK) -e '.[test]'
	touch $@

lock: $(VENV)/.installed-site
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --upgrade -o $(LOCK)

# BUILD_FLAGS: extra build options, e.g. make site BUILD_FLAGS="--base-url https://example.org/eco/ --minify"
site: $(VENV)/.installed-site
	$(BIN)/ecosite build $(BUILD_FLAGS)

test: lint
	$(BIN)/python -m pytest -n 2 -q

# ruff (the rules in pyproject.toml) and mypy (check_untyped_defs) must pass before any test runs.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# DRAFTS=1 shows pages marked `draft: true` too: make serve DRAFTS=1
serve: $(VENV)/.installed-site
	$(BIN)/ecosite serve $(if $(DRAFTS),--drafts) $(SERVE_FLAGS)

check: site
	$(BIN)/ecosite check --strict

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

clean:
	rm -rf output .ecosite-cache
