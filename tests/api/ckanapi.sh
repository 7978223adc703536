#!/usr/bin/env bash
# Drives the CKAN Action API with the real `ckanapi` client (PyPI) against a demo server, once on
# SQLite and once on PostgreSQL: every read action in POST mode and in get-only mode (`-g`), the
# two answers equal; package_search with q, fq, rows and facet.field; datastore_search on a demo
# table; package_create and package_patch with a token made by `gongkai token create`; and
# `ckanapi dump datasets --all`, whose count must equal package_list's. The DCAT catalogue
# (/catalog.ttl, /catalog.jsonld) is parsed with rdflib and must hold as many datasets.
#   GONGKAI_BIN          the gongkai binary (default: target/debug/gongkai of this repository)
#   GONGKAI_TEST_PG_URL  PostgreSQL URL; a throwaway database is made beside its database
#                        (without it, only SQLite is checked and the script says so)
# ckanapi and rdflib come from PyPI at pinned versions, in a virtualenv under the target folder.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
CKANAPI_VERSION="4.8"
RDFLIB_VERSION="7.1.4"
VENV="$TARGET/ckanapi-$CKANAPI_VERSION"
BIN="${GONGKAI_BIN:-$TARGET/debug/gongkai}"

fail() {
  echo "ckanapi check: $*" >&2
  exit 1
}

