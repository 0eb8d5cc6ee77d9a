#!/usr/bin/env bash
# scripts/restore.sh - restore a backup of scripts/backup.sh into an empty database, then bring
# it to the current schema with `ordo migrate`.
#
# Usage: scripts/restore.sh [--database-url URL] [--migrate-database-url URL] [--force]
#                           [--ordo BIN] FILE
#   --database-url URL   the database to restore into (libpq URI or key=value string); Ordo's
#                        database_url. It must exist (CREATE DATABASE ... OWNER ...). Default:
#                        ORDO_DATABASE_URL, or the file ORDO_DATABASE_URL_FILE names
#   --migrate-database-url URL  the same database as the role that owns the schema
#                        (migrate_database_url), when it differs from database_url: the restore
#                        and the migration then run as that role, and `ordo migrate` grants the
#                        application role of --database-url its privileges. Default:
#                        the --database-url; without either flag, ORDO_MIGRATE_DATABASE_URL
#                        (or its _FILE), else the database URL
#   --force              restore into a database that already holds Ordo's tables: every object
#                        of the backup is dropped and created anew (pg_restore --clean
#                        --if-exists). Without it, such a database is refused and left as it is
#   --ordo BIN           the ordo binary that migrates (default: ordo on PATH, else
#                        build/release/bin/ordo of this repository)
#   -h, --help           this text
#
# Steps: (1) FILE must be a pg_dump custom archive (pg_restore --list) holding Ordo's schema;
# (2) the target must hold none of the backup's tables, unless --force; (3) pg_restore in one
# transaction, without the backup's owners and privileges (objects belong to the restoring role;
# the migration grants the application role its share), so a failure changes nothing; (4) when
# the target cluster's transaction counter is behind the backup's newest audit row (a restore into
# another cluster), it is advanced past it: the audit chain is ordered by transaction id, and new
# rows must come after the sealed ones; (5) `ordo migrate`, as the backup may be older than ordo.
# A password in the connection strings reaches psql and pg_restore through PGPASSWORD and
# `ordo migrate` through its environment, never a command line. Stop Ordo's servers on the
# target database before restoring. The master key is not in the
# backup: give the restored server the one it had (docs/backup.md).
#
# Exit status: 0 restored and migrated; 1 refused or failed (before step 3 nothing is changed, a
# failed step 3 is rolled back); 2 bad usage.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The largest gap of transaction ids step 4 closes itself (about 75,000 ids per second, so some
# ten minutes at most); a larger one needs pg_resetwal (see the message).
XID_GAP_MAX=50000000

# psql on the target as the restoring role; extra arguments follow (-c SQL, -v NAME=VALUE).
tpsql() {
    "$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$pg_conn" "$@"
}

url=
owner_url=
force=0
ordo=
file=
while (($#)); do
    case $1 in
    --database-url | --migrate-database-url | --ordo)
        (($# >= 2)) || usage_error "$1 needs a value"
        case $1 in
        --database-url) url=$2 ;;
        --migrate-database-url) owner_url=$2 ;;
        --ordo) ordo=$2 ;;
        esac
        shift
        ;;
    --database-url=*) url=${1#*=} ;;
    --migrate-database-url=*) owner_url=${1#*=} ;;
    --ordo=*) ordo=${1#*=} ;;
    --force) force=1 ;;
    -h | --help)
        print_usage "$0"
        exit 0
        ;;
    -*) usage_error "unknown option '$1'" ;;
    *)
        [[ -z $file ]] || usage_error "one backup file only ('$file', then '$1')"
        file=$1
        ;;
    esac
    shift
done
# The environment only when no flag names a database: a flag and an ORDO_* variable left in the
# shell must never mix into a restore that migrates one database and fills another.
if [[ -z $url && -z $owner_url ]]; then
    url=$(env_setting ORDO_DATABASE_URL)
    owner_url=$(env_setting ORDO_MIGRATE_DATABASE_URL)
fi
[[ -n $url ]] || usage_error "--database-url (or ORDO_DATABASE_URL) is required: the database to restore into"
[[ -n $file ]] || usage_error "name the backup file to restore"
[[ -n $owner_url ]] || owner_url=$url
pg_conn_split "$owner_url"
if [[ -n $pg_pass ]]; then
    # For psql and pg_restore only: `ordo migrate` reads both URLs' own passwords, and must not
    # try the owner's for the application role. A PGPASSWORD of the caller's is given back to it.
    caller_pgpassword=${PGPASSWORD-}
    caller_had_pgpassword=${PGPASSWORD+1}
    export PGPASSWORD=$pg_pass
fi
if [[ -z $ordo ]]; then
    if command -v ordo >/dev/null 2>&1; then
        ordo=$(command -v ordo)
    else
        ordo=$ORDO_ROOT/build/release/bin/ordo
    fi
