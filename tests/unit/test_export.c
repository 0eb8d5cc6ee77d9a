/*
 * bpmn/export.h and bpmn/juel_write.c: the Camunda 8 and Camunda 7 exports
 * and FEEL written as JUEL.
 *
 * 'to_juel' pins the JUEL of every supported construct; 'round_trips'
 * reads each back with bpmn/juel.c and checks that the FEEL it gives
 * evaluates like the original on the same variables, null and missing
 * ones included; 'null_rows' give what JUEL makes of a null (by the EL
 * 3.0 spec, section 1.8-1.10: null is false to !, && and ||, 0 to -, and
 * null <= null is true) and check that every expression whose JUEL does
 * something else than its FEEL gets the note; 'refusals' names the
 * construct in the message. The export tests parse one small model
 * that uses every mapped extension, export it to each target, write it,
 * and check the text, the report, the forms and the DI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "bpmn/export.h"
#include "bpmn/feel.h"
#include "bpmn/parse.h"
#include "bpmn/write.h"
#include "tests/unit/check_main.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct ordo_arena *arena;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

/* ---- FEEL -> JUEL ---- */

/* clang-format off */
static const struct {
    const char *feel, *juel;
} to_juel[] = {
    {"approved", "${approved}"},
    {"amount > 1000", "${amount > 1000}"},
    {"amount >= 10.5", "${amount >= 10.5}"},
    {"a = \"x\"", "${a == 'x'}"},
    {"a != null", "${a != null}"},
    {"a < b", "${a < b}"},
    {"a <= -5", "${a <= -5}"},
    {"ok = true and n = 1", "${(ok == true) && (n == 1)}"},
    {"a or b and c", "${a || (b && c)}"},
    {"not(approved)", "${!approved}"},
    {"not(a = 1)", "${!(a == 1)}"},
    {"order.customer.tier = \"gold\"", "${order.customer.tier == 'gold'}"},
    {"items[1].name", "${items[0].name}"},
    {"s = \"it's \\\\ here\"", "${s == 'it\\'s \\\\ here'}"},
    {"-x > 1", "${(-x) > 1}"},
    {"(a > 1) = false", "${(a > 1) == false}"},
};

static const struct {
    const char *feel, *vars;
} round_trips[] = {
    {"amount > 1000", "{\"amount\": 1500}"},
    {"amount > 1000", "{\"amount\": 5}"},
    {"a = \"x\" and not(b)", "{\"a\": \"x\", \"b\": false}"},
    {"a = \"x\" and not(b)", "{\"a\": \"x\", \"b\": true}"},
    {"a or b and c", "{\"a\": false, \"b\": true, \"c\": true}"},
    {"items[2].n = 3", "{\"items\": [{\"n\": 1}, {\"n\": 3}]}"},
    {"o.p.q != \"it's\"", "{\"o\": {\"p\": {\"q\": \"it's\"}}}"},
    /* null and missing values: FEEL's null survives the way there and back */
    {"amount > 1000", "{\"amount\": null}"},
    {"amount > 1000", "{}"},
    {"a != null", "{}"},
    {"a = null", "{\"a\": null}"},
    {"a = \"x\" and not(b)", "{\"a\": \"x\", \"b\": null}"},
    {"a = \"x\" and not(b)", "{\"a\": \"x\"}"},
    {"a or b and c", "{\"a\": null, \"b\": true, \"c\": null}"},
    {"items[2].n = 3", "{\"items\": [{\"n\": 1}]}"},
    {"items[2].n = 3", "{\"items\": null}"},
    {"o.p.q != \"it's\"", "{\"o\": null}"},
    {"-x > 1", "{}"},
    {"(a > 1) = false", "{\"a\": null}"},
};

/* What Camunda 7 makes of the JUEL for a null: 'juel' is the JUEL's value
 * (JSON), NULL when Camunda 7 fails the condition ("condition expression
 * returns null"). 'condition': only true matters (a sequence flow), else
 * the value itself (a mapping). 'note': part of the null note the export
 * must give, NULL for none. */
