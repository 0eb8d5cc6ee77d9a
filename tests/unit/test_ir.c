/*
 * tests/unit/test_ir.c - generator/ir.h: the IR's schema for a catalogue,
 * validation and what an IR uses, against the catalogue of the real
 * connectors (the .so files in lib/ordo/connectors of the build, loaded through the
 * registry as the server does).
 *
 * tests/fixtures/ir/invalid/ holds one IR per rule, each with the one rule
 * (and element, path and count) it must produce; the oracle
 * tests/oracle/ir-schema.js checks the same files against ajv.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/err.h"
#include "generator/ir.h"
#include "plugins/catalogue.h"
#include "plugins/host.h"
#include "plugins/registry.h"
#include "tests/unit/check_main.h"

static struct ordo_plugin_host *phost;
static struct ordo_registry *reg;
static json_t *catalogue;
static const struct ordo_ir_opts no_http = {.allow_http = false};
static const struct ordo_ir_opts with_http = {.allow_http = true};

static void setup(void)
{
    struct ordo_err err = {0};
    size_t n;
    const struct ordo_connector *const *descs;
    struct ordo_plugin_host_options hopts = {0};

    ck_assert_msg(ordo_plugin_host_new(&hopts, &phost, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_registry_open(getenv("ORDOTEST_CONNECTOR_DIR"),
                                     ordo_plugin_host_table(phost), &reg, &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(ordo_registry_refused_count(reg), 0);
    descs = ordo_registry_descriptors(reg, &n);
    ck_assert_msg(ordo_catalogue_json(descs, n, &catalogue, &err) == ORDO_OK, "%s", err.msg);
}

static void teardown(void)
{
    json_decref(catalogue);
    catalogue = NULL;
    ordo_registry_free(reg);
    reg = NULL;
    ordo_plugin_host_free(phost);
    phost = NULL;
}

/* ---- helpers ---- */

static json_t *load(const char *rel)
{
    char path[1024];
    json_error_t jerr;
    json_t *doc;

    (void)snprintf(path, sizeof path, "%s/%s", getenv("ORDOTEST_SOURCE_DIR"), rel);
    doc = json_load_file(path, 0, &jerr);
    ck_assert_msg(doc != NULL, "%s: %s", path, jerr.text);
    return doc;
}

static json_t *validate_with(const json_t *ir, const json_t *cat, const struct ordo_ir_opts *opts)
{
    struct ordo_err err = {0};
    json_t *v = NULL;

    ck_assert_msg(ordo_ir_validate(ir, cat, opts, &v, &err) == ORDO_OK, "%s", err.msg);
    ck_assert(json_is_array(v));
    return v;
}

static json_t *validate(const json_t *ir)
{
    return validate_with(ir, catalogue, &no_http);
}

static const char *show(const json_t *v)
{
    static char text[8192];
    char *s = json_dumps(v, JSON_INDENT(1));

    (void)snprintf(text, sizeof text, "%s", s ? s : "?");
    free(s);
    return text;
}

static const char *vstr(const json_t *violation, const char *key)
{
    return json_string_value(json_object_get(violation, key));
}

static void assert_valid(const json_t *ir)
{
    json_t *v = validate(ir);

    ck_assert_msg(json_array_size(v) == 0, "expected no violations, got %s", show(v));
    json_decref(v);
}

/* Every violation of 'ir' is of 'rule'; the first names 'element'. */
static void assert_only(const json_t *ir, const char *rule, const char *element)
{
    json_t *v = validate(ir);
    size_t i;
    const json_t *it;

    ck_assert_msg(json_array_size(v) > 0, "expected %s, got nothing", rule);
    json_array_foreach(v, i, it)
    {
        ck_assert_msg(strcmp(vstr(it, "rule"), rule) == 0, "expected only %s, got %s", rule,
                      show(v));
    }
    ck_assert_msg(element ? vstr(json_array_get(v, 0), "element") &&
                                strcmp(vstr(json_array_get(v, 0), "element"), element) == 0
                          : json_is_null(json_object_get(json_array_get(v, 0), "element")),
                  "expected element %s in %s", element ? element : "null", show(v));
    json_decref(v);
}

/* A whole IR from a short one: 'nodes' with only the fields that are set
 * (the others become null, a start or end gets event none, the name is
 * the id), 'flows' as [from, to] or [from, to, condition] or
 * [from, to, null, true] for the default. */
