#!/usr/bin/env bash
# Full run of the HTTP benchmarks (issue 5, CONTRACTS.md §15), on the release build and a
# PostgreSQL cluster of tests/pg/cluster.sh switched to durable settings (fsync,
# synchronous_commit and full_page_writes on, as bench/run-store.sh has them):
#
#  (a) GET /livez of `ordo serve` (its defaults: 8 HTTP threads, every request in the access
#      log) against bench/peers/mhd_min, libmicrohttpd in the same mode and pool size answering
#      the same body, and against `ordo serve` with access_log_every=0. wrk, keep-alive,
#      alternating, RUNS runs of SECONDS each.
#  (b) instances started over HTTP (wrk with bench/http-start.lua: POST /api/instances, Bearer
#      admin key, a process of one noop.complete service task) and run by the server's own
#      executor, counted in PostgreSQL from the first request until the last started instance
#      has completed; alternating with bench/store_bench, which starts N_DIRECT instances
#      through the store with HTTP_THREADS starter threads (the server's concurrency of starts)
#      and runs them with the same executor (2 threads, as `ordo serve`). The server's rate
#      limit is raised for (b): its default (200/s per principal) would be the only thing
#      measured.
#
# Also the CPU time of the server, the peer and the cluster per request or instance (from
# /proc, which does not drift with the machine's load as throughput does). Prints a Markdown
# section for docs/benchmarks.md on stdout, progress on stderr.
#
# usage: bench/run-http.sh [RUNS] [SECONDS] [N_DIRECT]
#   RUNS      alternating runs of each, default 5 (medians are reported)
#   SECONDS   length of each wrk run, default 10
#   N_DIRECT  instances per store_bench run, default 5000
# environment: WRK_THREADS (2), WRK_CONNECTIONS (32), HTTP_THREADS (8, both servers)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
secs=${2:-10}
n_direct=${3:-5000}
wt=${WRK_THREADS:-2}
wc=${WRK_CONNECTIONS:-32}
ht=${HTTP_THREADS:-8}
starters=$((ht > 8 ? 8 : ht))

# shellcheck source=../scripts/lib.sh source-path=SCRIPTDIR
. "$root/scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$root/bench/lib.sh"
# shellcheck source=http-lib.sh source-path=SCRIPTDIR
. "$root/bench/http-lib.sh"
command -v wrk >/dev/null || die "wrk is missing (scripts/install-deps.sh installs it)"

# ORDO_WERROR stays off: gcc 12 at -O3 warns in code this benchmark does not own. The noop
# connector runs the service task of straight.bpmn in `ordo serve` (a tree built with only these
# targets had none, and no instance completed).
echo "== building the release preset" >&2
(cd "$root" && cmake --preset release -DORDO_WERROR=OFF >/dev/null &&
    cmake --build --preset release -j"$(nproc)" --target ordo ordo_connector_noop store_bench mhd_min >/dev/null)
ordo=$root/build/release/bin/ordo
bench=$root/build/release/bench/store_bench
peer=$root/build/release/bench/mhd_min
lua=$root/bench/http-start.lua
bpmn=$root/tests/integration/bpmn/straight.bpmn

cluster_up bench-http "$ordo"
cluster_durable
tck=$(getconf CLK_TCK)
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- (a) GET /livez --------------------------------------------------------------------------
fresh_db livez && fresh_db livez_nolog
start_peer "$peer" "$ht"
start_ordo "$ordo" livez ORDO_HTTP_THREADS="$ht"
url_log=$ordo_url pid_log=$ordo_pid
start_ordo "$ordo" livez_nolog ORDO_HTTP_THREADS="$ht" ORDO_ACCESS_LOG_EVERY=0
url_nolog=$ordo_url pid_nolog=$ordo_pid

# The runs below set 'res' rather than print: a function run in $(...) could not stop a
# server it started, and a failure inside < <(...) would go unnoticed.
# livez_run URL PID: res="requests/s server-CPU-us-per-request p50-latency"
livez_run() {
    local c0 c1 out
    c0=$(ticks "$2")
    out=$(wrk_run "$secs" "$wt" "$wc" "$1/livez")
    c1=$(ticks "$2")
    res=$(awk -v r="$(wrk_rps <<<"$out")" -v n="$(wrk_requests <<<"$out")" -v c="$((c1 - c0))" \
        -v tck="$tck" -v p="$(wrk_p50 <<<"$out")" 'BEGIN { printf "%d %.1f %s\n", r, c / tck * 1e6 / n, p }')
}
for u in "$peer_url" "$url_log" "$url_nolog"; do # warm-up
    wrk_run 1 "$wt" "$wc" "$u/livez" >/dev/null
done
a_peer=() a_log=() a_nolog=() a_rows=()
for ((i = 1; i <= runs; i++)); do
    echo "== (a) /livez run $i of $runs" >&2
    if ((i % 2)); then
        livez_run "$peer_url" "$peer_pid"; read -r rp cp lp <<<"$res"
        livez_run "$url_log" "$pid_log"; read -r rl cl ll <<<"$res"
        livez_run "$url_nolog" "$pid_nolog"; read -r rn cn ln <<<"$res"
    else
        livez_run "$url_nolog" "$pid_nolog"; read -r rn cn ln <<<"$res"
        livez_run "$url_log" "$pid_log"; read -r rl cl ll <<<"$res"
        livez_run "$peer_url" "$peer_pid"; read -r rp cp lp <<<"$res"
    fi
    a_peer+=("$rp") a_log+=("$rl") a_nolog+=("$rn")
    a_rows+=("| $i | $rp ($cp µs, $lp) | $rl ($cl µs, $ll) | $rn ($cn µs, $ln) |")
