#!/usr/bin/env bash
# The `ordo` command line end to end: exit codes, output formats, help, and
# that bad input changes nothing. Runs the real binary ($ORDOTEST_BIN).
set -uo pipefail
ordo=${ORDOTEST_BIN:?run through ctest}
src=${ORDOTEST_SOURCE_DIR:?run through ctest}
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

example=$src/examples/onboarding.bpmn
cat >"$tmp/bad.bpmn" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="Which?"/>
    <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="end"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
XML
cat >"$tmp/warn-only.bpmn" <<'XML'
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p"/></definitions>
XML
printf '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<d>&x;</d>\n' >"$tmp/xxe.bpmn"

# version and help
expect 0 "version" -- "$ordo" version
has out "ordo 0.1.0 (commit " "version"
expect 0 "--version" -- "$ordo" --version
has out "ordo 0.1.0" "--version"
expect 0 "help" -- "$ordo" help
has out "bpmn lint" "help lists commands"
expect 0 "help bpmn lint" -- "$ordo" help bpmn lint
has out "usage: ordo bpmn lint FILE..." "help bpmn lint"
expect 0 "lint --help" -- "$ordo" bpmn lint --help
has out "--strict" "lint --help"
expect 2 "no command" -- "$ordo"
has err "usage: ordo COMMAND" "no command prints usage"
expect 2 "unknown command" -- "$ordo" frobnicate
has err "unknown command \"frobnicate\"" "unknown command"
expect 2 "help for unknown command" -- "$ordo" help frobnicate
expect 2 "group without command" -- "$ordo" bpmn
has err "bpmn fmt" "group lists its commands"
expect 2 "version takes no arguments" -- "$ordo" version now
scripts=$src/scripts
expect 0 "docs/cli.md regenerates" -- "$scripts/gen-cli-doc.sh" "$ordo" "$tmp/cli.md"
checks=$((checks + 1))
diff -u "$src/docs/cli.md" "$tmp/cli.md" >"$tmp/diff" ||
    fail "docs/cli.md is out of date; run scripts/gen-cli-doc.sh $ordo: $(head -20 "$tmp/diff")"

# lint
expect 0 "lint clean example" -- "$ordo" bpmn lint "$example"
has out "0 errors, 0 warnings in 1 file" "lint summary"
expect 1 "lint with errors" -- "$ordo" bpmn lint "$tmp/bad.bpmn"
has out "$tmp/bad.bpmn:6: error: Exclusive gateway forks into 2 flows" "lint line format"
has out "(element \"gw\") [ordo/exclusive-gateway-conditions]" "lint names element and rule"
has out "[label-required]" "bpmnlint rules run"
expect 1 "lint json" -- "$ordo" bpmn lint --json "$tmp/bad.bpmn"
has out "\"rule\": \"ordo/exclusive-gateway-conditions\"" "json rule"
has out "\"element\": \"gw\"" "json element"
has out "\"severity\": \"error\"" "json severity"
has out "\"line\": 6" "json line"
expect 1 "lint rule off" -- "$ordo" bpmn lint --rule ordo/exclusive-gateway-conditions=off \
    --rule label-required=off --rule fake-join=error "$tmp/bad.bpmn"
lacks out "exclusive-gateway-conditions" "rule turned off"
lacks out "[label-required]" "second rule turned off"
has out "error: Incoming flows do not join" "rule raised to error"
expect 1 "bpmnlint profile has no ordo rules" -- "$ordo" bpmn lint --profile bpmnlint "$tmp/bad.bpmn"
lacks out "ordo/" "bpmnlint profile"
has out "[no-duplicate-sequence-flows]" "bpmnlint profile runs bpmnlint rules"
expect 2 "unknown rule" -- "$ordo" bpmn lint --rule no-such-rule=off "$example"
has err "--list-rules" "unknown rule points at the list"
has err "unknown lint rule \"no-such-rule\"" "unknown rule message"
expect 0 "list rules" -- "$ordo" bpmn lint --list-rules --rule fake-join=error
has out "ordo/duplicate-id" "list has ordo rules"
has out "fake-join                            error" "list shows --rule settings"
expect 0 "list rules, bpmnlint profile" -- "$ordo" bpmn lint --list-rules --profile bpmnlint
has out "no-inclusive-gateway                 warn" "bpmnlint severities"
expect 2 "bad severity" -- "$ordo" bpmn lint --rule label-required=loud "$example"
expect 2 "bad profile" -- "$ordo" bpmn lint --profile camunda "$example"
expect 0 "warnings pass without --strict" -- "$ordo" bpmn lint --rule start-event-required=warn \
    --rule end-event-required=warn "$tmp/warn-only.bpmn"
