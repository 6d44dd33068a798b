#!/usr/bin/env bash
# Runs the static checks (scripts/lint.sh), then the suite on SQLite, then on PostgreSQL (127.0.0.1:5432, database `test`).
# PostgreSQL is started if it is down; under CI a missing PostgreSQL is a failure,
# elsewhere the PostgreSQL pass is skipped with a warning.
# The wechaty gRPC tests need a local puppet-service gateway (tests/gateway/, npm packages):
# it is installed once into a cache directory (npm ci; later runs need no network); under CI
# a missing node/npm or a failed install is a failure, elsewhere those tests skip with a warning.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PG_URL=${GRIDBOT_TEST_PG_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}
export GRIDBOT_TEST_PG_URL=$PG_URL

pg_up() {
  "$PY" - "$PG_URL" <<'PYEOF' >/dev/null 2>&1
import asyncio, sys
import asyncpg
async def main(url):
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"), timeout=3)
    await conn.close()
asyncio.run(main(sys.argv[1]))
PYEOF
}

start_pg() {
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is not answering; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_up && return 0; sleep 1; done
  fi
  return 1
}

echo "== lint (ruff, mypy)"
PY="$PY" bash scripts/lint.sh
lint_rc=$?

echo "== wechaty test gateway (node, npm ci into a cache)"
gateway_rc=0
if ! "$PY" -m tests.transports.wechaty_gateway; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: the wechaty test gateway could not be installed (required under CI)" >&2
    gateway_rc=1
  else
    echo "WARNING: no wechaty test gateway; the gRPC tests will be skipped" >&2
  fi
fi

echo "== browser for the console tests (Debian's chromium and fonts-noto-cjk; Playwright downloads nothing)"
browser_rc=0
if ! command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { apt-get install -y --no-install-recommends chromium fonts-noto-cjk >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk >/dev/null; }; } ||
      browser_rc=1
  else
    browser_rc=1
  fi
  if [ $browser_rc -ne 0 ]; then
    # tests/test_console_browser*.py fail under CI=true without it, and skip (with the reason) elsewhere
    echo "WARNING: no Chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium fonts-noto-cjk)" >&2
  fi
fi

echo "== tests on SQLite"
GRIDBOT_TEST_DB=sqlite "$PY" -m pytest -p no:cacheprovider "$@"
sqlite_rc=$?

pg_rc=0
if pg_up || start_pg; then
  echo "== tests on PostgreSQL"
  GRIDBOT_TEST_DB=postgres "$PY" -m pytest -p no:cacheprovider "$@"
  pg_rc=$?
elif [ "${CI:-}" = "true" ]; then
  echo "FAIL: PostgreSQL at $PG_URL is unreachable and could not be started (required under CI)" >&2
  pg_rc=1
else
  echo "WARNING: PostgreSQL at $PG_URL is unreachable; the PostgreSQL pass was skipped" >&2
fi

if [ $lint_rc -ne 0 ] || [ $gateway_rc -ne 0 ] || [ $sqlite_rc -ne 0 ] || [ $pg_rc -ne 0 ]; then
  echo "FAILED (lint rc=$lint_rc, gateway rc=$gateway_rc, sqlite rc=$sqlite_rc, postgres rc=$pg_rc)"
  exit 1
fi
