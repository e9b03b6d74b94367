# Newsroom: `make run` serves the site, `make test` runs the whole test suite.
# Both create the virtual environment (.venv) from pyproject.toml when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format browser varnish a11y-tools lighthouse bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py import_seeds
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium; install it when missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests"; \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	  else echo "Chromium is missing: the browser tests will be skipped"; fi; }

# The edge-cache test (tests/test_varnish.py) runs Debian's Varnish 7 with its xkey
# module; install them when missing and we may.
varnish:
	@{ command -v varnishd >/dev/null 2>&1 || test -x /usr/sbin/varnishd; } && \
	  ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Varnish and varnish-modules for the edge-cache test"; \
	    (apt-get install -y -qq --no-install-recommends varnish varnish-modules \
	       >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq \
	       --no-install-recommends varnish varnish-modules >/dev/null)); \
	  else echo "Varnish is missing: the edge-cache test will be skipped"; fi; }

# The page-quality tests (tests/a11y/) run the Nu HTML Checker and axe-core from npm.
A11Y := tests/a11y
a11y-tools:
	@test -d $(A11Y)/node_modules || { \
	  if command -v npm >/dev/null 2>&1; then \
	    npm ci --prefix $(A11Y) --no-audit --no-fund --ignore-scripts; \
	  else echo "npm is missing: the page-quality tests will be skipped"; fi; }

test: $(VENV)/.installed browser varnish a11y-tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

# Lighthouse scores of the front page and an article page (see benchmarks/lighthouse.sh).
lighthouse: $(VENV)/.installed browser
	bash benchmarks/lighthouse.sh

# Public pages under load, cold and warm (see benchmarks/README.md). Needs wrk;
# DB=postgres uses BENCH_POSTGRES_URL (a database named *bench*, dropped and made).
ARTICLES ?= 100000
DB ?= sqlite
bench: $(VENV)/.installed
	$(PY) benchmarks/bench.py pages --articles $(ARTICLES) --db $(DB)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