static json_t *expand(const char *compact)
{
    json_error_t jerr;
    json_t *src = json_loads(compact, 0, &jerr);
    json_t *ir;
    json_t *nodes = json_array();
    json_t *flows = json_array();
    json_t *n;
    json_t *f;
    size_t i;

    ck_assert_msg(src != NULL, "%s: %s", compact, jerr.text);
    json_array_foreach(json_object_get(src, "nodes"), i, n)
    {
        json_t *full = json_deep_copy(n);
        const char *kind = json_string_value(json_object_get(n, "kind"));

        ordo_ir_node_complete(full);
        if ((!strcmp(kind, "start") || !strcmp(kind, "end")) && !json_object_get(n, "event")) {
            (void)json_object_set_new(full, "event", json_string("none"));
        }
        (void)json_object_set(full, "name", json_object_get(n, "id"));
        (void)json_array_append_new(nodes, full);
    }
    json_array_foreach(json_object_get(src, "flows"), i, f)
    {
        const json_t *cond = json_array_get(f, 2);
        char id[32];

        (void)snprintf(id, sizeof id, "Flow_%zu", i + 1);
        (void)json_array_append_new(flows,
                                    json_pack("{s:s, s:O, s:O, s:n, s:O, s:b}", "id", id, "from",
                                              json_array_get(f, 0), "to", json_array_get(f, 1),
                                              "name", "condition", cond ? cond : json_null(),
                                              "is_default", json_is_true(json_array_get(f, 3))));
    }
    ir = json_pack("{s:i, s:{s:s, s:s, s:n}, s:[], s:o, s:o, s:[], s:[]}", "ir_version", 1,
                   "process", "id", "p", "name", "P", "documentation", "lanes", "nodes", nodes,
                   "flows", flows, "assumptions", "questions");
    ck_assert_ptr_nonnull(ir);
    json_decref(src);
    return ir;
}

#define POST                                                                                     \
    "\"kind\": \"service_task\", \"action\": \"slack.post_message\", \"inputs\": [{\"target\": " \
    "\"channel\", \"source\": \"#general\"}]"
#define APPROVE "\"kind\": \"user_task\", \"candidate_group\": \"managers\""

/* ---- the fixtures ---- */

START_TEST(onboarding_is_valid)
{
    json_t *ir = load("tests/fixtures/ir/onboarding.json");

    assert_valid(ir);
    json_decref(ir);
}
END_TEST

/* One fixture: its rule only, on its element and path, as many times as it says. */
static void check_fixture(const char *dir, const char *file)
{
    char rel[512];
    json_t *doc;
    const json_t *expect;
    const json_t *first;
    json_t *v;
    struct ordo_ir_opts opts = {0};
    size_t i;
    const json_t *it;

    (void)snprintf(rel, sizeof rel, "%s/%s", dir, file);
    doc = load(rel);
    expect = json_object_get(doc, "expect");
    opts.allow_http = json_is_true(json_object_get(json_object_get(doc, "opts"), "allow_http"));
    v = validate_with(json_object_get(doc, "ir"), catalogue, &opts);
    ck_assert_msg(json_array_size(v) ==
                      (size_t)json_integer_value(json_object_get(expect, "count")),
                  "%s: expected %lld violations, got %s", file,
                  (long long)json_integer_value(json_object_get(expect, "count")), show(v));
    json_array_foreach(v, i, it)
    {
        ck_assert_msg(strcmp(vstr(it, "rule"), vstr(expect, "rule")) == 0, "%s: %s", file, show(v));
        ck_assert_msg(strlen(vstr(it, "message")) > 20, "%s: %s", file, show(v));
    }
    first = json_array_get(v, 0);
    ck_assert_msg(json_equal(json_object_get(first, "element"), json_object_get(expect, "element")),
                  "%s: element: %s", file, show(v));
    ck_assert_msg(strcmp(vstr(first, "path"), vstr(expect, "path")) == 0, "%s: path: %s", file,
                  show(v));
    /* A message names the element it is about. */
    if (json_is_string(json_object_get(expect, "element"))) {
        ck_assert_msg(strstr(vstr(first, "message"), vstr(expect, "element")), "%s: %s", file,
                      show(v));
    }
    json_decref(v);
    json_decref(doc);
}

