/*
 * The graph compiler (core/graph.h): small documents for every node kind,
 * every extension read in both Camunda dialects and Ordo's own, every
 * refusal rule with the message it gives, and the reach bitsets of
 * inclusive joins.
 *
 * The documents are kept out of clang-format's reach: it would wrap the
 * concatenated literals mid-element. Attributes are single-quoted so the
 * documents read without escapes.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "base/arena.h"
#include "base/err.h"
#include "bpmn/feel.h"
#include "bpmn/parse.h"
#include "core/graph.h"
#include "tests/unit/check_main.h"

/* clang-format off */

#define HEAD                                                                                       \
    "<?xml version='1.0' encoding='UTF-8'?>\n"                                                     \
    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "                  \
    "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' "                                       \
    "xmlns:zeebe='http://camunda.org/schema/zeebe/1.0' "                                           \
    "xmlns:camunda='http://camunda.org/schema/1.0/bpmn' "                                          \
    "xmlns:ordo='urn:ordo:schema:bpmn:1.0' "                                                       \
    "targetNamespace='urn:ordo:test' xmlns:tns='urn:ordo:test' id='defs'>\n"
#define TAIL "</bpmn:definitions>\n"
#define PROCESS "<bpmn:process id='P' isExecutable='true'>\n"
#define END_PROCESS "</bpmn:process>\n"
/* A process P: start S, then 'body', whose first element is 'first' and
 * whose last is 'last', then end E. */
#define LINE_OF(first, body, last)                                                                 \
    HEAD PROCESS "<bpmn:startEvent id='S'/>\n" FLOW("F_s", "S", first) body                       \
    FLOW("F_e", last, "E") "<bpmn:endEvent id='E'/>\n" END_PROCESS TAIL

#define FLOW(id, src, dst)                                                                         \
    "<bpmn:sequenceFlow id='" id "' sourceRef='" src "' targetRef='" dst "'/>\n"
#define CFLOW(id, src, dst, expr)                                                                  \
    "<bpmn:sequenceFlow id='" id "' sourceRef='" src "' targetRef='" dst "'>"                      \
    "<bpmn:conditionExpression xsi:type='bpmn:tFormalExpression'>" expr                            \
    "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
#define EXT(content) "<bpmn:extensionElements>" content "</bpmn:extensionElements>"

/* clang-format on */

static struct ordo_arena *arena;
static struct ordo_bpmn_model *model;
static struct ordo_graph *graph;
static const struct ordo_graph_finding *findings;
static size_t nfindings;
static struct ordo_err err;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_graph_free(graph);
    graph = NULL;
    ordo_bpmn_model_free(model);
    model = NULL;
    ordo_arena_free(arena);
}

static enum ordo_code compile_with(const char *xml, const struct ordo_graph_options *opts)
{
    ordo_graph_free(graph);
    graph = NULL;
    ordo_bpmn_model_free(model);
    model = NULL;
    memset(&err, 0, sizeof(err));
    ck_assert_msg(ordo_bpmn_parse(xml, strlen(xml), NULL, &model, &err) == ORDO_OK, "%s", err.msg);
    return ordo_graph_compile(model, opts, arena, &graph, &findings, &nfindings, &err);
}

static void compiles(const char *xml)
{
    enum ordo_code rc = compile_with(xml, NULL);

    for (size_t i = 0; rc != ORDO_OK && i < nfindings; i++) {
        (void)printf("finding: [%s] %s\n", findings[i].rule, findings[i].message);
    }
    ck_assert_msg(rc == ORDO_OK, "refused: %s", err.msg);
    ck_assert_ptr_nonnull(graph);
    ck_assert_uint_eq(nfindings, 0);
}

/* Refused, with a finding of 'rule' on 'element' (NULL: an element
 * without id); returns that finding. */
static const struct ordo_graph_finding *refused(const char *xml, const char *rule,
                                                const char *element)
{
    enum ordo_code rc = compile_with(xml, NULL);

    ck_assert_int_eq(rc, ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(graph);
    ck_assert_uint_gt(nfindings, 0);
    ck_assert_str_eq(err.msg, findings[0].message);
    for (size_t i = 0; i < nfindings; i++) {
        if (strcmp(findings[i].rule, rule) == 0 &&
            (element ? findings[i].element && strcmp(findings[i].element, element) == 0
                     : findings[i].element == NULL)) {
            return &findings[i];
        }
    }
    for (size_t i = 0; i < nfindings; i++) {
        (void)printf("finding: [%s] %s\n", findings[i].rule, findings[i].message);
    }
    ck_abort_msg("no %s finding on %s", rule, element ? element : "(no id)");
    return NULL;
}

static void refused_saying(const char *xml, const char *rule, const char *element,
                           const char *message)
{
    ck_assert_str_eq(refused(xml, rule, element)->message, message);
}

static const struct ordo_graph_node *node(const char *id)
{
    const struct ordo_graph_node *n = ordo_graph_find(graph, id);

    ck_assert_msg(n != NULL, "no node %s", id);
    return n;
}

static const struct ordo_graph_flow *flow(const char *id)
{
    for (uint32_t i = 0; i < graph->nflows; i++) {
        if (strcmp(graph->flows[i].id, id) == 0) {
            return &graph->flows[i];
        }
    }
    ck_abort_msg("no flow %s", id);
    return NULL;
}

static uint32_t ix(const char *id)
{
    return node(id)->index;
}

static const char *src(const struct ordo_graph_expr *e)
{
    ck_assert_ptr_nonnull(e->feel);
    return ordo_feel_source(e->feel);
}

/* ---- shape ---------------------------------------------------------------- */

START_TEST(a_line_compiles_to_nodes_and_flows_in_document_order)
{
    const struct ordo_graph_node *p;
    const struct ordo_graph_node *t;

    compiles(LINE_OF("T", "<bpmn:task id='T' name='Work'/>\n", "T"));
    ck_assert_uint_eq(graph->nnodes, 4);
    ck_assert_uint_eq(graph->nflows, 2);
    ck_assert_uint_eq(graph->nprocesses, 1);
    p = &graph->nodes[graph->processes[0]];
    ck_assert_ptr_eq(p, ordo_graph_process(graph, "P"));
    ck_assert_int_eq(p->kind, ORDO_GRAPH_PROCESS);
    ck_assert(p->executable);
    ck_assert_uint_eq(p->scope, ORDO_GRAPH_NONE);
    ck_assert_uint_eq(p->process, p->index);
    ck_assert_uint_eq(p->nstarts, 1);
    ck_assert_uint_eq(p->starts[0], ix("S"));
    t = node("T");
    ck_assert_int_eq(t->kind, ORDO_GRAPH_TASK);
    ck_assert_str_eq(t->type, "bpmn:task");
    ck_assert_str_eq(t->name, "Work");
    ck_assert_uint_eq(t->scope, p->index);
    ck_assert_uint_eq(t->process, p->index);
    ck_assert_uint_eq(t->line, 6);
    ck_assert_uint_eq(t->nincoming, 1);
    ck_assert_uint_eq(t->noutgoing, 1);
    ck_assert_uint_eq(t->incoming[0], flow("F_s")->index);
    ck_assert_uint_eq(t->outgoing[0], flow("F_e")->index);
    ck_assert_uint_eq(flow("F_s")->source, ix("S"));
    ck_assert_uint_eq(flow("F_s")->target, ix("T"));
    ck_assert_uint_eq(t->default_flow, ORDO_GRAPH_NONE);
    ck_assert_ptr_null(t->loop);
    ck_assert_ptr_null(ordo_graph_find(graph, "nope"));
    ck_assert_ptr_null(ordo_graph_process(graph, "T"));
    ck_assert_str_eq(node("S")->type, "bpmn:startEvent");
    ck_assert_int_eq(node("E")->kind, ORDO_GRAPH_END_EVENT);
}
END_TEST

START_TEST(every_supported_element_has_its_node_kind)
{
    static const struct {
        const char *id;
        enum ordo_graph_kind kind;
        const char *type;
    } want[] = {
        {"t1", ORDO_GRAPH_TASK, "bpmn:task"},
        {"t2", ORDO_GRAPH_TASK, "bpmn:manualTask"},
        {"t3", ORDO_GRAPH_JOB_TASK, "bpmn:serviceTask"},
        {"t4", ORDO_GRAPH_JOB_TASK, "bpmn:sendTask"},
        {"t5", ORDO_GRAPH_USER_TASK, "bpmn:userTask"},
        {"t6", ORDO_GRAPH_RECEIVE_TASK, "bpmn:receiveTask"},
        {"g1", ORDO_GRAPH_EXCLUSIVE_GATEWAY, "bpmn:exclusiveGateway"},
        {"g2", ORDO_GRAPH_PARALLEL_GATEWAY, "bpmn:parallelGateway"},
        {"g3", ORDO_GRAPH_INCLUSIVE_GATEWAY, "bpmn:inclusiveGateway"},
        {"sp", ORDO_GRAPH_SUB_PROCESS, "bpmn:subProcess"},
        {"ca", ORDO_GRAPH_CALL_ACTIVITY, "bpmn:callActivity"},
        {"th", ORDO_GRAPH_THROW_EVENT, "bpmn:intermediateThrowEvent"},
        {"ev", ORDO_GRAPH_EVENT_SUB_PROCESS, "bpmn:subProcess"},
    };
    /* clang-format off */
    compiles(HEAD "<bpmn:message id='M' name='go'/>\n" PROCESS
             "<bpmn:startEvent id='S'/>\n"
             "<bpmn:task id='t1'/><bpmn:manualTask id='t2'/><bpmn:serviceTask id='t3'/>\n"
             "<bpmn:sendTask id='t4'/><bpmn:userTask id='t5'/>\n"
             "<bpmn:receiveTask id='t6' messageRef='M'/>\n"
             "<bpmn:exclusiveGateway id='g1'/><bpmn:parallelGateway id='g2'/>\n"
             "<bpmn:inclusiveGateway id='g3'/>\n"
             "<bpmn:subProcess id='sp'><bpmn:startEvent id='sps'/></bpmn:subProcess>\n"
             "<bpmn:callActivity id='ca' calledElement='P'/>\n"
             "<bpmn:intermediateThrowEvent id='th'/>\n"
             "<bpmn:subProcess id='ev' triggeredByEvent='true'>"
             "<bpmn:startEvent id='evs'><bpmn:messageEventDefinition messageRef='M'/></bpmn:startEvent>"
             "</bpmn:subProcess>\n"
             END_PROCESS TAIL);
    /* clang-format on */
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        ck_assert_int_eq(node(want[i].id)->kind, want[i].kind);
        ck_assert_str_eq(node(want[i].id)->type, want[i].type);
    }
    ck_assert_uint_eq(node("sps")->scope, ix("sp"));
    ck_assert_uint_eq(node("sp")->nstarts, 1);
    ck_assert_uint_eq(node("P")->nevent_subs, 1);
    ck_assert_uint_eq(node("P")->event_subs[0], ix("ev"));
    ck_assert_uint_eq(node("ev")->starts[0], ix("evs"));
    ck_assert(node("evs")->interrupting);
    ck_assert_str_eq(node("t6")->message.name.constant, "go");
    ck_assert_str_eq(node("ca")->called_element.constant, "P");
}
END_TEST

