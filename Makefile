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

.PHONY: help install run test test-postgres test-sqlite postgres-server bench lint

help:
	@echo "make run    install, create the database, load the demo report, serve http://127.0.0.1:8000/"
	@echo "make test   install, run the tests on PostgreSQL (database tests) and SQLite (all)"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks (bench/run.py)"

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# The demo needs a readable SECRET_KEY-less development server: SENGEN_DEBUG=1 unless set.
run: export SENGEN_DEBUG ?= 1
run: install
	$(SENGEN) migrate
	$(SENGEN) demo
	$(SENGEN) runserver 127.0.0.1:8000

# PostgreSQL first, then everything on SQLite, so the output ends with the whole suite's summary.
test: install
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-sqlite

# Tests that touch the database (marker `database`, set by tests/conftest.py) against a
# throw-away PostgreSQL server that tests/pgrun.py starts and removes.
test-postgres: install postgres-server
	$(PY) tests/pgrun.py -- $(PYTEST) -m database

test-sqlite: install
	env -u DATABASE_URL $(PYTEST)

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

lint: install
	$(VENV)/bin/ruff check src tests
