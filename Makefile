# ZI Portal – one entry point. `make run` sets everything up and starts the portal;
# `make test` runs the whole suite (lint, checks, pytest). Both create .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ZI_HOST ?= 127.0.0.1
ZI_PORT ?= 8000
export ZI_HOST ZI_PORT
# The installer: uv inside .venv, put there by pip on the first run (a few seconds; uv
# then installs the lock in seconds where pip took minutes). `make UV=uv run` uses a uv
# from the PATH instead; `make UV= run` installs with plain pip.
UV ?= $(BIN)/uv

.PHONY: install setup run web worker beat test lint pytest messages clean help

help:
	@echo "make run    set up (venv, install, migrate, plan + demo accounts) and start web, worker, beat"
	@echo "make test   ruff, import contracts, manage.py check, makemigrations --check, pytest"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs the pinned lock file, printing what it does (uv: one line per step and per
# package; pip: one line per package), so the first run never sits silent for minutes.
$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	@if [ -z "$(UV)" ]; then \
		echo "== installing requirements-dev.lock with pip (slow; UV= was given)"; \
		$(BIN)/python -m pip install --disable-pip-version-check -r requirements-dev.lock; \
	else \
		if [ "$(UV)" = "$(BIN)/uv" ] && [ ! -x "$(BIN)/uv" ]; then \
			echo "== installing uv into $(VENV) (pip install uv)"; \
			$(BIN)/python -m pip install --disable-pip-version-check uv; \
		fi; \
		echo "== installing requirements-dev.lock with $(UV)"; \
		$(UV) pip install --python $(BIN)/python -r requirements-dev.lock; \
	fi
	@touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

run: setup
	@$(BIN)/python manage.py portal_banner
	$(BIN)/python -m zi_portal.devrun Procfile.dev

web: setup
	$(BIN)/python manage.py runserver $(ZI_HOST):$(ZI_PORT)

worker: install
	$(BIN)/celery -A zi_portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A zi_portal beat --loglevel=INFO

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# pytest-xdist processes, each with its own test database (-n 0: one process, no xdist).
# worksteal: a worker that runs out of tests takes some of the other's, so neither
# idles at the end behind a queue of browser tests.
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test: lint pytest

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages -l en -l id --ignore=.venv

clean:
	rm -rf var/celery var/test-db.sqlite3
