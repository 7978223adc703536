#!/usr/bin/env bash
# Checks the JSON API against its own OpenAPI document with schemathesis: a real server with the
# demo data, once on SQLite and once on PostgreSQL, a fixed seed and a small example budget per
# operation. Fails on any server error (5xx), any answer whose status or body the document does
# not declare, and any request the document calls valid that the server refuses (400/422).
#   GONGKAI_BIN                the gongkai binary (default: target/debug/gongkai of this repository)
#   GONGKAI_TEST_PG_URL        PostgreSQL URL; a throwaway database is made beside its database
#                              (without it, only SQLite is checked and the script says so)
#   SCHEMATHESIS_MAX_EXAMPLES  examples per operation and phase (default 30)
# schemathesis comes from PyPI at a pinned version, in a virtualenv under the user's cache folder.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VERSION="4.32.5"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/gongkai/schemathesis-$VERSION"
BIN="${GONGKAI_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/gongkai}"
EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-30}"

if [ ! -x "$BIN" ]; then
  echo "api check: gongkai binary not found at $BIN (run: cargo build -p gongkai, or set GONGKAI_BIN)" >&2
  exit 1
fi
if [ ! -x "$VENV/bin/st" ]; then
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gongkai-api.XXXXXX")"
SERVER_PID=""
PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql "$GONGKAI_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts `gongkai serve --demo` on a free port (extra arguments are passed on); sets BASE.
start_server() {
  local data="$WORK/data-$1"; shift
  mkdir -p "$data"
  # Every generated submission comes from 127.0.0.1: the production limit (20 an hour per
  # address) would answer most of them 429, which the document allows but which tests nothing.
  (cd "$data" && exec env NO_COLOR=1 GONGKAI_DEMO_PASSWORD=Demo-2026-wuqia \
    GONGKAI_SUBMISSIONS_PER_HOUR=100000 \
    "$BIN" serve --demo --data "$data" --listen 127.0.0.1:0 "$@" >"$data/serve.out" 2>"$data/serve.err") &
  SERVER_PID=$!
  BASE=""
  for _ in $(seq 600); do
    BASE="$(grep -o '已启动：http://[^ /]*' "$data/serve.out" 2>/dev/null | head -n1 | sed 's/^已启动：//')" || true
    [ -n "$BASE" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "api check: the server did not start" >&2
  cat "$data/serve.out" "$data/serve.err" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Runs schemathesis against BASE; its report goes to WORK/report-ENGINE.
check() {
  local engine="$1"
  echo "api check ($engine): schemathesis $VERSION against $BASE, $EXAMPLES examples per operation"
  # Run from the work folder: schemathesis keeps a cache (.schemathesis/) in the current one.
  (cd "$WORK" && GONGKAI_API_BASE="$BASE" SCHEMATHESIS_HOOKS="$HERE/hooks.py" "$VENV/bin/st" run "$BASE/api/v1/openapi.json" \
    --url "$BASE" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,positive_data_acceptance \
    --phases examples,coverage,fuzzing \
    --max-examples "$EXAMPLES" \
    --seed 14 \
    --generation-deterministic \
    --workers 2 \
    --request-timeout 30 \
    --no-color \
    --report junit --report-dir "$WORK/report-$engine")
}

# Both engines are checked even when the first fails, so one run shows every failure.
status=0
start_server sqlite
check sqlite || status=1
stop_server

if [ -n "${GONGKAI_TEST_PG_URL:-}" ]; then
  PG_DB="gongkai_api_$$"
  psql "$GONGKAI_TEST_PG_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
  start_server postgres --database-url "${GONGKAI_TEST_PG_URL%/*}/$PG_DB"
  check postgres || status=1
  stop_server
else
  echo "api check: GONGKAI_TEST_PG_URL is not set, PostgreSQL not checked" >&2
fi
exit "$status"
