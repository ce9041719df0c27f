#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for the test suite and print its URL.
#
# Installs Debian's postgresql when it is missing and we run as root. The cluster lives in
# a scratch folder and is reused while its server runs; `scripts/test-postgres.sh stop` ends it.
# Prints nothing (and exits 0) when no server can be had: the PostgreSQL tests then skip, and
# say why.
set -u
PORT=${RISKMON_TEST_PG_PORT:-55432}
DIR=${RISKMON_TEST_PG_DIR:-${TMPDIR:-/tmp}/riskmon-test-pg}
log() { echo "test-postgres: $*" >&2; }

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}

BIN=$(find_bin) || {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing postgresql"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2 || true
  fi
  BIN=$(find_bin) || { log "no PostgreSQL available; its tests will be skipped"; exit 0; }
}

# postgres refuses to run as root: use the 'postgres' account when we are root.
run() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = stop ]; then
  [ -d "$DIR/data" ] && run "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
  exit 0
fi

if ! run "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null; then
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    run "$BIN/initdb" -D "$DIR/data" -U riskmon --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || {
      log "initdb failed"; exit 0; }
  fi
  run "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { log "server did not start; see $DIR/server.log"; exit 0; }
fi
run "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U riskmon -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='riskmon_test'" | grep -q 1 ||
  run "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U riskmon riskmon_test
echo "postgresql+psycopg://riskmon@127.0.0.1:$PORT/riskmon_test"
