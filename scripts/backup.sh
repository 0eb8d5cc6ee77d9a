#!/usr/bin/env bash
# scripts/backup.sh - an online backup of Ordo's database: pg_dump in its custom format.
#
# Usage: scripts/backup.sh [--data-dir DIR | --database-url URL] [-o FILE] [--force]
#   --data-dir DIR      back up the embedded database of data directory DIR, reached by its Unix
#                       socket in DIR/pg (docs/embedded-database.md); as root, pg_dump runs as the
#                       owner of DIR/pg. The database must be running (ordo serve or ordo worker)
#   --database-url URL  back up an external PostgreSQL (libpq URI or key=value string). Use a role
#                       that may read every table: the schema owner of migrate_database_url
#   -o FILE             the backup file (default: ordo-YYYYMMDD-HHMMSS.dump in the working
#                       directory, UTC). Written to a temporary file beside it, renamed when
#                       complete, mode 0600
#   --force             replace FILE when it exists (otherwise that is an error)
#   -h, --help          this text
# Without --data-dir and --database-url: ORDO_MIGRATE_DATABASE_URL, else ORDO_DATABASE_URL (each
# also as the file that its _FILE form names), else the data directory ORDO_DATA_DIR, else
# ./ordo-data (a config file is not read). A password in the connection string reaches pg_dump
# through PGPASSWORD, never its command line; ORDO_PG_BIN names PostgreSQL's bin folder when it
# is not under /usr/lib/postgresql.
#
# The dump is consistent (pg_dump reads one snapshot) and Ordo keeps running meanwhile. It holds
# every table, the stored connector credentials encrypted, but NOT the master key that decrypts
# them, nor the audit signing key, nor any other file of the data directory: the script ends by
# saying where those are, to be backed up separately (CONTRACTS §13). Restore with
# scripts/restore.sh. Details and how to test a restore: docs/backup.md.
#
# Exit status: 0 the backup is written; 1 it is not (FILE exists, the database cannot be reached,
# pg_dump failed: nothing is left behind); 2 bad usage.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 1234567 -> "1.2 MiB"
human_size() {
    awk -v n="$1" 'BEGIN { split("bytes KiB MiB GiB TiB", u, " "); i = 1
        while (n >= 1024 && i < 5) { n /= 1024; i++ }
        printf(i == 1 ? "%d %s\n" : "%.1f %s\n", n, u[i]) }'
}

