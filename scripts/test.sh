#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: Python venv (DuckDB, moto), a local S3-compatible
# server, formatting and lint checks, then every Rust test. Usage: scripts/test.sh [cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/greenops/target}"

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

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "one copy of each big crate"
DUPES=$(cargo tree -d --workspace -e normal 2>/dev/null | grep -E '^(polars|object_store|reqwest|sqlx|ndarray|chrono-tz|cron|arrow|parquet) v' || true)
if [ -n "$DUPES" ]; then echo "duplicate versions:"; echo "$DUPES"; exit 1; fi

step "cargo test"
cargo test --workspace "$@"