fi
[[ -x $ordo ]] || die "no ordo binary at $ordo (build it, put it on PATH, or name it with --ordo)"
pgbin=$(pg_bin pg_restore psql)
t0=$(now_us)

# ---- 1. the archive ------------------------------------------------------------------------------
[[ -f $file && -r $file ]] || die "cannot read $file"
if ! toc=$("$pgbin/pg_restore" --list "$file" 2>&1); then
    die "$file is not a pg_dump custom-format archive (scripts/backup.sh writes one): $(head -n 2 <<<"$toc")"
fi
# Table lines of the table of contents: "215; 1259 16390 TABLE public api_key ordo_owner".
tables=$(awk '$4 == "TABLE" { print $5 "." $6 }' <<<"$toc" | sort -u | paste -sd, -)
[[ ,$tables, == *,public.ordo_schema_version,* ]] ||
    die "$file holds no Ordo database (no table ordo_schema_version)"

# ---- 2. the target ---------------------------------------------------------------------------------
say "restoring $file into $(redact "$owner_url")"
tpsql -c 'SELECT 1' >/dev/null || die "cannot connect to $(redact "$owner_url")"
present=$(tpsql -v tables="$tables" <<'SQL'
SELECT coalesce(string_agg(t, ', ' ORDER BY t), '')
FROM unnest(string_to_array(:'tables', ',')) AS t
WHERE to_regclass(quote_ident(split_part(t, '.', 1)) || '.' || quote_ident(split_part(t, '.', 2)))
      IS NOT NULL
SQL
)
clean=()
if [[ -n $present ]]; then
    if ((force == 0)); then
        die "the target database is not empty: it holds $(tr ',' '\n' <<<"$present" | wc -l) of the backup's tables (such as $(cut -d, -f1 <<<"$present")). Restore into an empty database, or replace them with --force; nothing was changed"
    fi
    say "--force: the backup's objects in the target are dropped and created anew"
    clean=(--clean --if-exists)
fi

# ---- 3. pg_restore ----------------------------------------------------------------------------------
say "pg_restore (one transaction) ..."
if ! "$pgbin/pg_restore" --no-owner --no-acl --single-transaction --exit-on-error \
    ${clean[@]+"${clean[@]}"} -d "$pg_conn" "$file"; then
    die "pg_restore failed (see its message above); the transaction was rolled back, nothing was changed"
fi

# ---- 4. transaction ids ------------------------------------------------------------------------------
# The sealer seals rows after the newest seal (which purged rows may no longer show) in (tx, seq) order, and only rows whose tx is below
# every running transaction (docs/audit.md). In a cluster whose counter is behind the backup's,
# new rows would get ids inside the sealed part of the chain: never sealed, and verify fails.
read -r next newest < <(tpsql -F ' ' -c "SELECT pg_snapshot_xmax(pg_current_snapshot())::text,
    greatest((SELECT max(tx) FROM audit), (SELECT max(last_tx) FROM audit_seal), '0'::xid8)::text")
gap=$(awk -v a="$newest" -v b="$next" 'BEGIN { d = a - b + 1; printf "%.0f\n", (d > 0 ? d : 0) }')
if [[ $gap != 0 ]]; then
    if ((gap > XID_GAP_MAX)); then
        die "the target cluster's next transaction id ($next) is $gap behind the backup's newest audit row ($newest): new audit rows would fall into the sealed chain. Advance it before starting Ordo: stop that PostgreSQL and run pg_resetwal -x (and -e for the epoch, the id's high 32 bits) with an id above $newest (see docs/backup.md); the data is restored"
    fi
    say "advancing the cluster's transaction ids by $gap, past the backup's newest audit row ($newest) ..."
    tpsql -c "SET synchronous_commit = off" -c "DO \$\$ BEGIN
        WHILE pg_snapshot_xmax(pg_current_snapshot()) <= '$newest'::xid8 LOOP
            PERFORM pg_current_xact_id();
            COMMIT;
        END LOOP;
    END \$\$" || die "could not advance the transaction ids; the data is restored, run this again with --force"
fi

# ---- 5. migrate ---------------------------------------------------------------------------------------
# Both URLs through the environment (a password in them stays out of the process list), replacing
# any ORDO_*DATABASE_URL and their _FILE forms, which could name another database.
say "ordo migrate ..."
unset ORDO_DATABASE_URL_FILE ORDO_MIGRATE_DATABASE_URL_FILE
if [[ -n $pg_pass ]]; then
    if [[ -n ${caller_had_pgpassword:-} ]]; then
        PGPASSWORD=$caller_pgpassword
    else
        unset PGPASSWORD
    fi
fi
ORDO_DATABASE_URL=$url ORDO_MIGRATE_DATABASE_URL=$owner_url "$ordo" migrate ||
    die "ordo migrate failed (see above); the data is restored, the schema may be older than $ordo expects"
say "restored $file in $(fmt_secs $(($(now_us) - t0))) s. Start Ordo with the master key it had when the backup was made (docs/backup.md)."
