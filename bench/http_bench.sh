#!/usr/bin/env bash
# HTTP throughput of pactwatch against a minimal Beast "hello" server (the ceiling), with wrk.
# Builds nothing: point it at a build directory that has server/pactwatch (or, failing that,
# bench/server/system_routes_server) and bench/server/hello_server.
#
#   bench/http_bench.sh [BUILD_DIR]        (or PACTWATCH_BUILD_DIR=...; default: build)
#   WRK_DURATION=10s WRK_THREADS=2 WRK_CONNECTIONS=64 IO_THREADS=2 ACCESS_LOG=true ROUNDS=3  (defaults)
#
# pactwatch runs `serve` on a temporary SQLite database with its access log on (written to a file).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${PACTWATCH_BUILD_DIR:-build}}"
[[ "$build" = /* ]] || build="$repo/$build"
duration="${WRK_DURATION:-10s}"
threads="${WRK_THREADS:-2}"
connections="${WRK_CONNECTIONS:-64}"
io_threads="${IO_THREADS:-2}"
access_log="${ACCESS_LOG:-true}"
rounds="${ROUNDS:-3}"

hello="$build/bench/server/hello_server"
pactwatch="$build/server/pactwatch"
fallback="$build/bench/server/system_routes_server"
command -v wrk >/dev/null || { echo "http_bench: wrk is not installed" >&2; exit 2; }
command -v curl >/dev/null || { echo "http_bench: curl is not installed" >&2; exit 2; }
[[ -x "$hello" ]] || { echo "http_bench: $hello not built (cmake --build $build --target hello_server)" >&2; exit 2; }

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

source "$repo/bench/lib.sh"

# Runs wrk and prints "requests_per_s p50 p99 server_cpu_us_per_request" (latencies in ms). The CPU figure
# does not depend on what else runs on the machine, unlike requests/s.
measure() {  # URL PID
  local out before after
  before="$(cpu_ticks "$2")"
  out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$1")"
  after="$(cpu_ticks "$2")"
  echo "$out" >>"$tmp/wrk.log"
  echo "$out" | awk -v ticks="$((after - before))" -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    / requests in / { total = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses/ { bad = $NF }
    END { if (bad > 0 || rps == "") { print "http_bench: wrk failed or saw " bad " non-2xx responses" > "/dev/stderr"; exit 1 }
          printf "%s %.3f %.3f %.1f\n", rps, p50, p99, ticks * 1e6 / hz / total }'
}

hello_port="$(free_port)"
"$hello" "$hello_port" "$io_threads" >"$tmp/hello.log" 2>&1 &
hello_pid=$!
pids+=($hello_pid)

app_port="$(free_port)"
if [[ -x "$pactwatch" ]]; then
  target="pactwatch serve (SQLite, access log $access_log)"
  (cd "$repo" && "$pactwatch" migrate --database "sqlite:$tmp/bench.db" >"$tmp/migrate.log" 2>&1)
  (cd "$repo" && exec "$pactwatch" serve --listen "127.0.0.1:$app_port" --database "sqlite:$tmp/bench.db" \
     --data-dir "$tmp/var" --io-threads "$io_threads" --access-log "$access_log" >"$tmp/serve.log" 2>&1) &
  app_pid=$!  # the subshell execs pactwatch: same process
  pids+=($app_pid)
elif [[ -x "$fallback" ]]; then
  target="system_routes_server (no database, access log $access_log)"
  log_flag=1; [[ "$access_log" == true ]] || log_flag=0
  "$fallback" "$app_port" "$io_threads" "$log_flag" >"$tmp/serve.log" 2>&1 &
  app_pid=$!
  pids+=($app_pid)
else
  echo "http_bench: neither $pactwatch nor $fallback is built" >&2
  exit 2
fi

wait_ready "http://127.0.0.1:$hello_port/"
wait_ready "http://127.0.0.1:$app_port/healthz"

echo "# wrk -t$threads -c$connections -d$duration --latency; $(nproc) CPUs: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "# server under test: $target, $io_threads I/O threads"
# Rounds alternate between the targets so that load from elsewhere on the machine hits all of them alike;
# each figure is the median over the rounds.
: >"$tmp/results"
for round in $(seq 1 "$rounds"); do
  echo "hello $(measure "http://127.0.0.1:$hello_port/" "$hello_pid")" >>"$tmp/results"
  echo "healthz $(measure "http://127.0.0.1:$app_port/healthz" "$app_pid")" >>"$tmp/results"
  echo "version $(measure "http://127.0.0.1:$app_port/api/v1/version" "$app_pid")" >>"$tmp/results"
  echo "# round $round/$rounds done" >&2
done
median() {  # NAME COLUMN
  awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$tmp/results" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
c_rps="$(median hello 2)"
printf '%-28s %12s %10s %10s %8s %14s\n' "target (median of $rounds)" "requests/s" "p50 ms" "p99 ms" "ratio" \
  "server CPU us/req"
for name in hello healthz version; do
  case "$name" in
    hello) label="hello (ceiling)" ;;
    healthz) label="GET /healthz" ;;
    version) label="GET /api/v1/version" ;;
  esac
  rps="$(median "$name" 2)"
  printf '%-28s %12.0f %10.3f %10.3f %7.0f%% %14.1f\n' "$label" "$rps" "$(median "$name" 3)" "$(median "$name" 4)" \
    "$(awk -v a="$rps" -v b="$c_rps" 'BEGIN { print 100 * a / b }')" "$(median "$name" 5)"
done
