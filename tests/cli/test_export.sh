#!/usr/bin/env bash
# `ordo bpmn export` end to end (issue 9): its exit codes (0 all translated, 1 something lost,
# 2 bad input), the report on standard error, -o, --forms-dir, --json, and that bad input
# writes nothing. Runs the real binary ($ORDOTEST_BIN).
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
src=${ORDOTEST_SOURCE_DIR:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

quick=$src/examples/quickstart.bpmn
onboarding=$src/examples/onboarding.bpmn

# Everything of the quick start translates to Camunda 7: exit 0, the BPMN on stdout.
expect 0 "camunda7 quickstart" -- "$ordo" bpmn export --target camunda7 "$quick"
has "$tmp/out" 'camunda:type="external" camunda:topic="noop.complete"' "external task"
has "$tmp/out" "\${approved}</bpmn:conditionExpression>" "JUEL condition"
has "$tmp/out" 'camunda:historyTimeToLive="180"' "history time to live"
has "$tmp/out" '<bpmndi:BPMNShape id="Task_approve_di" bpmnElement="Task_approve">' "DI kept"
has "$tmp/err" "Flow_approved: mapped: condition: FEEL =approved written as JUEL \${approved}" "report"

# Its form without --forms-dir is noted as left out, which is no loss: exit 0.
expect 0 "camunda8 quickstart" -- "$ordo" bpmn export --target camunda8 "$quick" -o "$tmp/q8.bpmn"
has "$tmp/q8.bpmn" '<zeebe:formDefinition formId="Form_Task_approve"/>' "-o writes the BPMN"
has "$tmp/err" 'Task_approve: note: form: the Camunda Form "Form_Task_approve" was left out' "left out"
lacks "$tmp/out" '<?xml' "-o: nothing on stdout"

# --forms-dir writes the Camunda Form.
mkdir "$tmp/forms"
expect 0 "--forms-dir" -- "$ordo" bpmn export --target camunda8 "$quick" --forms-dir "$tmp/forms" -o "$tmp/q8.bpmn"
has "$tmp/forms/Form_Task_approve.form" '"key": "approved"' "form file"
has "$tmp/forms/Form_Task_approve.form" '"type": "checkbox"' "form file component"
lacks "$tmp/err" "left out" "no note with --forms-dir"

# Something lost (FEEL string joins in Camunda 7, ordo:notify): exit 1, the export still written.
expect 1 "camunda7 onboarding" -- "$ordo" bpmn export --target camunda7 "$onboarding" -o "$tmp/o7.bpmn"
has "$tmp/err" 'Task_approve_laptop: lost: ordo:notify' "lost notify"
has "$tmp/err" 'Task_open_ticket: lost: zeebe:ioMapping' "lost mapping"
has "$tmp/o7.bpmn" 'camunda:topic="jira.create_issue"' "written anyway"

# --json: the document, with the forms and the report.
expect 1 "--json" -- "$ordo" bpmn export --target camunda8 "$onboarding" --json
has "$tmp/out" '"target": "camunda8"' "json target"
has "$tmp/out" '"Form_Task_approve_laptop": {' "json forms"
has "$tmp/out" '"level": "lost"' "json report"
has "$tmp/out" '"lost": 2' "json lost count"
lacks "$tmp/out" "was left out" "json carries the forms: none noted as left out"

# Bad input: exit 2, nothing written.
printf '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process' >"$tmp/bad.bpmn"
expect 2 "malformed XML" -- "$ordo" bpmn export --target camunda8 "$tmp/bad.bpmn" -o "$tmp/none.bpmn"
[[ ! -e $tmp/none.bpmn ]] || fail "malformed XML: an output was written"
expect 2 "unknown target" -- "$ordo" bpmn export --target zeebe "$quick" -o "$tmp/none.bpmn"
has "$tmp/err" 'unknown export target "zeebe": expected camunda8 or camunda7' "target message"
[[ ! -e $tmp/none.bpmn ]] || fail "unknown target: an output was written"
expect 2 "no target" -- "$ordo" bpmn export "$quick"
expect 2 "missing file" -- "$ordo" bpmn export --target camunda7 "$tmp/missing.bpmn"
expect 0 "help" -- "$ordo" help bpmn export
has "$tmp/out" "usage: ordo bpmn export --target camunda8|camunda7 FILE" "help"

finish test_export
