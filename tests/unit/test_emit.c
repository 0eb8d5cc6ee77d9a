/*
 * IR to BPMN and back (generator/emit.h). Every IR in tests/fixtures/ir
 * is valid (generator/ir.h, against the real connectors' catalogue) and
 * is emitted, parsed by Ordo's parser, linted with the "ordo" profile (no
 * error allowed), compiled by the engine's graph compiler (it must
 * deploy), checked for DI on every element, emitted again (byte for
 * byte the same) and lifted back, which must give the IR again (up to the
 * differences generator/lift.c lists). Small IRs then pin down single
 * behaviours: escaping, forms, timers, messages, the plane, made-up ids,
 * refusals of bad IRs, and the lift's refusals.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "bpmn/lint.h"
#include "bpmn/model.h"
#include "bpmn/parse.h"
#include "core/graph.h"
#include "generator/emit.h"
#include "generator/ir.h"
#include "plugins/catalogue.h"
#include "plugins/host.h"
#include "plugins/registry.h"
#include "tests/unit/check_main.h"
#include "tests/unit/corpus.h"

static struct ordo_arena *arena;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

static void model_cb(void *m)
{
    ordo_bpmn_model_free(m);
}

static void json_cb(void *j)
{
    json_decref(j);
}

static void free_cb(void *p)
{
    free(p);
}

/* Emit 'ir'; the XML lives in the arena. */
static const char *emit(const json_t *ir, json_t **report)
{
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    char *text;

    ck_assert_msg(ordo_emit_bpmn(ir, &xml, report, &err) == ORDO_OK, "%s", err.msg);
    text = ordo_buf_take(&xml, NULL);
    ordo_arena_defer(arena, free_cb, text);
    if (report) {
        ordo_arena_defer(arena, json_cb, *report);
    }
    return text;
}

static struct ordo_bpmn_model *parse(const char *xml)
{
    struct ordo_bpmn_model *m = NULL;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_bpmn_parse(xml, strlen(xml), NULL, &m, &err) == ORDO_OK, "%s", err.msg);
    ordo_arena_defer(arena, model_cb, m);
    return m;
}

static json_t *lift(const struct ordo_bpmn_model *m)
{
    struct ordo_err err = {0};
    json_t *ir = NULL;

    ck_assert_msg(ordo_emit_lift(m, &ir, &err) == ORDO_OK, "%s", err.msg);
    ordo_arena_defer(arena, json_cb, ir);
    return ir;
}

/* ---- IR builders ---------------------------------------------------------- */

static json_t *node(json_t *ir, const char *id, const char *kind, const char *name)
{
    json_t *n = json_pack("{s:s, s:s, s:s}", "id", id, "kind", kind, "name", name);

    ordo_ir_node_complete(n);
    json_array_append_new(json_object_get(ir, "nodes"), n);
    return n;
}

static json_t *flow(json_t *ir, const char *id, const char *from, const char *to)
{
    json_t *f = json_pack("{s:s, s:s, s:s, s:n, s:n, s:b}", "id", id, "from", from, "to", to,
                          "name", "condition", "is_default", 0);

    json_array_append_new(json_object_get(ir, "flows"), f);
    return f;
}

/* start S -> 'first' ... 'last' -> end E; the caller adds the middle. */
static json_t *process(void)
{
    json_t *ir = json_pack("{s:i, s:{s:s, s:s, s:n}, s:[], s:[], s:[], s:[], s:[]}", "ir_version",
                           1, "process", "id", "p", "name", "Process", "documentation", "lanes",
                           "nodes", "flows", "assumptions", "questions");

    ordo_arena_defer(arena, json_cb, ir);
    json_object_set_new(node(ir, "S", "start", "Started"), "event", json_string("none"));
    return ir;
}

static json_t *end_node(json_t *ir, const char *id)
{
    json_t *e = node(ir, id, "end", "Done");

    json_object_set_new(e, "event", json_string("none"));
    return e;
}

