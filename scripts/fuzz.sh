#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz in build-fuzz (clang 19, ASan+UBSan, PACTWATCH_FUZZ) and runs
# them one after the other (docs/TESTING.md).
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [TARGET...]
#
# TARGET is http_request, ocds_release, exchange_row, json_patch or canonical_json (default: all); each runs
# SECONDS (default 600) with `--jobs` build jobs (default 2). A target's working corpus is
# build-fuzz/corpus/<target>, seeded from tests/fuzz/seeds/<target>, tests/fuzz/regressions/<target> and,
# for the JSON targets, the JSON files of tests/data under 64 KiB; libFuzzer adds what it finds to it. A
# crash, leak or timeout is written to build-fuzz/artifacts/<target>/ and fails the run: fix the bug, then
# copy the input into tests/fuzz/regressions/<target>/ so that fuzz_replay_tests replays it under CTest.
# Each target's log is build-fuzz/logs/<target>.log; the last line of its stats is printed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_PER_TARGET=600
JOBS=2
TARGETS=()
while (($#)); do
  case $1 in
    --time) SECONDS_PER_TARGET=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
((${#TARGETS[@]})) || TARGETS=(http_request ocds_release exchange_row json_patch canonical_json)

bash scripts/deps.sh fuzz
BUILD_DIR=build-fuzz
export CCACHE_BASEDIR=$PWD
CXX=clang++-19 cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DPACTWATCH_BUILD_TESTS=OFF -DPACTWATCH_BUILD_BENCH=OFF \
  -DPACTWATCH_FUZZ=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${TARGETS[@]/#/fuzz_}"

# Leaks are findings too, as every ASan or UBSan report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-19/bin/llvm-symbolizer}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for target in "${TARGETS[@]}"; do
  corpus=$BUILD_DIR/corpus/$target
  artifacts=$BUILD_DIR/artifacts/$target
  mkdir -p "$corpus" "$artifacts" "$BUILD_DIR/logs"
  for dir in tests/fuzz/seeds/$target tests/fuzz/regressions/$target; do
    [[ -d $dir ]] && find "$dir" -type f ! -name README.md -exec cp -n {} "$corpus/" \;
  done
  case $target in
    ocds_release | json_patch | canonical_json)
      find tests/data -name '*.json' -size -64k -exec cp -n {} "$corpus/" \; ;;
  esac
  echo "== fuzz_$target for ${SECONDS_PER_TARGET}s (corpus $corpus)"
  set +e
  "$BUILD_DIR/tests/fuzz/fuzz_$target" "$corpus" -artifact_prefix="$artifacts/" -max_total_time="$SECONDS_PER_TARGET" \
    -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 >"$BUILD_DIR/logs/$target.log" 2>&1
  rc=$?
  set -e
  grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$BUILD_DIR/logs/$target.log" | tail -1
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$BUILD_DIR/logs/$target.log" || true
  if ((rc != 0)); then
    echo "fuzz_$target: FAILED (exit $rc); see $BUILD_DIR/logs/$target.log and $artifacts/" >&2
    status=1
  fi
done
((status == 0)) && echo "fuzz.sh: no crash, leak or timeout in ${TARGETS[*]}"
exit "$status"
