# A throwaway MariaDB server on a unix socket, for scripts/test.sh and the benchmarks under bench/.
# Source this file, then:
#
#   mariadb_start DIR NAME [MARIADBD_OPTION...]   # data, socket and logs under DIR; NAME prefixes errors
#   ... "$MARIADB_SOCKET" ...                      # the socket; MARIADB_PID is the server's pid
#   mariadb_stop                                   # TERM, wait up to 30 s, then KILL; safe to call twice
#
# No systemd, no network (--skip-networking), root may log in over the socket without a password. DIR
# should be under /tmp: a unix socket path must stay under 108 bytes. Durability is off (no fsync per
# commit, no doublewrite, no binary log): these servers hold test and benchmark data only. Options given
# after NAME are added last, so they override the defaults (e.g. --innodb-buffer-pool-size=512M).

MARIADB_PID=
MARIADB_SOCKET=

mariadb_start() {
  local dir="$1" name="$2"
  shift 2
  local user
  user="$(id -un)"
  MARIADB_SOCKET="$dir/mysqld.sock"
  if ! mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1; then
    cat "$dir/install.log" >&2
    echo "$name: mariadb-install-db failed" >&2
    return 1
  fi
  mariadbd --no-defaults --datadir="$dir/data" --socket="$MARIADB_SOCKET" --skip-networking \
    --user="$user" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
    --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --max-connections=500 --skip-log-bin "$@" </dev/null >/dev/null 2>&1 &
  MARIADB_PID=$!
  for _ in $(seq 1 600); do
    mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" --user=root ping >/dev/null 2>&1 && return 0
    kill -0 "$MARIADB_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$dir/error.log" >&2 || true
  echo "$name: mariadbd did not answer within 60 s" >&2
  return 1
}

mariadb_stop() {
  if [[ -n $MARIADB_PID ]] && kill -0 "$MARIADB_PID" 2>/dev/null; then
    kill -TERM "$MARIADB_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$MARIADB_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$MARIADB_PID" 2>/dev/null || true
    wait "$MARIADB_PID" 2>/dev/null || true
  fi
  MARIADB_PID=
}
