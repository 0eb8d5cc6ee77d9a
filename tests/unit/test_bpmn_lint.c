/*
 * The lint rules: for every rule, a small document where it must report a
 * named element with the expected severity, and a near miss where it must
 * not. Assertions look at (rule, element, severity) of single findings, never
 * at the total, so a document may carry other findings that do not matter to
 * the test. The documents are minimal: no BPMN DI unless the rule is about
 * the diagram (so no-bpmndi reports nearly everything, which is fine).
 *
 * The modelling rules are ports of bpmnlint's `recommended` set (its
 * rules/<id>.js sources are the reference); the deliberate differences are
 * described in docs/lint.md and tested here by name.
 *
 * The documents are kept out of clang-format's reach: it would wrap the
 * concatenated literals mid-element. One C line holds one XML line.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "base/arena.h"
#include "base/err.h"
#include "bpmn/lint.h"
#include "bpmn/parse.h"
#include "tests/unit/check_main.h"

/* clang-format off */

/* Attributes are single-quoted so the documents read without escapes. */
#define HEAD                                                                                       \
    "<?xml version='1.0' encoding='UTF-8'?>\n"                                                     \
    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "                  \
    "xmlns:bpmndi='http://www.omg.org/spec/BPMN/20100524/DI' "                                     \
    "xmlns:dc='http://www.omg.org/spec/DD/20100524/DC' "                                           \
    "xmlns:di='http://www.omg.org/spec/DD/20100524/DI' "                                           \
    "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' "                                       \
    "xmlns:tns='urn:ordo:test' xmlns:ordo='urn:ordo:schema:bpmn:1.0' "                             \
    "targetNamespace='urn:ordo:test' id='defs'>\n"
#define TAIL "</bpmn:definitions>\n"

#define PROCESS "<bpmn:process id='P' isExecutable='true'>\n"
#define END_PROCESS "</bpmn:process>\n"

#define FLOW(id, src, dst)                                                                         \
    "  <bpmn:sequenceFlow id='" id "' sourceRef='" src "' targetRef='" dst "'/>\n"
#define CFLOW(id, src, dst, expr)                                                                  \
    "  <bpmn:sequenceFlow id='" id "' sourceRef='" src "' targetRef='" dst "'>"                    \
    "<bpmn:conditionExpression xsi:type='bpmn:tFormalExpression'>" expr                            \
    "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"

#define START(id) "  <bpmn:startEvent id='" id "' name='start'/>\n"
#define END(id) "  <bpmn:endEvent id='" id "' name='end'/>\n"
#define TASK(id) "  <bpmn:task id='" id "' name='work'/>\n"

/* A diagram for 'element' (a process or collaboration) holding 'content'. */
#define DIAGRAM(element, content)                                                                  \
    "<bpmndi:BPMNDiagram id='D'><bpmndi:BPMNPlane id='PL' bpmnElement='" element "'>\n"            \
    content                                                                                        \
    "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n"
#define SHAPE(id, x, y, w, h)                                                                      \
    "  <bpmndi:BPMNShape id='" id "_di' bpmnElement='" id "'>"                                     \
    "<dc:Bounds x='" x "' y='" y "' width='" w "' height='" h "'/></bpmndi:BPMNShape>\n"
#define EDGE(id)                                                                                   \
    "  <bpmndi:BPMNEdge id='" id "_di' bpmnElement='" id "'>"                                      \
    "<di:waypoint x='0' y='0'/><di:waypoint x='10' y='0'/></bpmndi:BPMNEdge>\n"

/* A gateway G behind a start event, forking into Fa -> Ea and Fb -> Eb.
 * 'gateway' is G's element, 'fa' and 'fb' the two flows. */
#define FORK_DOC(gateway, fa, fb)                                                                  \
    HEAD PROCESS                                                                                   \
    START("S")                                                                                     \
    FLOW("F0", "S", "G")                                                                           \
    "  " gateway "\n"                                                                              \
    fa                                                                                             \
    fb                                                                                             \
    "  <bpmn:endEvent id='Ea' name='a'/>\n"                                                        \
    "  <bpmn:endEvent id='Eb' name='b'/>\n"                                                        \
    END_PROCESS TAIL

/* clang-format on */

static struct ordo_bpmn_model *model;
static struct ordo_arena *arena;
static struct ordo_lint_config cfg;
static struct ordo_lint_report report;

static void setup(void)
{
    model = NULL;
    arena = ordo_arena_new();
    memset(&report, 0, sizeof(report));
}

static void teardown(void)
{
    ordo_bpmn_model_free(model);
    ordo_arena_free(arena);
}

/* Parse 'xml' and lint it with the current 'cfg'. */
static void lint_with_cfg(const char *xml)
{
    struct ordo_err err = {0};

    ordo_bpmn_model_free(model);
    model = NULL;
    ck_assert_msg(ordo_bpmn_parse(xml, strlen(xml), NULL, &model, &err) == ORDO_OK,
                  "test document does not parse: %s", err.msg);
    ordo_lint_run(model, &cfg, arena, &report);
}

/* Parse 'xml' and lint it with the rules of 'profile'. */
static void lint(const char *xml, enum ordo_lint_profile profile)
{
    ordo_lint_config_init(&cfg, profile);
    lint_with_cfg(xml);
}

/* The first finding of 'rule' on 'element' whose message contains 'text'
 * (NULL: any message), or NULL. */
static const struct ordo_lint_finding *find_finding(const char *rule, const char *element,
                                                    const char *text)
{
    for (size_t i = 0; i < report.count; i++) {
        const struct ordo_lint_finding *f = &report.findings[i];

        if (strcmp(f->rule, rule) == 0 && f->element && strcmp(f->element, element) == 0 &&
            (!text || strstr(f->message, text))) {
            return f;
        }
    }
    return NULL;
}

/* The severity of the finding of 'rule' on 'element' in the last report;
 * ORDO_LINT_OFF if there is none. */
static enum ordo_lint_severity severity_of(const char *rule, const char *element)
{
    const struct ordo_lint_finding *f = find_finding(rule, element, NULL);

    return f ? f->severity : ORDO_LINT_OFF;
}

/* On stderr, so a failing assertion shows what the rules did report. */
static void dump_report(void)
{
    (void)fprintf(stderr, "findings (%zu):\n", report.count);
    for (size_t i = 0; i < report.count; i++) {
        const struct ordo_lint_finding *f = &report.findings[i];

        (void)fprintf(stderr, "  line %u %s %s \"%s\": %s\n", (unsigned)f->line, f->rule,
                      ordo_lint_severity_name(f->severity), f->element ? f->element : "(none)",
                      f->message);
    }
}

/* Does the last report have 'want' as the severity of 'rule' on 'element'
 * (ORDO_LINT_OFF: no such finding)? Prints the report when not. */
static bool has_severity(const char *rule, const char *element, enum ordo_lint_severity want)
{
    bool ok = severity_of(rule, element) == want;

    if (!ok) {
        dump_report();
    }
    return ok;
}

static bool has_message(const char *rule, const char *element, const char *text)
{
    bool ok = find_finding(rule, element, text) != NULL;

    if (!ok) {
        dump_report();
    }
    return ok;
}

#define EXPECT_FINDING(rule, element, sev)                                              \
    ck_assert_msg(has_severity(rule, element, sev), "expected %s %s on \"%s\", got %s", \
                  ordo_lint_severity_name(sev), rule, element,                          \
                  ordo_lint_severity_name(severity_of(rule, element)))
#define EXPECT_NONE(rule, element)                                                 \
    ck_assert_msg(has_severity(rule, element, ORDO_LINT_OFF),                      \
                  "expected no %s finding on \"%s\", got one (%s)", rule, element, \
                  ordo_lint_severity_name(severity_of(rule, element)))
#define EXPECT_MESSAGE(rule, element, text)                                                      \
    ck_assert_msg(has_message(rule, element, text), "expected %s on \"%s\" saying \"%s\"", rule, \
                  element, text)
#define EXPECT_NO_MESSAGE(rule, element, text)               \
    ck_assert_msg(find_finding(rule, element, text) == NULL, \
                  "expected no %s on \"%s\" saying \"%s\"", rule, element, text)

/* The line of the first occurrence of 'needle' in 'xml'. */
static uint32_t line_of(const char *xml, const char *needle)
{
    const char *at = strstr(xml, needle);
    uint32_t line = 1;

    ck_assert_msg(at != NULL, "\"%s\" is not in the document", needle);
    for (const char *p = xml; p < at; p++) {
        line += *p == '\n';
    }
    return line;
}

/* ---- ad-hoc-sub-process ---- */

