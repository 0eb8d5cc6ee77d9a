#!/usr/bin/env bash
# scripts/run.sh - the run command: build Ordo and run it, from a fresh Debian 12 clone.
#
# Usage: scripts/run.sh [--no-deps] [FILE.bpmn]
#   --no-deps  do not check or install Debian packages (also ORDO_SKIP_DEPS=1)
#   FILE.bpmn  the process to show (default: examples/onboarding.bpmn)
#
# Until the server exists, "running Ordo" means the CLI on an example process:
#   1. install the missing Debian packages (scripts/install-deps.sh; root, or sudo)
#   2. check for Node.js >= 20 (the web UI will need it; an older one only prints a notice)
#   3. build the release preset: cmake --preset release && cmake --build --preset release
#   4. build/release/bin/ordo bpmn lint FILE    (findings by rule id; exit 1 on errors)
#   5. build/release/bin/ordo bpmn fmt FILE     (the file re-written as canonical BPMN 2.0 XML)
#   6. build/release/bin/ordo run FILE ...      (the process run in memory, with answers)
#   7. build/release/bin/ordo migrate           (the embedded PostgreSQL in ./ordo-data, created
#      on first use; as root it runs as user 'ordo', which this step creates when missing)
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

deps=1
[[ ${ORDO_SKIP_DEPS:-0} == 1 ]] && deps=0
file=
while (($#)); do
    case $1 in
    --no-deps) deps=0 ;;
    -h | --help)
        print_usage "$0"
        exit 0
        ;;
    -*) die "unknown option '$1' (try --help)" ;;
    *)
        [[ -z $file ]] || die "one file at a time (got '$file' and '$1')"
        file=$(realpath -- "$1")
        ;;
    esac
    shift
done
cd "$ORDO_ROOT"
file=${file:-$ORDO_ROOT/examples/onboarding.bpmn}
show=${file#"$ORDO_ROOT"/}

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
    notice "$NODE_PROBLEM. Ordo's CLI does not need it, but the web UI (coming later) and the oracle and browser tests do: install Node.js $ORDO_NODE_MIN or newer."
fi

say "== 3. Build (release preset)"
run cmake --preset release >/dev/null
run cmake --build --preset release -j "$(ordo_jobs)"
ordo=build/release/bin/ordo
[[ -x $ordo ]] || die "the build did not produce $ordo"
run "$ordo" version

[[ -f $file ]] || die "$show not found"
say "== 4. Lint $show"
status=0
run "$ordo" bpmn lint "$show" || status=$?

say "== 5. Format $show (canonical BPMN 2.0 XML on stdout)"
run "$ordo" bpmn fmt "$show" || status=$?

say "== 6. Run $show in memory: a Jira ticket, the manager approves, to the end"
run "$ordo" run "$show" --vars '{"employee_name":"Ada Lovelace"}' \
    --job 'jira.create_issue={"key":"OPS-42"}' --answer 'Task_approve_laptop={"approved":true}' \
    --trace text || status=$?

say "== 7. The embedded database in ./ordo-data (docs/embedded-database.md)"
if ((EUID == 0)) && ! id -u ordo >/dev/null 2>&1; then
    run useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ordo
fi
run "$ordo" migrate --log-level warn || status=$?
say
if ((status == 0)); then
    say "Done. Try: $ordo help run; $ordo bpmn lint --json $show; $ordo run $show --trace json"
else
    say "run.sh: ordo exited with status $status (see above)"
fi
exit "$status"
