# shellcheck shell=bash
# shellcheck disable=SC2034 # variables set here are read by the scripts that source this file
# tests/chaos/lib.sh - what kill.sh and pg-restart.sh share (sourced after scripts/lib.sh):
# a PostgreSQL cluster and a fresh database, the local receiver (receiver.py), `ordo serve` on a
# fixed port so it can be killed and started again, the load (instances started with an
# Idempotency-Key, user tasks completed over the API, outbound webhooks to the receiver), and the
# end checks that print the RESULT line.
#
# Environment: ORDOTEST_BIN (the ordo binary; default build/asan/bin/ordo of the main tree),
# ORDOTEST_PG_ENV (a running cluster's state file, tests/pg/cluster.sh; without it, or with
# chaos_own_cluster=1, a cluster of our own is started and removed again).

chaos_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ordo_bin=${ORDOTEST_BIN:-$ORDO_ROOT/build/asan/bin/ordo}
chaos_key=chaos-admin-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
chaos_signing_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
chaos_master_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
chaos_own_cluster=${chaos_own_cluster:-0}
chaos_bg_pids=()
server_pid=
max_ready_us=0
ready_count=0
work=
state=

cpsql() { PGOPTIONS="-c client_min_messages=warning" command psql -X -h "$pg_host" -p "$pg_port" -U postgres -qAt -v ON_ERROR_STOP=1 "$@"; }
dbsql() { cpsql -d "$db" -c "$1"; }
pg_url() { echo "host=$pg_host port=$pg_port user=${2:-ordo_app} dbname=$1"; }

