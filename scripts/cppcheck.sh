#!/usr/bin/env bash
# scripts/cppcheck.sh - cppcheck over every C file of the build (compile_commands.json of
# build/asan), the warning, performance and portability checks. Exit 1 on any finding.
#
# Usage: scripts/cppcheck.sh [BUILD_DIR]   (default build/asan; it must have been configured)
#
# Two checks are off, because cppcheck 2.10 does not take ordo_oom() (base/arena.h, _Noreturn)
# as never returning, not even from a --library file with <noreturn>, and so reports every
# `if (!p) ordo_oom(n);` followed by a use of p: nullPointerRedundantCheck and
# nullPointerArithmeticRedundantCheck. Other findings
# that are wrong are suppressed where they occur, with `cppcheck-suppress` and the reason.
# Part of the lint stage of scripts/test.sh.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
-h | --help)
    print_usage "$0"
    exit 0
    ;;
esac
build=${1:-$ORDO_ROOT/build/asan}
[[ -f $build/compile_commands.json ]] || die "$build/compile_commands.json is missing: configure first (cmake --preset asan)"
command -v cppcheck >/dev/null 2>&1 || die "cppcheck is not installed (scripts/install-deps.sh installs it)"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
cppcheck --project="$build/compile_commands.json" \
    --enable=warning,performance,portability --inline-suppr -q -j "$(ordo_jobs)" \
    -i"$ORDO_ROOT/build" --suppress='*:/usr/include/*' \
    --suppress=nullPointerRedundantCheck --suppress=nullPointerArithmeticRedundantCheck \
    --error-exitcode=1 2>"$out" || {
    cat "$out" >&2
    die "cppcheck found problems (above)"
}
say "cppcheck: clean"
