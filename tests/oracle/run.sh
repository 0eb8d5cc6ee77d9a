#!/usr/bin/env bash
# Run one oracle test (a Node.js script in this folder) under ctest, or skip
# it visibly: exit 77 (ctest's SKIP_RETURN_CODE) with a NOTICE when Node.js
# 20+ or the npm packages are missing, or ORDO_SKIP_NODE=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=$1
shift
skip() {
    echo "NOTICE: oracle test $script skipped: $*"
    exit 77
}
[[ ${ORDO_SKIP_NODE:-0} == 1 ]] && skip "ORDO_SKIP_NODE=1 (Node.js 20 or newer is needed)"
command -v node >/dev/null || skip "node is not installed (Node.js 20 or newer is needed)"
major=$(node -p 'process.versions.node.split(".")[0]')
((major >= 20)) || skip "Node.js $(node --version) is older than 20"
[[ -d $here/node_modules/bpmn-moddle && -d $here/node_modules/bpmnlint ]] ||
    skip "npm packages missing: run 'npm ci' in tests/oracle (scripts/test.sh does)"
exec node "$here/$script" "$@"