# chaos_init NAME: the scratch folder, the cluster and a fresh database 'db'.
chaos_init() {
    [[ -x $ordo_bin ]] || die "$ordo_bin is not built (set ORDOTEST_BIN)"
    command -v python3 >/dev/null || die "python3 is needed for the local receiver"
    work=$(mktemp -d "/tmp/ordo-chaos-$1.XXXXXX")
    trap chaos_cleanup EXIT
    if [[ -n ${ORDOTEST_PG_ENV:-} ]] && ((!chaos_own_cluster)); then
        state=$ORDOTEST_PG_ENV
    else
        chaos_own_cluster=1
        state=$work/pg.env
        "$ORDO_ROOT/tests/pg/cluster.sh" start "$state" "$ordo_bin" >"$work/cluster.log" 2>&1 ||
            { cat "$work/cluster.log" >&2; die "could not start a PostgreSQL cluster"; }
    fi
    # shellcheck source=/dev/null
    . "$state"
    [[ ${ORDOTEST_PG_MIGRATED:-0} == 1 ]] || die "the template database of $state is not migrated"
    pg_host=$ORDOTEST_PG_HOST pg_port=$ORDOTEST_PG_PORT pg_dir=$ORDOTEST_PG_DIR
    db=chaos_${1//-/_}_$$
    cpsql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
        -c "CREATE DATABASE $db TEMPLATE ordo_template OWNER ordo_owner" >/dev/null
}

chaos_cleanup() {
    local p
    touch "$work/stop" 2>/dev/null || true
    for p in "${chaos_bg_pids[@]}" $server_pid ${worker_pid:-}; do
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    if ((chaos_own_cluster)); then
        "$ORDO_ROOT/tests/pg/cluster.sh" stop "$state" >/dev/null 2>&1 || true
    else
        cpsql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    if [[ ${CHAOS_KEEP:-0} == 1 ]]; then
        say "chaos: kept $work" >&2
    else
        rm -rf "$work"
    fi
}

# chaos_receiver_start: receiver.py on a free port; sets recv_url and the log recv_log.
chaos_receiver_start() {
    local i
    recv_log=$work/received.log
    : >"$recv_log"
    python3 "$chaos_dir/receiver.py" "$recv_log" "$work/recv.port" 2>"$work/recv.err" &
    chaos_bg_pids+=($!)
    for ((i = 0; i < 100; i++)); do
        [[ -s $work/recv.port ]] && break
        sleep 0.05
    done
    [[ -s $work/recv.port ]] || die "the receiver did not start: $(cat "$work/recv.err")"
    recv_url=http://127.0.0.1:$(cat "$work/recv.port")
}

# A free TCP port for `ordo serve`: fixed for the whole run, so the load finds the restarted server.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# chaos_server_start [NAME=VALUE...]: `ordo serve` on db and the port 'port' (chosen on the
# first call), leases short enough that a killed server's jobs and deliveries come back within
# seconds; sets server_pid and spawn_us. Its output is appended to $work/serve.log.
chaos_server_start() {
    [[ -n ${port:-} ]] || port=$(free_port)
    mkdir -p "$work/data"
    printf '=== start %s %s\n' "$(date +%T)" "$*" >>"$work/serve.log"
    ready_from=$(now_us)
    env ORDO_DATABASE_URL="$(pg_url "$db")" ORDO_MIGRATE_DATABASE_URL="$(pg_url "$db" ordo_owner)" \
        ORDO_ADMIN_KEY="$chaos_key" ORDO_AUDIT_SIGNING_KEY="$chaos_signing_key" \
        ORDO_MASTER_KEY="$chaos_master_key" ORDO_PORT="$port" ORDO_DATA_DIR="$work/data" \
        ORDO_HTTP_ALLOW=127.0.0.1/32 ORDO_HTTP_SCHEME=any ORDO_LEASE_MS=2000 \
        ORDO_WEBHOOK_TIMEOUT=2s ORDO_WEBHOOK_RETRY_SCHEDULE=1s,1s,2s,2s,5s,5s,10s,10s,30s \
        ORDO_RATE_LIMIT=100000 ORDO_RATE_BURST=100000 ORDO_LOG_LEVEL=warn \
        "$@" "$ordo_bin" serve >>"$work/serve.log" 2>&1 &
    server_pid=$!
    url=http://127.0.0.1:$port
}

# chaos_worker_start: an `ordo worker` on the same database with the server's settings (a second
# node: jobs and webhook deliveries are shared, and a killed node's leases come back to the
# other); sets worker_pid. Its output is appended to $work/worker.log.
chaos_worker_start() {
    printf '=== start %s\n' "$(date +%T)" >>"$work/worker.log"
    env ORDO_AUDIT_SIGNING_KEY="$chaos_signing_key" ORDO_MASTER_KEY="$chaos_master_key" \
        ORDO_HTTP_ALLOW=127.0.0.1/32 ORDO_HTTP_SCHEME=any ORDO_LEASE_MS=2000 \
        ORDO_WEBHOOK_TIMEOUT=2s ORDO_WEBHOOK_RETRY_SCHEDULE=1s,1s,2s,2s,5s,5s,10s,10s,30s \
        ORDO_LOG_LEVEL=warn "$ordo_bin" worker --database-url "$(pg_url "$db")" \
        >>"$work/worker.log" 2>&1 &
    worker_pid=$!
    echo "$worker_pid" >>"$work/worker.pids"
}

# chaos_wait_ready: wait until /readyz answers 200 (at most 60 s), measured from ready_from (the
# moment of the fault; chaos_server_start sets it to the server's spawn); records the longest
# wait in max_ready_us. Fails when it takes longer than 60 s.
chaos_wait_ready() {
    local from=$ready_from code
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/readyz" || true)
        [[ $code == 200 ]] && break
        if (($(now_us) - from > 60000000)); then
            warn "/readyz did not answer 200 within 60 s (last: $code)"
            return 1
        fi
        sleep 0.05
    done
    local took=$(($(now_us) - from))
    ((took > max_ready_us)) && max_ready_us=$took
    ready_count=$((ready_count + 1))
    return 0
}

api() { # api METHOD PATH [BODY]: the answer on stdout; fails on a non-2xx status
    curl -fsS --max-time 10 -X "$1" -H "Authorization: Bearer $chaos_key" \
        -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$url$2"
}

# chaos_setup: deploy the load's process and subscribe the receiver to every event.
chaos_setup() {
    curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $chaos_key" \
        -H 'Content-Type: application/xml' --data-binary "@$chaos_dir/chaos.bpmn" \
        "$url/api/deployments" || die "deploying chaos.bpmn failed"
    api POST /api/webhooks/subscriptions "{\"url\":\"$recv_url/hook\",\"events\":[\"*\"]}" \
        >/dev/null || die "creating the webhook subscription failed"
}

# The starter: instance N is started with Idempotency-Key and business key chaos-N, asked again
# with the same key until an answer says it exists (a start whose answer was lost with a killed
# server is not started twice), then N is written to $work/acked. Stops between instances once
# $work/stop exists.
starter() {
    local n=0 code body
    while [[ ! -e $work/stop ]]; do
        n=$((n + 1))
        body="{\"processId\":\"chaos\",\"businessKey\":\"chaos-$n\",\"variables\":{\"callUrl\":\"$recv_url/call\"}}"
        while :; do
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
                -H "Authorization: Bearer $chaos_key" -H 'Content-Type: application/json' \
                -H "Idempotency-Key: chaos-$n" --data-binary "$body" "$url/api/instances" || true)
            [[ $code == 200 || $code == 201 ]] && break
            sleep 0.2
        done
        echo "$n" >>"$work/acked"
        sleep "${CHAOS_START_GAP:-0.05}"
    done
}