static const struct {
    const char *feel;
    bool condition;
    const char *vars, *juel, *note;
} null_rows[] = {
    {"not(b)", true, "{\"b\": null}", "true", "not() of null"},
    {"a and not(b)", true, "{\"a\": true, \"b\": null}", "true", "not() of null"},
    {"not(a = 1)", true, "{\"a\": null}", "true", NULL},
    {"-x > -1", true, "{\"x\": null}", "true", "negating null"},
    {"(a > 1) = false", true, "{\"a\": null}", "true", "comparison of a condition"},
    {"a <= b", true, "{\"a\": null, \"b\": null}", "true", "two nulls"},
    {"a <= 5", true, "{\"a\": null}", "false", NULL},
    {"approved", true, "{\"approved\": null}", NULL, "fails the condition"},
    {"items[1]", true, "{\"items\": []}", NULL, "fails the condition"},
    {"a and b", true, "{\"a\": null, \"b\": true}", "false", NULL},
    {"a or b", true, "{\"a\": null, \"b\": false}", "false", NULL},
    {"a = null", true, "{\"a\": null}", "true", NULL},
    {"a != \"x\"", true, "{\"a\": null}", "true", NULL},
    {"a > 1", false, "{\"a\": null}", "false", "null in FEEL, false in JUEL"},
    {"a and b", false, "{\"a\": null, \"b\": true}", "false", "null in FEEL, false in JUEL"},
    {"a = 1", false, "{\"a\": null}", "false", NULL},
    {"order.total", false, "{\"order\": null}", "null", NULL},
};

static const struct {
    const char *feel, *message;
} refusals[] = {
    {"a + 1 > 2", "arithmetic"},
    {"string(x)", "function call"},
    {"if a then b else c", "cannot be written in JUEL"},
    {"x in [1, 2]", "cannot be written in JUEL"},
    {"items[n > 1]", "positive list index"},
    {"empty = 1", "no JUEL identifier"},
    {"d > @\"2026-01-01\"", "date, time or duration"},
    {"a >", "column"},
};
/* clang-format on */

START_TEST(writes_the_subset_as_juel)
{
    struct ordo_err err = {0};
    const char *juel = NULL;

    ck_assert_msg(ordo_feel_to_juel(arena, to_juel[_i].feel, true, &juel, NULL, &err) == ORDO_OK,
                  "%s: %s", to_juel[_i].feel, err.msg);
    ck_assert_str_eq(juel, to_juel[_i].juel);
}
END_TEST

static const json_t *lookup_cb(void *ctx, const char *name, size_t len)
{
    return json_object_getn(ctx, name, len);
}

static json_t *eval(const char *feel, json_t *vars)
{
    const struct ordo_feel_expr *expr = NULL;
    struct ordo_feel_env env = {.lookup = lookup_cb, .lookup_ctx = vars};
    struct ordo_err err = {0};
    json_t *out = NULL;

    ck_assert_msg(ordo_feel_compile(arena, feel, strlen(feel), NULL, &expr, &err) == ORDO_OK,
                  "%s: %s", feel, err.msg);
    ck_assert_msg(ordo_feel_eval(expr, &env, &out, &err) == ORDO_OK, "%s: %s", feel, err.msg);
    return out;
}

START_TEST(juel_reads_back_to_feel_that_gives_the_same_value)
{
    struct ordo_err err = {0};
    const char *juel = NULL;
    const char *back = NULL;
    json_t *vars = json_loads(round_trips[_i].vars, 0, NULL);
    json_t *want, *got;

    ck_assert_ptr_nonnull(vars);
    ck_assert(ordo_feel_to_juel(arena, round_trips[_i].feel, true, &juel, NULL, &err) == ORDO_OK);
    ck_assert_msg(ordo_feel_from_juel(arena, juel, &back, &err) == ORDO_OK, "%s: %s", juel,
                  err.msg);
    want = eval(round_trips[_i].feel, vars);
    got = eval(back, vars);
    ck_assert_msg(json_equal(want, got), "%s -> %s -> %s differs", round_trips[_i].feel, juel,
                  back);
    json_decref(want);
    json_decref(got);
    json_decref(vars);
}
END_TEST

