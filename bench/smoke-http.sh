#!/usr/bin/env bash
# bench/smoke-http.sh STATEFILE ORDO MHD_MIN LUA BPMN: the CI form of bench/run-http.sh. On the
# test cluster (tests/pg/cluster.sh; fsync off, and the build under test may be the sanitizer
# one, so the numbers mean nothing) it runs each part once for 2 s: GET /livez of mhd_min and of
# `ordo serve`, then instances started over HTTP with LUA until all have completed. It fails
# when a run yields no number, wrk sees an error answer, no instance completes or the server
# does not stop cleanly; without wrk it is skipped (77).
set -euo pipefail
state=$1 ordo=$2 peer=$3 lua=$4 bpmn=$5
if ! command -v wrk >/dev/null; then
    echo "smoke-http: wrk is not installed (scripts/install-deps.sh); skipped" >&2
    exit 77
fi
# shellcheck source=/dev/null
. "$state"
if [[ ${ORDOTEST_PG_MIGRATED:-0} != 1 ]]; then
    echo "smoke-http: the template is not migrated; skipped" >&2
    exit 77
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/lib.sh source-path=SCRIPTDIR
. "$root/scripts/lib.sh"
# shellcheck source=http-lib.sh source-path=SCRIPTDIR
. "$root/bench/http-lib.sh"
pg_host=$ORDOTEST_PG_HOST pg_port=$ORDOTEST_PG_PORT pg_dir=$ORDOTEST_PG_DIR
db=bench_http_$$
work=$(mktemp -d /tmp/ordo-smoke-http.XXXXXX)
cleanup() {
    http_stop_all
    hpsql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

number() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v x="$1" 'BEGIN { exit !(x > 0) }'; }

start_peer "$peer" 8
rps=$(wrk_run 2 2 8 "$peer_url/livez" | wrk_rps)
echo "smoke-http: mhd_min /livez: $rps requests/s"
number "$rps" || die "no requests/s from the run against mhd_min"
stop_server "$peer_pid"

fresh_db "$db"
start_ordo "$ordo" "$db" ORDO_RATE_LIMIT=1000000 ORDO_RATE_BURST=1000000
rps=$(wrk_run 2 2 8 "$ordo_url/livez" | wrk_rps)
echo "smoke-http: ordo serve /livez: $rps requests/s"
number "$rps" || die "no requests/s from the run against ordo serve"

deploy "$ordo_url" "$bpmn"
out=$(start_run 2 2 8 "$ordo_url" "$db" "$lua" straight 20)
read -r started done_w window total per_s <<<"$out"
echo "smoke-http: $started instances started over HTTP in $window s ($done_w completed by then)," \
    "all completed after $total s: $per_s per second"
((started > 0)) || die "no instance was started"
number "$per_s" || die "no rate of completed instances"
stop_server "$ordo_pid" || die "ordo serve did not stop cleanly"
