#!/usr/bin/env bash
# The `cmake --install` layout (issue 11), the tree the Docker image copies to /opt/ordo: it
# installs the build tree ($ORDOTEST_BUILD_DIR) into a scratch prefix under umask 002 and checks
# bin/ordo, bin/ordo-sandbox, one lib/ordo/connectors/NAME.so per connector of the build tree,
# share/ordo/ui/ when the build tree has the web UI, and that nothing is group- or
# world-writable (the plugin loader refuses such plugins, CONTRACTS §8). The installed `ordo`
# finds its plugins relative to itself from any working directory. With the test cluster
# (ORDOTEST_PG_ENV), the installed server runs as docker-compose.yml runs it (database URL,
# master, audit signing and admin keys from files) and the Dockerfile's HEALTHCHECK passes.
set -uo pipefail
build=${ORDOTEST_BUILD_DIR:?run through ctest}
src=${ORDOTEST_SOURCE_DIR:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prefix=$tmp/prefix
# A umask that would leave folders group-writable unless the install rules say otherwise.
expect 0 "cmake --install" -- bash -c "umask 002 && cmake --install '$build' --prefix '$prefix'"
for f in bin/ordo bin/ordo-sandbox; do
    checks=$((checks + 1))
    [[ -f $prefix/$f && -x $prefix/$f ]] || fail "$f is not installed as an executable"
done
connectors=()
for so in "$build"/lib/ordo/connectors/*.so; do
    connectors+=("$(basename "$so" .so)")
done
checks=$((checks + 1))
((${#connectors[@]} > 0)) || fail "the build tree has no connectors in lib/ordo/connectors"
for c in "${connectors[@]}"; do
    checks=$((checks + 1))
    [[ -f $prefix/lib/ordo/connectors/$c.so ]] || fail "lib/ordo/connectors/$c.so is not installed"
done
ui=0
if [[ -f $build/share/ordo/ui/index.html ]]; then
    ui=1
    checks=$((checks + 1))
    [[ -f $prefix/share/ordo/ui/index.html && -d $prefix/share/ordo/ui/vendor/bpmn-js ]] ||
        fail "the build tree has the web UI, the install has no share/ordo/ui/index.html and vendor/"
fi
checks=$((checks + 1))
writable=$(find "$prefix" -perm /022 -printf '%M %p\n')
[[ -z $writable ]] || fail "group- or world-writable in the install: $writable"

# The installed executable, run from elsewhere: version, and the plugins of its own tree.
ordo=$prefix/bin/ordo
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 1
expect 0 "ordo version" -- "$ordo" version
has out "ordo " "version line"
expect 0 "ordo connector list" -- "$ordo" connector list --json
for c in "${connectors[@]}"; do
    has out "\"$c\"" "connector list names $c"
done
lacks err "refus" "no plugin refused"

# The loader's refusal is what the permissions above guard against: a group-writable folder.
cp -a "$prefix" "$tmp/loose"
chmod g+w "$tmp/loose/lib/ordo/connectors"
expect 1 "a group-writable plugin folder" -- "$tmp/loose/bin/ordo" connector list
has err "writable" "the loader names the problem"

# ---- the installed server, configured as docker-compose.yml does it ----------------------------
state=${ORDOTEST_PG_ENV:-}
if [[ -z $state || ! -f $state ]]; then
    finish test_install "server part skipped: no test cluster (ORDOTEST_PG_ENV)"
    exit
fi
# shellcheck source=/dev/null
. "$state"
if [[ ${ORDOTEST_PG_MIGRATED:-0} != 1 ]]; then
    finish test_install "server part skipped: the template database is not migrated"
    exit
fi
db=test_install_$$
hpsql() { psql -X -h "$ORDOTEST_PG_HOST" -p "$ORDOTEST_PG_PORT" -U postgres -qAt "$@"; }
server_pid=
stop_all() {
    [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid"
    hpsql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
}
cleanup_hooks+=(stop_all)
hpsql -c "CREATE DATABASE $db TEMPLATE ordo_template OWNER ordo_owner" >/dev/null ||
    { fail "could not create database $db"; finish test_install; exit; }

mkdir -m 700 "$tmp/secrets"
printf 'host=%s port=%s user=ordo_owner dbname=%s\n' "$ORDOTEST_PG_HOST" "$ORDOTEST_PG_PORT" "$db" \
    >"$tmp/secrets/database_url"
openssl rand -hex 32 >"$tmp/secrets/master_key"
openssl rand -hex 24 >"$tmp/secrets/admin_key"
openssl rand -hex 32 >"$tmp/secrets/audit_signing_key"
chmod 600 "$tmp/secrets"/*
env -i PATH="$PATH" ORDO_DATABASE_URL_FILE="$tmp/secrets/database_url" \
    ORDO_MASTER_KEY_FILE="$tmp/secrets/master_key" ORDO_ADMIN_KEY_FILE="$tmp/secrets/admin_key" \
    ORDO_AUDIT_SIGNING_KEY_FILE="$tmp/secrets/audit_signing_key" \
    ORDO_DATA_DIR="$tmp/data" ORDO_PORT=0 ORDO_LOG_LEVEL=warn \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    "$ordo" serve >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
url=
for ((i = 0; i < 1200; i++)); do # 60 s: the sanitizer build starts slowly
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$tmp/serve.out" | head -n 1)
    [[ -n $url ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
done
checks=$((checks + 1))
if [[ -z $url ]]; then
    fail "the installed server did not start: $(cat "$tmp/serve.out" "$tmp/serve.err")"
    finish test_install
    exit
fi
port=${url##*:}

# The Dockerfile's HEALTHCHECK command, as Docker runs it (sh -c), with the server's port.
hc=$(sed -n '/^HEALTHCHECK/,/[^\\]$/p' "$src/Dockerfile" | tr -d '\\\n' | sed 's/.* CMD //')
has /dev/stdin "/readyz" "health check command" <<<"$hc"
expect 0 "the Dockerfile's HEALTHCHECK against the installed server" -- \
    env ORDO_PORT="$port" sh -c "$hc"
# And it fails when nothing answers, so a passing check means something.
expect 1 "the HEALTHCHECK with no server" -- env ORDO_PORT=1 sh -c "$hc"

# The admin key from the file works; the web UI is served from share/ordo/ui.
expect 0 "the admin key from ORDO_ADMIN_KEY_FILE" -- curl -fsS \
    -H "Authorization: Bearer $(cat "$tmp/secrets/admin_key")" "$url/api/definitions"
if ((ui)); then
    expect 0 "the installed web UI" -- curl -fsS "$url/ui/"
    has out "<html" "the UI's index.html"
fi

kill -TERM "$server_pid"
checks=$((checks + 1))
wait "$server_pid" || fail "the installed server did not stop cleanly: $(tail -n 20 "$tmp/serve.err")"
server_pid=
finish test_install