START_TEST(what_juel_does_otherwise_with_null_is_noted)
{
    struct ordo_err err = {0};
    const char *juel = NULL;
    const char *note = NULL;
    json_t *vars = json_loads(null_rows[_i].vars, 0, NULL);
    json_t *feel;
    bool differs;

    ck_assert_ptr_nonnull(vars);
    ck_assert(ordo_feel_to_juel(arena, null_rows[_i].feel, null_rows[_i].condition, &juel, &note,
                                &err) == ORDO_OK);
    feel = eval(null_rows[_i].feel, vars);
    if (!null_rows[_i].juel) {
        differs = true; /* Camunda 7 fails where FEEL does not take the flow */
    } else if (null_rows[_i].condition) {
        differs = json_is_true(feel) != (strcmp(null_rows[_i].juel, "true") == 0);
    } else {
        json_t *want = json_loads(null_rows[_i].juel, JSON_DECODE_ANY, NULL);

        ck_assert_ptr_nonnull(want);
        differs = !json_equal(feel, want);
        json_decref(want);
    }
    /* The row's JUEL value is right about FEEL's: a difference needs a note. */
    ck_assert_msg(!differs || null_rows[_i].note, "%s: FEEL and JUEL differ, no note expected",
                  null_rows[_i].feel);
    if (null_rows[_i].note) {
        ck_assert_msg(note && strstr(note, null_rows[_i].note), "%s (%s): note \"%s\" lacks \"%s\"",
                      null_rows[_i].feel, juel, note ? note : "(none)", null_rows[_i].note);
    } else {
        ck_assert_msg(!note, "%s (%s): unexpected note \"%s\"", null_rows[_i].feel, juel, note);
    }
    json_decref(feel);
    json_decref(vars);
}
END_TEST

