#!/usr/bin/env bash
# tests/chaos/proxy.sh [--seconds N] [--seed S] [--quiet Q] [--retries R] - issue 11's chaos (c):
# a TCP fault proxy (tests/chaos/proxy.py) between Ordo's connectors and the SaaS stand-ins
# (ordo-sandbox): latency, connection resets before and after the request reached the service,
# truncated answers, and storms of 503, 500, 502 and 429 (with Retry-After).
#
# On a fresh database (tests/chaos/lib.sh) it starts ordo-sandbox, the proxy in front of it and
# `ordo serve`, stores "default" credentials of the jira and slack connectors whose base_url is
# the proxy, and deploys tests/chaos/proxy.bpmn: the http job of chaos.bpmn (to the local
# receiver), a Jira issue (jira.create_issue), a Slack message naming it (slack.post_message),
# then a user task. The load of lib.sh runs (instances started with an Idempotency-Key, user
# tasks completed over the API, outbound webhooks to the receiver) while the proxy follows its
# seeded schedule of faults for N seconds; then the proxy passes everything, the load goes on
# for Q more seconds and the work drains. The checks: lib.sh's (each acknowledged instance
# exists once and completed, no task completed twice, no incident, every outbound event
# delivered and received, audit verifies), and:
#   - every fault of the schedule hit at least one request;
#   - every instance's Jira issue and Slack message are in the sandbox's state
#     (GET /_sandbox/state), the message naming the issue, and no two instances share an issue;
#   - no Jira issue made twice: the connector labels each issue ordo-<job key> and a retry
#     looks for that label first (the sandbox's search is consistent, so it always finds it),
#     and the HTTP client never sends a POST twice by itself (base/httpc.c, resend_ok);
#   - Slack messages repeated are counted, not failed (at least once: chat.postMessage has no
#     idempotency key, docs/connectors.md);
#   - no incident: the SaaS jobs have 20 retries (--retries), and the default backoff
#     (10 s x 2^n) outlasts any phase of the schedule (at most 2.5 s), so a job that ran out of
#     attempts would be a fault of Ordo's retry handling (with --retries 1 the check fails);
#   - recovery: the first instance started after the faults stopped completed within 30 s of
#     the stop, and /readyz answered at once.
# It prints one line:
#   RESULT|SaaS fault proxy (latency, resets, truncation, 5xx/429 storms)|<duration>|<what>|pass
# and exits 0 only on pass (77 when the machine cannot run it).
#
# Options: --seconds N  faults for N seconds (default 60); --seed S  the schedule (default:
# time); --quiet Q  seconds of load without faults before the drain (default 10); --retries R
# the retries of the Jira and Slack jobs (default 20).
# Environment: ORDOTEST_BIN, ORDOTEST_PG_ENV (tests/chaos/lib.sh); ORDOTEST_SANDBOX (default:
# ordo-sandbox beside ordo); CHAOS_START_GAP (seconds between starts, default 0.25 here);
# CHAOS_KEEP=1 keeps the scratch folder (serve.log, proxy.log, sandbox-state.json, ...).
set -euo pipefail
# shellcheck source=../../scripts/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=60
quiet=10
retries=20
seed=$(date +%s)
while (($#)); do
    case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    --quiet) quiet=${2:?--quiet needs a number}; shift 2 ;;
    --retries) retries=${2:?--retries needs a number}; shift 2 ;;
    -h | --help) print_usage "$0"; exit 0 ;;
    *) print_usage "$0" >&2; exit 2 ;;
    esac
done
[[ $seconds =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ && $quiet =~ ^[0-9]+$ && $retries =~ ^[1-9][0-9]*$ ]] ||
    die "--seconds, --seed, --quiet and --retries take numbers (--retries at least 1)"