static json_t *service(json_t *ir, const char *id)
{
    json_t *t = node(ir, id, "service_task", "Do it");

    json_object_set_new(t, "action", json_string("noop.complete"));
    json_object_set_new(t, "inputs", json_array());
    return t;
}

/* ---- the fixtures ------------------------------------------------------------ */

static char fixture_dir[4096];
static char *fixture_names[64];
static int nfixtures;

static void list_fixtures(void)
{
    const char *src = getenv("ORDOTEST_SOURCE_DIR");
    DIR *d;
    struct dirent *e;

    (void)snprintf(fixture_dir, sizeof fixture_dir, "%s/tests/fixtures/ir", src ? src : ".");
    d = opendir(fixture_dir);
    ck_assert_msg(d != NULL, "cannot open %s", fixture_dir);
    while ((e = readdir(d)) && nfixtures < 64) {
        size_t n = strlen(e->d_name);

        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
            fixture_names[nfixtures++] = ordo_arena_strdup(arena, e->d_name);
        }
    }
    closedir(d);
    ck_assert_int_ge(nfixtures, 9);
}

static json_t *load_fixture(const char *name)
{
    char path[8192];
    json_error_t jerr;
    json_t *ir;

    (void)snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
    ir = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    ck_assert_msg(ir != NULL, "%s: %s", name, jerr.text);
    ordo_arena_defer(arena, json_cb, ir);
    return ir;
}

