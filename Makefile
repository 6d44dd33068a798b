# Two commands for a fresh machine:
#   make run    install into .venv and run the bot on SQLite + the local simulator
#   make test   install into .venv and run the tests on SQLite and PostgreSQL
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test install bench compile

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,wechaty,s3]'
	touch $@

# The classifier's hot modules compiled with mypyc (nlp/native.py): rebuilt only when a source has
# changed since the last build (a second or so to check). Without a C compiler the script says so once
# and the classifier runs as plain Python, with the same results.
install: $(VENV)/.installed
	$(PY) scripts/compile_nlp.py --if-stale

compile: $(VENV)/.installed
	$(PY) scripts/compile_nlp.py

run: install
	$(VENV)/bin/gridbot run

test: install
	PY=$(PY) bash scripts/test.sh

bench: install
	$(PY) -m bench.pipeline
	$(PY) -m bench.http_load