START_TEST(each_invalid_fixture_gives_its_rule)
{
    static const char *const rules[] = {
        "ir/schema",    "ir/duplicate-id", "ir/unknown-ref", "ir/kind-fields", "ir/start",
        "ir/end",       "ir/flow-count",   "ir/unreachable", "ir/dead-end",    "ir/gateway-pairing",
        "ir/condition", "ir/default",      "ir/feel",        "ir/action",      "ir/input",
        "ir/performer", "ir/form",         "ir/boundary",    "ir/timer",       "ir/message",
        "ir/webhook",   "ir/error-code"};
    bool covered[sizeof rules / sizeof rules[0]] = {false};
    const char *dir = "tests/fixtures/ir/invalid";
    char path[1024];
    DIR *d;
    const struct dirent *e;
    size_t files = 0;

    (void)snprintf(path, sizeof path, "%s/%s", getenv("ORDOTEST_SOURCE_DIR"), dir);
    d = opendir(path);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char stem[256];

        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) {
            continue;
        }
        check_fixture(dir, e->d_name);
        files++;
        for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
            /* Named after the rule: "gateway-pairing.json", "schema-enum.json". */
            (void)snprintf(stem, sizeof stem, "%s", rules[r] + 3);
            covered[r] = covered[r] || strncmp(e->d_name, stem, strlen(stem)) == 0;
        }
    }
    (void)closedir(d);
    ck_assert_uint_ge(files, sizeof rules / sizeof rules[0]);
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        ck_assert_msg(covered[r], "no fixture for %s", rules[r]);
    }
}
END_TEST

START_TEST(http_action_passes_with_the_opt_in)
{
    json_t *doc = load("tests/fixtures/ir/invalid/action-http.json");
    json_t *v = validate_with(json_object_get(doc, "ir"), catalogue, &with_http);

    ck_assert_msg(json_array_size(v) == 0, "%s", show(v));
    json_decref(v);
    v = validate(json_object_get(doc, "ir"));
    ck_assert_ptr_nonnull(strstr(vstr(json_array_get(v, 0), "message"), "allow_http"));
    ck_assert_ptr_nonnull(strstr(vstr(json_array_get(v, 0), "message"), "slack.post_message"));
    ck_assert_ptr_null(strstr(vstr(json_array_get(v, 0), "message"), "http.request,"));
    json_decref(v);
    json_decref(doc);
}
END_TEST

START_TEST(refused_action_lists_the_installed_ones)
{
    json_t *doc = load("tests/fixtures/ir/invalid/action.json");
    json_t *v = validate(json_object_get(doc, "ir"));
    const char *msg = vstr(json_array_get(v, 0), "message");
    size_t i;
    const json_t *conn;

    json_array_foreach(json_object_get(catalogue, "connectors"), i, conn)
    {
        const char *id = vstr(json_array_get(json_object_get(conn, "actions"), 0), "id");

        if (strncmp(id, "http.", 5) != 0) {
            ck_assert_msg(strstr(msg, id), "%s not in: %s", id, msg);
        }
    }
    json_decref(v);
    json_decref(doc);
}
END_TEST

/* ---- graph rules on small IRs ---- */

START_TEST(loops_through_exclusive_gateways_are_valid)
{
    json_t *ir = expand("{\"nodes\": [{\"id\": \"S\", \"kind\": \"start\"},"
                        " {\"id\": \"J\", \"kind\": \"exclusive_gateway\"}, {\"id\": \"T\", " POST
                        "}, {\"id\": \"X\", \"kind\": \"exclusive_gateway\"},"
                        " {\"id\": \"E\", \"kind\": \"end\"}],"
                        " \"flows\": [[\"S\", \"J\"], [\"J\", \"T\"], [\"T\", \"X\"],"
                        " [\"X\", \"J\", \"=retry\"], [\"X\", \"E\", null, true]]}");

    assert_valid(ir);
    json_decref(ir);
}
END_TEST

