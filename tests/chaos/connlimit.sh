#!/usr/bin/env bash
# tests/chaos/connlimit.sh [--seconds N] [--rounds R] [--seed S] [--http-timeout T] - issue 11's
# chaos (d), second half: connection limits reached under load, PostgreSQL's and Ordo's own.
#
# It starts a PostgreSQL cluster of its own (max_connections=50, the production durability of
# pg-restart.sh) and one `ordo serve` with the load of kill.sh (tests/chaos/lib.sh) and a prober
# that records every answer to its instance starts. Then:
#   1. PostgreSQL's limit, R times after a random 1-3 s (seeded): the application role is
#      locked out for a moment (CONNECTION LIMIT 0) and its sessions ended, another client
#      ("chaos-hog", role ordo_owner) takes every free connection slot, and the role is let in
#      again: Ordo now cannot get a connection ("too many clients already") for N seconds, until
#      the hog's sessions end. Checked: the fault was real (a connection as ordo_app is
#      refused), Ordo answers 2xx or a 5xx with a CONTRACTS §4 body within 10 s (no other
#      answer, no hang), and within 30 s of the slots coming back /readyz answers 200 and a start
#      is acknowledged again.
#   2. Ordo's own limit: the server runs with http_max_connections=40 and http_timeout=T; a client
#      opens 48 connections, half of them idle and half a request whose header never ends, and
#      holds them. Checked: the limit is reached (a new request gets no answer: it waits in the
#      listen queue), at least 30 connections are closed by the server within T+5 s and every
#      one within 2T+5 s (those beyond the limit wait in the queue first), and /readyz answers
#      200 within 30 s of the flood.
# Then the end checks of kill.sh (each acknowledged start exists once and completes, no task
# completed twice, every webhook event delivered, `ordo audit verify`), and the same server
# process must have lived through it all. It prints one line:
#   RESULT|PostgreSQL and HTTP connection limits|<what ran>|<what was checked; what was seen>|pass or fail
# and exits 0 only on pass (77 when the machine cannot run it: no python3, jq or PostgreSQL).
#
# Options: --seconds N  how long PostgreSQL's slots stay taken (default 5); --rounds R  how often
# (default 2); --seed S  the random moments (default: time); --http-timeout T  the server's
# http_timeout in seconds (default 8; the shipped default, 60, would keep a flood's connections
# past the 30 s this checks).
# Environment: ORDOTEST_BIN (tests/chaos/lib.sh); CHAOS_KEEP=1 keeps the scratch folder.
set -euo pipefail
# shellcheck source=../../scripts/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=5
rounds=2
http_timeout=8
seed=$(date +%s)
while (($#)); do
    case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    --http-timeout) http_timeout=${2:?--http-timeout needs a number}; shift 2 ;;
    -h | --help) print_usage "$0"; exit 0 ;;
    *) print_usage "$0" >&2; exit 2 ;;
    esac
done
[[ $seconds =~ ^[0-9]+$ && $rounds =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ && $http_timeout =~ ^[1-9][0-9]*$ ]] ||
    die "--seconds, --rounds, --seed and --http-timeout take numbers"
fault="PostgreSQL and HTTP connection limits"
chaos_require "$fault"
RANDOM=$seed
say "connlimit.sh: seed $seed, $rounds rounds of PostgreSQL's slots taken for $seconds s, then an HTTP flood" >&2

pg_max=50
http_max=40
flood=48
chaos_own_cluster=1
chaos_init connlimit
chaos_pg_ctl -D "$pg_dir/data" -w -t 60 -m fast -l "$pg_dir/log" \
    -o "-k $pg_dir -c listen_addresses='' -p $pg_port -c max_connections=$pg_max -c fsync=on -c synchronous_commit=on -c full_page_writes=on" \
    restart >/dev/null || die "could not restart the cluster with max_connections=$pg_max"
