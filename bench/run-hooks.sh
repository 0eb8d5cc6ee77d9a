#!/usr/bin/env bash
# Full run of the inbound webhook load test (issue 7, must-show 4), on the release build and a
# PostgreSQL cluster of tests/pg/cluster.sh switched to durable settings (fsync,
# synchronous_commit and full_page_writes on, as bench/run-http.sh has them).
#
# Each run starts a fresh `ordo serve` (its defaults: 8 HTTP threads, 2 inbox workers, 2 executor
# threads; only the rate limit raised, as in run-http.sh) on a fresh database, deploys
# bench/hook-load.bpmn (a none start that is also the GitHub-scheme endpoint 'load', one
# noop.complete task, an end) and gives the endpoint its secret. Alternating, RUNS times:
#
#  hooks   bench/hook_load sends N signed deliveries over CONNECTIONS keep-alive connections, 10 %
#          of them repeats of an earlier delivery (half right after their original, so both are
#          in flight at once); the run then waits until the inbox has worked every stored
#          delivery and every instance has completed, and fails unless exactly the distinct
#          deliveries were stored, all are done (none failed) and they started as many distinct
#          instances, and no other instance exists.
#  starts  the peer: N plain POST /api/instances of the same process over the same connections,
#          until all have completed.
#
# Reported: acknowledgements per second and p50/p99 latency (HTTP side), end-to-end instances
# per second until the inbox is drained and until all have completed, medians and the ratios.
# Prints a Markdown section for docs/benchmarks.md on stdout, progress on stderr.
#
# usage: bench/run-hooks.sh [N] [RUNS] [CONNECTIONS]   (defaults 5000, 5, 16)
# environment: ORDO_WEBHOOK_WORKERS and the other settings of `ordo serve` pass through to it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5000}
runs=${2:-5}
conns=${3:-16}

# shellcheck source=../scripts/lib.sh source-path=SCRIPTDIR
. "$root/scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$root/bench/lib.sh"
# shellcheck source=http-lib.sh source-path=SCRIPTDIR
. "$root/bench/http-lib.sh"
# shellcheck source=hooks-lib.sh source-path=SCRIPTDIR
. "$root/bench/hooks-lib.sh"

# ORDO_WERROR stays off: gcc 12 at -O3 warns in code this benchmark does not own. The noop
# connector is what runs the process's service task in `ordo serve`.
echo "== building the release preset" >&2
(cd "$root" && cmake --preset release -DORDO_WERROR=OFF >/dev/null &&
    cmake --build --preset release -j2 --target ordo ordo_connector_noop hook_load >/dev/null)
ordo=$root/build/release/bin/ordo
load=$root/build/release/bench/hook_load
bpmn=$root/bench/hook-load.bpmn

cluster_up bench-hooks "$ordo"
cluster_durable
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# The runs set 'res' rather than print: a function run in $(...) could not stop a server it
# started.
serve() { # DB: a fresh database, `ordo serve` on it, the process deployed
    fresh_db "$1" 2>/dev/null
    start_ordo "$ordo" "$1" ORDO_RATE_LIMIT=1000000 ORDO_RATE_BURST=1000000
    hooks_deploy "$ordo_url" "$bpmn"
}
hooks_once() {
    serve "hk$1"
    res=$(hooks_run "$ordo_url" "hk$1" "$load" "$n" "$conns" 600) || die "run $1 of the webhook load failed"
    stop_server "$ordo_pid" || die "ordo serve did not stop cleanly"
}
starts_once() {
    serve "st$1"
    res=$(starts_run "$ordo_url" "st$1" "$load" "$n" "$conns" 600) || die "run $1 of the plain starts failed"
    stop_server "$ordo_pid" || die "ordo serve did not stop cleanly"
}
h_ack=() h_drain=() h_done=() h_p50=() h_p99=() s_ack=() s_done=() s_p50=() s_p99=() rows=()
for ((i = 1; i <= runs; i++)); do
    echo "== run $i of $runs" >&2
    if ((i % 2)); then
        hooks_once "$i"; hres=$res
        starts_once "$i"; sres=$res
    else
        starts_once "$i"; sres=$res
        hooks_once "$i"; hres=$res
    fi
    read -r ha hp50 hp99 uniq hds hdr hcs hcr <<<"$hres"
    read -r sa sp50 sp99 _ scs scr <<<"$sres"
    echo "   hooks: $ha acks/s, p50 $hp50 ms, p99 $hp99 ms, $uniq instances drained in $hds s" \
        "($hdr/s), completed in $hcs s ($hcr/s); starts: $sa/s, p50 $sp50, p99 $sp99, completed" \
        "in $scs s ($scr/s)" >&2
    h_ack+=("$ha") h_drain+=("$hdr") h_done+=("$hcr") h_p50+=("$hp50") h_p99+=("$hp99")
    s_ack+=("$sa") s_done+=("$scr") s_p50+=("$sp50") s_p99+=("$sp99")
    rows+=("| $i | $ha | $hp50 / $hp99 | $hdr ($uniq in $hds s) | $hcr | $sa | $sp50 / $sp99 | $scr |")
done

m() { median "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mha=$(m "${h_ack[@]}") mhd=$(m "${h_drain[@]}") mhc=$(m "${h_done[@]}")
msa=$(m "${s_ack[@]}") msc=$(m "${s_done[@]}")
commit=$(git -C "$root" rev-parse --short=12 HEAD)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
pgv=$("$ORDOTEST_PG_BIN/postgres" --version | awk '{ print $3 }')

cat <<EOF2
### $(date -u +%Y-%m-%d), commit $commit

$(nproc) cores ($cpu, shared), $(uname -r), release build, PostgreSQL $pgv on the same machine
($durable). \`bench/run-hooks.sh $n $runs $conns\`: $n requests per run over $conns keep-alive
connections; \`ordo serve\` with 8 HTTP threads, ${ORDO_WEBHOOK_WORKERS:-2} inbox workers
(webhook_workers), 2 executor threads, rate limit raised. Load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg).

Every webhook run checked: $uniq distinct deliveries stored and done, none failed, $uniq
distinct instances and no other, every repeat answered "duplicate".

| run | webhooks: acks/s | ack p50 / p99 ms | instances/s until drained | instances/s until completed | plain starts: acks/s | p50 / p99 ms | completed/s |
|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${rows[@]}")
| median | $mha | $(m "${h_p50[@]}") / $(m "${h_p99[@]}") | $mhd | $mhc | $msa | $(m "${s_p50[@]}") / $(m "${s_p99[@]}") | $msc |

Ratios webhooks ÷ plain starts: acknowledgements **$(ratio "$mha" "$msa")**, instances completed
**$(ratio "$mhc" "$msc")** (instances until drained ÷ plain completed: $(ratio "$mhd" "$msc")).
EOF2