# The completer: completes the open user tasks it finds, until $work/stop_completer exists.
completer() {
    local keys k code
    while [[ ! -e $work/stop_completer ]]; do
        keys=$(api GET '/api/tasks?state=open&limit=200' 2>/dev/null | jq -r '.items[].key' 2>/dev/null) || keys=
        for k in $keys; do
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
                -H "Authorization: Bearer $chaos_key" -H 'Content-Type: application/json' \
                --data-binary '{}' "$url/api/tasks/$k/complete" || true)
            echo "$k $code" >>"$work/completions"
        done
        sleep 0.2
    done
}

chaos_load_start() {
    : >"$work/acked"
    : >"$work/completions"
    starter &
    chaos_bg_pids+=($!)
    starter_pid=$!
    completer &
    chaos_bg_pids+=($!)
}

# chaos_drain TIMEOUT: stop starting instances, then wait until every instance has ended and
# every outbound event has left the outbox; gives up after TIMEOUT seconds without progress (a
# long run leaves a backlog of webhook events that two sender threads take minutes to send, so a
# fixed limit would fail it for slowness, not for a lost event); stops the completer.
chaos_drain() {
    local timeout=$1 t0 left last=-1
    touch "$work/stop"
    wait "$starter_pid" 2>/dev/null || true
    t0=$(now_us)
    while :; do
        left=$(dbsql "SELECT (SELECT count(*) FROM instance WHERE status = 'active')
            + (SELECT count(*) FROM outbox WHERE state <> 'delivered')")
        [[ $left == 0 ]] && break
        if ((last < 0 || left < last)); then
            last=$left
            t0=$(now_us)
        elif (($(now_us) - t0 > timeout * 1000000)); then
            warn "no progress for ${timeout}s: still $left active instances and undelivered events"
            break
        fi
        sleep 0.5
    done
    touch "$work/stop_completer"
}

# check WHAT EXPECTED ACTUAL: one end check; a mismatch is printed and counted.
check() {
    checks=$((checks + 1))
    if [[ $2 != "$3" ]]; then
        failures=$((failures + 1))
        echo "FAIL: $1: expected $2, got $3" >&2
    fi
}

# chaos_checks: the end checks (SQL, the receiver's log, `ordo audit verify`, the readiness
# times); sets 'failures' and 'checks'.
chaos_checks() {
    local acked n verify
    failures=0 checks=0
    acked=$(sort -un "$work/acked" | wc -l)
    n=$acked
    checks=$((checks + 1))
    ((n > 0)) || { failures=$((failures + 1)); echo "FAIL: no instance was started" >&2; }
    # Each acknowledged start exists exactly once, and nothing else was started.
    check "instances" "$n" "$(dbsql "SELECT count(*) FROM instance")"
    check "distinct business keys" "$n" "$(dbsql "SELECT count(DISTINCT business_key) FROM instance")"
    check "acknowledged starts missing from the database" 0 "$(sort -un "$work/acked" |
        sed 's/^/chaos-/' | sort >"$work/acked.bk"
        dbsql "SELECT business_key FROM instance" | sort | comm -23 "$work/acked.bk" - | wc -l)"
    # Each reached its end once.
    check "completed instances" "$n" "$(dbsql "SELECT count(*) FROM instance WHERE status = 'completed'")"
    check "instances with more than one end" 0 "$(dbsql "SELECT count(*) FROM (SELECT a.instance_key
        FROM audit a, json_array_elements(a.payload::json->'effects') e WHERE e->>'event' = 'end'
        GROUP BY 1 HAVING count(*) > 1) x")"
    check "ends in the audit" "$n" "$(dbsql "SELECT count(DISTINCT a.instance_key)
        FROM audit a, json_array_elements(a.payload::json->'effects') e WHERE e->>'event' = 'end'")"
    # No user task completed twice.
    check "task.completed audit rows" "$n" "$(dbsql "SELECT count(*) FROM audit WHERE action = 'task.completed'")"
    check "instances whose task was completed twice" 0 "$(dbsql "SELECT count(*) FROM (SELECT instance_key
        FROM audit WHERE action = 'task.completed' GROUP BY 1 HAVING count(*) > 1) x")"
    check "completed user tasks" "$n" "$(dbsql "SELECT count(*) FROM user_task WHERE state = 'completed'")"
    check "incidents" 0 "$(dbsql "SELECT count(*) FROM incident")"
    check "jobs left" 0 "$(dbsql "SELECT count(*) FROM job")"
    chaos_check_events "$n"
    check "connector calls (distinct jobs) reaching the receiver" "$n" \
        "$(awk '$1 == "call" { print $2 }' "$work/received.log" | sort -u | wc -l)"
    # The audit chain the killed servers sealed verifies.
    verify=$("$ordo_bin" audit verify --json --database-url "$(pg_url "$db" ordo_owner)" 2>&1) || true
    checks=$((checks + 1))
    if ! grep -q '"ok": true' <<<"$verify"; then
        failures=$((failures + 1))
        echo "FAIL: ordo audit verify: $verify" >&2
    fi
    checks=$((checks + 1))
    if ((max_ready_us > 30000000)); then
        failures=$((failures + 1))
        echo "FAIL: /readyz took $(fmt_secs "$max_ready_us") s (> 30 s) after a fault" >&2
    fi
    instances_n=$n
    dup_deliveries=$(($(awk '$1 == "hook"' "$work/received.log" | wc -l) - $(wc -l <"$work/ids.received")))
    dup_calls=$(($(awk '$1 == "call"' "$work/received.log" | wc -l) - $(awk '$1 == "call" { print $2 }' "$work/received.log" | sort -u | wc -l)))
}

