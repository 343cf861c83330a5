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

SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $* missing and no apt-get here; install it with your package manager." >&2
    return 1
  fi
  [ -n "${APT_UPDATED:-}" ] || { $SUDO apt-get update -qq >/dev/null; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# Browser tests use Debian's Chromium (Playwright cannot download its own browser here).
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Chromium for the browser tests..."
    apt_install chromium || { [ -z "${CI:-}" ] || return 1; echo "warning: no Chromium: browser tests will be skipped"; }
  fi
}

ensure_postgres_packages() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "Installing PostgreSQL for the second test leg..."
    apt_install postgresql
  fi
}

# A private cluster on a spare port, owned by this run, removed when it ends.
# Tests run it with fsync off (PG_SERVER_OPTS overrides; benchmarks keep full durability).
start_postgres() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PGDIR=$(mktemp -d)
  PGPORT=${PGPORT:-54329}
  local runas=()
  if [ "$(id -u)" = "0" ]; then
    chown postgres: "$PGDIR"
    runas=(runuser -u postgres --)
  fi
  "${runas[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${runas[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 ${PG_SERVER_OPTS--c fsync=off}" start >/dev/null
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres examprep
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/examprep"
}

stop_postgres() {
  [ -n "${PGDIR:-}" ] || return 0
  local runas=()
  [ "$(id -u)" = "0" ] && runas=(runuser -u postgres --)
  "${runas[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
