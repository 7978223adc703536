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
if [ "$#" -gt 0 ]; then SPECS=("$@"); else SPECS=(specs/*.test.js); fi

echo "browser suite: $(/usr/bin/chromium --version 2>/dev/null | head -n1); node $(node --version); $(java -version 2>&1 | head -n1)"
status=0
# --test-timeout also bounds each spec file as a whole: pages.test.js checks every page type four
# times (two modes, two widths) and then runs vnu; with 70 page types that took 14 minutes on two
# cores shared with two cargo builds (load average 7 to 8), so the bound is 30 minutes.
node --test --test-concurrency=1 --test-timeout=1800000 --test-reporter=tap "${SPECS[@]}" || status=$?
echo "browser suite: screenshots and checked HTML are in $HERE/artifacts/"
exit "$status"
