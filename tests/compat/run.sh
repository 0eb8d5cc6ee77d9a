#!/usr/bin/env bash
# Run one compatibility script (Camunda's own clients, in this folder) against the
# server named by ORDOTEST_URL, or skip visibly: exit 77 (ctest's SKIP_RETURN_CODE) with
# a NOTICE when Node.js 20+ or the npm packages are missing, or ORDO_SKIP_NODE=1.
# `run.sh --probe` only checks (tests/integration/test_compat.c asks before it starts a
# server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=$1
shift
# shellcheck source=../node-check.sh source-path=SCRIPTDIR
. "$here/../node-check.sh"
node_check "compatibility test" "${ORDOTEST_COMPAT_NAME:-$script}" "$here" \
    camunda-external-task-client-js @camunda8/sdk
[[ $script == --probe ]] && exit 0
exec node "$here/$script" "$@"
