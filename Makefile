# sengen — `make run` to try it, `make test` before every commit.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
SENGEN := $(VENV)/bin/sengen
# Reinstall only when pyproject.toml changed since the last install.
STAMP  := $(VENV)/.sengen-installed
PYTEST := $(PY) -m pytest

.PHONY: help install run test test-postgres test-sqlite postgres-server bench lint assets messages browser poppler fuzz nginx

help:
	@echo "make run    install, create the database, load the demo report, serve http://127.0.0.1:8000/"
	@echo "make test   install, run the tests on PostgreSQL (database tests) and SQLite (all)"
	@echo "make lint   ruff"
	@echo "make fuzz   the fuzzing tests at length (FUZZ_EXAMPLES=5000)"
	@echo "make bench  benchmarks (bench/run.py)"
	@echo "make assets     npm ci; copy the デジタル庁 design tokens into the portal's static files"
	@echo "make messages   compile the English catalogue (.po → .mo) without gettext"
	@echo "make browser    install Debian's Chromium and a Japanese font for tests/browser (as root)"

install: $(STAMP) assets messages

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Front-end packages come from the npm registry through package-lock.json, and the portal serves
# them itself: city networks (LGWAN) reach no CDN. Node.js comes with the machine image; on one
# without it, Debian's.
NODE_STAMP := node_modules/.package-lock.json
TOKENS_CSS := node_modules/@digital-go-jp/design-tokens/dist/tokens.css
VENDOR_DIR := src/sengen/portal/static/portal/vendor

$(NODE_STAMP): package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Node.js and npm (Debian packages) for the portal's front-end packages"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; \
	  else \
	    echo "npm not found: install Node.js (npm) for the design tokens and axe-core" >&2; exit 1; \
	  fi; \
	fi
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The デジタル庁 design tokens, copied from the npm package into the portal's static files (the
# copy is git-ignored there; collectstatic and the development server find it like any other).
assets: $(VENDOR_DIR)/tokens.css

$(VENDOR_DIR)/tokens.css: $(NODE_STAMP)
	@mkdir -p $(VENDOR_DIR)
	cp $(TOKENS_CSS) $@

# English translations: compiled by sengen's own msgfmt (pure Python), so no gettext is needed.
# The .mo is committed too (a plain `pytest` on a fresh clone has it); the rule keeps it current.
LOCALE_DIR := src/sengen/locale
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/django.po))
messages: $(MO_FILES)

$(LOCALE_DIR)/%/LC_MESSAGES/django.mo: $(LOCALE_DIR)/%/LC_MESSAGES/django.po | $(STAMP)
	$(PY) tools/msgfmt.py $< $@

# The browser tests drive Debian's Chromium (never a browser Playwright downloads) and need a
# Japanese font to draw the pages as a citizen sees them.
browser:
	@if ! [ -x /usr/bin/chromium ] || ! fc-list :lang=ja 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium and a Japanese font (Debian packages chromium, fonts-ipaexfont-gothic) for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-ipaexfont-gothic >/dev/null; \
	  else \
	    echo "Chromium not found at /usr/bin/chromium: the browser tests will be skipped (install Debian's chromium)" >&2; \
	  fi; \
	fi

# pdftotext (Debian's poppler-utils, and poppler-data for the CID fonts): the text reader's
# tests and bench read PDFs' text as a city extracts it.
poppler:
	@if ! command -v pdftotext >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing pdftotext (Debian packages poppler-utils, poppler-data) for the text extractions"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils poppler-data >/dev/null; \
	fi

# nginx (Debian's): the static site's browser tests serve the built tree with it, as a city's web
# server would (tests/nginx.py runs it as the caller on 127.0.0.1 with a configuration of its own).
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && ! [ -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing nginx (Debian package nginx) for the static site's tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null; \
	  else \
	    echo "nginx not found: the static site's browser tests will be skipped (install Debian's nginx)" >&2; \
	  fi; \
	fi

# The demo needs a readable SECRET_KEY-less development server: SENGEN_DEBUG=1 unless set.
run: export SENGEN_DEBUG ?= 1
run: install
	$(SENGEN) migrate
	$(SENGEN) demo
	$(SENGEN) runserver 127.0.0.1:8000

# PostgreSQL first, then everything on SQLite, so the output ends with the whole suite's summary.
test: install browser poppler nginx
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-sqlite

# Tests that touch the database (marker `database`, set by tests/conftest.py) against a
# throw-away PostgreSQL server that tests/pgrun.py starts and removes.
test-postgres: install postgres-server
	$(PY) tests/pgrun.py -- $(PYTEST) -m database

test-sqlite: install
	env -u DATABASE_URL $(PYTEST)

# The fuzzing tests at length (`make test` runs 100 examples each, in about a minute).
FUZZ_EXAMPLES ?= 5000
fuzz: install
	SENGEN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) env -u DATABASE_URL $(PYTEST) tests/fuzz

# The server binaries come with the machine image; on one without them, install Debian's.
postgres-server:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing the PostgreSQL server (Debian package postgresql) for the tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	  else \
	    echo "PostgreSQL server binaries (initdb, postgres) not found: install PostgreSQL or set PG_BINDIR" >&2; exit 1; \
	  fi; \
	fi

bench: install
	@if [ -f bench/run.py ]; then $(PY) bench/run.py; else echo "no benchmarks yet (bench/run.py)"; fi

# The public site under load through gunicorn on 127.0.0.1 (docs/benchmarks-load.md);
# BENCH_LOAD_ARGS="--clients 50 --duration 60 --db postgres" for other runs.
.PHONY: bench-load bench-tools bench-national bench-independent
# Both readers' field accuracy on PDFs an independent generator lays out (docs/benchmarks.md);
# pdftotext comes from Debian's poppler-utils (and poppler-data for the CID fonts).
bench-independent: install poppler
	$(PY) bench/independent.py $(BENCH_INDEPENDENT_ARGS)
	$(PY) bench/independent.py --held-out $(BENCH_INDEPENDENT_ARGS)

bench-load: install bench-tools
	$(PY) bench/load.py $(BENCH_LOAD_ARGS)

# The load bench's other programs, from Debian: wrk (a load generator in C, so that the client is
# not what is measured), nginx (the limit, and the built site) and redis-server (--cache redis).
bench-tools: nginx
	@if ! command -v wrk >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing wrk and redis-server (Debian packages) for make bench-load"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk redis-server >/dev/null; \
	  else \
	    echo "wrk or redis-server not found: install Debian's wrk and redis-server" >&2; exit 1; \
	  fi; \
	fi

# 1,741 cities × 15 departments × 10 years in a throw-away PostgreSQL (about 15 minutes on
# 2 cores); BENCH_NATIONAL_ARGS="--scale 0.1" for a smaller run.
bench-national: install postgres-server
	$(PY) bench/national.py $(BENCH_NATIONAL_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests
