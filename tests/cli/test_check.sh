#!/usr/bin/env bash
# `ordo bpmn check --for ordo` on small Camunda 7 and Camunda 8 models, as Camunda
# Modeler writes them: every ordo/unsupported-* and ordo/mapped-* kind the
# migration guide lists (docs/migrating-from-camunda-7.md), the exit codes, --json,
# and that `ordo run` refuses exactly the models check refuses. Runs the real
# binary ($ORDOTEST_BIN) with the connectors of the build tree installed.
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# finding STATUS RULE ELEMENT: check's text output has that finding on that element.
finding() {
    checks=$((checks + 1))
    grep -qE -- ": $1: [a-zA-Z]+ \"$3\": .*\[$2\]$" "$tmp/out" ||
        fail "no $1 $2 finding on \"$3\": $(head -c 1500 "$tmp/out")"
}

C7='xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.21.0" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.20.0"'
C8='xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.28.0"'

# Camunda 7: runs, everything mapped.
cat >"$tmp/c7-mapped.bpmn" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions $C7 id="c7m">
  <bpmn:process id="invoice" isExecutable="true" camunda:historyTimeToLive="P30D">
    <bpmn:startEvent id="received" camunda:initiator="starter">
      <bpmn:extensionElements>
        <camunda:formData><camunda:formField id="amount" type="long"/></camunda:formData>
      </bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="received" targetRef="approve"/>
    <bpmn:userTask id="approve" camunda:candidateGroups="accounting" camunda:asyncBefore="true" camunda:formKey="embedded:app:forms/approve.html">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="approved" label="Approve?" type="boolean">
            <camunda:validation><camunda:constraint name="required"/></camunda:validation>
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="ok"/>
    <bpmn:exclusiveGateway id="ok" default="no"/>
    <bpmn:sequenceFlow id="yes" sourceRef="ok" targetRef="pay">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="no" sourceRef="ok" targetRef="done"/>
    <bpmn:serviceTask id="pay" camunda:type="external" camunda:topic="payment">
      <bpmn:extensionElements>
        <camunda:failedJobRetryTimeCycle>R5/PT5M</camunda:failedJobRetryTimeCycle>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="pay" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>
XML

# Camunda 7: Java delegates, scripts, DMN, listeners, Camunda Connect, and what
# else the engine refuses (a signal event, a complex gateway, a retention it
# would read differently from Camunda).
cat >"$tmp/c7-refused.bpmn" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions $C7 id="c7r">
  <bpmn:process id="legacy" isExecutable="true" camunda:historyTimeToLive="P1M">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="byClass"/>
    <bpmn:serviceTask id="byClass" camunda:class="org.acme.Archive"/>
    <bpmn:sequenceFlow id="f2" sourceRef="byClass" targetRef="byBean">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${execution.getVariable("ok")}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:serviceTask id="byBean" camunda:delegateExpression="\${archiver}"/>
    <bpmn:sequenceFlow id="f3" sourceRef="byBean" targetRef="byExpression"/>
    <bpmn:serviceTask id="byExpression" camunda:expression="\${mailer.send(execution)}"/>
    <bpmn:sequenceFlow id="f4" sourceRef="byExpression" targetRef="script"/>
    <bpmn:scriptTask id="script" scriptFormat="groovy">
      <bpmn:script>execution.setVariable("x", 1)</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f5" sourceRef="script" targetRef="decide"/>
    <bpmn:businessRuleTask id="decide" camunda:decisionRef="risk" camunda:resultVariable="risk"/>
    <bpmn:sequenceFlow id="f6" sourceRef="decide" targetRef="review"/>
    <bpmn:userTask id="review">
      <bpmn:extensionElements>
        <camunda:taskListener delegateExpression="\${notifier}" event="create"/>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f7" sourceRef="review" targetRef="audit"/>
    <bpmn:task id="audit">
      <bpmn:extensionElements>
        <camunda:executionListener class="org.acme.Audit" event="start"/>
      </bpmn:extensionElements>
    </bpmn:task>
    <bpmn:sequenceFlow id="f8" sourceRef="audit" targetRef="greet"/>
    <bpmn:userTask id="greet">
      <bpmn:extensionElements>
        <camunda:taskListener event="create">
          <camunda:script scriptFormat="javascript">task.setName("hi")</camunda:script>
        </camunda:taskListener>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f9" sourceRef="greet" targetRef="call"/>
    <bpmn:serviceTask id="call">
      <bpmn:extensionElements>
        <camunda:connector><camunda:connectorId>http-connector</camunda:connectorId></camunda:connector>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f10" sourceRef="call" targetRef="signal"/>
    <bpmn:intermediateThrowEvent id="signal"><bpmn:signalEventDefinition/></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f11" sourceRef="signal" targetRef="complex"/>
    <bpmn:complexGateway id="complex"/>
    <bpmn:sequenceFlow id="f12" sourceRef="complex" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
