#!/usr/bin/env bash
# Import throughput (issue #7): `pactwatch import` of N synthetic OCDS releases (bench/sync/gen_ocds, seed 42)
# into a fresh SQLite file and then into a throwaway MariaDB it starts and stops (like scripts/test.sh), each
# time a first import (everything created) and a re-import of the same file (everything unchanged by content
# hash), with --no-detection true; then a first import into a fresh SQLite file with detection on, reported
# separately. With FLOOR=true, also the floor of each backend: bench/sync/import_floor_bench(_mariadb) writes
# the same rows and indexes precomputed, with nothing else to do (its own table follows the summary). Builds
# nothing: point it at a build directory with server/pactwatch, bench/sync/gen_ocds and, for FLOOR, the floor
# benchmarks.
#
#   bench/sync_bench.sh [BUILD_DIR] [N]      (defaults: build, 100000)
#   BACKENDS="sqlite mariadb" BATCH_SIZE=500 DETECT=true DETECT_N=N BUFFER_POOL=3G FLOOR=false ROUNDS=1
#   FIRST_BATCH= FLOOR_BATCH=  (defaults; FIRST_BATCH sets sync_first_import_batch_size, empty: the configured default;
#   an explicit BATCH_SIZE is passed as --batch-size only to re-imports, which never use the first-import size)
#
# Each run is measured with /usr/bin/time -v: wall time, user + system CPU time, peak RSS, bytes written to
# storage (File system outputs x 512 B, i.e. /proc/<pid>/io write_bytes; for MariaDB what mariadbd writes is
# not in it); prints releases/s (of wall time and
# of CPU time), CPU ms per release, the load average at its start, and what the import reported. With
# ROUNDS=3 each SQLite/MariaDB run is repeated on a fresh database and a median row follows.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${PACTWATCH_BUILD_DIR:-build}}"
[[ "$build" = /* ]] || build="$repo/$build"
releases="${2:-100000}"
backends="${BACKENDS:-sqlite mariadb}"
batch_size="${BATCH_SIZE:-500}"
detect="${DETECT:-true}"
detect_releases="${DETECT_N:-$releases}"
buffer_pool="${BUFFER_POOL:-3G}"
floor="${FLOOR:-false}"
rounds="${ROUNDS:-1}"
# The floors write transactions of the size a first import uses (sync_first_import_batch_size, default 5000).
floor_batch="${FLOOR_BATCH:-${BATCH_SIZE:-${FIRST_BATCH:-5000}}}"
[[ -n "${FIRST_BATCH:-}" ]] && export PACTWATCH_SYNC_FIRST_IMPORT_BATCH_SIZE="$FIRST_BATCH"

pactwatch="$build/server/pactwatch"
gen="$build/bench/sync/gen_ocds"
[[ -x "$pactwatch" ]] || { echo "sync_bench: $pactwatch not built (cmake --build $build --target pactwatch)" >&2; exit 2; }
[[ -x "$gen" ]] || { echo "sync_bench: $gen not built (cmake --build $build --target gen_ocds)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "sync_bench: /usr/bin/time is not installed (apt-get install time)" >&2; exit 2; }

# /tmp rather than $TMPDIR: MariaDB's unix socket path must stay under 108 bytes.
tmp="$(mktemp -d /tmp/pactwatch-syncbench.XXXXXX)"
source "$repo/scripts/mariadb.sh"
cleanup() {
  mariadb_stop
  rm -rf "$tmp"
}
trap cleanup EXIT

export PACTWATCH_SQL_DIR="$repo/sql" PACTWATCH_LOG_LEVEL=warn

# The buffer pool holds the data of 100,000 releases (about 3 GB with their indexes); with 512 MiB the rate
# fell by two thirds once the indexes outgrew it (docs/PERFORMANCE.md, "Sync").
start_mariadb() {  # sets $socket
  mkdir -p "$tmp/mariadb"
  mariadb_start "$tmp/mariadb" sync_bench --innodb-buffer-pool-size="$buffer_pool" --max-allowed-packet=64M
  socket="$MARIADB_SOCKET"
}

# Runs one import under /usr/bin/time -v and appends a summary row.
measure() {  # LABEL BACKEND DATABASE_URL N FILE DETECTION(true|false)
  local label="$1" backend="$2" url="$3" n="$4" file="$5" detection="$6" log="$tmp/$1-$2.log"
  local no_detection=true load
  [[ $detection = true ]] && no_detection=false
  load="$(cut -d' ' -f1 /proc/loadavg)"
  # A first import uses sync_first_import_batch_size unless --batch-size is given: pass it only for re-imports.
  local batch_args=(--batch-size "$batch_size")
  [[ $label = first* && -z "${BATCH_SIZE:-}" ]] && batch_args=()
  PACTWATCH_DATABASE="$url" /usr/bin/time -v "$pactwatch" import --source bench --owner sync-bench \
    "${batch_args[@]}" --no-detection "$no_detection" "$file" >"$log.out" 2>"$log"
  local report
  report="$(head -1 "$log.out")"
  awk -v label="$label" -v backend="$backend" -v n="$n" -v report="$report" -v ld="$load" '
    /Elapsed \(wall clock\)/ { t = $NF; k = split(t, p, ":"); wall = (k == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
    /User time \(seconds\)/ { user = $NF }
    /System time \(seconds\)/ { sys = $NF }
    /Maximum resident set size/ { rss = $NF }
    /File system outputs/ { out = $NF }
    END {
      cpu = user + sys
      printf "%-30s %-8s %8d %8.1f %8.1f %7.1f %10.0f %10.0f %7.3f %9.0f %7.1f %5s\n", label, backend, n, wall, user,
             sys, n / wall, n / cpu, cpu * 1000 / n, out * 512 / 1048576, rss / 1024, ld
      printf "#   %s\n", report > "/dev/stderr"
    }' "$log" >>"$tmp/summary"
}

echo "# sync_bench: $releases releases, --batch-size $batch_size; $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "# load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
"$gen" "$releases" "$tmp/releases.jsonl" | sed 's/^/# generated: /'
echo "# file: $(du -m "$tmp/releases.jsonl" | cut -f1) MiB"
: >"$tmp/summary"
: >"$tmp/floor"
for backend in $backends; do
  case "$backend" in
    sqlite)
      url="sqlite:$tmp/sync.db"
      for ((round = 1; round <= rounds; ++round)); do
        PACTWATCH_DATABASE="$url" "$pactwatch" migrate >/dev/null
        measure "first import" sqlite "$url" "$releases" "$tmp/releases.jsonl" false
        measure "re-import (unchanged)" sqlite "$url" "$releases" "$tmp/releases.jsonl" false
        echo "# sqlite: database file $(du -m "$tmp/sync.db" | cut -f1) MiB"
        rm -f "$tmp/sync.db" "$tmp/sync.db-wal" "$tmp/sync.db-shm"
      done
      if [[ $floor = true ]]; then
        echo "# sqlite floor (load average $(cut -d' ' -f1-3 /proc/loadavg)):" >>"$tmp/floor"
        /usr/bin/time -f "# sqlite floor process: %e s wall, %U + %S s CPU, peak RSS %M KiB" \
          "$build/bench/sync/import_floor_bench" "$tmp/floor.db" --releases "$releases" --batch "$floor_batch" \
          --sql-dir "$repo/sql" >>"$tmp/floor" 2>&1
        rm -f "$tmp/floor.db" "$tmp/floor.db-wal" "$tmp/floor.db-shm"
      fi
      ;;
    mariadb)
      command -v mariadbd >/dev/null || { echo "sync_bench: mariadbd is not installed" >&2; exit 2; }
      start_mariadb
      url="mysql://root@localhost/pactwatch_bench?socket=$socket"
      for ((round = 1; round <= rounds; ++round)); do
        mariadb --no-defaults --socket="$socket" --user=root -e 'DROP DATABASE IF EXISTS pactwatch_bench;
          CREATE DATABASE pactwatch_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'
        PACTWATCH_DATABASE="$url" "$pactwatch" migrate >/dev/null
        local_before="$(ps -o cputime= -p "$MARIADB_PID")"
        measure "first import" mariadb "$url" "$releases" "$tmp/releases.jsonl" false
        echo "# mariadbd CPU time during the first import: $local_before -> $(ps -o cputime= -p "$MARIADB_PID")"
        measure "re-import (unchanged)" mariadb "$url" "$releases" "$tmp/releases.jsonl" false
      done
      if [[ $floor = true ]]; then
        mariadb --no-defaults --socket="$socket" --user=root \
          -e 'CREATE DATABASE pactwatch_floor CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'
        echo "# mariadb floor (load average $(cut -d' ' -f1-3 /proc/loadavg); mariadbd CPU time before it:" \
          "$(ps -o cputime= -p "$MARIADB_PID")):" >>"$tmp/floor"
        /usr/bin/time -f "# mariadb floor process: %e s wall, %U + %S s CPU, peak RSS %M KiB" \
          "$build/bench/sync/import_floor_bench_mariadb" "$socket" pactwatch_floor --releases "$releases" \
          --batch "$floor_batch" --sql-dir "$repo/sql" >>"$tmp/floor" 2>&1
        echo "# mariadbd CPU time after it: $(ps -o cputime= -p "$MARIADB_PID")" >>"$tmp/floor"
      fi
      mariadb_stop
      ;;
    *) echo "sync_bench: unknown backend $backend (sqlite, mariadb)" >&2; exit 2 ;;
  esac
done
if [[ $detect = true ]]; then
  file="$tmp/releases.jsonl"
  if [[ $detect_releases != "$releases" ]]; then
    file="$tmp/detect.jsonl"
    "$gen" "$detect_releases" "$file" >/dev/null
  fi
  url="sqlite:$tmp/detect.db"
  PACTWATCH_DATABASE="$url" "$pactwatch" migrate >/dev/null
  measure "first import, detection on" sqlite "$url" "$detect_releases" "$file" true
fi
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-30s %-8s %8s %8s %8s %7s %10s %10s %7s %9s %7s %5s\n' run backend releases "wall s" "user s" \
  "sys s" "rel/s wall" "rel/s CPU" "CPU ms" "MiB wr" "RSS MiB" load
cat "$tmp/summary"
if ((rounds > 1)); then
  echo "# medians of $rounds rounds (each column separately):"
  sort -s -k1,2 "$tmp/summary" | awk '
    { key = substr($0, 1, 39); n[key]++; for (i = 1; i <= NF; ++i) v[key, n[key], i] = $i; nf[key] = NF }
    END {
      for (key in n) {
        m = int((n[key] + 1) / 2); line = key
        for (i = nf[key] - 9; i <= nf[key]; ++i) {
          k = 0; for (j = 1; j <= n[key]; ++j) a[++k] = v[key, j, i]
          for (x = 1; x <= k; ++x) for (y = x + 1; y <= k; ++y) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
          line = line " " a[m]
        }
        print "median " line
      }
    }'
fi
if [[ -s $tmp/floor ]]; then cat "$tmp/floor"; fi
