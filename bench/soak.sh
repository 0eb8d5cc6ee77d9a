#!/usr/bin/env bash
# bench/soak.sh [--minutes N] [--warmup-seconds W] [--rate R] [--bin ORDO] [--interval S]
#               [--csv FILE] - issue 11's soak: the onboarding process at a steady rate with
# connectors and webhooks in play, watching the server's memory and file descriptors.
#
# On a fresh database (cloned from the template of the cluster ORDOTEST_PG_ENV names, else of a
# cluster of its own) it starts ordo-sandbox (the stand-ins for BambooHR, Jira, GitHub and Slack,
# docs/sandbox.md; found beside ORDO) seeded with one new hire per instance to come, the local
# receiver of tests/chaos/receiver.py, and `ordo serve` with the server's default leases and
# webhook settings. It deploys examples/onboarding.bpmn, stores the four connectors' credentials
# pointing at the sandbox (what `ordo serve --demo` stores), sets the secret of the process's
# inbound endpoint /hooks/bamboohr-new-hire and subscribes the receiver to every outbound event.
#
# Load, open loop (bench/soak_load.py): R new hires per second for N minutes, each on a fixed
# schedule whatever the earlier ones are doing, reported by the sandbox as BambooHR does (a
# signed webhook); each starts an instance that reads the employee from BambooHR, opens a Jira
# issue, posts the approval request to Slack and waits for the manager. A completer approves the
# open tasks over the API every 0.2 s; then GitHub invites and Slack welcomes. Every S seconds
# (default 5) the server's VmRSS, open fds and threads go into samples.csv in the scratch
# folder. After the load it waits until every instance has ended and every outbound event has
# left (until 60 s pass without progress) and checks:
#   - every scheduled delivery was answered 200, stored once and done, and started one instance;
#   - every instance completed, no incident, no job left, every task completion answered 2xx;
#   - every outbound event delivered, the receiver saw each (webhook-id) and the four lifecycle
#     events of every instance;
#   - the server still runs, and stops cleanly on SIGTERM (status 0 within 30 s); under ASan
#     its LeakSanitizer then reports nothing;
#   - file descriptors: the highest count of the last 3 samples under load is at most that of
#     the 3 samples up to the end of the warm-up + 4. Every sample is taken while requests come
#     and go (each request of the sandbox's sender and of the completer is a connection of its
#     own, held by the server for milliseconds), so a few fds more or less at a sample's moment
#     are noise; the max over 3 samples on both sides and 4 more allow that. A leak of one fd in
#     a hundred instances is 24 more at 5/s over 8 minutes;
#   - memory (release builds only): VmRSS at the last sample under load < 105 % of VmRSS at the
#     end of the warm-up. Under AddressSanitizer (detected from the binary's libasan) freed
#     memory sits in ASan's quarantine and the shadow grows with it, so RSS says nothing about
#     leaks there: the check is left out and the RESULT line says so.
# Reported: throughput (instances started and completed per second), p50/p99 of the instance's
# start->completed and delivery->completed times (from the database), of the webhook round
# trip (through the sandbox's sender, so one loopback hop more than Ordo's own answer), of the
# completer's list and complete requests, how late the schedule ran, RSS and fds at warm-up,
# end and peak. Last line:
#   RESULT|soak|<N> min at <R>/s|<what was checked; what was seen>|pass (or fail (K of M checks))
# Exit 0 on pass, 1 on fail, 77 (skipped) when python3, jq, curl or psql is missing.
#
# Options: --minutes N  length of the load (default 10; decimals allowed, e.g. 0.5);
# --warmup-seconds W (default 120; below the load's length); --rate R  new hires per second
# (default 5); --bin ORDO  the ordo binary (default $ORDOTEST_BIN, else build/asan/bin/ordo;
# use build/release/bin/ordo for the real run); --interval S  seconds between samples;
# --csv FILE  copy samples.csv there at the end.
# Environment: ORDOTEST_PG_ENV, CHAOS_KEEP=1 keeps the scratch folder (tests/chaos/lib.sh).
set -euo pipefail
# shellcheck source=../scripts/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
# shellcheck source=../tests/chaos/lib.sh source-path=SCRIPTDIR
. "$ORDO_ROOT/tests/chaos/lib.sh"

