# Sourced: starts a throwaway PostgreSQL on 127.0.0.1 for the tests unless
# BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is already set, and
# stops it when the calling script exits.
start_throwaway_postgres() {
  if [ -n "${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-}" ]; then
    return 0
  fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  local port
  port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  PG_DIR="$(mktemp -d /tmp/certificates-pg.XXXXXX)"
  local runas=()
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    runas=(su postgres -s /bin/sh -c)
  else
    runas=(sh -c)
  fi
  "${runas[@]}" "'$bin/initdb' -D '$PG_DIR/data' -U postgres --auth=trust >/dev/null"
  "${runas[@]}" "'$bin/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -o \"-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" -w start >/dev/null"
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$port"
  PG_STOP=("${runas[@]}" "'$bin/pg_ctl' -D '$PG_DIR/data' -m immediate stop >/dev/null")
  trap 'stop_throwaway_postgres' EXIT
  echo "setup: throwaway PostgreSQL on 127.0.0.1:$port" >&2
}
stop_throwaway_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_STOP[@]}" || true
    rm -rf "$PG_DIR"
  fi
}
