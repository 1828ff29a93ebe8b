# JTBD Marketplace: `make run` serves the app, `make test` runs every test tier.
SHELL := /bin/bash
PORT ?= 3000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_VERSION := 1.4.5
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: help install install-dev run seed migrate admin reconcile backup restore test test-unit test-integration test-e2e test-security services lint format bench bench-search load load-seed bench-events bench-pages compose-check clean

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: requirements.txt
	@echo "Installing the app's Python packages into $(VENV) (once; a minute or so)..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -r requirements.txt
	@touch $@

.tools/node_modules/.bin/bun:
	npm install --prefix .tools --no-audit --no-fund bun@$(BUN_VERSION)

install: $(VENV)/.installed .tools/node_modules/.bin/bun ## install the app (virtualenv, requirements, bun)

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

install-dev: install $(VENV)/.installed-dev

migrate: install ## apply database migrations
	$(PY) -m jtbd_app.cli migrate

seed: install ## migrate, then load demo data into an empty database
	$(PY) -m jtbd_app.cli prepare

admin: install ## promote a user to admin: make admin EMAIL=someone@example.com
	@test -n "$(EMAIL)" || { echo "Usage: make admin EMAIL=someone@example.com"; exit 2; }
	$(PY) -m jtbd_app.cli promote-admin "$(EMAIL)"

reconcile: install ## compare every payment, refund, payout and reversal with the gateway, and look DAYS (30) back for ones we do not know; exit 1 and what to do when they differ
	$(PY) -m jtbd_app.cli reconcile $(if $(DAYS),--days $(DAYS))

backup: install ## back up the database and every uploaded file into DIR (default: backups/<UTC time>); see docs/BACKUPS.md
	$(PY) -m jtbd_app.cli backup "$${DIR:-backups/$$(date -u +%Y%m%dT%H%M%SZ)}"

restore: install ## restore the backup in DIR, then migrate: make restore DIR=backups/20260101T020000Z (REPLACE=1 overwrites a database with data)
	@test -n "$(DIR)" || { echo "Usage: make restore DIR=backups/20260101T020000Z [REPLACE=1]"; exit 2; }
	$(PY) -m jtbd_app.cli restore $(if $(REPLACE),--replace) "$(DIR)"

run: install ## serve the production build on http://localhost:$(PORT)
	@$(PY) -m jtbd_app.cli prepare
	@echo "JTBD Marketplace will be at $${APP_URL:-http://localhost:$(PORT)} (demo accounts listed above and in README.md)"
	@APP_URL=$${APP_URL:-http://localhost:$(PORT)} reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

# panva's oidc-provider (OpenID Certified), pinned in its package-lock.json, for the end-to-end sign-in tests.
PANVA_OIDC := tests/support/panva_oidc
$(PANVA_OIDC)/node_modules/.installed: $(PANVA_OIDC)/package.json $(PANVA_OIDC)/package-lock.json
	npm ci --prefix $(PANVA_OIDC) --no-audit --no-fund
	touch $@

# axe-core, the accessibility engine the end-to-end tests inject into every page, pinned in its package-lock.json.
AXE_CORE := tests/support/axe_core
$(AXE_CORE)/node_modules/.installed: $(AXE_CORE)/package.json $(AXE_CORE)/package-lock.json
	npm ci --prefix $(AXE_CORE) --no-audit --no-fund
	touch $@

services: $(PANVA_OIDC)/node_modules/.installed $(AXE_CORE)/node_modules/.installed ## make sure Chromium, PostgreSQL, Redis, the test OIDC provider, axe-core and the test model server are there for the tests
	bash scripts/test-services.sh
	bash scripts/llama-venv.sh

lint: install-dev ## ruff (lint and format), mypy, and the layer guard (import-linter)
	ruff check .
	ruff format --check .
	mypy
	lint-imports --no-logo

format: install-dev
	ruff format .
	ruff check --fix .

test-unit: install-dev
	$(PY) -m pytest -q tests/unit

test-integration: install-dev services
	$(PY) -m pytest -q tests/integration

test-e2e: install-dev services
	$(PY) -m pytest -q tests/e2e

test-security: install-dev ## the hostile-client suite: every handler and HTTP route attacked on a production build
	$(PY) -m pytest -q tests/security

test: install-dev services lint test-unit test-integration test-e2e test-security ## every tier: lint, unit, integration, end-to-end, hostile

bench: install-dev services ## benchmarks (targets in docs/PERFORMANCE.md)
	$(PY) -m bench.run

bench-search: install-dev services ## the listing search benchmark alone (100,000 listings)
	$(PY) -m bench.run --only search

load: install-dev ## drive the running app (URL, default http://localhost:$(PORT)) with simulated members over its websocket: make load USERS=200 DURATION=120 RAMP=60 THINK=10
	$(PY) -m bench.load --url $${URL:-http://localhost:$(PORT)} $(if $(USERS),--users $(USERS)) $(if $(DURATION),--duration $(DURATION)) $(if $(RAMP),--ramp $(RAMP)) $(if $(THINK),--think $(THINK)) $(LOAD_ARGS)

load-seed: install ## fill an EMPTY database (DATABASE_URL, else the default one) for make load: LISTINGS=100000 MEMBERS=10000
	$(PY) -m bench.load seed $(if $(LISTINGS),--listings $(LISTINGS)) $(if $(MEMBERS),--members $(MEMBERS))

bench-events: install-dev ## page-load events through Reflex's event processor in-process, and idle CPU after 10,000 tabs
	$(PY) -m bench.events --idle-tabs 10000

bench-pages: install-dev services ## cold loads of /marketplace and a listing against the 404 page in headless Chromium, and their JavaScript
	$(PY) -m bench.run --only pages

# Not part of `test`: it needs a Docker daemon (CI has none), docker-compose and ports 80/443. See docs/DEPLOYMENT.md.
compose-check: install-dev ## the production profile for real: base images (local stand-ins without Docker Hub), docker build, docker-compose up, health, migrations, HTTPS, the golden path through Caddy in Chromium, then down -v
	bash scripts/compose-check.sh

clean:
	rm -rf .web .states $(VENV) .tools
