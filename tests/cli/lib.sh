# shellcheck shell=bash
# tests/cli/lib.sh - what the command-line tests share: a scratch folder ($tmp, removed on
# exit after the functions in cleanup_hooks run), the check counters and the checks.
# Source it after `set -uo pipefail`. has/lacks take a file under $tmp ("out", "err") or a
# path starting with '/'.
tmp=$(mktemp -d)
cleanup_hooks=()
failures=0 checks=0

_cli_lib_exit() {
    local hook
    for hook in "${cleanup_hooks[@]}"; do
        "$hook"
    done
    rm -rf "$tmp"
}
trap _cli_lib_exit EXIT

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

_cli_lib_path() {
    if [[ $1 == /* ]]; then echo "$1"; else echo "$tmp/$1"; fi
}

# expect CODE DESCRIPTION -- COMMAND...: run, keep stdout and stderr in $tmp/out and
# $tmp/err, check the exit code.
expect() {
    local want=$1 what=$2
    shift 3
    checks=$((checks + 1))
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    [[ $got == "$want" ]] ||
        fail "$what: exit $got, expected $want; stderr: $(head -c 600 "$tmp/err"); stdout: $(head -c 600 "$tmp/out")"
}

has() { # has FILE TEXT DESCRIPTION
    local f
    f=$(_cli_lib_path "$1")
    checks=$((checks + 1))
    grep -qF -- "$2" "$f" || fail "$3: no \"$2\" in $1: $(head -c 600 "$f")"
}

lacks() { # lacks FILE TEXT DESCRIPTION
    local f
    f=$(_cli_lib_path "$1")
    checks=$((checks + 1))
    ! grep -qF -- "$2" "$f" || fail "$3: unexpected \"$2\" in $1"
}

# finish NAME [DETAIL]: the summary line; the script's exit status.
finish() {
    echo "$1: $((checks - failures)) passed, $failures failed${2:+ ($2)}"
    ((failures == 0))
}
