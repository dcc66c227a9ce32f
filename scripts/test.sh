#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: Python venv (DuckDB, moto, aiosmtpd), a local
# S3-compatible server, an SMTP server with TLS and AUTH, a PostgreSQL server (the local one, or a
# throwaway cluster when none is reachable), formatting and lint checks, then every Rust test.
# Usage: scripts/test.sh [cargo test args]
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

step "SMTP server (aiosmtpd: STARTTLS, implicit TLS, AUTH)"
# a throwaway self-signed certificate, a user with a random password, and a maildir the delivery
# tests read back (tests/smtp_server.py)
SMTP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/greenops-smtp-XXXXXX")
# CA:FALSE, else rustls refuses a CA certificate used as the server's own (CaUsedAsEndEntity)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -addext basicConstraints=critical,CA:FALSE \
    -keyout "$SMTP_DIR/key.pem" -out "$SMTP_DIR/cert.pem" > "$SMTP_DIR/openssl.log" 2>&1 \
    || { cat "$SMTP_DIR/openssl.log" >&2; exit 1; }
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SMTP_PORT=$(free_port)
SMTPS_PORT=$(free_port)
export GREENOPS_TEST_SMTP_USER=greenops-test
GREENOPS_TEST_SMTP_PASSWORD=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(18))')
export GREENOPS_TEST_SMTP_PASSWORD
.venv/bin/python tests/smtp_server.py --port "$SMTP_PORT" --smtps-port "$SMTPS_PORT" \
    --cert "$SMTP_DIR/cert.pem" --key "$SMTP_DIR/key.pem" "$SMTP_DIR/maildir" \
    > "$SMTP_DIR/server.log" 2>&1 &
SMTP_PID=$!
trap 'kill $MOTO_PID $SMTP_PID 2>/dev/null || true; rm -rf "$SMTP_DIR"' EXIT
.venv/bin/python - "$SMTP_PORT" "$SMTPS_PORT" "$SMTP_PID" <<'PY' || { cat "$SMTP_DIR/server.log" >&2; exit 1; }
import os, socket, sys, time
ports, pid = [int(p) for p in sys.argv[1:3]], int(sys.argv[3])
for _ in range(100):
    try:
        for port in ports:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            raise SystemExit("the SMTP test server exited")
        time.sleep(0.2)
else:
    raise SystemExit("the SMTP test server did not start")
PY
export GREENOPS_TEST_SMTP_HOST=localhost GREENOPS_TEST_SMTP_PORT="$SMTP_PORT" \
    GREENOPS_TEST_SMTPS_PORT="$SMTPS_PORT" GREENOPS_TEST_SMTP_CA="$SMTP_DIR/cert.pem" \
    GREENOPS_TEST_SMTP_MAILDIR="$SMTP_DIR/maildir"

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
    trap 'kill $MOTO_PID $SMTP_PID 2>/dev/null || true; rm -rf "$SMTP_DIR"; "${AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -m immediate stop > /dev/null 2>&1 || true; rm -rf "$PGBASE"' EXIT
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

step "notebooks (executed against a demo warehouse)"
# only on a full run: `scripts/test.sh -p models` may not build the greenops binary they need
if [ $# -eq 0 ]; then scripts/run_notebooks.sh; else echo "skipped (cargo test arguments given)"; fi