START_TEST(paired_gateways_are_valid)
{
    /* A parallel block with an exclusive block nested in one branch, and
     * an inclusive block. */
    json_t *ir = expand(
        "{\"nodes\": [{\"id\": \"S\", \"kind\": \"start\"},"
        " {\"id\": \"P\", \"kind\": \"parallel_gateway\"}, {\"id\": \"A\", " POST "},"
        " {\"id\": \"X\", \"kind\": \"exclusive_gateway\"}, {\"id\": \"C\", " POST "},"
        " {\"id\": \"D\", " POST "}, {\"id\": \"Xj\", \"kind\": \"exclusive_gateway\"},"
        " {\"id\": \"B\", " POST "}, {\"id\": \"Pj\", \"kind\": \"parallel_gateway\"},"
        " {\"id\": \"I\", \"kind\": \"inclusive_gateway\"}, {\"id\": \"F\", " POST "},"
        " {\"id\": \"G\", " POST "}, {\"id\": \"Ij\", \"kind\": \"inclusive_gateway\"},"
        " {\"id\": \"E\", \"kind\": \"end\"}],"
        " \"flows\": [[\"S\", \"P\"], [\"P\", \"A\"], [\"P\", \"B\"], [\"A\", \"X\"],"
        " [\"X\", \"C\", \"=big\"], [\"X\", \"D\", null, true], [\"C\", \"Xj\"], [\"D\", \"Xj\"],"
        " [\"Xj\", \"Pj\"], [\"B\", \"Pj\"], [\"Pj\", \"I\"], [\"I\", \"F\", \"=f\"],"
        " [\"I\", \"G\", \"=g\"], [\"F\", \"Ij\"], [\"G\", \"Ij\"], [\"Ij\", \"E\"]]}");

    assert_valid(ir);
    json_decref(ir);
}
END_TEST

/* Two paths out of user task U (its own and its boundary timer's) merged by gateway %s. */
#define BOUNDARY_IR                                                                \
    "{\"nodes\": [{\"id\": \"S\", \"kind\": \"start\"}, {\"id\": \"U\", " APPROVE  \
    "}, {\"id\": \"B\", \"kind\": \"boundary_timer\", \"timer\": \"P2D\","         \
    " \"attached_to\": \"U\", \"interrupting\": true}, {\"id\": \"R\", " POST      \
    "}, {\"id\": \"J\", \"kind\": \"%s\"}, {\"id\": \"E\", \"kind\": \"end\"}],"   \
    " \"flows\": [[\"S\", \"U\"], [\"U\", \"J\"], [\"B\", \"R\"], [\"R\", \"J\"]," \
    " [\"J\", \"E\"]]}"

START_TEST(boundary_timer_paths)
{
    /* The escalation path merges back through an exclusive gateway: fine;
     * through a parallel one it would wait for a timer that may never fire. */
    char text[2048];
    json_t *ir;

    (void)snprintf(text, sizeof text, BOUNDARY_IR, "exclusive_gateway");
    ir = expand(text);
    assert_valid(ir);
    json_decref(ir);
    (void)snprintf(text, sizeof text, BOUNDARY_IR, "parallel_gateway");
    ir = expand(text);
    assert_only(ir, "ir/gateway-pairing", "J");
    json_decref(ir);
}
END_TEST

START_TEST(exclusive_join_of_inclusive_split)
{
    json_t *ir =
        expand("{\"nodes\": [{\"id\": \"S\", \"kind\": \"start\"},"
               " {\"id\": \"I\", \"kind\": \"inclusive_gateway\"}, {\"id\": \"A\", " POST
               "}, {\"id\": \"B\", " POST "}, {\"id\": \"X\", \"kind\": \"exclusive_gateway\"},"
               " {\"id\": \"E\", \"kind\": \"end\"}],"
               " \"flows\": [[\"S\", \"I\"], [\"I\", \"A\", \"=a\"], [\"I\", \"B\", \"=b\"],"
               " [\"A\", \"X\"], [\"B\", \"X\"], [\"X\", \"E\"]]}");

    assert_only(ir, "ir/gateway-pairing", "X");
    json_decref(ir);
}
END_TEST

