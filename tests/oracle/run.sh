#!/usr/bin/env bash
# Run one oracle test (a Node.js script in this folder) under ctest, or skip
# it visibly: exit 77 (ctest's SKIP_RETURN_CODE) with a NOTICE when Node.js
# 20+ or the npm packages are missing, or ORDO_SKIP_NODE=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
script=$1
shift
# shellcheck source=../node-check.sh source-path=SCRIPTDIR
. "$here/../node-check.sh"
node_check "oracle test" "$script" "$here" bpmn-moddle bpmnlint
exec node "$here/$script" "$@"
