#!/usr/bin/env bash
# The deployment of docs/deploy.md, on this one machine:
#
#   deploy/local.sh start    the primary and its streaming replica (deploy/replica.sh), PgBouncer in transaction
#                            mode in front of the primary, two app hosts (gunicorn, each with its own instance
#                            folder, one SECRET_KEY, one shared certificate-document folder) and the worker
#   deploy/local.sh status   what runs, and the addresses (exit 3 when something is down)
#   deploy/local.sh stop     stops them all and removes what start made (the clusters included)
#
# The hosts write through PgBouncer (`?prepare_threshold=none`) and read the public side from the replica. The
# worker (`flask --app wsgi worker`) starts when this version of the app has that command. The migrations, the
# demo data and the worker connect to the primary directly: they keep session state PgBouncer's transaction mode
# would lose.
#
# Settings (environment): DEPLOY_DIR (/tmp/supply-deploy), HOST_A_PORT (8001), HOST_B_PORT (8002),
# PGBOUNCER_PORT (6432), REPLICA_PORT (5433), PRIVATE_PRIMARY_PORT (5434), PRIVATE_PRIMARY (auto; see replica.sh),
# DATABASE (supply), WORKERS (2 per host), DEMO (yes: load the demo data into an empty database), PUBLIC_BASE_URL
# (http://127.0.0.1:$HOST_A_PORT), PYTHON (the repository's .venv). Run as root or as the postgres user.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=${DEPLOY_DIR:-/tmp/supply-deploy}
# What a first `start` chose is kept, so that later commands find everything whatever the environment says.
# shellcheck source=/dev/null
if [ -f "$DIR/settings" ]; then . "$DIR/settings"; fi
HOST_A_PORT=${HOST_A_PORT:-8001}
HOST_B_PORT=${HOST_B_PORT:-8002}
PGBOUNCER_PORT=${PGBOUNCER_PORT:-6432}
DATABASE=${DATABASE:-supply}
WORKERS=${WORKERS:-2}
DEMO=${DEMO:-yes}
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$HOST_A_PORT}
export REPLICA_DIR=$DIR/pg
HOSTS="a:$HOST_A_PORT b:$HOST_B_PORT"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

