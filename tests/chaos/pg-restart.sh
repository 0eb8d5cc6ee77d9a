#!/usr/bin/env bash
# tests/chaos/pg-restart.sh [--restarts N] [--seed S] - issue 11's chaos (b): PostgreSQL
# restarted under load, in fast and immediate mode by turns; `ordo serve` must reconnect by itself.
#
# It starts a PostgreSQL cluster of its own (tests/pg/cluster.sh into its scratch folder, so the
# restarts never disturb other tests on the ctest cluster), runs one `ordo serve` on a fresh
# database with the load of kill.sh (tests/chaos/lib.sh: instances with an Idempotency-Key, a job
# calling a local receiver through the http connector, user tasks completed over the API,
# outbound webhooks to the receiver) and restarts PostgreSQL N times after a random 1-4 s
# (seeded), `pg_ctl restart -m fast` and `-m immediate` (a crash: the server's sessions die
# without a goodbye) by turns. The cluster runs with a production database's durability
# (fsync, synchronous_commit and full_page_writes on; the test cluster has them off). After each restart /readyz must answer 200 within 30 s, counted
# from the moment the restart began, with the same server process: it is never restarted. At the
# end the same checks as kill.sh: every acknowledged instance exists exactly once and completed,
# no user task completed twice, every outbound event delivered, `ordo audit verify` passes. It
# prints one line:
#   RESULT|PostgreSQL restart (fast, immediate)|<restarts>|<what was checked>|pass or fail
# and exits 0 only on pass (77 when the machine cannot run it: no python3, jq or PostgreSQL).
#
# Options: --restarts N  (default 6); --seed S  the random moments (default: time).
# Environment: ORDOTEST_BIN (tests/chaos/lib.sh); CHAOS_KEEP=1 keeps the scratch folder.
set -euo pipefail
# shellcheck source=../../scripts/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

restarts=6
seed=$(date +%s)
while (($#)); do
    case $1 in
    --restarts) restarts=${2:?--restarts needs a number}; shift 2 ;;
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    -h | --help) print_usage "$0"; exit 0 ;;
    *) print_usage "$0" >&2; exit 2 ;;
    esac
done
[[ $restarts =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] || die "--restarts and --seed take numbers"
fault="PostgreSQL restart (fast, immediate)"
chaos_require "$fault"
RANDOM=$seed
say "pg-restart.sh: seed $seed, $restarts restarts" >&2

chaos_own_cluster=1
chaos_init pg-restart
# pg_ctl_restart MODE [OPTIONS]: pg_ctl restart as the cluster's owner (user postgres when the
# cluster was started by root), from /; without OPTIONS the server keeps those it had.
pg_ctl_restart() {
    local as=()
    if ((ORDOTEST_PG_ROOT)); then
        as=(runuser -u postgres --)
    fi
    (cd / && "${as[@]}" "$ORDOTEST_PG_BIN/pg_ctl" -D "$pg_dir/data" -w -t 60 -m "$1" \
        -l "$pg_dir/log" ${2:+-o "$2"} restart >/dev/null)
}

# tests/pg/cluster.sh tunes the cluster for speed (synchronous_commit and fsync off). With
# synchronous_commit off an immediate restart (a crash) loses transactions PostgreSQL already
# reported as committed, so acknowledged instances vanish: PostgreSQL's documented trade-off,
# not Ordo's. The server under test gets a production database's durability.
pg_ctl_restart fast "-k $pg_dir -c listen_addresses='' -p $pg_port -c max_connections=200 -c fsync=on -c synchronous_commit=on -c full_page_writes=on" ||
    die "could not restart the cluster with durable settings"
durable=$(cpsql -d postgres -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")
[[ $durable == 'fsync=on full_page_writes=on synchronous_commit=on' ]] ||
    die "the cluster is not durable: $durable"
# shellcheck disable=SC2119 # no extra settings: the plain server
chaos_start_loaded

for ((r = 1; r <= restarts; r++)); do
    ms=$((1000 + RANDOM % 3000))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    mode=fast
    ((r % 2 == 0)) && mode=immediate
    ready_from=$(now_us)
    pg_ctl_restart "$mode" || die "pg_ctl restart -m $mode failed"
    pg_us=$(($(now_us) - ready_from))
    chaos_wait_ready || die "ordo serve did not recover after restart $r (-m $mode)"
    kill -0 "$server_pid" 2>/dev/null || die "ordo serve died at restart $r (-m $mode)"
    say "pg-restart.sh: restart $r (-m $mode) after ${ms} ms took $(fmt_secs "$pg_us") s; ready again" >&2
done

chaos_drain 60
chaos_checks
checks=$((checks + 1))
if [[ $server_pid != "$first_pid" ]] || ! kill -0 "$server_pid" 2>/dev/null; then
    failures=$((failures + 1))
    echo "FAIL: the server process did not survive the restarts" >&2
fi
chaos_result "$fault" "$restarts restarts, fast and immediate by turns (seed $seed; $durable)"
