#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: Python venv (DuckDB, moto), a local S3-compatible
# server, a PostgreSQL server (the local one, or a throwaway cluster when none is reachable),
# formatting and lint checks, then every Rust test. Usage: scripts/test.sh [cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/greenops/target}"
# apalis' SQL macros use their shipped query cache; never a DATABASE_URL from the environment
export SQLX_OFFLINE=true

step() { printf '\n==> %s\n' "$*"; }

step "Python tools (.venv)"
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt

step "S3-compatible server (moto)"
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/moto_server -H 127.0.0.1 -p "$PORT" > "${TMPDIR:-/tmp}/greenops-moto-$PORT.log" 2>&1 &
MOTO_PID=$!
trap 'kill $MOTO_PID 2>/dev/null || true' EXIT
export GREENOPS_TEST_S3_ENDPOINT="http://127.0.0.1:$PORT" GREENOPS_TEST_S3_BUCKET=greenops-test
.venv/bin/python - <<PY
import time, boto3
s3 = boto3.client("s3", endpoint_url="$GREENOPS_TEST_S3_ENDPOINT", aws_access_key_id="testing",
                  aws_secret_access_key="testing", region_name="us-east-1")
for _ in range(100):
    try:
        s3.create_bucket(Bucket="$GREENOPS_TEST_S3_BUCKET"); break
    except Exception:
        time.sleep(0.2)
else:
    raise SystemExit("moto did not start")
PY
export GREENOPS_TEST_PYTHON="$PWD/.venv/bin/python"

step "PostgreSQL"
# Each orchestration test creates (and drops) its own database through this admin URL.
export GREENOPS_TEST_PG="${GREENOPS_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_ok() { .venv/bin/python - "$1" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
try:
    socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PY
}
if pg_ok "$GREENOPS_TEST_PG"; then
    echo "using the PostgreSQL server at ${GREENOPS_TEST_PG%%/postgres}"
else
    INITDB=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1 || true)
    if [ -z "$INITDB" ]; then
        echo "no PostgreSQL reachable at $GREENOPS_TEST_PG and no initdb to start one:" \
             "install PostgreSQL (e.g. apt-get install postgresql) or set GREENOPS_TEST_PG" >&2
        exit 1
    fi
    BIN=$(dirname "$INITDB")
    PGPORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    PGBASE=$(mktemp -d "${TMPDIR:-/tmp}/greenops-pg-XXXXXX")
    PGDATA="$PGBASE/data"
    AS=()
    # initdb refuses to run as root: use the postgres account the server package created
    if [ "$(id -u)" = 0 ]; then chown postgres "$PGBASE"; AS=(runuser -u postgres --); fi
    "${AS[@]}" "$BIN/initdb" -D "$PGDATA" -A trust -U postgres > /dev/null
    "${AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$PGBASE/server.log" -w \
        -o "-p $PGPORT -h 127.0.0.1 -k $PGBASE" start > /dev/null
    trap 'kill $MOTO_PID 2>/dev/null || true; "${AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -m immediate stop > /dev/null 2>&1 || true; rm -rf "$PGBASE"' EXIT
    export GREENOPS_TEST_PG="postgres://postgres@127.0.0.1:$PGPORT/postgres"
    echo "started a throwaway PostgreSQL on port $PGPORT"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "one copy of each big crate"
DUPES=$(cargo tree -d --workspace -e normal 2>/dev/null | grep -E '^(polars|object_store|reqwest|sqlx|ndarray|chrono-tz|cron|arrow|parquet) v' || true)
if [ -n "$DUPES" ]; then echo "duplicate versions:"; echo "$DUPES"; exit 1; fi

step "cargo test"
cargo test --workspace "$@"
