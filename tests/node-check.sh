# shellcheck shell=bash
# tests/node-check.sh - sourced by the runners of the Node.js tests (tests/oracle/run.sh,
# tests/compat/run.sh, tests/ui/run.sh): skip a test visibly when what it needs is missing.
#
#   node_check KIND NAME DIR PACKAGE...
#
# exits 77 (ctest's SKIP_RETURN_CODE) with "NOTICE: KIND NAME skipped: why" when
# ORDO_SKIP_NODE=1, when node is missing or older than 20, or when one of the npm PACKAGEs is not
# installed in DIR/node_modules; returns otherwise.
node_skip() {
    echo "NOTICE: $1 $2 skipped: $3"
    exit 77
}

node_check() {
    local kind=$1 name=$2 dir=$3 major pkg
    shift 3
    [[ ${ORDO_SKIP_NODE:-0} == 1 ]] && node_skip "$kind" "$name" "ORDO_SKIP_NODE=1 (Node.js 20 or newer is needed)"
    command -v node >/dev/null || node_skip "$kind" "$name" "node is not installed (Node.js 20 or newer is needed)"
    major=$(node -p 'process.versions.node.split(".")[0]')
    ((major >= 20)) || node_skip "$kind" "$name" "Node.js $(node --version) is older than 20"
    for pkg in "$@"; do
        [[ -d $dir/node_modules/$pkg ]] ||
            node_skip "$kind" "$name" "npm package $pkg missing: run 'npm ci' in ${dir#"${ORDOTEST_SOURCE_DIR:-}"/} (scripts/test.sh does)"
    done
}
