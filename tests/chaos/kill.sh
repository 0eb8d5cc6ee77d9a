#!/usr/bin/env bash
# tests/chaos/kill.sh [--rounds N] [--seed S] [--worker] - issue 11's chaos (a): `ordo serve` killed with
# SIGKILL at random moments and at every named crash point, under load.
#
# On a fresh database (of the cluster ORDOTEST_PG_ENV names, else of a cluster of its own) it
# starts `ordo serve`, deploys tests/chaos/chaos.bpmn (a job calling a local receiver through the
# http connector, then a user task) and subscribes the receiver to every outbound webhook event.
# While instances are started over the API (each with an Idempotency-Key, asked again until
# acknowledged) and their user tasks completed over the API, it kills the server N times with
# SIGKILL after a random 0.3-3 s (seeded: the same S gives the same moments), each time starting
# it again at once, and then once per crash point (ORDO_CRASHPOINT=before_commit, after_commit,
# after_call at a random Nth pass): the server ends itself with status 137 there. At the end it
# lets the work drain and checks that every acknowledged instance exists exactly once and
# completed, no user task was completed twice (audit), every outbound event was delivered and
# seen by the receiver, `ordo audit verify` passes, and /readyz answered 200 within 30 s of
# every restart. It prints one line:
#   RESULT|server SIGKILL + crash points|<rounds>|<what was checked>|pass or fail
# and exits 0 only on pass (77 when the machine cannot run it: no python3 or jq).
#
# Options: --rounds N  random kills (default 10); --seed S  the random moments (default: time);
# --worker  run an `ordo worker` beside the server (a second node) and let each random kill hit
# the server or the worker (seeded), so a killed node's leased jobs and deliveries go to the
# other; the worker is started again at once like the server.
# Environment: ORDOTEST_BIN, ORDOTEST_PG_ENV (tests/chaos/lib.sh), CHAOS_KEEP=1 keeps the
# scratch folder (server log, receiver log) for a look after a failure.
set -euo pipefail
# shellcheck source=../../scripts/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=10
with_worker=0
seed=$(date +%s)
while (($#)); do
    case $1 in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    --worker) with_worker=1; shift ;;
    -h | --help) print_usage "$0"; exit 0 ;;
    *) print_usage "$0" >&2; exit 2 ;;
    esac
done
[[ $rounds =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] || die "--rounds and --seed take numbers"
chaos_require "server SIGKILL + crash points"
RANDOM=$seed
say "kill.sh: seed $seed, $rounds random kills and 3 crash points" >&2

chaos_init kill
chaos_receiver_start
chaos_server_start
chaos_wait_ready || die "the first server did not become ready"
chaos_setup
((with_worker)) && chaos_worker_start
chaos_load_start
worker_kills=0

kill_and_restart() {
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    chaos_server_start "$@"
}

for ((r = 1; r <= rounds; r++)); do
    ms=$((300 + RANDOM % 2700))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    if ((with_worker && RANDOM % 2)); then
        kill -KILL "$worker_pid" 2>/dev/null || true
        wait "$worker_pid" 2>/dev/null || true
        chaos_worker_start
        worker_kills=$((worker_kills + 1))
        say "kill.sh: round $r: worker killed after ${ms} ms and started again" >&2
        continue
    fi
    kill_and_restart
    chaos_wait_ready || die "no recovery after the kill of round $r"
    say "kill.sh: round $r: killed after ${ms} ms; ready again" >&2
done

reached=0
for point in before_commit after_commit after_call; do
    sleep 1 # some work for the point to meet
    spec=$point:$((1 + RANDOM % 5))
    kill_and_restart ORDO_CRASHPOINT="$spec"
    status=running
    for ((i = 0; i < 400; i++)); do # 20 s
        if ! kill -0 "$server_pid" 2>/dev/null; then
            status=0
            wait "$server_pid" || status=$?
            break
        fi
        sleep 0.05
    done
    if [[ $status == 137 ]]; then
        reached=$((reached + 1))
        say "kill.sh: crash point $spec reached (status 137)" >&2
    else
        warn "crash point $spec: the server did not end there within 20 s (status: $status)"
    fi
    kill_and_restart
    chaos_wait_ready || die "no recovery after crash point $spec"
done

chaos_drain 60
chaos_checks
check "crash points reached" 3 "$reached"
if ((with_worker)); then
    checks=$((checks + 1))
    if ! kill -0 "$worker_pid" 2>/dev/null; then
        failures=$((failures + 1))
        echo "FAIL: the worker ended by itself (worker.log)" >&2
    fi
    # The worker did share the work: job attempts name their node, HOST:PID/THREAD.
    pids=$(tr '\n' ',' <"$work/worker.pids")
    nodes=$(dbsql "SELECT count(*) FROM audit WHERE action = 'job.attempt'
        AND split_part(split_part(actor, '/', 1), ':', 2) = ANY (string_to_array('${pids%,}', ','))")
    checks=$((checks + 1))
    if ((nodes < 1)); then
        failures=$((failures + 1))
        echo "FAIL: no job attempt by a worker in the audit" >&2
    fi
    chaos_result "server and worker SIGKILL + crash points" \
        "$rounds random kills, $worker_kills of them of the worker (seed $seed; $nodes job attempts by workers) + 3 crash points of the server ($reached reached)"
else
    chaos_result "server SIGKILL + crash points" "$rounds random kills (seed $seed) + 3 crash points ($reached reached)"
fi
