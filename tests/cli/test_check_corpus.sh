#!/usr/bin/env bash
# `ordo bpmn check --for ordo` agrees with `ordo run` on every file of the shared
# corpus (../shared/corpus/miwg, CC BY 3.0) and on a truncated copy of each:
#   - check exits 1 exactly when run refuses the file as unsupported (exit 2 and
#     "FILE cannot run: N problems", CONTRACTS §3), and then names the same
#     elements with the same rules (run's [rule] is check's ordo/unsupported-rule);
#   - a malformed file (every truncated copy) is exit 2 for both, never 0 or 1;
#   - otherwise check exits 0, whatever run's own outcome (completed, waiting,
#     incident, or a process to choose with --process).
# Skips (77) with a notice when the corpus is absent.
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
corpus=${ORDOTEST_CORPUS_DIR:?run through ctest}/miwg
if [[ ! -d $corpus ]]; then
    echo "NOTICE: BPMN corpus not found at $corpus: 0 corpus files checked, skipped"
    exit 77
fi
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
files=0 refused=0

# "RULE LINE MESSAGE" of run's refusal lines, with run's [rule] spelled as check
# spells it (java-delegate -> ordo/unsupported-java-delegate, unsupported-element
# -> ordo/unsupported-element), and of check's refused lines, sorted.
run_refusals() {
    sed -n 's/^.*:\([0-9][0-9]*\): error: \(.*\) \[\([a-z-]*\)\]$/ordo\/unsupported-\3 \1 \2/p' "$1" |
        sed 's/^ordo\/unsupported-unsupported-/ordo\/unsupported-/' | sort
}
check_refusals() {
    sed -n 's/^.*:\([0-9][0-9]*\): refused: \(.*\) \[\(ordo\/[a-z-]*\)\]$/\3 \1 \2/p' "$1" | sort
}

compare() { # compare FILE WHAT
    local file=$1 what=$2 run_rc check_rc
    "$ordo" run "$file" >"$tmp/run.out" 2>"$tmp/run.err"
    run_rc=$?
    "$ordo" bpmn check --for ordo "$file" >"$tmp/check.out" 2>"$tmp/check.err"
    check_rc=$?
    files=$((files + 1))
    if [[ $run_rc == 2 ]] && grep -q " cannot run: [0-9]* problem" "$tmp/run.err"; then
        refused=$((refused + 1))
        [[ $check_rc == 1 ]] || fail "$what: run refuses it, check exits $check_rc: $(head -c 300 "$tmp/check.err")"
        run_refusals "$tmp/run.err" >"$tmp/a"
        check_refusals "$tmp/check.out" >"$tmp/b"
        [[ -s $tmp/a ]] || fail "$what: no refusal lines from run: $(head -c 300 "$tmp/run.err")"
        diff -u "$tmp/a" "$tmp/b" >"$tmp/diff" || fail "$what: run and check refuse differently: $(head -20 "$tmp/diff")"
    elif [[ $what == *truncated* ]]; then
        [[ $run_rc == 2 && $check_rc == 2 ]] || fail "$what: malformed, but run exits $run_rc and check $check_rc"
    else
        [[ $check_rc == 0 ]] || fail "$what: run does not refuse it (exit $run_rc), check exits $check_rc: $(head -c 300 "$tmp/check.out")"
    fi
}

while IFS= read -r -d '' file; do
    rel=${file#"$corpus"/}
    compare "$file" "$rel"
    size=$(stat -c %s "$file")
    head -c $((size / 2)) "$file" >"$tmp/truncated.bpmn"
    compare "$tmp/truncated.bpmn" "$rel (truncated to $((size / 2)) bytes)"
done < <(find "$corpus" -name '*.bpmn' -print0 | sort -z)

if ((files < 2)); then
    fail "no corpus files found under $corpus"
fi
echo "check-corpus: $files runs compared, $refused refused by both"
echo "$((files - failures)) passed, $failures failed"
((failures == 0))
