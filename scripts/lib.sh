# Shared by scripts/serve.sh and scripts/test.sh: find Python 3.12+, make .venv, install.
# Usage: source scripts/lib.sh; ensure_venv "" | "dev"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3 python; do
    # A pyenv shim may exist without a Python behind it: run it to be sure.
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: Python 3.12 or newer is required (Django 6 needs it). Install it and retry." >&2
  return 1
}

ensure_venv() {
  local extras="$1" python stamp want
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    python="$(find_python)" || return 1
    echo "Creating a virtual environment in .venv with $("$python" --version)"
    rm -rf "$VENV"
    "$python" -m venv "$VENV" || return 1
  fi
  # Reinstall only when pyproject.toml or the wanted extras change (keeps re-runs fast).
  want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)-${extras:-base}"
  stamp="$VENV/.installed"
  if [ ! -f "$stamp" ] || ! grep -qx -- "$want" "$stamp"; then
    echo "Installing dependencies${extras:+ (with $extras extras)}..."
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    if [ -n "$extras" ]; then
      "$VENV/bin/python" -m pip install --quiet -e "$ROOT[$extras]" || return 1
    else
      "$VENV/bin/python" -m pip install --quiet -e "$ROOT" || return 1
    fi
    echo "$want" >"$stamp"
  fi
}