START_TEST(refuses_what_juel_cannot_say_naming_it)
{
    struct ordo_err err = {0};
    const char *juel = NULL;

    ck_assert_int_eq(ordo_feel_to_juel(arena, refusals[_i].feel, true, &juel, NULL, &err),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(juel);
    ck_assert_msg(strstr(err.msg, refusals[_i].message), "%s: \"%s\" lacks \"%s\"",
                  refusals[_i].feel, err.msg, refusals[_i].message);
}
END_TEST

/* ---- the exports ---- */

/* Every mapped extension once, with DI for two shapes. */
static const char model_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
    "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" "
    "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" "
    "xmlns:ordo=\"urn:ordo:schema:bpmn:1.0\" id=\"D\" targetNamespace=\"urn:t\">\n"
    "  <bpmn:message id=\"M_nokey\" name=\"signed\"/>\n"
    "  <bpmn:process id=\"P\" isExecutable=\"true\">\n"
    "    <bpmn:startEvent id=\"S\"><bpmn:timerEventDefinition>"
    "<bpmn:timeCycle xsi:type=\"bpmn:tFormalExpression\">0 9 * * 1-5</bpmn:timeCycle>"
    "</bpmn:timerEventDefinition></bpmn:startEvent>\n"
    "    <bpmn:sequenceFlow id=\"F1\" sourceRef=\"S\" targetRef=\"T_call\"/>\n"
    "    <bpmn:serviceTask id=\"T_call\" ordo:action=\"slack.post_message\" "
    "ordo:credential=\"slack-main\">\n"
    "      <bpmn:extensionElements><zeebe:ioMapping>"
    "<zeebe:input source=\"C001\" target=\"channel\"/>"
    "<zeebe:input source=\"=user.name\" target=\"text\"/>"
    "<zeebe:input source=\"=&quot;Hi &quot; + user.name\" target=\"greeting\"/>"
    "<zeebe:output source=\"=ts\" target=\"posted\"/>"
    "</zeebe:ioMapping></bpmn:extensionElements>\n"
    "    </bpmn:serviceTask>\n"
    "    <bpmn:sequenceFlow id=\"F2\" sourceRef=\"T_call\" targetRef=\"U\"/>\n"
    "    <bpmn:userTask id=\"U\" ordo:notify=\"slack:#general\" ordo:form=\""
    "{&quot;type&quot;:&quot;object&quot;,&quot;required&quot;:[&quot;approved&quot;],"
    "&quot;properties&quot;:{&quot;approved&quot;:{&quot;type&quot;:&quot;boolean&quot;,"
    "&quot;title&quot;:&quot;OK?&quot;},&quot;size&quot;:{&quot;type&quot;:&quot;string&quot;,"
    "&quot;enum&quot;:[&quot;S&quot;,&quot;L&quot;]}}}\">\n"
    "      <bpmn:extensionElements><zeebe:assignmentDefinition assignee=\"=manager\" "
    "candidateGroups=\"approvers\"/></bpmn:extensionElements>\n"
    "    </bpmn:userTask>\n"
    "    <bpmn:sequenceFlow id=\"F3\" sourceRef=\"U\" targetRef=\"G\"/>\n"
    "    <bpmn:exclusiveGateway id=\"G\" default=\"F_no\"/>\n"
    "    <bpmn:sequenceFlow id=\"F_yes\" sourceRef=\"G\" targetRef=\"W\">"
    "<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">${approved &amp;&amp; size "
    "== 'L'}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
    "    <bpmn:sequenceFlow id=\"F_no\" sourceRef=\"G\" targetRef=\"E\"/>\n"
    "    <bpmn:sequenceFlow id=\"F_odd\" sourceRef=\"G\" targetRef=\"E\">"
    "<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">=count(list) &gt; 2"
    "</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
    "    <bpmn:intermediateCatchEvent id=\"W\"><bpmn:messageEventDefinition "
    "messageRef=\"M_nokey\"/></bpmn:intermediateCatchEvent>\n"
    "    <bpmn:sequenceFlow id=\"F4\" sourceRef=\"W\" targetRef=\"E\"/>\n"
    "    <bpmn:endEvent id=\"E\"/>\n"
    "  </bpmn:process>\n"
    "  <bpmndi:BPMNDiagram id=\"Di\"><bpmndi:BPMNPlane id=\"Pl\" bpmnElement=\"P\">"
    "<bpmndi:BPMNShape id=\"S_di\" bpmnElement=\"S\"><dc:Bounds x=\"1\" y=\"2\" width=\"36\" "
    "height=\"36\"/></bpmndi:BPMNShape>"
    "<bpmndi:BPMNShape id=\"T_di\" bpmnElement=\"T_call\"><dc:Bounds x=\"100\" y=\"2\" "
    "width=\"100\" height=\"80\"/></bpmndi:BPMNShape>"
    "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n"
    "</bpmn:definitions>\n";

struct exported {
    struct ordo_bpmn_model *in;
    struct ordo_export_result *r;
    struct ordo_buf xml;
};

static void export_xml(const char *xml, enum ordo_export_target target, struct exported *e)
{
    struct ordo_err err = {0};

    ordo_buf_init(&e->xml);
    ck_assert_msg(ordo_bpmn_parse(xml, strlen(xml), NULL, &e->in, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_bpmn_export(e->in, target, &e->r, &err) == ORDO_OK, "%s", err.msg);
    ordo_bpmn_model_free(e->in); /* the result must not need its input */
    e->in = NULL;
    ck_assert(ordo_bpmn_write(e->r->model, &e->xml, &err) == ORDO_OK);
}

static void export_model(enum ordo_export_target target, struct exported *e)
{
    export_xml(model_xml, target, e);
}

static void exported_free(struct exported *e)
{
    ordo_export_result_free(e->r);
    ordo_buf_cleanup(&e->xml);
}

static bool has(const struct exported *e, const char *text)
{
    return strstr(ordo_buf_cstr(&e->xml), text) != NULL;
}

/* The finding for element 'el' about 'what', or NULL. */
static const struct ordo_export_finding *finding(const struct exported *e, const char *el,
                                                 const char *what)
{
    for (size_t i = 0; i < e->r->nfindings; i++) {
        const struct ordo_export_finding *f = &e->r->findings[i];

        if (f->element && strcmp(f->element, el) == 0 && strcmp(f->what, what) == 0) {
            return f;
        }
    }
    return NULL;
}

static void assert_keeps_di_and_reads_back(const struct exported *e)
{
    struct ordo_bpmn_model *back = NULL;
    struct ordo_err err = {0};
    const char *x = ordo_buf_cstr(&e->xml);

    ck_assert(has(e, "<bpmndi:BPMNShape id=\"S_di\" bpmnElement=\"S\">"));
    ck_assert(has(e, "<dc:Bounds x=\"100\" y=\"2\" width=\"100\" height=\"80\"/>"));
    ck_assert_msg(!strstr(x, " ordo:") && !strstr(x, "urn:ordo:schema"), "ordo: left in %s", x);
    ck_assert_msg(ordo_bpmn_parse(x, strlen(x), NULL, &back, &err) == ORDO_OK, "%s", err.msg);
    ordo_bpmn_model_free(back);
}

START_TEST(camunda8_maps_ordo_extensions_to_zeebe)
{
    struct exported e;
    const struct ordo_export_finding *f;
    const json_t *comps;

    export_model(ORDO_EXPORT_CAMUNDA8, &e);
    ck_assert(has(&e, "modeler:executionPlatform=\"Camunda Cloud\""));
    ck_assert(has(&e, "modeler:executionPlatformVersion=\"8.6.0\""));
    ck_assert(has(&e, "<zeebe:taskDefinition type=\"slack.post_message\"/>"));
    ck_assert(has(&e, "<zeebe:header key=\"ordo:credential\" value=\"slack-main\"/>"));
    ck_assert(has(&e, "<zeebe:userTask/>"));
    ck_assert(has(&e, "<zeebe:formDefinition formId=\"Form_U\"/>"));
    ck_assert(has(&e, "<zeebe:assignmentDefinition assignee=\"=manager\""));
    ck_assert(has(&e, ">=approved and size = \"L\"</bpmn:conditionExpression>"));
    ck_assert(has(&e, ">0 0 9 * * 1-5</bpmn:timeCycle>"));
    assert_keeps_di_and_reads_back(&e);

    ck_assert_uint_eq(e.r->nforms, 1);
    ck_assert_str_eq(e.r->forms[0].id, "Form_U");
    ck_assert_str_eq(e.r->forms[0].element, "U");
    comps = json_object_get(e.r->forms[0].doc, "components");
    ck_assert_uint_eq(json_array_size(comps), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(comps, 0), "type")),
                     "checkbox");
    ck_assert(json_is_true(
        json_object_get(json_object_get(json_array_get(comps, 0), "validate"), "required")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(comps, 1), "type")),
                     "select");

    f = finding(&e, "W", "zeebe:subscription");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->level, ORDO_EXPORT_LOST);
    f = finding(&e, "U", "ordo:notify");
    ck_assert(f && f->level == ORDO_EXPORT_LOST);
    ck_assert_uint_eq(e.r->lost, 2);
    exported_free(&e);
}
END_TEST