XML

# Camunda 8: a job type an installed connector runs, a Zeebe user task, FEEL.
cat >"$tmp/c8-runs.bpmn" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions $C8 id="c8ok">
  <bpmn:process id="order" isExecutable="true">
    <bpmn:startEvent id="placed"/>
    <bpmn:sequenceFlow id="f1" sourceRef="placed" targetRef="reserve"/>
    <bpmn:serviceTask id="reserve">
      <bpmn:extensionElements><zeebe:taskDefinition type="noop.complete" retries="3"/></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="reserve" targetRef="big"/>
    <bpmn:exclusiveGateway id="big" default="small"/>
    <bpmn:sequenceFlow id="large" sourceRef="big" targetRef="confirm">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=amount &gt; 100</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="small" sourceRef="big" targetRef="shipped"/>
    <bpmn:userTask id="confirm">
      <bpmn:extensionElements>
        <zeebe:userTask/>
        <zeebe:assignmentDefinition candidateGroups="sales"/>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="confirm" targetRef="shipped"/>
    <bpmn:endEvent id="shipped"/>
  </bpmn:process>
</bpmn:definitions>
XML

# Camunda 8: a job type no installed connector runs (a job worker's).
sed 's/type="noop.complete"/type="reserve-stock"/' "$tmp/c8-runs.bpmn" >"$tmp/c8-worker.bpmn"

# Camunda 8: DMN and a FEEL script task.
cat >"$tmp/c8-refused.bpmn" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions $C8 id="c8r">
  <bpmn:process id="score" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="rate"/>
    <bpmn:businessRuleTask id="rate">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="rating" resultVariable="rating"/></bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f2" sourceRef="rate" targetRef="sum"/>
    <bpmn:scriptTask id="sum">
      <bpmn:extensionElements><zeebe:script expression="=a + b" resultVariable="total"/></bpmn:extensionElements>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="sum" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
XML
printf '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p">\n' >"$tmp/malformed.bpmn"

# help
expect 0 "help bpmn check" -- "$ordo" help bpmn check
has out "usage: ordo bpmn check --for ordo FILE... [--json]" "help bpmn check"
has out "ordo/unsupported-" "help names the rule ids"
expect 0 "help lists bpmn check" -- "$ordo" help
has out "bpmn check" "help lists bpmn check"

# Camunda 7, mapped: exit 0, one finding of each mapped kind.
expect 0 "c7 mapped" -- "$ordo" bpmn check --for ordo "$tmp/c7-mapped.bpmn"
has out "c7-mapped.bpmn: mapped: " "c7 mapped summary"
finding mapped ordo/mapped-history-time-to-live invoice
finding mapped ordo/mapped-async approve
finding mapped ordo/mapped-form-data approve
finding mapped ordo/mapped-form-key approve
finding mapped ordo/mapped-initiator received
finding mapped ordo/mapped-form-data received
has out "only user tasks have forms" "a start form is said to be ignored"
finding mapped ordo/mapped-juel yes
finding mapped ordo/mapped-external-task pay
finding mapped ordo/mapped-external-worker pay
finding mapped ordo/mapped-retry-time-cycle pay
# shellcheck disable=SC2016 # the JUEL text, not an expansion
has out 'the condition "${approved}" is JUEL; it runs as the FEEL expression "approved"' "juel says the FEEL"
has out "camunda:formData is read as the task's form (1 fields)" "form-data says the form is read"
has out 'no installed connector runs job type "payment"' "external worker names the type"
lacks out "refused: " "c7 mapped refuses nothing"
expect 3 "c7 mapped runs (waits at the user task)" -- "$ordo" run "$tmp/c7-mapped.bpmn"

# Camunda 7, refused: exit 1, each refused kind on its element, each with what to do.
expect 1 "c7 refused" -- "$ordo" bpmn check --for ordo "$tmp/c7-refused.bpmn"
has out "c7-refused.bpmn: refused: " "c7 refused summary"
finding refused ordo/unsupported-java-delegate byClass
finding refused ordo/unsupported-java-delegate byBean
finding refused ordo/unsupported-java-delegate byExpression
finding refused ordo/unsupported-script script
finding refused ordo/unsupported-dmn decide
finding refused ordo/unsupported-listener review
finding refused ordo/unsupported-listener audit
finding refused ordo/unsupported-script greet
finding refused ordo/unsupported-connector call
finding refused ordo/unsupported-event signal
finding refused ordo/unsupported-element complex
finding refused ordo/unsupported-history-time-to-live legacy
finding refused ordo/unsupported-expression f2
has out 'JUEL: method calls are not supported' "JUEL beyond the subset says why"
has out 'write it in FEEL instead' "JUEL beyond the subset says what to do"
has out "bind the task to a connector action with ordo:action" "java delegates say what to do"
has out "use a service task bound to a connector action" "scripts and DMN say what to do"
has out "model the work as a service task bound to a connector action" "listeners say what to do"
has out '(http.request for plain HTTP)' "camunda:connector says what to do"
# run refuses the same file, with the same findings.
expect 2 "run refuses c7 refused" -- "$ordo" run "$tmp/c7-refused.bpmn"
has err "cannot run: 13 problems" "run counts the same refusals"

