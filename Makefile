# Newsroom: `make run` serves the site, `make test` runs the whole test suite.
# Both create the virtual environment (.venv) from pyproject.toml when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format browser varnish a11y-tools lighthouse bench bench-newsroom clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py import_seeds
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# install-tool COMMAND,DEBIAN_PACKAGE,WHAT_NEEDS_IT: install the package when the
# command is missing and we may (root, apt-get). With CI=true a command that is still
# missing fails the run; elsewhere the tests that need it are skipped.
define install-tool
	@command -v $(1) >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || \
	  [ "$$(id -u)" != 0 ] || { \
	    echo "Installing $(2) for $(3)"; \
	    apt-get install -y -qq $(2) >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq $(2) >/dev/null; } || true; }
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$(CI)" = true ]; then \
	    echo "CI=true, but $(1) is missing: install the Debian package $(2) ($(3))" >&2; \
	    exit 1; \
	  else echo "$(1) is missing: $(3) will be skipped (install $(2))"; fi; }
endef

# The browser tests drive Debian's Chromium.
browser:
	$(call install-tool,chromium,chromium,the browser tests)

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
	  elif [ "$(CI)" = true ]; then \
	    echo "CI=true, but Varnish is missing: install the Debian packages varnish varnish-modules (the edge-cache test)" >&2; \
	    exit 1; \
	  else echo "Varnish is missing: the edge-cache test will be skipped"; fi; }

# The page-quality tests (tests/a11y/) run the Nu HTML Checker (Java) and axe-core,
# both from npm.
A11Y := tests/a11y
a11y-tools:
	$(call install-tool,java,default-jre-headless,the Nu HTML Checker)
	$(call install-tool,npm,npm,the page-quality tests)
	@test -d $(A11Y)/node_modules || ! command -v npm >/dev/null 2>&1 || \
	  npm ci --prefix $(A11Y) --no-audit --no-fund --ignore-scripts

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

# Readers and an editor at once, quiet and busy phases, the app alone and behind
# Varnish (issue #20; benchmarks/newsroom_load.py). No wrk needed.
bench-newsroom: $(VENV)/.installed varnish
	$(PY) benchmarks/bench.py newsroom --articles $(ARTICLES) --db $(DB)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
