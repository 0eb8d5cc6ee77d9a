#!/usr/bin/env bash
# The cost of the outbound webhook outbox (core/store_outbox.c) on the durable-execution
# benchmark: bench/store_bench (release build; STARTERS threads start N straight-through instances
# while THREADS executor threads run their noop.complete jobs) on a PostgreSQL with fsync and
# synchronous_commit on, as bench/run-store.sh has it, in three configurations of the table
# webhook_subscription, rotating their order, RUNS times each:
#
#   none       no subscription (what a server that does not use outbound webhooks pays)
#   other      one enabled subscription to 'task.created', which this process never causes
#   all        one enabled subscription to '*' and no sender (store_bench runs none, as a server
#              with webhook_senders=0), so both events of each instance pile up in the outbox
#
# and, when OUTBOX_BASELINE names a store_bench built with the two ordo_st_outbox_* calls taken
# out (a local patch, never committed), a fourth, 'removed', against which the cost is measured.
# OUTBOX_CONFIGS chooses and orders the first three (default "none other all"; 'none' is needed).
# Each 'all' run checks that the outbox holds exactly 2 rows per instance (instance.started,
# instance.completed) and the others none. Besides instances/s (which the load of a shared
# machine moves a lot) it reports the CPU time per instance of the whole cluster and of
# store_bench, from /proc, which does not drift with the load. Prints a Markdown section on stdout.
#
# usage: bench/run-outbox.sh [RUNS] [N] [THREADS] [STARTERS]   (defaults 5, 10000, 2, 2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
n=${2:-10000}
threads=${3:-2}
starters=${4:-2}
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$root/bench/lib.sh"
echo "== building the release preset" >&2
(cd "$root" && cmake --preset release -DORDO_WERROR=OFF >/dev/null &&
    cmake --build --preset release -j2 --target store_bench ordo >/dev/null)
bench=$root/build/release/bench/store_bench
ordo=$root/build/release/bin/ordo
bpmn=$root/tests/integration/bpmn/straight.bpmn
read -r -a configs <<<"${OUTBOX_CONFIGS:-none other all}"
if [[ -n ${OUTBOX_BASELINE:-} ]]; then
    configs+=(removed)
fi
durable_pg bench-outbox 5598
psql -c "CREATE DATABASE bench_tpl"
"$ordo" migrate --database-url "$(url bench_tpl)" >/dev/null 2>&1
"$bench" "$(url bench_tpl)" "$bpmn" straight 1 1 1 >/dev/null
psql -d bench_tpl -c "DELETE FROM outbox" -c "DELETE FROM instance"

# fresh CONFIG: the database of one run, with CONFIG's subscription.
fresh() {
    local events=
    psql -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench TEMPLATE bench_tpl"
    case $1 in
    other) events='{task.created}' ;;
    all) events='{*}' ;;
    esac
    if [[ -n $events ]]; then
        psql -d bench -c "INSERT INTO webhook_subscription (url, events, secret, secret_key_id,
            created_by) VALUES ('http://127.0.0.1:9/hook', '$events', '\\x00', 'bench', 'bench')"
    fi
}
# pg_ticks: user + system CPU ticks of the cluster: the postmaster, its live children and,
# through its cutime and cstime, the backends that have ended (as in bench/http-lib.sh).
pg_ticks() {
    local pm k
    pm=$(head -n 1 "$dir/data/postmaster.pid")
    {
        cat "/proc/$pm/stat"
        for k in $(ps -o pid= --ppid "$pm"); do
            cat "/proc/$k/stat" 2>/dev/null || true
        done
    } | awk '{ sub(/.*\) /, ""); t += $12 + $13 + (NR == 1 ? $14 + $15 : 0) } END { print t }'
}
tck=$(getconf CLK_TCK)
# one CONFIG: "instances/s pg-CPU-us-per-instance bench-CPU-us-per-instance" of one run, after
# checking the outbox.
one() {
    local b=$bench rows want=0 out p0 p1 TIMEFORMAT='%U %S'
    [[ $1 == removed ]] && b=$OUTBOX_BASELINE
    [[ $1 == all ]] && want=$((2 * n))
    fresh "$1"
    p0=$(pg_ticks)
    { time "$b" "$(url bench)" "$bpmn" straight "$n" "$threads" "$starters" >"$dir/out"; } \
        2>"$dir/time"
    p1=$(pg_ticks)
    out=$(cat "$dir/out")
    rows=$(psql -d bench -c "SELECT count(*) FROM outbox WHERE subscription_key IS NOT NULL")
    if ((rows != want)); then
        echo "run-outbox: $1: $rows outbox rows, want $want" >&2
        exit 1
    fi
    awk -v r="$(sed -E 's/.*"per_s":([0-9.]+).*/\1/' <<<"$out")" -v p="$((p1 - p0))" \
        -v b="$(awk '{ print $1 + $2 }' "$dir/time")" -v n="$n" -v tck="$tck" \
        'BEGIN { printf "%s %.0f %.0f\n", r, p / tck * 1e6 / n, b * 1e6 / n }'
}
declare -A res pgcpu bcpu
for ((i = 1; i <= runs; i++)); do
    echo "== run $i of $runs" >&2
    k=${#configs[@]}
    for ((j = 0; j < k; j++)); do
        c=${configs[(i + j) % k]}
        read -r r p b <<<"$(one "$c")"
        echo "   $c: $r instances/s, CPU per instance: cluster $p µs, store_bench $b µs" >&2
        res[$c]+="$r " pgcpu[$c]+="$p " bcpu[$c]+="$b "
    done
done
commit=$(git -C "$root" rev-parse --short=12 HEAD)
pgv=$("$pgbin/postgres" --version | awk '{ print $3 }')
cat <<EOF2
### $(date -u +%Y-%m-%d), commit $commit: the outbox

$(nproc) cores (shared), PostgreSQL $pgv with \`synchronous_commit=on\` and \`fsync=on\`, release
build. \`bench/run-outbox.sh $runs $n $threads $starters\`: store_bench, $starters starting threads, $threads
executor threads, $n instances per run, the configurations rotating. Completed instances/s
and CPU time per instance (µs; medians):

| configuration | instances/s | runs | ÷ none | CPU: cluster | CPU: store_bench | CPU: both, ÷ none |
|---|---:|---|---:|---:|---:|---:|
EOF2
# shellcheck disable=SC2086 # the runs are one word each
mnone=$(median ${res[none]})
# shellcheck disable=SC2086
cnone=$(awk -v a="$(median ${pgcpu[none]})" -v b="$(median ${bcpu[none]})" 'BEGIN { print a + b }')
for c in "${configs[@]}"; do
    # shellcheck disable=SC2086
    mc=$(median ${res[$c]}) mp=$(median ${pgcpu[$c]}) mb=$(median ${bcpu[$c]})
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$mc" "${res[$c]% }" \
        "$(awk -v a="$mc" -v b="$mnone" 'BEGIN { printf "%.3f", a / b }')" "$mp" "$mb" \
        "$(awk -v a="$mp" -v b="$mb" -v c="$cnone" 'BEGIN { printf "%.3f", (a + b) / c }')"
done