minutes=10
warmup=120
rate=5
interval=5
csv_out=
fd_slack=4
while (($#)); do
    case $1 in
    --minutes) minutes=${2:?--minutes needs a number}; shift 2 ;;
    --warmup-seconds) warmup=${2:?--warmup-seconds needs a number}; shift 2 ;;
    --rate) rate=${2:?--rate needs a number}; shift 2 ;;
    --bin) ordo_bin=${2:?--bin needs a path}; shift 2 ;;
    --interval) interval=${2:?--interval needs a number}; shift 2 ;;
    --csv) csv_out=${2:?--csv needs a file}; shift 2 ;;
    -h | --help) print_usage "$0"; exit 0 ;;
    *) usage_error "unknown argument '$1'" ;;
    esac
done
num='^[0-9]+([.][0-9]+)?$'
[[ $minutes =~ $num && $warmup =~ $num && $rate =~ $num && $interval =~ $num ]] ||
    usage_error "--minutes, --warmup-seconds, --rate and --interval take numbers"
load_s=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
total=$(awk -v r="$rate" -v s="$load_s" 'BEGIN { printf "%d", r * s }')
awk -v w="$warmup" -v s="$load_s" -v i="$interval" 'BEGIN { exit !(w > 0 && w + 3 * i <= s && i > 0) }' ||
    usage_error "the warm-up ($warmup s) plus 3 samples ($interval s apart) must fit in the load ($load_s s)"
((total > 0)) || usage_error "--rate x --minutes starts no instance"
run_name="$minutes min at $rate/s"
for tool in python3 jq curl psql; do
    if ! command -v "$tool" >/dev/null; then
        echo "RESULT|soak|$run_name|-|skipped: $tool is not installed"
        exit 77
    fi
done
sandbox_bin=$(dirname "$ordo_bin")/ordo-sandbox
[[ -x $sandbox_bin ]] || die "no ordo-sandbox beside $ordo_bin"
asan=0
if ldd "$ordo_bin" 2>/dev/null | grep -q libasan; then
    asan=1
fi

