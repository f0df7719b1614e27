#!/usr/bin/env bash
# What the accountability trail costs a write (issue #6: at most 20 % of write throughput), through the API:
# wrk POSTs a new body per request (`POST /api/v1/bodies`, bench/trail/post_body.lua) to `pactwatch serve` on
# a fresh SQLite file and on a fresh throwaway MariaDB (durable: flush at each commit, doublewrite on), once
# with the normal build and once with a build whose trail appends are switched off, rounds interleaved.
# Builds nothing. The second build directory must be configured with -DPACTWATCH_BENCH_WITHOUT_TRAIL=ON:
#
#   cmake -S . -B build-notrail -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
#     -DPACTWATCH_BUILD_TESTS=OFF -DPACTWATCH_BUILD_BENCH=OFF -DPACTWATCH_BENCH_WITHOUT_TRAIL=ON
#   cmake --build build-notrail -j2 --target pactwatch
#   bench/trail_write_bench.sh build build-notrail
#
#   BACKENDS="sqlite mariadb" ROUNDS=2 WRK_DURATION=10s WRK_CONNECTIONS=8 WORKLOAD=body   (defaults)
#   WORKER_THREADS=…  (serve's worker_threads; default: the configured default)
#
# WORKLOAD=body posts the smallest write there is (a body of three fields: the trail's worst case, since
# its append costs the same whatever the write); WORKLOAD=mix posts the ledger's everyday writes
# (bench/trail/ledger_mix.lua: agreements, commitments, and payment facts, which also run detection).
#
# Prints per backend, build and round: requests/s, and the CPU time per request of pactwatch and of mariadbd
# (from /proc), so that the ratio can be read both as throughput and as CPU.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
with="${1:-build}"
without="${2:-build-notrail}"
[[ "$with" = /* ]] || with="$repo/$with"
[[ "$without" = /* ]] || without="$repo/$without"
backends="${BACKENDS:-sqlite mariadb}"
rounds="${ROUNDS:-2}"
duration="${WRK_DURATION:-10s}"
connections="${WRK_CONNECTIONS:-8}"
workload="${WORKLOAD:-body}"
case $workload in
  body) script="$repo/bench/trail/post_body.lua" ;;
  mix) script="$repo/bench/trail/ledger_mix.lua" ;;
  *) echo "trail_write_bench: WORKLOAD is body or mix" >&2; exit 2 ;;
esac
[[ -z ${WORKER_THREADS:-} ]] || export PACTWATCH_WORKER_THREADS="$WORKER_THREADS"
for b in "$with" "$without"; do
  [[ -x "$b/server/pactwatch" ]] || { echo "trail_write_bench: $b/server/pactwatch not built" >&2; exit 2; }
done
grep -q 'PACTWATCH_BENCH_WITHOUT_TRAIL:BOOL=ON' "$without/CMakeCache.txt" ||
  { echo "trail_write_bench: $without is not configured with -DPACTWATCH_BENCH_WITHOUT_TRAIL=ON" >&2; exit 2; }
command -v wrk >/dev/null || { echo "trail_write_bench: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

tmp="$(mktemp -d /tmp/pactwatch-trailwrite.XXXXXX)"
app=
source "$repo/scripts/mariadb.sh"
cleanup() {
  [[ -z $app ]] || { kill -TERM "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
  mariadb_stop
  rm -rf "$tmp"
}
trap cleanup EXIT
export PACTWATCH_SQL_DIR="$repo/sql" PACTWATCH_LOG_LEVEL=warn

source "$repo/bench/lib.sh"

# The mix's starting point: a body, a supplier and one agreement; their ids go to ledger_mix.lua.
seed_mix() {  # BASE_URL
  local base="$1" auth=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")
  BODY_ID=$(curl -sf "${auth[@]}" -d '{"name":"楚雄州财政局","region":"532301","kind":"department"}' \
    "$base/api/v1/bodies" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  ORG_ID=$(curl -sf "${auth[@]}" -d '{"name":"云南彝信科技有限公司","credit_code":"91532301MA12345673","sme":true}' \
    "$base/api/v1/organizations" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  AGREEMENT_ID=$(curl -sf "${auth[@]}" -d "{\"kind\":\"procurement\",\"title\":\"楚雄州政府采购合同\",\"body_id\":\"$BODY_ID\",\"counterparty_id\":\"$ORG_ID\",\"value\":{\"amount\":\"1280000.00\",\"currency\":\"CNY\"},\"signed_on\":\"2026-03-02\",\"platform_project_code\":\"ZC2026-A0000001\"}" \
    "$base/api/v1/agreements" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)
  [[ -n $BODY_ID && -n $ORG_ID && -n $AGREEMENT_ID ]] || { echo "trail_write_bench: seeding the mix failed" >&2; exit 1; }
  export BODY_ID ORG_ID AGREEMENT_ID
}

# One round: fresh database, migrate, token, serve, wrk; prints a summary row.
round() {  # BACKEND LABEL BUILD ROUND
  local backend="$1" label="$2" build="$3" n="$4" db pactwatch="$3/server/pactwatch" port dbpid
  local dir="$tmp/$backend-$label-$n"
  port=$(free_port)
  mkdir -p "$dir"
  if [[ $backend == mariadb ]]; then
    mariadb_start "$dir" trail_write_bench --innodb-buffer-pool-size=512M --innodb-flush-log-at-trx-commit=1 \
      --innodb-doublewrite=1
    mariadb --no-defaults --socket="$MARIADB_SOCKET" --user=root -e "CREATE DATABASE pactwatch_bench"
    db="mysql://root@localhost/pactwatch_bench?socket=$MARIADB_SOCKET"
    dbpid=$MARIADB_PID
  else
    db="sqlite:$dir/pactwatch.db"
    dbpid=
  fi
  (cd "$repo" && "$pactwatch" migrate --database "$db" >/dev/null)
  # Bodies must name a region of the regions table.
  (cd "$repo" && "$pactwatch" seed-demo --regions-file config/regions/532300.csv --database "$db" >/dev/null)
  TOKEN="$(cd "$repo" && "$pactwatch" token create --role supervisor --name trail-write-bench --database "$db" |
    tail -n 1 | awk '{print $NF}')"
  export TOKEN
  (cd "$repo" && exec "$pactwatch" serve --listen "127.0.0.1:$port" --database "$db" --access-log false \
    >"$dir/serve.log" 2>&1) &
  app=$!
  wait_ready "http://127.0.0.1:$port/readyz"
  [[ $workload != mix ]] || seed_mix "http://127.0.0.1:$port"
  local a0 m0=0 a1 m1=0
  a0=$(cpu_ticks "$app")
  [[ -z $dbpid ]] || m0=$(cpu_ticks "$dbpid")
  wrk -t1 -c"$connections" -d"$duration" -s "$script" "http://127.0.0.1:$port" >"$dir/wrk.txt"
  a1=$(cpu_ticks "$app")
  [[ -z $dbpid ]] || m1=$(cpu_ticks "$dbpid")
  kill -TERM "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  app=
  [[ $backend != mariadb ]] || mariadb_stop
  if grep -q "Non-2xx" "$dir/wrk.txt"; then
    cat "$dir/wrk.txt" >&2
    echo "trail_write_bench: some POSTs failed" >&2
    exit 1
  fi
  local requests rps tck
  requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$dir/wrk.txt")
  rps=$(sed -n 's/^Requests\/sec: *//p' "$dir/wrk.txt")
  tck=$(getconf CLK_TCK)
  printf '%-8s %-14s %5s %12.0f %14d %14d   load %s\n' "$backend" "$label" "$n" "$rps" \
    $(((a1 - a0) * 1000000 / tck / requests)) $(((m1 - m0) * 1000000 / tck / requests)) \
    "$(cut -d' ' -f1 /proc/loadavg)"
}

echo "# wrk -t1 -c$connections -d$duration, workload $workload; $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
printf '%-8s %-14s %5s %12s %14s %14s\n' backend build round requests/s "pactwatch us" "mariadbd us"
for backend in $backends; do
  for n in $(seq 1 "$rounds"); do
    round "$backend" "with-trail" "$with" "$n"
    round "$backend" "without-trail" "$without" "$n"
  done
done