# chaos_result FAULT RUN: the RESULT line (docs/reliability.md's row) and the exit status.
chaos_result() {
    local what
    what="$instances_n instances (http job, user task, webhooks); checked: each exists once and completes, no task completed twice, every outbound event delivered and received, audit verifies, readyz within 30 s; seen: max readyz $(fmt_secs "$max_ready_us") s over $ready_count recoveries, $dup_deliveries events and $dup_calls connector calls repeated"
    if ((failures == 0)); then
        echo "RESULT|$1|$2|$what|pass"
    else
        echo "RESULT|$1|$2|$what|fail ($failures of $checks checks)"
        [[ ${CHAOS_KEEP:-0} == 1 ]] || say "chaos: set CHAOS_KEEP=1 to keep $work (serve.log, received.log)" >&2
        return 1
    fi
}

# ---- i11-enospc: what enospc.sh and connlimit.sh share ----

# chaos_pg_ctl ARGS...: pg_ctl on the cluster, as its owner (user postgres when the cluster was
# started by root), from / (that user may not enter the working directory).
chaos_pg_ctl() {
    if ((ORDOTEST_PG_ROOT)); then
        (cd / && runuser -u postgres -- "$ORDOTEST_PG_BIN/pg_ctl" "$@")
    else
        (cd / && "$ORDOTEST_PG_BIN/pg_ctl" "$@")
    fi
}

