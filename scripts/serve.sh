#!/usr/bin/env bash
# Set up everything and serve the app with the seed content on SQLite at http://127.0.0.1:8000
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# The development settings (DEBUG on, console mail, tasks run at once) unless told otherwise.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
ensure_venv ""
"$VENV/bin/python" manage.py migrate --no-input -v 0
"$VENV/bin/python" manage.py import_content
cat <<'MSG'

To edit content in the admin (http://127.0.0.1:8000/admin/), create a user in another terminal:
  .venv/bin/python manage.py createsuperuser

Serving at http://127.0.0.1:8000  (Ctrl+C stops it)
MSG
exec "$VENV/bin/python" manage.py runserver 127.0.0.1:8000
