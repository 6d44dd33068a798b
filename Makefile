# Two commands for a fresh machine:
#   make run    install into .venv and run the bot on SQLite + the local simulator
#   make test   install into .venv and run the tests on SQLite and PostgreSQL
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test install bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,wechaty,s3]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(VENV)/bin/gridbot run

test: $(VENV)/.installed
	PY=$(PY) bash scripts/test.sh

bench: $(VENV)/.installed
	$(PY) -m bench.pipeline
	$(PY) -m bench.http_load
