#!/usr/bin/env bash
# `ordo secrets rotate` (issue 11, docs/operations.md) on the ctest cluster: `ordo serve` with
# master key A stores a connector credential, a github webhook endpoint's secret and an outbound
# subscription's secret. Then, with master key B:
#   - without A in master_key_old, the rotation fails and changes nothing;
#   - with it, every secret is sealed with B (key ids in the rows), one audit row per kind;
#   - a second run finds nothing left;
#   - `ordo serve` with B alone opens them: a webhook signed with the endpoint's secret is taken,
#     one signed with another key is refused, the credential's test reaches its service, and a
#     delivery to the subscription is signed and attempted.
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=pglib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/pglib.sh"

db=rotate_$$
admin_key=rotate-admin-key-$(random_hex 8)
key_a=$(random_hex 32)
key_b=$(random_hex 32)
signing_key=$(random_hex 32)
hook_secret=hook-secret-$(random_hex 8)

cleanup() {
    spsql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
}
cleanup_hooks+=(cleanup)

api() { # api METHOD PATH [BODY]: the admin's request; the answer's body on stdout
    curl -fsS -X "$1" -H "Authorization: Bearer $admin_key" -H "Content-Type: application/json" \
        ${3:+--data-binary "$3"} "$base$2"
}

# The key ids the secrets are sealed with, one line: credential, endpoint, subscription.
key_ids() {
    spsql "$db" -F ' ' -c "SELECT (SELECT string_agg(DISTINCT key_id, ',') FROM credential),
        (SELECT string_agg(DISTINCT secret_key_id, ',') FROM webhook_endpoint WHERE secret IS NOT NULL),
        (SELECT string_agg(DISTINCT secret_key_id, ',') FROM webhook_subscription)"
}

settings=(ORDO_DATABASE_URL="$(pg_url "$db")" ORDO_MIGRATE_DATABASE_URL="$(pg_url "$db" ordo_owner)"
    ORDO_ADMIN_KEY="$admin_key" ORDO_AUDIT_SIGNING_KEY="$signing_key" ORDO_DATA_DIR="$tmp/data"
    ORDO_HTTP_ALLOW=127.0.0.1/32 ORDO_HTTP_SCHEME=any)
spsql postgres -c "CREATE DATABASE $db TEMPLATE ordo_template OWNER ordo_owner" >/dev/null || {
    echo "test_secrets_rotate: could not create the database"
    exit 1
}
mkdir "$tmp/data"

# ---- secrets sealed with key A ------------------------------------------------------------------
serve_start serve-a "${settings[@]}" ORDO_MASTER_KEY="$key_a" || {
    finish test_secrets_rotate
    exit
}
api PUT /api/credentials/jira/rot \
    "{\"config\":{\"base_url\":\"http://127.0.0.1:9\",\"email\":\"ops@example.com\"},\"secret\":{\"api_token\":\"tok\"}}" \
    >/dev/null || fail "store a credential"
api PUT /api/webhooks/endpoints/rot-hook \
    "{\"scheme\":\"github\",\"action\":\"start\",\"processId\":\"nothing\",\"secret\":\"$hook_secret\"}" \
    >/dev/null || fail "store an endpoint secret"
api POST /api/webhooks/subscriptions \
    '{"url":"http://127.0.0.1:9/events","events":["instance.completed"]}' >/dev/null ||
    fail "make a subscription"
serve_stop serve-a
read -r cred_id hook_id sub_id <<<"$(key_ids)"
[[ -n $cred_id && $cred_id == "$hook_id" && $cred_id == "$sub_id" ]] ||
    fail "the three secrets should share key A's id: $cred_id $hook_id $sub_id"
id_a=$cred_id

rotate() { # rotate ENV...: ordo secrets rotate --json with the shared settings
    expect "$1" "$2" -- env "${settings[@]}" "${@:3}" "$ordo" secrets rotate --json
}

# ---- B without A: refused, nothing changed ------------------------------------------------------
rotate 1 "rotation without the old key" ORDO_MASTER_KEY="$key_b"
has err "master_key_old" "the refusal says to give the old key"
[[ $(key_ids) == "$id_a $id_a $id_a" ]] || fail "a refused rotation changed key ids: $(key_ids)"

# ---- B with A: every secret moves to B ----------------------------------------------------------
rotate 0 "rotation" ORDO_MASTER_KEY="$key_b" ORDO_MASTER_KEY_OLD="$key_a"
has out '"credentials": 1' "one credential rotated"
has out '"webhookSecrets": 2' "the endpoint's and the subscription's secrets rotated"
id_b=$(sed -n 's/.*"keyId": "\([^"]*\)".*/\1/p' "$tmp/out")
[[ -n $id_b && $id_b != "$id_a" ]] || fail "the new key id is not new: $id_b"
[[ $(key_ids) == "$id_b $id_b $id_b" ]] || fail "not every secret is on key B: $(key_ids)"
[[ $(spsql "$db" -c "SELECT count(*) FROM audit WHERE action IN ('credential.rotate', 'webhook.secrets.rotate')
    AND payload::json->>'key_id' = '$id_b'") == 2 ]] || fail "one audit row per kind of secret"

rotate 0 "a second rotation" ORDO_MASTER_KEY="$key_b" ORDO_MASTER_KEY_OLD="$key_a"
has out '"credentials": 0' "nothing left to rotate (credentials)"
has out '"webhookSecrets": 0' "nothing left to rotate (webhooks)"

# ---- key B alone opens them ---------------------------------------------------------------------
serve_start serve-b "${settings[@]}" ORDO_MASTER_KEY="$key_b" || {
    finish test_secrets_rotate
    exit
}
body='{"zen":"rotated"}'
hook() { # hook SECRET: the status of a github-signed delivery to rot-hook
    local sig
    sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1)
    curl -s -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: application/json" \
        -H "X-Hub-Signature-256: sha256=$sig" -H "X-GitHub-Delivery: d-$RANDOM" \
        --data-binary "$body" "$base/hooks/rot-hook"
}
status=$(hook "$hook_secret")
[[ $status == 2* ]] || fail "a delivery signed with the rotated secret answered $status"
status=$(hook "not-$hook_secret")
[[ $status == 401 ]] || fail "a delivery signed with another secret answered $status"
# The credential's test opens it, then calls the (absent) service: any answer but a decrypt error.
answer=$(curl -sS -X POST -H "Authorization: Bearer $admin_key" "$base/api/credentials/jira/rot/test")
[[ -n $answer && $answer != *decrypt* ]] || fail "the credential did not open with key B: $answer"
# The subscription's secret signs a delivery: an instance that ends makes one, and its attempt
# fails at the (absent) receiver, after signing, not at opening the secret.
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $admin_key" -H "Content-Type: application/xml" \
    --data-binary "@${ORDOTEST_SOURCE_DIR:?}/tests/integration/bpmn/straight.bpmn" "$base/api/deployments" ||
    fail "deploy straight.bpmn"
api POST /api/instances '{"processId":"straight"}' >/dev/null || fail "start an instance"
attempt=
for ((i = 0; i < 300; i++)); do
    attempt=$(spsql "$db" -c "SELECT coalesce(error, 'status ' || status) FROM webhook_attempt LIMIT 1")
    [[ -n $attempt ]] && break
    sleep 0.1
done
[[ -n $attempt && $attempt != *decrypt* ]] ||
    fail "the subscription's delivery did not get past its secret with key B: '$attempt'"
serve_stop serve-b
lacks serve-b.err "decrypt" "the server with key B alone decrypted everything"

finish test_secrets_rotate
