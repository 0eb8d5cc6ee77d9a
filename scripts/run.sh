#!/usr/bin/env bash
# scripts/run.sh - the run command: build Ordo and run its server, from a fresh Debian 12 clone.
#
# Usage: scripts/run.sh [--no-deps] [-- SERVE-OPTIONS...]
#   --no-deps  do not check or install Debian packages (also ORDO_SKIP_DEPS=1)
#   -- ...     passed to `ordo serve` (for example: -- --port 9090 --listen-addr 0.0.0.0)
#
# Steps:
#   1. install the missing Debian packages (scripts/install-deps.sh; root, or sudo)
#   2. check for Node.js >= 20 (the web UI and the oracle tests need it; an older one only
#      prints a notice: the server runs without it)
#   3. build the release preset: cmake --preset release && cmake --build --preset release, and
#      the web UI into build/release/share/ordo/ui (scripts/build-release.sh, which calls
#      scripts/build-ui.sh; the UI needs npm)
#   4. exec build/release/bin/ordo serve: the REST API on http://127.0.0.1:8080 (ORDO_PORT,
#      ORDO_LISTEN_ADDR), the executor and the audit sealer, on the embedded PostgreSQL in the
#      data directory (ORDO_DATA_DIR; default ./ordo-data, or /var/lib/ordo as root, since
#      PostgreSQL runs as user 'ordo' and must reach it; this step creates that user when
#      missing). On its first start the server creates the admin and writes its API key to
#      DATA_DIR/initial-admin-key (mode 0600), unless ORDO_ADMIN_KEY gives one. It prints its
#      URL once it listens and stops cleanly on Ctrl-C or SIGTERM.
#
# Then, in another shell: export ORDO_URL=http://127.0.0.1:8080 ORDO_API_KEY=$(cat KEY_FILE);
# ordo deploy examples/quickstart.bpmn; ordo instance start quickstart (README, docs/cli.md).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

deps=1
[[ ${ORDO_SKIP_DEPS:-0} == 1 ]] && deps=0
serve_args=()
while (($#)); do
    case $1 in
    --no-deps) deps=0 ;;
    -h | --help)
        print_usage "$0"
        exit 0
        ;;
    --)
        shift
        serve_args=("$@")
        break
        ;;
    *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
done
cd "$ORDO_ROOT"

say "== 1. Debian packages"
if ((deps)); then
    bash scripts/install-deps.sh
else
    say "skipped (--no-deps)"
fi

say "== 2. Node.js"
if node_ok; then
    say "node $(node --version): fine for the web UI"
else
    notice "$NODE_PROBLEM. The server does not need it, but the web UI and the oracle and browser tests do: install Node.js $ORDO_NODE_MIN or newer."
fi

say "== 3. Build (release preset)"
# The same script builds the Docker image.
bash scripts/build-release.sh
ordo=$ORDO_ROOT/build/release/bin/ordo

say "== 4. ordo serve"
if ((EUID == 0)); then
    if ! id -u ordo >/dev/null 2>&1; then
        run useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ordo
    fi
    export ORDO_DATA_DIR=${ORDO_DATA_DIR:-/var/lib/ordo}
else
    export ORDO_DATA_DIR=${ORDO_DATA_DIR:-$ORDO_ROOT/ordo-data}
fi
mkdir -p "$ORDO_DATA_DIR"
if [[ -z ${ORDO_ADMIN_KEY:-} ]]; then
    say "data in $ORDO_DATA_DIR; the admin's API key is in $ORDO_DATA_DIR/initial-admin-key" \
        "(written on the first start)"
else
    say "data in $ORDO_DATA_DIR; the admin's API key is ORDO_ADMIN_KEY"
fi
say "the server prints its URL when it listens (the web UI is at /ui/); Ctrl-C stops it"
exec "$ordo" serve ${serve_args[@]+"${serve_args[@]}"}
