# Helpers the benchmark scripts share (source it): a free loopback port, waiting for a server, CPU time.

# Prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits up to 30 s until URL answers 2xx; exits the script otherwise.
wait_ready() {  # URL
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "${0##*/}: nothing answers at $1" >&2
  exit 1
}

# CPU time (user + system, in clock ticks) process PID has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