START_TEST(camunda7_writes_external_tasks_mappings_forms_and_juel)
{
    struct exported e;
    const struct ordo_export_finding *f;

    export_model(ORDO_EXPORT_CAMUNDA7, &e);
    ck_assert(has(&e, "modeler:executionPlatform=\"Camunda Platform\""));
    ck_assert(has(&e, "modeler:executionPlatformVersion=\"7.21.0\""));
    ck_assert(has(&e, "camunda:historyTimeToLive=\"180\""));
    ck_assert(has(&e, "camunda:type=\"external\" camunda:topic=\"slack.post_message\""));
    ck_assert(has(&e, "<camunda:property name=\"ordo:credential\" value=\"slack-main\"/>"));
    ck_assert(has(&e, "<camunda:inputParameter name=\"channel\">C001</camunda:inputParameter>"));
    ck_assert(has(&e, "<camunda:inputParameter name=\"text\">${user.name}</"));
    ck_assert(has(&e, "<camunda:outputParameter name=\"posted\">${ts}</"));
    {
        /* Outputs are noted: Camunda 7 may set the worker's other variables too. */
        bool noted = false;

        for (size_t i = 0; i < e.r->nfindings; i++) {
            noted = noted || (e.r->findings[i].level == ORDO_EXPORT_NOTE &&
                              strcmp(e.r->findings[i].what, "zeebe:ioMapping") == 0);
        }
        ck_assert(noted);
    }
    ck_assert(has(&e, "camunda:assignee=\"${manager}\" camunda:candidateGroups=\"approvers\""));
    ck_assert(has(&e, "<camunda:formField id=\"approved\" label=\"OK?\" type=\"boolean\">"));
    ck_assert(has(&e, "<camunda:constraint name=\"required\"/>"));
    ck_assert(has(&e, "<camunda:value id=\"L\" name=\"L\"/>"));
    ck_assert(has(&e, ">${approved &amp;&amp; size == 'L'}</bpmn:conditionExpression>"));
    ck_assert(has(&e, ">0 0 9 ? * MON-FRI</bpmn:timeCycle>"));
    ck_assert_msg(!strstr(ordo_buf_cstr(&e.xml), "zeebe"), "%s", ordo_buf_cstr(&e.xml));
    assert_keeps_di_and_reads_back(&e);

    /* What JUEL cannot say is kept and reported with the element. */
    ck_assert(has(&e, ">=count(list) &gt; 2</bpmn:conditionExpression>"));
    f = finding(&e, "F_odd", "condition");
    ck_assert(f && f->level == ORDO_EXPORT_LOST);
    ck_assert_ptr_nonnull(strstr(f->message, "function call"));
    f = finding(&e, "T_call", "zeebe:ioMapping");
    ck_assert_ptr_nonnull(f);
    ck_assert(has(&e, "name=\"greeting\">=\"Hi \" + user.name</"));
    ck_assert_uint_eq(e.r->nforms, 0);
    exported_free(&e);
}
END_TEST