# probe_class STATUS BODYFILE: what one answer of the prober was: "ok" (2xx), "error" (5xx with
# a CONTRACTS §4 body: {"error":{"code":"ORDO_E_...","message":"..."}}), "noanswer" (no answer
# within curl's --max-time: a hang or a refused connection) or "bad" (anything else).
probe_class() {
    case $1 in
    2??) echo ok ;;
    000) echo noanswer ;;
    5??)
        if jq -e '(.error.code | type == "string" and startswith("ORDO_E_"))
            and (.error.message | type == "string")' "$2" >/dev/null 2>&1; then
            echo error
        else
            echo bad
        fi
        ;;
    *) echo bad ;;
    esac
}

# The prober: like the starter, but from instance 1000001 on, one start every 0.2 s, and every
# answer recorded in $work/probe.log as "MICROSECONDS STATUS CLASS RETRY-AFTER" (probe_class),
# so a script can tell what a client saw during a fault and when writes were acknowledged again.
# Acknowledged starts go to $work/acked like the starter's. Stops like the starter; the caller
# waits for prober_pid before chaos_drain.
prober() {
    local n=1000000 code body t cls ra
    while [[ ! -e $work/stop ]]; do
        n=$((n + 1))
        body="{\"processId\":\"chaos\",\"businessKey\":\"chaos-$n\",\"variables\":{\"callUrl\":\"$recv_url/call\"}}"
        while :; do
            t=$(now_us)
            code=$(curl -s -o "$work/probe.body" -D "$work/probe.head" -w '%{http_code}' \
                --max-time 10 -X POST -H "Authorization: Bearer $chaos_key" \
                -H 'Content-Type: application/json' -H "Idempotency-Key: chaos-$n" \
                --data-binary "$body" "$url/api/instances" || true)
            cls=$(probe_class "$code" "$work/probe.body")
            ra=$(tr -d '\r' <"$work/probe.head" 2>/dev/null | awk -F': ' 'tolower($1) == "retry-after" { print $2 }')
            echo "$t $code $cls ${ra:--}" >>"$work/probe.log"
            [[ $cls == bad ]] && cp "$work/probe.body" "$work/probe.bad.$n" 2>/dev/null
            [[ $code == 200 || $code == 201 ]] && break
            sleep 0.2
        done
        echo "$n" >>"$work/acked"
        sleep 0.2
    done
}

chaos_prober_start() {
    : >"$work/probe.log"
    prober &
    chaos_bg_pids+=($!)
    prober_pid=$!
}

# probe_ok_after US: the time (microseconds) of the first acknowledged probe start at or after
# US; waits for it at most 60 s; empty when none came.
probe_ok_after() {
    local from=$1 t
    while :; do
        t=$(awk -v f="$from" '$1 >= f && $3 == "ok" { print $1; exit }' "$work/probe.log")
        [[ -n $t ]] && break
        (($(now_us) - from > 60000000)) && break
        sleep 0.1
    done
    echo "$t"
}

