#!/usr/bin/env bash
# Instructions per GET /livez (CONTRACTS.md §15: the figure that does not move with the load of
# a shared machine): bench/peers/mhd_min, `ordo serve` with its defaults and `ordo serve` with
# access_log_every=0, each run under callgrind (release build, test cluster of
# tests/pg/cluster.sh). The counters are zeroed once the server listens and has answered a
# warm-up, wrk sends GET /livez over 4 keep-alive connections for SECONDS, and the counters are
# dumped: instructions of all the server's threads ÷ requests wrk counted (the few answers in
# flight at the end are not counted, an error below 0.1 %). Prints a Markdown table and, with
# TOP > 0, the TOP functions of each server by their own (exclusive) instructions.
#
# usage: bench/callgrind-http.sh [SECONDS] [TOP]
#   SECONDS  length of the measured wrk run, default 10
#   TOP      functions listed per server, default 12 (0: none)
# environment: KEEP=DIR copies the callgrind files (peer, ordo, ordo-nolog) to DIR for
# callgrind_annotate --inclusive=yes and the like.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-10}
top=${2:-12}

# shellcheck source=../scripts/lib.sh source-path=SCRIPTDIR
. "$root/scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$root/bench/lib.sh"
# shellcheck source=http-lib.sh source-path=SCRIPTDIR
. "$root/bench/http-lib.sh"
command -v wrk >/dev/null || die "wrk is missing (scripts/install-deps.sh installs it)"
command -v valgrind >/dev/null || die "valgrind is missing"

echo "== building the release preset" >&2
(cd "$root" && cmake --preset release -DORDO_WERROR=OFF >/dev/null &&
    cmake --build --preset release -j"$(nproc)" --target ordo mhd_min >/dev/null)
ordo=$root/build/release/bin/ordo
peer=$root/build/release/bench/mhd_min

cluster_up callgrind-http "$ordo"
vg=(valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" --dump-instr=no)

# measure NAME URL PID: zero, load, dump; res="instructions-per-request requests"
measure() {
    local name=$1 url=$2 pid=$3 out n f
    wrk_run 2 1 4 "$url/livez" >/dev/null # warm-up
    callgrind_control -z "$pid" >/dev/null
    out=$(wrk_run "$secs" 1 4 "$url/livez")
    callgrind_control -d "$name" "$pid" >/dev/null
    n=$(wrk_requests <<<"$out")
    f=$work/cg.$pid.1 # the first dump
    if [[ -n ${KEEP:-} ]]; then
        mkdir -p "$KEEP" && cp "$f" "$KEEP/callgrind.$name"
    fi
    res=$(awk -v n="$n" '/^(summary|totals):/ { t = $2 } END { printf "%.0f %d\n", t / n, n }' "$f")
    if ((top > 0)); then
        callgrind_annotate --inclusive=no --threshold=100 "$f" 2>/dev/null |
            awk -v top="$top" '$1 ~ /^[0-9,]+$/ && !/PROGRAM TOTALS/ && shown < top { print; shown++ }' \
                >"$work/top-$name"
    fi
}

fresh_db livez && fresh_db livez_nolog
"${vg[@]}" "$peer" 8 >"$work/peer.out" 2>"$work/peer.out.err" &
peer_pid=$!
server_pids+=("$peer_pid")
peer_url=$(wait_listening "$work/peer.out" "$peer_pid")
measure peer "$peer_url" "$peer_pid"
read -r i_peer n_peer <<<"$res"
stop_server "$peer_pid" || true

# The prefix after the settings runs `ordo serve` under callgrind (env execs it: same pid).
start_ordo "$ordo" livez "${vg[@]}"
measure ordo "$ordo_url" "$ordo_pid"
read -r i_log n_log <<<"$res"
stop_server "$ordo_pid" || true
start_ordo "$ordo" livez_nolog ORDO_ACCESS_LOG_EVERY=0 "${vg[@]}"
measure ordo-nolog "$ordo_url" "$ordo_pid"
read -r i_nolog n_nolog <<<"$res"
stop_server "$ordo_pid" || true

cat <<EOF
| server | instructions per GET /livez | requests measured |
|---|---:|---:|
| mhd_min | $i_peer | $n_peer |
| ordo serve (defaults) | $i_log | $n_log |
| ordo serve, access_log_every=0 | $i_nolog | $n_nolog |
EOF
if ((top > 0)); then
    for name in peer ordo ordo-nolog; do
        printf '\n%s, top %d functions (exclusive instructions over the measured run):\n\n' "$name" "$top"
        sed 's/^/    /' "$work/top-$name"
    done
fi
