#!/bin/sh
# First start: create the cluster with POSTGRES_USER/POSTGRES_PASSWORD and the POSTGRES_DB database
# (as the official image does), then run the server in the foreground on every address of the
# container. Later starts find PGDATA initialised and just run it.
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
db=${POSTGRES_DB:-$POSTGRES_USER}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  "$bin/pg_ctl" --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait start >/dev/null
  if [ "$db" != postgres ]; then
    "$bin/createdb" --username="$POSTGRES_USER" --host=/var/run/postgresql "$db"
  fi
  "$bin/pg_ctl" --pgdata="$PGDATA" --mode=fast --wait stop >/dev/null
  echo "postgres-entrypoint: cluster initialised in $PGDATA (database $db, user $POSTGRES_USER)"
fi

exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
