#!/usr/bin/env bash
# scripts/backup.sh and scripts/restore.sh end to end (issue 11) on the ctest cluster
# (tests/pg/cluster.sh, ORDOTEST_PG_ENV): real data put in by `ordo serve` (the quick start
# deployed, two instances started, a credential stored, the audit sealed), backed up with
# backup.sh --database-url, restored into a fresh empty database with restore.sh. Checks: the same
# rows in definition, instance, audit and audit_seal; `ordo audit verify` passes on the copy with
# the server's signing key pinned; neither the master key, the signing key nor the credential's
# secret is readable in the dump; backup.sh refuses an existing file without --force; restore.sh
# refuses (changing nothing) a database holding Ordo's tables without --force, and a file that is
# not a pg_dump archive. A restore into a second cluster of the test's own, whose transaction
# counter is behind the backup's, advances it, and the audit rows a server writes there are sealed
# and verify. No tool gets a password on its command line (wrappers in ORDO_PG_BIN record what
# they got), and restore.sh takes the database from ORDO_DATABASE_URL_FILE. Skipped (77) when the
# cluster's template is not migrated.
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
src=${ORDOTEST_SOURCE_DIR:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=pglib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/pglib.sh"

backup=$src/scripts/backup.sh
restore=$src/scripts/restore.sh
db_src=backup_src_$$
db_dst=backup_dst_$$
db_empty=backup_empty_$$
admin_key=backup-admin-key-$(random_hex 8)
master_key=$(random_hex 32)
signing_key=$(random_hex 32)
secret=SECRET-backup-$(random_hex 8)
url() { pg_url "$@"; }

cleanup() {
    spsql postgres -c "DROP DATABASE IF EXISTS $db_src WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS $db_dst WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS $db_empty WITH (FORCE)" >/dev/null 2>&1
}
cleanup_hooks+=(cleanup)

# counts DB: the rows that must survive, one line.
counts() {
    spsql "$1" -F ' ' -c "SELECT (SELECT count(*) FROM definition), (SELECT count(*) FROM instance),
        (SELECT count(*) FROM audit), (SELECT count(*) FROM audit_seal),
        (SELECT count(*) FROM credential), (SELECT coalesce(max(seq), 0) FROM audit)"
}

api() { # api METHOD PATH [BODY]: the admin's request; the answer's body on stdout
    curl -fsS -X "$1" -H "Authorization: Bearer $admin_key" -H "Content-Type: application/json" \
        ${3:+--data-binary "$3"} "$base$2"
}

spsql postgres -c "CREATE DATABASE $db_src TEMPLATE ordo_template OWNER ordo_owner" \
    -c "CREATE DATABASE $db_dst OWNER ordo_owner" \
    -c "CREATE DATABASE $db_empty OWNER ordo_owner" >/dev/null || {
    echo "test_backup: could not create the databases"
    exit 1
}

# The source cluster's transaction counter well ahead of a new cluster's (below, the restore into
# another cluster must move that one's past the backup's audit rows).
spsql postgres -c "DO \$\$ BEGIN FOR i IN 1..20000 LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END \$\$" ||
    fail "could not advance the source cluster's transaction ids"

# ---- real data, written by the server ----------------------------------------------------------
mkdir "$tmp/data"
serve_start serve ORDO_DATABASE_URL="$(url "$db_src")" ORDO_MIGRATE_DATABASE_URL="$(url "$db_src" ordo_owner)" \
    ORDO_ADMIN_KEY="$admin_key" ORDO_MASTER_KEY="$master_key" ORDO_AUDIT_SIGNING_KEY="$signing_key" \
    ORDO_DATA_DIR="$tmp/data" || {
    finish test_backup
    exit
}
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $admin_key" \
    -H "Content-Type: application/xml" --data-binary "@$src/examples/quickstart.bpmn" \
    "$base/api/deployments" || fail "deploy quickstart"
for item in laptop desk; do
    api POST /api/instances "{\"processId\":\"quickstart\",\"variables\":{\"item\":\"$item\"}}" \
        >/dev/null || fail "start instance ($item)"
done
api PUT /api/credentials/jira/backup \
    "{\"config\":{\"base_url\":\"https://jira.example\",\"email\":\"ops@example.com\"},\"secret\":{\"api_token\":\"$secret\"}}" \
    >/dev/null || fail "store a credential"
# Wait until every audit row is sealed, so the copy's verify checks signatures, not only hashes.
for ((i = 0; i < 300; i++)); do
    [[ $(spsql "$db_src" -c "SELECT (SELECT count(*) FROM audit) = (SELECT coalesce(sum(nrows), 0) FROM audit_seal)
        AND EXISTS (SELECT 1 FROM audit_seal)") == t ]] && break
    sleep 0.1
done
serve_stop serve
signer=$(sed -n 's/.*"msg":"audit sealer started".*"signer":"\([0-9a-f]*\)".*/\1/p' "$tmp/serve.err" | head -n 1)
[[ -n $signer ]] || fail "the server's log names no signer"
before=$(counts "$db_src")
read -r n_def n_inst n_audit n_seal n_cred _ <<<"$before"
((n_def >= 1 && n_inst == 2 && n_audit > 0 && n_seal > 0 && n_cred == 1)) ||
    fail "the source database lacks the data the test put in: $before"

# ---- backup ---------------------------------------------------------------------------------------
dump=$tmp/dumps/ordo.dump
mkdir "$tmp/dumps"
expect 0 "backup" -- bash "$backup" --database-url "$(url "$db_src" ordo_owner)" -o "$dump"
has out "wrote $dump" "backup: the size line"
has out "NOT in this backup: the master key" "backup: the master-key reminder"
[[ $(stat -c %a "$dump" 2>/dev/null) == 600 ]] || fail "backup: the dump is not mode 0600"
[[ -z $(find "$tmp/dumps" -name '.ordo.dump.*') ]] || fail "backup: a temporary file was left"
sum=$(md5sum <"$dump")

expect 1 "backup onto an existing file" -- bash "$backup" --database-url "$(url "$db_src" ordo_owner)" -o "$dump"
has err "exists" "backup: the existing file is named"
[[ $(md5sum <"$dump") == "$sum" ]] || fail "backup without --force changed the existing file"
expect 0 "backup --force" -- bash "$backup" --database-url "$(url "$db_src" ordo_owner)" -o "$dump" --force
expect 2 "backup with both sources" -- bash "$backup" --data-dir "$tmp/data" --database-url x -o "$tmp/x.dump"
expect 1 "backup of a data dir without a database" -- bash "$backup" --data-dir "$tmp/data" -o "$tmp/x.dump"
has err "holds no embedded database" "backup: no embedded database"
[[ ! -e $tmp/x.dump ]] || fail "a failed backup left a file"

# No key and no secret in the dump: its plain SQL form holds every row.
"$ORDOTEST_PG_BIN/pg_restore" -f "$tmp/dump.sql" "$dump" || fail "pg_restore -f of the dump"
has "$tmp/dump.sql" "COPY public.audit " "the SQL form holds the audit rows"
lacks "$tmp/dump.sql" "$master_key" "the master key is not in the dump"
lacks "$tmp/dump.sql" "$signing_key" "the audit signing key is not in the dump"
lacks "$tmp/dump.sql" "$secret" "the credential's secret is not in the dump in clear"

# ---- restore into an empty database --------------------------------------------------------------
expect 0 "restore into an empty database" -- bash "$restore" --ordo "$ordo" \
    --database-url "$(url "$db_dst")" --migrate-database-url "$(url "$db_dst" ordo_owner)" "$dump"
has out "ordo migrate" "restore: migrates"
after=$(counts "$db_dst")
[[ $after == "$before" ]] || fail "restored rows differ: source '$before', copy '$after'"
expect 0 "audit verify on the copy" -- "$ordo" audit verify --public-key "$signer" \
    --database-url "$(url "$db_dst")"
# The application role got its privileges back from the migration: it may add audit rows, not
# delete them.
spsql "$db_dst" -c "SET ROLE ordo_app" -c "SELECT count(*) FROM instance" >/dev/null ||
    fail "the application role cannot read the restored instances"

# ---- refusals ---------------------------------------------------------------------------------------
expect 1 "restore into a database holding Ordo's tables" -- bash "$restore" --ordo "$ordo" \
    --database-url "$(url "$db_src" ordo_owner)" "$dump"
has err "not empty" "restore: the refusal says why"
has err "--force" "restore: the refusal names --force"
[[ $(counts "$db_src") == "$before" ]] || fail "a refused restore changed the target"

printf 'this is not a backup\n' >"$tmp/junk.dump"
expect 1 "restore of a file that is not an archive" -- bash "$restore" --ordo "$ordo" \
    --database-url "$(url "$db_empty" ordo_owner)" "$tmp/junk.dump"
has err "is not a pg_dump custom-format archive" "restore: names the problem"
[[ $(spsql "$db_empty" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0 ]] ||
    fail "a refused archive changed the target"
expect 1 "restore of a missing file" -- bash "$restore" --ordo "$ordo" \
    --database-url "$(url "$db_empty" ordo_owner)" "$tmp/missing.dump"
expect 2 "restore without --database-url" -- bash "$restore" --ordo "$ordo" "$dump"

# --force replaces: the source, restored over itself after a change, is as it was at the backup.
spsql "$db_src" -c "DELETE FROM credential" >/dev/null
expect 0 "restore --force over Ordo's tables" -- bash "$restore" --ordo "$ordo" --force \
    --database-url "$(url "$db_src")" --migrate-database-url "$(url "$db_src" ordo_owner)" "$dump"
[[ $(counts "$db_src") == "$before" ]] || fail "restore --force: rows differ from the backup"

# ---- restore into another cluster, whose transaction counter is behind the backup's --------------
# The audit chain is sealed in transaction-id order: unless restore.sh moves the new cluster's
# counter past the backup's newest audit row, the rows a server writes there are never sealed and
# `ordo audit verify` fails.
pg2_state=$tmp/pg2.state
stop_pg2() { bash "$src/tests/pg/cluster.sh" stop "$pg2_state" >/dev/null 2>&1; }
cleanup_hooks+=(stop_pg2)
if bash "$src/tests/pg/cluster.sh" start "$pg2_state" "$ordo" >"$tmp/pg2.log" 2>&1; then
    pg2_url() { # pg2_url USER: the restored database on the second cluster
        # shellcheck source=/dev/null
        (. "$pg2_state" && echo "host=$ORDOTEST_PG_HOST port=$ORDOTEST_PG_PORT dbname=restored user=$1")
    }
    pg2_psql() {
        psql -X -qAt -d "$(pg2_url postgres)" "$@"
    }
    psql -X -qAt -d "$(pg2_url postgres | sed 's/dbname=restored/dbname=postgres/')" \
        -c "CREATE DATABASE restored OWNER ordo_owner" >/dev/null || fail "second cluster: create the database"
    [[ $(pg2_psql -c "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint < $(spsql "$db_src" -c "SELECT max(tx)::text FROM audit")") == t ]] ||
        fail "the second cluster's transaction counter is not behind the backup's (the test proves nothing)"
    expect 0 "restore into another cluster" -- bash "$restore" --ordo "$ordo" \
        --database-url "$(pg2_url ordo_app)" --migrate-database-url "$(pg2_url ordo_owner)" "$dump"
    has out "advancing the cluster's transaction ids" "restore: the counter is advanced"
    serve_start serve2 ORDO_DATABASE_URL="$(pg2_url ordo_app)" ORDO_MIGRATE_DATABASE_URL="$(pg2_url ordo_owner)" \
        ORDO_ADMIN_KEY="$admin_key" ORDO_MASTER_KEY="$master_key" ORDO_AUDIT_SIGNING_KEY="$signing_key" \
        ORDO_DATA_DIR="$tmp/data"
    api POST /api/instances '{"processId":"quickstart","variables":{"item":"chair"}}' >/dev/null ||
        fail "start an instance on the restored copy"
    sealed=f
    for ((i = 0; i < 300; i++)); do
        sealed=$(pg2_psql -c "SELECT (SELECT count(*) FROM audit) = (SELECT coalesce(sum(nrows), 0) FROM audit_seal)
            AND (SELECT count(*) FROM audit) > ${n_audit:-0}")
        [[ $sealed == t ]] && break
        sleep 0.1
    done
    [[ $sealed == t ]] || fail "the audit rows written after the restore were not all sealed within 30 s"
    serve_stop serve2
    expect 0 "audit verify on the other cluster, with new rows" -- "$ordo" audit verify \
        --public-key "$signer" --database-url "$(pg2_url ordo_app)"
else
    fail "could not start a second cluster: $(tail -n 5 "$tmp/pg2.log")"
fi

# ---- passwords stay off command lines ------------------------------------------------------------
# Wrappers in ORDO_PG_BIN record each tool's arguments (what ps shows every user) and the
# PGPASSWORD it got, then run the real tool. The cluster trusts local connections, so the
# password is carried, not checked.
real_bin=$(bash -c '. "$1/scripts/lib.sh" && pg_bin pg_dump pg_restore psql' _ "$src")
mkdir -p "$tmp/pgwrap"
for tool in pg_dump pg_restore psql; do
    cat >"$tmp/pgwrap/$tool" <<EOF
#!/bin/sh
printf '%s\n' "\$0 \$*" >>'$tmp/argv.log'
printf '%s\n' "\${PGPASSWORD-}" >>'$tmp/pgpassword.log'
exec '$real_bin/$tool' "\$@"
EOF
    chmod +x "$tmp/pgwrap/$tool"
done
cat >"$tmp/pgwrap/ordo" <<EOF
#!/bin/sh
printf '%s\n' "\${PGPASSWORD-}" >>'$tmp/ordo-pgpassword.log'
exec '$ordo' "\$@"
EOF
chmod +x "$tmp/pgwrap/ordo"
tag=$(random_hex 4)
pw_kv="k'v w\\x-$tag" # a quote, a space and a backslash: quoted in key=value
pw_kv_quoted=${pw_kv//\\/\\\\}
pw_kv_quoted=${pw_kv_quoted//\'/\\\'}
expect 0 "backup with a password in a key=value string" -- env ORDO_PG_BIN="$tmp/pgwrap" \
    bash "$backup" --database-url "$(url "$db_src" ordo_owner) password='$pw_kv_quoted'" \
    -o "$tmp/pw.dump"
has pgpassword.log "$pw_kv" "backup: pg_dump gets the password, unquoted, in PGPASSWORD"
lacks out "$tag" "backup: its output shows no part of the password"
lacks err "$tag" "backup: its messages show no part of the password"
pw_uri="p@ss:w/rd-$tag" # percent-encoded in the URI
host_enc=$(jq -rn --arg h "$ORDOTEST_PG_HOST" '$h | @uri')
printf 'postgresql://ordo_owner:p%%40ss%%3Aw%%2Frd-%s@/%s?host=%s&port=%s\n' "$tag" "$db_empty" \
    "$host_enc" "$ORDOTEST_PG_PORT" >"$tmp/url"
expect 0 "restore with a password in a URI, given in ORDO_DATABASE_URL_FILE" -- \
    env ORDO_PG_BIN="$tmp/pgwrap" ORDO_DATABASE_URL_FILE="$tmp/url" \
    bash "$restore" --ordo "$tmp/pgwrap/ordo" "$tmp/pw.dump"
has pgpassword.log "$pw_uri" "restore: psql and pg_restore get the decoded password in PGPASSWORD"
lacks out "$tag" "restore: its output shows no part of the password"
[[ -s $tmp/ordo-pgpassword.log ]] || fail "restore: ordo migrate did not run through the wrapper"
lacks ordo-pgpassword.log "$tag" "restore: ordo migrate does not get the owner's password in PGPASSWORD"
lacks err "$tag" "restore: its messages show no part of the password"
has argv.log "pg_dump" "the wrappers ran pg_dump"
has argv.log "pg_restore" "the wrappers ran pg_restore"
lacks argv.log "$tag" "no tool had a password on its command line"
[[ $(counts "$db_empty") == "$before" ]] || fail "the restore through ORDO_DATABASE_URL_FILE: rows differ"

finish test_backup
