#!/usr/bin/env bash
# Runs the browser suite: real Chromium (Debian's), axe-core, the Nu HTML Checker.
# Installs what it needs when missing: chromium, a CJK font, Java, the npm packages (from the lockfile).
#   GONGKAI_BIN   the gongkai binary to test (default: target/debug/gongkai of this repository)
#   arguments     optional spec files to run instead of all of specs/*.test.js
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
APT_UPDATED=0
apt_install() {
  echo "browser suite: installing $* (apt)"
  if [ "$APT_UPDATED" = 0 ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian's Chromium; the suite never downloads a browser of its own.
if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
# Without a CJK font every page renders as boxes (screenshots, layout widths).
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  apt_install fontconfig fonts-wqy-microhei
fi
# The Nu HTML Checker (vnu.jar) runs on the machine's Java.
if ! command -v java >/dev/null 2>&1; then apt_install default-jre-headless; fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "browser suite: node and npm are required (Node 20 or newer)" >&2
  exit 1
fi

# npm packages exactly as locked; skipped when node_modules already matches the lockfile.
# --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime; we use the system's.
STAMP="node_modules/.lock-sha256"
LOCK_SUM="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_SUM" ]; then
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$LOCK_SUM" > "$STAMP"
fi

GONGKAI_BIN="${GONGKAI_BIN:-$HERE/../../target/debug/gongkai}"
if [ ! -x "$GONGKAI_BIN" ]; then
  echo "browser suite: gongkai binary not found at $GONGKAI_BIN (run: cargo build -p gongkai, or set GONGKAI_BIN)" >&2
  exit 1
fi
GONGKAI_BIN="$(cd "$(dirname "$GONGKAI_BIN")" && pwd)/$(basename "$GONGKAI_BIN")"
export GONGKAI_BIN

mkdir -p artifacts
if [ "$#" -gt 0 ]; then
  SPECS=("$@")
else
  # The four page-type files are the longest: started first, the others fill in beside them.
  SPECS=(specs/pages-*.test.js)
  for f in specs/*.test.js; do
    case "$f" in specs/pages-*) ;; *) SPECS+=("$f") ;; esac
  done
fi

echo "browser suite: $(/usr/bin/chromium --version 2>/dev/null | head -n1); node $(node --version); $(java -version 2>&1 | head -n1)"

# The demo is loaded once; every spec file's server starts from a copy (lib/server.js).
if [ -z "${GONGKAI_DEMO_TEMPLATE:-}" ]; then
  TEMPLATE_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/gongkai-demo-template.XXXXXX")"
  trap 'rm -rf "$TEMPLATE_ROOT"' EXIT
  node lib/demo-template.js "$TEMPLATE_ROOT"
  export GONGKAI_DEMO_TEMPLATE="$TEMPLATE_ROOT/data"
fi

# Two spec files at a time (GONGKAI_BROWSER_JOBS): each has its own server and browser, and one
# alone leaves a core idle while it waits on the other processes. --test-timeout bounds each spec
# file as a whole (a page-type file took about 2 minutes on an idle two-core machine).
status=0
node --test --test-concurrency="${GONGKAI_BROWSER_JOBS:-2}" --test-timeout=1800000 --test-reporter=tap "${SPECS[@]}" || status=$?
echo "browser suite: screenshots and checked HTML are in $HERE/artifacts/"
exit "$status"
