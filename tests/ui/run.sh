#!/usr/bin/env bash
# Run one browser test script (in this folder) against the server named by ORDOTEST_URL, or skip
# visibly: exit 77 (ctest's SKIP_RETURN_CODE) with a NOTICE when Node.js 20+, the npm packages,
# Debian's chromium or the built UI are missing, or ORDO_SKIP_NODE=1. `run.sh --probe` only
# checks (tests/integration/test_compat.c asks before it starts a server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=$1
shift
# shellcheck source=../node-check.sh source-path=SCRIPTDIR
. "$here/../node-check.sh"
node_check "browser test" "${ORDOTEST_COMPAT_NAME:-$script}" "$here" playwright-core axe-core
skip() {
    node_skip "browser test" "${ORDOTEST_COMPAT_NAME:-$script}" "$1"
}
chromium=${ORDOTEST_CHROMIUM:-/usr/bin/chromium}
[[ -x $chromium ]] || skip "$chromium is missing: apt-get install chromium (scripts/install-deps.sh does)"
[[ -z ${ORDOTEST_UI_DIR:-} || -f ${ORDOTEST_UI_DIR}/index.html ]] ||
    skip "the web UI is not built in $ORDOTEST_UI_DIR: run scripts/build-ui.sh (scripts/test.sh does)"
[[ $script == --probe ]] && exit 0
exec node "$here/$script" "$@"
