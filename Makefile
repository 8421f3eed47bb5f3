# Two commands on a fresh machine: `make site` builds the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test serve check bench clean

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

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -q

# DRAFTS=1 shows pages marked `draft: true` too: make serve DRAFTS=1
serve: $(VENV)/.installed-site
	$(BIN)/ecosite serve $(if $(DRAFTS),--drafts) $(SERVE_FLAGS)

check: site
	$(BIN)/ecosite check --strict

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

clean:
	rm -rf output .ecosite-cache
