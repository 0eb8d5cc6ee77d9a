#!/usr/bin/env bash
# Scenario tests of the engine, end to end through `ordo run --trace json`.
#
# Each tests/scenarios/NAME.test names a BPMN file and says what must happen:
#   bpmn: FILE.bpmn                 (beside the .test file)
#   args: --vars {"a":1} --advance PT1H   (ordo run flags; one line, split on spaces,
#                                    so JSON in args must not contain spaces)
#   exit: 0                          (0 completed, 1 incident, 3 waiting, 2 refused)
#   entered: p start a b end         (every element entered, in order: the
#                                    "element" of each "enter" record)
# Every scenario also checks that no record names an element in "element"
# that was never entered (CONTRACTS §3), and runs a second time with every
# instance stored and restored between steps (ORDO_SNAPSHOT_STEPS=1), which
# must print the same trace.
#   final: {"event":"final",...}     (the last line, exactly)
#   has: TEXT                        (optional, repeatable: a trace line contains TEXT)
#   lacks: TEXT                      (optional, repeatable)
#   stderr: TEXT                     (optional, repeatable: stderr contains TEXT)
# Usage: run.sh [NAME...]   (default: every .test file)
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 count=0

field() { sed -n "s/^$1: //p" "$2" | head -n 1; }

run_one() {
    local test=$1 name bpmn args want_exit want_entered want_final got_exit got_entered got_final
    name=$(basename "$test" .test)
    bpmn=$dir/$(field bpmn "$test")
    args=$(field args "$test")
    want_exit=$(field exit "$test")
    want_entered=$(field entered "$test")
    want_final=$(field final "$test")
    count=$((count + 1))
    # shellcheck disable=SC2086 # args are split on purpose
    "$ordo" run "$bpmn" $args --trace json >"$tmp/out" 2>"$tmp/err"
    got_exit=$?
    # The same run again with every instance stored and restored between
    # steps (ORDO_SNAPSHOT_STEPS, a test hook): the trace must not change.
    # shellcheck disable=SC2086 # args are split on purpose
    ORDO_SNAPSHOT_STEPS=1 "$ordo" run "$bpmn" $args --trace json >"$tmp/out2" 2>"$tmp/err2"
    local snap_exit=$?
    got_entered=$(grep -o '"event":"enter","element":"[^"]*"' "$tmp/out" |
        sed 's/.*"element":"\([^"]*\)"/\1/' | tr '\n' ' ' | sed 's/ $//')
    got_final=$(tail -n 1 "$tmp/out")
    local bad=()
    [[ $got_exit == "$want_exit" ]] || bad+=("exit $got_exit, expected $want_exit")
    [[ $snap_exit == "$got_exit" ]] && cmp -s "$tmp/out" "$tmp/out2" ||
        bad+=("with snapshots between steps: exit $snap_exit, trace differs at line $(cmp "$tmp/out" "$tmp/out2" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p'); stderr: $(head -c 300 "$tmp/err2")")
    [[ -z $want_entered || $got_entered == "$want_entered" ]] ||
        bad+=("entered: $got_entered"$'\n'"expected: $want_entered")
    [[ -z $want_final || $got_final == "$want_final" ]] ||
        bad+=("final: $got_final"$'\n'"expected: $want_final")
    # CONTRACTS §3: an element id appears in an "element" field only when
    # that element was entered.
    local strays
    strays=$(grep -o '"element":"[^"]*"' "$tmp/out" | sed 's/"element":"\([^"]*\)"/\1/' | sort -u |
        while IFS= read -r id; do [[ " $got_entered " == *" $id "* ]] || echo "$id"; done | tr '\n' ' ')
    [[ -z $strays ]] || bad+=("elements named but never entered: $strays")
    while IFS= read -r text; do
        grep -qF -- "$text" "$tmp/out" || bad+=("no trace line has: $text")
    done < <(sed -n 's/^has: //p' "$test")
    while IFS= read -r text; do
        ! grep -qF -- "$text" "$tmp/out" || bad+=("a trace line has: $text")
    done < <(sed -n 's/^lacks: //p' "$test")
    while IFS= read -r text; do
        grep -qF -- "$text" "$tmp/err" || bad+=("stderr lacks: $text")
    done < <(sed -n 's/^stderr: //p' "$test")
    if ((${#bad[@]})); then
        failures=$((failures + 1))
        echo "FAIL $name"
        printf '  %s\n' "${bad[@]}"
        echo "  stderr: $(head -c 400 "$tmp/err")"
    fi
}

if (($#)); then
    for n in "$@"; do run_one "$dir/$n.test"; done
else
    for t in "$dir"/*.test; do run_one "$t"; done
fi
echo "$count scenarios, $failures failed"
((failures == 0))
