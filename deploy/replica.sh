#!/usr/bin/env bash
# A local streaming replica of PostgreSQL, for the tests, the benchmark and deploy/local.sh.
#
#   deploy/replica.sh start    base-backs-up the primary (pg_basebackup -R) and starts the copy as a hot standby
#   deploy/replica.sh status   says what runs and prints primary_url=... and replica_url=... (exit 3: not running)
#   deploy/replica.sh stop     stops the replica (and the private primary, if this script started one), removes them
#
# The primary is the machine's PostgreSQL (127.0.0.1:$PRIMARY_PORT) when it accepts replication connections
# (pg_hba.conf needs a line such as `host replication all 127.0.0.1/32 trust`; wal_level replica and
# max_wal_senders > 0). When it does not, and reconfiguring it is not ours to do (a reload of a shared server
# affects everyone), the script starts a private primary cluster of its own (initdb) on $PRIVATE_PRIMARY_PORT and
# replicates that: load the data there (its URL is in `status`). PRIVATE_PRIMARY=yes always does so, =no never.
#
# Settings (environment): REPLICA_DIR (/tmp/supply-replica: both clusters and their logs), PRIMARY_PORT (5432),
# PRIVATE_PRIMARY_PORT (5434), REPLICA_PORT (5433), PRIVATE_PRIMARY (auto). Run as root (the clusters run as the
# postgres user) or as the postgres user. The copies are made without fsync (--no-sync): they are scratch clusters.
set -euo pipefail

DIR=${REPLICA_DIR:-/tmp/supply-replica}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PRIVATE_PRIMARY_PORT=${PRIVATE_PRIMARY_PORT:-5434}
REPLICA_PORT=${REPLICA_PORT:-5433}
PRIVATE_PRIMARY=${PRIVATE_PRIMARY:-auto}
HOST=127.0.0.1
BIN=${PG_BIN:-$(pg_config --bindir)}
# What a first `start` chose is kept, so that later commands find the clusters whatever the environment says.
# shellcheck source=/dev/null
if [ -f "$DIR/ports" ]; then . "$DIR/ports"; fi

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {  # running DATA_DIR: the cluster in DATA_DIR is up
    [ -f "$1/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

accepts_replication() {  # accepts_replication PORT
    psql "host=$HOST port=$1 user=postgres replication=true connect_timeout=5" -Atc IDENTIFY_SYSTEM >/dev/null 2>&1
}

settings() {  # the settings every cluster of ours runs with (later lines of postgresql.conf win)
    cat <<EOF

# deploy/replica.sh
listen_addresses = '$HOST'
port = $1
unix_socket_directories = ''
wal_level = replica
max_wal_senders = 5
hot_standby = on
EOF
}

trust_local() {  # pg_hba.conf of our clusters: local TCP only, replication included
    printf 'host all all %s/32 trust\nhost replication all %s/32 trust\n' "$HOST" "$HOST" |
        as_postgres tee "$1/pg_hba.conf" >/dev/null
}

start_private_primary() {
    local data=$DIR/primary
    if ! running "$data"; then
        if [ ! -f "$data/PG_VERSION" ]; then
            as_postgres "$BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
            settings "$PRIVATE_PRIMARY_PORT" | as_postgres tee -a "$data/postgresql.conf" >/dev/null
            trust_local "$data"
        fi
        as_postgres "$BIN/pg_ctl" -D "$data" -l "$DIR/primary.log" -w -t 60 start >/dev/null
    fi
    SOURCE_PORT=$PRIVATE_PRIMARY_PORT
}

start() {
    mkdir -p "$DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
    if [ -n "${SOURCE_PORT:-}" ]; then
        if [ -d "$DIR/primary" ]; then start_private_primary; fi
    elif [ "$PRIVATE_PRIMARY" != yes ] && accepts_replication "$PRIMARY_PORT"; then
        SOURCE_PORT=$PRIMARY_PORT
    elif [ "$PRIVATE_PRIMARY" = no ]; then
        echo "The PostgreSQL on $HOST:$PRIMARY_PORT refuses replication connections (see pg_hba.conf)." >&2
        exit 1
    else
        [ "$PRIVATE_PRIMARY" = yes ] ||
            echo "The PostgreSQL on $HOST:$PRIMARY_PORT refuses replication connections: starting a private" \
                "primary on $HOST:$PRIVATE_PRIMARY_PORT instead." >&2
        start_private_primary
    fi
    printf 'SOURCE_PORT=%s\nPRIVATE_PRIMARY_PORT=%s\nREPLICA_PORT=%s\n' \
        "$SOURCE_PORT" "$SOURCE_PORT" "$REPLICA_PORT" >"$DIR/ports"
    local data=$DIR/replica
    if ! running "$data"; then
        if [ ! -f "$data/PG_VERSION" ]; then
            as_postgres pg_basebackup -h "$HOST" -p "$SOURCE_PORT" -U postgres -D "$data" -R -X stream -c fast --no-sync
            # A backup of a Debian cluster has no postgresql.conf (it lives in /etc): settings() makes one.
            settings "$REPLICA_PORT" | as_postgres tee -a "$data/postgresql.conf" >/dev/null
            trust_local "$data"
        fi
        as_postgres "$BIN/pg_ctl" -D "$data" -l "$DIR/replica.log" -w -t 60 start >/dev/null
    fi
    for _ in $(seq 100); do
        [ "$(psql -h "$HOST" -p "$REPLICA_PORT" -U postgres -d postgres -Atc \
            "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null)" = streaming ] && break
        sleep 0.1
    done
    status
}

status() {
    if [ -d "$DIR/primary" ]; then
        if running "$DIR/primary"; then echo "private primary: running"; else echo "private primary: stopped"; fi
    fi
    if [ -n "${SOURCE_PORT:-}" ] && running "$DIR/replica"; then
        echo "primary_url=postgresql://postgres@$HOST:$SOURCE_PORT"
        echo "replica_url=postgresql://postgres@$HOST:$REPLICA_PORT"
        psql -h "$HOST" -p "$REPLICA_PORT" -U postgres -d postgres -Atc \
            "SELECT 'replica: ' || COALESCE((SELECT status FROM pg_stat_wal_receiver), 'not streaming')
                    || ', in recovery: ' || pg_is_in_recovery()" || true
    else
        echo "replica: stopped"
        return 3
    fi
}

stop() {
    local data
    for data in "$DIR/replica" "$DIR/primary"; do
        running "$data" && as_postgres "$BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    done
    rm -rf "$DIR"
    echo "replica stopped and removed"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