START_TEST(what_does_not_execute_is_ignored)
{
    /* clang-format off */
    compiles(HEAD "<bpmn:collaboration id='C'><bpmn:participant id='Pa' processRef='P'/>"
             "<bpmn:participant id='Pb'/></bpmn:collaboration>\n"
             PROCESS "<bpmn:documentation>doc</bpmn:documentation>\n"
             "<bpmn:laneSet id='LS'><bpmn:lane id='L'><bpmn:flowNodeRef>S</bpmn:flowNodeRef>"
             "</bpmn:lane></bpmn:laneSet>\n"
             "<bpmn:dataObject id='DO'/><bpmn:dataObjectReference id='DOR' dataObjectRef='DO'/>\n"
             "<bpmn:textAnnotation id='TA'><bpmn:text>note</bpmn:text></bpmn:textAnnotation>\n"
             "<bpmn:association id='A' sourceRef='S' targetRef='TA'/>\n"
             "<bpmn:startEvent id='S'/>\n"
             "<bpmn:task id='T' camunda:asyncBefore='true' camunda:asyncAfter='true'>"
             EXT("<camunda:failedJobRetryTimeCycle>R3/PT1M</camunda:failedJobRetryTimeCycle>")
             "<bpmn:dataOutputAssociation id='DA'><bpmn:targetRef>DOR</bpmn:targetRef>"
             "</bpmn:dataOutputAssociation></bpmn:task>\n"
             FLOW("F1", "S", "T")
             END_PROCESS
             "<bpmn:process id='Q' isExecutable='false'/>\n" TAIL);
    /* clang-format on */
    ck_assert_uint_eq(graph->nnodes, 4);
    ck_assert_uint_eq(graph->nprocesses, 2);
    ck_assert(!ordo_graph_process(graph, "Q")->executable);
    ck_assert_ptr_null(ordo_graph_find(graph, "DO"));
}
END_TEST

START_TEST(process_option_compiles_that_process_and_what_it_calls)
{
    /* clang-format off */
    static const char *xml = HEAD
        "<bpmn:process id='A'><bpmn:startEvent id='As'/>"
        "<bpmn:callActivity id='Ac' calledElement='tns:B'/>" FLOW("Af", "As", "Ac") "</bpmn:process>\n"
        "<bpmn:process id='B'><bpmn:startEvent id='Bs'/>"
        "<bpmn:callActivity id='Bc'>" EXT("<zeebe:calledElement processId='C'/>")
        "</bpmn:callActivity></bpmn:process>\n"
        "<bpmn:process id='C'><bpmn:startEvent id='Cs'/></bpmn:process>\n"
        "<bpmn:process id='D'><bpmn:scriptTask id='Dx'/></bpmn:process>\n" TAIL;
    /* clang-format on */
    struct ordo_graph_options opts = {.process = "A"};

    ck_assert_int_eq(compile_with(xml, &opts), ORDO_OK);
    ck_assert_uint_eq(graph->nprocesses, 3);
    ck_assert_ptr_nonnull(ordo_graph_process(graph, "C"));
    ck_assert_ptr_null(ordo_graph_process(graph, "D"));
    ck_assert_str_eq(node("Ac")->called_element.constant, "B");
    opts.process = "X";
    ck_assert_int_eq(compile_with(xml, &opts), ORDO_E_NOTFOUND);
    ck_assert_uint_eq(nfindings, 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "\"X\""));
    ck_assert_int_eq(compile_with(xml, NULL), ORDO_E_UNPROCESSABLE);
    ck_assert_str_eq(findings[0].element, "Dx");
}
END_TEST

/* ---- conditions ------------------------------------------------------------ */

START_TEST(conditions_read_feel_and_translate_juel)
{
    /* clang-format off */
    compiles(HEAD PROCESS "<bpmn:startEvent id='S'/>" FLOW("F0", "S", "G")
             "<bpmn:exclusiveGateway id='G' default='F4'/>\n"
             CFLOW("F1", "G", "E", "=amount &gt; 100")
             CFLOW("F2", "G", "E", "${amount &gt; 100 &amp;&amp; approved}")
             CFLOW("F3", "G", "E", "  amount &lt; 5  ")
             CFLOW("F4", "G", "E", "=true")
             "<bpmn:sequenceFlow id='F5' sourceRef='G' targetRef='E'>"
             "<bpmn:conditionExpression language='https://www.omg.org/spec/DMN/20191111/FEEL/'>"
             "x = 1</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
             "<bpmn:sequenceFlow id='F6' sourceRef='G' targetRef='E'>"
             "<bpmn:conditionExpression xsi:type='bpmn:tFormalExpression'/></bpmn:sequenceFlow>\n"
             "<bpmn:endEvent id='E'/>" END_PROCESS TAIL);
    /* clang-format on */
    ck_assert_str_eq(src(&flow("F1")->condition), "amount > 100");
    ck_assert_str_eq(flow("F1")->condition.text, "=amount > 100");
    ck_assert_str_eq(src(&flow("F2")->condition), "amount > 100 and approved");
    ck_assert_str_eq(flow("F2")->condition.text, "${amount > 100 && approved}");
    ck_assert_str_eq(src(&flow("F3")->condition), "amount < 5");
    ck_assert_str_eq(src(&flow("F5")->condition), "x = 1");
    ck_assert_ptr_null(flow("F6")->condition.feel);
    ck_assert(flow("F4")->is_default);
    ck_assert(!flow("F1")->is_default);
    ck_assert_uint_eq(node("G")->default_flow, flow("F4")->index);
    ck_assert_uint_eq(node("G")->noutgoing, 6);
    ck_assert_uint_eq(node("E")->nincoming, 6);
}
END_TEST

START_TEST(conditions_in_other_languages_are_refused)
{
    /* clang-format off */
    refused_saying(LINE_OF("T", "<bpmn:task id='T'/>"
                   "<bpmn:sequenceFlow id='F' sourceRef='T' targetRef='E'>"
                   "<bpmn:conditionExpression language='http://www.w3.org/1999/XPath'>true()"
                   "</bpmn:conditionExpression></bpmn:sequenceFlow>\n", "T"),
                   "expression", "F",
                   "sequenceFlow \"F\": conditions in language \"http://www.w3.org/1999/XPath\" are "
                   "not supported; write the condition in FEEL");
    refused(LINE_OF("T", "<bpmn:task id='T'/>"
            "<bpmn:sequenceFlow id='F' sourceRef='T' targetRef='E'>"
            "<bpmn:conditionExpression language='groovy'>x == 1</bpmn:conditionExpression>"
            "</bpmn:sequenceFlow>\n", "T"), "script", "F");
    /* clang-format on */
}
END_TEST

START_TEST(expressions_that_do_not_compile_are_refused_with_the_feel_error)
{
    const struct ordo_graph_finding *f;

    /* clang-format off */
    f = refused(LINE_OF("T", "<bpmn:task id='T'/>" CFLOW("F", "T", "E", "=amount &gt;"), "T"),
                "expression", "F");
    ck_assert_ptr_nonnull(strstr(f->message, "sequenceFlow \"F\": the condition \"=amount >\" "
                                             "does not compile: "));
    f = refused(LINE_OF("T", "<bpmn:task id='T'/>"
                CFLOW("F", "T", "E", "${order.getTotal()}"), "T"), "expression", "F");
    ck_assert_ptr_nonnull(strstr(f->message, "JUEL"));
    f = refused(LINE_OF("T", "<bpmn:serviceTask id='T'>" EXT("<zeebe:ioMapping>"
                "<zeebe:input source='=a +' target='b'/></zeebe:ioMapping>") "</bpmn:serviceTask>",
                "T"), "expression", "T");
    ck_assert_ptr_nonnull(strstr(f->message, "the input mapping \"b\" \"=a +\" does not compile"));
    /* clang-format on */
}
END_TEST

/* ---- jobs ------------------------------------------------------------------ */

START_TEST(zeebe_service_task_reads_type_retries_headers_and_mappings)
{
    const struct ordo_graph_node *t;

    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:serviceTask id='T'>" EXT(
             "<zeebe:taskDefinition type='payment-service' retries='5'/>"
             "<zeebe:taskHeaders><zeebe:header key='method' value='POST'/>"
             "<zeebe:header key='url' value='https://x'/></zeebe:taskHeaders>"
             "<zeebe:ioMapping><zeebe:input source='=order.total' target='amount'/>"
             "<zeebe:input source='EUR' target='currency'/>"
             "<zeebe:input target='nothing'/>"
             "<zeebe:output source='=receipt.id' target='order.receipt'/></zeebe:ioMapping>")
             "</bpmn:serviceTask>\n", "T"));
    /* clang-format on */
    t = node("T");
    ck_assert_int_eq(t->kind, ORDO_GRAPH_JOB_TASK);
    ck_assert_str_eq(t->job_type, "payment-service");
    ck_assert_ptr_null(t->action);
    ck_assert_uint_eq(t->retries, 5);
    ck_assert_uint_eq(t->nheaders, 2);
    ck_assert_str_eq(t->headers[0].key, "method");
    ck_assert_str_eq(t->headers[0].value, "POST");
    ck_assert_str_eq(t->headers[1].key, "url");
    ck_assert_uint_eq(t->ninputs, 3);
    ck_assert_str_eq(t->inputs[0].target, "amount");
    ck_assert_str_eq(src(&t->inputs[0].source), "order.total");
    ck_assert_str_eq(t->inputs[1].target, "currency");
    ck_assert_str_eq(src(&t->inputs[1].source), "\"EUR\"");
    ck_assert_str_eq(src(&t->inputs[2].source), "null");
    ck_assert_uint_eq(t->noutputs, 1);
    ck_assert_str_eq(t->outputs[0].target, "order.receipt");
    ck_assert_str_eq(src(&t->outputs[0].source), "receipt.id");
}
END_TEST

