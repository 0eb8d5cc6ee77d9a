#!/usr/bin/env bash
# Exports read back into Ordo behave the same (issue 9, must-show 1): every model of examples/
# and every usable draft that `ordo generate` (the offline drafter) makes from the requirement
# texts of tests/fixtures/requirements is exported with `ordo bpmn export` to Camunda 8 and to
# Camunda 7, and the original and both exports run under `ordo run` (CONTRACTS §3) with the same
# stimuli. The stimuli are found by driving the original: each round answers the open user task
# (every boolean field of its ordo:form set to one value, true in one pass and false in the
# other, so both sides of the gateways run), delivers the message it waits for, or advances the
# clock by 30 days past a timer, until it completes or stops waiting on something new. The
# --trace json records (event, element, op) and the final status and variables must be equal,
# and `ordo bpmn check --for ordo` must refuse nothing of an export.
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
src=${ORDOTEST_SOURCE_DIR:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The comparable part of a trace: one "event element type op [job type]" line per record, then
# the final line (status and variables).
shape() {
    local rec='.*"event":"([a-z]+)","element":"([^"]*)","type":"([^"]*)"(,"op":"([a-z_]+)")?'
    sed -E -n -e "s/$rec.*\"job_type\":\"([^\"]*)\".*/\\1 \\2 \\3 \\5 \\6/p;t" \
        -e "s/$rec.*/\\1 \\2 \\3 \\5/p" "$1"
    grep '"event":"final"' "$1"
}

# The boolean fields of ordo:form on user task $2 of $1, as a JSON object with value $3.
answer_for() {
    local line fields
    line=$(grep -o "id=\"$2\"[^>]*" "$1" | head -1)
    fields=$(grep -o '&quot;[A-Za-z_][A-Za-z0-9_]*&quot;:{&quot;type&quot;:&quot;boolean' <<<"$line" |
        sed -E 's/&quot;([^&]*)&quot;.*/"\1":'"$3"'/' | paste -sd, -)
    echo "{$fields}"
}

# The element of the first record of kind $2 (task, message, timer) opened by op $3 and not
# yet closed, in trace $1; with $4, the record's field to print instead of the element.
first_open() {
    local el
    while IFS= read -r el; do
        local opened closed
        opened=$(grep "\"event\":\"$2\"" "$1" | grep -c "\"element\":\"$el\".*\"op\":\"$3\"")
        closed=$(grep "\"event\":\"$2\"" "$1" | grep "\"element\":\"$el\"" | grep -vc "\"op\":\"$3\"")
        if ((opened > closed)); then
            if [[ -n ${4:-} ]]; then
                grep "\"event\":\"$2\"" "$1" | grep "\"element\":\"$el\"" | grep "\"op\":\"$3\"" |
                    tail -1 | sed -E "s/.*\"$4\":\"([^\"]*)\".*/\\1/"
            else
                echo "$el"
            fi
            return
        fi
    done < <(grep "\"event\":\"$2\"" "$1" | grep "\"op\":\"$3\"" |
        sed -E 's/.*"element":"([^"]*)".*/\1/' | awk '!seen[$0]++')
}

# Find the stimuli for model $1 with answer value $2; they are left in the array 'stimuli'.
drive() {
    local model=$1 value=$2 round prev="" task name
    stimuli=()
    for round in 1 2 3 4 5 6 7 8; do
        "$ordo" run "$model" "${stimuli[@]}" --trace json >"$tmp/drive" 2>/dev/null
        [[ $? == 3 ]] || return
        [[ $(shape "$tmp/drive") != "$prev" ]] || return # no progress
        prev=$(shape "$tmp/drive")
        task=$(first_open "$tmp/drive" task created)
        name=$(first_open "$tmp/drive" message subscribed name)
        if [[ -n $task ]]; then
            stimuli+=(--answer "$task=$(answer_for "$model" "$task" "$value")")
        elif [[ -n $name ]]; then
            stimuli+=(--message "$name")
        elif grep -q '"event":"timer".*"op":"scheduled"' "$tmp/drive"; then
            stimuli+=(--advance P30D)
        else
            return
        fi
        : "$round"
    done
}

compare() { # compare NAME MODEL
    local name=$1 model=$2 target value rc
    for value in true false; do
        drive "$model" "$value"
        "$ordo" run "$model" "${stimuli[@]}" --trace json >"$tmp/orig.trace" 2>"$tmp/orig.err"
        rc=$?
        if [[ $rc == 2 ]]; then
            fail "$name: the original does not run: $(head -c 300 "$tmp/orig.err")"
            return
        fi
        for target in camunda8 camunda7; do
            checks=$((checks + 1))
            "$ordo" bpmn export --target "$target" "$model" -o "$tmp/$target.bpmn" 2>"$tmp/export.err"
            local erc=$?
            if [[ $erc != 0 && $erc != 1 ]]; then
                fail "$name $target: export exited $erc: $(head -c 300 "$tmp/export.err")"
                continue
            fi
            # Nothing of the export is refused by Ordo (`ordo bpmn check`, CONTRACTS §2).
            if [[ $value == true ]] &&
                ! "$ordo" bpmn check --for ordo "$tmp/$target.bpmn" >"$tmp/check.out" 2>&1; then
                fail "$name $target: ordo bpmn check refuses the export: $(grep refused "$tmp/check.out" | head -3)"
            fi
            "$ordo" run "$tmp/$target.bpmn" "${stimuli[@]}" --trace json >"$tmp/exp.trace" 2>"$tmp/exp.err"
            local xrc=$?
            if [[ $xrc != "$rc" ]]; then
                fail "$name $target ($value): ordo run exited $xrc, the original $rc: $(head -c 300 "$tmp/exp.err")"
            elif ! diff <(shape "$tmp/orig.trace") <(shape "$tmp/exp.trace") >"$tmp/diff"; then
                fail "$name $target ($value, ${stimuli[*]}): traces differ: $(head -c 600 "$tmp/diff")"
            fi
        done
    done
}

models=0
for f in "$src"/examples/*.bpmn; do
    compare "examples/$(basename "$f")" "$f"
    models=$((models + 1))
done
for t in "$src"/tests/fixtures/requirements/*.txt; do
    "$ordo" generate -f "$t" --allow-http -o "$tmp/draft.bpmn" >/dev/null 2>&1 || continue
    cp "$tmp/draft.bpmn" "$tmp/$(basename "$t" .txt).bpmn"
    compare "generated/$(basename "$t" .txt).bpmn" "$tmp/$(basename "$t" .txt).bpmn"
    models=$((models + 1))
done
((models >= 10)) || fail "only $models models: expected the examples and the drafts"

finish test_export_reimport "$models models, both targets, two passes"