[ -x "$BIN" ] || fail "gongkai binary not found at $BIN (run: cargo build -p gongkai, or set GONGKAI_BIN)"
if [ ! -x "$VENV/bin/ckanapi" ]; then
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "ckanapi==$CKANAPI_VERSION" "rdflib==$RDFLIB_VERSION"
fi
# `ckanapi dump` starts its workers as `ckanapi` from PATH.
export PATH="$VENV/bin:$PATH"
CKANAPI="$VENV/bin/ckanapi"
PY="$VENV/bin/python"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gongkai-ckanapi.XXXXXX")"
SERVER_PID=""
PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql "$GONGKAI_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts `gongkai serve --demo` on a free port (extra arguments are passed on); sets BASE and
# GK (the command line pointed at the same database).
start_server() {
  local data="$WORK/data-$1"; shift
  mkdir -p "$data"
  (cd "$data" && exec env NO_COLOR=1 GONGKAI_DEMO_PASSWORD=Demo-2026-wuqia \
    "$BIN" serve --demo --data "$data" --listen 127.0.0.1:0 "$@" >"$data/serve.out" 2>"$data/serve.err") &
  SERVER_PID=$!
  GK=("$BIN" --data "$data" "$@")
  BASE=""
  for _ in $(seq 600); do
    BASE="$(grep -o '已启动：http://[^ /]*' "$data/serve.out" 2>/dev/null | head -n1 | sed 's/^已启动：//')" || true
    [ -n "$BASE" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  cat "$data/serve.out" "$data/serve.err" >&2
  fail "the server did not start"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# `ckanapi action NAME ARGS…` by POST and by GET (-g); fails unless both succeed with equal
# results; the result is left in $WORK/out.json.
both() {
  local name="$1"; shift
  "$CKANAPI" action "$name" -r "$BASE" "$@" >"$WORK/post.json" 2>"$WORK/post.err" \
    || { cat "$WORK/post.err" >&2; fail "$ENGINE: $name (POST) failed"; }
  "$CKANAPI" action "$name" -r "$BASE" -g "$@" >"$WORK/get.json" 2>"$WORK/get.err" \
    || { cat "$WORK/get.err" >&2; fail "$ENGINE: $name (get_only) failed"; }
  "$PY" - "$WORK/post.json" "$WORK/get.json" <<'EOF' || fail "$ENGINE: $name answered differently by POST and by GET"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
EOF
  cp "$WORK/post.json" "$WORK/out.json"
}

# Evaluates a Python expression over the last result (`r`); fails with MESSAGE unless true.
expect() {
  local expr="$1" message="$2"
  "$PY" - "$WORK/out.json" "$expr" <<'EOF' || fail "$ENGINE: $message"
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

# Prints a Python expression over the last result (`r`).
value() {
  "$PY" - "$WORK/out.json" "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))
EOF
}

check() {
  ENGINE="$1"
  echo "ckanapi check ($ENGINE): ckanapi $CKANAPI_VERSION against $BASE"

  # The loader beside the server loads the demo's tables within seconds; until then a
  # resource's datastore_active may change between two calls.
  local loaded="False"
  for _ in $(seq 150); do
    "$CKANAPI" action current_package_list_with_resources -r "$BASE" limit=1000 >"$WORK/out.json" 2>/dev/null || true
    loaded="$(value "all(x.get('datastore_active') for d in r for x in d['resources'] if x.get('url_type') == 'upload' and x['format'] in ('CSV', 'XLSX'))" 2>/dev/null || echo False)"
    [ "$loaded" = "True" ] && break
    sleep 0.2
  done
  [ "$loaded" = "True" ] || fail "$ENGINE: the demo's tables were not loaded within 30 s"

  both package_list
  expect 'isinstance(r, list) and len(r) >= 10' "package_list should list the demo's datasets"
  local count first
  count="$(value 'len(r)')"
  first="$(value 'sorted(r)[0]')"

  both package_show id="$first"
  expect "r['name'] == '$first' and r['resources']" "package_show of $first"

  both package_search q=低保 rows=5 'facet.field:["organization","groups","res_format"]'
  expect "r['count'] >= 1 and len(r['results']) <= 5 and 'organization' in r['facets'] and 'groups' in r['search_facets']" \
    "package_search with q, rows and facet.field"
  both package_search fq=res_format:CSV rows=1000
  expect "r['count'] >= 1 and all(any(x['format'].upper() == 'CSV' for x in d['resources']) for d in r['results'])" \
    "package_search with fq=res_format:CSV"
  both package_search rows=0
  expect "r['count'] == $count and r['results'] == []" "package_search without a query should count every dataset"

  both organization_list
  expect 'len(r) >= 1' "organization_list"
  both group_list
  expect 'len(r) >= 1' "group_list"
  both tag_list
  expect "'低保' in r" "tag_list should hold the demo's tag 低保"
  both license_list
  expect "any(l['id'] == 'cc-by' for l in r)" "license_list should hold cc-by"

  # A demo table (the demo's tables were all loaded before the first action).
  "$CKANAPI" action package_show -r "$BASE" id=dibao-by-township-month >"$WORK/out.json"
  local resource
  resource="$(value "r['resources'][0]['id']")"
  both datastore_search resource_id="$resource" limit=3 'filters:{}' include_total=true
  expect "len(r['records']) == 3 and r['total'] >= 3 and r['fields'][0]['id'] == '_id'" "datastore_search on $resource"

  # Writes with a token made on the command line.
  "${GK[@]}" token create --user demo-editor --name "ckanapi 检查" >"$WORK/token.out" 2>"$WORK/token.err" \
    || { cat "$WORK/token.err" >&2; fail "$ENGINE: gongkai token create failed"; }
  local token
  token="$(sed -n 's/^令牌：//p' "$WORK/token.out" | tr -d '[:space:]')"
  [ -n "$token" ] || fail "$ENGINE: gongkai token create printed no token"
  "$CKANAPI" action package_create -r "$BASE" -a "$token" name=ckanapi-check title="ckanapi 写入检查" \
    owner_org=wqx004 license_id=cc-by notes="由 ckanapi 创建" 'tags:[{"name":"检查"}]' \
    'resources:[{"url":"https://data.example.gov.cn/check.csv","name":"检查表","format":"CSV"}]' \
    >"$WORK/out.json" 2>"$WORK/err" || { cat "$WORK/err" >&2; fail "$ENGINE: package_create failed"; }
  expect "r['name'] == 'ckanapi-check' and r['state'] == 'draft' and r['resources'][0]['format'] == 'CSV'" \
    "package_create should make a draft with its resource"
  "$CKANAPI" action package_patch -r "$BASE" -a "$token" id=ckanapi-check title="ckanapi 写入检查（修改）" \
    >"$WORK/out.json" 2>"$WORK/err" || { cat "$WORK/err" >&2; fail "$ENGINE: package_patch failed"; }
  expect "r['title'] == 'ckanapi 写入检查（修改）' and r['notes'] == '由 ckanapi 创建'" \
    "package_patch should change the title and keep the rest"
  if "$CKANAPI" action package_create -r "$BASE" name=ckanapi-anon title=x owner_org=wqx004 >"$WORK/out.json" 2>"$WORK/err"; then
    fail "$ENGINE: package_create without a token was accepted"
  fi
  grep -q 'NotAuthorized' "$WORK/err" || { cat "$WORK/err" >&2; fail "$ENGINE: package_create without a token should be NotAuthorized"; }
  # The draft stays out of the public catalogue.
  both package_list
  expect "len(r) == $count and 'ckanapi-check' not in r" "a draft made by package_create must not be listed"

  # The whole catalogue dumped, in POST and get-only mode.
  for mode in post get; do
    local flag=()
    [ "$mode" = get ] && flag=(-g)
    rm -f "$WORK/dump.jsonl"
    "$CKANAPI" dump datasets --all -q -p 2 -r "$BASE" "${flag[@]}" -O "$WORK/dump.jsonl" 2>"$WORK/err" \
      || { cat "$WORK/err" >&2; fail "$ENGINE: ckanapi dump datasets --all ($mode) failed"; }
    local dumped
    dumped="$(grep -c . "$WORK/dump.jsonl" || true)"
    [ "$dumped" = "$count" ] || fail "$ENGINE: ckanapi dump datasets --all ($mode) wrote $dumped datasets, package_list lists $count"
  done

  # The DCAT catalogue parses and holds the same datasets.
  curl -fsS "$BASE/catalog.ttl" -o "$WORK/catalog.ttl" || fail "$ENGINE: /catalog.ttl"
  curl -fsS "$BASE/catalog.jsonld" -o "$WORK/catalog.jsonld" || fail "$ENGINE: /catalog.jsonld"
  "$PY" - "$WORK/catalog.ttl" "$WORK/catalog.jsonld" "$count" <<'EOF' || fail "$ENGINE: the DCAT catalogue does not parse or does not hold every dataset"
import sys
import rdflib
from rdflib.namespace import DCAT, RDF
ttl, jsonld, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
a = rdflib.Graph().parse(ttl, format="turtle")
b = rdflib.Graph().parse(jsonld, format="json-ld")
for g in (a, b):
    found = len(set(g.subjects(RDF.type, DCAT.Dataset)))
    if found != count:
        print(f"{found} dcat:Dataset, {count} expected", file=sys.stderr)
        sys.exit(1)
if len(a) != len(b):
    print(f"Turtle has {len(a)} triples, JSON-LD {len(b)}", file=sys.stderr)
    sys.exit(1)
EOF
  echo "ckanapi check ($ENGINE): $count datasets, every action in both modes, writes, dump and DCAT agree"
}

# Both engines are checked even when the first fails, so one run shows every failure.
status=0
start_server sqlite
(check sqlite) || status=1
stop_server

if [ -n "${GONGKAI_TEST_PG_URL:-}" ]; then
  PG_DB="gongkai_ckanapi_$$"
  psql "$GONGKAI_TEST_PG_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
  start_server postgres --database-url "${GONGKAI_TEST_PG_URL%/*}/$PG_DB"
  (check postgres) || status=1
  stop_server
else
  echo "ckanapi check: GONGKAI_TEST_PG_URL is not set, PostgreSQL not checked" >&2
fi
exit "$status"
