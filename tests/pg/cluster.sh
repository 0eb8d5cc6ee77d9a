#!/usr/bin/env bash
# tests/pg/cluster.sh - the one throw-away PostgreSQL cluster of a ctest run.
#
# Usage: tests/pg/cluster.sh start STATEFILE ORDO_BIN
#        tests/pg/cluster.sh stop STATEFILE
#
# start  creates a cluster in a fresh /tmp/ordo-pgtest.XXXXXX (not in the build tree: as root the
#        server runs as user postgres, which cannot traverse /root), listening on a Unix socket in
#        that folder only, tuned for tests (fsync, synchronous_commit and full_page_writes off).
#        It creates the roles ordo_owner (owns the schema, runs migrations) and ordo_app (the
#        application), and the database ordo_template owned by ordo_owner, which
#        `ORDO_BIN migrate` brings to the current schema (while `ordo migrate` does not exist, a
#        NOTICE says so and the template stays empty). Tests clone one database each from the
#        template (tests/integration/pgtest.h). A cluster that STATEFILE still names (an
#        interrupted run) is stopped first. On failure it prints the server log's tail and removes
#        what it created.
# stop   stops the cluster STATEFILE names and removes its folder and STATEFILE; never fails, also
#        when the cluster is already gone.
#
# STATEFILE is shell-sourceable KEY='VALUE' lines: ORDOTEST_PG_DIR, ORDOTEST_PG_HOST (the socket
# folder, = DIR), ORDOTEST_PG_PORT, ORDOTEST_PG_BIN (the server's bin folder), ORDOTEST_PG_ROOT
# (1: started by root, the server runs as user postgres) and ORDOTEST_PG_MIGRATED (1: the
# template holds the schema). Connect as user postgres (superuser), ordo_owner or ordo_app
# with "host=DIR port=PORT dbname=NAME user=USER"; authentication is trust.
set -euo pipefail
# shellcheck source=../../scripts/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

DIR_PATTERN='^/tmp/ordo-pgtest\.[A-Za-z0-9]+$'

usage() {
    print_usage "$0"
    exit 2
}