START_TEST(starts_and_timers)
{
    static const char *const good[] = {"0 9 * * MON-FRI", "R/P1D", "2026-12-01T09:00:00Z",
                                       "R3/2026-12-01T09:00:00Z/P1D"};
    char text[1024];
    json_t *ir;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        (void)snprintf(text, sizeof text,
                       "{\"nodes\": [{\"id\": \"S\", \"kind\": \"start\", \"event\": \"timer\","
                       " \"timer\": \"%s\"}, {\"id\": \"W\", \"kind\": \"timer_catch\", \"timer\":"
                       " \"PT4H\"}, {\"id\": \"M\", \"kind\": \"message_catch\", \"message\":"
                       " \"reply\", \"correlation_key\": \"=order.id\"},"
                       " {\"id\": \"E\", \"kind\": \"end\", \"event\": \"error\", \"error_code\":"
                       " \"late\"}], \"flows\": [[\"S\", \"W\"], [\"W\", \"M\"], [\"M\", \"E\"]]}",
                       good[i]);
        ir = expand(text);
        assert_valid(ir);
        json_decref(ir);
    }
    /* A duration is no start timer; a date is no timer_catch duration. */
    ir = expand("{\"nodes\": [{\"id\": \"S\", \"kind\": \"start\", \"event\": \"timer\","
                " \"timer\": \"PT1H\"}, {\"id\": \"W\", \"kind\": \"timer_catch\", \"timer\":"
                " \"2026-12-01\"}, {\"id\": \"E\", \"kind\": \"end\"}],"
                " \"flows\": [[\"S\", \"W\"], [\"W\", \"E\"]]}");
    assert_only(ir, "ir/timer", "S");
    json_decref(ir);
}
END_TEST

START_TEST(rules_come_in_order)
{
    /* No end (ir/end), a task that calls nothing (ir/action), a user task
     * for nobody (ir/performer), a bad condition place (ir/condition): the
     * list follows the order of generator/ir.h, not of the nodes. */
    json_t *ir = expand("{\"nodes\": [{\"id\": \"U\", \"kind\": \"user_task\"},"
                        " {\"id\": \"T\", \"kind\": \"service_task\"},"
                        " {\"id\": \"S\", \"kind\": \"start\"}],"
                        " \"flows\": [[\"S\", \"T\", \"=x\"], [\"T\", \"U\"], [\"U\", \"T\"]]}");
    static const char *const order[] = {"ir/end", "ir/flow-count", "ir/condition", "ir/action",
                                        "ir/performer"};
    json_t *v = validate(ir);

    ck_assert_msg(json_array_size(v) == sizeof order / sizeof order[0], "%s", show(v));
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        ck_assert_msg(strcmp(vstr(json_array_get(v, i), "rule"), order[i]) == 0, "%zu: %s", i,
                      show(v));
    }
    json_decref(v);
    json_decref(ir);
}
END_TEST

START_TEST(feel_is_parsed_where_it_is_used)
{
    /* One broken expression in each place FEEL goes; literal text (no '=')
     * in a source or an assignee is not FEEL. */
    json_t *ir = expand(
        "{\"nodes\": [{\"id\": \"S\", \"kind\": \"start\", \"event\": \"webhook\","
        " \"webhook\": {\"name\": \"hook\", \"scheme\": \"standard\", \"variables\": \"{a:\"}},"
        " {\"id\": \"T\", \"kind\": \"service_task\", \"action\": \"slack.post_message\","
        " \"inputs\": [{\"target\": \"channel\", \"source\": \"=(\"},"
        " {\"target\": \"text\", \"source\": \"not (FEEL\"}],"
        " \"outputs\": [{\"target\": \"ts\", \"source\": \"=ts +\"}]},"
        " {\"id\": \"U\", \"kind\": \"user_task\", \"assignee\": \"=1 +\","
        " \"notify\": \"slack:=[\"}, {\"id\": \"V\", \"kind\": \"user_task\","
        " \"assignee\": \"ada (at) example\"}, {\"id\": \"M\", \"kind\": \"message_catch\","
        " \"message\": \"reply\", \"correlation_key\": \"order.\"}, {\"id\": \"E\", \"kind\": "
        "\"end\"}],"
        " \"flows\": [[\"S\", \"T\"], [\"T\", \"U\"], [\"U\", \"V\"], [\"V\", \"M\"], [\"M\", "
        "\"E\"]]}");
    static const char *const paths[] = {"nodes[0]",
                                        "nodes[1].inputs[0].source",
                                        "nodes[1].outputs[0].source",
                                        "nodes[2]",
                                        "nodes[2]",
                                        "nodes[4]"};
    json_t *v = validate(ir);

    ck_assert_msg(json_array_size(v) == sizeof paths / sizeof paths[0], "%s", show(v));
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        ck_assert_str_eq(vstr(json_array_get(v, i), "rule"), "ir/feel");
        ck_assert_str_eq(vstr(json_array_get(v, i), "path"), paths[i]);
    }
    json_decref(v);
    json_decref(ir);
}
END_TEST

/* ---- the schema ---- */

