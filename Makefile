# Two commands matter: `make run` (dashboard on embedded defaults) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run demo test lint bench install install-dev

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

## The dashboard on embedded defaults: SQLite file under ./data, in-process cache, demo roster if empty.
run: install
	$(PY) -m intel db upgrade
ifeq ($(strip $(DATABASE_URL)),)
	$(PY) -m intel demo load --if-empty
endif
	$(PY) -m streamlit run app.py --server.port $(PORT)

## Sales walkthrough: the whole app on the separate demo database.
demo: install
	INTEL_DEMO=1 $(PY) -m intel db upgrade
	INTEL_DEMO=1 $(PY) -m intel demo load --if-empty
	INTEL_DEMO=1 $(PY) -m streamlit run app.py --server.port $(PORT)

## The whole suite against real PostgreSQL, Redis and Chromium (CI=true turns missing ones into failures).
test: install-dev
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: install-dev
	$(PY) -m ruff check .

bench: install-dev
	$(PY) -m intel bench