/* clang-format off */
static const char *const ad_hoc_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "A")
    "  <bpmn:adHocSubProcess id='A' name='pick'>\n"
    "    <bpmn:startEvent id='AS' name='in'/>\n"
    "    <bpmn:task id='AT' name='any order'/>\n"
    "    <bpmn:endEvent id='AE' name='out'/>\n"
    "  </bpmn:adHocSubProcess>\n"
    FLOW("F2", "A", "SP")
    "  <bpmn:subProcess id='SP' name='steps'>\n"
    "    <bpmn:startEvent id='SS' name='in'/>\n"
    "  " FLOW("SF", "SS", "SE")
    "    <bpmn:endEvent id='SE' name='out'/>\n"
    "  </bpmn:subProcess>\n"
    FLOW("F3", "SP", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(ad_hoc_sub_process_reports_start_and_end_events_inside)
{
    lint(ad_hoc_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("ad-hoc-sub-process", "AS", ORDO_LINT_ERROR);
    EXPECT_FINDING("ad-hoc-sub-process", "AE", ORDO_LINT_ERROR);
    EXPECT_NONE("ad-hoc-sub-process", "AT");
}
END_TEST

START_TEST(ad_hoc_sub_process_ignores_events_of_plain_sub_process)
{
    lint(ad_hoc_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("ad-hoc-sub-process", "SS");
    EXPECT_NONE("ad-hoc-sub-process", "SE");
    EXPECT_NONE("ad-hoc-sub-process", "SP");
}
END_TEST

/* ---- conditional-flows and ordo/exclusive-gateway-conditions ---- */

/* clang-format off */
static const char *const xor_conditional_doc = FORK_DOC(
    "<bpmn:exclusiveGateway id='G' name='ok?'/>",
    CFLOW("Fa", "G", "Ea", "=ok"),
    FLOW("Fb", "G", "Eb"));

static const char *const xor_default_doc = FORK_DOC(
    "<bpmn:exclusiveGateway id='G' name='ok?' default='Fb'/>",
    CFLOW("Fa", "G", "Ea", "=ok"),
    FLOW("Fb", "G", "Eb"));

static const char *const xor_open_doc = FORK_DOC(
    "<bpmn:exclusiveGateway id='G' name='which?'/>",
    FLOW("Fa", "G", "Ea"),
    FLOW("Fb", "G", "Eb"));

static const char *const parallel_fork_doc = FORK_DOC(
    "<bpmn:parallelGateway id='G'/>",
    FLOW("Fa", "G", "Ea"),
    FLOW("Fb", "G", "Eb"));

static const char *const parallel_default_doc = FORK_DOC(
    "<bpmn:parallelGateway id='G' default='Fb'/>",
    FLOW("Fa", "G", "Ea"),
    FLOW("Fb", "G", "Eb"));

static const char *const task_conditional_doc = HEAD PROCESS
    START("S")
    FLOW("F0", "S", "T")
    TASK("T")
    CFLOW("Fa", "T", "Ea", "=ok")
    FLOW("Fb", "T", "Eb")
    END("Ea")
    END("Eb")
    END_PROCESS TAIL;

static const char *const xor_single_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "G")
    "  <bpmn:exclusiveGateway id='G'/>\n"
    FLOW("F2", "G", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(conditional_flows_reports_flow_without_condition)
{
    lint(xor_conditional_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("conditional-flows", "Fb", ORDO_LINT_ERROR);
    EXPECT_NONE("conditional-flows", "Fa");
}
END_TEST

START_TEST(conditional_flows_accepts_the_default_flow)
{
    lint(xor_default_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("conditional-flows", "Fb");
    EXPECT_NONE("conditional-flows", "Fa");
}
END_TEST

START_TEST(conditional_flows_checks_flows_out_of_activities)
{
    lint(task_conditional_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("conditional-flows", "Fb", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(conditional_flows_ignores_fork_without_any_condition)
{
    lint(xor_open_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("conditional-flows", "Fa");
    EXPECT_NONE("conditional-flows", "Fb");
}
END_TEST

/* BPMN gives a default flow to exclusive, inclusive and complex gateways and
 * to activities only; on a parallel gateway the attribute means nothing, so
 * the gateway is no conditional fork (bpmn-moddle: "unknown attribute
 * <default>", and bpmnlint reports nothing). */
START_TEST(conditional_flows_ignores_default_attribute_of_parallel_gateway)
{
    lint(parallel_default_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("conditional-flows", "Fa");
}
END_TEST

START_TEST(ordo_exclusive_gateway_conditions_reports_fork_with_open_flows)
{
    lint(xor_open_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("ordo/exclusive-gateway-conditions", "G", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("ordo/exclusive-gateway-conditions", "G", "\"Fa\", \"Fb\"");
}
END_TEST

START_TEST(ordo_exclusive_gateway_conditions_names_only_open_flows)
{
    lint(xor_conditional_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("ordo/exclusive-gateway-conditions", "G", "1 flow with");
    EXPECT_MESSAGE("ordo/exclusive-gateway-conditions", "G", "\"Fb\"");
    EXPECT_NO_MESSAGE("ordo/exclusive-gateway-conditions", "G", "\"Fa\"");
}
END_TEST

START_TEST(ordo_exclusive_gateway_conditions_accepts_condition_and_default)
{
    lint(xor_default_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("ordo/exclusive-gateway-conditions", "G");
}
END_TEST

START_TEST(ordo_exclusive_gateway_conditions_ignores_parallel_fork_and_single_flow)
{
    lint(parallel_fork_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("ordo/exclusive-gateway-conditions", "G");
    lint(xor_single_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("ordo/exclusive-gateway-conditions", "G");
}
END_TEST

/* ---- end-event-required and start-event-required ---- */

/* clang-format off */
static const char *const no_end_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "SP")
    "  <bpmn:subProcess id='SP' name='inner'>\n"
    "    <bpmn:startEvent id='SS' name='in'/>\n"
    "  " FLOW("SF", "SS", "ST")
    "    <bpmn:task id='ST' name='work'/>\n"
    "  </bpmn:subProcess>\n"
    "  <bpmn:adHocSubProcess id='A' name='free'><bpmn:task id='AT' name='any'/>"
    "</bpmn:adHocSubProcess>\n"
    END_PROCESS TAIL;

static const char *const no_start_doc = HEAD PROCESS
    TASK("T")
    FLOW("F1", "T", "SP")
    "  <bpmn:subProcess id='SP' name='inner'>\n"
    "    <bpmn:task id='ST' name='work'/>\n"
    "  " FLOW("SF", "ST", "SE")
    "    <bpmn:endEvent id='SE' name='out'/>\n"
    "  </bpmn:subProcess>\n"
    FLOW("F2", "SP", "E")
    END("E")
    "  <bpmn:adHocSubProcess id='A' name='free'><bpmn:task id='AT' name='any'/>"
    "</bpmn:adHocSubProcess>\n"
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(end_event_required_reports_process_and_sub_process_without_end)
{
    lint(no_end_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("end-event-required", "P", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("end-event-required", "P", "Process is missing end event");
    EXPECT_FINDING("end-event-required", "SP", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("end-event-required", "SP", "Sub process is missing end event");
}
END_TEST

START_TEST(end_event_required_ignores_ad_hoc_sub_process_and_scope_with_end)
{
    lint(no_end_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("end-event-required", "A");
    lint(ad_hoc_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("end-event-required", "P");
    EXPECT_NONE("end-event-required", "SP");
}
END_TEST

START_TEST(start_event_required_reports_process_and_sub_process_without_start)
{
    lint(no_start_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("start-event-required", "P", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("start-event-required", "P", "Process is missing start event");
    EXPECT_FINDING("start-event-required", "SP", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("start-event-required", "SP", "Sub process is missing start event");
}
END_TEST

START_TEST(start_event_required_ignores_ad_hoc_sub_process_and_scope_with_start)
{
    lint(no_start_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("start-event-required", "A");
    lint(ad_hoc_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("start-event-required", "P");
    EXPECT_NONE("start-event-required", "SP");
}
END_TEST

/* ---- event-based-gateway ---- */

/* clang-format off */
#define EVENT_GATEWAY_DOC(flows)                                                                   \
    HEAD PROCESS                                                                                   \
    START("S")                                                                                     \
    FLOW("F0", "S", "G")                                                                           \
    "  <bpmn:eventBasedGateway id='G'/>\n"                                                         \
    flows                                                                                          \
    "  <bpmn:intermediateCatchEvent id='C1' name='paid'><bpmn:messageEventDefinition/>"            \
    "</bpmn:intermediateCatchEvent>\n"                                                             \
    "  <bpmn:intermediateCatchEvent id='C2' name='a day'><bpmn:timerEventDefinition/>"             \
    "</bpmn:intermediateCatchEvent>\n"                                                             \
    FLOW("F3", "C1", "E")                                                                          \
    FLOW("F4", "C2", "E")                                                                          \
    END("E")                                                                                       \
    END_PROCESS TAIL

static const char *const event_gateway_single_doc = EVENT_GATEWAY_DOC(
    FLOW("F1", "G", "C1"));

static const char *const event_gateway_conditional_doc = EVENT_GATEWAY_DOC(
    FLOW("F1", "G", "C1")
    CFLOW("F2", "G", "C2", "=late"));

static const char *const event_gateway_doc = EVENT_GATEWAY_DOC(
    FLOW("F1", "G", "C1")
    FLOW("F2", "G", "C2"));
/* clang-format on */

START_TEST(event_based_gateway_reports_single_outgoing_flow)
{
    lint(event_gateway_single_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("event-based-gateway", "G", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(event_based_gateway_reports_conditional_outgoing_flow)
{
    lint(event_gateway_conditional_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("event-based-gateway", "F2", ORDO_LINT_ERROR);
    EXPECT_NONE("event-based-gateway", "F1");
    EXPECT_NONE("event-based-gateway", "G");
}
END_TEST

START_TEST(event_based_gateway_accepts_two_plain_flows)
{
    lint(event_gateway_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("event-based-gateway", "G");
    EXPECT_NONE("event-based-gateway", "F1");
    EXPECT_NONE("event-based-gateway", "F2");
}
END_TEST

/* ---- event-sub-process-typed-start-event and sub-process-blank-start-event ---- */

/* clang-format off */
static const char *const event_sub_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "E")
    END("E")
    "  <bpmn:subProcess id='ESP1' triggeredByEvent='true'>\n"
    "    <bpmn:startEvent id='ES1' name='blank'/>\n"
    "  " FLOW("EF1", "ES1", "EE1")
    "    <bpmn:endEvent id='EE1' name='out'/>\n"
    "  </bpmn:subProcess>\n"
    "  <bpmn:subProcess id='ESP2' triggeredByEvent='true'>\n"
    "    <bpmn:startEvent id='ES2' name='timer'><bpmn:timerEventDefinition/></bpmn:startEvent>\n"
    "  " FLOW("EF2", "ES2", "EE2")
    "    <bpmn:endEvent id='EE2' name='out'/>\n"
    "  </bpmn:subProcess>\n"
    "  <bpmn:startEvent id='SPS' name='other'><bpmn:signalEventDefinition/></bpmn:startEvent>\n"
    FLOW("F2", "SPS", "SP")
    "  <bpmn:subProcess id='SP' name='inner'>\n"
    "    <bpmn:startEvent id='SS' name='typed'><bpmn:messageEventDefinition/></bpmn:startEvent>\n"
    "  " FLOW("SF", "SS", "SE")
    "    <bpmn:endEvent id='SE' name='out'/>\n"
    "  </bpmn:subProcess>\n"
    FLOW("F3", "SP", "SPE")
    "  <bpmn:endEvent id='SPE' name='other end'/>\n"
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(event_sub_process_typed_start_event_reports_blank_start)
{
    lint(event_sub_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("event-sub-process-typed-start-event", "ES1", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(event_sub_process_typed_start_event_accepts_timer_start)
{
    lint(event_sub_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("event-sub-process-typed-start-event", "ES2");
    /* The rule is about event sub-processes only: a plain one's start is another rule's. */
    EXPECT_NONE("event-sub-process-typed-start-event", "SS");
}
END_TEST

START_TEST(sub_process_blank_start_event_reports_typed_start_in_sub_process)
{
    lint(event_sub_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("sub-process-blank-start-event", "SS", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(sub_process_blank_start_event_ignores_event_sub_process_and_process)
{
    lint(event_sub_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("sub-process-blank-start-event", "ES2");
    EXPECT_NONE("sub-process-blank-start-event", "SPS"); /* typed start of the process itself */
}
END_TEST

/* ---- fake-join ---- */

/* clang-format off */
#define JOIN_DOC(join)                                                                             \
    HEAD PROCESS                                                                                   \
    START("S")                                                                                     \
    FLOW("F0", "S", "G")                                                                           \
    "  <bpmn:parallelGateway id='G'/>\n"                                                           \
    FLOW("F1", "G", "A")                                                                           \
    FLOW("F2", "G", "B")                                                                           \
    "  <bpmn:task id='A' name='a'/>\n"                                                             \
    "  <bpmn:task id='B' name='b'/>\n"                                                             \
    FLOW("F3", "A", "J")                                                                           \
    FLOW("F4", "B", "J")                                                                           \
    "  " join "\n"                                                                                 \
    FLOW("F5", "J", "E")                                                                           \
    END("E")                                                                                       \
    END_PROCESS TAIL

static const char *const task_join_doc = JOIN_DOC("<bpmn:task id='J' name='merge'/>");
static const char *const gateway_join_doc = JOIN_DOC("<bpmn:parallelGateway id='J'/>");
/* clang-format on */

START_TEST(fake_join_reports_task_with_two_incoming_flows)
{
    lint(task_join_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("fake-join", "J", ORDO_LINT_WARN);
}
END_TEST

START_TEST(fake_join_ignores_joining_gateway)
{
    lint(gateway_join_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("fake-join", "J");
}
END_TEST

/* ---- global ---- */

/* clang-format off */
static const char *const global_doc = HEAD
    "<bpmn:message id='M_used' name='Order'/>\n"
    "<bpmn:message id='M_unused' name='Invoice'/>\n"
    "<bpmn:message id='M_blank' name=' '/>\n"
    "<bpmn:signal id='Sig1' name='Same'/>\n"
    "<bpmn:signal id='Sig2' name='Same'/>\n"
    "<bpmn:error id='Err_noname'/>\n"
    "<bpmn:escalation id='Esc_used' name='Late'/>\n"
    PROCESS
    "  <bpmn:startEvent id='S' name='order'><bpmn:messageEventDefinition messageRef='M_used'/>"
    "</bpmn:startEvent>\n"
    FLOW("F1", "S", "T")
    TASK("T")
    FLOW("F2", "T", "E")
    "  <bpmn:endEvent id='E' name='late'>"
    "<bpmn:escalationEventDefinition escalationRef='Esc_used'/></bpmn:endEvent>\n"
    "  <bpmn:boundaryEvent id='B' name='failed' attachedToRef='T'>"
    "<bpmn:errorEventDefinition errorRef='Err_noname'/></bpmn:boundaryEvent>\n"
    FLOW("F3", "B", "E2")
    END("E2")
    END_PROCESS TAIL;

static const char *const global_qname_doc = HEAD
    "<bpmn:message id='M_q' name='Order'/>\n"
    PROCESS
    START("S")
    FLOW("F1", "S", "R")
    "  <bpmn:receiveTask id='R' name='wait' messageRef='tns:M_q'/>\n"
    FLOW("F2", "R", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(global_reports_unused_message)
{
    lint(global_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("global", "M_unused", ORDO_LINT_WARN);
    EXPECT_MESSAGE("global", "M_unused", "Element is unused");
}
END_TEST

START_TEST(global_reports_blank_name)
{
    lint(global_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("global", "M_blank", "Element is missing name");
}
END_TEST

START_TEST(global_reports_name_used_twice_for_one_kind)
{
    lint(global_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("global", "Sig1", "Element name is not unique");
    EXPECT_MESSAGE("global", "Sig2", "Element name is not unique");
}
END_TEST

START_TEST(global_accepts_referenced_elements)
{
    lint(global_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("global", "M_used");
    EXPECT_NONE("global", "Esc_used");
    EXPECT_NONE("global", "Err_noname"); /* used by the boundary event */
}
END_TEST

/* bpmnlint's hasName() is `name?.trim() !== ''`: an absent name passes. */
START_TEST(global_treats_absent_name_as_a_name)
{
    lint(global_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NO_MESSAGE("global", "Err_noname", "missing name");
}
END_TEST

/* Deliberate difference: references written as QNames resolve. */
START_TEST(global_resolves_qname_message_reference)
{
    lint(global_qname_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("global", "M_q");
}
END_TEST

/* ---- label-required ---- */

/* clang-format off */
static const char *const label_doc = HEAD
    "<bpmn:collaboration id='C'>\n"
    "  <bpmn:participant id='Pool' processRef='P'/>\n"
    "</bpmn:collaboration>\n"
    PROCESS
    "  <bpmn:laneSet id='LS'><bpmn:lane id='Lane'/></bpmn:laneSet>\n"
    "  <bpmn:startEvent id='S'/>\n"
    FLOW("F0", "S", "T")
    "  <bpmn:task id='T'/>\n"
    "  <bpmn:task id='Tblank' name='  '/>\n"
    FLOW("F1", "T", "G")
    "  <bpmn:exclusiveGateway id='G' default='Fb'/>\n"
    CFLOW("Fa", "G", "J", "=ok")
    FLOW("Fb", "G", "J")
    "  <bpmn:exclusiveGateway id='J'/>\n"
    FLOW("F2", "J", "PG")
    "  <bpmn:parallelGateway id='PG'/>\n"
    FLOW("F3", "PG", "SP")
    FLOW("F4", "PG", "E")
    "  <bpmn:subProcess id='SP'/>\n"
    "  <bpmn:endEvent id='E' name='done'/>\n"
    END_PROCESS TAIL;

/* U+00A0 no-break space, U+2003 em space, U+FEFF zero width no-break space. */
static const char *const unicode_blank_doc = HEAD
    "<bpmn:message id='M' name='&#160;'/>\n"
    PROCESS
    "  <bpmn:startEvent id='S' name='&#160;'><bpmn:messageEventDefinition messageRef='M'/>"
    "</bpmn:startEvent>\n"
    "  <bpmn:sequenceFlow id='F1' name='&#x2003;' sourceRef='S' targetRef='E'/>\n"
    "  <bpmn:endEvent id='E' name='&#xFEFF;'/>\n"
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(label_required_reports_unnamed_flow_nodes)
{
    lint(label_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("label-required", "S", ORDO_LINT_ERROR);
    EXPECT_FINDING("label-required", "T", ORDO_LINT_ERROR);
    EXPECT_FINDING("label-required", "Tblank", ORDO_LINT_ERROR);
    EXPECT_FINDING("label-required", "G", ORDO_LINT_ERROR); /* a forking gateway asks a question */
}
END_TEST

START_TEST(label_required_reports_conditional_flow_participant_and_lane)
{
    lint(label_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("label-required", "Fa", ORDO_LINT_ERROR);
    EXPECT_FINDING("label-required", "Pool", ORDO_LINT_ERROR);
    EXPECT_FINDING("label-required", "Lane", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(label_required_ignores_joins_parallel_gateways_plain_flows_and_sub_processes)
{
    lint(label_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("label-required", "J");
    EXPECT_NONE("label-required", "PG");
    EXPECT_NONE("label-required", "Fb");
    EXPECT_NONE("label-required", "F0");
    EXPECT_NONE("label-required", "SP");
    EXPECT_NONE("label-required", "E");
    EXPECT_NONE("label-required", "P");
}
END_TEST

/* bpmnlint tests names with JavaScript's trim(), which also strips Unicode
 * spaces such as U+00A0 (no-break space), U+2003 (em space), U+2028 and
 * U+FEFF: a name of one no-break space is missing (label-required, global)
 * and no label at all for superfluous-label. */
START_TEST(blank_names_include_unicode_spaces)
{
    lint(unicode_blank_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("label-required", "S", ORDO_LINT_ERROR);
    EXPECT_FINDING("label-required", "E", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("global", "M", "Element is missing name");
    EXPECT_NONE("superfluous-label", "F1");
}
END_TEST

/* ---- link-event ---- */

/* clang-format off */
static const char *const link_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "TA")
    "  <bpmn:intermediateThrowEvent id='TA' name='to A'><bpmn:linkEventDefinition name='A'/>"
    "</bpmn:intermediateThrowEvent>\n"
    "  <bpmn:intermediateCatchEvent id='CA' name='from A'><bpmn:linkEventDefinition name='A'/>"
    "</bpmn:intermediateCatchEvent>\n"
    FLOW("F2", "CA", "TB")
    "  <bpmn:intermediateThrowEvent id='TB' name='to B'><bpmn:linkEventDefinition name='B'/>"
    "</bpmn:intermediateThrowEvent>\n"
    "  <bpmn:intermediateThrowEvent id='TN' name='nowhere'><bpmn:linkEventDefinition/>"
    "</bpmn:intermediateThrowEvent>\n"
    "  <bpmn:intermediateThrowEvent id='TD' name='to D'><bpmn:linkEventDefinition name='D'/>"
    "</bpmn:intermediateThrowEvent>\n"
    "  <bpmn:intermediateCatchEvent id='CD1' name='from D'><bpmn:linkEventDefinition name='D'/>"
    "</bpmn:intermediateCatchEvent>\n"
    "  <bpmn:intermediateCatchEvent id='CD2' name='from D too'>"
    "<bpmn:linkEventDefinition name='D'/></bpmn:intermediateCatchEvent>\n"
    FLOW("F3", "CD1", "E")
    FLOW("F4", "CD2", "E")
    END("E")
    "  <bpmn:subProcess id='SP' name='inner'>\n"
    "    <bpmn:intermediateCatchEvent id='CB' name='from B'><bpmn:linkEventDefinition name='B'/>"
    "</bpmn:intermediateCatchEvent>\n"
    "  </bpmn:subProcess>\n"
    END_PROCESS TAIL;

static const char *const link_throws_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T1")
    "  <bpmn:intermediateThrowEvent id='T1' name='go'><bpmn:linkEventDefinition name='X'/>"
    "</bpmn:intermediateThrowEvent>\n"
    "  <bpmn:intermediateThrowEvent id='T2' name='go too'><bpmn:linkEventDefinition name='X'/>"
    "</bpmn:intermediateThrowEvent>\n"
    END_PROCESS TAIL;

static const char *const link_underscore_doc = HEAD PROCESS
    "  <bpmn:intermediateThrowEvent id='TN' name='go'><bpmn:linkEventDefinition/>"
    "</bpmn:intermediateThrowEvent>\n"
    "  <bpmn:intermediateCatchEvent id='CU' name='here'><bpmn:linkEventDefinition name='_'/>"
    "</bpmn:intermediateCatchEvent>\n"
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(link_event_reports_throw_without_catch)
{
    lint(link_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("link-event", "TB", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("link-event", "TB", "Link catch event with link name <B> missing in scope");
}
END_TEST

/* Scopes do not share link names: the catch in the sub-process does not
 * pair with the throw outside it. */
START_TEST(link_event_pairs_only_within_one_scope)
{
    lint(link_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("link-event", "CB", "Link throw event with link name <B> missing in scope");
}
END_TEST

START_TEST(link_event_reports_duplicate_catches)
{
    lint(link_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("link-event", "CD1", "Duplicate link catch event with link name <D>");
    EXPECT_MESSAGE("link-event", "CD2", "Duplicate link catch event with link name <D>");
    EXPECT_NONE("link-event", "TD");
}
END_TEST

START_TEST(link_event_accepts_pair_with_same_name)
{
    lint(link_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("link-event", "TA");
    EXPECT_NONE("link-event", "CA");
}
END_TEST

START_TEST(link_event_reports_throws_without_any_catch)
{
    lint(link_throws_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("link-event", "T1", "Link catch event with link name <X> missing in scope");
    EXPECT_MESSAGE("link-event", "T2", "Link catch event with link name <X> missing in scope");
}
END_TEST

/* Deliberate difference: bpmnlint's groupBy() files unnamed link events
 * under the name "_" and reports "link name <_>" as well; Ordo reports only
 * the missing name. */
START_TEST(link_event_reports_unnamed_link_only_as_unnamed)
{
    lint(link_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("link-event", "TN", "Link event is missing link name");
    EXPECT_NO_MESSAGE("link-event", "TN", "<_>");
}
END_TEST

/* ... so a link event that is really named "_" does not pair with unnamed
 * ones, as it would in bpmnlint. */
START_TEST(link_event_does_not_pair_underscore_name_with_unnamed_links)
{
    lint(link_underscore_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("link-event", "CU", "Link throw event with link name <_> missing in scope");
    EXPECT_MESSAGE("link-event", "TN", "Link event is missing link name");
}
END_TEST

/* ---- no-bpmndi ---- */

/* clang-format off */
static const char *const bpmndi_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    TASK("T")
    FLOW("F2", "T", "E")
    END("E")
    "  <bpmn:dataObject id='DO'/>\n"
    "  <bpmn:dataObjectReference id='DOR' dataObjectRef='DO'/>\n"
    END_PROCESS
    DIAGRAM("P",
        SHAPE("S", "100", "100", "36", "36")
        EDGE("F1")
        SHAPE("E", "400", "100", "36", "36")
        SHAPE("DOR", "200", "300", "36", "50"))
    TAIL;
/* clang-format on */

START_TEST(no_bpmndi_reports_element_without_shape_or_edge)
{
    lint(bpmndi_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-bpmndi", "T", ORDO_LINT_ERROR);
    EXPECT_FINDING("no-bpmndi", "F2", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(no_bpmndi_ignores_data_objects_and_drawn_elements)
{
    lint(bpmndi_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-bpmndi", "DO"); /* a data object is drawn through its references */
    EXPECT_NONE("no-bpmndi", "DOR");
    EXPECT_NONE("no-bpmndi", "S");
    EXPECT_NONE("no-bpmndi", "F1");
    EXPECT_NONE("no-bpmndi", "P");
}
END_TEST

/* ---- no-complex-gateway ---- */

/* clang-format off */
static const char *const complex_doc = FORK_DOC(
    "<bpmn:complexGateway id='G' name='which?'/>",
    FLOW("Fa", "G", "Ea"),
    FLOW("Fb", "G", "Eb"));
/* clang-format on */

START_TEST(no_complex_gateway_reports_complex_gateway)
{
    lint(complex_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-complex-gateway", "G", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(no_complex_gateway_ignores_exclusive_gateway)
{
    lint(xor_open_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-complex-gateway", "G");
}
END_TEST

/* ---- no-disconnected ---- */

/* clang-format off */
/* T has a compensation boundary event BC linked to its handler Undo by an
 * association; BX is a compensation boundary without one. */
static const char *const compensation_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    TASK("T")
    FLOW("F2", "T", "E")
    END("E")
    "  <bpmn:boundaryEvent id='BC' attachedToRef='T'><bpmn:compensateEventDefinition/>"
    "</bpmn:boundaryEvent>\n"
    "  <bpmn:task id='Undo' name='undo' isForCompensation='true'/>\n"
    "  <bpmn:boundaryEvent id='BX' attachedToRef='T'><bpmn:compensateEventDefinition/>"
    "</bpmn:boundaryEvent>\n"
    "  <bpmn:task id='Lonely' name='alone'/>\n"
    "  <bpmn:association id='A1' associationDirection='One' sourceRef='BC' targetRef='Undo'/>\n"
    "  <bpmn:subProcess id='ESP' triggeredByEvent='true'>\n"
    "    <bpmn:startEvent id='ES' name='err'><bpmn:errorEventDefinition/></bpmn:startEvent>\n"
    "  " FLOW("EF", "ES", "EE")
    "    <bpmn:endEvent id='EE' name='out'/>\n"
    "  </bpmn:subProcess>\n"
    END_PROCESS TAIL;

static const char *const boundary_timer_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    TASK("T")
    FLOW("F2", "T", "E")
    END("E")
    "  <bpmn:boundaryEvent id='BT' name='timeout' attachedToRef='T'>"
    "<bpmn:timerEventDefinition/></bpmn:boundaryEvent>\n"
    END_PROCESS TAIL;

static const char *const compensation_event_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "E")
    END("E")
    "  <bpmn:intermediateThrowEvent id='X' name='undo' isForCompensation='true'/>\n"
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(no_disconnected_reports_unconnected_task)
{
    lint(compensation_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-disconnected", "Lonely", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(no_disconnected_ignores_compensation_boundary_and_handler)
{
    lint(compensation_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-disconnected", "BC");
    EXPECT_NONE("no-disconnected", "BX"); /* bpmnlint does not check for the association */
    EXPECT_NONE("no-disconnected", "Undo");
}
END_TEST

START_TEST(no_disconnected_ignores_event_sub_process_and_ad_hoc_children)
{
    lint(compensation_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-disconnected", "ESP");
    lint(ad_hoc_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-disconnected", "AT");
}
END_TEST

START_TEST(no_disconnected_reports_boundary_event_without_flow)
{
    lint(boundary_timer_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-disconnected", "BT", ORDO_LINT_ERROR);
}
END_TEST

/* isForCompensation is an attribute of activities: on an event it means
 * nothing, and a disconnected event is reported (as bpmnlint does). */
START_TEST(no_disconnected_ignores_is_for_compensation_on_events)
{
    lint(compensation_event_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-disconnected", "X", ORDO_LINT_ERROR);
}
END_TEST

/* ---- no-duplicate-sequence-flows ---- */

/* clang-format off */
static const char *const duplicate_flows_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    FLOW("F2", "S", "T")
    TASK("T")
    FLOW("F3", "T", "E")
    END("E")
    END_PROCESS TAIL;

static const char *const different_conditions_doc = HEAD PROCESS
    START("S")
    FLOW("F0", "S", "G")
    "  <bpmn:exclusiveGateway id='G' name='size?'/>\n"
    CFLOW("Fa", "G", "E", "=small")
    CFLOW("Fb", "G", "E", "=large")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(no_duplicate_sequence_flows_reports_flow_and_its_ends)
{
    lint(duplicate_flows_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-duplicate-sequence-flows", "F2", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("no-duplicate-sequence-flows", "S", "Duplicate outgoing sequence flows");
    EXPECT_MESSAGE("no-duplicate-sequence-flows", "T", "Duplicate incoming sequence flows");
    EXPECT_NONE("no-duplicate-sequence-flows", "F1"); /* the first one is the original */
}
END_TEST

START_TEST(no_duplicate_sequence_flows_ignores_flows_with_different_conditions)
{
    lint(different_conditions_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-duplicate-sequence-flows", "Fa");
    EXPECT_NONE("no-duplicate-sequence-flows", "Fb");
    EXPECT_NONE("no-duplicate-sequence-flows", "G");
}
END_TEST

/* ---- no-gateway-join-fork and superfluous-gateway ---- */

/* clang-format off */
/* G0 forks to A and B, G joins them and leaves by 'outs'. */
#define GATEWAY_DOC(outs)                                                                          \
    HEAD PROCESS                                                                                   \
    START("S")                                                                                     \
    FLOW("F0", "S", "G0")                                                                          \
    "  <bpmn:parallelGateway id='G0'/>\n"                                                          \
    FLOW("F1", "G0", "A")                                                                          \
    FLOW("F2", "G0", "B")                                                                          \
    TASK("A")                                                                                      \
    TASK("B")                                                                                      \
    FLOW("F3", "A", "G")                                                                           \
    FLOW("F4", "B", "G")                                                                           \
    "  <bpmn:parallelGateway id='G'/>\n"                                                           \
    outs                                                                                           \
    END("E1")                                                                                      \
    END("E2")                                                                                      \
    END_PROCESS TAIL

static const char *const join_fork_doc = GATEWAY_DOC(
    FLOW("F5", "G", "E1")
    FLOW("F6", "G", "E2"));

static const char *const join_doc = GATEWAY_DOC(
    FLOW("F5", "G", "E1"));
/* clang-format on */

START_TEST(no_gateway_join_fork_reports_gateway_that_joins_and_forks)
{
    lint(join_fork_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-gateway-join-fork", "G", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(no_gateway_join_fork_ignores_join_and_fork_gateways)
{
    lint(join_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-gateway-join-fork", "G");  /* joins only */
    EXPECT_NONE("no-gateway-join-fork", "G0"); /* forks only */
}
END_TEST

START_TEST(superfluous_gateway_reports_gateway_with_one_way_in_and_out)
{
    lint(xor_single_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("superfluous-gateway", "G", ORDO_LINT_WARN);
}
END_TEST

START_TEST(superfluous_gateway_ignores_fork_and_join)
{
    lint(join_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("superfluous-gateway", "G");
    EXPECT_NONE("superfluous-gateway", "G0");
}
END_TEST

/* ---- no-implicit-split ---- */

/* clang-format off */
static const char *const task_split_doc = HEAD PROCESS
    START("S")
    FLOW("F0", "S", "T")
    TASK("T")
    FLOW("Fa", "T", "Ea")
    FLOW("Fb", "T", "Eb")
    END("Ea")
    END("Eb")
    END_PROCESS TAIL;

static const char *const task_guarded_split_doc = HEAD PROCESS
    START("S")
    FLOW("F0", "S", "T")
    "  <bpmn:task id='T' name='work' default='Fb'/>\n"
    CFLOW("Fa", "T", "Ea", "=ok")
    FLOW("Fb", "T", "Eb")
    END("Ea")
    END("Eb")
    END_PROCESS TAIL;

static const char *const start_split_doc = HEAD PROCESS
    START("S")
    FLOW("Fa", "S", "Ea")
    FLOW("Fb", "S", "Eb")
    END("Ea")
    END("Eb")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(no_implicit_split_reports_task_with_two_plain_outgoing_flows)
{
    lint(task_split_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-implicit-split", "T", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(no_implicit_split_ignores_conditional_and_default_flows)
{
    lint(task_guarded_split_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-implicit-split", "T");
    EXPECT_NONE("conditional-flows", "Fb");
}
END_TEST

START_TEST(no_implicit_split_reports_event_forking)
{
    lint(start_split_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-implicit-split", "S", ORDO_LINT_ERROR);
}
END_TEST

/* ---- no-implicit-end and no-implicit-start ---- */

/* clang-format off */
static const char *const dead_end_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    TASK("T")
    END_PROCESS TAIL;

static const char *const no_way_in_doc = HEAD PROCESS
    TASK("T")
    FLOW("F1", "T", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(no_implicit_end_reports_task_without_outgoing_flow)
{
    lint(dead_end_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-implicit-end", "T", ORDO_LINT_ERROR);
    EXPECT_NONE("no-implicit-end", "S");
}
END_TEST

START_TEST(no_implicit_end_ignores_end_event_link_throw_and_compensation_handlers)
{
    lint(link_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-implicit-end", "TA"); /* a link throw continues at its catch */
    EXPECT_NONE("no-implicit-end", "E");
    lint(compensation_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-implicit-end", "BC"); /* associated with its handler */
    EXPECT_NONE("no-implicit-end", "Undo");
    EXPECT_NONE("no-implicit-end", "ESP");
}
END_TEST

START_TEST(no_implicit_end_reports_compensation_boundary_without_association)
{
    lint(compensation_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-implicit-end", "BX", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(no_implicit_start_reports_task_without_incoming_flow)
{
    lint(no_way_in_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-implicit-start", "T", ORDO_LINT_ERROR);
    EXPECT_NONE("no-implicit-start", "E");
}
END_TEST

START_TEST(no_implicit_start_ignores_start_boundary_link_catch_and_event_sub_process)
{
    lint(link_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-implicit-start", "S");
    EXPECT_NONE("no-implicit-start", "CA"); /* a link catch continues its throw */
    lint(compensation_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-implicit-start", "BC");
    EXPECT_NONE("no-implicit-start", "Undo");
    EXPECT_NONE("no-implicit-start", "ESP");
}
END_TEST

/* ---- no-inclusive-gateway: the one rule the profiles set differently ---- */

/* clang-format off */
static const char *const inclusive_doc = FORK_DOC(
    "<bpmn:inclusiveGateway id='G' name='which?' default='Fb'/>",
    CFLOW("Fa", "G", "Ea", "=a"),
    FLOW("Fb", "G", "Eb"));
/* clang-format on */

START_TEST(no_inclusive_gateway_warns_in_bpmnlint_profile)
{
    lint(inclusive_doc, ORDO_LINT_PROFILE_BPMNLINT);
    EXPECT_FINDING("no-inclusive-gateway", "G", ORDO_LINT_WARN);
}
END_TEST

START_TEST(no_inclusive_gateway_is_off_in_ordo_profile)
{
    lint(inclusive_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-inclusive-gateway", "G");
}
END_TEST

/* ---- no-overlapping-elements ---- */

/* clang-format off */
#define TWO_TASKS                                                                                  \
    PROCESS                                                                                        \
    START("S")                                                                                     \
    FLOW("F1", "S", "A")                                                                           \
    TASK("A")                                                                                      \
    FLOW("F2", "A", "B")                                                                           \
    TASK("B")                                                                                      \
    FLOW("F3", "B", "E")                                                                           \
    END("E")
#define BOUNDARY_ON_A                                                                              \
    "  <bpmn:boundaryEvent id='BE' name='late' attachedToRef='A'>"                                 \
    "<bpmn:timerEventDefinition/></bpmn:boundaryEvent>\n"                                          \
    FLOW("F4", "BE", "E")

static const char *const overlap_doc = HEAD
    TWO_TASKS
    END_PROCESS
    DIAGRAM("P",
        SHAPE("A", "100", "100", "100", "80")
        SHAPE("B", "150", "120", "100", "80")
        SHAPE("E", "400", "100", "36", "36"))
    TAIL;

/* BE sits on A's lower edge, B is well away. */
static const char *const boundary_on_host_doc = HEAD
    TWO_TASKS
    BOUNDARY_ON_A
    END_PROCESS
    DIAGRAM("P",
        SHAPE("A", "100", "100", "100", "80")
        SHAPE("BE", "182", "162", "36", "36")
        SHAPE("B", "300", "100", "100", "80"))
    TAIL;

/* BE sits on A's lower edge and on B, which starts inside A's corner. */
static const char *const boundary_on_other_doc = HEAD
    TWO_TASKS
    BOUNDARY_ON_A
    END_PROCESS
    DIAGRAM("P",
        SHAPE("A", "100", "100", "100", "80")
        SHAPE("BE", "182", "162", "36", "36")
        SHAPE("B", "190", "170", "100", "80"))
    TAIL;

/* A pool 600 wide; X at x=700 is outside it. */
#define POOL_DOC(outsider)                                                                         \
    HEAD                                                                                           \
    "<bpmn:collaboration id='C'><bpmn:participant id='Pool' name='us' processRef='P'/>"            \
    "</bpmn:collaboration>\n"                                                                      \
    TWO_TASKS                                                                                      \
    "  " outsider "\n"                                                                             \
    END_PROCESS                                                                                    \
    DIAGRAM("C",                                                                                   \
        SHAPE("Pool", "0", "0", "600", "250")                                                      \
        SHAPE("A", "100", "100", "100", "80")                                                      \
        SHAPE("B", "250", "100", "100", "80")                                                      \
        SHAPE("X", "700", "100", "50", "50"))                                                      \
    TAIL

static const char *const task_outside_pool_doc = POOL_DOC(
    "<bpmn:task id='X' name='elsewhere'/>");
static const char *const store_outside_pool_doc = POOL_DOC(
    "<bpmn:dataStoreReference id='X' name='db'/>");
/* clang-format on */

START_TEST(no_overlapping_elements_reports_both_overlapping_shapes)
{
    lint(overlap_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-overlapping-elements", "A", ORDO_LINT_WARN);
    EXPECT_FINDING("no-overlapping-elements", "B", ORDO_LINT_WARN);
    EXPECT_NONE("no-overlapping-elements", "E");
}
END_TEST

START_TEST(no_overlapping_elements_ignores_boundary_event_on_its_host)
{
    lint(boundary_on_host_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-overlapping-elements", "BE");
    EXPECT_NONE("no-overlapping-elements", "A");
}
END_TEST

/* A boundary event is exempt from its host only: lying on another shape
 * still counts. */
START_TEST(no_overlapping_elements_reports_boundary_event_on_another_shape)
{
    lint(boundary_on_other_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-overlapping-elements", "BE", ORDO_LINT_WARN);
    EXPECT_FINDING("no-overlapping-elements", "B", ORDO_LINT_WARN);
}
END_TEST

START_TEST(no_overlapping_elements_reports_shape_outside_its_pool)
{
    lint(task_outside_pool_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-overlapping-elements", "X", ORDO_LINT_WARN);
    EXPECT_MESSAGE("no-overlapping-elements", "X", "Element is outside of parent boundary");
    EXPECT_NONE("no-overlapping-elements", "A"); /* inside the pool, overlapping it */
}
END_TEST

START_TEST(no_overlapping_elements_lets_data_store_reference_leave_its_pool)
{
    lint(store_outside_pool_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-overlapping-elements", "X");
}
END_TEST

/* ---- single-blank-start-event ---- */

/* clang-format off */
static const char *const two_blank_starts_doc = HEAD PROCESS
    START("S1")
    START("S2")
    FLOW("F1", "S1", "E")
    FLOW("F2", "S2", "E")
    END("E")
    END_PROCESS TAIL;

static const char *const blank_and_typed_starts_doc = HEAD PROCESS
    START("S1")
    "  <bpmn:startEvent id='S2' name='order'><bpmn:messageEventDefinition/></bpmn:startEvent>\n"
    FLOW("F1", "S1", "E")
    FLOW("F2", "S2", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(single_blank_start_event_reports_scope_with_two_blank_starts)
{
    lint(two_blank_starts_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("single-blank-start-event", "P", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(single_blank_start_event_accepts_blank_and_typed_start)
{
    lint(blank_and_typed_starts_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("single-blank-start-event", "P");
}
END_TEST

/* ---- single-event-definition ---- */

/* clang-format off */
#define DEFINITIONS_DOC(defs)                                                                      \
    HEAD PROCESS                                                                                   \
    START("S")                                                                                     \
    FLOW("F1", "S", "W")                                                                           \
    "  <bpmn:intermediateCatchEvent id='W' name='wait'>" defs "</bpmn:intermediateCatchEvent>\n"   \
    FLOW("F2", "W", "E")                                                                           \
    END("E")                                                                                       \
    END_PROCESS TAIL

static const char *const two_definitions_doc = DEFINITIONS_DOC(
    "<bpmn:messageEventDefinition/><bpmn:timerEventDefinition/>");
static const char *const one_definition_doc = DEFINITIONS_DOC(
    "<bpmn:timerEventDefinition/>");
/* clang-format on */

START_TEST(single_event_definition_reports_event_with_two_definitions)
{
    lint(two_definitions_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("single-event-definition", "W", ORDO_LINT_ERROR);
}
END_TEST

START_TEST(single_event_definition_accepts_one_definition)
{
    lint(one_definition_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("single-event-definition", "W");
}
END_TEST

/* ---- superfluous-label ---- */

/* clang-format off */
static const char *const labelled_plain_flow_doc = HEAD PROCESS
    START("S")
    "  <bpmn:sequenceFlow id='F1' name='then' sourceRef='S' targetRef='E'/>\n"
    END("E")
    END_PROCESS TAIL;

static const char *const labelled_decision_doc = FORK_DOC(
    "<bpmn:exclusiveGateway id='G' name='ok?' default='Fb'/>",
    "  <bpmn:sequenceFlow id='Fa' name='yes' sourceRef='G' targetRef='Ea'/>\n",
    "  <bpmn:sequenceFlow id='Fb' name='no' sourceRef='G' targetRef='Eb'/>\n");

static const char *const labelled_condition_doc = HEAD PROCESS
    START("S")
    FLOW("F0", "S", "T")
    TASK("T")
    "  <bpmn:sequenceFlow id='Fc' name='if ok' sourceRef='T' targetRef='E'>"
    "<bpmn:conditionExpression>=ok</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
    END("E")
    END_PROCESS TAIL;

static const char *const labelled_parallel_doc = FORK_DOC(
    "<bpmn:parallelGateway id='G'/>",
    "  <bpmn:sequenceFlow id='Fa' name='left' sourceRef='G' targetRef='Ea'/>\n",
    FLOW("Fb", "G", "Eb"));
/* clang-format on */

START_TEST(superfluous_label_reports_named_flow_out_of_event)
{
    lint(labelled_plain_flow_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("superfluous-label", "F1", ORDO_LINT_WARN);
}
END_TEST

START_TEST(superfluous_label_accepts_labels_on_conditional_default_and_decision_flows)
{
    lint(labelled_decision_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("superfluous-label", "Fa"); /* forks out of an exclusive gateway */
    EXPECT_NONE("superfluous-label", "Fb"); /* and is its default */
    lint(labelled_condition_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("superfluous-label", "Fc");
}
END_TEST

/* Only decision gateways (exclusive, inclusive) label their branches. */
START_TEST(superfluous_label_reports_named_flow_out_of_parallel_fork)
{
    lint(labelled_parallel_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("superfluous-label", "Fa", ORDO_LINT_WARN);
}
END_TEST

/* ---- superfluous-termination ---- */

/* clang-format off */
#define TERMINATE_END(id)                                                                          \
    "  <bpmn:endEvent id='" id "' name='stop'><bpmn:terminateEventDefinition/></bpmn:endEvent>\n"
/* start -> T -> a terminate end TE, plus 'more'. */
#define TERMINATION_DOC(more)                                                                      \
    HEAD PROCESS                                                                                   \
    START("S")                                                                                     \
    FLOW("F1", "S", "T")                                                                           \
    TASK("T")                                                                                      \
    FLOW("F2", "T", "TE")                                                                          \
    TERMINATE_END("TE")                                                                            \
    more                                                                                           \
    END_PROCESS TAIL
#define EVENT_SUB(interrupting)                                                                    \
    "  <bpmn:subProcess id='ESP' triggeredByEvent='true'>\n"                                       \
    "    <bpmn:startEvent id='ES' name='cancel'" interrupting ">"                                  \
    "<bpmn:messageEventDefinition/></bpmn:startEvent>\n"                                           \
    "  " FLOW("EF", "ES", "EE")                                                                    \
    "    <bpmn:endEvent id='EE' name='out'/>\n"                                                    \
    "  </bpmn:subProcess>\n"

static const char *const terminate_only_doc = TERMINATION_DOC("");
static const char *const terminate_interrupting_doc = TERMINATION_DOC(EVENT_SUB(""));
static const char *const terminate_interrupting_explicit_doc = TERMINATION_DOC(
    EVENT_SUB(" isInterrupting='true'"));
static const char *const terminate_non_interrupting_doc = TERMINATION_DOC(
    EVENT_SUB(" isInterrupting='false'"));

static const char *const terminate_and_end_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "G")
    "  <bpmn:parallelGateway id='G'/>\n"
    FLOW("F2", "G", "TE")
    FLOW("F3", "G", "T")
    TASK("T")
    FLOW("F4", "T", "E")
    END("E")
    TERMINATE_END("TE")
    END_PROCESS TAIL;

static const char *const two_terminates_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "G")
    "  <bpmn:exclusiveGateway id='G' name='?' default='F3'/>\n"
    CFLOW("F2", "G", "TE1", "=a")
    FLOW("F3", "G", "TE2")
    TERMINATE_END("TE1")
    TERMINATE_END("TE2")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(superfluous_termination_reports_terminate_as_the_only_end)
{
    lint(terminate_only_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("superfluous-termination", "TE", ORDO_LINT_WARN);
}
END_TEST

START_TEST(superfluous_termination_ignores_terminate_beside_plain_end)
{
    lint(terminate_and_end_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("superfluous-termination", "TE");
}
END_TEST

/* bpmnlint counts an interrupting event sub-process as an end that
 * terminates too (isInterrupting defaults to true), so the terminate end
 * beside it is still superfluous. */
START_TEST(superfluous_termination_counts_interrupting_event_sub_process_as_terminating)
{
    lint(terminate_interrupting_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("superfluous-termination", "TE", ORDO_LINT_WARN);
    lint(terminate_interrupting_explicit_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("superfluous-termination", "TE", ORDO_LINT_WARN);
}
END_TEST

START_TEST(superfluous_termination_ignores_terminate_beside_non_interrupting_event_sub_process)
{
    lint(terminate_non_interrupting_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("superfluous-termination", "TE");
}
END_TEST

START_TEST(superfluous_termination_ignores_two_terminate_ends)
{
    lint(two_terminates_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("superfluous-termination", "TE1");
    EXPECT_NONE("superfluous-termination", "TE2");
}
END_TEST

/* ---- ordo/duplicate-id ---- */

/* clang-format off */
static const char *const duplicate_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    "  <bpmn:task id='T' name='first'/>\n"
    "  <bpmn:task id='T' name='second'/>\n"
    FLOW("F2", "T", "E")
    END("E")
    END_PROCESS TAIL;

static const char *const extension_ids_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    "  <bpmn:task id='T' name='work'><bpmn:extensionElements><ordo:field id='T'/>"
    "<bpmn:task id='S'/></bpmn:extensionElements></bpmn:task>\n"
    FLOW("F2", "T", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(ordo_duplicate_id_reports_the_repeat_at_its_line)
{
    const struct ordo_lint_finding *f;

    lint(duplicate_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("ordo/duplicate-id", "T", ORDO_LINT_ERROR);
    f = find_finding("ordo/duplicate-id", "T", NULL);
    ck_assert_uint_eq(f->line, line_of(duplicate_doc, "name='second'"));
    ck_assert_ptr_nonnull(strstr(f->message, "line"));
}
END_TEST

START_TEST(ordo_duplicate_id_ignores_ids_of_extension_elements)
{
    lint(extension_ids_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("ordo/duplicate-id", "T");
    EXPECT_NONE("ordo/duplicate-id", "S");
}
END_TEST

/* ---- ordo/unresolved-reference ---- */

/* clang-format off */
static const char *const unresolved_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "Nowhere")
    TASK("T")
    "  <bpmn:sequenceFlow id='F2' targetRef='T'/>\n"
    FLOW("F3", "T", "E")
    END("E")
    "  <bpmn:boundaryEvent id='B' name='late' attachedToRef='E'><bpmn:timerEventDefinition/>"
    "</bpmn:boundaryEvent>\n"
    "  <bpmn:exclusiveGateway id='G' name='?' default='F3'/>\n"
    END_PROCESS TAIL;

static const char *const qname_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "tns:S", "tns:T")
    TASK("T")
    FLOW("F2", "T", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(ordo_unresolved_reference_reports_target_that_names_no_element)
{
    lint(unresolved_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("ordo/unresolved-reference", "F1", ORDO_LINT_ERROR);
    EXPECT_MESSAGE("ordo/unresolved-reference", "F1", "targetRef \"Nowhere\" names no element");
}
END_TEST

START_TEST(ordo_unresolved_reference_reports_missing_source_ref)
{
    lint(unresolved_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("ordo/unresolved-reference", "F2", "has no sourceRef");
}
END_TEST

START_TEST(ordo_unresolved_reference_reports_boundary_event_on_non_activity)
{
    lint(unresolved_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("ordo/unresolved-reference", "B", "not an activity");
}
END_TEST

START_TEST(ordo_unresolved_reference_reports_default_flow_leaving_another_element)
{
    lint(unresolved_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_MESSAGE("ordo/unresolved-reference", "G", "default \"F3\"");
}
END_TEST

/* Deliberate difference: "tns:T" finds "T" when no element has the whole
 * string as its id, and the flow then connects. */
START_TEST(ordo_unresolved_reference_resolves_qname_references)
{
    lint(qname_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("ordo/unresolved-reference", "F1");
    EXPECT_NONE("ordo/unresolved-reference", "S");
    EXPECT_NONE("no-implicit-start", "T");
    EXPECT_NONE("no-implicit-end", "S");
}
END_TEST

/* ---- profiles and configuration ---- */

/* clang-format off */
/* An open exclusive fork, a repeated id and an inclusive gateway. */
static const char *const profile_doc = HEAD PROCESS
    START("S")
    FLOW("F0", "S", "G")
    "  <bpmn:exclusiveGateway id='G' name='which?'/>\n"
    FLOW("Fa", "G", "IG")
    FLOW("Fb", "G", "E")
    "  <bpmn:inclusiveGateway id='IG'/>\n"
    FLOW("Fc", "IG", "E")
    END("E")
    "  <bpmn:task id='E' name='again'/>\n"
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(ordo_profile_runs_ordo_rules_and_leaves_inclusive_gateways_alone)
{
    lint(profile_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("ordo/exclusive-gateway-conditions", "G", ORDO_LINT_ERROR);
    EXPECT_FINDING("ordo/duplicate-id", "E", ORDO_LINT_ERROR);
    EXPECT_NONE("no-inclusive-gateway", "IG");
    EXPECT_FINDING("superfluous-gateway", "IG", ORDO_LINT_WARN);
}
END_TEST

START_TEST(bpmnlint_profile_has_no_ordo_rules_and_warns_on_inclusive_gateways)
{
    lint(profile_doc, ORDO_LINT_PROFILE_BPMNLINT);
    EXPECT_NONE("ordo/exclusive-gateway-conditions", "G");
    EXPECT_NONE("ordo/duplicate-id", "E");
    EXPECT_FINDING("no-inclusive-gateway", "IG", ORDO_LINT_WARN);
    EXPECT_FINDING("superfluous-gateway", "IG", ORDO_LINT_WARN);
    for (size_t i = 0; i < report.count; i++) {
        ck_assert_msg(strncmp(report.findings[i].rule, "ordo/", 5) != 0, "%s ran in bpmnlint",
                      report.findings[i].rule);
    }
}
END_TEST

START_TEST(config_set_off_turns_a_rule_off)
{
    struct ordo_err err = {0};

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "label-required=off", &err), ORDO_OK);
    lint_with_cfg(label_doc);
    EXPECT_NONE("label-required", "T");
    EXPECT_NONE("label-required", "Pool");
    EXPECT_FINDING("no-bpmndi", "T", ORDO_LINT_ERROR); /* the others still run */
}
END_TEST

START_TEST(config_set_changes_severity_and_turns_rules_on)
{
    struct ordo_err err = {0};

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "no-inclusive-gateway=error", &err), ORDO_OK);
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "superfluous-gateway=error", &err), ORDO_OK);
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "ordo/duplicate-id=warn", &err), ORDO_OK);
    lint_with_cfg(profile_doc);
    EXPECT_FINDING("no-inclusive-gateway", "IG", ORDO_LINT_ERROR);
    EXPECT_FINDING("superfluous-gateway", "IG", ORDO_LINT_ERROR);
    EXPECT_FINDING("ordo/duplicate-id", "E", ORDO_LINT_WARN);
}
END_TEST

START_TEST(config_set_rejects_unknown_rule_naming_it)
{
    struct ordo_err err = {0};

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "no-such-rule=warn", &err), ORDO_E_INVAL);
    ck_assert_int_eq(err.code, ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "\"no-such-rule\"") != NULL, "message: %s", err.msg);
}
END_TEST

START_TEST(config_set_rejects_unknown_severity_naming_it)
{
    struct ordo_err err = {0};
    struct ordo_lint_config before;

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    before = cfg;
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "label-required=loud", &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "\"loud\"") != NULL, "message: %s", err.msg);
    ck_assert_int_eq(memcmp(&before, &cfg, sizeof(cfg)), 0);
}
END_TEST

START_TEST(config_set_rejects_assignment_without_equals)
{
    struct ordo_err err = {0};

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "label-required", &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "\"label-required\"") != NULL, "message: %s", err.msg);
    ck_assert_msg(strstr(err.msg, "RULE=") != NULL, "message: %s", err.msg);
}
END_TEST

START_TEST(config_set_matches_whole_rule_ids_only)
{
    struct ordo_err err = {0};

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ck_assert_int_eq(ordo_lint_config_set(&cfg, "label=off", &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "\"label\"") != NULL, "message: %s", err.msg);
}
END_TEST

START_TEST(profile_parse_accepts_ordo_and_bpmnlint_only)
{
    struct ordo_err err = {0};
    enum ordo_lint_profile p = ORDO_LINT_PROFILE_ORDO;

    ck_assert_int_eq(ordo_lint_profile_parse("bpmnlint", &p, &err), ORDO_OK);
    ck_assert_int_eq(p, ORDO_LINT_PROFILE_BPMNLINT);
    ck_assert_int_eq(ordo_lint_profile_parse("ordo", &p, &err), ORDO_OK);
    ck_assert_int_eq(p, ORDO_LINT_PROFILE_ORDO);
    ck_assert_int_eq(ordo_lint_profile_parse("recommended", &p, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "\"recommended\"") != NULL, "message: %s", err.msg);
    ck_assert_int_eq(p, ORDO_LINT_PROFILE_ORDO); /* untouched on error */
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(ordo_lint_profile_parse("Ordo", &p, &err), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_lint_profile_parse("", &p, &err), ORDO_E_INVAL);
}
END_TEST

START_TEST(profiles_give_bpmnlint_severities_to_bpmnlint_rules)
{
    struct ordo_lint_config ordo;
    struct ordo_lint_config bl;

    ordo_lint_config_init(&ordo, ORDO_LINT_PROFILE_ORDO);
    ordo_lint_config_init(&bl, ORDO_LINT_PROFILE_BPMNLINT);
    for (size_t i = 0; i < ordo_lint_rule_count(); i++) {
        const char *id = ordo_lint_rule_id(i);

        if (strncmp(id, "ordo/", 5) == 0) {
            ck_assert_msg(bl.severity[i] == ORDO_LINT_OFF, "%s is on in bpmnlint", id);
            ck_assert_msg(ordo.severity[i] == ORDO_LINT_ERROR, "%s is not an error in ordo", id);
        } else if (strcmp(id, "no-inclusive-gateway") == 0) {
            ck_assert_int_eq(bl.severity[i], ORDO_LINT_WARN);
            ck_assert_int_eq(ordo.severity[i], ORDO_LINT_OFF);
        } else {
            ck_assert_msg(bl.severity[i] != ORDO_LINT_OFF, "%s is off in bpmnlint", id);
            ck_assert_msg(ordo.severity[i] == bl.severity[i], "%s differs between profiles", id);
        }
    }
}
END_TEST

/* ---- the runner ---- */

/* clang-format off */
static const char *const chain_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    TASK("T")
    FLOW("F2", "T", "E")
    END("E")
    END_PROCESS TAIL;

static const char *const clean_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    TASK("T")
    FLOW("F2", "T", "E")
    END("E")
    END_PROCESS
    DIAGRAM("P",
        SHAPE("S", "100", "100", "36", "36")
        EDGE("F1")
        SHAPE("T", "200", "80", "100", "80")
        EDGE("F2")
        SHAPE("E", "400", "100", "36", "36"))
    TAIL;

static const char *const extension_doc = HEAD PROCESS
    "  <bpmn:extensionElements><bpmn:task id='Hidden'/><bpmn:exclusiveGateway id='HiddenGw'/>"
    "</bpmn:extensionElements>\n"
    START("S")
    FLOW("F1", "S", "E")
    END("E")
    END_PROCESS TAIL;

static const char *const definitions_extension_doc = HEAD
    "<bpmn:extensionElements><bpmn:task id='Hidden' name='vendor'/></bpmn:extensionElements>\n"
    PROCESS
    START("S")
    FLOW("F1", "S", "E")
    END("E")
    END_PROCESS TAIL;

/* T lists F1 as incoming and outgoing, but F1 runs from S to E. */
static const char *const claims_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "E")
    END("E")
    "  <bpmn:task id='T' name='claims'><bpmn:incoming>F1</bpmn:incoming>"
    "<bpmn:outgoing>F1</bpmn:outgoing></bpmn:task>\n"
    END_PROCESS TAIL;

static const char *const unnamed_task_doc = HEAD PROCESS
    START("S")
    FLOW("F1", "S", "T")
    "  <bpmn:task id='T'/>\n"
    FLOW("F2", "T", "E")
    END("E")
    END_PROCESS TAIL;
/* clang-format on */

START_TEST(report_counts_match_findings)
{
    size_t errors = 0;
    size_t warnings = 0;

    lint(profile_doc, ORDO_LINT_PROFILE_ORDO);
    ck_assert_uint_gt(report.count, 0);
    for (size_t i = 0; i < report.count; i++) {
        errors += report.findings[i].severity == ORDO_LINT_ERROR;
        warnings += report.findings[i].severity == ORDO_LINT_WARN;
        ck_assert_int_ne(report.findings[i].severity, ORDO_LINT_OFF);
        ck_assert_ptr_nonnull(report.findings[i].message);
    }
    ck_assert_uint_gt(errors, 0);
    ck_assert_uint_gt(warnings, 0);
    ck_assert_uint_eq(report.errors, errors);
    ck_assert_uint_eq(report.warnings, warnings);
    ck_assert_uint_eq(report.errors + report.warnings, report.count);
}
END_TEST

START_TEST(clean_model_has_no_findings)
{
    lint(clean_doc, ORDO_LINT_PROFILE_ORDO);
    if (report.count) {
        dump_report();
    }
    ck_assert_uint_eq(report.count, 0);
    ck_assert_uint_eq(report.errors, 0);
    ck_assert_uint_eq(report.warnings, 0);
}
END_TEST

/* Elements inside extensionElements are vendor data, not the process: a
 * bpmn:task there is neither disconnected nor an implicit start or end. */
START_TEST(extension_elements_are_not_linted)
{
    lint(extension_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-disconnected", "Hidden");
    EXPECT_NONE("no-implicit-start", "Hidden");
    EXPECT_NONE("no-implicit-end", "Hidden");
    EXPECT_NONE("label-required", "Hidden");
    EXPECT_NONE("no-bpmndi", "Hidden");
    EXPECT_NONE("superfluous-gateway", "HiddenGw");
    for (size_t i = 0; i < report.count; i++) {
        const char *el = report.findings[i].element;

        ck_assert_msg(!el || strncmp(el, "Hidden", 6) != 0, "%s reported %s",
                      report.findings[i].rule, el);
    }
}
END_TEST

/* BPMN elements inside the definitions' extensionElements are vendor data,
 * not part of the diagram: no-bpmndi looks at root elements only (bpmn-moddle
 * does not even keep such a task). */
START_TEST(extension_elements_of_definitions_are_not_linted)
{
    lint(definitions_extension_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-bpmndi", "Hidden");
}
END_TEST

/* Deliberate difference: incoming and outgoing flows come from the flows'
 * sourceRef/targetRef; a chain without <incoming>/<outgoing> children is
 * connected. */
START_TEST(flows_count_without_incoming_and_outgoing_children)
{
    lint(chain_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_NONE("no-disconnected", "T");
    EXPECT_NONE("no-implicit-start", "T");
    EXPECT_NONE("no-implicit-end", "T");
    EXPECT_NONE("no-implicit-end", "S");
    EXPECT_NONE("no-implicit-start", "E");
}
END_TEST

/* ... and <incoming>/<outgoing> children that no sequence flow backs do not
 * connect anything. */
START_TEST(incoming_and_outgoing_children_do_not_make_flows)
{
    lint(claims_doc, ORDO_LINT_PROFILE_ORDO);
    EXPECT_FINDING("no-disconnected", "T", ORDO_LINT_ERROR);
    EXPECT_NONE("fake-join", "E");
}
END_TEST

START_TEST(findings_carry_the_source_line_of_their_element)
{
    const struct ordo_lint_finding *f;

    lint(unnamed_task_doc, ORDO_LINT_PROFILE_ORDO);
    f = find_finding("label-required", "T", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->line, line_of(unnamed_task_doc, "<bpmn:task id='T'"));
    lint(no_end_doc, ORDO_LINT_PROFILE_ORDO);
    f = find_finding("end-event-required", "SP", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->line, line_of(no_end_doc, "<bpmn:subProcess id='SP'"));
    f = find_finding("end-event-required", "P", NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->line, line_of(no_end_doc, "<bpmn:process id='P'"));
}
END_TEST

/* ---- the rule table ---- */

/* Every rule in ORDO_LINT_RULE_MAP, in table order. Each has tests above; a
 * new rule gets its tests before it is added here. */
static const char *const tested_rules[] = {
    "ad-hoc-sub-process",
    "conditional-flows",
    "end-event-required",
    "event-based-gateway",
    "event-sub-process-typed-start-event",
    "fake-join",
    "global",
    "label-required",
    "link-event",
    "no-bpmndi",
    "no-complex-gateway",
    "no-disconnected",
    "no-duplicate-sequence-flows",
    "no-gateway-join-fork",
    "no-implicit-split",
    "no-implicit-end",
    "no-implicit-start",
    "no-inclusive-gateway",
    "no-overlapping-elements",
    "single-blank-start-event",
    "single-event-definition",
    "start-event-required",
    "sub-process-blank-start-event",
    "superfluous-gateway",
    "superfluous-label",
    "superfluous-termination",
    "ordo/duplicate-id",
    "ordo/exclusive-gateway-conditions",
    "ordo/unresolved-reference",
};

START_TEST(every_rule_has_an_id_a_summary_and_tests)
{
    size_t n = ordo_lint_rule_count();

    ck_assert_uint_eq(n, sizeof(tested_rules) / sizeof(tested_rules[0]));
    ck_assert_uint_le(n, ORDO_LINT_MAX_RULES);
    for (size_t i = 0; i < n; i++) {
        const char *id = ordo_lint_rule_id(i);

        ck_assert_ptr_nonnull(id);
        ck_assert_str_eq(id, tested_rules[i]); /* also pins the stable order */
        ck_assert_ptr_nonnull(ordo_lint_rule_summary(i));
        ck_assert_uint_gt(strlen(ordo_lint_rule_summary(i)), 0);
        for (size_t j = 0; j < i; j++) {
            ck_assert_str_ne(id, ordo_lint_rule_id(j));
        }
    }
    ck_assert_ptr_null(ordo_lint_rule_id(n));
    ck_assert_ptr_null(ordo_lint_rule_summary(n));
}
END_TEST

START_TEST(severity_names)
{
    ck_assert_str_eq(ordo_lint_severity_name(ORDO_LINT_OFF), "off");
    ck_assert_str_eq(ordo_lint_severity_name(ORDO_LINT_WARN), "warn");
    ck_assert_str_eq(ordo_lint_severity_name(ORDO_LINT_ERROR), "error");
}
END_TEST

/* Tests of the rules about sequence flows (lint_flow.c) and Ordo's flow rules. */
static void add_flow_rule_tests(TCase *tc)
{
    tcase_add_test(tc, conditional_flows_reports_flow_without_condition);
    tcase_add_test(tc, conditional_flows_accepts_the_default_flow);
    tcase_add_test(tc, conditional_flows_checks_flows_out_of_activities);
    tcase_add_test(tc, conditional_flows_ignores_fork_without_any_condition);
    tcase_add_test(tc, conditional_flows_ignores_default_attribute_of_parallel_gateway);
    tcase_add_test(tc, ordo_exclusive_gateway_conditions_reports_fork_with_open_flows);
    tcase_add_test(tc, ordo_exclusive_gateway_conditions_names_only_open_flows);
    tcase_add_test(tc, ordo_exclusive_gateway_conditions_accepts_condition_and_default);
    tcase_add_test(tc, ordo_exclusive_gateway_conditions_ignores_parallel_fork_and_single_flow);
    tcase_add_test(tc, event_based_gateway_reports_single_outgoing_flow);
    tcase_add_test(tc, event_based_gateway_reports_conditional_outgoing_flow);
    tcase_add_test(tc, event_based_gateway_accepts_two_plain_flows);
    tcase_add_test(tc, fake_join_reports_task_with_two_incoming_flows);
    tcase_add_test(tc, fake_join_ignores_joining_gateway);
    tcase_add_test(tc, no_disconnected_reports_unconnected_task);
    tcase_add_test(tc, no_disconnected_ignores_compensation_boundary_and_handler);
    tcase_add_test(tc, no_disconnected_ignores_event_sub_process_and_ad_hoc_children);
    tcase_add_test(tc, no_disconnected_reports_boundary_event_without_flow);
    tcase_add_test(tc, no_disconnected_ignores_is_for_compensation_on_events);
    tcase_add_test(tc, no_duplicate_sequence_flows_reports_flow_and_its_ends);
    tcase_add_test(tc, no_duplicate_sequence_flows_ignores_flows_with_different_conditions);
    tcase_add_test(tc, no_gateway_join_fork_reports_gateway_that_joins_and_forks);
    tcase_add_test(tc, no_gateway_join_fork_ignores_join_and_fork_gateways);
    tcase_add_test(tc, superfluous_gateway_reports_gateway_with_one_way_in_and_out);
    tcase_add_test(tc, superfluous_gateway_ignores_fork_and_join);
    tcase_add_test(tc, no_implicit_split_reports_task_with_two_plain_outgoing_flows);
    tcase_add_test(tc, no_implicit_split_ignores_conditional_and_default_flows);
    tcase_add_test(tc, no_implicit_split_reports_event_forking);
    tcase_add_test(tc, no_implicit_end_reports_task_without_outgoing_flow);
    tcase_add_test(tc, no_implicit_end_ignores_end_event_link_throw_and_compensation_handlers);
    tcase_add_test(tc, no_implicit_end_reports_compensation_boundary_without_association);
    tcase_add_test(tc, no_implicit_start_reports_task_without_incoming_flow);
    tcase_add_test(tc, no_implicit_start_ignores_start_boundary_link_catch_and_event_sub_process);
    tcase_add_test(tc, superfluous_label_reports_named_flow_out_of_event);
    tcase_add_test(tc, superfluous_label_accepts_labels_on_conditional_default_and_decision_flows);
    tcase_add_test(tc, superfluous_label_reports_named_flow_out_of_parallel_fork);
    tcase_add_test(tc, ordo_unresolved_reference_reports_target_that_names_no_element);
    tcase_add_test(tc, ordo_unresolved_reference_reports_missing_source_ref);
    tcase_add_test(tc, ordo_unresolved_reference_reports_boundary_event_on_non_activity);
    tcase_add_test(tc, ordo_unresolved_reference_reports_default_flow_leaving_another_element);
    tcase_add_test(tc, ordo_unresolved_reference_resolves_qname_references);
}

/* Tests of the rules about scopes and events (lint_scope.c) and ordo/duplicate-id. */
static void add_scope_rule_tests(TCase *tc)
{
    tcase_add_test(tc, ad_hoc_sub_process_reports_start_and_end_events_inside);
    tcase_add_test(tc, ad_hoc_sub_process_ignores_events_of_plain_sub_process);
    tcase_add_test(tc, end_event_required_reports_process_and_sub_process_without_end);
    tcase_add_test(tc, end_event_required_ignores_ad_hoc_sub_process_and_scope_with_end);
    tcase_add_test(tc, start_event_required_reports_process_and_sub_process_without_start);
    tcase_add_test(tc, start_event_required_ignores_ad_hoc_sub_process_and_scope_with_start);
    tcase_add_test(tc, event_sub_process_typed_start_event_reports_blank_start);
    tcase_add_test(tc, event_sub_process_typed_start_event_accepts_timer_start);
    tcase_add_test(tc, sub_process_blank_start_event_reports_typed_start_in_sub_process);
    tcase_add_test(tc, sub_process_blank_start_event_ignores_event_sub_process_and_process);
    tcase_add_test(tc, link_event_reports_throw_without_catch);
    tcase_add_test(tc, link_event_pairs_only_within_one_scope);
    tcase_add_test(tc, link_event_reports_duplicate_catches);
    tcase_add_test(tc, link_event_accepts_pair_with_same_name);
    tcase_add_test(tc, link_event_reports_throws_without_any_catch);
    tcase_add_test(tc, link_event_reports_unnamed_link_only_as_unnamed);
    tcase_add_test(tc, link_event_does_not_pair_underscore_name_with_unnamed_links);
    tcase_add_test(tc, no_complex_gateway_reports_complex_gateway);
    tcase_add_test(tc, no_complex_gateway_ignores_exclusive_gateway);
    tcase_add_test(tc, no_inclusive_gateway_warns_in_bpmnlint_profile);
    tcase_add_test(tc, no_inclusive_gateway_is_off_in_ordo_profile);
    tcase_add_test(tc, single_blank_start_event_reports_scope_with_two_blank_starts);
    tcase_add_test(tc, single_blank_start_event_accepts_blank_and_typed_start);
    tcase_add_test(tc, single_event_definition_reports_event_with_two_definitions);
    tcase_add_test(tc, single_event_definition_accepts_one_definition);
    tcase_add_test(tc, superfluous_termination_reports_terminate_as_the_only_end);
    tcase_add_test(tc, superfluous_termination_ignores_terminate_beside_plain_end);
    tcase_add_test(tc,
                   superfluous_termination_counts_interrupting_event_sub_process_as_terminating);
    tcase_add_test(
        tc, superfluous_termination_ignores_terminate_beside_non_interrupting_event_sub_process);
    tcase_add_test(tc, superfluous_termination_ignores_two_terminate_ends);
    tcase_add_test(tc, ordo_duplicate_id_reports_the_repeat_at_its_line);
    tcase_add_test(tc, ordo_duplicate_id_ignores_ids_of_extension_elements);
}

/* Tests of the rules about names and the diagram (lint_naming.c, lint_diagram.c). */
static void add_name_and_diagram_rule_tests(TCase *tc)
{
    tcase_add_test(tc, global_reports_unused_message);
    tcase_add_test(tc, global_reports_blank_name);
    tcase_add_test(tc, global_reports_name_used_twice_for_one_kind);
    tcase_add_test(tc, global_accepts_referenced_elements);
    tcase_add_test(tc, global_treats_absent_name_as_a_name);
    tcase_add_test(tc, global_resolves_qname_message_reference);
    tcase_add_test(tc, label_required_reports_unnamed_flow_nodes);
    tcase_add_test(tc, label_required_reports_conditional_flow_participant_and_lane);
    tcase_add_test(tc,
                   label_required_ignores_joins_parallel_gateways_plain_flows_and_sub_processes);
    tcase_add_test(tc, blank_names_include_unicode_spaces);
    tcase_add_test(tc, no_bpmndi_reports_element_without_shape_or_edge);
    tcase_add_test(tc, no_bpmndi_ignores_data_objects_and_drawn_elements);
    tcase_add_test(tc, no_overlapping_elements_reports_both_overlapping_shapes);
    tcase_add_test(tc, no_overlapping_elements_ignores_boundary_event_on_its_host);
    tcase_add_test(tc, no_overlapping_elements_reports_boundary_event_on_another_shape);
    tcase_add_test(tc, no_overlapping_elements_reports_shape_outside_its_pool);
    tcase_add_test(tc, no_overlapping_elements_lets_data_store_reference_leave_its_pool);
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("bpmn_lint");
    TCase *rules = tcase_create("rules");
    TCase *config = tcase_create("config");
    TCase *runner = tcase_create("runner");

    tcase_add_checked_fixture(rules, setup, teardown);
    add_flow_rule_tests(rules);
    add_scope_rule_tests(rules);
    add_name_and_diagram_rule_tests(rules);
    suite_add_tcase(s, rules);

    tcase_add_checked_fixture(config, setup, teardown);
    tcase_add_test(config, ordo_profile_runs_ordo_rules_and_leaves_inclusive_gateways_alone);
    tcase_add_test(config, bpmnlint_profile_has_no_ordo_rules_and_warns_on_inclusive_gateways);
    tcase_add_test(config, config_set_off_turns_a_rule_off);
    tcase_add_test(config, config_set_changes_severity_and_turns_rules_on);
    tcase_add_test(config, config_set_rejects_unknown_rule_naming_it);
    tcase_add_test(config, config_set_rejects_unknown_severity_naming_it);
    tcase_add_test(config, config_set_rejects_assignment_without_equals);
    tcase_add_test(config, config_set_matches_whole_rule_ids_only);
    tcase_add_test(config, profile_parse_accepts_ordo_and_bpmnlint_only);
    tcase_add_test(config, profiles_give_bpmnlint_severities_to_bpmnlint_rules);
    suite_add_tcase(s, config);

    tcase_add_checked_fixture(runner, setup, teardown);
    tcase_add_test(runner, report_counts_match_findings);
    tcase_add_test(runner, clean_model_has_no_findings);
    tcase_add_test(runner, extension_elements_are_not_linted);
    tcase_add_test(runner, extension_elements_of_definitions_are_not_linted);
    tcase_add_test(runner, flows_count_without_incoming_and_outgoing_children);
    tcase_add_test(runner, incoming_and_outgoing_children_do_not_make_flows);
    tcase_add_test(runner, findings_carry_the_source_line_of_their_element);
    tcase_add_test(runner, every_rule_has_an_id_a_summary_and_tests);
    tcase_add_test(runner, severity_names);
    suite_add_tcase(s, runner);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
