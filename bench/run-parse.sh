#!/usr/bin/env bash
# Full run of the BPMN parse benchmark (CONTRACTS.md §15): Ordo's parser
# (release build) against bpmn-moddle's fromXML and `xmllint --noout`, all on
# the same files preloaded or read in one call, alternating, RUNS times; prints
# the medians and the ratios as a Markdown table for docs/benchmarks.md.
#
# usage: bench/run-parse.sh [CORPUS_DIR] [RUNS] [ROUNDS]
#   CORPUS_DIR  default ../shared/corpus/miwg
#   RUNS        alternating runs of each tool, default 5 (the median is reported)
#   ROUNDS      passes over all files within one run, default 10
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$root/../shared/corpus/miwg}
runs=${2:-5}
rounds=${3:-10}
[[ -d $corpus ]] || { echo "run-parse: no corpus at $corpus" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "run-parse: xmllint missing (apt-get install libxml2-utils)" >&2; exit 2; }
command -v node >/dev/null || { echo "run-parse: node missing (Node.js 20+ is needed for bpmn-moddle)" >&2; exit 2; }

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$root/bench/lib.sh"
prepare bpmn_parse_bench bpmn-moddle

mapfile -t files < <(find "$corpus" -name '*.bpmn' | sort)
bytes=$(cat "${files[@]}" | wc -c)

# xmllint parses each file ROUNDS times in one call (its own startup included).
xmllint_run() {
    local args=() t0 t1
    for ((r = 0; r < rounds; r++)); do args+=("${files[@]}"); done
    t0=$(date +%s%N)
    xmllint --noout "${args[@]}" 2>/dev/null || true # a few corpus files have DTD-less warnings
    t1=$(date +%s%N)
    awk -v b="$bytes" -v r="$rounds" -v ns="$((t1 - t0))" \
        'BEGIN { printf "{\"parser\":\"xmllint\",\"MB_per_s\":%.2f}\n", b * r / (ns / 1e9) / 1e6 }'
}
mbps() { sed -E 's/.*"MB_per_s":([0-9.]+).*/\1/'; }

ordo=() moddle=() xml=()
for ((i = 1; i <= runs; i++)); do
    echo "== run $i of $runs" >&2
    # Alternate the order so drift on a shared machine hits every tool alike.
    if ((i % 2)); then
        ordo+=("$("$root/build/release/bench/bpmn_parse_bench" "$corpus" "$rounds" | mbps)")
        moddle+=("$(node "$root/bench/peers/moddle-parse.js" "$corpus" "$rounds" | mbps)")
        xml+=("$(xmllint_run | mbps)")
    else
        xml+=("$(xmllint_run | mbps)")
        moddle+=("$(node "$root/bench/peers/moddle-parse.js" "$corpus" "$rounds" | mbps)")
        ordo+=("$("$root/build/release/bench/bpmn_parse_bench" "$corpus" "$rounds" | mbps)")
    fi
done
mo=$(median "${ordo[@]}") mm=$(median "${moddle[@]}") mx=$(median "${xml[@]}")

# Instructions per byte under callgrind: stable across runs on a noisy machine.
# One pass over the files; both figures include reading the files and startup.
instr_per_byte() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        awk -v b="$bytes" '/Collected :/ { printf "%.0f", $NF / b }'
}
ipb_ordo=n/a ipb_xml=n/a
if command -v valgrind >/dev/null; then
    echo "== callgrind" >&2
    ipb_ordo=$(instr_per_byte "$root/build/release/bench/bpmn_parse_bench" "$corpus" 1)
    ipb_xml=$(instr_per_byte xmllint --noout "${files[@]}")
fi
libxml=$(xmllint --version 2>&1 | head -1 | awk '{ v = $NF; printf "%d.%d.%d", v / 10000, (v / 100) % 100, v % 100 }')

cat <<EOF2
Corpus: ${#files[@]} files, $bytes bytes; $runs alternating runs of $rounds rounds each; median MB/s.
Commit $(git -C "$root" rev-parse --short=12 HEAD), $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m).

| parser | MB/s (median) | all runs | Ordo's speed relative to it | instructions/byte |
|---|---|---|---|---|
| Ordo (parse + model + index) | $mo | ${ordo[*]} | | $ipb_ordo |
| bpmn-moddle 10.3.1 fromXML | $mm | ${moddle[*]} | $(awk -v a="$mo" -v b="$mm" 'BEGIN { printf "%.1fx", a / b }') | |
| xmllint --noout (libxml2 $libxml) | $mx | ${xml[*]} | $(awk -v a="$mo" -v b="$mx" 'BEGIN { printf "%.2fx", a / b }') | $ipb_xml |
EOF2
