#!/usr/bin/env bash
# Starts a local Postgres for Tributary's tests and prints the URL they read from
# TRIBUTARY_TEST_POSTGRES_URL. Idempotent: installs Postgres only when it is missing (Debian/Ubuntu,
# apt-get), starts the cluster only when nothing answers on 127.0.0.1:5432, creates the role and
# database only when they do not exist.
#
#   export TRIBUTARY_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)"
#
# Progress goes to stderr; stdout holds only the URL. The password is a fixed test value, not a
# secret: the server listens on 127.0.0.1 only. Override with TRIBUTARY_PG_PORT / TRIBUTARY_PG_DATA.
set -euo pipefail

PORT="${TRIBUTARY_PG_PORT:-5432}"
ROLE=tributary
PASSWORD=tributary-test-password
DATABASE=tributary_test
# Used only when the Debian cluster tools are absent (Postgres from another package or a build).
DATA_DIR="${TRIBUTARY_PG_DATA:-/tmp/tributary-postgres}"

log() { echo "start-postgres: $*" >&2; }

# Root runs commands as the postgres user with runuser; anyone else needs sudo.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The newest installed server's bin folder (Debian keeps them under /usr/lib/postgresql/<v>/bin).
server_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$dir" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; fi
}

ready() { "$1/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; }

BIN="$(server_bin)"
if [ -z "$BIN" ]; then
  log "Postgres is not installed; installing it with apt-get"
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
  BIN="$(server_bin)"
  [ -n "$BIN" ] || { log "no Postgres server binaries after installing postgresql"; exit 1; }
fi
log "using $("$BIN/postgres" --version)"

if ready "$BIN"; then
  log "a server already answers on 127.0.0.1:$PORT"
elif command -v pg_lsclusters >/dev/null 2>&1 && [ "$PORT" = 5432 ]; then
  # Debian: the package made cluster <version>/main on port 5432 (containers do not start it).
  VERSION="$(basename "$(dirname "$BIN")")"
  if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
    log "creating cluster $VERSION/main"
    as_root pg_createcluster "$VERSION" main --port "$PORT" >&2
  fi
  log "starting cluster $VERSION/main"
  as_root pg_ctlcluster "$VERSION" main start >&2
else
  # Any other install: a cluster of our own in $DATA_DIR, owned by the postgres user (Postgres
  # refuses to run as root).
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home postgres; fi
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    log "initializing a cluster in $DATA_DIR"
    as_root mkdir -p "$DATA_DIR"
    as_root chown postgres "$DATA_DIR"
    as_postgres "$BIN/initdb" -D "$DATA_DIR" -U postgres --auth-local=trust --auth-host=scram-sha-256 >&2
  fi
  log "starting the server in $DATA_DIR"
  as_postgres "$BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp" start >&2
fi

for _ in $(seq 1 30); do ready "$BIN" && break; sleep 1; done
ready "$BIN" || { log "Postgres did not answer on 127.0.0.1:$PORT within 30 s"; exit 1; }

# Over the Unix socket as the postgres superuser (peer or trust auth, no password needed).
psql_admin() {
  local socket=/var/run/postgresql
  [ -S "$socket/.s.PGSQL.$PORT" ] || socket=/tmp
  as_postgres "$BIN/psql" -h "$socket" -p "$PORT" -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
}
psql_admin >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  ELSE
    ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DATABASE')
\gexec
SQL
log "database $DATABASE ready for role $ROLE"
echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