START_TEST(ordo_action_is_the_job_type_and_defaults_apply)
{
    const struct ordo_graph_node *t;

    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:sendTask id='T' ordo:action='slack.post_message' "
             "ordo:credential='team-slack'>" EXT("<zeebe:taskDefinition type='other'/>")
             "</bpmn:sendTask>\n", "T"));
    /* clang-format on */
    t = node("T");
    ck_assert_str_eq(t->action, "slack.post_message");
    ck_assert_str_eq(t->job_type, "slack.post_message");
    ck_assert_str_eq(t->credential, "team-slack");
    ck_assert_uint_eq(t->retries, 3);
    ck_assert_uint_eq(t->nheaders, 0);
    compiles(LINE_OF("T", "<bpmn:serviceTask id='T'/>\n", "T"));
    ck_assert_ptr_null(node("T")->job_type);
    ck_assert_uint_eq(node("T")->retries, 3);
}
END_TEST

/* What Camunda Modeler's element templates write (plugins/catalogue.h). */
START_TEST(credential_comes_from_a_task_header_when_the_attribute_is_absent)
{
    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:serviceTask id='T'>" EXT("<zeebe:taskDefinition "
             "type='jira.create_issue'/><zeebe:taskHeaders><zeebe:header key='ordo:credential' "
             "value='acme'/></zeebe:taskHeaders>") "</bpmn:serviceTask>\n", "T"));
    ck_assert_str_eq(node("T")->credential, "acme");
    compiles(LINE_OF("T", "<bpmn:serviceTask id='T' ordo:credential='beta'>"
             EXT("<zeebe:taskDefinition type='jira.create_issue'/><zeebe:taskHeaders>"
             "<zeebe:header key='ordo:credential' value='acme'/></zeebe:taskHeaders>")
             "</bpmn:serviceTask>\n", "T"));
    /* clang-format on */
    ck_assert_str_eq(node("T")->credential, "beta");
}
END_TEST

START_TEST(action_ids_outside_the_contract_are_refused)
{
    static const char *bad[] = {
        "Slack.post", "slack",       "slack.post.message", "slack.",
        ".post",      "slack.9post", "sla-ck.post",        "slack.post message"};
    char xml[2048];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        (void)snprintf(xml, sizeof(xml),
                       LINE_OF("T", "<bpmn:serviceTask id='T' ordo:action='%s'/>\n", "T"), bad[i]);
        refused(xml, "action-id", "T");
    }
    refused_saying(LINE_OF("T", "<bpmn:serviceTask id='T' ordo:action='Jira.Create'/>\n", "T"),
                   "action-id", "T",
                   "serviceTask \"T\": ordo:action \"Jira.Create\" is not an action id "
                   "(connector.action in lower case, such as slack.post_message)");
    compiles(LINE_OF("T", "<bpmn:serviceTask id='T' ordo:action='a_1.b_2'/>\n", "T"));
}
END_TEST

START_TEST(camunda_external_task_reads_topic_and_input_output)
{
    const struct ordo_graph_node *t;

    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:serviceTask id='T' camunda:type='external' camunda:topic='billing'>"
             EXT("<camunda:inputOutput>"
             "<camunda:inputParameter name='total'>${amount + 1}</camunda:inputParameter>"
             "<camunda:inputParameter name='greeting'>Hello \"you\"</camunda:inputParameter>"
             "<camunda:inputParameter name='empty'/>"
             "<camunda:outputParameter name='done'>${result}</camunda:outputParameter>"
             "</camunda:inputOutput>") "</bpmn:serviceTask>\n", "T"));
    /* clang-format on */
    t = node("T");
    ck_assert_str_eq(t->job_type, "billing");
    ck_assert_uint_eq(t->ninputs, 3);
    ck_assert_str_eq(t->inputs[0].target, "total");
    ck_assert_str_eq(src(&t->inputs[0].source), "amount + 1");
    ck_assert_str_eq(src(&t->inputs[1].source), "\"Hello \\\"you\\\"\"");
    ck_assert_str_eq(src(&t->inputs[2].source), "null");
    ck_assert_str_eq(t->outputs[0].target, "done");
    ck_assert_str_eq(src(&t->outputs[0].source), "result");
}
END_TEST

START_TEST(job_extensions_that_cannot_be_honoured_are_refused)
{
    /* clang-format off */
    refused_saying(LINE_OF("T", "<bpmn:serviceTask id='T'>" EXT("<camunda:inputOutput>"
                   "<camunda:inputParameter name='xs'><camunda:list><camunda:value>a</camunda:value>"
                   "</camunda:list></camunda:inputParameter></camunda:inputOutput>")
                   "</bpmn:serviceTask>\n", "T"), "extension", "T",
                   "serviceTask \"T\": camunda:inputParameter \"xs\" holds a camunda:list, which is "
                   "not supported; write the value as an expression");
    refused(LINE_OF("T", "<bpmn:serviceTask id='T'>" EXT("<zeebe:taskDefinition type='=kind'/>")
            "</bpmn:serviceTask>\n", "T"), "extension", "T");
    refused(LINE_OF("T", "<bpmn:serviceTask id='T'>"
            EXT("<zeebe:taskDefinition type='a' retries='many'/>") "</bpmn:serviceTask>\n", "T"),
            "extension", "T");
    refused(LINE_OF("T", "<bpmn:serviceTask id='T' camunda:type='external'/>\n", "T"),
            "extension", "T");
    refused(LINE_OF("U", "<bpmn:userTask id='U' ordo:form='{\"type\": '/>\n", "U"), "extension",
            "U");
    refused(LINE_OF("U", "<bpmn:userTask id='U' ordo:form='[1]'/>\n", "U"), "extension", "U");
    /* clang-format on */
}
END_TEST

/* ---- ordo:webhook ---------------------------------------------------------- */

/* clang-format off */
#define HOOK_START(attr)                                                                           \
    HEAD PROCESS "<bpmn:startEvent id='S' ordo:webhook='" attr "'/>\n" FLOW("F", "S", "E")        \
    "<bpmn:endEvent id='E'/>\n" END_PROCESS TAIL
/* clang-format on */

START_TEST(ordo_webhook_is_read_and_checked_at_compile)
{
    const struct ordo_graph_node *n;

    /* clang-format off */
    compiles(HOOK_START("{\"name\":\"new-hire\",\"scheme\":\"bamboohr\","
                        "\"variables\":\"={id: body.employees[1].id}\",\"options\":{\"b\":1}}"));
    n = node("S");
    ck_assert_ptr_nonnull(n->webhook);
    ck_assert_str_eq(n->webhook->name, "new-hire");
    ck_assert_str_eq(n->webhook->scheme, "bamboohr");
    ck_assert_str_eq(n->webhook->options, "{\"b\":1}");
    ck_assert_str_eq(n->webhook->variables, "={id: body.employees[1].id}");
    ck_assert_ptr_null(n->webhook->correlation);
    refused(HOOK_START("{\"name\":"), "extension", "S");
    refused(HOOK_START("{\"name\":\"Bad Name\",\"scheme\":\"github\"}"), "extension", "S");
    refused(HOOK_START("{\"name\":\"x\",\"scheme\":\"stripe\"}"), "extension", "S");
    refused(HOOK_START("{\"name\":\"x\",\"scheme\":\"unsigned\"}"), "extension", "S");
    refused(HOOK_START("{\"name\":\"x\",\"scheme\":\"github\",\"variables\":\"={a:\"}"),
            "expression", "S");
    refused(HOOK_START("{\"name\":\"x\",\"scheme\":\"github\",\"colour\":1}"), "extension",
            "S");
    refused(HOOK_START("{\"name\":\"x\",\"scheme\":\"github\",\"correlationKey\":\"=a\"}"),
            "extension", "S");
    refused(LINE_OF("T", "<bpmn:serviceTask id='T' ordo:webhook='{\"name\":\"x\",\"scheme\":"
                    "\"github\"}'/>\n", "T"), "extension", "T");
    /* clang-format on */
}
END_TEST

/* ---- user tasks ------------------------------------------------------------ */

START_TEST(zeebe_user_task_reads_assignment_schedule_form_and_notify)
{
    const struct ordo_graph_node *t;

    /* clang-format off */
    compiles(LINE_OF("U", "<bpmn:userTask id='U' ordo:form='{\"type\":\"object\"}' "
             "ordo:notify='slack:#approvals'>" EXT(
             "<zeebe:assignmentDefinition assignee='=manager.email' candidateGroups='sales, ops' "
             "candidateUsers='=[\"a\", \"b\"]'/>"
             "<zeebe:taskSchedule dueDate='2026-12-01T09:00:00Z'/>") "</bpmn:userTask>\n", "U"));
    /* clang-format on */
    t = node("U");
    ck_assert_int_eq(t->kind, ORDO_GRAPH_USER_TASK);
    ck_assert_ptr_null(t->assignee.constant);
    ck_assert_str_eq(src(&t->assignee.expr), "manager.email");
    ck_assert_str_eq(t->candidate_groups.constant, "sales, ops");
    ck_assert_ptr_null(t->candidate_groups.expr.feel);
    ck_assert_str_eq(src(&t->candidate_users.expr), "[\"a\", \"b\"]");
    ck_assert_str_eq(t->due_date.constant, "2026-12-01T09:00:00Z");
    ck_assert_str_eq(t->form, "{\"type\":\"object\"}");
    ck_assert_str_eq(t->notify, "slack:#approvals");
    ck_assert_str_eq(t->notify_target.constant, "#approvals");
}
END_TEST

