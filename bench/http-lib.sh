# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # pg_host, pg_port, pg_dir, work come from the caller; the *_url it reads
# bench/http-lib.sh - what bench/run-http.sh and bench/smoke-http.sh share (sourced, not run):
# starting `ordo serve` and bench/peers/mhd_min, driving them with wrk, reading wrk's report,
# deploying and counting instances. The caller sets pg_host, pg_port, pg_dir (the cluster's socket
# folder, port and folder) and work (a temporary folder it removes); the servers it starts are
# recorded in 'server_pids' and stopped by http_stop_all.

server_pids=()
bench_key=bench-admin-key-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
bench_signing_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
bench_master_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')

hpsql() { command psql -X -h "$pg_host" -p "$pg_port" -U postgres -qAt "$@"; }
pg_url() { echo "host=$pg_host port=$pg_port user=${2:-ordo_app} dbname=$1"; }

# fresh_db NAME: a database cloned from the migrated template (tests/pg/cluster.sh).
fresh_db() {
    hpsql -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c \
        "CREATE DATABASE $1 TEMPLATE ordo_template OWNER ordo_owner" >/dev/null
}

# wait_listening OUTFILE PID: print the URL the server printed ("... listening on URL").
wait_listening() {
    local out=$1 pid=$2 i url
    for ((i = 0; i < 2400; i++)); do # 2 min: under valgrind too
        url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out" 2>/dev/null | head -n 1)
        if [[ -n $url ]]; then
            echo "$url"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "http-bench: the server did not start; its output:" >&2
    cat "$out" "$out.err" >&2 2>/dev/null || true
    return 1
}

# start_peer MHD_MIN THREADS: start the minimal server; sets peer_url and peer_pid.
start_peer() {
    "$1" "$2" >"$work/peer.out" 2>"$work/peer.out.err" &
    peer_pid=$!
    server_pids+=("$peer_pid")
    peer_url=$(wait_listening "$work/peer.out" "$peer_pid")
}

# start_ordo ORDO DB [NAME=VALUE...]: `ordo serve` on database DB with the bench's admin key,
# its defaults otherwise (log lines on stderr go to a file); sets ordo_url and ordo_pid.
start_ordo() {
    local bin=$1 db=$2
    shift 2
    mkdir -p "$work/data-$db"
    env ORDO_DATABASE_URL="$(pg_url "$db")" ORDO_MIGRATE_DATABASE_URL="$(pg_url "$db" ordo_owner)" \
        ORDO_ADMIN_KEY="$bench_key" ORDO_AUDIT_SIGNING_KEY="$bench_signing_key" ORDO_MASTER_KEY="$bench_master_key" ORDO_PORT=0 \
        ORDO_DATA_DIR="$work/data-$db" "$@" "$bin" serve >"$work/ordo-$db.out" \
        2>"$work/ordo-$db.out.err" &
    ordo_pid=$!
    server_pids+=("$ordo_pid")
    ordo_url=$(wait_listening "$work/ordo-$db.out" "$ordo_pid")
}

# stop_server PID: SIGTERM, then wait for it; fails when it did not end cleanly.
stop_server() {
    local rc=0 i
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" || rc=$?
    for i in "${!server_pids[@]}"; do
        [[ ${server_pids[i]} == "$1" ]] && unset 'server_pids[i]'
    done
    return "$rc"
}

http_stop_all() {
    local p
    for p in "${server_pids[@]}"; do
        { kill -TERM "$p" && wait "$p"; } 2>/dev/null || true
    done
    server_pids=()
}

# deploy URL BPMN: POST the file to /api/deployments with the admin key.
deploy() {
    curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $bench_key" \
        -H "Content-Type: application/xml" --data-binary "@$2" "$1/api/deployments"
}

# wrk_run SECONDS THREADS CONNECTIONS URL [-s SCRIPT -- ARGS]: wrk's report on stdout. A run
# with socket errors or non-2xx answers fails after printing it to stderr.
wrk_run() {
    local secs=$1 t=$2 c=$3 out
    shift 3
    out=$(wrk -t"$t" -c"$c" -d"${secs}s" --latency "$@")
    if grep -qE '^ *(Non-2xx|Socket errors)' <<<"$out"; then
        printf 'http-bench: wrk saw errors:\n%s\n' "$out" >&2
        return 1
    fi
    printf '%s\n' "$out"
}
wrk_rps() { awk '/^Requests\/sec:/ { printf "%.0f\n", $2 }'; }
wrk_requests() { awk '/ requests in / { print $1 }'; }
wrk_p50() { awk '$1 == "50%" { print $2 }'; }