/* The action ids of the catalogue, in order, without http.* unless 'http'. */
static json_t *installed_ids(bool http)
{
    json_t *ids = json_array();
    size_t i;
    size_t k;
    const json_t *conn;
    const json_t *a;

    json_array_foreach(json_object_get(catalogue, "connectors"), i, conn)
    {
        json_array_foreach(json_object_get(conn, "actions"), k, a)
        {
            if (http || strcmp(vstr(conn, "name"), "http") != 0) {
                (void)json_array_append(ids, json_object_get(a, "id"));
            }
        }
    }
    return ids;
}

static json_t *action_enum(const json_t *schema)
{
    return json_object_get(json_object_get(json_object_get(schema, "$defs"), "action_id"), "enum");
}

START_TEST(schema_enum_is_the_installed_actions)
{
    struct ordo_err err = {0};
    json_t *schema = NULL;
    json_t *ids = installed_ids(false);
    json_t *all = installed_ids(true);

    ck_assert_uint_gt(json_array_size(all), json_array_size(ids)); /* http is installed */
    ck_assert_int_eq(ordo_ir_schema(catalogue, &no_http, &schema, &err), ORDO_OK);
    ck_assert_msg(json_equal(action_enum(schema), ids), "%s", show(action_enum(schema)));
    ck_assert_str_eq(vstr(schema, "$schema"), "https://json-schema.org/draft/2020-12/schema");
    ck_assert_ptr_nonnull(json_object_get(json_object_get(schema, "properties"), "nodes"));
    json_decref(schema);
    ck_assert_int_eq(ordo_ir_schema(catalogue, &with_http, &schema, &err), ORDO_OK);
    ck_assert_msg(json_equal(action_enum(schema), all), "%s", show(action_enum(schema)));
    json_decref(schema);
    json_decref(ids);
    json_decref(all);
}
END_TEST

START_TEST(no_actions_installed)
{
    struct ordo_err err = {0};
    json_t *empty = json_pack("{s:i, s:[]}", "catalogue_version", 1, "connectors");
    json_t *schema = NULL;
    json_t *ir = load("tests/fixtures/ir/onboarding.json");
    json_t *v;

    ck_assert_int_eq(ordo_ir_schema(empty, &with_http, &schema, &err), ORDO_OK);
    ck_assert_str_eq(json_string_value(json_array_get(action_enum(schema), 0)), ORDO_IR_NO_ACTION);
    ck_assert_uint_eq(json_array_size(action_enum(schema)), 1);
    v = validate_with(ir, empty, &no_http);
    ck_assert_uint_eq(json_array_size(v), 6); /* the six service tasks */
    ck_assert_str_eq(vstr(json_array_get(v, 0), "rule"), "ir/action");
    ck_assert_ptr_nonnull(strstr(vstr(json_array_get(v, 0), "message"), "no connector"));
    json_decref(v);
    json_decref(ir);
    json_decref(schema);
    json_decref(empty);
}
END_TEST

/* ---- bounds ---- */

START_TEST(sizes_are_bounded)
{
    json_t *ir = load("tests/fixtures/ir/onboarding.json");
    json_t *nodes = json_object_get(ir, "nodes");
    json_t *v;
    char *big = malloc(ORDO_IR_MAX_STRING + 2);

    while (json_array_size(nodes) <= ORDO_IR_MAX_NODES) {
        (void)json_array_append_new(nodes, json_integer(0)); /* not even looked at */
    }
    v = validate(ir);
    ck_assert_uint_eq(json_array_size(v), 1);
    ck_assert_str_eq(vstr(json_array_get(v, 0), "rule"), "ir/schema");
    ck_assert_str_eq(vstr(json_array_get(v, 0), "path"), "nodes");
    ck_assert_ptr_nonnull(strstr(vstr(json_array_get(v, 0), "message"), "at most 500"));
    json_decref(v);
    json_decref(ir);

    ir = load("tests/fixtures/ir/onboarding.json");
    memset(big, 'a', ORDO_IR_MAX_STRING + 1);
    big[ORDO_IR_MAX_STRING + 1] = '\0';
    (void)json_object_set_new(json_array_get(json_object_get(ir, "nodes"), 2), "name",
                              json_string(big));
    v = validate(ir);
    ck_assert_uint_eq(json_array_size(v), 1);
    ck_assert_str_eq(vstr(json_array_get(v, 0), "path"), "nodes[2].name");
    ck_assert_str_eq(vstr(json_array_get(v, 0), "element"), "Task_open_ticket");
    json_decref(v);
    big[ORDO_IR_MAX_STRING] = '\0'; /* exactly the bound: fine */
    (void)json_object_set_new(json_array_get(json_object_get(ir, "nodes"), 2), "name",
                              json_string(big));
    assert_valid(ir);
    json_decref(ir);
    free(big);
}
END_TEST