START_TEST(notify_target_may_be_feel)
{
    const struct ordo_graph_node *t;

    compiles(LINE_OF("U", "<bpmn:userTask id='U' ordo:notify='slack:=manager.slack_id'/>\n", "U"));
    t = node("U");
    ck_assert_ptr_null(t->notify_target.constant);
    ck_assert_str_eq(src(&t->notify_target.expr), "manager.slack_id");
}
END_TEST

START_TEST(bad_notify_is_refused_naming_the_element)
{
    /* clang-format off */
    refused(LINE_OF("U", "<bpmn:userTask id='U' ordo:notify='#approvals'/>\n", "U"),
            "extension", "U");
    refused(LINE_OF("U", "<bpmn:userTask id='U' ordo:notify='teams:C01'/>\n", "U"),
            "extension", "U");
    refused(LINE_OF("U", "<bpmn:userTask id='U' ordo:notify='slack:'/>\n", "U"),
            "extension", "U");
    refused(LINE_OF("U", "<bpmn:userTask id='U' ordo:notify='slack:=manager.('/>\n", "U"),
            "expression", "U");
    /* clang-format on */
}
END_TEST

START_TEST(camunda_user_task_reads_assignee_candidates_and_due_date)
{
    const struct ordo_graph_node *t;

    /* clang-format off */
    compiles(LINE_OF("U", "<bpmn:userTask id='U' camunda:assignee='${initiator}' "
             "camunda:candidateUsers='ann,bob' camunda:candidateGroups='management' "
             "camunda:dueDate='${dueDate}' camunda:formKey='embedded:app:x.html'/>\n", "U"));
    /* clang-format on */
    t = node("U");
    ck_assert_str_eq(src(&t->assignee.expr), "initiator");
    ck_assert_str_eq(t->assignee.expr.text, "${initiator}");
    ck_assert_str_eq(t->candidate_users.constant, "ann,bob");
    ck_assert_str_eq(t->candidate_groups.constant, "management");
    ck_assert_str_eq(src(&t->due_date.expr), "dueDate");
    ck_assert_ptr_null(t->form);
}
END_TEST

/* ---- loops ----------------------------------------------------------------- */

START_TEST(zeebe_multi_instance_reads_collection_element_and_output)
{
    const struct ordo_graph_loop *l;

    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:serviceTask id='T'><bpmn:multiInstanceLoopCharacteristics "
             "isSequential='true'>" EXT("<zeebe:loopCharacteristics inputCollection='=items' "
             "inputElement='item' outputCollection='results' outputElement='=item.total'/>")
             "<bpmn:completionCondition xsi:type='bpmn:tFormalExpression'>="
             "numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>"
             "</bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>\n", "T"));
    /* clang-format on */
    l = node("T")->loop;
    ck_assert_ptr_nonnull(l);
    ck_assert(l->multi);
    ck_assert(l->sequential);
    ck_assert_str_eq(src(&l->collection), "items");
    ck_assert_str_eq(l->element, "item");
    ck_assert_str_eq(l->output_collection, "results");
    ck_assert_str_eq(src(&l->output_element), "item.total");
    ck_assert_str_eq(src(&l->completion), "numberOfCompletedInstances >= 2");
    ck_assert_ptr_null(l->cardinality.feel);
}
END_TEST

START_TEST(camunda_multi_instance_and_cardinality_are_read)
{
    const struct ordo_graph_loop *l;

    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:userTask id='T'><bpmn:multiInstanceLoopCharacteristics "
             "camunda:collection='${reviewers}' camunda:elementVariable='reviewer'/>"
             "</bpmn:userTask>\n", "T"));
    /* clang-format on */
    l = node("T")->loop;
    ck_assert(l->multi);
    ck_assert(!l->sequential);
    ck_assert_str_eq(src(&l->collection), "reviewers");
    ck_assert_str_eq(l->element, "reviewer");
    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:task id='T'><bpmn:multiInstanceLoopCharacteristics>"
             "<bpmn:loopCardinality>3</bpmn:loopCardinality>"
             "</bpmn:multiInstanceLoopCharacteristics></bpmn:task>\n", "T"));
    /* clang-format on */
    ck_assert_str_eq(src(&node("T")->loop->cardinality), "3");
    ck_assert_ptr_null(node("T")->loop->collection.feel);
}
END_TEST

START_TEST(standard_loop_reads_condition_test_before_and_maximum)
{
    const struct ordo_graph_loop *l;

    /* clang-format off */
    compiles(LINE_OF("T", "<bpmn:task id='T'><bpmn:standardLoopCharacteristics testBefore='true' "
             "loopMaximum='10'><bpmn:loopCondition>=count &lt; 3</bpmn:loopCondition>"
             "</bpmn:standardLoopCharacteristics></bpmn:task>\n", "T"));
    /* clang-format on */
    l = node("T")->loop;
    ck_assert(!l->multi);
    ck_assert(l->test_before);
    ck_assert_uint_eq(l->loop_maximum, 10);
    ck_assert_str_eq(src(&l->loop_condition), "count < 3");
}
END_TEST

START_TEST(loops_that_cannot_run_are_refused)
{
    /* clang-format off */
    refused_saying(LINE_OF("T", "<bpmn:task id='T'><bpmn:multiInstanceLoopCharacteristics/>"
                   "</bpmn:task>\n", "T"), "loop", "T",
                   "task \"T\": a multi-instance activity needs a collection "
                   "(zeebe:loopCharacteristics inputCollection or camunda:collection) or a "
                   "loopCardinality");
    refused(LINE_OF("T", "<bpmn:task id='T'><bpmn:standardLoopCharacteristics/></bpmn:task>\n",
            "T"), "loop", "T");
    refused(LINE_OF("T", "<bpmn:task id='T'><bpmn:standardLoopCharacteristics loopMaximum='x'>"
            "<bpmn:loopCondition>=true</bpmn:loopCondition></bpmn:standardLoopCharacteristics>"
            "</bpmn:task>\n", "T"), "loop", "T");
    /* clang-format on */
}
END_TEST

/* ---- call activities -------------------------------------------------------- */

START_TEST(call_activities_read_both_dialects)
{
    const struct ordo_graph_node *c;

    /* clang-format off */
    compiles(LINE_OF("C1", "<bpmn:callActivity id='C1'>" EXT("<zeebe:calledElement "
             "processId='billing' propagateAllChildVariables='false'/>") "</bpmn:callActivity>"
             FLOW("F1", "C1", "C2") "<bpmn:callActivity id='C2'>"
             EXT("<zeebe:calledElement processId='=kind + \"-flow\"'/>") "</bpmn:callActivity>"
             FLOW("F2", "C2", "C3") "<bpmn:callActivity id='C3' calledElement='shipping'>"
             EXT("<camunda:in source='order' target='order'/>"
             "<camunda:in sourceExpression='${amount * 2}' target='doubled'/>"
             "<camunda:out source='tracking' target='trackingNumber'/>") "</bpmn:callActivity>"
             FLOW("F3", "C3", "C4") "<bpmn:callActivity id='C4' calledElement='x'>"
             EXT("<camunda:out variables='all'/>") "</bpmn:callActivity>\n", "C4"));
    /* clang-format on */
    c = node("C1");
    ck_assert_str_eq(c->called_element.constant, "billing");
    ck_assert(!c->propagate_all);
    c = node("C2");
    ck_assert_str_eq(src(&c->called_element.expr), "kind + \"-flow\"");
    ck_assert(c->propagate_all);
    c = node("C3");
    ck_assert_str_eq(c->called_element.constant, "shipping");
    ck_assert(!c->propagate_all);
    ck_assert_uint_eq(c->ninputs, 2);
    ck_assert_str_eq(src(&c->inputs[0].source), "order");
    ck_assert_str_eq(src(&c->inputs[1].source), "amount * 2");
    ck_assert_str_eq(c->inputs[1].target, "doubled");
    ck_assert_str_eq(c->outputs[0].target, "trackingNumber");
    ck_assert(node("C4")->propagate_all);
}
END_TEST

START_TEST(call_activities_without_a_process_are_refused)
{
    /* clang-format off */
    refused_saying(LINE_OF("C", "<bpmn:callActivity id='C'/>\n", "C"), "call-activity", "C",
                   "callActivity \"C\": no called element (zeebe:calledElement processId or "
                   "calledElement)");
    refused(HEAD "<bpmn:globalTask id='GT'/>" PROCESS "<bpmn:startEvent id='S'/>"
            "<bpmn:callActivity id='C' calledElement='GT'/>" FLOW("F", "S", "C") END_PROCESS TAIL,
            "unsupported-element", "C");
    /* clang-format on */
}
END_TEST

/* ---- events ---------------------------------------------------------------- */

START_TEST(message_events_read_name_and_correlation_key)
{
    const struct ordo_graph_node *s;

    /* clang-format off */
    compiles(HEAD "<bpmn:message id='M1' name='order placed'>"
             EXT("<zeebe:subscription correlationKey='=orderId'/>") "</bpmn:message>"
             "<bpmn:message id='M2' name='=&quot;paid-&quot; + orderId'/>\n"
             PROCESS "<bpmn:startEvent id='S'><bpmn:messageEventDefinition messageRef='M1'/>"
             "</bpmn:startEvent>" FLOW("F1", "S", "C")
             "<bpmn:intermediateCatchEvent id='C'><bpmn:messageEventDefinition messageRef='tns:M2'/>"
             "</bpmn:intermediateCatchEvent>" FLOW("F2", "C", "T")
             "<bpmn:intermediateThrowEvent id='T'><bpmn:messageEventDefinition/>" EXT(
             "<zeebe:taskDefinition type='notify'/>") "</bpmn:intermediateThrowEvent>"
             FLOW("F3", "T", "E")
             "<bpmn:endEvent id='E'><bpmn:messageEventDefinition messageRef='M1'/>"
             "</bpmn:endEvent>" END_PROCESS TAIL);
    /* clang-format on */
    s = node("S");
    ck_assert_int_eq(s->trigger, ORDO_GRAPH_TRIGGER_MESSAGE);
    ck_assert_str_eq(s->message.name.constant, "order placed");
    ck_assert_str_eq(src(&s->message.correlation), "orderId");
    ck_assert_str_eq(s->message.correlation.text, "=orderId");
    ck_assert_str_eq(src(&node("C")->message.name.expr), "\"paid-\" + orderId");
    ck_assert_ptr_null(node("C")->message.correlation.feel);
    ck_assert_int_eq(node("T")->trigger, ORDO_GRAPH_TRIGGER_MESSAGE);
    ck_assert_str_eq(node("T")->job_type, "notify");
    ck_assert_int_eq(node("E")->trigger, ORDO_GRAPH_TRIGGER_MESSAGE);
    ck_assert_str_eq(node("E")->message.name.constant, "order placed");
}
END_TEST

