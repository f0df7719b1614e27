#!/usr/bin/env bash
# Ledger API throughput (issue #4) with wrk: GET /api/v1/agreements/{id} (a random agreement per request)
# and a filtered list, against `pactwatch serve` on SQLite and then on a throwaway MariaDB, each holding a
# synthetic 楚雄州 ledger of 100,000 agreements (bench/ledger/gen_ledger.py). Builds nothing: point it at a
# build directory that has server/pactwatch.
#
#   bench/ledger_bench.sh [BUILD_DIR]      (or PACTWATCH_BUILD_DIR=...; default: build)
#   AGREEMENTS=100000 BACKENDS="sqlite mariadb" ROUNDS=3 WRK_DURATION=10s WRK_THREADS=2 WRK_CONNECTIONS=64
#   IO_THREADS=2 WORKER_THREADS=4 DB_POOL_SIZE=4 ACCESS_LOG=true WARMUP=5s
#   LIST_QUERY='region=532301&kind=procurement&limit=50'                                        (defaults)
#
# Prints, per backend and route, the median over the rounds of requests/s, p50, p99 and the server's CPU
# time per request (user + system from /proc, which does not depend on what else runs on the machine).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${PACTWATCH_BUILD_DIR:-build}}"
[[ "$build" = /* ]] || build="$repo/$build"
agreements="${AGREEMENTS:-100000}"
backends="${BACKENDS:-sqlite mariadb}"
rounds="${ROUNDS:-3}"
duration="${WRK_DURATION:-10s}"
threads="${WRK_THREADS:-2}"
connections="${WRK_CONNECTIONS:-64}"
io_threads="${IO_THREADS:-2}"
worker_threads="${WORKER_THREADS:-4}"
pool_size="${DB_POOL_SIZE:-4}"
access_log="${ACCESS_LOG:-true}"
list_query="${LIST_QUERY:-region=532301&kind=procurement&limit=50}"

pactwatch="$build/server/pactwatch"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "ledger_bench: $tool is not installed" >&2; exit 2; }
done
[[ -x "$pactwatch" ]] || { echo "ledger_bench: $pactwatch not built (cmake --build $build --target pactwatch)" >&2; exit 2; }

# /tmp rather than $TMPDIR: MariaDB's unix socket path must stay under 108 bytes.
tmp="$(mktemp -d /tmp/pactwatch-ledgerbench.XXXXXX)"
pids=()
source "$repo/scripts/mariadb.sh"
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  mariadb_stop
  rm -rf "$tmp"
}
trap cleanup EXIT

source "$repo/bench/lib.sh"

# Runs wrk and prints "requests_per_s p50 p99 server_cpu_us_per_request" (latencies in ms).
measure() {  # PID WRK_ARGS...
  local pid="$1" out before after
  shift
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "$@")"
  after="$(cpu_ticks "$pid")"
  echo "$out" >>"$tmp/wrk.log"
  echo "$out" | awk -v ticks="$((after - before))" -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    / requests in / { total = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses/ { bad = $NF }
    END { if (bad > 0 || rps == "") { print "ledger_bench: wrk failed or saw " bad " non-2xx responses" > "/dev/stderr"; exit 1 }
          printf "%s %.3f %.3f %.1f\n", rps, p50, p99, ticks * 1e6 / hz / total }'
}

median() {  # NAME COLUMN
  awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$tmp/results" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Loads the ledger, creates a token, serves, checks both routes once and measures them. Uses $database.
run_backend() {  # NAME DIALECT LOAD_COMMAND...
  local name="$1" dialect="$2" port app_pid start
  shift 2
  (cd "$repo" && "$pactwatch" migrate --database "$database" >"$tmp/$name-migrate.log" 2>&1) ||
    { cat "$tmp/$name-migrate.log" >&2; exit 1; }
  start=$(date +%s.%N)
  python3 "$repo/bench/ledger/gen_ledger.py" --agreements "$agreements" --dialect "$dialect" \
    --sql "$tmp/ledger.sql" --ids "$tmp/ids" 2>"$tmp/$name-gen.log"
  "$@" <"$tmp/ledger.sql"
  rm -f "$tmp/ledger.sql"
  echo "# $name: $(cat "$tmp/$name-gen.log") in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }') s"
  # The same trail key as serve: token rows are sealed with a key derived from it (docs/TOKENS.md).
  token="$(cd "$repo" && "$pactwatch" token create --role supervisor --name ledger-bench --database "$database" \
    --trail-key-file "$tmp/var/trail/checkpoint-key.pem" | sed -n 's/^token: //p')"
  [[ -n $token ]] || { echo "ledger_bench: token create printed no token" >&2; exit 1; }
  port="$(free_port)"
  (cd "$repo" && exec "$pactwatch" serve --listen "127.0.0.1:$port" --database "$database" \
     --data-dir "$tmp/var" --trail-key-file "$tmp/var/trail/checkpoint-key.pem" --detection-time off \
     --io-threads "$io_threads" --worker-threads "$worker_threads" --db-pool-size "$pool_size" \
     --access-log "$access_log" >"$tmp/$name-serve.log" 2>&1) &
  app_pid=$!  # the subshell execs pactwatch: same process
  pids+=($app_pid)
  wait_ready "http://127.0.0.1:$port/healthz"

  local base="http://127.0.0.1:$port/api/v1"
  # Both routes must answer what a client expects before they are timed.
  local one count
  one="$(head -1 "$tmp/ids")"
  curl -fsS -H "Authorization: Bearer $token" "$base/agreements/$one" | grep -q "\"id\":\"$one\"" ||
    { echo "ledger_bench: GET /agreements/$one did not answer the agreement" >&2; exit 1; }
  count="$(curl -fsS -H "Authorization: Bearer $token" "$base/agreements?$list_query" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')"
  [[ $count -gt 0 ]] || { echo "ledger_bench: the filtered list is empty" >&2; exit 1; }
  echo "# $name: GET /agreements?$list_query answers $count items a page"

  # Warm-up (not counted): the pages of the tables into the cache, MariaDB's purge of the bulk load.
  WRK_DURATION_SAVED="$duration"
  duration="${WARMUP:-5s}"
  LEDGER_IDS="$tmp/ids" measure "$app_pid" -s "$repo/bench/ledger/random_agreement.lua" "$base/agreements" >/dev/null
  duration="$WRK_DURATION_SAVED"

  : >"$tmp/results"
  for round in $(seq 1 "$rounds"); do
    echo "get $(LEDGER_IDS="$tmp/ids" measure "$app_pid" -s "$repo/bench/ledger/random_agreement.lua" "$base/agreements")" >>"$tmp/results"
    echo "list $(measure "$app_pid" "$base/agreements?$list_query")" >>"$tmp/results"
    echo "# $name: round $round/$rounds done (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  done
  for route in get list; do
    case "$route" in
      get) label="GET /agreements/{id}" ;;
      list) label="GET /agreements?…" ;;
    esac
    printf '%-10s %-24s %12.0f %10.3f %10.3f %14.1f\n' "$name" "$label" "$(median "$route" 2)" \
      "$(median "$route" 3)" "$(median "$route" 4)" "$(median "$route" 5)" >>"$tmp/summary"
  done
  kill -TERM "$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
}

start_mariadb() {  # sets $socket; a buffer pool that holds the whole ledger, as a production server's would
  mkdir -p "$tmp/mariadb"
  mariadb_start "$tmp/mariadb" ledger_bench --innodb-buffer-pool-size=512M --max-allowed-packet=64M
  socket="$MARIADB_SOCKET"
}

echo "# wrk -t$threads -c$connections -d$duration --latency, $rounds rounds; $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "# pactwatch serve: $io_threads I/O threads, $worker_threads worker threads, pool $pool_size, access log $access_log; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$tmp/summary"
for backend in $backends; do
  case "$backend" in
    sqlite)
      database="sqlite:$tmp/ledger.db"
      run_backend sqlite sqlite sqlite3 "$tmp/ledger.db"
      echo "# sqlite: database file $(du -m "$tmp/ledger.db" | cut -f1) MiB"
      ;;
    mariadb)
      command -v mariadbd >/dev/null || { echo "ledger_bench: mariadbd is not installed" >&2; exit 2; }
      start_mariadb
      mariadb --no-defaults --socket="$socket" --user=root \
        -e 'CREATE DATABASE pactwatch_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'
      database="mysql://root@localhost/pactwatch_bench?socket=$socket"
      run_backend mariadb mysql mariadb --no-defaults --socket="$socket" --user=root --max-allowed-packet=64M \
        pactwatch_bench
      ;;
    *) echo "ledger_bench: unknown backend $backend (sqlite, mariadb)" >&2; exit 2 ;;
  esac
done
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-24s %12s %10s %10s %14s\n' backend "route (median of $rounds)" requests/s "p50 ms" "p99 ms" \
  "server CPU us/req"
cat "$tmp/summary"
