#!/usr/bin/env bash
# Install the test dependencies and run the whole suite: lint, format check, tests.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv "dev"
echo "== ruff: lint and format"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== Django system checks"
"$VENV/bin/python" manage.py check --fail-level WARNING
DJANGO_SETTINGS_MODULE=config.settings.test "$VENV/bin/python" manage.py makemigrations --check --dry-run >/dev/null ||
  { echo "error: models changed without a migration (run manage.py makemigrations)"; exit 1; }
echo "== pytest"
"$VENV/bin/python" -m pytest "$@"