START_TEST(timer_events_parse_constants_and_compile_expressions)
{
    /* clang-format off */
    compiles(HEAD PROCESS "<bpmn:startEvent id='S'><bpmn:timerEventDefinition><bpmn:timeCycle>"
             "R3/PT10M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>"
             FLOW("F1", "S", "C1")
             "<bpmn:intermediateCatchEvent id='C1'><bpmn:timerEventDefinition><bpmn:timeDuration>"
             " PT15M </bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
             FLOW("F2", "C1", "C2")
             "<bpmn:intermediateCatchEvent id='C2'><bpmn:timerEventDefinition><bpmn:timeDate>"
             "=due</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
             FLOW("F3", "C2", "C3")
             "<bpmn:intermediateCatchEvent id='C3'><bpmn:timerEventDefinition><bpmn:timeDate>"
             "2026-12-01T09:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition>"
             "</bpmn:intermediateCatchEvent>" END_PROCESS TAIL);
    /* clang-format on */
    ck_assert_int_eq(node("S")->trigger, ORDO_GRAPH_TRIGGER_TIMER);
    ck_assert_int_eq(node("S")->timer.kind, ORDO_TIMER_CYCLE);
    ck_assert_ptr_nonnull(node("S")->timer.parsed);
    ck_assert_int_eq(node("C1")->timer.kind, ORDO_TIMER_DURATION);
    ck_assert_ptr_nonnull(node("C1")->timer.parsed);
    ck_assert_int_eq(node("C2")->timer.kind, ORDO_TIMER_DATE);
    ck_assert_ptr_null(node("C2")->timer.parsed);
    ck_assert_str_eq(src(&node("C2")->timer.expr), "due");
    ck_assert_int_eq(node("C3")->timer.kind, ORDO_TIMER_DATE);
    ck_assert_ptr_nonnull(node("C3")->timer.parsed);
}
END_TEST

START_TEST(boundary_events_attach_to_their_host)
{
    const struct ordo_graph_node *t;

    /* clang-format off */
    compiles(HEAD "<bpmn:error id='Err' errorCode='PAYMENT_FAILED' camunda:errorMessage='no money'/>"
             "<bpmn:error id='NoCode'/>\n" PROCESS "<bpmn:startEvent id='S'/>" FLOW("F1", "S", "T")
             "<bpmn:userTask id='T'/>" FLOW("F2", "T", "E")
             "<bpmn:endEvent id='E'/>\n"
             "<bpmn:boundaryEvent id='B1' attachedToRef='T' cancelActivity='false'>"
             "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration>"
             "</bpmn:timerEventDefinition></bpmn:boundaryEvent>\n"
             "<bpmn:boundaryEvent id='B2' attachedToRef='T'>"
             "<bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration>"
             "</bpmn:timerEventDefinition></bpmn:boundaryEvent>\n"
             "<bpmn:boundaryEvent id='B3' attachedToRef='T'><bpmn:errorEventDefinition/>"
             "</bpmn:boundaryEvent>\n"
             "<bpmn:boundaryEvent id='B4' attachedToRef='T' cancelActivity='false'>"
             "<bpmn:errorEventDefinition errorRef='Err'/></bpmn:boundaryEvent>\n"
             "<bpmn:boundaryEvent id='B5' attachedToRef='T'>"
             "<bpmn:errorEventDefinition errorRef='NoCode'/></bpmn:boundaryEvent>\n"
             FLOW("F3", "B1", "E2") FLOW("F4", "B4", "E2")
             "<bpmn:endEvent id='E2'><bpmn:errorEventDefinition errorRef='Err'/></bpmn:endEvent>\n"
             "<bpmn:endEvent id='E3'><bpmn:terminateEventDefinition/></bpmn:endEvent>\n"
             END_PROCESS TAIL);
    /* clang-format on */
    t = node("T");
    ck_assert_uint_eq(t->nboundaries, 5);
    ck_assert_uint_eq(t->boundaries[0], ix("B1"));
    ck_assert_uint_eq(t->boundaries[4], ix("B5"));
    ck_assert_uint_eq(node("B1")->attached_to, ix("T"));
    ck_assert(!node("B1")->interrupting);
    ck_assert(node("B2")->interrupting);
    ck_assert_int_eq(node("B3")->trigger, ORDO_GRAPH_TRIGGER_ERROR);
    ck_assert_ptr_null(node("B3")->error_code);
    ck_assert(node("B4")->interrupting); /* error boundaries always interrupt */
    ck_assert_str_eq(node("B4")->error_code, "PAYMENT_FAILED");
    ck_assert_ptr_null(node("B5")->error_code);
    ck_assert_str_eq(node("E2")->error_code, "PAYMENT_FAILED");
    ck_assert_str_eq(src(&node("E2")->error_message), "\"no money\"");
    ck_assert_int_eq(node("E3")->trigger, ORDO_GRAPH_TRIGGER_TERMINATE);
    ck_assert_uint_eq(node("B1")->noutgoing, 1);
}
END_TEST

START_TEST(event_sub_process_starts_read_interrupting)
{
    /* clang-format off */
    compiles(HEAD "<bpmn:message id='M' name='cancel'/>" PROCESS "<bpmn:startEvent id='S'/>\n"
             "<bpmn:subProcess id='V1' triggeredByEvent='true'><bpmn:startEvent id='V1s' "
             "isInterrupting='false'><bpmn:messageEventDefinition messageRef='M'/></bpmn:startEvent>"
             "</bpmn:subProcess>\n"
             "<bpmn:subProcess id='V2' triggeredByEvent='true'><bpmn:startEvent id='V2s' "
             "isInterrupting='false'><bpmn:errorEventDefinition/></bpmn:startEvent>"
             "</bpmn:subProcess>\n"
             "<bpmn:subProcess id='V3' triggeredByEvent='true'><bpmn:startEvent id='V3s'>"
             "<bpmn:timerEventDefinition><bpmn:timeDuration>PT5M</bpmn:timeDuration>"
             "</bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>\n"
             END_PROCESS TAIL);
    /* clang-format on */
    ck_assert(!node("V1s")->interrupting);
    ck_assert(node("V2s")->interrupting);
    ck_assert(node("V3s")->interrupting);
    ck_assert_uint_eq(node("P")->nevent_subs, 3);
    ck_assert_uint_eq(node("P")->nstarts, 1);
    ck_assert_int_eq(node("V2")->kind, ORDO_GRAPH_EVENT_SUB_PROCESS);
}
END_TEST

/* ---- inclusive joins ------------------------------------------------------- */

START_TEST(inclusive_join_reaches_what_can_still_arrive)
{
    const struct ordo_graph_node *j;

    /* S -> Fork -> A -> J; Fork -> Sub -> J; Fork -> B, B's boundary X -> J;
     * J -> After -> Back -> Fork (a loop through the join); and Alone, which
     * cannot reach J. */
    /* clang-format off */
    compiles(HEAD PROCESS "<bpmn:startEvent id='S'/>" FLOW("f1", "S", "Fork")
             "<bpmn:inclusiveGateway id='Fork'/>"
             FLOW("f2", "Fork", "A") FLOW("f3", "Fork", "Sub") FLOW("f4", "Fork", "B")
             "<bpmn:task id='A'/><bpmn:task id='B'/>"
             "<bpmn:subProcess id='Sub'><bpmn:startEvent id='In'/></bpmn:subProcess>"
             "<bpmn:boundaryEvent id='X' attachedToRef='B'><bpmn:timerEventDefinition>"
             "<bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>"
             "</bpmn:boundaryEvent>"
             FLOW("f5", "A", "J") FLOW("f6", "Sub", "J") FLOW("f7", "X", "J")
             "<bpmn:inclusiveGateway id='J'/>" FLOW("f8", "J", "After")
             "<bpmn:task id='After'/>" FLOW("f9", "After", "Back") "<bpmn:task id='Back'/>"
             FLOW("f10", "Back", "Fork") "<bpmn:task id='Alone'/><bpmn:endEvent id='E'/>"
             FLOW("f11", "B", "E")
             END_PROCESS TAIL);
    /* clang-format on */
    ck_assert_uint_eq(graph->reach_words, (graph->nnodes + 63) / 64);
    j = node("J");
    ck_assert_ptr_nonnull(j->reach);
    ck_assert(ordo_graph_reaches(j, ix("S")));
    ck_assert(ordo_graph_reaches(j, ix("Fork")));
    ck_assert(ordo_graph_reaches(j, ix("A")));
    ck_assert(ordo_graph_reaches(j, ix("Sub")));
    ck_assert(ordo_graph_reaches(j, ix("X")));
    ck_assert(ordo_graph_reaches(j, ix("B"))); /* through its boundary event */
    ck_assert(ordo_graph_reaches(j, ix("Back")));
    ck_assert(ordo_graph_reaches(j, ix("After"))); /* After -> Back -> Fork -> ... -> J */
    ck_assert(!ordo_graph_reaches(j, ix("J")));
    ck_assert(!ordo_graph_reaches(j, ix("In"))); /* inside Sub: Sub stands for it */
    ck_assert(!ordo_graph_reaches(j, ix("Alone")));
    ck_assert(!ordo_graph_reaches(j, ix("E")));
    ck_assert(!ordo_graph_reaches(j, ix("P")));
    /* Fork joins S and Back: everything on the loop reaches it, J included. */
    ck_assert_ptr_nonnull(node("Fork")->reach);
    ck_assert(ordo_graph_reaches(node("Fork"), ix("J")));
    ck_assert(ordo_graph_reaches(node("Fork"), ix("S")));
    ck_assert(!ordo_graph_reaches(node("Fork"), ix("Fork")));
    ck_assert(!ordo_graph_reaches(node("Fork"), ix("E")));
}
END_TEST

