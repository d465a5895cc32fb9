#!/bin/sh
# The official postgres image's entry point, in short. Started as root it owns the data
# folder to postgres and runs as postgres; on an empty data folder it makes the cluster
# with POSTGRES_USER (postgres) and POSTGRES_PASSWORD (or the file POSTGRES_PASSWORD_FILE
# names), and creates POSTGRES_DB.
set -e
if [ "$1" = "postgres" ] && [ "$(id -u)" = "0" ]; then
    mkdir -p "$PGDATA"
    chown -R postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "$1" = "postgres" ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
        POSTGRES_PASSWORD="$(cat "$POSTGRES_PASSWORD_FILE")"
    fi
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
    user="${POSTGRES_USER:-postgres}"
    database="${POSTGRES_DB:-$user}"
    password_file="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$password_file"
    initdb --pgdata="$PGDATA" --username="$user" --pwfile="$password_file" \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
    rm -f "$password_file"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    if [ "$database" != "postgres" ]; then
        pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait start
        psql --username="$user" --dbname=postgres --set=ON_ERROR_STOP=1 \
            --command="CREATE DATABASE \"$database\""
        pg_ctl --pgdata="$PGDATA" --mode=fast --wait stop
    fi
fi
exec "$@"
