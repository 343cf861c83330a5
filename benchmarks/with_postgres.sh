#!/usr/bin/env bash
# Run the benchmark on SQLite and on a private, throwaway PostgreSQL cluster (started here,
# stopped and removed on exit). Arguments go to benchmarks/run.py, e.g. --quick.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
ensure_venv "dev"
ensure_postgres_packages
# Production durability: fsync on, synchronous commits (the tests turn fsync off).
PGPORT=${PGPORT:-54349} PG_SERVER_OPTS="-c shared_buffers=256MB" start_postgres
trap stop_postgres EXIT
"$VENV/bin/python" benchmarks/run.py "$@"