START_TEST(forms_left_out_are_noted_and_the_report_is_json)
{
    struct exported e;
    json_t *report;
    json_t *doc;
    size_t before;

    export_model(ORDO_EXPORT_CAMUNDA8, &e);
    before = e.r->nfindings;
    ordo_export_note_forms_left_out(e.r, "ask for JSON");
    ck_assert_uint_eq(e.r->nfindings, before + 1);
    ck_assert_int_eq(e.r->findings[before].level, ORDO_EXPORT_NOTE);
    ck_assert_str_eq(e.r->findings[before].element, "U");
    report = ordo_export_report_json(e.r);
    ck_assert_uint_eq(json_array_size(report), e.r->nfindings);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(report, before), "level")),
                     "note");
    json_decref(report);
    doc = ordo_export_json(e.r, ORDO_EXPORT_CAMUNDA8, ordo_buf_cstr(&e.xml));
    ck_assert_ptr_nonnull(json_object_get(json_object_get(doc, "forms"), "Form_U"));
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "lost")), 2);
    json_decref(doc);
    exported_free(&e);
}
END_TEST

/* clang-format off */
static const struct {
    const char *cron, *c8, *c7; /* NULL: reported as lost, kept as written */
} crons[] = {
    {"0 9 * * 1-5", "0 0 9 * * 1-5", "0 0 9 ? * MON-FRI"},
    {"0 9 * * 0-5", "0 0 9 * * 0-5", "0 0 9 ? * SUN-FRI"},
    {"0 9 * * FRI-MON", "0 0 9 * * 5-6,0-1", "0 0 9 ? * FRI-MON"},
    {"0 0 9 * * MON-SUN", "0 0 9 * * 1-7", "0 0 9 ? * MON-SUN"},
    {"*/15 * * * *", "0 */15 * * * *", "0 */15 * * * ?"},
    {"0 0 1 * *", "0 0 0 1 * *", "0 0 0 1 * ?"},
    {"0 0 9 * * 0,6", "0 0 9 * * 0,6", "0 0 9 ? * SUN,SAT"},
    {"0 0 9 ? * 2-6", "0 0 9 * * 1-5", "0 0 9 ? * MON-FRI"},
    {"0 0 9 ? * MON *", "0 0 9 * * 1", "0 0 9 ? * MON *"},
    {"0 0 9 ? * MON 2030", NULL, "0 0 9 ? * MON 2030"},
    {"0 9 1 * 1", NULL, NULL},
    {"0 0 9 1 * MON", "0 0 9 1 * 1", NULL},
    {"0 9 * * */2", NULL, NULL},
    {"@daily", "@daily", "0 0 0 * * ?"},
    {"R/PT1H", "R/PT1H", "R/PT1H"},
    {"PT15M", "PT15M", "PT15M"},
    {"${cycle}", "=cycle", "${cycle}"},
};
/* clang-format on */

static const char timer_xml[] =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"D\">"
    "<process id=\"P\" isExecutable=\"true\"><startEvent id=\"S\"><timerEventDefinition>"
    "<timeCycle>%s</timeCycle></timerEventDefinition></startEvent></process></definitions>";

static void check_cron(enum ordo_export_target target, const char *cron, const char *want)
{
    char xml[1024];
    char expected[256];
    struct ordo_bpmn_model *in = NULL;
    struct ordo_export_result *r = NULL;
    struct ordo_buf out = ORDO_BUF_INIT;
    struct ordo_err err = {0};

    (void)snprintf(xml, sizeof xml, timer_xml, cron);
    ck_assert(ordo_bpmn_parse(xml, strlen(xml), NULL, &in, &err) == ORDO_OK);
    ck_assert(ordo_bpmn_export(in, target, &r, &err) == ORDO_OK);
    ck_assert(ordo_bpmn_write(r->model, &out, &err) == ORDO_OK);
    (void)snprintf(expected, sizeof expected, "<timeCycle>%s</timeCycle>", want ? want : cron);
    ck_assert_msg(strstr(ordo_buf_cstr(&out), expected), "%s %s: no %s in %s",
                  ordo_export_target_name(target), cron, expected, ordo_buf_cstr(&out));
    ck_assert_msg((r->lost > 0) == (want == NULL), "%s %s: %zu lost",
                  ordo_export_target_name(target), cron, r->lost);
    ordo_buf_cleanup(&out);
    ordo_export_result_free(r);
    ordo_bpmn_model_free(in);
}