done
stop_server "$pid_log"
stop_server "$pid_nolog"
stop_server "$peer_pid"
log_lines=$(wc -l <"$work/ordo-livez.out.err")

# ---- (b) start + complete over HTTP against store_bench ---------------------------------------
# http_run I: res="per_s started completed_in_window window_s total_s ordo_ms pg_ms" (CPU per instance)
http_run() {
    local db=hs$1 o0 o1 p0 p1 n done_w w tot rate out
    fresh_db "$db"
    start_ordo "$ordo" "$db" ORDO_HTTP_THREADS="$ht" ORDO_RATE_LIMIT=1000000 \
        ORDO_RATE_BURST=1000000
    deploy "$ordo_url" "$bpmn"
    o0=$(ticks "$ordo_pid") p0=$(pg_ticks)
    out=$(start_run "$secs" "$wt" "$wc" "$ordo_url" "$db" "$lua" straight 300)
    read -r n done_w w tot rate <<<"$out"
    o1=$(ticks "$ordo_pid") p1=$(pg_ticks)
    stop_server "$ordo_pid"
    res=$(awk -v r="$rate" -v n="$n" -v d="$done_w" -v w="$w" -v t="$tot" -v o="$((o1 - o0))" \
        -v p="$((p1 - p0))" -v tck="$tck" \
        'BEGIN { printf "%s %d %d %s %s %.2f %.2f\n", r, n, d, w, t, o / tck * 1e3 / n, p / tck * 1e3 / n }')
}
# direct_run I: res="per_s bench_ms pg_ms" (CPU per instance)
direct_run() {
    local db=ds$1 p0 p1 out b TIMEFORMAT='%U %S'
    fresh_db "$db"
    p0=$(pg_ticks)
    { time "$bench" "$(pg_url "$db")" "$bpmn" straight "$n_direct" 2 "$starters" \
        >"$work/direct.out"; } 2>"$work/direct.time"
    p1=$(pg_ticks)
    out=$(sed -E 's/.*"per_s":([0-9.]+).*/\1/' "$work/direct.out")
    b=$(awk '{ print $1 + $2 }' "$work/direct.time")
    res=$(awk -v r="$out" -v b="$b" -v p="$((p1 - p0))" -v n="$n_direct" -v tck="$tck" \
        'BEGIN { printf "%s %.2f %.2f\n", r, b * 1e3 / n, p / tck * 1e3 / n }')
}
b_http=() b_direct=() b_rows=()
for ((i = 1; i <= runs; i++)); do
    echo "== (b) start + complete run $i of $runs" >&2
    if ((i % 2)); then
        http_run "$i"; read -r hr hn hd hw htot ho hp <<<"$res"
        direct_run "$i"; read -r dr dbc dp <<<"$res"
    else
        direct_run "$i"; read -r dr dbc dp <<<"$res"
        http_run "$i"; read -r hr hn hd hw htot ho hp <<<"$res"
    fi
    b_http+=("$hr") b_direct+=("$dr")
    b_rows+=("| $i | $hr | $hn in ${hw} s, $hd done by then, all in ${htot} s | $ho + $hp | $dr | $dbc + $dp |")
done

# ---- the report -------------------------------------------------------------------------------
m_peer=$(median "${a_peer[@]}") m_log=$(median "${a_log[@]}") m_nolog=$(median "${a_nolog[@]}")
m_http=$(median "${b_http[@]}") m_direct=$(median "${b_direct[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
commit=$(git -C "$root" rev-parse --short=12 HEAD)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
pgv=$("$ORDOTEST_PG_BIN/postgres" --version | awk '{ print $3 }')
wrkv=$(wrk --version 2>&1 | head -n 1 | awk '{ print $2 }' || true)
mhdv=$(dpkg-query -W -f='${Version}' libmicrohttpd12 2>/dev/null || echo unknown)

cat <<EOF
### $(date -u +%Y-%m-%d), commit $commit

$(nproc) cores ($cpu, shared), $(uname -r), release build, libmicrohttpd $mhdv, wrk $wrkv,
PostgreSQL $pgv on the same machine ($durable). \`bench/run-http.sh $runs $secs $n_direct\`:
wrk -t$wt -c$wc, keep-alive, ${secs} s per run; both servers with $ht HTTP threads. Load
average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg).

(a) GET /livez, requests/s (server CPU per request, median latency):

| run | mhd_min | ordo serve (defaults) | ordo serve, access_log_every=0 |
|---|---|---|---|
$(printf '%s\n' "${a_rows[@]}")
| median | $m_peer | $m_log | $m_nolog |

Ratio ordo serve ÷ mhd_min: **$(ratio "$m_log" "$m_peer")** with the defaults (goal: at least
0.9), $(ratio "$m_nolog" "$m_peer") without the access log. The default server wrote $log_lines
log lines over its runs.

(b) Instances started over HTTP and completed, per second (CPU ms per instance: process +
cluster):

| run | HTTP: completed/s | HTTP: started | CPU ms/instance: ordo serve + PostgreSQL | store_bench: completed/s | CPU ms/instance: store_bench + PostgreSQL |
|---|---|---|---|---|---|
$(printf '%s\n' "${b_rows[@]}")
| median | $m_http | | | $m_direct | |

Ratio HTTP ÷ direct: **$(ratio "$m_http" "$m_direct")** (goal: at least 0.8).
EOF
