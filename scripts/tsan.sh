#!/usr/bin/env bash
# scripts/tsan.sh - the threaded parts under ThreadSanitizer: builds the tsan preset (build/tsan)
# and runs the tests that exercise threads: the executor and the audit sealer (test_store,
# test_audit), several nodes on one database (test_nodes), the HTTP server with its waker and
# long polls (test_http, test_extjob), the draft workers (test_http_drafts) and the outbound
# webhook workers (test_wh_outbound), plus the engine (test_runtime). Servers that tests start are
# the TSan build of `ordo` too; a race report stops the process (halt_on_error), and the test
# that started it fails.
#
# Usage: scripts/tsan.sh [-j N] [-- CTEST_ARGS...]
#
# Called by scripts/test.sh (stage tsan). Needs what the test command needs (scripts/install-deps.sh).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TESTS='^(test_runtime|test_store|test_audit|test_nodes|test_http|test_extjob|test_http_drafts|test_wh_outbound)$'
ctest_args=()
while (($#)); do
    if common_opt "$@"; then
        shift "$common_shift"
        continue
    fi
    case $1 in
    --)
        shift
        ctest_args+=("$@")
        break
        ;;
    *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
done
cd "$ORDO_ROOT"

configure=(cmake --preset tsan -DORDO_WERROR=ON)
if [[ -n ${ORDO_CORPUS_DIR:-} ]]; then
    configure+=("-DORDO_CORPUS_DIR=$ORDO_CORPUS_DIR")
fi
run "${configure[@]}" >/dev/null
run cmake --build --preset tsan -j "$(ordo_jobs)"
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
# --no-tests=error: a renamed or unbuilt test must fail the stage, not make it pass empty.
run ctest --preset tsan -R "$TESTS" -j "$(ordo_jobs)" --no-tests=error ${ctest_args[@]+"${ctest_args[@]}"}
