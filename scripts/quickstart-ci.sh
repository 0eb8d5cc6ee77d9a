#!/usr/bin/env bash
# scripts/quickstart-ci.sh - the README's quick start, driven as a new user would (issue 5).
#
# Usage: scripts/quickstart-ci.sh [--no-deps]
#
# Runs the README's run command (scripts/run.sh) in the background on a fresh data directory
# and a free port, waits for GET /readyz (at most 120 s from the moment `ordo serve` starts,
# the issue's promise for the embedded PostgreSQL), then with the ordo CLI only:
#   1. reads the admin key the first start wrote, deploys examples/quickstart.bpmn and
#      examples/onboarding.bpmn;
#   2. creates the group "approvers" with the approver role, the user dana in it, and an API
#      key for dana;
#   3. starts a quick-start instance; dana finds its approval task in her inbox and completes it;
#      the instance ends as completed, and its history (the audit trail) is shown;
#   4. starts an onboarding instance: without credentials for its connectors, its first job
#      (BambooHR) ends in an incident that says which credential to set;
#   5. verifies the audit chain, stops the server with SIGTERM and checks it exits 0 within 15 s.
# Any step that fails stops the script with the server's log.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ORDO_ROOT"

run_args=()
[[ ${1:-} == --no-deps ]] && run_args+=(--no-deps)

data=$(mktemp -d /tmp/ordo-quickstart.XXXXXX)
log=$data.log
pid=
ordo=$ORDO_ROOT/build/release/bin/ordo

cleanup() {
    local rc=$?
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    if ((rc != 0)) && [[ -f $log ]]; then
        warn "the server's output:"
        tail -n 60 "$log" >&2 || true
    fi
    rm -rf "$data" "$log"
    exit "$rc"
}
trap cleanup EXIT

# The value of "name":"..." in a JSON text (keys are strings, CONTRACTS §1).
json_field() {
    sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2" | head -n 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: retry COMMAND until it succeeds.
wait_for() {
    local secs=$1 what=$2
    shift 2
    for ((i = 0; i < secs * 5; i++)); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || die "the server exited while waiting for $what"
        sleep 0.2
    done
    die "timed out after ${secs}s waiting for $what"
}

say "== starting the README's run command: scripts/run.sh ${run_args[*]}"
ORDO_DATA_DIR=$data ORDO_PORT=0 ORDO_LOG_LEVEL=warn bash scripts/run.sh "${run_args[@]}" >"$log" 2>&1 &
pid=$!
wait_for 1800 "the build and the server to start" grep -q '^== 4. ordo serve' "$log"
t0=$(now_us)
wait_for 120 "the server to listen" grep -q 'listening on http' "$log"
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -n 1)
wait_for 120 "GET $url/readyz" curl -fsS "$url/readyz"
say "ready in $(fmt_secs $(($(now_us) - t0))) s at $url"

export ORDO_URL=$url
[[ -s $data/initial-admin-key ]] || die "no $data/initial-admin-key after the first start"
ORDO_API_KEY=$(cat "$data/initial-admin-key")
export ORDO_API_KEY

say "== 1. deploy the examples"
run "$ordo" deploy examples/quickstart.bpmn examples/onboarding.bpmn
run "$ordo" definition list

say "== 2. an approver"
answer=$("$ordo" group create approvers --roles approver --json)
group=$(json_field key "$answer")
[[ -n $group ]] || die "no group key in the answer of ordo group create"
run "$ordo" user create dana --email dana@example.com
run "$ordo" group add "$group" dana
answer=$("$ordo" key create --user dana --name quickstart --scopes approver --json)
dana_key=$(json_field token "$answer")
[[ -n $dana_key ]] || die "no token in the answer of ordo key create"

say "== 3. a purchase, approved by dana"
answer=$("$ordo" instance start quickstart --vars '{"item":"laptop","amount":1200}' --json)
inst=$(json_field key "$answer")
[[ -n $inst ]] || die "no instance key in the answer of ordo instance start"
dana_tasks() { ORDO_API_KEY=$dana_key "$ordo" task list --mine --instance "$inst" --json; }
wait_for 30 "dana's approval task" grep -q '"elementId":"Task_approve"' <(dana_tasks)
answer=$(dana_tasks)
task=$(json_field key "$answer")
ORDO_API_KEY=$dana_key run "$ordo" task list --mine
ORDO_API_KEY=$dana_key run "$ordo" task complete "$task" --vars '{"approved":true,"comment":"fine"}'
instance_completed() { "$ordo" instance show "$inst" --json | grep -q '"state":"completed"'; }
wait_for 30 "the instance to complete" instance_completed
run "$ordo" instance show "$inst"

say "== 4. onboarding without credentials: an incident that says what to set"
answer=$("$ordo" instance start onboarding --json --vars '{"employee_id":"102"}')
onb=$(json_field key "$answer")
[[ -n $onb ]] || die "no instance key in the answer of ordo instance start onboarding"
no_credential() {
    "$ordo" incident list --json | grep -q 'no credential \\"default\\" for connector bamboohr'
}
wait_for 30 "the onboarding instance's incident" no_credential
run "$ordo" incident list

say "== 5. audit chain, then SIGTERM"
wait_for 30 "the audit chain to verify" "$ordo" audit verify
run "$ordo" audit verify
kill -TERM "$pid"
t0=$(now_us)
status=0
for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$pid" 2>/dev/null && die "ordo serve did not stop within 15 s of SIGTERM"
wait "$pid" || status=$?
pid=
((status == 0)) || die "ordo serve exited with status $status after SIGTERM"
say "stopped in $(fmt_secs $(($(now_us) - t0))) s; the quick start works"
