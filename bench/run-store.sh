#!/usr/bin/env bash
# Full run of the durable-execution benchmark (issue 4, CONTRACTS.md §15): straight-through
# instances (start -> noop.complete job -> end) through the real store and executor
# (bench/store_bench, release build) on a PostgreSQL with synchronous_commit=on and fsync on;
# alternating with pgbench replaying bench/store-replay.sql (the statements one instance
# causes, with its NOTIFY) and the same script without the NOTIFY ("plain"), RUNS times each.
# Prints a Markdown section for docs/benchmarks.md.
#
# usage: bench/run-store.sh [RUNS] [N] [THREADS] [STARTERS]
#   RUNS      alternating runs of each, default 5 (medians are reported)
#   N         instances per run, default 10000 (pgbench runs N transactions in all)
#   THREADS   executor threads, default 2
#   STARTERS  threads starting instances, default 2 (pgbench gets THREADS + STARTERS clients)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
n=${2:-10000}
threads=${3:-2}
starters=${4:-2}
clients=$((threads + starters))

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$root/bench/lib.sh"
echo "== building the release preset" >&2
(cd "$root" && cmake --preset release -DORDO_WERROR=ON >/dev/null &&
    cmake --build --preset release -j"$(nproc)" --target store_bench ordo >/dev/null)
bench=$root/build/release/bench/store_bench
ordo=$root/build/release/bin/ordo
bpmn=$root/tests/integration/bpmn/straight.bpmn
durable_pg bench-store 5599

# The template: migrated, the process deployed (by one instance of store_bench).
psql -c "CREATE DATABASE bench_tpl"
"$ordo" migrate --database-url "$(url bench_tpl)" >/dev/null 2>&1
"$bench" "$(url bench_tpl)" "$bpmn" straight 1 1 1 >/dev/null
fresh() { psql -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench TEMPLATE bench_tpl"; }

replay=$dir/replay.sql plain=$dir/plain.sql
grep -v '^--' "$root/bench/store-replay.sql" >"$replay"
sed -E 's/ \\; NOTIFY ordo_job;$/;/' "$replay" >"$plain"
if cmp -s "$replay" "$plain"; then
    echo "run-store: could not make the plain script (no NOTIFY found)" >&2
    exit 1
fi
per_s() { sed -E 's/.*"per_s":([0-9.]+).*/\1/'; }
tps() { awk '/^tps = / { print $3 }'; }
ordo_run() { fresh && "$bench" "$(url bench)" "$bpmn" straight "$n" "$threads" "$starters" | per_s; }
pgb_run() {
    fresh && "$pgbin/pgbench" -h "$dir" -p "$port" -U postgres -n -f "$1" -c "$clients" \
        -j "$(nproc)" -t $((n / clients)) bench 2>/dev/null | tps
}

o=() r=() p=()
for ((i = 1; i <= runs; i++)); do
    echo "== run $i of $runs" >&2
    if ((i % 2)); then
        o+=("$(ordo_run)") r+=("$(pgb_run "$replay")") p+=("$(pgb_run "$plain")")
    else
        p+=("$(pgb_run "$plain")") r+=("$(pgb_run "$replay")") o+=("$(ordo_run)")
    fi
done
mo=$(median "${o[@]}") mr=$(median "${r[@]}") mp=$(median "${p[@]}")
ratio=$(awk -v a="$mo" -v b="$mr" 'BEGIN { printf "%.2f", a / b }')
notify=$(awk -v a="$mr" -v b="$mp" 'BEGIN { printf "%.2f", a / b }')
commit=$(git -C "$root" rev-parse --short=12 HEAD)
pgv=$("$pgbin/postgres" --version | awk '{ print $3 }')

cat <<EOF
## Durable execution (issue 4)

Measured $(date -u +%Y-%m-%d) at commit \`$commit\` on $(nproc) cores, PostgreSQL $pgv with
\`synchronous_commit=on\` and \`fsync=on\`, by \`bench/run-store.sh $runs $n $threads $starters\`:
straight-through instances (start -> \`noop.complete\` job -> end) through the store and the
executor ($threads executor threads, $starters threads starting instances, release build),
alternating with pgbench ($clients clients) replaying \`bench/store-replay.sql\`, the statements
one instance causes, with and without its NOTIFY. Medians of $runs runs of $n each.

| | per second | runs |
|---|---:|---|
| Ordo: completed instances | $mo | ${o[*]} |
| pgbench: the same statements, with NOTIFY | $mr | ${r[*]} |
| pgbench: the same writes, no NOTIFY ("plain") | $mp | ${p[*]} |

Ratio Ordo ÷ replay: **$ratio** (goal: at least 0.8). Replay ÷ plain: $notify (the cost of the
notification).
EOF
