#!/usr/bin/env bash
# Builds pactwatch (Release, in build/), applies the database migrations and serves on 127.0.0.1:8080 with
# SQLite at var/pactwatch.db. Works from any directory. Extra arguments go to both `migrate` and `serve`,
# e.g. scripts/run.sh --listen 127.0.0.1:9090; scripts/run.sh --demo [...] loads the demo data set first; PACTWATCH_* variables and config/pactwatch.conf apply too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEMO=${PACTWATCH_DEMO:-0}
if [[ ${1:-} == --demo ]]; then
  DEMO=1
  shift
fi

bash scripts/deps.sh
# Release at -O2: GCC 12 at CMake's default -O3 reports false -Wrestrict errors inside std::string
# (GCC bug 105651), and warnings are errors. Only the executable: tests and benchmarks are scripts/test.sh's business (same build/ directory).
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DPACTWATCH_BUILD_TESTS=OFF -DPACTWATCH_BUILD_BENCH=OFF >/dev/null
cmake --build build -j2 --target pactwatch

# The built-in defaults are the ones promised above (127.0.0.1:8080, sqlite:var/pactwatch.db, relative
# to the repository root where we now are); configuration can still override them.
build/server/pactwatch migrate "$@"
# --demo (or PACTWATCH_DEMO=1): load the 楚雄州 demo data set first (idempotent; see config/demo/README.md).
if [[ $DEMO == 1 ]]; then build/server/pactwatch seed-demo "$@"; fi
exec build/server/pactwatch serve "$@"
