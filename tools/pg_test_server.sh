#!/usr/bin/env bash
# A throw-away local PostgreSQL server for the catalogue tests (CI and developers).
#
#   eval "$(bash tools/pg_test_server.sh start)"   # starts it; prints export CDASSESS_TEST_PG=... CDASSESS_TEST_PG_DIR=...
#   bash tools/pg_test_server.sh stop "$CDASSESS_TEST_PG_DIR"
#
# The server lives in a new temporary folder (data, socket, log), listens on 127.0.0.1 on a free port only,
# and requires a password (so the tests can also try a wrong one). Installs the Debian package postgresql
# with apt when no PostgreSQL is found and this is root. postgres refuses to run as root: as root the server
# runs as the "postgres" user (runuser), otherwise as the current user.
set -euo pipefail

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin
  if ! bin=$(find_bin); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "[pg] installing postgresql with apt" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 \
        || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 &&
             DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
      bin=$(find_bin)
    else
      echo "[pg] no PostgreSQL found (install the postgresql package)" >&2
      exit 1
    fi
  fi
  local dir port password
  dir=$(mktemp -d /tmp/cdassess-pg.XXXXXX)
  chmod 755 "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  printf '%s\n' "$password" >"$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; fi
  as_server_user "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "$bin" >"$dir/bin"
  echo "export CDASSESS_TEST_PG='postgresql://postgres:$password@127.0.0.1:$port/postgres'"
  echo "export CDASSESS_TEST_PG_DIR='$dir'"
}

stop() {
  local dir=${1:-${CDASSESS_TEST_PG_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "[pg] nothing to stop" >&2; return 0; }
  case "$dir" in /tmp/cdassess-pg.*) ;; *) echo "[pg] refusing to remove $dir" >&2; return 1;; esac
  local bin
  bin=$(cat "$dir/bin" 2>/dev/null || find_bin)
  as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