fault="SaaS fault proxy (latency, resets, truncation, 5xx/429 storms)"
chaos_require "$fault"
sandbox_bin=${ORDOTEST_SANDBOX:-$(dirname "$ordo_bin")/ordo-sandbox}
[[ -x $sandbox_bin ]] || chaos_skip "$fault" "no ordo-sandbox at $sandbox_bin (set ORDOTEST_SANDBOX)"
# Fewer starts than kill.sh's: each instance makes three connector calls through a proxy that
# delays some by seconds, and a backlog would measure the executor, not the recovery.
# shellcheck disable=SC2034 # read by lib.sh's starter
CHAOS_START_GAP=${CHAOS_START_GAP:-0.25}
say "proxy.sh: seed $seed, $seconds s of faults, then $quiet s without" >&2

chaos_init proxy
# A scratch folder of its own name: a long run outlives many a clean-up of /tmp/ordo-chaos-* by
# other scripts, and one lost its folder (the load's record) mid-run. chaos_cleanup removes $work.
proxy_work=/tmp/ordo-proxy.${work##*.}
mv "$work" "$proxy_work"
[[ $state != "$work"/* ]] || state=$proxy_work/${state#"$work"/}
work=$proxy_work

# wait_file FILE WHAT: wait up to 10 s for a file a background process writes when it is ready.
wait_file() {
    local i
    for ((i = 0; i < 200; i++)); do
        [[ -s $1 ]] && return 0
        sleep 0.05
    done
    die "$2 did not start (see $work)"
}

# proxy_ctl COMMAND: one command to the proxy's control port; its answer on stdout.
proxy_ctl() {
    local answer
    exec {ctl}<>"/dev/tcp/127.0.0.1/$ctl_port" || die "the fault proxy's control port is gone"
    printf '%s\n' "$1" >&"$ctl"
    read -r -t 5 answer <&"$ctl" || answer=
    exec {ctl}>&-
    [[ -n $answer && $answer != error* ]] || die "the fault proxy refused '$1': $answer"
    printf '%s\n' "$answer"
}

"$sandbox_bin" --port 0 --ready-file "$work/sandbox.ready" --log-level warn \
    >/dev/null 2>"$work/sandbox.log" &
chaos_bg_pids+=($!)
wait_file "$work/sandbox.ready" "ordo-sandbox"
sandbox_url=$(jq -r .url "$work/sandbox.ready")
# The proxy passes everything until the load runs, then follows its seeded schedule.
python3 "$chaos_dir/proxy.py" --upstream "${sandbox_url#http://}" --port-file "$work/proxy.port" \
    --control-port-file "$work/proxy.ctl" --log "$work/proxy.log" --seed "$seed" --hold none \
    2>"$work/proxy.err" &
chaos_bg_pids+=($!)
wait_file "$work/proxy.port" "the fault proxy"
wait_file "$work/proxy.ctl" "the fault proxy's control port"
proxy_url=http://127.0.0.1:$(cat "$work/proxy.port")
ctl_port=$(cat "$work/proxy.ctl")
proxy_ctl ping >/dev/null

chaos_receiver_start
# Four executor threads: the proxy holds calls for seconds, and the jobs should not queue
# behind them more than a production node's would.
chaos_server_start ORDO_EXECUTOR_THREADS=4
chaos_wait_ready || die "the server did not become ready"
max_ready_us=0 ready_count=0 # only the readiness after the faults counts
chaos_setup
# A newer version of process "chaos": the starter starts the latest.
sed "s/retries=\"20\"/retries=\"$retries\"/" "$chaos_dir/proxy.bpmn" >"$work/proxy.bpmn"
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $chaos_key" \
    -H 'Content-Type: application/xml' --data-binary "@$work/proxy.bpmn" "$url/api/deployments" ||
    die "deploying proxy.bpmn failed"
api PUT /api/credentials/jira/default "{\"config\":{\"email\":\"ops@acme.example\",
    \"base_url\":\"$proxy_url/jira\"},\"secret\":{\"api_token\":\"sandbox-jira-token\"}}" >/dev/null ||
    die "storing the jira credential failed"
api PUT /api/credentials/slack/default "{\"config\":{\"base_url\":\"$proxy_url/slack/api\"},
    \"secret\":{\"bot_token\":\"xoxb-sandbox-token\"}}" >/dev/null ||
    die "storing the slack credential failed"

chaos_load_start
proxy_ctl auto >/dev/null
sleep "$seconds"
proxy_ctl "mode none" >/dev/null
stop_epoch=$(dbsql "SELECT extract(epoch FROM clock_timestamp())")
ready_from=$(now_us)
chaos_wait_ready || die "/readyz did not answer after the faults stopped"
say "proxy.sh: faults stopped: $(proxy_ctl stats)" >&2
sleep "$quiet"
# The drain waits for the slowest retry: a job that failed in the last fault phases may be due
# minutes later (the backoff doubles per attempt), so the limit without progress is the
# latest due time of a job plus a minute (a job whose attempts are spent waits forever: its
# incident fails the run).
due=$(dbsql "SELECT coalesce(ceil(extract(epoch FROM max(due_at) - now())), 0)::int FROM job
    WHERE isfinite(due_at)")
chaos_drain $((due > 0 ? due + 60 : 60))
chaos_checks
if (($(dbsql "SELECT count(*) FROM incident") > 0)); then
    echo "the incidents:" >&2
    dbsql "SELECT element_id || ': ' || reason FROM incident" >&2
fi

# Every fault of the schedule reached a request.
jq -r 'select(.ev == "req") | .fault' "$work/proxy.log" | sort | uniq -c | awk '{ print $2, $1 }' \
    >"$work/faults"
hit() { awk -v f="$1" '$1 == f { print $2 }' "$work/faults" | grep . || echo 0; }
for f in latency reset_before reset_after truncate storm; do
    checks=$((checks + 1))
    if (($(hit "$f") == 0)); then
        failures=$((failures + 1))
        echo "FAIL: no request met the fault $f (every fault has a phase within 18.5 s)" >&2
    fi
done
storms=$(jq -r 'select(.ev == "req" and .fault == "storm") | .status' "$work/proxy.log" | sort | uniq -c |
    awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')

# Each instance's side effects in the sandbox: its ticket_key and slack_ts (the jobs' outputs)
# from the variables of its end in the audit, the issues and messages from the sandbox's state.
curl -fsS "$sandbox_url/_sandbox/state" >"$work/sandbox-state.json" || die "GET /_sandbox/state failed"
dbsql "SELECT DISTINCT ON (a.instance_key) a.instance_key, coalesce(e->'variables'->>'ticket_key', '-'),
        coalesce(e->'variables'->>'slack_ts', '-')
    FROM audit a, json_array_elements(a.payload::json->'effects') e WHERE e->>'event' = 'end'
    ORDER BY a.instance_key" | tr '|' '\t' >"$work/effects"
jq -r '.jira.issues[] | select(.summary == "chaos through the fault proxy")
    | [.key, ((.labels // []) | map(select(startswith("ordo-"))) | join(","))] | @tsv' \
    "$work/sandbox-state.json" >"$work/issues"
jq -r '.slack.messages[] | select(.text | startswith("chaos ")) | [.ts, .text] | @tsv' \
    "$work/sandbox-state.json" >"$work/messages"
check "instances with a ticket_key and a slack_ts" "$instances_n" \
    "$(awk -F'\t' '$2 != "-" && $3 != "-"' "$work/effects" | wc -l)"
check "instances sharing a Jira issue" 0 "$(cut -f2 "$work/effects" | grep -v '^-$' | sort | uniq -d | wc -l)"
check "instances whose Jira issue is not in the sandbox" 0 \
    "$(cut -f2 "$work/effects" | sort -u | comm -23 - <(cut -f1 "$work/issues" | sort -u) | wc -l)"
check "instances whose Slack message (naming their issue) is not in the sandbox" 0 \
    "$(awk -F'\t' '{ print $3 "\tchaos " $2 }' "$work/effects" | sort -u |
        comm -23 - <(sort -u "$work/messages") | wc -l)"
# Jira issues with the same label ordo-<job key> come from one job. Two made milliseconds apart
# would be the HTTP client's own resend (libcurl sends a request again on a fresh connection
# when a kept-alive one dies before any answer, within the same attempt, so the connector's
# look-up does not run; base/httpc.c puts each POST on a new connection against it). Two made
# at least 5 s apart are attempts of the job (the backoff is 10 s or Retry-After) whose look-up
# missed the first issue. Both are failures; the kind is in the message.
jq -r '[.jira.issues[] | select(.summary == "chaos through the fault proxy")
    | {l: ((.labels // []) | map(select(startswith("ordo-"))) | join(",")),
       t: ((.created[0:19] + "Z" | fromdateiso8601) + (.created[20:23] | tonumber) / 1000)}]
    | group_by(.l)[] | select(length > 1) | sort_by(.t)
    | [range(1; length) as $i | .[$i].t - .[$i - 1].t] | .[] | if . < 5 then "resend" else "retry" end' \
    "$work/sandbox-state.json" >"$work/issue-repeats"
check "Jira issues sent twice by the HTTP client itself, within one attempt" 0 \
    "$(grep -c resend "$work/issue-repeats" || true)"
check "Jira issues repeated by a retry of the job (the label look-up missed them)" 0 \
    "$(grep -c retry "$work/issue-repeats" || true)"
check "Jira issues" "$instances_n" "$(wc -l <"$work/issues")"
messages_n=$(wc -l <"$work/messages")
slack_dups=$((messages_n - $(cut -f2 "$work/messages" | sort -u | wc -l)))
check "Slack messages fewer than instances" 0 "$((messages_n < instances_n ? instances_n - messages_n : 0))"

# Recovery: the first instance started after the faults stopped ended within 30 s of the stop.
recovery=$(dbsql "SELECT coalesce(round((extract(epoch FROM ended_at) - $stop_epoch)::numeric, 1)::text, 'never')
    FROM instance WHERE extract(epoch FROM created_at) > $stop_epoch ORDER BY created_at LIMIT 1")
checks=$((checks + 1))
if [[ -z $recovery || $recovery == never ]] || awk -v r="$recovery" 'BEGIN { exit !(r > 30) }'; then
    failures=$((failures + 1))
    echo "FAIL: the first instance started after the faults stopped ended ${recovery:-not at all} (s after the stop; limit 30 s)" >&2
fi

faults_seen=$(for f in latency reset_before reset_after truncate storm; do printf '%s %s, ' "$f" "$(hit "$f")"; done)
what="$instances_n instances (http job, Jira issue and Slack message through the proxy, user task, webhooks); checked: each exists once and completes, no task completed twice, no incident (the Jira and Slack jobs have $retries retries), every outbound event delivered and received, audit verifies, each instance's issue and message in the sandbox, no Jira issue made twice, first instance after the faults done within 30 s; seen: requests hit by ${faults_seen}$(hit none) untouched; storm answers $storms; $slack_dups Slack messages repeated (at least once: Slack has no idempotency key), $dup_calls receiver calls and $dup_deliveries events repeated; recovery $recovery s"
run_desc="${seconds} s of faults + ${quiet} s quiet (seed $seed)"
if ((failures == 0)); then
    echo "RESULT|$fault|$run_desc|$what|pass"
else
    echo "RESULT|$fault|$run_desc|$what|fail ($failures of $checks checks)"
    [[ ${CHAOS_KEEP:-0} == 1 ]] || say "chaos: set CHAOS_KEEP=1 to keep $work (serve.log, proxy.log)" >&2
    exit 1
fi
