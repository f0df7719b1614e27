#!/usr/bin/env bash
# Builds everything in build/ (Release, with tests and benchmarks), checks formatting, starts a throwaway
# MariaDB on a unix socket in a temporary directory (no systemd), runs every test through CTest on SQLite
# and on that MariaDB, and stops MariaDB again even when tests fail. Exits non-zero on any failure.
# Works from any directory, as root or not, with CI=true and no stdin.
#
# Then (the default run, CI's) builds the domain and trail tests again in build-asan with AddressSanitizer
# and UndefinedBehaviorSanitizer (PACTWATCH_SANITIZE) and runs them; any finding fails the run.
# `scripts/test.sh --sanitize` instead builds and runs the whole suite, SQLite and MariaDB, in build-asan
# (docs/TESTING.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SANITIZE=0
for arg in "$@"; do
  case $arg in
    --sanitize) SANITIZE=1 ;;
    *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
  esac
done

BUILD_DIR=build
JOBS=${PACTWATCH_TEST_JOBS:-2}
# The sanitizer build: -O1 with line tables and assertions on, every finding fatal (CMakeLists.txt).
ASAN_DIR=build-asan
ASAN_CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DPACTWATCH_SANITIZE=ON
  -DPACTWATCH_BUILD_TESTS=ON -DPACTWATCH_BUILD_BENCH=OFF)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0}

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
if ((SANITIZE)); then
  BUILD_DIR=$ASAN_DIR
  echo "(AddressSanitizer and UndefinedBehaviorSanitizer, the whole suite)"
  cmake -S . -B "$BUILD_DIR" -G Ninja "${ASAN_CMAKE_FLAGS[@]}" >/dev/null
else
  # Release at -O2, as scripts/run.sh (GCC 12 at -O3 reports false -Wrestrict errors in std::string).
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DPACTWATCH_BUILD_TESTS=ON -DPACTWATCH_BUILD_BENCH=ON >/dev/null
fi
cmake --build "$BUILD_DIR" -j2

asan_status=0
asan_summary="not run (--sanitize ran the whole suite sanitized)"
if ((!SANITIZE)); then
  echo "== sanitizer build of the domain and trail tests ($ASAN_DIR)"
  asan_started=$SECONDS
  cmake -S . -B "$ASAN_DIR" -G Ninja "${ASAN_CMAKE_FLAGS[@]}" >/dev/null
  cmake --build "$ASAN_DIR" -j2 --target domain_tests trail_tests
  for suite in domain/domain_tests trail/trail_tests; do
    "$ASAN_DIR/tests/$suite" --gtest_brief=1 || asan_status=$?
  done
  asan_summary="domain_tests and trail_tests under ASan+UBSan in $((SECONDS - asan_started)) s"
  ((asan_status == 0)) && asan_summary+=": clean" || asan_summary+=": FAILED"
  echo "$asan_summary"
fi

echo "== throwaway MariaDB"
# /tmp rather than $TMPDIR: a unix socket path must stay under 108 bytes.
MARIADB_DIR=$(mktemp -d /tmp/pactwatch-mariadb.XXXXXX)
source scripts/mariadb.sh
cleanup() {
  mariadb_stop
  rm -rf "$MARIADB_DIR"
}
trap cleanup EXIT
mariadb_start "$MARIADB_DIR" test.sh
SOCKET=$MARIADB_SOCKET
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
browser_count=$(ctest --test-dir "$BUILD_DIR" -N -L '^browser$' | sed -n 's/^Total Tests: //p')
all_count=$(ctest --test-dir "$BUILD_DIR" -N | sed -n 's/^Total Tests: //p')
grep -E '^[0-9]+% tests passed' "$MARIADB_DIR/ctest.log" || true
sed -n '/^Label Time Summary:/,/^$/p' "$MARIADB_DIR/ctest.log"
((format_status == 0)) && echo "formatting: clean (${#sources[@]} files)" || echo "formatting: FAILED"
echo "tests run: $all_count in all; $sqlite_count labelled sqlite, $mariadb_count labelled mariadb, $browser_count labelled browser"
echo "sanitizer build: $asan_summary"
ls -1 "$BUILD_DIR"/web-artifacts/*.png 2>/dev/null | sed 's/^/dashboard screenshot: /' || true
if ((format_status != 0)); then
  echo "test.sh: FAILED: files above are not clang-formatted (run clang-format -i on them)" >&2
  exit 1
fi
if ((status != 0)); then
  echo "test.sh: FAILED (ctest exit code $status)" >&2
  exit "$status"
fi
if ((asan_status != 0)); then
  echo "test.sh: FAILED: the sanitizer build of the domain and trail tests found errors (above)" >&2
  exit 1
fi
if [[ ${mariadb_count:-0} -eq 0 || ${sqlite_count:-0} -eq 0 || ${browser_count:-0} -eq 0 ]]; then
  echo "test.sh: FAILED: expected SQLite, MariaDB and browser tests to run" >&2
  exit 1
fi
echo "test.sh: all tests passed"