expect 1 "warnings fail with --strict" -- "$ordo" bpmn lint --strict \
    --rule start-event-required=warn --rule end-event-required=warn "$tmp/warn-only.bpmn"
expect 2 "lint missing file" -- "$ordo" bpmn lint "$example" "$tmp/none.bpmn"
has err "could not open \"$tmp/none.bpmn\"" "missing file message"
has out "(1 could not be read)" "summary counts unreadable files"
expect 2 "unreadable wins over errors" -- "$ordo" bpmn lint "$tmp/bad.bpmn" "$tmp/none.bpmn"
expect 2 "empty argument" -- "$ordo" bpmn lint ""
bad_name=$tmp/$'\xff\xfe'-$(printf 'é%.0s' {1..110}).bpmn
expect 2 "json with an unreadable, non-UTF-8 path" -- "$ordo" bpmn lint --json "$bad_name"
has out '"unreadable": 1' "json counts the unreadable file"
has out '"code": "ORDO_E_NOTFOUND"' "json lists the unreadable file"
long_id=$(printf 'é%.0s' {1..300})
cat >"$tmp/dup.bpmn" <<XML
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">
<task id="$long_id" name="a"/><task id="$long_id" name="b"/></process></definitions>
XML
expect 1 "json keeps long non-ASCII findings" -- "$ordo" bpmn lint --json "$tmp/dup.bpmn"
has out '"rule": "ordo/duplicate-id"' "duplicate id with a long id is listed"
checks=$((checks + 1))
errors=$(sed -n 's/^  "errors": \([0-9]*\),/\1/p' "$tmp/out")
listed=$(grep -c '"severity": "error"' "$tmp/out")
[[ $errors == "$listed" ]] || fail "json says $errors errors but lists $listed"
expect 2 "lint without files" -- "$ordo" bpmn lint
expect 2 "unknown option" -- "$ordo" bpmn lint --bogus "$example"
expect 2 "xxe refused" -- "$ordo" bpmn lint "$tmp/xxe.bpmn"
has err "DOCTYPE" "xxe message"
expect 2 "size cap flag" -- "$ordo" bpmn lint --bpmn-max-bytes 1024 "$example"
has err "bpmn_max_bytes" "size cap message"
expect 2 "size cap env" -- env ORDO_BPMN_MAX_BYTES=2048 "$ordo" bpmn lint "$example"
expect 0 "lint from stdin" -- sh -c "'$ordo' bpmn lint - < '$example'"