# chaos_probe_checks [LOG]: the prober's answers (LOG: a copy of a part of $work/probe.log, by
# default all of it): none "bad" (a non-2xx without a §4 body, or a 4xx) and none "noanswer"
# (a hang); sets probe_summary ("N probe starts answered: A 2xx, E 5xx ...").
chaos_probe_checks() {
    local log=${1:-$work/probe.log} total okn errn badn non ra
    total=$(wc -l <"$log")
    okn=$(awk '$3 == "ok"' "$log" | wc -l)
    errn=$(awk '$3 == "error"' "$log" | wc -l)
    badn=$(awk '$3 == "bad"' "$log" | wc -l)
    non=$(awk '$3 == "noanswer"' "$log" | wc -l)
    ra=$(awk '$3 == "error" && $4 != "-"' "$log" | wc -l)
    check "probe answers neither 2xx nor a 5xx with a CONTRACTS §4 body" 0 "$badn"
    check "probe requests without an answer within 10 s" 0 "$non"
    check "503 answers without Retry-After" 0 "$(awk '$3 == "error" && $2 == 503 && $4 == "-"' "$log" | wc -l)"
    probe_summary="$total probe starts answered: $okn 2xx, $errn 5xx with a §4 body ($(awk '$3 == "error" { print $2 }' "$log" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }'); $ra with Retry-After), $badn other, $non unanswered"
}

# chaos_result_with FAULT RUN SEEN: chaos_result's line with SEEN (what the script checked and
# saw besides the end checks) added to its fourth field; the same exit status.
chaos_result_with() {
    local line rc=0
    line=$(chaos_result "$1" "$2") || rc=$?
    printf '%s; %s|%s\n' "${line%|*}" "$3" "${line##*|}"
    return "$rc"
}

# chaos_skip FAULT WHY: the RESULT line of a fault this machine cannot inject, and exit 77.
chaos_skip() {
    echo "RESULT|$1|-|-|skipped: $2"
    exit 77
}

# chaos_require FAULT: what every chaos script needs (python3, jq, curl, psql and a PostgreSQL
# server for a cluster of its own), else skipped with the reason.
chaos_require() {
    local tool
    for tool in python3 jq curl psql; do
        command -v "$tool" >/dev/null || chaos_skip "$1" "$tool is not installed"
    done
    compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null ||
        chaos_skip "$1" "no PostgreSQL server (pg_ctl) on this machine"
}

# chaos_check_events N: no webhook event lost. Every outbox event delivered and seen by the
# receiver (duplicates allowed), and the four events of each of N instances among them; leaves
# the ids seen in $work/ids.received.
chaos_check_events() {
    check "undelivered outbound events" 0 "$(dbsql "SELECT count(*) FROM outbox WHERE state <> 'delivered'")"
    awk '$1 == "hook" { print $2 }' "$work/received.log" | sort -u >"$work/ids.received"
    check "outbox events the receiver never saw" 0 "$(dbsql "SELECT msg_id FROM outbox
        WHERE subscription_key IS NOT NULL" | sort -u | comm -23 - "$work/ids.received" | wc -l)"
    check "instance.started/task.created/task.completed/instance.completed received" "$((4 * $1))" \
        "$(awk '$1 == "hook" && $3 ~ /^(instance\.started|task\.created|task\.completed|instance\.completed)$/ { print $3, $4 }' \
            "$work/received.log" | sort -u | wc -l)"
}

# chaos_start_loaded [VAR=VALUE...]: the receiver, the server (with those settings), ready, the
# process deployed and the load running; the readiness figures count only the recoveries from
# here on, and first_pid is this server's.
chaos_start_loaded() {
    chaos_receiver_start
    chaos_server_start "$@"
    chaos_wait_ready || die "the server did not become ready"
    max_ready_us=0 ready_count=0
    first_pid=$server_pid
    chaos_setup
    chaos_load_start
}