START_TEST(a_join_after_the_only_path_does_not_wait_for_what_follows)
{
    const struct ordo_graph_node *j;

    /* clang-format off */
    compiles(HEAD PROCESS "<bpmn:startEvent id='S'/>" FLOW("f1", "S", "G")
             "<bpmn:inclusiveGateway id='G'/>" FLOW("f2", "G", "A") FLOW("f3", "G", "B")
             "<bpmn:task id='A'/><bpmn:task id='B'/>" FLOW("f4", "A", "J") FLOW("f5", "B", "J")
             "<bpmn:inclusiveGateway id='J'/>" FLOW("f6", "J", "C") "<bpmn:task id='C'/>"
             END_PROCESS TAIL);
    /* clang-format on */
    j = node("J");
    ck_assert(ordo_graph_reaches(j, ix("A")));
    ck_assert(ordo_graph_reaches(j, ix("B")));
    ck_assert(ordo_graph_reaches(j, ix("G")));
    ck_assert(ordo_graph_reaches(j, ix("S")));
    ck_assert(!ordo_graph_reaches(j, ix("C")));
    ck_assert_ptr_null(node("G")->reach);
}
END_TEST

/* ---- refusals -------------------------------------------------------------- */

START_TEST(unsupported_elements_are_refused_by_name)
{
    static const struct {
        const char *element, *message;
    } cases[] = {
        {"<bpmn:businessRuleTask id='X'/>", "businessRuleTask \"X\": business rule tasks are not "
                                            "supported; use a service task bound to a connector "
                                            "action"},
        {"<bpmn:complexGateway id='X'/>", "complexGateway \"X\": complex gateways are not "
                                          "supported; use exclusive, inclusive or parallel "
                                          "gateways"},
        {"<bpmn:transaction id='X'><bpmn:startEvent id='TS'/></bpmn:transaction>",
         "transaction \"X\": transactions are not supported; use an embedded sub-process with "
         "error boundary events"},
        {"<bpmn:adHocSubProcess id='X'><bpmn:task id='AT'/></bpmn:adHocSubProcess>",
         "adHocSubProcess \"X\": ad-hoc sub-processes are not supported; use an embedded "
         "sub-process"},
    };
    char xml[2048];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        (void)snprintf(xml, sizeof(xml), LINE_OF("X", "%s\n", "X"), cases[i].element);
        refused_saying(xml, "unsupported-element", "X", cases[i].message);
        ck_assert_uint_eq(nfindings, 1); /* nothing more about it, its contents or its flows */
    }
    refused_saying(LINE_OF("X", "<bpmn:scriptTask id='X'/>\n", "X"), "script", "X",
                   "scriptTask \"X\": script tasks are not supported; use a service task bound "
                   "to a connector action");
    ck_assert_uint_eq(nfindings, 1);
    refused_saying(LINE_OF("X", "<bpmn:businessRuleTask id='X' camunda:decisionRef='d'/>\n", "X"),
                   "dmn", "X",
                   "businessRuleTask \"X\": DMN decisions are not supported; use a service task "
                   "bound to a connector action");
}
END_TEST

START_TEST(unsupported_event_definitions_are_refused)
{
    static const char *defs[] = {"signal", "escalation", "compensate", "conditional", "link"};
    static const char *words[] = {"signal", "escalation", "compensation", "conditional", "link"};
    char xml[2048];
    char want[256];

    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
        (void)snprintf(xml, sizeof(xml),
                       LINE_OF("X",
                               "<bpmn:intermediateThrowEvent id='X'><bpmn:%sEventDefinition/>"
                               "</bpmn:intermediateThrowEvent>\n",
                               "X"),
                       defs[i]);
        (void)snprintf(want, sizeof(want),
                       "intermediateThrowEvent \"X\": %s events are not supported; use message, "
                       "timer or error events",
                       words[i]);
        refused_saying(xml, "unsupported-event", "X", want);
    }
    /* clang-format off */
    refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:boundaryEvent id='X' attachedToRef='T'>"
            "<bpmn:cancelEventDefinition/></bpmn:boundaryEvent>\n", "T"), "unsupported-event", "X");
    refused_saying(HEAD "<bpmn:message id='M' name='m'/>" PROCESS "<bpmn:startEvent id='X'>"
                   "<bpmn:messageEventDefinition messageRef='M'/><bpmn:timerEventDefinition>"
                   "<bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>"
                   "</bpmn:startEvent>" END_PROCESS TAIL, "multiple-event-definitions", "X",
                   "startEvent \"X\": events with 2 event definitions are not supported; use one");
    refused(LINE_OF("X", "<bpmn:intermediateCatchEvent id='X'/>\n", "X"), "event-definition", "X");
    refused_saying(LINE_OF("X", "<bpmn:intermediateThrowEvent id='X'><bpmn:timerEventDefinition>"
                   "<bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition>"
                   "</bpmn:intermediateThrowEvent>\n", "X"), "event-definition", "X",
                   "intermediateThrowEvent \"X\": a timer definition is not allowed on a "
                   "intermediateThrowEvent");
    refused(HEAD PROCESS "<bpmn:startEvent id='X'><bpmn:errorEventDefinition/></bpmn:startEvent>"
            END_PROCESS TAIL, "event-definition", "X");
    /* clang-format on */
}
END_TEST

START_TEST(message_catches_need_a_named_message)
{
    /* clang-format off */
    refused_saying(LINE_OF("X", "<bpmn:intermediateCatchEvent id='X'><bpmn:messageEventDefinition/>"
                   "</bpmn:intermediateCatchEvent>\n", "X"), "message", "X",
                   "intermediateCatchEvent \"X\": no messageRef; waiting for a message needs a "
                   "bpmn:message with a name to correlate by");
    refused_saying(LINE_OF("X", "<bpmn:receiveTask id='X' messageRef='Nope'/>\n", "X"), "message",
                   "X", "receiveTask \"X\": messageRef \"Nope\" names no bpmn:message");
    refused(HEAD "<bpmn:message id='M'/>" PROCESS "<bpmn:startEvent id='X'>"
            "<bpmn:messageEventDefinition messageRef='M'/></bpmn:startEvent>" END_PROCESS TAIL,
            "message", "X");
    refused(HEAD "<bpmn:message id='M' name='=kind'/>" PROCESS "<bpmn:startEvent id='X'>"
            "<bpmn:messageEventDefinition messageRef='M'/></bpmn:startEvent>" END_PROCESS TAIL,
            "message", "X");
    /* A throw needs no message. */
    compiles(LINE_OF("X", "<bpmn:intermediateThrowEvent id='X'><bpmn:messageEventDefinition/>"
             "</bpmn:intermediateThrowEvent>\n", "X"));
    /* clang-format on */
}
END_TEST

START_TEST(java_delegates_scripts_and_dmn_are_refused)
{
    /* clang-format off */
    refused_saying(LINE_OF("X", "<bpmn:serviceTask id='X' camunda:class='com.acme.Pay'/>\n", "X"),
                   "java-delegate", "X",
                   "serviceTask \"X\": camunda:class \"com.acme.Pay\": Java delegates and "
                   "expressions are not supported; bind the task to a connector action with "
                   "ordo:action");
    refused(LINE_OF("X", "<bpmn:serviceTask id='X' camunda:delegateExpression='${pay}'/>\n", "X"),
            "java-delegate", "X");
    refused(LINE_OF("X", "<bpmn:serviceTask id='X' camunda:expression='${a.b()}'/>\n", "X"),
            "java-delegate", "X");
    refused_saying(LINE_OF("X", "<bpmn:task id='X'>" EXT("<camunda:executionListener "
                   "class='com.acme.L' event='start'/>") "</bpmn:task>\n", "X"),
                   "listener", "X",
                   "task \"X\": executionListener with class \"com.acme.L\": listeners that run "
                   "Java are not supported; model the work as a service task bound to a "
                   "connector action");
    refused(LINE_OF("X", "<bpmn:userTask id='X'>" EXT("<camunda:taskListener event='create'>"
            "<camunda:script scriptFormat='groovy'>x()</camunda:script></camunda:taskListener>")
            "</bpmn:userTask>\n", "X"), "script", "X");
    refused(LINE_OF("X", "<bpmn:task id='X'>" EXT("<camunda:inputOutput>"
            "<camunda:inputParameter name='a'><camunda:script scriptFormat='js'>1</camunda:script>"
            "</camunda:inputParameter></camunda:inputOutput>") "</bpmn:task>\n", "X"),
            "script", "X");
    refused(LINE_OF("X", "<bpmn:serviceTask id='X'>" EXT("<zeebe:calledDecision decisionId='d' "
            "resultVariable='r'/>") "</bpmn:serviceTask>\n", "X"), "dmn", "X");
    refused(LINE_OF("X", "<bpmn:task id='X'/>"
            "<bpmn:sequenceFlow id='F' sourceRef='X' targetRef='E'>"
            EXT("<camunda:executionListener delegateExpression='${l}' event='take'/>")
            "</bpmn:sequenceFlow>\n", "X"), "listener", "F");
    refused(LINE_OF("X", "<bpmn:serviceTask id='X'>" EXT("<camunda:connector>"
            "<camunda:connectorId>http-connector</camunda:connectorId></camunda:connector>")
            "</bpmn:serviceTask>\n", "X"), "connector", "X");
    /* clang-format on */
}
END_TEST

START_TEST(ids_must_exist_and_be_unique)
{
    const struct ordo_graph_finding *f;

    /* clang-format off */
    f = refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:task name='anon'/>\n", "T"),
                "missing-id", NULL);
    ck_assert_str_eq(f->message, "task on line 6: a flow node needs an id");
    ck_assert_uint_eq(f->line, 6);
    refused_saying(LINE_OF("T", "<bpmn:task id='T'/><bpmn:task id='T'/>\n", "T"), "duplicate-id",
                   "T", "task \"T\": id \"T\" is already used by task on line 6");
    refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:sequenceFlow sourceRef='T' targetRef='E'/>\n",
            "T"), "missing-id", NULL);
    /* clang-format on */
}
END_TEST

