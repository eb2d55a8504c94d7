# A throwaway PostgreSQL cluster for the tests: `source .ci/postgres.sh; pg_start; ...; pg_stop`.
# pg_start runs initdb and pg_ctl (Debian's postgresql package, binaries not on PATH) in a new
# temporary folder, on a free loopback port, as the `postgres` user when run as root (initdb
# refuses root), and exports ASSESSOR_TEST_PG=postgresql://test@127.0.0.1:PORT/postgres.
# Trust authentication is safe here only because the cluster listens on loopback and is removed.

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)" >&2
    return 1
  fi
  PG_DIR="$(mktemp -d /tmp/assessor-pg.XXXXXX)"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
  PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U test -E UTF8 --no-sync > "$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  # Tuned for a throwaway test cluster: no fsync, enough connections for two app servers and tests.
  _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    start > /dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  export PG_DIR PG_PORT
  export ASSESSOR_TEST_PG="postgresql://test@127.0.0.1:$PG_PORT/postgres"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    _pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