# Camunda 8.
expect 0 "c8 runs as is" -- "$ordo" bpmn check --for ordo "$tmp/c8-runs.bpmn"
has out "c8-runs.bpmn: runs: 11 elements run as is, 0 mapped, 0 refused" "c8 runs summary"
expect 0 "run c8 runs" -- "$ordo" run "$tmp/c8-runs.bpmn" --vars '{"amount":5}'
expect 0 "c8 worker" -- "$ordo" bpmn check --for ordo "$tmp/c8-worker.bpmn"
finding mapped ordo/mapped-external-worker reserve
# The job types are the installed connectors' action ids; without connectors
# every job type waits for a worker, and check says why.
sed 's/camunda:topic="payment"/camunda:topic="noop.complete"/' "$tmp/c7-mapped.bpmn" >"$tmp/c7-noop.bpmn"
expect 0 "topic an installed connector runs" -- "$ordo" bpmn check --for ordo "$tmp/c7-noop.bpmn"
finding mapped ordo/mapped-external-task pay
lacks out "ordo/mapped-external-worker" "an installed action id needs no worker"
expect 0 "no connectors" -- "$ordo" bpmn check --for ordo --plugin-dir "$tmp/none" "$tmp/c8-runs.bpmn"
has err "no connectors are known" "no connectors is warned about"
finding mapped ordo/mapped-external-worker reserve
expect 1 "c8 refused" -- "$ordo" bpmn check --for ordo "$tmp/c8-refused.bpmn"
finding refused ordo/unsupported-dmn rate
finding refused ordo/unsupported-script sum
expect 2 "run refuses c8 refused" -- "$ordo" run "$tmp/c8-refused.bpmn"

# --json: per file, per element and per finding.
expect 1 "json" -- "$ordo" bpmn check --for ordo --json "$tmp/c8-runs.bpmn" "$tmp/c8-refused.bpmn"
has out '"for": "ordo"' "json target"
has out '"refused": 1,' "json counts refused files"
has out '"unreadable": 0' "json counts unreadable files"
has out '"rule": "ordo/unsupported-dmn"' "json rule"
has out '"element": "rate"' "json element"
has out '"id": "confirm"' "json lists elements"
checks=$((checks + 1))
python3 - "$tmp/out" <<'PY' || fail "json shape"
import json, sys
doc = json.load(open(sys.argv[1]))
ok, bad = doc["files"]
assert ok["status"] == "runs" and ok["counts"] == {"runs": 11, "mapped": 0, "refused": 0}, ok
assert all(e["status"] == "runs" for e in ok["elements"]) and ok["findings"] == [], ok
assert bad["status"] == "refused", bad
status = {e["id"]: e["status"] for e in bad["elements"]}
assert status["rate"] == "refused" and status["sum"] == "refused" and status["start"] == "runs", status
assert {f["rule"] for f in bad["findings"]} == {"ordo/unsupported-dmn", "ordo/unsupported-script"}, bad
assert all(f["status"] == "refused" and f["line"] > 0 for f in bad["findings"]), bad
PY

# Bad input: exit 2, never 0 or 1; the readable files are still reported.
expect 2 "malformed" -- "$ordo" bpmn check --for ordo "$tmp/malformed.bpmn"
expect 2 "run malformed" -- "$ordo" run "$tmp/malformed.bpmn"
expect 2 "missing file" -- "$ordo" bpmn check --for ordo "$tmp/nope.bpmn"
expect 2 "malformed among good" -- "$ordo" bpmn check --for ordo "$tmp/c8-runs.bpmn" "$tmp/malformed.bpmn"
has out "c8-runs.bpmn: runs" "good file still reported"
expect 2 "json unreadable" -- "$ordo" bpmn check --for ordo --json "$tmp/malformed.bpmn"
has out '"code": "ORDO_E_INVAL"' "json error code"
expect 2 "no --for" -- "$ordo" bpmn check "$tmp/c8-runs.bpmn"
has err "--for ordo is missing" "no --for says so"
expect 2 "other target" -- "$ordo" bpmn check --for camunda8 "$tmp/c8-runs.bpmn"
has err "ordo bpmn export --target" "other target points at export"
expect 2 "no file" -- "$ordo" bpmn check --for ordo

finish test_check