START_TEST(flows_must_resolve_and_stay_in_their_scope)
{
    /* clang-format off */
    refused_saying(LINE_OF("T", "<bpmn:task id='T'/>" FLOW("F", "T", "Nowhere"), "T"),
                   "unresolved-flow", "F",
                   "sequenceFlow \"F\": targetRef \"Nowhere\" names no element");
    refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:dataObject id='D'/>" FLOW("F", "T", "D"), "T"),
            "unresolved-flow", "F");
    refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:sequenceFlow id='F' sourceRef='T'/>", "T"),
            "unresolved-flow", "F");
    refused_saying(LINE_OF("Sub", "<bpmn:subProcess id='Sub'><bpmn:startEvent id='In'/>"
                   "</bpmn:subProcess>" FLOW("F", "In", "E"), "Sub"),
                   "invalid-flow", "F",
                   "sequenceFlow \"F\": \"In\" and \"E\" are in different scopes; a sequence flow "
                   "cannot cross a sub-process or pool boundary");
    refused(LINE_OF("T", "<bpmn:task id='T'/>" FLOW("F", "T", "S"), "T"), "invalid-flow", "F");
    refused(LINE_OF("T", "<bpmn:task id='T'/>" FLOW("F", "E", "T"), "T"), "invalid-flow", "F");
    refused(LINE_OF("G", "<bpmn:exclusiveGateway id='G' default='F_s'/>", "G"),
            "invalid-flow", "G");
    /* A flow from a refused element says nothing more. */
    refused(LINE_OF("X", "<bpmn:scriptTask id='X'/>", "X"), "script", "X");
    ck_assert_uint_eq(nfindings, 1);
    /* clang-format on */
}
END_TEST

START_TEST(start_events_follow_the_scope_rules)
{
    /* clang-format off */
    refused_saying(HEAD PROCESS "<bpmn:startEvent id='S1'/><bpmn:startEvent id='S2'/>" END_PROCESS
                   TAIL, "start-event", "P",
                   "process \"P\": has 2 none start events; a process may have at most one");
    refused(HEAD PROCESS "<bpmn:task id='T'/>" END_PROCESS TAIL, "start-event", "P");
    refused_saying(LINE_OF("Sub", "<bpmn:subProcess id='Sub'><bpmn:task id='In'/></bpmn:subProcess>",
                   "Sub"), "start-event", "Sub",
                   "subProcess \"Sub\": has no start event; an embedded sub-process starts at "
                   "exactly one start event without an event definition");
    /* A refused start event says enough: no second finding on its scope. */
    refused(HEAD PROCESS "<bpmn:startEvent id='S'/><bpmn:startEvent id='S2'>"
            "<bpmn:conditionalEventDefinition/></bpmn:startEvent>" END_PROCESS TAIL,
            "unsupported-event", "S2");
    ck_assert_uint_eq(nfindings, 1);
    refused(HEAD "<bpmn:message id='M' name='m'/>" PROCESS "<bpmn:startEvent id='S'/>"
            FLOW("F", "S", "Sub") "<bpmn:subProcess id='Sub'><bpmn:startEvent id='In'>"
            "<bpmn:messageEventDefinition messageRef='M'/></bpmn:startEvent></bpmn:subProcess>"
            END_PROCESS TAIL, "start-event", "Sub");
    refused_saying(HEAD PROCESS "<bpmn:startEvent id='S'/><bpmn:subProcess id='V' "
                   "triggeredByEvent='true'><bpmn:startEvent id='Vs'/></bpmn:subProcess>"
                   END_PROCESS TAIL, "start-event", "V",
                   "subProcess \"V\": has 1 start events, 1 of them without an event definition; "
                   "an event sub-process starts at exactly one message, timer or error start event");
    /* A message start and a timer start beside a none start are fine; an
     * empty process too. */
    compiles(HEAD "<bpmn:message id='M' name='m'/>" PROCESS "<bpmn:startEvent id='S'/>"
             "<bpmn:startEvent id='S2'><bpmn:messageEventDefinition messageRef='M'/>"
             "</bpmn:startEvent>" END_PROCESS "<bpmn:process id='Empty'/>" TAIL);
    ck_assert_uint_eq(node("P")->nstarts, 2);
    /* clang-format on */
}
END_TEST

START_TEST(boundary_events_need_an_activity_host)
{
    /* clang-format off */
    refused_saying(LINE_OF("G", "<bpmn:exclusiveGateway id='G'/><bpmn:boundaryEvent id='B' "
                   "attachedToRef='G'><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M"
                   "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>", "G"),
                   "boundary-host", "B",
                   "boundaryEvent \"B\": is attached to exclusiveGateway \"G\"; boundary events "
                   "attach only to activities");
    refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:boundaryEvent id='B' attachedToRef='Q'>"
            "<bpmn:errorEventDefinition/></bpmn:boundaryEvent>", "T"), "boundary-host", "B");
    refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:boundaryEvent id='B' attachedToRef='T'/>",
            "T"), "event-definition", "B");
    /* clang-format on */
}
END_TEST

START_TEST(event_gateways_lead_only_to_catch_events_and_receive_tasks)
{
    /* clang-format off */
    static const char *ok = HEAD "<bpmn:message id='M' name='m'/>" PROCESS
        "<bpmn:startEvent id='S'/>" FLOW("f0", "S", "G") "<bpmn:eventBasedGateway id='G'/>"
        FLOW("f1", "G", "C1") FLOW("f2", "G", "C2") FLOW("f3", "G", "R")
        "<bpmn:intermediateCatchEvent id='C1'><bpmn:messageEventDefinition messageRef='M'/>"
        "</bpmn:intermediateCatchEvent>"
        "<bpmn:intermediateCatchEvent id='C2'><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H"
        "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        "<bpmn:receiveTask id='R' messageRef='M'/>" END_PROCESS TAIL;
    compiles(ok);
    ck_assert_int_eq(node("G")->kind, ORDO_GRAPH_EVENT_GATEWAY);
    refused_saying(HEAD PROCESS "<bpmn:startEvent id='S'/>" FLOW("f0", "S", "G")
                   "<bpmn:eventBasedGateway id='G'/>" FLOW("f1", "G", "T") "<bpmn:task id='T'/>"
                   END_PROCESS TAIL, "event-gateway", "G",
                   "eventBasedGateway \"G\": flow \"f1\" leads to task \"T\"; an event-based "
                   "gateway may lead only to message or timer catch events and receive tasks");
    /* clang-format on */
}
END_TEST

START_TEST(error_events_need_codes_where_they_throw)
{
    /* clang-format off */
    refused_saying(LINE_OF("T", "<bpmn:task id='T'/>" FLOW("F", "T", "X")
                   "<bpmn:endEvent id='X'><bpmn:errorEventDefinition/></bpmn:endEvent>", "T"),
                   "error-code", "X",
                   "endEvent \"X\": an error end event needs an errorRef naming a bpmn:error with "
                   "an errorCode");
    refused(HEAD "<bpmn:error id='Er' name='bad'/>" PROCESS "<bpmn:startEvent id='S'/>"
            FLOW("F", "S", "X") "<bpmn:endEvent id='X'><bpmn:errorEventDefinition errorRef='Er'/>"
            "</bpmn:endEvent>" END_PROCESS TAIL, "error-code", "X");
    refused(LINE_OF("T", "<bpmn:task id='T'/><bpmn:boundaryEvent id='X' attachedToRef='T'>"
            "<bpmn:errorEventDefinition errorRef='Missing'/></bpmn:boundaryEvent>", "T"),
            "error-code", "X");
    /* clang-format on */
}
END_TEST

START_TEST(timers_must_parse)
{
    const struct ordo_graph_finding *f;

    /* clang-format off */
    refused_saying(LINE_OF("X", "<bpmn:intermediateCatchEvent id='X'><bpmn:timerEventDefinition/>"
                   "</bpmn:intermediateCatchEvent>", "X"), "timer", "X",
                   "intermediateCatchEvent \"X\": the timer needs one of timeDate, timeDuration "
                   "and timeCycle");
    refused(LINE_OF("X", "<bpmn:intermediateCatchEvent id='X'><bpmn:timerEventDefinition>"
            "<bpmn:timeDate/></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>", "X"),
            "timer", "X");
    f = refused(LINE_OF("X", "<bpmn:intermediateCatchEvent id='X'><bpmn:timerEventDefinition>"
                "<bpmn:timeDuration>soon</bpmn:timeDuration></bpmn:timerEventDefinition>"
                "</bpmn:intermediateCatchEvent>", "X"), "timer", "X");
    ck_assert_ptr_nonnull(strstr(f->message, "soon"));
    refused(LINE_OF("X", "<bpmn:intermediateCatchEvent id='X'><bpmn:timerEventDefinition>"
            "<bpmn:timeDuration>=now(</bpmn:timeDuration></bpmn:timerEventDefinition>"
            "</bpmn:intermediateCatchEvent>", "X"), "expression", "X");
    /* clang-format on */
}
END_TEST

START_TEST(every_finding_is_collected_in_line_order)
{
    /* clang-format off */
    refused(HEAD PROCESS
            "<bpmn:startEvent id='S'/>\n"
            "<bpmn:scriptTask id='A'/>\n"
            "<bpmn:intermediateThrowEvent id='B'><bpmn:signalEventDefinition/>"
            "</bpmn:intermediateThrowEvent>\n"
            "<bpmn:serviceTask id='C' camunda:class='x.Y'/>\n"
            CFLOW("F", "S", "C", "=1 +")
            END_PROCESS TAIL, "script", "A");
    /* clang-format on */
    ck_assert_uint_eq(nfindings, 4);
    ck_assert_str_eq(findings[0].element, "A");
    ck_assert_str_eq(findings[1].element, "B");
    ck_assert_str_eq(findings[2].element, "C");
    ck_assert_str_eq(findings[3].element, "F");
    ck_assert_str_eq(findings[3].rule, "expression");
    for (size_t i = 1; i < nfindings; i++) {
        ck_assert_uint_le(findings[i - 1].line, findings[i].line);
    }
}
END_TEST

