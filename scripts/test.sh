#!/usr/bin/env bash
# Install the test dependencies and run the whole suite: lint, format check, then every test
# (unit, integration, browser) twice: on SQLite and on a private PostgreSQL cluster.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv "dev"
ensure_chromium
echo "== ruff: lint and format"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== import contracts (pyproject.toml [tool.importlinter])"
"$VENV/bin/lint-imports" --no-cache
echo "== Django system checks"
"$VENV/bin/python" manage.py check --fail-level WARNING
DJANGO_SETTINGS_MODULE=config.settings.test "$VENV/bin/python" manage.py makemigrations --check --dry-run >/dev/null ||
  { echo "error: models changed without a migration (run manage.py makemigrations)"; exit 1; }

echo "== pytest on SQLite"
env -u DATABASE_URL "$VENV/bin/python" -m pytest "$@"

if [ "${SKIP_POSTGRES:-}" = "1" ]; then
  echo "== PostgreSQL leg skipped (SKIP_POSTGRES=1)"
  exit 0
fi
ensure_postgres_packages
start_postgres
trap stop_postgres EXIT
echo "== pytest on PostgreSQL ($DATABASE_URL)"
"$VENV/bin/python" -m pytest "$@"