# instances DB: "completed total" instance counts.
instances() {
    hpsql -d "$1" -F ' ' -c "SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FROM instance"
}

# start_run SECONDS THREADS CONNECTIONS URL DB LUA PROCESS TIMEOUT: start instances over HTTP
# for SECONDS with wrk and the Lua script, then wait (at most TIMEOUT seconds) until every
# started instance has completed. Prints "started completed_in_window window_s total_s per_s".
start_run() {
    local secs=$1 t=$2 c=$3 url=$4 db=$5 lua=$6 process=$7 timeout=$8
    local t0 tw t1 out n done_w total done_all
    t0=$(now_us)
    out=$(wrk_run "$secs" "$t" "$c" "$url" -s "$lua" -- "$bench_key" "$process") || return 1
    tw=$(now_us)
    read -r done_w total < <(instances "$db")
    n=$(wrk_requests <<<"$out")
    if [[ $n != "$total" ]]; then
        echo "http-bench: wrk counted $n answers, the database $total instances (the rest were in flight when wrk stopped)" >&2
    fi
    done_all=$done_w
    while ((done_all < total)); do
        if (($(now_us) - tw > timeout * 1000000)); then
            echo "http-bench: only $done_all of $total instances completed within ${timeout}s" >&2
            return 1
        fi
        sleep 0.05
        read -r done_all total < <(instances "$db")
    done
    t1=$(now_us)
    awk -v n="$total" -v d="$done_w" -v w="$((tw - t0))" -v a="$((t1 - t0))" \
        'BEGIN { printf "%d %d %.3f %.3f %.1f\n", n, d, w / 1e6, a / 1e6, n / (a / 1e6) }'
}

# ticks PID: the user + system CPU time the process has used so far, in clock ticks.
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# pg_ticks: the same for the whole cluster: the postmaster, its live children and, through the
# postmaster's cutime and cstime, the backends that have ended.
pg_ticks() {
    local pm k
    pm=$(head -n 1 "$pg_dir/data/postmaster.pid")
    {
        cat "/proc/$pm/stat"
        for k in $(ps -o pid= --ppid "$pm"); do
            cat "/proc/$k/stat" 2>/dev/null || true
        done
    } | awk '{ sub(/.*\) /, ""); t += $12 + $13 + (NR == 1 ? $14 + $15 : 0) } END { print t }'
}

# cluster_up NAME ORDO: the test cluster of tests/pg/cluster.sh for this run, in a new folder
# ('work', with the cluster's state file 'state'), stopped and removed on exit with every server
# started here; sets pg_host, pg_port and pg_dir.
cluster_up() {
    work=$(mktemp -d "/tmp/ordo-$1.XXXXXX")
    state=$work/pg.env
    trap cluster_down EXIT
    "$bench_root/tests/pg/cluster.sh" start "$state" "$2" >&2
    # shellcheck source=/dev/null
    . "$state"
    [[ $ORDOTEST_PG_MIGRATED == 1 ]] || die "the template database is not migrated"
    pg_host=$ORDOTEST_PG_HOST pg_port=$ORDOTEST_PG_PORT pg_dir=$ORDOTEST_PG_DIR
}

cluster_down() {
    http_stop_all
    "$bench_root/tests/pg/cluster.sh" stop "$state" >/dev/null 2>&1 || true
    rm -rf "$work"
}

# cluster_durable: restart the cluster with the durability of a production database (cluster.sh
# tunes it for tests); 'durable' says its settings, for the report.
cluster_durable() {
    local as=()
    if ((ORDOTEST_PG_ROOT)); then
        as=(runuser -u postgres --)
    fi
    (cd / && "${as[@]}" "$ORDOTEST_PG_BIN/pg_ctl" -D "$pg_dir/data" -w -m fast -l "$pg_dir/log" \
        -o "-k $pg_dir -c listen_addresses='' -p $pg_port -c max_connections=200 -c fsync=on -c synchronous_commit=on -c full_page_writes=on" \
        restart >/dev/null)
    durable=$(hpsql -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings
        WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")
    echo "== cluster: $durable" >&2
}
