#!/usr/bin/env bash
# Full run of the engine benchmark (issue 3, CONTRACTS.md §15): Ordo's runtime
# (release build, bench/engine_bench) against the npm package bpmn-engine
# running the twin process through ../shared/bench/bpmn-engine-bench.js,
# alternating, RUNS times; then callgrind instructions per instance and the
# memory of waiting instances. Prints a Markdown section for docs/benchmarks.md.
#
# usage: bench/run-engine.sh [RUNS] [N_ORDO] [N_PEER]
#   RUNS     alternating runs of each engine, default 5 (the median is reported)
#   N_ORDO   instances per Ordo run, default 200000
#   N_PEER   instances per bpmn-engine run, default 1000
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$root/../shared/bench
runs=${1:-5}
n_ordo=${2:-200000}
n_peer=${3:-1000}
[[ -f $shared/approval.bpmn ]] || { echo "run-engine: no $shared/approval.bpmn" >&2; exit 2; }
command -v node >/dev/null || { echo "run-engine: node missing (Node.js 20+ runs bpmn-engine)" >&2; exit 2; }

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$root/bench/lib.sh"
prepare engine_bench bpmn-engine
bench=$root/build/release/bench/engine_bench
per_s() { sed -E 's/.*"per_s":([0-9.]+).*/\1/'; }
ordo_run() { "$bench" "$shared/approval.bpmn" "$n_ordo"; }
peer_run() { NODE_PATH=$root/bench/peers/node_modules node "$shared/bpmn-engine-bench.js" "$n_peer"; }

ordo=() peer=()
for ((i = 1; i <= runs; i++)); do
    echo "== run $i of $runs" >&2
    if ((i % 2)); then
        ordo+=("$(ordo_run | per_s)")
        peer+=("$(peer_run | per_s)")
    else
        peer+=("$(peer_run | per_s)")
        ordo+=("$(ordo_run | per_s)")
    fi
done
mo=$(median "${ordo[@]}") mp=$(median "${peer[@]}")
detail=$("$bench" "$shared/approval.bpmn" 10000)
effects=$(sed -E 's/.*"effects_per_instance":([0-9.]+).*/\1/' <<<"$detail")
audit=$(sed -E 's/.*"audit_bytes_per_instance":([0-9.]+).*/\1/' <<<"$detail")

# Instructions per instance: the difference between two callgrind runs, so
# that start-up, parsing and compiling cancel out.
ipi=n/a
if command -v valgrind >/dev/null; then
    echo "== callgrind" >&2
    instr() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" "$shared/approval.bpmn" "$1" 2>&1 >/dev/null |
            awk '/Collected :/ { print $NF }'
    }
    a=$(instr 1000) b=$(instr 11000)
    ipi=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", (b - a) / 10000 }')
fi
echo "== parked instances" >&2
park=$("$bench" "$shared/approval.bpmn" 100000 --park)
per_wait=$(sed -E 's/.*"bytes_per_waiting_instance":([0-9.]+).*/\1/' <<<"$park")
engine_version=$(node -p "require('$root/bench/peers/node_modules/bpmn-engine/package.json').version")

cat <<EOF2
Commit $(git -C "$root" rev-parse --short=12 HEAD), $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), Node.js $(node --version).
$runs alternating runs; Ordo $n_ordo instances per run, bpmn-engine $n_peer per run; median instances/s.

| engine | instances/s (median) | all runs | Ordo's speed relative to it |
|---|---|---|---|
| Ordo (runtime + audit records) | $mo | ${ordo[*]} | |
| bpmn-engine $engine_version | $mp | ${peer[*]} | $(awk -v a="$mo" -v b="$mp" 'BEGIN { printf "%.0fx", a / b }') |

- Effects per instance: $effects, audit JSON written per instance: $audit bytes.
- callgrind: $ipi instructions per instance (steady state).
- Memory per waiting instance (RSS growth over 100,000 instances parked at their first jobs): $per_wait bytes.
EOF2
