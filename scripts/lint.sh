#!/usr/bin/env bash
# Static checks: ruff on the whole tree and mypy --strict on the files pyproject.toml's [tool.mypy] names
# (nlp/, bot/commands.py, bot/flows.py). Exits non-zero on any error.
# Usage: PY=.venv/bin/python bash scripts/lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

echo "== mypy (strict: nlp/, bot/commands.py, bot/flows.py)"
"$PY" -m mypy

echo "== ruff (pyproject.toml [tool.ruff])"
"$PY" -m ruff check .