chaos_init soak
# A scratch folder named after the soak: a ten-minute run outlives many a clean-up of
# /tmp/ordo-chaos-* by other scripts (a run lost its folder to one). chaos_cleanup removes $work.
soak_work=/tmp/ordo-soak.${work##*.}
mv "$work" "$soak_work"
[[ $state != "$work"/* ]] || state=$soak_work/${state#"$work"/}
work=$soak_work
say "soak: $total new hires over $load_s s ($rate/s), warm-up $warmup s, $ordo_bin$( ((asan)) && echo ' (ASan: RSS not checked)'), scratch $work" >&2

# The sandbox's BambooHR: the seed's manager Maria (101) and one new hire per instance, from
# employee 1000 on (each webhook names another employee: the delivery id is a hash of the body,
# and GitHub would see each invitation only once).
first_id=1000
jq -n --argjson n "$((total + 10))" --argjson first "$first_id" '{bamboohr: {companies: [{
    domain: "acme", next_id: ($first + $n), employees: ([{id: "101", employeeNumber: "1",
      firstName: "Maria", lastName: "Manager", displayName: "Maria Manager",
      workEmail: "maria@acme.example", jobTitle: "Engineering Manager", department: "Engineering",
      division: null, location: "Berlin", supervisorEId: null, hireDate: "2019-04-01",
      status: "Active", action: "Inserted", lastChanged: "2026-01-01T00:00:00+00:00"}] +
    [range($n) | ($first + .) as $id | {id: ($id | tostring), employeeNumber: ($id | tostring),
      firstName: "Soak", lastName: "Hire\($id)", displayName: "Soak Hire\($id)",
      workEmail: "soak-\($id)@acme.example", jobTitle: "Software Engineer",
      department: "Engineering", division: null, location: "Berlin", supervisorEId: "101",
      hireDate: "2027-01-04", status: "Active", action: "Inserted",
      lastChanged: "2026-01-01T00:00:00+00:00"}])}]}}' >"$work/sandbox-state.json"
"$sandbox_bin" --port 0 --ready-file "$work/sandbox.ready" --state "$work/sandbox-state.json" \
    --log-level warn --parent $$ >/dev/null 2>"$work/sandbox.log" &
chaos_bg_pids+=($!)
for ((i = 0; i < 200; i++)); do
    [[ -s $work/sandbox.ready ]] && break
    sleep 0.05
done
sandbox_url=$(jq -r .url "$work/sandbox.ready" 2>/dev/null) || die "ordo-sandbox did not start: $(cat "$work/sandbox.log")"
chaos_receiver_start

# The server's own defaults for leases and outbound webhooks (tests/chaos/lib.sh shortens them
# for its kills); the rate limit stays raised, as in the other load tests.
chaos_server_start ORDO_LEASE_MS=60000 ORDO_WEBHOOK_TIMEOUT=15s \
    ORDO_WEBHOOK_RETRY_SCHEDULE=5s,5m,30m,2h,5h,10h,14h,20h,24h
chaos_wait_ready || die "ordo serve did not become ready (serve.log: $(tail -n 5 "$work/serve.log"))"

curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $chaos_key" \
    -H 'Content-Type: application/xml' --data-binary "@$ORDO_ROOT/examples/onboarding.bpmn" \
    "$url/api/deployments" || die "deploying examples/onboarding.bpmn failed"
hook_secret=soak-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
api PUT /api/webhooks/endpoints/bamboohr-new-hire "{\"secret\":\"$hook_secret\"}" >/dev/null ||
    die "setting the webhook endpoint's secret failed"
# The credentials `ordo serve --demo` stores (server/cli_demo.c), pointing at our sandbox.
for cred in \
    "slack|{\"base_url\":\"$sandbox_url/slack/api\"}|{\"bot_token\":\"xoxb-sandbox-token\"}" \
    "jira|{\"base_url\":\"$sandbox_url/jira\",\"email\":\"ops@acme.example\"}|{\"api_token\":\"sandbox-jira-token\"}" \
    "github|{\"base_url\":\"$sandbox_url/github\",\"org\":\"acme\"}|{\"token\":\"ghp_sandbox_token\"}" \
    "bamboohr|{\"base_url\":\"$sandbox_url/bamboohr/api/gateway.php/acme/v1\",\"company_domain\":\"acme\"}|{\"api_key\":\"sandbox-bamboohr-key\"}"; do
    IFS='|' read -r conn config secret <<<"$cred"
    api PUT "/api/credentials/$conn/default" "{\"config\":$config,\"secret\":$secret}" >/dev/null ||
        die "storing the $conn credential failed"
done
api POST /api/webhooks/subscriptions "{\"url\":\"$recv_url/hook\",\"events\":[\"*\"]}" >/dev/null ||
    die "creating the webhook subscription failed"

# sampler: VmRSS (kB), open fds and threads of the server every 'interval' seconds, from the
# start of the load, until $work/stop_sampler exists.
sampler() {
    local t0 rss fds thr
    t0=$(now_us)
    echo "t_s,rss_kb,fds,threads" >"$work/samples.csv"
    while [[ ! -e $work/stop_sampler ]]; do
        rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$server_pid/status" 2>/dev/null) || rss=0
        thr=$(awk '$1 == "Threads:" { print $2 }' "/proc/$server_pid/status" 2>/dev/null) || thr=0
        fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
        echo "$(awk -v t="$(($(now_us) - t0))" 'BEGIN { printf "%.1f", t / 1e6 }'),${rss:-0},$fds,${thr:-0}" \
            >>"$work/samples.csv"
        sleep "$interval"
    done
}

: >"$work/requests.csv"
sampler &
chaos_bg_pids+=($!)
sampler_pid=$!
python3 "$ORDO_ROOT/bench/soak_load.py" complete "$url" "$chaos_key" "$work/requests.csv" \
    "$work/stop_completer" 2>"$work/completer.err" &
chaos_bg_pids+=($!)
python3 "$ORDO_ROOT/bench/soak_load.py" start "$sandbox_url" "$url/hooks/bamboohr-new-hire" \
    "$hook_secret" "$rate" "$load_s" "$first_id" "$work/requests.csv" "$work/stop" \
    2>"$work/starter.err" &
chaos_bg_pids+=($!)
starter_pid=$! # what chaos_drain waits for
load_t0=$(now_us)
next_note=10
while kill -0 "$starter_pid" 2>/dev/null; do
    sleep 1
    el=$((($(now_us) - load_t0) / 1000000))
    ((el >= next_note)) || continue
    next_note=$((next_note + 10))
    say "soak: ${el}s: $(awk -F, '$1 == "hook"' "$work/requests.csv" | wc -l) sent, $(tail -n 1 "$work/samples.csv" | awk -F, '{ printf "RSS %d kB, %d fds", $2, $3 }')" >&2
done
wait "$starter_pid" || die "the load generator failed: $(cat "$work/starter.err")"
# The samples stop with the load: what comes after (the drain) is a quieter server.
touch "$work/stop_sampler"
wait "$sampler_pid" 2>/dev/null || true
chaos_drain 60
fds_idle=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)

# ---- the checks
failures=0 checks=0
sent=$(awk -F, '$1 == "hook"' "$work/requests.csv" | wc -l)
check "deliveries sent (rate x seconds)" "$total" "$sent"
check "deliveries not answered 200" 0 "$(awk -F, '$1 == "hook" && $5 != 200' "$work/requests.csv" | wc -l)"
check "stored deliveries" "$sent" "$(dbsql "SELECT count(*) FROM webhook_delivery")"
check "deliveries not done" 0 "$(dbsql "SELECT count(*) FROM webhook_delivery WHERE state <> 'done'")"
check "instances" "$sent" "$(dbsql "SELECT count(*) FROM instance")"
check "completed instances" "$sent" "$(dbsql "SELECT count(*) FROM instance WHERE status = 'completed'")"
check "incidents" 0 "$(dbsql "SELECT count(*) FROM incident")"
check "jobs left" 0 "$(dbsql "SELECT count(*) FROM job")"
check "task completions not answered 2xx" 0 "$(awk -F, '$1 == "complete" && ($5 < 200 || $5 > 299)' "$work/requests.csv" | wc -l)"
chaos_check_events "$sent"
checks=$((checks + 1))
if ! kill -0 "$server_pid" 2>/dev/null; then
    failures=$((failures + 1))
    echo "FAIL: ordo serve is gone (serve.log: $(tail -n 3 "$work/serve.log"))" >&2
fi

# A clean stop: SIGTERM ends the server with status 0 within 30 s; under ASan its LeakSanitizer
# then reports any memory still allocated and unreachable (what RSS cannot show there).
checks=$((checks + 1))
kill -TERM "$server_pid" 2>/dev/null || true
for ((i = 0; i < 300; i++)); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
stop_status=running
if ! kill -0 "$server_pid" 2>/dev/null; then
    stop_status=0
    wait "$server_pid" || stop_status=$?
fi
if [[ $stop_status != 0 ]]; then
    failures=$((failures + 1))
    echo "FAIL: ordo serve did not stop cleanly on SIGTERM within 30 s (status $stop_status)" >&2
fi
if ((asan)); then
    checks=$((checks + 1))
    if grep -q 'LeakSanitizer' "$work/serve.log"; then
        failures=$((failures + 1))
        echo "FAIL: LeakSanitizer at the server's stop: $(grep -A12 'LeakSanitizer' "$work/serve.log" | head -n 30)" >&2
    fi
fi

# Samples: the 3 up to the end of the warm-up, and the last 3 under load.
read -r rss_warm fds_warm < <(awk -F, -v w="$warmup" 'NR > 1 && $1 <= w { r[++n] = $2; f[n] = $3 }
    END { m = 0; for (i = (n > 3 ? n - 2 : 1); i <= n; i++) if (f[i] > m) m = f[i]; print r[n], m }' "$work/samples.csv")
read -r rss_end fds_end < <(awk -F, 'NR > 1 { r[++n] = $2; f[n] = $3 }
    END { m = 0; for (i = (n > 3 ? n - 2 : 1); i <= n; i++) if (f[i] > m) m = f[i]; print r[n], m }' "$work/samples.csv")
read -r rss_peak fds_peak nsamples < <(awk -F, 'NR > 1 { if ($2 > r) r = $2; if ($3 > f) f = $3; n++ }
    END { print r, f, n }' "$work/samples.csv")
rss_growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { printf "%+.1f", (a > 0 ? (b - a) * 100 / a : 0) }')
checks=$((checks + 1))
if ((fds_end > fds_warm + fd_slack)); then
    failures=$((failures + 1))
    echo "FAIL: file descriptors grew: $fds_warm after the warm-up, $fds_end at the end (slack $fd_slack)" >&2
fi
if ((asan)); then
    rss_note="no LeakSanitizer report at a clean stop; RSS not checked (ASan build: its quarantine holds freed memory; the RSS criterion is for release builds)"
else
    checks=$((checks + 1))
    if ((rss_warm <= 0 || rss_end * 100 >= rss_warm * 105)); then
        failures=$((failures + 1))
        echo "FAIL: RSS grew ${rss_growth}%: $rss_warm kB after the warm-up, $rss_end kB at the end (limit < 5%)" >&2
    fi
    rss_note="RSS < 105% of the warm-up's"
fi

# ---- the numbers
pct() { # KIND COLUMN: "p50 p99" of the column over the CSV rows of that kind
    awk -F, -v k="$1" -v c="$2" '$1 == k { print $c }' "$work/requests.csv" | sort -g |
        awk '{ a[NR] = $1 } END { if (NR == 0) { print "- -"; exit }
            i = int(NR * 0.5 + 0.5); j = int(NR * 0.99 + 0.5); if (i < 1) i = 1; if (j < 1) j = 1
            printf "%.0f %.0f\n", a[i], a[j] }'
}
read -r hook_p50 hook_p99 < <(pct hook 4)
read -r lag_p50 lag_p99 < <(pct hook 3)
read -r cmp_p50 cmp_p99 < <(pct complete 4)
read -r list_p50 list_p99 < <(pct list 4)
ncomplete=$(awk -F, '$1 == "complete"' "$work/requests.csv" | wc -l)
nlist=$(awk -F, '$1 == "list"' "$work/requests.csv" | wc -l)
IFS='|' read -r inst_p50 inst_p99 del_p50 del_p99 done_rate < <(dbsql "SELECT
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM i.ended_at - i.created_at))),
    round(percentile_cont(0.99) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM i.ended_at - i.created_at))),
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM i.ended_at - w.received_at))),
    round(percentile_cont(0.99) WITHIN GROUP (ORDER BY 1000 * extract(epoch FROM i.ended_at - w.received_at))),
    round((count(*) / greatest(extract(epoch FROM max(i.ended_at) - min(i.created_at)), 0.001))::numeric, 2)
    FROM instance i LEFT JOIN webhook_delivery w ON w.instance_key = i.key
    WHERE i.status = 'completed'")
start_rate=$(awk -v n="$sent" -v s="$load_s" 'BEGIN { printf "%.2f", n / s }')
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
redeliveries=$(($(awk '$1 == "hook"' "$work/received.log" | wc -l) - $(wc -l <"$work/ids.received")))

cat >&2 <<EOF
soak: $sent instances over ${load_s}s: started $start_rate/s, completed $done_rate/s
soak: instance start->completed p50 $inst_p50 ms, p99 $inst_p99 ms; delivery received->completed p50 $del_p50 ms, p99 $del_p99 ms
soak: webhook round trip (sandbox sender -> ordo) p50 $hook_p50 ms, p99 $hook_p99 ms; schedule lag p50 $lag_p50 ms, p99 $lag_p99 ms
soak: task complete p50 $cmp_p50 ms, p99 $cmp_p99 ms ($ncomplete); task list p50 $list_p50 ms, p99 $list_p99 ms ($nlist)
soak: RSS $(mb "$rss_warm") MiB after warm-up, $(mb "$rss_end") MiB at the end (${rss_growth}%), peak $(mb "$rss_peak") MiB; fds $fds_warm -> $fds_end (peak $fds_peak, idle after drain $fds_idle); $nsamples samples every ${interval}s
soak: $redeliveries outbound events delivered more than once; load average $(cut -d' ' -f1-3 /proc/loadavg)
EOF
if [[ -n $csv_out ]]; then
    cp "$work/samples.csv" "$csv_out"
fi

what="$sent onboarding instances (BambooHR webhook via the sandbox, BambooHR/Jira/Slack/GitHub connectors, user task approved over the API, outbound webhooks to a receiver); checked: every delivery accepted and started one instance, all completed, no incident, every outbound event delivered and received, clean stop on SIGTERM, fds at the end <= after the warm-up ($warmup s) + $fd_slack, $rss_note; seen: started $start_rate/s, completed $done_rate/s, instance start->completed p50 $inst_p50 ms p99 $inst_p99 ms, webhook round trip p50 $hook_p50 ms p99 $hook_p99 ms, task complete p50 $cmp_p50 ms p99 $cmp_p99 ms, RSS $(mb "$rss_warm") -> $(mb "$rss_end") MiB (${rss_growth}%, peak $(mb "$rss_peak")), fds $fds_warm -> $fds_end"
if ((failures == 0)); then
    echo "RESULT|soak|$run_name|$what|pass"
else
    echo "RESULT|soak|$run_name|$what|fail ($failures of $checks checks)"
    [[ ${CHAOS_KEEP:-0} == 1 ]] || say "soak: set CHAOS_KEEP=1 to keep $work (samples.csv, requests.csv, serve.log)" >&2
    exit 1
fi
