#!/usr/bin/env bash
# The dashboard's browser test (CTest test `browser.dashboard`, label browser; docs/DASHBOARD.md):
# installs playwright-core from tests/browser/package-lock.json (npm ci, into the build tree), starts a real
# `pactwatch serve` on a free port with a fresh SQLite database holding the demo data set, makes tokens with
# `pactwatch token create`, and runs dashboard.test.mjs in Debian's headless chromium. Screenshots go to
# ARTIFACT_DIR. Fails (never skips) when chromium, node or npm is missing.
# Usage: run.sh PACTWATCH_BINARY WEB_ROOT ARTIFACT_DIR NPM_DIR   (from the repository root, as CTest runs it)
set -euo pipefail
PACTWATCH=$1
WEB_ROOT=$2
ARTIFACTS=$3
NPM_DIR=$4
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHROMIUM=${PACTWATCH_CHROMIUM:-/usr/bin/chromium}

fail() {
  echo "browser test: FAILED: $*" >&2
  exit 1
}
[[ -x $CHROMIUM ]] || fail "$CHROMIUM not found: install Debian's chromium (scripts/deps.sh does)"
command -v node >/dev/null || fail "node not found"
command -v npm >/dev/null || fail "npm not found"
[[ -f $WEB_ROOT/index.html && -f $WEB_ROOT/assets/echarts.min.js ]] ||
  fail "$WEB_ROOT has no dashboard (build the pactwatch_web target)"

# playwright-core only (no browser download), from the committed lockfile; again only when it changed.
mkdir -p "$NPM_DIR"
if ! cmp -s "$HERE/package-lock.json" "$NPM_DIR/package-lock.json" || [[ ! -d $NPM_DIR/node_modules/playwright-core ]]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$NPM_DIR/"
  (cd "$NPM_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi

WORK=$(mktemp -d /tmp/pactwatch-browser.XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Everything in the temporary directory; the calendar, migrations and demo data come from the repository.
OPTS=(--database "sqlite:$WORK/pactwatch.db" --data-dir "$WORK/var" --trail-key-file "$WORK/var/checkpoint-key.pem"
  --web-root "$WEB_ROOT")
"$PACTWATCH" migrate "${OPTS[@]}" >/dev/null 2>&1 || fail "pactwatch migrate"
"$PACTWATCH" seed-demo "${OPTS[@]}" >/dev/null || fail "pactwatch seed-demo"
token() { "$PACTWATCH" token create "${OPTS[@]}" "$@" | sed -n 's/^token: //p'; }
SUPERVISOR_TOKEN=$(token --role supervisor --name 州财政局采购监管科)
SCOPED_TOKEN=$(token --role supervisor --region 532328 --name 元谋县财政局)
AUDITOR_TOKEN=$(token --role auditor --name 州审计局)
PLATFORM_TOKEN=$(token --role platform --name 州公共资源交易中心)
[[ -n $SUPERVISOR_TOKEN && -n $SCOPED_TOKEN && -n $AUDITOR_TOKEN && -n $PLATFORM_TOKEN ]] || fail "pactwatch token create"

# Port 0: the server picks a free port and logs it (event http_listening).
"$PACTWATCH" serve "${OPTS[@]}" --listen 127.0.0.1:0 --access-log false --detection-time off 2>"$WORK/serve.log" &
SERVER_PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -n 's/.*"event":"http_listening".*"port":\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -1)
  [[ -n $PORT ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; fail "pactwatch serve exited"; }
  sleep 0.1
done
[[ -n $PORT ]] || { cat "$WORK/serve.log" >&2; fail "pactwatch serve did not start listening"; }
echo "pactwatch serve on http://127.0.0.1:$PORT/ (pid $SERVER_PID), web_root $WEB_ROOT"

mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png
export BASE_URL="http://127.0.0.1:$PORT" SUPERVISOR_TOKEN SCOPED_TOKEN AUDITOR_TOKEN PLATFORM_TOKEN ARTIFACTS CHROMIUM
# The sync test imports an OCDS file into the same database while serve runs (one option per line).
export PACTWATCH_BIN="$PACTWATCH" PACTWATCH_ARGS="$(printf '%s\n' "${OPTS[@]}")"
export OCDS_FILE="$PWD/tests/data/ocds/ppp-full-release-package.json"
export OCDS_SCHEMA_FILE="$PWD/tests/data/ocds/schema-release-1.2.json"
export NODE_PATH="$NPM_DIR/node_modules"
cp "$HERE/dashboard.test.mjs" "$NPM_DIR/"  # ES modules resolve packages next to the file, not by NODE_PATH
status=0
node --test --test-reporter=spec --test-concurrency=1 "$NPM_DIR/dashboard.test.mjs" || status=$?
echo "screenshots:"
ls -1 "$ARTIFACTS"/*.png 2>/dev/null | sed 's/^/  /' || echo "  (none)"
exit "$status"
