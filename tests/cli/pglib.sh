# shellcheck shell=bash
# tests/cli/pglib.sh - for command-line tests on the ctest PostgreSQL cluster (tests/pg/cluster.sh,
# whose state file ORDOTEST_PG_ENV names): databases, psql, and an `ordo serve` of the test's own.
# Source it after tests/cli/lib.sh, with $ordo set to the binary. It exits 77 (skipped) when the
# template is not migrated.
: "${ordo:?set ordo (the binary) before sourcing pglib.sh}" "${tmp:?source lib.sh first}"
# shellcheck source=/dev/null
. "${ORDOTEST_PG_ENV:?run through ctest (needs the pg fixture)}"
if [[ ${ORDOTEST_PG_MIGRATED:-0} != 1 ]]; then
    echo "$(basename "$0"): the template database is not migrated; skipped"
    exit 77
fi

serve_pid=
base=

spsql() { # spsql DB ARGS...: psql as the superuser
    local db=$1
    shift
    psql -X -qAt -h "$ORDOTEST_PG_HOST" -p "$ORDOTEST_PG_PORT" -U postgres -d "$db" "$@"
}

pg_url() { # pg_url DB [USER]: a connection string (user ordo_app by default)
    echo "host=$ORDOTEST_PG_HOST port=$ORDOTEST_PG_PORT dbname=$1 user=${2:-ordo_app}"
}

random_hex() { # random_hex N: N random bytes as hex
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# serve_start NAME VAR=VALUE...: `$ordo serve` on port 0 with those settings, its output in
# $tmp/NAME.out and .err; sets serve_pid and base (its URL). Fails the test and returns 1 when it
# does not start within 60 s (the sanitizer build starts slowly).
serve_start() {
    local name=$1 i
    shift
    env "$@" ORDO_PORT=0 "$ordo" serve >"$tmp/$name.out" 2>"$tmp/$name.err" &
    serve_pid=$!
    base=
    for ((i = 0; i < 1200; i++)); do
        base=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$tmp/$name.out" 2>/dev/null | head -n 1)
        [[ -n $base ]] && return 0
        kill -0 "$serve_pid" 2>/dev/null || break
        sleep 0.05
    done
    fail "ordo serve ($name) did not start: $(tail -n 5 "$tmp/$name.err")"
    return 1
}

# serve_stop NAME: SIGTERM, and a clean exit expected.
serve_stop() {
    [[ -n $serve_pid ]] || return 0
    kill -TERM "$serve_pid"
    wait "$serve_pid" || fail "ordo serve ($1) did not stop cleanly: $(tail -n 5 "$tmp/$1.err")"
    serve_pid=
}

_pglib_kill_server() {
    if [[ -n $serve_pid ]]; then
        kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    fi
    return 0
}
cleanup_hooks+=(_pglib_kill_server)
