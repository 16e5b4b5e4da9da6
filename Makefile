# Mijn Overzicht. `make help` lists the targets. Works on a fresh Debian machine: `make deps`
# installs what is missing (apt packages, the venv, npm packages), and nothing twice.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
# Two workers (pytest-xdist): the tests wait on Chromium, servers and subprocesses as much as
# they compute. The 15 slowest tests are listed so a slow suite shows where the time goes.
TEST_WORKERS ?= 2
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS) --durations=15
PYTHON ?= python3

PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
DEMO_URL := http://127.0.0.1:5000

APT_PACKAGES := xmlsec1 redis-server chromium w3m poppler-utils fonts-dejavu-core \
	libpango-1.0-0 libpangoft2-1.0-0 espeak-ng lame wrk
# sudo only when not root (CI and these machines run as root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
MANIFEST := static/vendor/manifest.json

.PHONY: help deps system-deps python-deps node-deps assets translations saml-keys demo redis \
	lint test test-sqlite test-postgres test-calendar test-scale bench migration lock clean distclean

help: ## Show the targets
	@echo "Mijn Overzicht: make <target>"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

# --- set-up -------------------------------------------------------------------------------

deps: system-deps python-deps node-deps assets translations saml-keys ## Install everything missing (apt, venv, npm), build assets, catalogs, demo SAML keys

system-deps: ## Install the Debian packages that are missing (xmlsec1, redis, chromium, ...)
	@missing=""; \
	for p in $(APT_PACKAGES); do \
		dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "apt: installing$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

python-deps: $(VENV_STAMP) ## Create .venv with the locked versions (requirements-dev.lock), then the app itself

# The lock holds the exact versions the suite passed with; pyproject.toml keeps the ranges.
# `pip check` fails when pyproject.toml asks for something the lock lacks: run `make lock`.
$(VENV_STAMP): pyproject.toml requirements-dev.lock
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq -r requirements-dev.lock
	$(PY) -m pip install -qq --no-deps -e .
	$(PY) -m pip check
	touch $@

LOCK_FLAGS := --quiet --strip-extras --no-emit-index-url --no-emit-find-links

lock: ## Write requirements.lock (production) and requirements-dev.lock from pyproject.toml's ranges
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq pip-tools
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_FLAGS) --extra dev -o requirements-dev.lock pyproject.toml

node-deps: $(NODE_STAMP) ## npm ci (htmx, axe-core) from package-lock.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: $(MANIFEST) ## Copy htmx into static/vendor/ under a fingerprinted name; draw the app icons

$(MANIFEST): $(NODE_STAMP) scripts/build_assets.py static/img/app-icon.svg
	$(PY) scripts/build_assets.py

translations: python-deps ## Compile the translation catalogs (translations/*/LC_MESSAGES/*.po)
	@if [ -d translations ] && [ -n "$$(find translations -name '*.po' -print -quit)" ]; then \
		$(VENV)/bin/pybabel compile -d translations -f; \
	fi

saml-keys: python-deps ## Generate the demo/test SAML keys into instance/saml/ (once)
	$(FLASK) saml-keys

# --- run ----------------------------------------------------------------------------------

demo: deps ## Run the demo on http://127.0.0.1:5000 (SQLite, test DigiD, web + worker)
	@mkdir -p instance
	MIJN_CONFIG=demo $(FLASK) db upgrade
	MIJN_CONFIG=demo $(FLASK) seed-demo
	@$(MAKE) redis
	@echo
	@echo "  Mijn Overzicht runs on $(DEMO_URL)"
	@echo "  Log in with 'Inloggen met DigiD' and pick a test BSN on the test IdP page"
	@echo "  (999993653 red, 999900006 red + overdue, 999900018 orange, 999900031 green)."
	@echo "  Stop with Ctrl-C."
	@echo
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" MIJN_CONFIG=demo REDIS_URL=$(REDIS_URL) \
		$(VENV)/bin/honcho start -f Procfile web worker

redis: python-deps ## Start a throwaway local Redis on port 6379 unless one answers on REDIS_URL
	@if REDIS_URL=$(REDIS_URL) $(PY) -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL'], socket_timeout=2).ping()" 2>/dev/null; then \
		echo "Redis answers on $(REDIS_URL)"; \
	else \
		echo "Starting redis-server on port 6379 (nothing kept on disk)"; \
		redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes; \
	fi

# --- checks -------------------------------------------------------------------------------

lint: python-deps ## ruff check, ruff format --check, mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Runs a part and says how long it took ($(call timed,name,command)).
timed = start=$$(date +%s); $(2); echo "== $(1): $$(( $$(date +%s) - start )) s"

test: deps ## Lint, then the whole suite on SQLite and on PostgreSQL (PG_TEST_URL); times each part
	@$(call timed,lint,$(MAKE) lint)
	@$(call timed,suite on SQLite,$(MAKE) test-sqlite)
	@$(call timed,suite on PostgreSQL,$(MAKE) test-postgres)

test-calendar: deps ## The time-sensitive tests with the whole clock moved (DST night, New Year's Eve, +2 years)
	@$(call timed,test-calendar,$(PY) scripts/test_calendar.py -n $(TEST_WORKERS))

test-sqlite: ## The suite on SQLite only (no lint)
	env -u TEST_DATABASE_URL $(PYTEST)

# The browser tests (pages, accessibility, keyboard) run once, in the SQLite pass: what they do
# to the database, the tests without a browser do on both databases. That keeps `make test`
# within its 12 minutes on 2 cores.
test-postgres: ## The suite on PostgreSQL only, without the browser tests (PG_TEST_URL)
	TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST) --ignore=tests/browser

# Two gunicorn instances and two reminder workers on one PostgreSQL schema and one Redis DB
# (tests/scale); skipped by the suite itself, run here once (.ci/run), about a minute.
test-scale: ## The scale-out proof on PostgreSQL (PG_TEST_URL): several web and worker processes
	TEST_DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -q -p no:cacheprovider -m scale tests/scale

bench: deps ## Run the benchmarks in bench/ (page weight budgets)
	@status=0; \
	for f in bench/*.py; do \
		echo "== $$f"; \
		$(PY) "$$f" || status=1; \
	done; \
	exit $$status

# Every schema change is a new revision on top of the others (a database in production is at
# the last one); the numbered ids keep them in order. The test checks models == upgrade head.
migration: deps ## A new Alembic revision from the models' changes: make migration MESSAGE="what changed"
	@test -n "$(MESSAGE)" || { echo 'Say what changed: make migration MESSAGE="..."' >&2; exit 2; }
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	next=$$(printf '%04d' $$(( $$(ls migrations/versions/*.py | wc -l) + 1 ))); \
	DATABASE_URL="sqlite:///$$tmp/head.sqlite" MIJN_CONFIG=demo $(FLASK) db upgrade; \
	DATABASE_URL="sqlite:///$$tmp/head.sqlite" MIJN_CONFIG=demo \
		$(FLASK) db migrate -m "$(MESSAGE)" --rev-id "$$next"
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/test_migrations.py

# --- tidy ---------------------------------------------------------------------------------

clean: ## Remove built assets, caches, compiled catalogs and bench output (keeps .venv, node_modules, instance/)
	rm -rf static/vendor bench/out .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
		\( -name __pycache__ -o -name '*.mo' \) -print0 | xargs -0 rm -rf

distclean: clean ## Also remove .venv, node_modules and instance/ (the demo database and keys)
	rm -rf $(VENV) node_modules instance