START_TEST(violations_are_capped)
{
    json_t *ir = load("tests/fixtures/ir/onboarding.json");
    json_t *nodes = json_object_get(ir, "nodes");
    json_t *v;
    const char *last;

    /* 13 nodes, each with two unknown keys: 26 violations; then 100 more
     * nodes with one each. */
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        (void)json_object_set_new(json_array_get(nodes, i), "x", json_true());
        (void)json_object_set_new(json_array_get(nodes, i), "y", json_true());
    }
    for (int i = 0; i < 100; i++) {
        (void)json_array_append_new(nodes, json_pack("{s:s}", "id", "Extra"));
    }
    v = validate(ir);
    ck_assert_uint_eq(json_array_size(v), ORDO_IR_MAX_VIOLATIONS);
    last = vstr(json_array_get(v, ORDO_IR_MAX_VIOLATIONS - 1), "message");
    ck_assert_msg(strstr(last, "more violations not listed"), "%s", last);
    json_decref(v);
    json_decref(ir);
}
END_TEST

START_TEST(key_floods_are_cheap)
{
    /* 100000 unknown keys on one node: 50 listed, the rest counted. */
    json_t *ir = load("tests/fixtures/ir/onboarding.json");
    json_t *node = json_array_get(json_object_get(ir, "nodes"), 0);
    json_t *v;
    char key[32];

    for (int i = 0; i < 100000; i++) {
        (void)snprintf(key, sizeof key, "k%d", i);
        (void)json_object_set_new(node, key, json_object());
    }
    v = validate(ir);
    ck_assert_uint_eq(json_array_size(v), ORDO_IR_MAX_VIOLATIONS);
    ck_assert_ptr_nonnull(
        strstr(vstr(json_array_get(v, ORDO_IR_MAX_VIOLATIONS - 1), "message"), "and 99950 more"));
    json_decref(v);
    json_decref(ir);
}
END_TEST

START_TEST(not_an_object)
{
    json_t *ir = json_string("draw me a process");

    assert_only(ir, "ir/schema", NULL);
    json_decref(ir);
}
END_TEST

/* ---- uses ---- */

START_TEST(uses_of_onboarding)
{
    struct ordo_err err = {0};
    json_t *ir = load("tests/fixtures/ir/onboarding.json");
    json_t *uses = NULL;
    json_error_t jerr;
    json_t *want = json_loads(
        "{\"actions\": [\"bamboohr.get_employee\", \"github.invite_to_org\","
        " \"jira.create_issue\", \"slack.post_message\"],"
        " \"credentials\": [],"
        " \"targets\": ["
        "  {\"element\": \"Task_get_employee\", \"action\": \"bamboohr.get_employee\","
        "   \"input\": \"id\", \"source\": \"=string(employee_id)\"},"
        "  {\"element\": \"Task_open_ticket\", \"action\": \"jira.create_issue\","
        "   \"input\": \"project\", \"source\": \"ONB\"},"
        "  {\"element\": \"Task_open_ticket\", \"action\": \"jira.create_issue\","
        "   \"input\": \"summary\", \"source\": \"=\\\"Onboard \\\" + employee_name\"},"
        "  {\"element\": \"Task_remind\", \"action\": \"slack.post_message\","
        "   \"input\": \"channel\", \"source\": \"#general\"},"
        "  {\"element\": \"Task_remind\", \"action\": \"slack.post_message\","
        "   \"input\": \"text\", \"source\": \"=\\\"Please decide on the laptop for \\\" +"
        " employee_name\"},"
        "  {\"element\": \"Task_invite_github\", \"action\": \"github.invite_to_org\","
        "   \"input\": \"email\", \"source\": \"=employee_email\"},"
        "  {\"element\": \"Task_welcome\", \"action\": \"slack.post_message\","
        "   \"input\": \"channel\", \"source\": \"#general\"},"
        "  {\"element\": \"Task_welcome\", \"action\": \"slack.post_message\","
        "   \"input\": \"text\", \"source\": \"=\\\"Welcome, \\\" + employee_name + \\\"!\\\"\"},"
        "  {\"element\": \"Task_tell_declined\", \"action\": \"slack.post_message\","
        "   \"input\": \"channel\", \"source\": \"#it\"},"
        "  {\"element\": \"Task_tell_declined\", \"action\": \"slack.post_message\","
        "   \"input\": \"text\", \"source\": \"=\\\"Laptop declined for \\\" + employee_name\"}],"
        " \"webhooks\": [\"bamboohr-new-hire\"], \"notify\": [\"slack:#general\"]}",
        0, &jerr);

    ck_assert_msg(want != NULL, "%s", jerr.text);
    (void)json_object_set_new(json_array_get(json_object_get(ir, "nodes"), 2), "credential",
                              json_string("jira-main"));
    (void)json_array_append_new(json_object_get(want, "credentials"), json_string("jira-main"));
    ck_assert_int_eq(ordo_ir_uses(ir, &uses, &err), ORDO_OK);
    ck_assert_msg(json_equal(uses, want), "%s", show(uses));
    json_decref(uses);
    json_decref(want);
    json_decref(ir);
}
END_TEST

