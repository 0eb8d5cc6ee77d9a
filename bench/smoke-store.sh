#!/usr/bin/env bash
# bench/smoke-store.sh STATEFILE STORE_BENCH REPLAY_SQL BPMN: the CI form of bench/run-store.sh.
# On the test cluster (tests/pg/cluster.sh; fsync off, so the numbers mean nothing) it runs
# store_bench with a small N and pgbench with bench/store-replay.sql, each on a fresh database
# cloned from the migrated template, to prove both still run against the current schema.
set -euo pipefail
state=$1 bench=$2 replay=$3 bpmn=$4
# shellcheck source=/dev/null
. "$state"
if [[ ${ORDOTEST_PG_MIGRATED:-0} != 1 ]]; then
    echo "smoke-store: the template is not migrated; skipped" >&2
    exit 77
fi
db=bench_smoke_$$
psql() { command psql -h "$ORDOTEST_PG_HOST" -p "$ORDOTEST_PG_PORT" -U postgres -qAt "$@"; }
url="host=$ORDOTEST_PG_HOST port=$ORDOTEST_PG_PORT user=ordo_app dbname=$db"
cleanup() { psql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT
psql -c "CREATE DATABASE $db TEMPLATE ordo_template OWNER ordo_owner"
"$bench" "$url" "$bpmn" straight 100 2 2
script=$(mktemp)
grep -v '^--' "$replay" >"$script"
"$ORDOTEST_PG_BIN/pgbench" -h "$ORDOTEST_PG_HOST" -p "$ORDOTEST_PG_PORT" -U ordo_app -n \
    -f "$script" -c 2 -j 1 -t 20 "$db" | grep -E '^(tps|number of failed)'
rm -f "$script"
n=$(psql -d "$db" -c "SELECT count(*) FROM instance WHERE status = 'completed'")
echo "smoke-store: $n instances completed (100 by store_bench, 40 by pgbench)"
[[ $n == 140 ]]
