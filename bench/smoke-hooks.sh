#!/usr/bin/env bash
# bench/smoke-hooks.sh STATEFILE ORDO HOOK_LOAD BPMN: the CI form of bench/run-hooks.sh. On the
# test cluster (tests/pg/cluster.sh; fsync off, and the build may be the sanitizer one, so the
# numbers mean nothing) it sends 300 signed deliveries, 30 of them repeats, to `ordo serve` over
# 8 connections, waits until the inbox has worked them, and checks that exactly the 270 distinct
# ones started an instance each and every stored delivery is done; then 30 plain starts, the
# peer's mode. It fails when any of that does not hold or the server does not stop cleanly.
set -euo pipefail
state=$1 ordo=$2 load=$3 bpmn=$4
# shellcheck source=/dev/null
. "$state"
if [[ ${ORDOTEST_PG_MIGRATED:-0} != 1 ]]; then
    echo "smoke-hooks: the template is not migrated; skipped" >&2
    exit 77
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh source-path=SCRIPTDIR
. "$root/scripts/lib.sh"
# shellcheck source=http-lib.sh source-path=SCRIPTDIR
. "$root/bench/http-lib.sh"
# shellcheck source=hooks-lib.sh source-path=SCRIPTDIR
. "$root/bench/hooks-lib.sh"
pg_host=$ORDOTEST_PG_HOST pg_port=$ORDOTEST_PG_PORT pg_dir=$ORDOTEST_PG_DIR
db=bench_hooks_$$ db2=bench_hooks_s_$$
work=$(mktemp -d /tmp/ordo-smoke-hooks.XXXXXX)
cleanup() {
    http_stop_all
    hpsql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $db2 WITH (FORCE)" \
        >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

fresh_db "$db"
start_ordo "$ordo" "$db" ORDO_RATE_LIMIT=1000000 ORDO_RATE_BURST=1000000
hooks_deploy "$ordo_url" "$bpmn"
out=$(hooks_run "$ordo_url" "$db" "$load" 300 8 120) || die "the webhook load run failed"
read -r ack p50 p99 uniq drain_s drain_rate done_s done_rate <<<"$out"
echo "smoke-hooks: 300 deliveries ($uniq distinct): $ack acks/s (p50 $p50 ms, p99 $p99 ms);" \
    "drained after $drain_s s ($drain_rate instances/s), all completed after $done_s s ($done_rate/s)"
stop_server "$ordo_pid" || die "ordo serve did not stop cleanly"

fresh_db "$db2"
start_ordo "$ordo" "$db2" ORDO_RATE_LIMIT=1000000 ORDO_RATE_BURST=1000000
hooks_deploy "$ordo_url" "$bpmn"
out=$(starts_run "$ordo_url" "$db2" "$load" 30 8 120) || die "the plain start run failed"
read -r ack p50 p99 n done_s done_rate <<<"$out"
echo "smoke-hooks: $n plain starts: $ack acks/s (p50 $p50 ms), all completed after $done_s s"
stop_server "$ordo_pid" || die "ordo serve did not stop cleanly"
