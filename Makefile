# Two commands: `make run` builds the seed's graph into out/; `make test` checks the layering contract
# (lint-imports), lints (ruff) and runs the whole suite.
# Both set up everything they need on a fresh machine (Python 3.11 + pip + Debian apt).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup system-deps bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Chromium and a CJK font for the browser tests, and Node.js for the GraphML reader test, from Debian's packages
# (never a downloaded browser).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v npm >/dev/null 2>&1; then \
	  echo "installing chromium, fonts-noto-cjk and nodejs with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig nodejs npm >/dev/null; \
	fi

# graphology-graphml (the GraphML reader of Gephi Lite and sigma.js), pinned by its lock file, for the export tests.
GRAPHOLOGY := tests/graphology/node_modules/.installed
$(GRAPHOLOGY): tests/graphology/package-lock.json
	cd tests/graphology && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: setup
	$(BIN)/policykg build data/seed --out $(OUT)

test: setup system-deps $(GRAPHOLOGY)
	$(BIN)/lint-imports
	$(BIN)/ruff check --no-cache .
	$(BIN)/python -m pytest -q

bench: setup system-deps
	$(BIN)/python bench/sparql.py
	$(BIN)/python bench/viz.py
	$(BIN)/python bench/build.py

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