data_dir=
url=
out=
force=0
while (($#)); do
    case $1 in
    --data-dir)
        (($# >= 2)) || usage_error "--data-dir needs a directory"
        data_dir=$2
        shift
        ;;
    --data-dir=*) data_dir=${1#*=} ;;
    --database-url)
        (($# >= 2)) || usage_error "--database-url needs a connection string"
        url=$2
        shift
        ;;
    --database-url=*) url=${1#*=} ;;
    -o)
        (($# >= 2)) || usage_error "-o needs a file name"
        out=$2
        shift
        ;;
    --force) force=1 ;;
    -h | --help)
        print_usage "$0"
        exit 0
        ;;
    *) usage_error "unknown argument '$1'" ;;
    esac
    shift
done
[[ -n $data_dir && -n $url ]] && usage_error "--data-dir and --database-url exclude each other"
if [[ -z $data_dir && -z $url ]]; then
    url=$(env_setting ORDO_MIGRATE_DATABASE_URL)
    [[ -n $url ]] || url=$(env_setting ORDO_DATABASE_URL)
    [[ -n $url ]] || data_dir=${ORDO_DATA_DIR:-./ordo-data}
fi
[[ -n $out ]] || out=ordo-$(date -u +%Y%m%d-%H%M%S).dump
[[ $out != -* ]] || usage_error "-o: '$out' looks like an option, not a file name"
[[ -d $out ]] && die "$out is a directory: -o takes a file name"
if [[ -e $out && $force == 0 ]]; then
    die "$out exists: choose another name, or replace it with --force"
fi
out_dir=$(dirname -- "$out")
[[ -d $out_dir && -w $out_dir ]] || die "cannot write into $out_dir (missing or not writable)"

pgbin=$(pg_bin pg_dump)
as_owner=()
if [[ -n $data_dir ]]; then
    [[ -d $data_dir ]] || die "data directory $data_dir does not exist"
    data_dir=$(cd "$data_dir" && pwd)
    sock_dir=$data_dir/pg
    [[ -d $sock_dir ]] || die "$sock_dir does not exist: $data_dir holds no embedded database"
    owner=$(stat -c %U "$sock_dir")
    # The socket folder is 0700: only its owner and root get in, and the database superuser has
    # the owner's name (docs/embedded-database.md). PostgreSQL refuses root as a user anyway.
    if ((EUID == 0)); then
        [[ $owner != root ]] || die "$sock_dir belongs to root, not to a database user"
        as_owner=(runuser -u "$owner" --)
    elif [[ $owner != "$(id -un)" ]]; then
        die "$sock_dir belongs to user '$owner': run this as '$owner' or as root"
    fi
    [[ -S $sock_dir/.s.PGSQL.5432 ]] ||
        die "the embedded database in $sock_dir is not running: start Ordo (ordo serve), or see docs/backup.md for a backup while it is stopped"
    url="host='${sock_dir//\'/\\\'}' port=5432 user=$owner dbname=ordo" # quoted: a folder may hold spaces
fi
pg_conn_split "$url"
[[ -z $pg_pass ]] || export PGPASSWORD=$pg_pass

# Everything the dump says about who may read it: it holds the application's data (API key
# hashes, encrypted credentials, process variables).
umask 077
tmp=$(mktemp "$out_dir/.$(basename -- "$out").XXXXXX")
trap 'rm -f -- "$tmp"' EXIT

t0=$(now_us)
say "backing up $(redact "$url") to $out with $("$pgbin/pg_dump" --version) ..."
# pg_dump writes to stdout, redirected here by this shell: the cluster's owner (as root) need not
# be able to write into the output folder. It runs from /, which that user may enter.
if ! (cd / && ${as_owner[@]+"${as_owner[@]}"} "$pgbin/pg_dump" -Fc -d "$pg_conn") >"$tmp"; then
    die "pg_dump failed (see its message above); nothing was written"
fi
"$pgbin/pg_restore" --list "$tmp" >/dev/null 2>&1 || die "pg_dump wrote no readable archive"
if ((force)); then
    mv -f -- "$tmp" "$out"
else
    # A hard link does not replace a file that appeared meanwhile (mv would, silently).
    ln -- "$tmp" "$out" 2>/dev/null || die "could not create $out (did it appear meanwhile?)"
    rm -f -- "$tmp"
fi
trap - EXIT
bytes=$(stat -c %s "$out")
say "wrote $out: $(human_size "$bytes") ($bytes bytes) in $(fmt_secs $(($(now_us) - t0))) s"

# CONTRACTS §13: the key that decrypts the credentials never goes into a dump; say where it is.
say ""
say "NOT in this backup: the master key, which decrypts the stored connector credentials. A"
say "restore without it leaves every credential unreadable. Back it up separately, apart from"
say "the dumps (another place, other access rights):"
if [[ -n $data_dir ]]; then
    if [[ -f $data_dir/master.key ]]; then
        say "  $data_dir/master.key"
    else
        say "  the master_key setting of this server ($data_dir/master.key does not exist)"
    fi
    if [[ -f $data_dir/audit-signing.key ]]; then
        say "and the audit signing key, to keep sealing with the same key: $data_dir/audit-signing.key"
    fi
else
    say "  the master_key setting of the server (ORDO_MASTER_KEY, or the file ORDO_MASTER_KEY_FILE${ORDO_MASTER_KEY_FILE:+ = $ORDO_MASTER_KEY_FILE}),"
    say "  with master_key_old if set; and audit_signing_key, to keep sealing with the same key"
fi