alive() {  # alive PIDFILE: the process of the pid file runs
    [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

listening() {  # listening PORT: something accepts connections on 127.0.0.1:PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_until() {  # wait_until SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds; fail after SECONDS
    local tries=$(($1 * 5))
    shift
    for _ in $(seq "$tries"); do
        "$@" && return 0
        sleep 0.2
    done
    return 1
}

url_of() {  # url_of NAME: the primary_url or replica_url deploy/replica.sh prints
    "$REPO/deploy/replica.sh" status | sed -n "s/^$1=//p"
}

app_env() {  # sets APP_ENV: the environment of the app's own commands, which use the primary directly
    APP_ENV=(DATABASE_URL="$(url_of primary_url)/$DATABASE" SUPPLY_INSTANCE_PATH="$DIR/admin"
             SECRET_KEY="$(cat "$DIR/secret_key")" SUPPLY_CERTIFICATE_DOCUMENTS_DIR="$DIR/documents")
}

app() {  # app COMMAND...: run `flask --app wsgi COMMAND...`
    app_env
    (cd "$REPO" && exec env "${APP_ENV[@]}" "$PYTHON" -m flask --app wsgi "$@")
}

start_database() {
    "$REPO/deploy/replica.sh" start >/dev/null
    local primary
    primary=$(url_of primary_url)
    if ! psql "$primary/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
        psql "$primary/postgres" -qc "CREATE DATABASE \"$DATABASE\""
    fi
    app migrate
    if [ "$DEMO" = yes ]; then app seed-demo --if-empty >/dev/null; fi
}

start_pgbouncer() {
    local folder=$DIR/pgbouncer primary
    primary=$(url_of primary_url)
    mkdir -p "$folder"
    echo '"postgres" ""' >"$folder/userlist.txt"
    # deploy/pgbouncer.ini with this machine's addresses, files and trust
    sed -e "s|^supply = .*|$DATABASE = host=127.0.0.1 port=${primary##*:} dbname=$DATABASE|" \
        -e "s|^listen_addr = .*|listen_addr = 127.0.0.1|" \
        -e "s|^listen_port = .*|listen_port = $PGBOUNCER_PORT|" \
        -e "s|^auth_type = .*|auth_type = trust|" \
        -e "s|^auth_file = .*|auth_file = $folder/userlist.txt|" \
        -e "s|^logfile = .*|logfile = $folder/pgbouncer.log|" \
        -e "s|^pidfile = .*|pidfile = $folder/pgbouncer.pid|" \
        "$REPO/deploy/pgbouncer.ini" >"$folder/pgbouncer.ini"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$folder"; fi
    alive "$folder/pgbouncer.pid" || as_postgres pgbouncer -d -q "$folder/pgbouncer.ini"
    wait_until 10 listening "$PGBOUNCER_PORT"
}

start_host() {  # start_host NAME PORT
    local replica
    replica=$(url_of replica_url)
    alive "$DIR/host-$1.pid" && return 0
    local through_pgbouncer="postgresql+pool://postgres@127.0.0.1:$PGBOUNCER_PORT/$DATABASE?prepare_threshold=none"
    (cd "$REPO" && env DATABASE_URL="$through_pgbouncer" \
        DATABASE_REPLICA_URL="postgresql+pool://${replica#postgresql://}/$DATABASE" \
        SECRET_KEY="$(cat "$DIR/secret_key")" SUPPLY_INSTANCE_PATH="$DIR/host-$1" \
        SUPPLY_CERTIFICATE_DOCUMENTS_DIR="$DIR/documents" PUBLIC_BASE_URL="$PUBLIC_BASE_URL" \
        "$PYTHON" -m gunicorn -w "$WORKERS" -b "127.0.0.1:$2" --daemon --pid "$DIR/host-$1.pid" \
        --error-logfile "$DIR/host-$1.log" --control-socket "$DIR/host-$1.ctl" wsgi:app)
}

start_worker() {
    alive "$DIR/worker.pid" && return 0
    if ! app worker --help >/dev/null 2>&1; then
        echo "worker: this version of the app has no 'flask --app wsgi worker' command; not started"
        return 0
    fi
    app_env
    # the subshell writes its own pid, then becomes the worker (nohup: it outlives the terminal that started it)
    (cd "$REPO" && echo "$BASHPID" >"$DIR/worker.pid" &&
        exec nohup env "${APP_ENV[@]}" "$PYTHON" -m flask --app wsgi worker) </dev/null >"$DIR/worker.log" 2>&1 &
}

start() {
    mkdir -p "$DIR/documents"
    chmod go+x "$DIR"  # the clusters and PgBouncer run as the postgres user, in folders of their own inside
    if [ ! -f "$DIR/settings" ]; then
        printf 'HOST_A_PORT=%s\nHOST_B_PORT=%s\nPGBOUNCER_PORT=%s\nDATABASE=%s\nPUBLIC_BASE_URL=%s\n' \
            "$HOST_A_PORT" "$HOST_B_PORT" "$PGBOUNCER_PORT" "$DATABASE" "$PUBLIC_BASE_URL" >"$DIR/settings"
    fi
    [ -f "$DIR/secret_key" ] || (umask 077 && "$PYTHON" -c "import secrets; print(secrets.token_hex(32))" \
        >"$DIR/secret_key")
    start_database
    start_pgbouncer
    local host
    for host in $HOSTS; do start_host "${host%%:*}" "${host##*:}"; done
    for host in $HOSTS; do
        if ! wait_until 30 listening "${host##*:}"; then
            echo "host ${host%%:*} did not start: see $DIR/host-${host%%:*}.log" >&2
            exit 1
        fi
    done
    start_worker
    status
}

status() {
    local down=0 host
    "$REPO/deploy/replica.sh" status || down=1
    if alive "$DIR/pgbouncer/pgbouncer.pid"; then
        echo "pgbouncer_url=postgresql://postgres@127.0.0.1:$PGBOUNCER_PORT/$DATABASE"
    else
        echo "pgbouncer: stopped"; down=1
    fi
    for host in $HOSTS; do
        if alive "$DIR/host-${host%%:*}.pid"; then
            echo "host_${host%%:*}=http://127.0.0.1:${host##*:}"
        else
            echo "host ${host%%:*}: stopped"; down=1
        fi
    done
    if alive "$DIR/worker.pid"; then echo "worker: running"; else echo "worker: not running"; fi
    [ "$down" = 0 ] || return 3
}

stop_processes() {  # stop_processes PIDFILE...: TERM to each at once, then wait for each; KILL after 30 s
    local pidfile pids=()
    for pidfile in "$@"; do
        if alive "$pidfile"; then pids+=("$(cat "$pidfile")"); kill -TERM "${pids[-1]}"; fi
    done
    for pid in "${pids[@]}"; do
        wait_until 30 eval "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
    done
}

stop() {
    local host pidfiles=("$DIR/worker.pid")
    for host in $HOSTS; do pidfiles+=("$DIR/host-${host%%:*}.pid"); done
    stop_processes "${pidfiles[@]}"
    stop_processes "$DIR/pgbouncer/pgbouncer.pid"
    "$REPO/deploy/replica.sh" stop >/dev/null
    rm -rf "$DIR"
    echo "stopped and removed"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