START_TEST(uses_of_anything)
{
    struct ordo_err err = {0};
    json_t *junk = json_pack("{s:[i, {s:s, s:i, s:[i]}]}", "nodes", 1, "kind", "service_task",
                             "action", 5, "inputs", 3);
    json_t *uses = NULL;

    ck_assert_int_eq(ordo_ir_uses(junk, &uses, &err), ORDO_OK);
    ck_assert_uint_eq(json_array_size(json_object_get(uses, "actions")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(uses, "targets")), 0);
    json_decref(uses);
    json_decref(junk);
}
END_TEST

/* ---- arguments ---- */

START_TEST(null_arguments)
{
    struct ordo_err err = {0};
    json_t *ir = load("tests/fixtures/ir/onboarding.json");
    json_t *out = NULL;
    json_t *not_catalogue = json_pack("{s:i}", "connectors", 3);
    json_t *bad_action =
        json_pack("{s:[{s:s, s:[{s:s}]}]}", "connectors", "name", "x", "actions", "id", "x.y");

    ck_assert_int_eq(ordo_ir_schema(NULL, &no_http, &out, &err), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_schema(catalogue, NULL, &out, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_schema(catalogue, &no_http, NULL, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_schema(not_catalogue, &no_http, &out, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_validate(NULL, catalogue, &no_http, &out, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_validate(ir, NULL, &no_http, &out, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_validate(ir, catalogue, NULL, &out, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_validate(ir, catalogue, &no_http, NULL, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_validate(ir, not_catalogue, &no_http, &out, NULL), ORDO_E_INVAL);
    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_ir_validate(ir, bad_action, &no_http, &out, &err), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "catalogue"));
    ck_assert_int_eq(ordo_ir_uses(NULL, &out, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_ir_uses(ir, NULL, NULL), ORDO_E_INVAL);
    ck_assert_ptr_null(out);
    json_decref(bad_action);
    json_decref(not_catalogue);
    json_decref(ir);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("ir");
    TCase *tc = tcase_create("ir");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, onboarding_is_valid);
    tcase_add_test(tc, each_invalid_fixture_gives_its_rule);
    tcase_add_test(tc, http_action_passes_with_the_opt_in);
    tcase_add_test(tc, refused_action_lists_the_installed_ones);
    tcase_add_test(tc, loops_through_exclusive_gateways_are_valid);
    tcase_add_test(tc, paired_gateways_are_valid);
    tcase_add_test(tc, boundary_timer_paths);
    tcase_add_test(tc, exclusive_join_of_inclusive_split);
    tcase_add_test(tc, starts_and_timers);
    tcase_add_test(tc, rules_come_in_order);
    tcase_add_test(tc, feel_is_parsed_where_it_is_used);
    tcase_add_test(tc, schema_enum_is_the_installed_actions);
    tcase_add_test(tc, no_actions_installed);
    tcase_add_test(tc, sizes_are_bounded);
    tcase_add_test(tc, violations_are_capped);
    tcase_add_test(tc, key_floods_are_cheap);
    tcase_add_test(tc, not_an_object);
    tcase_add_test(tc, uses_of_onboarding);
    tcase_add_test(tc, uses_of_anything);
    tcase_add_test(tc, null_arguments);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
