# Two commands matter: `make run` (dashboard on embedded defaults) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run demo serve test lint bench install install-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## The dashboard on embedded defaults: demo mode (SQLite file data/demo.db, in-process cache, the
## generated roster, a read-only demo viewer without sign-in). Bound to this machine only.
run: install
	INTEL_DEMO=1 $(PY) -m intel db upgrade
	INTEL_DEMO=1 $(PY) -m intel demo load --if-empty
	$(PY) -m intel static build
	INTEL_DEMO=1 $(PY) -m streamlit run server.py --server.port $(PORT) --server.address 127.0.0.1

## Sales walkthrough: the same demo-mode app.
demo: run

## The real app with sign-in, on DATABASE_URL / REDIS_URL (default: data/intel.db, in-process cache).
## On an empty database the browser asks for the first administrator.
serve: install
	$(PY) -m intel db upgrade
	$(PY) -m intel static build
	$(PY) -m streamlit run server.py --server.port $(PORT)

## The whole suite against real PostgreSQL, Redis and Chromium (CI=true turns missing ones into failures).
test: install-dev
	$(PY) -m intel static build
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m mypy

bench: install-dev
	$(PY) -m intel static build
	$(PY) -m bench
