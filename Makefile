# ZI Portal – one entry point. `make run` sets everything up and starts the portal;
# `make test` runs the whole suite (lint, checks, pytest). Both create .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ZI_HOST ?= 127.0.0.1
ZI_PORT ?= 8000
export ZI_HOST ZI_PORT
# uv when it is on the PATH (fast); `make UV= run` forces plain pip.
UV ?= $(shell command -v uv 2>/dev/null)

.PHONY: install setup run web worker beat test lint pytest messages clean help

help:
	@echo "make run    set up (venv, install, migrate, plan + demo accounts) and start web, worker, beat"
	@echo "make test   ruff, manage.py check, makemigrations --check, pytest"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs the pinned lock file; uv is used when present (faster), pip otherwise.
$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	@if [ -n "$(UV)" ]; then \
		$(UV) pip install --python $(BIN)/python -r requirements-dev.lock; \
	else \
		$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.lock; \
	fi
	@touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

run: setup
	@$(BIN)/python manage.py portal_banner
	$(BIN)/honcho start -f Procfile.dev

web: setup
	$(BIN)/python manage.py runserver $(ZI_HOST):$(ZI_PORT)

worker: install
	$(BIN)/celery -A zi_portal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A zi_portal beat --loglevel=INFO

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# pytest-xdist processes, each with its own test database (-n 0: one process, no xdist).
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint pytest

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages -l en -l id --ignore=.venv

clean:
	rm -rf var/celery var/test-db.sqlite3
