# Tashil — common tasks. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CONSTRAINTS := requirements/constraints.txt
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help run test lint format types check messages translations vendor lock clean bench-data bench bench-smoke load

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-13s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e .
	@touch $@

$(STAMP_DEV): $(STAMP_RUN) pyproject.toml $(CONSTRAINTS)
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	@touch $@

translations: $(STAMP_RUN) ## Compile the fa/en catalogues (pure Python, no gettext needed)
	$(BIN)/python manage.py compiletranslations

run: $(STAMP_RUN) translations ## Install, migrate, load the demo province and serve on :$(PORT) with the worker
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	PORT=$(PORT) BIN=$(BIN) ./scripts/serve.sh

test: $(STAMP_DEV) translations ## Run the whole suite (browser tests included)
	@[ -x "$${TASHIL_CHROMIUM:-/usr/bin/chromium}" ] || { echo "Browser tests need Debian's Chromium: apt-get install chromium"; exit 1; }
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP_DEV) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP_DEV) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

types: $(STAMP_DEV) ## mypy with django-stubs
	$(BIN)/mypy

check: lint types test ## Everything CI runs on one database

messages: $(STAMP_DEV) ## Extract strings into the .po catalogues (needs GNU gettext: apt install gettext)
	$(BIN)/python manage.py makemessages --locale fa --locale en --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(BIN)/python manage.py makemessages --domain djangojs --locale fa --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'tashil/static/vendor/*' --no-obsolete

vendor: ## Refresh vendored front-end files from npm (versions in scripts/vendor_static.sh)
	./scripts/vendor_static.sh

lock: $(BIN)/python ## Re-pin every dependency into requirements/constraints.txt
	$(BIN)/pip install --quiet -e '.[dev]'
	{ echo "# Exact versions of every Python package Tashil installs (runtime and dev)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^tashil'; } > $(CONSTRAINTS)

# --- Benchmark (docs/performance.md): a national dataset on PostgreSQL, and the measurements ----
# The database is dropped and created again, UTF-8 (pg_trgm finds nothing in Persian under C).
SCALE ?= 1
BENCH_DB ?= tashil_bench
PG_URL = postgres://$${PGUSER:-postgres}:$${PGPASSWORD:-}@$${PGHOST:-127.0.0.1}:$${PGPORT:-5432}
BENCH_ENV = DATABASE_URL=$(PG_URL)/$(BENCH_DB) DJANGO_SETTINGS_MODULE=bench.settings

bench-data: $(STAMP_DEV) translations ## Generate the national benchmark dataset: make bench-data SCALE=1 (or 0.01)
	psql -h $${PGHOST:-127.0.0.1} -U $${PGUSER:-postgres} -d postgres -qc 'DROP DATABASE IF EXISTS $(BENCH_DB)'
	psql -h $${PGHOST:-127.0.0.1} -U $${PGUSER:-postgres} -d postgres -qc "CREATE DATABASE $(BENCH_DB) TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
	$(BENCH_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(BENCH_ENV) $(BIN)/python manage.py load_reference
	$(BENCH_ENV) $(BIN)/python -m bench.datagen --scale $(SCALE)

bench: $(STAMP_DEV) translations ## Measure every screen on that dataset; writes bench/results/<date>.json and .md
	$(BENCH_ENV) $(BIN)/python -m bench.harness $(BENCH_ARGS)

bench-smoke: ## The whole harness at a tiny scale, so it cannot rot (CI; timings not asserted)
	$(MAKE) bench-data SCALE=0.001 BENCH_DB=tashil_bench_smoke
	$(MAKE) bench BENCH_DB=tashil_bench_smoke BENCH_ARGS="--quick --out $${TMPDIR:-/tmp}/tashil-bench-smoke"
	psql -h $${PGHOST:-127.0.0.1} -U $${PGUSER:-postgres} -d postgres -qc 'DROP DATABASE IF EXISTS tashil_bench_smoke'

load: $(STAMP_DEV) ## Mixed traffic of every kind of user on gunicorn + PostgreSQL, fails on any error: make load [LOAD_SECONDS=180] [LOAD_DB=tashil_load]
	$(MAKE) bench-data SCALE=0.01 BENCH_DB=$(or $(LOAD_DB),tashil_load)
	DATABASE_URL=$(PG_URL)/$(or $(LOAD_DB),tashil_load) DJANGO_SETTINGS_MODULE=bench.settings $(BIN)/python -m bench.mixed --seconds $(or $(LOAD_SECONDS),180)

clean: ## Remove the venv and everything under var/ (the demo database included)
	rm -rf $(VENV) var
