#!/usr/bin/env bash
# Builds everything in build/ (Release, with tests and benchmarks), checks formatting, starts a throwaway
# MariaDB on a unix socket in a temporary directory (no systemd), runs every test through CTest on SQLite
# and on that MariaDB, and stops MariaDB again even when tests fail. Exits non-zero on any failure.
# Works from any directory, as root or not, with CI=true and no stdin.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD_DIR=build
JOBS=${PACTWATCH_TEST_JOBS:-2}

echo "== dependencies"
bash scripts/deps.sh

echo "== formatting (clang-format --dry-run --Werror)"
# A formatting failure fails the run at the end, after the tests, so that one run reports everything.
mapfile -t sources < <(find domain adapters server tests bench -type f \( -name '*.cpp' -o -name '*.hpp' \) | sort)
format_status=0
clang-format --dry-run --Werror "${sources[@]}" || format_status=$?

echo "== OpenAPI lint (@redocly/cli from npm, pinned by tools/openapi/package-lock.json)"
# Fails the run when server/api/openapi.json is not a valid OpenAPI 3.1 document (rules: tools/openapi/redocly.yaml).
(cd tools/openapi && npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
  npx --no-install redocly lint --config redocly.yaml ../../server/api/openapi.json)

echo "== build ($BUILD_DIR)"
# ccache keys on relative paths, so a fresh clone elsewhere reuses what an earlier build compiled.
export CCACHE_BASEDIR=$PWD
# Release at -O2, as scripts/run.sh (GCC 12 at -O3 reports false -Wrestrict errors in std::string).
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DPACTWATCH_BUILD_TESTS=ON -DPACTWATCH_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" -j2

echo "== throwaway MariaDB"
# /tmp rather than $TMPDIR: a unix socket path must stay under 108 bytes.
MARIADB_DIR=$(mktemp -d /tmp/pactwatch-mariadb.XXXXXX)
SOCKET=$MARIADB_DIR/mysqld.sock
MARIADB_PID=

stop_mariadb() {
  if [[ -n $MARIADB_PID ]] && kill -0 "$MARIADB_PID" 2>/dev/null; then
    kill -TERM "$MARIADB_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$MARIADB_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$MARIADB_PID" 2>/dev/null || true
    wait "$MARIADB_PID" 2>/dev/null || true
  fi
  rm -rf "$MARIADB_DIR"
}
trap stop_mariadb EXIT

USER_NAME=$(id -un)
if ! mariadb-install-db --no-defaults --datadir="$MARIADB_DIR/data" --user="$USER_NAME" \
  --auth-root-authentication-method=normal --skip-test-db >"$MARIADB_DIR/install.log" 2>&1; then
  cat "$MARIADB_DIR/install.log" >&2
  echo "test.sh: mariadb-install-db failed" >&2
  exit 1
fi
# Durability does not matter for a throwaway server: skip fsyncs to keep the tests quick.
mariadbd --no-defaults --datadir="$MARIADB_DIR/data" --socket="$SOCKET" --skip-networking \
  --user="$USER_NAME" --pid-file="$MARIADB_DIR/mysqld.pid" --log-error="$MARIADB_DIR/error.log" \
  --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
  --max-connections=500 --skip-log-bin </dev/null >/dev/null 2>&1 &
MARIADB_PID=$!

for _ in $(seq 1 600); do
  if mariadb-admin --no-defaults --socket="$SOCKET" --user=root ping >/dev/null 2>&1; then break; fi
  if ! kill -0 "$MARIADB_PID" 2>/dev/null; then
    cat "$MARIADB_DIR/error.log" >&2 || true
    echo "test.sh: mariadbd exited during start-up" >&2
    exit 1
  fi
  sleep 0.1
done
if ! mariadb-admin --no-defaults --socket="$SOCKET" --user=root ping >/dev/null 2>&1; then
  cat "$MARIADB_DIR/error.log" >&2 || true
  echo "test.sh: mariadbd did not answer within 60 s" >&2
  exit 1
fi
echo "MariaDB $(mariadb-admin --no-defaults --socket="$SOCKET" --user=root version | sed -n 's/^Server version\s*//p') on $SOCKET"
export PACTWATCH_TEST_MYSQL_URL="mysql://root@localhost/mysql?socket=$SOCKET"

echo "== tests (ctest -j$JOBS)"
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" 2>&1 | tee "$MARIADB_DIR/ctest.log"
status=${PIPESTATUS[0]}
set -e

echo "== summary"
sqlite_count=$(ctest --test-dir "$BUILD_DIR" -N -L '^sqlite$' | sed -n 's/^Total Tests: //p')
mariadb_count=$(ctest --test-dir "$BUILD_DIR" -N -L '^mariadb$' | sed -n 's/^Total Tests: //p')
all_count=$(ctest --test-dir "$BUILD_DIR" -N | sed -n 's/^Total Tests: //p')
grep -E '^[0-9]+% tests passed' "$MARIADB_DIR/ctest.log" || true
sed -n '/^Label Time Summary:/,/^$/p' "$MARIADB_DIR/ctest.log"
((format_status == 0)) && echo "formatting: clean (${#sources[@]} files)" || echo "formatting: FAILED"
echo "tests run: $all_count in all; $sqlite_count labelled sqlite, $mariadb_count labelled mariadb"
if ((format_status != 0)); then
  echo "test.sh: FAILED: files above are not clang-formatted (run clang-format -i on them)" >&2
  exit 1
fi
if ((status != 0)); then
  echo "test.sh: FAILED (ctest exit code $status)" >&2
  exit "$status"
fi
if [[ ${mariadb_count:-0} -eq 0 || ${sqlite_count:-0} -eq 0 ]]; then
  echo "test.sh: FAILED: expected both SQLite and MariaDB tests to run" >&2
  exit 1
fi
echo "test.sh: all tests passed"