/* The fixtures are valid IRs for the catalogue of the real connectors. */
static void assert_valid_ir(const char *name, const json_t *ir)
{
    struct ordo_plugin_host_options hopts = {0};
    const struct ordo_ir_opts opts = {.allow_http = false};
    struct ordo_plugin_host *phost = NULL;
    struct ordo_registry *reg = NULL;
    const struct ordo_connector *const *descs;
    json_t *catalogue = NULL, *violations = NULL;
    struct ordo_err err = {0};
    char *text;
    size_t n;

    ck_assert_msg(ordo_plugin_host_new(&hopts, &phost, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_registry_open(getenv("ORDOTEST_CONNECTOR_DIR"),
                                     ordo_plugin_host_table(phost), &reg, &err) == ORDO_OK,
                  "%s", err.msg);
    descs = ordo_registry_descriptors(reg, &n);
    ck_assert_msg(ordo_catalogue_json(descs, n, &catalogue, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_int_eq(ordo_ir_validate(ir, catalogue, &opts, &violations, &err), ORDO_OK);
    text = json_dumps(violations, JSON_COMPACT);
    ordo_arena_defer(arena, free_cb, text);
    json_decref(violations);
    json_decref(catalogue);
    ordo_registry_free(reg);
    ordo_plugin_host_free(phost);
    ck_assert_msg(strcmp(text, "[]") == 0, "%s is not a valid IR: %.400s", name, text);
}

static void assert_lint_clean(const char *name, const struct ordo_bpmn_model *m)
{
    struct ordo_lint_config cfg;
    struct ordo_lint_report rep;

    ordo_lint_config_init(&cfg, ORDO_LINT_PROFILE_ORDO);
    ordo_lint_run(m, &cfg, arena, &rep);
    for (size_t i = 0; i < rep.count; i++) {
        if (rep.findings[i].severity == ORDO_LINT_ERROR) {
            ck_abort_msg("%s: lint error %s on %s: %s", name, rep.findings[i].rule,
                         rep.findings[i].element ? rep.findings[i].element : "-",
                         rep.findings[i].message);
        }
    }
}

static void assert_deploys(const char *name, const struct ordo_bpmn_model *m)
{
    struct ordo_graph *g = NULL;
    const struct ordo_graph_finding *findings = NULL;
    size_t n = 0;
    struct ordo_err err = {0};

    if (ordo_graph_compile(m, NULL, arena, &g, &findings, &n, &err) != ORDO_OK) {
        ck_abort_msg("%s does not deploy: %s", name, n ? findings[0].message : err.msg);
    }
    ordo_graph_free(g);
}

/* Every flow node, flow, lane and participant has its DI; edges have
 * two or more waypoints. */
static void assert_di(const char *name, const struct ordo_bpmn_model *m)
{
    const struct ordo_bpmn_node *root = ordo_bpmn_model_root(m);

    for (const struct ordo_bpmn_node *n = root; n; n = ordo_bpmn_next(root, n)) {
        bool visible = ordo_bpmn_is(n, ORDO_BPMN_C_FLOW_NODE) ||
                       n->kind == ORDO_BPMN_SEQUENCE_FLOW || n->kind == ORDO_BPMN_LANE ||
                       n->kind == ORDO_BPMN_PARTICIPANT;
        uint32_t points = 0;

        if (!visible || n->in_extension) {
            continue;
        }
        ck_assert_msg(n->di != NULL, "%s: '%s' has no DI", name, n->id);
        for (const struct ordo_bpmn_node *w = n->di->first; w; w = w->next) {
            points += w->kind == ORDO_BPMN_WAYPOINT ? 1 : 0;
        }
        if (n->kind == ORDO_BPMN_SEQUENCE_FLOW) {
            ck_assert_msg(points >= 2, "%s: edge of '%s' has %u waypoints", name, n->id, points);
        } else {
            ck_assert_msg(n->di->bounds != NULL, "%s: shape of '%s' has no bounds", name, n->id);
        }
    }
}

/* What lifting cannot give back (generator/lift.c): assumptions and
 * questions, empty outputs and options lists. */
static json_t *normalised(const json_t *ir)
{
    json_t *c = json_deep_copy(ir);
    size_t i, j;
    json_t *n, *f;

    json_object_set_new(c, "assumptions", json_array());
    json_object_set_new(c, "questions", json_array());
    json_array_foreach(json_object_get(c, "nodes"), i, n)
    {
        if (json_is_array(json_object_get(n, "outputs")) &&
            json_array_size(json_object_get(n, "outputs")) == 0) {
            json_object_set_new(n, "outputs", json_null());
        }
        json_array_foreach(json_object_get(n, "form"), j, f)
        {
            if (json_array_size(json_object_get(f, "options")) == 0) {
                json_object_set_new(f, "options", json_null());
            }
        }
    }
    ordo_arena_defer(arena, json_cb, c);
    return c;
}

static void assert_same_ir(const char *name, const json_t *want, const json_t *got)
{
    if (!json_equal(normalised(want), normalised(got))) {
        char *a = json_dumps(normalised(want), JSON_COMPACT | JSON_SORT_KEYS);
        char *b = json_dumps(normalised(got), JSON_COMPACT | JSON_SORT_KEYS);
        size_t k = 0;
        char msg[512];

        while (a[k] && a[k] == b[k]) {
            k++;
        }
        (void)snprintf(msg, sizeof msg, "want ...%.160s\n got  ...%.160s",
                       a + (k > 40 ? k - 40 : 0), b + (k > 40 ? k - 40 : 0));
        free(a);
        free(b);
        ck_abort_msg("%s: lifted IR differs at byte %zu:\n %s", name, k, msg);
    }
}

START_TEST(fixtures_emit_lint_deploy_and_lift_back)
{
    list_fixtures();
    for (int i = 0; i < nfixtures; i++) {
        const char *name = fixture_names[i];
        json_t *ir = load_fixture(name), *report = NULL, *report2 = NULL;
        const char *xml = emit(ir, &report);
        struct ordo_bpmn_model *m = parse(xml);

        ck_assert_int_eq(json_integer_value(json_object_get(report, "edges")),
                         (json_int_t)json_array_size(json_object_get(ir, "flows")));
        ck_assert_int_ge(json_integer_value(json_object_get(report, "shapes")),
                         (json_int_t)json_array_size(json_object_get(ir, "nodes")));
        ck_assert(json_is_integer(json_object_get(report, "crossings")));
        assert_valid_ir(name, ir);
        assert_lint_clean(name, m);
        assert_deploys(name, m);
        assert_di(name, m);
        ck_assert_msg(strcmp(xml, emit(ir, &report2)) == 0, "%s: not deterministic", name);
        assert_same_ir(name, ir, lift(m));
    }
}
END_TEST

/* ---- single behaviours ---------------------------------------------------------- */

/* The attribute 'name' of the element with id 'id', in the model. */
static const char *attr_of(const struct ordo_bpmn_model *m, const char *id, const char *ns,
                           const char *name)
{
    const struct ordo_bpmn_node *n = ordo_bpmn_model_find(m, id);

    ck_assert_msg(n != NULL, "no element '%s'", id);
    return ordo_bpmn_attr_get(n, ns, name);
}

START_TEST(feel_and_names_are_escaped_and_survive)
{
    json_t *ir = process();
    json_t *g = node(ir, "G", "exclusive_gateway", "Is <it> \"big\" & new?");
    json_t *f;
    const char *cond = "=amount > 10 and name != \"a<b>&'c'\"\nor x";
    struct ordo_bpmn_model *m;

    (void)g;
    service(ir, "T");
    end_node(ir, "E");
    flow(ir, "F1", "S", "G");
    f = flow(ir, "F2", "G", "T");
    json_object_set_new(f, "condition", json_string(cond));
    json_object_set_new(flow(ir, "F3", "G", "E"), "is_default", json_true());
    flow(ir, "F4", "T", "E");
    m = parse(emit(ir, NULL));
    ck_assert_str_eq(attr_of(m, "G", NULL, "name"), "Is <it> \"big\" & new?");
    ck_assert_str_eq(
        ordo_bpmn_child(ordo_bpmn_model_find(m, "F2"), ORDO_BPMN_CONDITION_EXPRESSION)->text, cond);
    /* lint wants a label on a conditional flow: the condition is used, and dropped on lift */
    ck_assert_str_eq(attr_of(m, "F2", NULL, "name"), cond);
    ck_assert_str_eq(attr_of(m, "G", NULL, "default"), "F3");
    assert_same_ir("escaping", ir, lift(m));
}
END_TEST

START_TEST(form_fields_become_the_contracts_schema)
{
    json_t *ir = process();
    json_t *u = node(ir, "U", "user_task", "Decide");
    json_t *form, *want;
    struct ordo_bpmn_model *m;

    json_object_set_new(u, "candidate_group", json_string("finance"));
    json_object_set_new(u, "notify", json_string("slack:#approvals"));
    json_object_set_new(u, "form",
                        json_pack("[{s:s, s:s, s:s, s:b, s:n}, {s:s, s:s, s:s, s:b, s:[ss]},"
                                  " {s:s, s:s, s:s, s:b, s:n}, {s:s, s:s, s:s, s:b, s:n}]",
                                  "name", "due", "type", "date", "title", "Due", "required", 1,
                                  "options", "name", "color", "type", "string", "title", "Color",
                                  "required", 0, "options", "red", "green", "name", "mail", "type",
                                  "email", "title", "Mail", "required", 1, "options", "name", "n",
                                  "type", "integer", "title", "N", "required", 0, "options"));
    end_node(ir, "E");
    flow(ir, "F1", "S", "U");
    flow(ir, "F2", "U", "E");
    m = parse(emit(ir, NULL));
    form = json_loads(attr_of(m, "U", "urn:ordo:schema:bpmn:1.0", "form"), 0, NULL);
    want = json_pack("{s:s, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:[ss]}, s:{s:s, s:s, s:s},"
                     " s:{s:s, s:s}}, s:[ss]}",
                     "type", "object", "properties", "due", "type", "string", "title", "Due",
                     "format", "date", "color", "type", "string", "title", "Color", "enum", "red",
                     "green", "mail", "type", "string", "title", "Mail", "format", "email", "n",
                     "type", "integer", "title", "N", "required", "due", "mail");
    ck_assert(json_equal(form, want));
    json_decref(form);
    json_decref(want);
    ck_assert_str_eq(attr_of(m, "U", "urn:ordo:schema:bpmn:1.0", "notify"), "slack:#approvals");
    assert_deploys("form", m);
    assert_same_ir("form", ir, lift(m));
}
END_TEST

/* The kind of the timer definition under the start event S. */
static enum ordo_bpmn_kind start_timer_kind(const char *timer)
{
    json_t *ir = process();
    struct ordo_bpmn_model *m;
    const struct ordo_bpmn_node *def;

    json_object_set_new(json_array_get(json_object_get(ir, "nodes"), 0), "event",
                        json_string("timer"));
    json_object_set_new(json_array_get(json_object_get(ir, "nodes"), 0), "timer",
                        json_string(timer));
    end_node(ir, "E");
    flow(ir, "F1", "S", "E");
    m = parse(emit(ir, NULL));
    assert_deploys(timer, m);
    assert_same_ir(timer, ir, lift(m));
    def = ordo_bpmn_child(ordo_bpmn_model_find(m, "S"), ORDO_BPMN_TIMER_EVENT_DEFINITION);
    ck_assert_ptr_nonnull(def);
    for (const struct ordo_bpmn_node *c = def->first; c; c = c->next) {
        if (ordo_bpmn_is_element(c)) {
            return c->kind;
        }
    }
    return ORDO_BPMN_UNKNOWN;
}

START_TEST(start_timers_use_date_cycle_or_duration_by_value)
{
    ck_assert_int_eq(start_timer_kind("0 9 * * MON"), ORDO_BPMN_TIME_CYCLE);
    ck_assert_int_eq(start_timer_kind("0 0 9 * * MON-FRI"), ORDO_BPMN_TIME_CYCLE);
    ck_assert_int_eq(start_timer_kind("R/PT1H"), ORDO_BPMN_TIME_CYCLE);
    ck_assert_int_eq(start_timer_kind("R3/2026-12-01T09:00:00Z/P1D"), ORDO_BPMN_TIME_CYCLE);
    ck_assert_int_eq(start_timer_kind("2026-12-01T09:00:00Z"), ORDO_BPMN_TIME_DATE);
    ck_assert_int_eq(start_timer_kind("PT5M"), ORDO_BPMN_TIME_DURATION);
}
END_TEST

START_TEST(message_catch_has_a_subscription_and_webhook_start_a_message)
{
    json_t *ir = process();
    json_t *s = json_array_get(json_object_get(ir, "nodes"), 0);
    json_t *c = node(ir, "C", "message_catch", "Paid");
    const struct ordo_bpmn_node *msg, *sub;
    struct ordo_bpmn_model *m;
    json_t *hook;

    json_object_set_new(s, "event", json_string("webhook"));
    json_object_set_new(s, "webhook",
                        json_pack("{s:s, s:s, s:s}", "name", "new-order", "scheme", "hmac",
                                  "variables", "={order: body.id}"));
    json_object_set_new(c, "message", json_string("paid"));
    json_object_set_new(c, "correlation_key", json_string("=order"));
    end_node(ir, "E");
    flow(ir, "F1", "S", "C");
    flow(ir, "F2", "C", "E");
    m = parse(emit(ir, NULL));
    msg = ordo_bpmn_model_find(
        m, ordo_bpmn_attr_get(
               ordo_bpmn_child(ordo_bpmn_model_find(m, "C"), ORDO_BPMN_MESSAGE_EVENT_DEFINITION),
               NULL, "messageRef"));
    ck_assert_ptr_nonnull(msg);
    ck_assert_str_eq(msg->name, "paid");
    sub = ordo_bpmn_child(msg, ORDO_BPMN_EXTENSION_ELEMENTS)->first;
    ck_assert_str_eq(sub->tag, "subscription");
    ck_assert_str_eq(ordo_bpmn_attr_get(sub, NULL, "correlationKey"), "=order");
    hook = json_loads(attr_of(m, "S", "urn:ordo:schema:bpmn:1.0", "webhook"), 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(hook, "name")), "new-order");
    json_decref(hook);
    ck_assert_ptr_nonnull(
        ordo_bpmn_child(ordo_bpmn_model_find(m, "S"), ORDO_BPMN_MESSAGE_EVENT_DEFINITION));
    assert_deploys("webhook", m);
    assert_same_ir("webhook", ir, lift(m));
}
END_TEST

START_TEST(plane_shows_the_collaboration_only_with_lanes)
{
    json_t *ir = process();
    struct ordo_bpmn_model *m;
    const char *xml;

    end_node(ir, "E");
    flow(ir, "F1", "S", "E");
    xml = emit(ir, NULL);
    ck_assert_ptr_null(strstr(xml, "bpmn:collaboration"));
    ck_assert_ptr_nonnull(strstr(xml, "<bpmndi:BPMNPlane id=\"Plane_p\" bpmnElement=\"p\">"));
    ck_assert_ptr_nonnull(strstr(xml, "modeler:executionPlatform=\"Camunda Cloud\""));
    ck_assert_ptr_nonnull(strstr(xml, "modeler:executionPlatformVersion=\"8.6.0\""));
    json_array_append_new(json_object_get(ir, "lanes"),
                          json_pack("{s:s, s:s}", "id", "L", "name", "Everyone"));
    for (size_t i = 0; i < 2; i++) {
        json_object_set_new(json_array_get(json_object_get(ir, "nodes"), i), "lane",
                            json_string("L"));
    }
    m = parse(emit(ir, NULL));
    ck_assert_str_eq(ordo_bpmn_attr_get(ordo_bpmn_model_find(m, "Plane_p"), NULL, "bpmnElement"),
                     "Collaboration_p");
    ck_assert_str_eq(attr_of(m, "Participant_p", NULL, "processRef"), "p");
    ck_assert_ptr_nonnull(ordo_bpmn_model_find(m, "L")->di);
    assert_same_ir("lanes", ir, lift(m));
}
END_TEST

START_TEST(made_up_ids_never_collide_with_the_irs)
{
    json_t *ir = process();
    struct ordo_bpmn_model *m;
    size_t dups = 1;
    json_t *e;

    /* Ids emission would otherwise make up itself. */
    service(ir, "Definitions_p");
    service(ir, "S_di");
    e = end_node(ir, "Message_E");
    json_object_set_new(e, "event", json_string("error"));
    json_object_set_new(e, "error_code", json_string("E1"));
    end_node(ir, "Error_Message_E");
    node(ir, "Plane_p", "parallel_gateway", "");
    flow(ir, "F1", "S", "Plane_p");
    flow(ir, "F2", "Plane_p", "Definitions_p");
    flow(ir, "F3", "Plane_p", "S_di");
    flow(ir, "F4", "Definitions_p", "Message_E");
    flow(ir, "F5", "S_di", "Error_Message_E");
    m = parse(emit(ir, NULL));
    (void)ordo_bpmn_model_duplicates(m, &dups);
    ck_assert_uint_eq(dups, 0);
    ck_assert_int_eq(ordo_bpmn_model_find(m, "Definitions_p")->kind, ORDO_BPMN_SERVICE_TASK);
    assert_deploys("ids", m);
    assert_same_ir("ids", ir, lift(m));
}
END_TEST

static void assert_refused(json_t *ir, const char *part)
{
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    json_t *report = NULL;

    ck_assert_int_eq(ordo_emit_bpmn(ir, &xml, &report, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, part) != NULL, "'%s' does not name '%s'", err.msg, part);
    ck_assert_uint_eq(xml.len, 0);
    ck_assert_ptr_null(report);
    ordo_buf_cleanup(&xml);
}

START_TEST(bad_irs_are_refused_naming_the_element)
{
    json_t *ir = process();

    end_node(ir, "E");
    flow(ir, "F1", "S", "Nowhere");
    assert_refused(ir, "F1");

    ir = process();
    node(ir, "X", "script_task", "Run");
    assert_refused(ir, "'X'");

    ir = process();
    json_array_clear(json_object_get(ir, "nodes"));
    end_node(ir, "E");
    assert_refused(ir, "no start");

    ir = process();
    end_node(ir, "S");
    assert_refused(ir, "'S' is used twice");

    ir = process();
    json_object_set_new(node(ir, "B", "boundary_timer", "Late"), "attached_to", json_string("S"));
    assert_refused(ir, "'B'");

    ir = process();
    json_object_set_new(end_node(ir, "E"), "lane", json_string("Lane_x"));
    assert_refused(ir, "Lane_x");

    ir = process();
    end_node(ir, "1bad");
    assert_refused(ir, "nodes[1]");

    ck_assert_int_eq(ordo_emit_bpmn(NULL, NULL, NULL, NULL), ORDO_E_INVAL);
}
END_TEST

/* ---- lift refusals ------------------------------------------------------------------ */

static void assert_lift_refuses(const char *xml, const char *part)
{
    struct ordo_bpmn_model *m = parse(xml);
    struct ordo_err err = {0};
    json_t *ir = NULL;

    ck_assert_int_eq(ordo_emit_lift(m, &ir, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(ir);
    ck_assert_msg(strstr(err.msg, part) != NULL, "'%s' does not name '%s'", err.msg, part);
}

/* An emitted document with 'insert' put in front of the first flow. */
static const char *with_inserted(const char *insert)
{
    json_t *ir = process();
    const char *xml;
    const char *at;
    char *out;

    service(ir, "T");
    end_node(ir, "E");
    flow(ir, "F1", "S", "T");
    flow(ir, "F2", "T", "E");
    xml = emit(ir, NULL);
    at = strstr(xml, "    <bpmn:sequenceFlow");
    out = ordo_arena_printf(arena, "%.*s%s%s", (int)(at - xml), xml, insert, at);
    return out;
}

START_TEST(lift_refuses_what_the_ir_cannot_say)
{
    assert_lift_refuses(with_inserted("<bpmn:subProcess id=\"Sub_1\"/>"),
                        "element 'Sub_1' is a bpmn:subProcess, which drafts cannot revise");
    assert_lift_refuses(with_inserted("<bpmn:scriptTask id=\"Script\"/>"), "'Script'");
    assert_lift_refuses(with_inserted("<bpmn:textAnnotation id=\"Note\"/>"), "'Note'");
    assert_lift_refuses(
        with_inserted("<bpmn:intermediateCatchEvent id=\"Sig\"><bpmn:signalEventDefinition/>"
                      "</bpmn:intermediateCatchEvent>"),
        "'Sig'");
    assert_lift_refuses(
        with_inserted("<bpmn:serviceTask id=\"H\"><bpmn:extensionElements>"
                      "<zeebe:taskHeaders/></bpmn:extensionElements></bpmn:serviceTask>"),
        "taskHeaders");
    assert_lift_refuses(
        with_inserted("<bpmn:userTask id=\"U\" ordo:form='{\"type\":\"object\",\"properties\":"
                      "{\"a\":{\"type\":\"string\",\"description\":\"x\"}}}'/>"),
        "'U'");
    assert_lift_refuses(
        with_inserted("<bpmn:serviceTask id=\"M\"><bpmn:multiInstanceLoopCharacteristics/>"
                      "</bpmn:serviceTask>"),
        "multiInstanceLoopCharacteristics");
    assert_lift_refuses(
        with_inserted("<bpmn:intermediateCatchEvent id=\"W\" "
                      "ordo:webhook='{\"name\":\"x\",\"scheme\":\"hmac\"}'>"
                      "<bpmn:messageEventDefinition messageRef=\"Msg\"/>"
                      "</bpmn:intermediateCatchEvent><bpmn:message id=\"Msg\" name=\"m\"/>"),
        "'W'");
}
END_TEST

START_TEST(lift_refuses_a_second_process)
{
    const char *xml = with_inserted("");
    const char *end = strstr(xml, "  <bpmndi:BPMNDiagram");

    assert_lift_refuses(
        ordo_arena_printf(arena, "%.*s<bpmn:process id=\"Other\"/>%s", (int)(end - xml), xml, end),
        "'Other'");
}
END_TEST

/* The hand-written examples use only what the IR says: they lift to
 * valid IRs, which emit and lift back the same. */
START_TEST(examples_lift_to_valid_irs_that_relift_the_same)
{
    static const char *const files[] = {"examples/onboarding.bpmn", "examples/quickstart.bpmn"};
    const char *src = getenv("ORDOTEST_SOURCE_DIR");

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        struct ordo_bpmn_model *m = NULL;
        struct ordo_err err = {0};
        json_t *ir;

        (void)snprintf(path, sizeof path, "%s/%s", src ? src : ".", files[i]);
        ck_assert_msg(ordo_bpmn_parse_file(path, NULL, &m, &err) == ORDO_OK, "%s", err.msg);
        ordo_arena_defer(arena, model_cb, m);
        ir = lift(m);
        ck_assert_uint_ge(json_array_size(json_object_get(ir, "nodes")), 5);
        assert_valid_ir(files[i], ir);
        assert_same_ir(files[i], ir, lift(parse(emit(ir, NULL))));
    }
}
END_TEST

/* Every corpus model lifts or is refused as unprocessable; a model that
 * lifts and emits lifts again to the same IR (lift is stable under emit). */
START_TEST(corpus_models_lift_or_are_refused_and_relift_the_same)
{
    struct corpus c = {0};
    size_t lifted = 0, reemitted = 0;

    corpus_load(&c, "miwg");
    for (size_t i = 0; i < c.count; i++) {
        struct ordo_bpmn_model *m = NULL;
        struct ordo_err err = {0};
        struct ordo_buf xml = ORDO_BUF_INIT;
        json_t *ir = NULL;
        enum ordo_code rc;

        if (ordo_bpmn_parse_file(c.paths[i], NULL, &m, &err) != ORDO_OK) {
            continue;
        }
        rc = ordo_emit_lift(m, &ir, &err);
        ordo_bpmn_model_free(m);
        ck_assert_msg(rc == ORDO_OK || rc == ORDO_E_UNPROCESSABLE, "%s: %s", c.paths[i], err.msg);
        if (rc != ORDO_OK) {
            continue;
        }
        lifted++;
        ordo_arena_defer(arena, json_cb, ir);
        if (ordo_emit_bpmn(ir, &xml, NULL, &err) == ORDO_OK) {
            reemitted++;
            assert_same_ir(c.paths[i], ir, lift(parse(ordo_arena_strdup(arena, xml.data))));
        }
        ordo_buf_cleanup(&xml);
    }
    printf("corpus: %zu models, %zu lift, %zu of those emit and lift back the same\n", c.count,
           lifted, reemitted);
    corpus_free(&c);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("emit");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fixtures_emit_lint_deploy_and_lift_back);
    tcase_add_test(tc, feel_and_names_are_escaped_and_survive);
    tcase_add_test(tc, form_fields_become_the_contracts_schema);
    tcase_add_test(tc, start_timers_use_date_cycle_or_duration_by_value);
    tcase_add_test(tc, message_catch_has_a_subscription_and_webhook_start_a_message);
    tcase_add_test(tc, plane_shows_the_collaboration_only_with_lanes);
    tcase_add_test(tc, made_up_ids_never_collide_with_the_irs);
    tcase_add_test(tc, bad_irs_are_refused_naming_the_element);
    tcase_add_test(tc, lift_refuses_what_the_ir_cannot_say);
    tcase_add_test(tc, lift_refuses_a_second_process);
    tcase_add_test(tc, examples_lift_to_valid_irs_that_relift_the_same);
    tcase_add_test(tc, corpus_models_lift_or_are_refused_and_relift_the_same);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