START_TEST(cron_takes_each_targets_form_or_is_reported)
{
    check_cron(ORDO_EXPORT_CAMUNDA8, crons[_i].cron, crons[_i].c8);
    check_cron(ORDO_EXPORT_CAMUNDA7, crons[_i].cron, crons[_i].c7);
}
END_TEST

START_TEST(an_assignment_mixing_text_and_juel_is_reported_lost)
{
    static const char *const xml =
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
        "xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" id=\"D\" targetNamespace=\"t\">"
        "<bpmn:process id=\"P\" isExecutable=\"true\">"
        "<bpmn:userTask id=\"U\" camunda:candidateGroups=\"sales,${dept}\" "
        "camunda:assignee=\"${owner}\"/></bpmn:process></bpmn:definitions>";
    struct exported e;
    const struct ordo_export_finding *f;

    export_xml(xml, ORDO_EXPORT_CAMUNDA8, &e);
    f = finding(&e, "U", "candidateGroups");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->level, ORDO_EXPORT_LOST);
    ck_assert(has(&e, "candidateGroups=\"sales,${dept}\""));
    /* One whole expression still translates. */
    f = finding(&e, "U", "assignee");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->level, ORDO_EXPORT_MAPPED);
    ck_assert(has(&e, "assignee=\"=owner\""));
    exported_free(&e);
}
END_TEST

START_TEST(camunda7_forms_report_what_form_data_cannot_hold)
{
    static const char *const xml =
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
        "xmlns:ordo=\"urn:ordo:schema:bpmn:1.0\" id=\"D\" targetNamespace=\"t\">"
        "<bpmn:process id=\"P\" isExecutable=\"true\"><bpmn:userTask id=\"U\" ordo:form='"
        "{\"type\":\"object\",\"properties\":{\"mail\":{\"type\":\"string\",\"format\":"
        "\"email\",\"description\":\"Where to write\"},\"when\":{\"type\":\"string\","
        "\"format\":\"date-time\"},\"size\":{\"type\":\"integer\",\"enum\":[1,2]}}}'/>"
        "</bpmn:process></bpmn:definitions>";
    struct exported e;
    size_t lost = 0, notes = 0, typed = 0;

    export_xml(xml, ORDO_EXPORT_CAMUNDA7, &e);
    for (size_t i = 0; i < e.r->nfindings; i++) {
        const struct ordo_export_finding *f = &e.r->findings[i];

        lost += f->level == ORDO_EXPORT_LOST && strstr(f->message, "\"mail\"") != NULL;
        notes += f->level == ORDO_EXPORT_NOTE && strstr(f->message, "time of day") != NULL;
        typed += f->level == ORDO_EXPORT_NOTE && strstr(f->message, "integer choices of \"size\"");
    }
    ck_assert_uint_eq(lost, 2); /* the email format and the description */
    ck_assert_uint_eq(notes, 1);
    ck_assert_uint_eq(typed, 1); /* a Camunda 7 enum's values are text */
    ck_assert(has(&e, "<camunda:formField id=\"size\" label=\"size\" type=\"enum\">"));
    ck_assert(has(&e, "<camunda:formField id=\"when\" label=\"when\" type=\"date\"/>"));
    exported_free(&e);
}
END_TEST

START_TEST(camunda7_call_activities_keep_what_zeebe_passes)
{
    static const char *const xml =
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
        "xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" id=\"D\" targetNamespace=\"t\">"
        "<bpmn:process id=\"P\" isExecutable=\"true\"><bpmn:callActivity id=\"C\">"
        "<bpmn:extensionElements><zeebe:calledElement processId=\"=target\" "
        "propagateAllParentVariables=\"false\"/></bpmn:extensionElements></bpmn:callActivity>"
        "</bpmn:process></bpmn:definitions>";
    struct exported e;
    const struct ordo_export_finding *f;

    export_xml(xml, ORDO_EXPORT_CAMUNDA7, &e);
    ck_assert(has(&e, "calledElement=\"${target}\""));
    f = finding(&e, "C", "zeebe:calledElement");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(f->level, ORDO_EXPORT_LOST);
    ck_assert(!has(&e, "<camunda:in variables=\"all\"/>"));
    ck_assert(has(&e, "<camunda:out variables=\"all\"/>"));
    exported_free(&e);
}
END_TEST