# fmt
expect 0 "fmt to stdout" -- "$ordo" bpmn fmt "$example"
cp "$tmp/out" "$tmp/fmt1.bpmn"
has out '<?xml version="1.0" encoding="UTF-8"?>' "fmt declaration"
has out '<zeebe:taskDefinition type="jira.create_issue" retries="3"/>' "fmt keeps extensions"
expect 0 "fmt -o" -- "$ordo" bpmn fmt "$example" -o "$tmp/fmt2.bpmn"
checks=$((checks + 1))
cmp -s "$tmp/fmt1.bpmn" "$tmp/fmt2.bpmn" || fail "fmt -o writes what stdout shows"
expect 0 "fmt is idempotent" -- "$ordo" bpmn fmt "$tmp/fmt1.bpmn" --output "$tmp/fmt3.bpmn"
checks=$((checks + 1))
cmp -s "$tmp/fmt1.bpmn" "$tmp/fmt3.bpmn" || fail "fmt of fmt output changes it"
expect 0 "fmt from stdin" -- sh -c "'$ordo' bpmn fmt - < '$example'"
checks=$((checks + 1))
cmp -s "$tmp/fmt1.bpmn" "$tmp/out" || fail "fmt from stdin differs"
echo "keep me" >"$tmp/target.bpmn"
expect 2 "fmt of bad input" -- "$ordo" bpmn fmt "$tmp/xxe.bpmn" -o "$tmp/target.bpmn"
checks=$((checks + 1))
[[ $(cat "$tmp/target.bpmn") == "keep me" ]] || fail "failed fmt changed its output file"
checks=$((checks + 1))
[[ -z $(find "$tmp" -name 'target.bpmn.tmp.*') ]] || fail "failed fmt left a temporary file"
expect 1 "fmt to an unwritable place" -- "$ordo" bpmn fmt "$example" -o "$tmp/no/such/dir/x.bpmn"
expect 0 "fmt -o - is stdout" -- "$ordo" bpmn fmt "$example" -o -
checks=$((checks + 1))
cmp -s "$tmp/fmt1.bpmn" "$tmp/out" || fail "fmt -o - differs from stdout"
ln -s fmt2.bpmn "$tmp/link.bpmn"
expect 0 "fmt -o onto a link" -- "$ordo" bpmn fmt "$tmp/bad.bpmn" -o "$tmp/link.bpmn"
checks=$((checks + 1))
[[ -L $tmp/link.bpmn ]] || fail "fmt -o replaced a symbolic link with a file"
has fmt2.bpmn 'id="gw"' "fmt -o through a link writes its target"
if [[ -w /dev/full ]]; then
    expect 1 "fmt to a full disk" -- "$ordo" bpmn fmt "$example" -o /dev/full
    expect 1 "lint output to a full disk" -- sh -c "'$ordo' bpmn lint '$example' > /dev/full"
fi
expect 2 "fmt two files" -- "$ordo" bpmn fmt "$example" "$example"
expect 2 "fmt -o without value" -- "$ordo" bpmn fmt "$example" -o

# run: bad input is refused with exit 2 and a message, before anything runs
cat >"$tmp/script.bpmn" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="calc"/>
    <scriptTask id="calc" scriptFormat="groovy"><script>x = 1</script></scriptTask>
  </process>
</definitions>
XML
expect 0 "run the example" -- "$ordo" run "$example" --vars '{"employee_id":"7"}' \
    --job 'bamboohr.get_employee={"display_name":"Ada","user_name":"ada@acme.example","manager":{"email":"maria@acme.example"}}' \
    --job 'jira.create_issue={"issue_key":"ONB-7"}' --answer 'Task_approve_laptop={"approved":false}'
has out 'completed {"approved":false,"employee_email":"ada@acme.example","employee_id":"7","employee_name":"Ada","manager_email":"maria@acme.example","ticket_key":"ONB-7",' \
    "run prints the final status"
expect 3 "run until a user task" -- "$ordo" run "$example"
has out "waiting " "run reports waiting"
expect 2 "run: --vars not an object" -- "$ordo" run "$example" --vars '[1]'
has err "--vars: expected a JSON object" "run --vars message"
expect 2 "run: --vars not JSON" -- "$ordo" run "$example" --vars '{"a":'
has err "--vars: invalid JSON" "run --vars JSON error"
expect 2 "run: --job without =" -- "$ordo" run "$example" --job jira.create_issue
has err "expected NAME=VALUE" "run --job message"
expect 2 "run: --trace xml" -- "$ordo" run "$example" --trace xml
has err 'expected "text" or "json"' "run --trace message"
expect 2 "run: --advance not a duration" -- "$ordo" run "$example" --advance tomorrow
expect 2 "run: --now not a date" -- "$ordo" run "$example" --now yesterday
expect 2 "run: unknown process" -- "$ordo" run "$example" --process nope
has err 'no process "nope"' "run --process message"
expect 2 "run: answer to no open task" -- "$ordo" run "$example" --answer 'nope={}'
has err 'no open user task "nope"' "run --answer message"
expect 2 "run: a script task" -- "$ordo" run "$tmp/script.bpmn"
has err 'scriptTask "calc"' "run names the unsupported element"
has err "cannot run: 1 problem" "run counts the problems"
lacks out '"event"' "a refused process prints no trace"
expect 2 "run: malformed XML" -- "$ordo" run "$tmp/xxe.bpmn"
expect 2 "run: no file" -- "$ordo" run
expect 0 "help run" -- "$ordo" help run
has out "Exit status: 0 completed, 1 an incident" "help run documents the exit codes"

finish test_cli