# Run a server-side command (initdb, pg_ctl) as the cluster's owner, from / (user postgres may
# not be allowed into the caller's working directory).
as_owner() {
    if ((as_root)); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

write_state() {
    local tmp=$statefile.tmp
    {
        printf "ORDOTEST_PG_DIR='%s'\n" "$dir"
        printf "ORDOTEST_PG_HOST='%s'\n" "$dir"
        printf "ORDOTEST_PG_PORT='%s'\n" "$port"
        printf "ORDOTEST_PG_BIN='%s'\n" "$pgbin"
        printf "ORDOTEST_PG_ROOT='%s'\n" "$as_root"
        printf "ORDOTEST_PG_MIGRATED='%s'\n" "$migrated"
    } >"$tmp"
    mv -f "$tmp" "$statefile"
}

# psql as the superuser on database 'postgres'; SQL on stdin.
psql_super() {
    "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres
}

# Stop the cluster STATEFILE names and remove its folder and STATEFILE. Never fails.
cmd_stop() {
    local ORDOTEST_PG_DIR='' ORDOTEST_PG_BIN='' ORDOTEST_PG_ROOT=0 as_root
    [[ -f $statefile ]] || return 0
    # shellcheck disable=SC1090 # written by write_state
    . "$statefile" 2>/dev/null || true
    as_root=$ORDOTEST_PG_ROOT
    if [[ $ORDOTEST_PG_DIR =~ $DIR_PATTERN && -d $ORDOTEST_PG_DIR ]]; then
        if [[ -f $ORDOTEST_PG_DIR/data/postmaster.pid && -x $ORDOTEST_PG_BIN/pg_ctl ]]; then
            as_owner "$ORDOTEST_PG_BIN/pg_ctl" -D "$ORDOTEST_PG_DIR/data" -m fast -w -t 30 \
                stop >/dev/null 2>&1 ||
                as_owner "$ORDOTEST_PG_BIN/pg_ctl" -D "$ORDOTEST_PG_DIR/data" -m immediate -w \
                    -t 30 stop >/dev/null 2>&1 ||
                warn "could not stop the cluster in $ORDOTEST_PG_DIR (already gone?)"
        fi
        rm -rf -- "$ORDOTEST_PG_DIR" || warn "could not remove $ORDOTEST_PG_DIR"
        say "pg cluster in $ORDOTEST_PG_DIR stopped and removed"
    elif [[ -n $ORDOTEST_PG_DIR ]]; then
        warn "$statefile names '$ORDOTEST_PG_DIR', which is not a cluster of ours: left alone"
    fi
    rm -f -- "$statefile" "$statefile.tmp"
    return 0
}

# On a failed start: show why, then remove what was created.
on_start_exit() {
    local rc=$?
    ((rc == 0)) && return 0
    if [[ -n $dir && -f $dir/log ]]; then
        say "--- last lines of $dir/log"
        tail -n 30 "$dir/log" || true
    fi
    if [[ -n $dir && -f $dir/initdb.log ]] && ! [[ -d $dir/data/global ]]; then
        say "--- $dir/initdb.log"
        tail -n 30 "$dir/initdb.log" || true
    fi
    warn "pg cluster start failed; cleaning up"
    cmd_stop
    return "$rc"
}

start_server() {
    local try
    for try in 1 2 3; do
        port=$((5433 + RANDOM % 20000))
        write_state
        if as_owner "$pgbin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/log" \
            -o "-k $dir -c listen_addresses='' -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null; then
            return 0
        fi
        warn "pg_ctl start on port $port failed (attempt $try)"
    done
    die "could not start PostgreSQL (see the log above)"
}

migrate_template() {
    if ! "$ordo_bin" help migrate >/dev/null 2>&1; then
        notice "'$ordo_bin migrate' does not exist yet: the template database ordo_template stays EMPTY (no schema)"
        return 0
    fi
    run "$ordo_bin" migrate \
        --database-url "host=$dir port=$port dbname=ordo_template user=ordo_app" \
        --migrate-database-url "host=$dir port=$port dbname=ordo_template user=ordo_owner"
    migrated=1
}

cmd_start() {
    local t0 version
    t0=$(now_us)
    [[ -x $ordo_bin ]] || die "$ordo_bin is not built (cmake --build builds it with 'all')"
    cmd_stop # a cluster left by an interrupted run
    pgbin=$(pg_bin initdb pg_ctl psql)
    as_root=0
    if ((EUID == 0)); then
        as_root=1
        id postgres >/dev/null 2>&1 ||
            die "running as root needs the user 'postgres' (scripts/install-deps.sh installs postgresql)"
    fi
    port=0
    migrated=0
    trap on_start_exit EXIT
    dir=$(mktemp -d /tmp/ordo-pgtest.XXXXXX)
    write_state
    if ((as_root)); then
        chown postgres: "$dir"
    fi
    as_owner "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1
    start_server
    psql_super <<'SQL'
CREATE ROLE ordo_owner LOGIN;
CREATE ROLE ordo_app LOGIN;
CREATE DATABASE ordo_template OWNER ordo_owner;
SQL
    migrate_template
    write_state
    trap - EXIT
    version=$("$pgbin/postgres" --version | sed -n 's/.*(PostgreSQL) \([^ ]*\).*/\1/p')
    say "pg cluster: PostgreSQL $version at host=$dir port=$port (migrated: $migrated), started in $(fmt_secs $(($(now_us) - t0))) s"
}

(($# >= 2)) || usage
statefile=$(realpath -m -- "$2")
dir=
port=0
pgbin=
as_root=0
migrated=0
case $1 in
start)
    (($# == 3)) || usage
    ordo_bin=$3
    cmd_start
    ;;
stop)
    (($# == 2)) || usage
    cmd_stop
    ;;
*) usage ;;
esac