/* ---- notes: what runs mapped (ordo bpmn check) ------------------------------ */

static char notes_seen[1024];

/* Appends "rule element;" for each note. */
static void note_cb(void *ctx, const struct ordo_graph_finding *note)
{
    size_t len = strlen(notes_seen);

    (void)ctx;
    (void)snprintf(notes_seen + len, sizeof(notes_seen) - len, "%s %s;", note->rule,
                   note->element ? note->element : "-");
}

static void compiles_noting(const char *xml, const char *want)
{
    struct ordo_graph_options opts = {.on_note = note_cb};

    notes_seen[0] = '\0';
    ck_assert_msg(compile_with(xml, &opts) == ORDO_OK, "refused: %s", err.msg);
    ck_assert_str_eq(notes_seen, want);
}

START_TEST(camunda_constructs_read_in_ordo_terms_are_noted)
{
    /* clang-format off */
    compiles_noting(LINE_OF("X", "<bpmn:serviceTask id='X' camunda:type='external' "
                    "camunda:topic='pay' camunda:asyncBefore='true' camunda:exclusive='false'>"
                    EXT("<camunda:failedJobRetryTimeCycle>R5/PT5M</camunda:failedJobRetryTimeCycle>")
                    "</bpmn:serviceTask>\n", "X"),
                    "external-task X;async X;async X;retry-time-cycle X;");
    ck_assert_str_eq(node("X")->job_type, "pay");
    compiles_noting(HEAD PROCESS "<bpmn:startEvent id='S'/>" "<bpmn:exclusiveGateway id='G'/>"
                    FLOW("F0", "S", "G") CFLOW("F1", "G", "E", "${a > 1}")
                    CFLOW("F2", "G", "E", "=a &lt;= 1") "<bpmn:endEvent id='E'/>" END_PROCESS TAIL,
                    "juel F1;");
    /* Ordo's own and Camunda 8's constructs run as written: no notes, and
     * without on_note none are made. */
    compiles_noting(LINE_OF("X", "<bpmn:serviceTask id='X'>"
                    EXT("<zeebe:taskDefinition type='pay'/>") "</bpmn:serviceTask>\n", "X"), "");
    compiles(LINE_OF("X", "<bpmn:serviceTask id='X' camunda:asyncBefore='true'/>\n", "X"));
    /* clang-format on */
}
END_TEST

START_TEST(camunda_form_data_is_the_tasks_form)
{
    /* clang-format off */
    compiles_noting(LINE_OF("X", "<bpmn:userTask id='X'>" EXT("<camunda:formData>"
                    "<camunda:formField id='ok' label='OK?' type='boolean' defaultValue='true'>"
                    "<camunda:validation><camunda:constraint name='required'/>"
                    "<camunda:constraint name='readonly'/></camunda:validation>"
                    "</camunda:formField>"
                    "<camunda:formField id='n' type='long' defaultValue='${x}'/>"
                    "<camunda:formField id='when' type='date'/>"
                    "<camunda:formField id='c' type='enum'><camunda:value id='r' name='Red'/>"
                    "<camunda:value id='g' name='Green'/></camunda:formField>"
                    "</camunda:formData>") "</bpmn:userTask>\n", "X"), "form-data X;");
    ck_assert_str_eq(node("X")->form,
                     "{\"properties\":{\"c\":{\"enum\":[\"r\",\"g\"],\"type\":\"string\"},"
                     "\"n\":{\"type\":\"integer\"},\"ok\":{\"default\":true,\"title\":\"OK?\","
                     "\"type\":\"boolean\"},\"when\":{\"format\":\"date-time\",\"type\":\"string\"}},"
                     "\"required\":[\"ok\"],\"type\":\"object\"}");
    /* ordo:form wins over camunda:formData. */
    compiles(LINE_OF("X", "<bpmn:userTask id='X' ordo:form='{\"properties\":{}}'>"
             EXT("<camunda:formData><camunda:formField id='a' type='string'/></camunda:formData>")
             "</bpmn:userTask>\n", "X"));
    ck_assert_str_eq(node("X")->form, "{\"properties\":{}}");
    refused_saying(LINE_OF("X", "<bpmn:userTask id='X'>" EXT("<camunda:formData>"
                   "<camunda:formField id='f' type='com.acme.Money'/></camunda:formData>")
                   "</bpmn:userTask>\n", "X"), "extension", "X",
                   "userTask \"X\": camunda:formField \"f\" has type \"com.acme.Money\", which "
                   "Ordo's forms cannot validate (string, long, boolean, date, enum); use one of "
                   "those");
    refused(LINE_OF("X", "<bpmn:userTask id='X'>" EXT("<camunda:formData>"
            "<camunda:formField id='f' type='long' defaultValue='many'/></camunda:formData>")
            "</bpmn:userTask>\n", "X"), "extension", "X");
    /* clang-format on */
}
END_TEST

START_TEST(history_time_to_live_is_the_retention_in_days)
{
    compiles_noting(HEAD
                    "<bpmn:process id='P' isExecutable='true' "
                    "camunda:historyTimeToLive='P30D'><bpmn:startEvent id='S'/>" END_PROCESS TAIL,
                    "history-time-to-live P;");
    ck_assert_uint_eq(node("P")->retention_days, 30);
    refused_saying(HEAD
                   "<bpmn:process id='P' isExecutable='true' "
                   "camunda:historyTimeToLive='P1M'><bpmn:startEvent id='S'/>" END_PROCESS TAIL,
                   "history-time-to-live", "P",
                   "process \"P\": camunda:historyTimeToLive \"P1M\" is not a number of days "
                   "from 1 to 1000000 (\"30\" or \"P30D\")");
    /* A process that is not executable is never deployed: its value does
     * not matter. */
    compiles(HEAD "<bpmn:process id='P' isExecutable='false' camunda:historyTimeToLive='x'>"
                  "<bpmn:startEvent id='S'/>" END_PROCESS TAIL);
    ck_assert_uint_eq(node("P")->retention_days, 0);
}
END_TEST

START_TEST(free_is_null_safe_and_findings_outlive_the_model)
{
    ordo_graph_free(NULL);
    refused(LINE_OF("X", "<bpmn:scriptTask id='X'/>", "X"), "script", "X");
    ordo_bpmn_model_free(model);
    model = NULL;
    ck_assert_str_eq(findings[0].element, "X");
    ck_assert_ptr_nonnull(strstr(findings[0].message, "scriptTask \"X\""));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("graph");
    TCase *tc = tcase_create("compile");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_line_compiles_to_nodes_and_flows_in_document_order);
    tcase_add_test(tc, every_supported_element_has_its_node_kind);
    tcase_add_test(tc, what_does_not_execute_is_ignored);
    tcase_add_test(tc, process_option_compiles_that_process_and_what_it_calls);
    tcase_add_test(tc, conditions_read_feel_and_translate_juel);
    tcase_add_test(tc, conditions_in_other_languages_are_refused);
    tcase_add_test(tc, expressions_that_do_not_compile_are_refused_with_the_feel_error);
    tcase_add_test(tc, zeebe_service_task_reads_type_retries_headers_and_mappings);
    tcase_add_test(tc, ordo_action_is_the_job_type_and_defaults_apply);
    tcase_add_test(tc, credential_comes_from_a_task_header_when_the_attribute_is_absent);
    tcase_add_test(tc, action_ids_outside_the_contract_are_refused);
    tcase_add_test(tc, camunda_external_task_reads_topic_and_input_output);
    tcase_add_test(tc, job_extensions_that_cannot_be_honoured_are_refused);
    tcase_add_test(tc, ordo_webhook_is_read_and_checked_at_compile);
    tcase_add_test(tc, zeebe_user_task_reads_assignment_schedule_form_and_notify);
    tcase_add_test(tc, notify_target_may_be_feel);
    tcase_add_test(tc, bad_notify_is_refused_naming_the_element);
    tcase_add_test(tc, camunda_user_task_reads_assignee_candidates_and_due_date);
    tcase_add_test(tc, zeebe_multi_instance_reads_collection_element_and_output);
    tcase_add_test(tc, camunda_multi_instance_and_cardinality_are_read);
    tcase_add_test(tc, standard_loop_reads_condition_test_before_and_maximum);
    tcase_add_test(tc, loops_that_cannot_run_are_refused);
    tcase_add_test(tc, call_activities_read_both_dialects);
    tcase_add_test(tc, call_activities_without_a_process_are_refused);
    tcase_add_test(tc, message_events_read_name_and_correlation_key);
    tcase_add_test(tc, timer_events_parse_constants_and_compile_expressions);
    tcase_add_test(tc, boundary_events_attach_to_their_host);
    tcase_add_test(tc, event_sub_process_starts_read_interrupting);
    tcase_add_test(tc, inclusive_join_reaches_what_can_still_arrive);
    tcase_add_test(tc, a_join_after_the_only_path_does_not_wait_for_what_follows);
    tcase_add_test(tc, unsupported_elements_are_refused_by_name);
    tcase_add_test(tc, unsupported_event_definitions_are_refused);
    tcase_add_test(tc, message_catches_need_a_named_message);
    tcase_add_test(tc, java_delegates_scripts_and_dmn_are_refused);
    tcase_add_test(tc, ids_must_exist_and_be_unique);
    tcase_add_test(tc, flows_must_resolve_and_stay_in_their_scope);
    tcase_add_test(tc, start_events_follow_the_scope_rules);
    tcase_add_test(tc, boundary_events_need_an_activity_host);
    tcase_add_test(tc, event_gateways_lead_only_to_catch_events_and_receive_tasks);
    tcase_add_test(tc, error_events_need_codes_where_they_throw);
    tcase_add_test(tc, timers_must_parse);
    tcase_add_test(tc, every_finding_is_collected_in_line_order);
    tcase_add_test(tc, free_is_null_safe_and_findings_outlive_the_model);
    tcase_add_test(tc, camunda_constructs_read_in_ordo_terms_are_noted);
    tcase_add_test(tc, camunda_form_data_is_the_tasks_form);
    tcase_add_test(tc, history_time_to_live_is_the_retention_in_days);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