START_TEST(camunda7_notes_a_condition_that_reads_null_otherwise)
{
    static const char *const xml =
        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" id=\"D\" "
        "targetNamespace=\"t\"><bpmn:process id=\"P\" isExecutable=\"true\">"
        "<bpmn:exclusiveGateway id=\"G\"/><bpmn:endEvent id=\"E\"/>"
        "<bpmn:sequenceFlow id=\"F_not\" sourceRef=\"G\" targetRef=\"E\">"
        "<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">not(rejected)"
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
        "<bpmn:sequenceFlow id=\"F_cmp\" sourceRef=\"G\" targetRef=\"E\">"
        "<bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">amount &gt; 1000"
        "</bpmn:conditionExpression></bpmn:sequenceFlow></bpmn:process></bpmn:definitions>";
    struct exported e;
    size_t notes = 0;

    export_xml(xml, ORDO_EXPORT_CAMUNDA7, &e);
    ck_assert(has(&e, ">${!rejected}</bpmn:conditionExpression>"));
    for (size_t i = 0; i < e.r->nfindings; i++) {
        const struct ordo_export_finding *f = &e.r->findings[i];

        if (f->level == ORDO_EXPORT_NOTE && strstr(f->message, "for null")) {
            ck_assert_str_eq(f->element, "F_not");
            ck_assert_ptr_nonnull(strstr(f->message, "not() of null"));
            notes++;
        }
    }
    ck_assert_uint_eq(notes, 1);
    ck_assert_uint_eq(e.r->lost, 0); /* a note: the export is complete */
    exported_free(&e);
}
END_TEST

START_TEST(targets_parse_by_name)
{
    struct ordo_err err = {0};
    enum ordo_export_target t;

    ck_assert_int_eq(ordo_export_target_parse("camunda7", &t, &err), ORDO_OK);
    ck_assert_int_eq(t, ORDO_EXPORT_CAMUNDA7);
    ck_assert_int_eq(ordo_export_target_parse("camunda8", &t, &err), ORDO_OK);
    ck_assert_int_eq(t, ORDO_EXPORT_CAMUNDA8);
    ck_assert_int_eq(ordo_export_target_parse("zeebe", &t, &err), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "camunda8 or camunda7"));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("export");
    TCase *tj = tcase_create("juel");
    TCase *te = tcase_create("export");

    tcase_add_checked_fixture(tj, setup, teardown);
    tcase_add_loop_test(tj, writes_the_subset_as_juel, 0, (int)COUNT(to_juel));
    tcase_add_loop_test(tj, juel_reads_back_to_feel_that_gives_the_same_value, 0,
                        (int)COUNT(round_trips));
    tcase_add_loop_test(tj, what_juel_does_otherwise_with_null_is_noted, 0, (int)COUNT(null_rows));
    tcase_add_loop_test(tj, refuses_what_juel_cannot_say_naming_it, 0, (int)COUNT(refusals));
    suite_add_tcase(s, tj);
    tcase_add_checked_fixture(te, setup, teardown);
    tcase_add_test(te, camunda8_maps_ordo_extensions_to_zeebe);
    tcase_add_test(te, camunda7_writes_external_tasks_mappings_forms_and_juel);
    tcase_add_test(te, forms_left_out_are_noted_and_the_report_is_json);
    tcase_add_test(te, an_assignment_mixing_text_and_juel_is_reported_lost);
    tcase_add_test(te, camunda7_forms_report_what_form_data_cannot_hold);
    tcase_add_test(te, camunda7_call_activities_keep_what_zeebe_passes);
    tcase_add_test(te, camunda7_notes_a_condition_that_reads_null_otherwise);
    tcase_add_test(te, targets_parse_by_name);
    tcase_add_loop_test(te, cron_takes_each_targets_form_or_is_reported, 0, (int)COUNT(crons));
    suite_add_tcase(s, te);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