chaos_start_loaded ORDO_HTTP_MAX_CONNECTIONS="$http_max" ORDO_HTTP_TIMEOUT="$http_timeout"
chaos_prober_start
sleep 1
ordo_conns=$(cpsql -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'ordo_app'")

# ---- 1. PostgreSQL's connection limit ----
hog_pids=()
hog_release() {
    cpsql -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE application_name = 'chaos-hog'" >/dev/null || true
    local p
    for p in "${hog_pids[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    hog_pids=()
}
max_write_us=0 no_write=0 refused=0 hogged=0
for ((r = 1; r <= rounds; r++)); do
    ms=$((1000 + RANDOM % 2000))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    full_from=$(now_us)
    cpsql -d postgres -c "ALTER ROLE ordo_app CONNECTION LIMIT 0" \
        -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'ordo_app'" >/dev/null
    sleep 0.3 # the ended sessions leave their slots
    free=$(cpsql -d postgres -c "SELECT current_setting('max_connections')::int
        - current_setting('superuser_reserved_connections')::int - count(*)
        FROM pg_stat_activity WHERE backend_type = 'client backend'")
    # One more than counted (this query's own session ends) and a few spare: those are refused.
    for ((i = 0; i < free + 3; i++)); do
        PGAPPNAME=chaos-hog command psql -X -h "$pg_host" -p "$pg_port" -U ordo_owner -d postgres \
            -qAt -c "SELECT pg_sleep(3600)" >/dev/null 2>&1 &
        hog_pids+=($!)
        chaos_bg_pids+=($!)
    done
    last_n=
    for ((i = 0; i < 50; i++)); do # until the hog has stopped growing, at most 5 s
        n=$(cpsql -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'chaos-hog'")
        [[ $n == "${last_n:-}" ]] && ((n > 0)) && break
        last_n=$n
        sleep 0.1
    done
    hogged=$n
    cpsql -d postgres -c "ALTER ROLE ordo_app CONNECTION LIMIT -1" >/dev/null
    if out=$(psql -X -h "$pg_host" -p "$pg_port" -U ordo_app -d "$db" -qAt -c "SELECT 1" 2>&1); then
        warn "round $r: ordo_app still got a connection: the hog did not take every slot"
    elif grep -qE 'too many clients|connection slots are reserved' <<<"$out"; then
        refused=$((refused + 1))
    else
        warn "round $r: ordo_app refused for another reason: $out"
    fi
    while (($(now_us) - full_from < seconds * 1000000)); do sleep 0.1; done
    hog_release
    ready_from=$(now_us)
    chaos_wait_ready || die "ordo serve did not recover after round $r"
    kill -0 "$server_pid" 2>/dev/null || die "ordo serve died in round $r"
    t=$(probe_ok_after "$ready_from")
    if [[ -z $t ]]; then
        no_write=$((no_write + 1))
        warn "round $r: no start acknowledged within 60 s of the slots coming back"
    elif ((t - ready_from > max_write_us)); then
        max_write_us=$((t - ready_from))
    fi
    errs=$(awk -v a="$full_from" -v b="$ready_from" '$1 >= a && $1 < b && $3 != "ok"' "$work/probe.log" | wc -l)
    say "connlimit.sh: round $r: $hogged slots taken for $seconds s after ${ms} ms ($errs probe errors); writes again after $(fmt_secs $((${t:-0} > 0 ? t - ready_from : 0))) s" >&2
done
cp "$work/probe.log" "$work/probe.pg.log" # part 1's answers, checked at the end

# ---- 2. Ordo's own HTTP connection limit ----
# flood.py opens the connections (odd ones send a request whose header never ends), writes
# "opened N" to its output once they are open, then waits until the server closes each (or
# until the end), and prints per connection its number, kind and the seconds until the server
# closed it ("open" when it never did).
cat >"$work/flood.py" <<'PY'
import select, socket, sys, time
n, port, out, until = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
conns, t0 = {}, time.time()
for i in range(n):
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", port))
        if i % 2:
            s.sendall(b"POST /api/instances HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n")
    except OSError:
        s.close()
        continue
    s.setblocking(False)
    conns[s] = (i, "partial" if i % 2 else "idle", time.time())
with open(out + ".opened", "w") as f:
    f.write(f"opened {len(conns)}\n")
closed = {}
while len(closed) < len(conns) and time.time() - t0 < until:
    live = [s for s in conns if s not in closed]
    ready, _, _ = select.select(live, [], [], 0.2)
    for s in ready:
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:
            closed[s] = time.time() - conns[s][2]
with open(out, "w") as f:
    for s, (i, kind, _) in sorted(conns.items(), key=lambda kv: kv[1][0]):
        f.write(f"{i} {kind} {closed[s]:.1f}\n" if s in closed else f"{i} {kind} open\n")
PY
rm -f "$work/flood.out" "$work/flood.out.opened"
flood_from=$(now_us)
python3 "$work/flood.py" "$flood" "$port" "$work/flood.out" $((http_timeout + 20)) &
flood_pid=$!
chaos_bg_pids+=("$flood_pid")
for ((i = 0; i < 100; i++)); do
    [[ -s $work/flood.out.opened ]] && break
    sleep 0.1
done
sleep 0.5
# While the flood holds every slot a new request waits in the listen queue and gets no answer.
blocked=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/livez" || true)
ready_from=$flood_from
chaos_wait_ready || die "ordo serve did not serve again after the HTTP flood"
http_ready_us=$(($(now_us) - flood_from))
kill -0 "$server_pid" 2>/dev/null || die "ordo serve died under the HTTP flood"

# ---- the end checks ----
touch "$work/stop"
wait "$prober_pid" 2>/dev/null || true
chaos_drain 60 # meanwhile the flood's queued connections are dropped in their turn
wait "$flood_pid" || true
held=$(awk '$3 == "open" || $3 >= 1' "$work/flood.out" | wc -l)
never=$(awk '$3 == "open"' "$work/flood.out" | wc -l)
# Those beyond the limit wait in the listen queue until the first ones are dropped, then go
# quiet for their own http_timeout: twice the timeout at most.
early=$(awk -v t="$http_timeout" '$3 != "open" && $3 >= 1 && $3 <= t + 5' "$work/flood.out" | wc -l)
late=$(awk -v t="$http_timeout" '$3 != "open" && $3 > 2 * t + 5' "$work/flood.out" | wc -l)
longest=$(awk '$3 != "open" && $3 > m { m = $3 } END { print m + 0 }' "$work/flood.out")
chaos_checks
chaos_probe_checks "$work/probe.pg.log"
check "rounds in which PostgreSQL refused ordo_app a connection" "$rounds" "$refused"
check "rounds without an acknowledged start within 60 s of the slots coming back" 0 "$no_write"
checks=$((checks + 1))
if ((max_write_us > 30000000)); then
    failures=$((failures + 1))
    echo "FAIL: a start was acknowledged only $(fmt_secs "$max_write_us") s (> 30 s) after the slots came back" >&2
fi
check "a new request answered while the flood held every HTTP slot (000: none)" 000 "$blocked"
checks=$((checks + 1))
if ((early < http_max * 3 / 4)); then
    failures=$((failures + 1))
    echo "FAIL: only $early flood connections were held and then closed within http_timeout + 5 s (limit $http_max)" >&2
fi
check "flood connections the server never closed" 0 "$never"
check "flood connections closed later than 2 x http_timeout + 5 s" 0 "$late"
checks=$((checks + 1))
if ((http_ready_us > 30000000)); then
    failures=$((failures + 1))
    echo "FAIL: /readyz answered 200 only $(fmt_secs "$http_ready_us") s after the HTTP flood" >&2
fi
checks=$((checks + 1))
if [[ $server_pid != "$first_pid" ]] || ! kill -0 "$server_pid" 2>/dev/null; then
    failures=$((failures + 1))
    echo "FAIL: the server process did not survive" >&2
fi
seen="PostgreSQL: all $hogged free slots taken (Ordo had held $ordo_conns), ordo_app refused in $refused of $rounds; $probe_summary; first acknowledged start at most $(fmt_secs "$max_write_us") s after; HTTP: $held held, a new request unanswered while full, $early closed by the server within http_timeout + 5 s and the rest (queued beyond the limit) after at most ${longest} s, readyz 200 after $(fmt_secs "$http_ready_us") s"
chaos_result_with "$fault" "$rounds x every free PostgreSQL slot taken for $seconds s (max_connections=$pg_max; seed $seed), then $flood HTTP connections against http_max_connections=$http_max (http_timeout ${http_timeout} s)" "$seen"
