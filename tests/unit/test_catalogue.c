/*
 * tests/unit/test_catalogue.c - plugins/catalogue.h: the catalogue JSON and
 * the element templates of the fixture's connectors
 * (tests/unit/catalogue_fixture.h). That the templates are valid against
 * Camunda's schema is the oracle's job (tests/oracle/element-templates.js).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "bpmn/feel.h"
#include "plugins/catalogue.h"
#include "plugins/descriptor.h"
#include "tests/unit/catalogue_fixture.h"
#include "tests/unit/check_main.h"

static const struct ordo_connector *const *connectors;
static size_t nconnectors;
static json_t *catalogue;
static json_t *templates;

static void setup(void)
{
    struct ordo_err err = {0};

    connectors = ordo_catalogue_fixture(&nconnectors);
    ck_assert_msg(ordo_catalogue_json(connectors, nconnectors, &catalogue, &err) == ORDO_OK, "%s",
                  err.msg);
    ck_assert_msg(ordo_catalogue_element_templates(connectors, nconnectors, &templates, &err) ==
                      ORDO_OK,
                  "%s", err.msg);
}

static void teardown(void)
{
    json_decref(catalogue);
    json_decref(templates);
    catalogue = NULL;
    templates = NULL;
}

/* ---- helpers ---------------------------------------------------------------- */

static const struct ordo_connector *connector_named(const char *name)
{
    for (size_t i = 0; i < nconnectors; i++) {
        if (strcmp(connectors[i]->name, name) == 0) {
            return connectors[i];
        }
    }
    ck_abort_msg("no connector %s in the fixture", name);
    return NULL;
}

/* Element 'i' of the array 'key' of 'obj'. */
static json_t *nth(const json_t *obj, const char *key, size_t i)
{
    json_t *v = json_array_get(json_object_get(obj, key), i);

    ck_assert_msg(v != NULL, "no %s[%zu]", key, i);
    return v;
}

static const char *text_of(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    ck_assert_msg(s != NULL, "no string %s", key);
    return s;
}

static json_t *catalogue_action(const char *connector, const char *id)
{
    size_t i;
    size_t j;
    json_t *c;
    json_t *a;

    json_array_foreach(json_object_get(catalogue, "connectors"), i, c)
    {
        json_array_foreach(json_object_get(c, "actions"), j, a)
        {
            if (strcmp(text_of(c, "name"), connector) == 0 && strcmp(text_of(a, "id"), id) == 0) {
                return a;
            }
        }
    }
    ck_abort_msg("no action %s in the catalogue", id);
    return NULL;
}

static json_t *template_of(const char *action_id)
{
    char id[128];
    size_t i;
    json_t *t;

    (void)snprintf(id, sizeof(id), "io.ordo.%s", action_id);
    json_array_foreach(templates, i, t)
    {
        if (strcmp(text_of(t, "id"), id) == 0) {
            return t;
        }
    }
    ck_abort_msg("no template %s", id);
    return NULL;
}

/* The property of 't' with this id, or NULL. */
static json_t *property(const json_t *t, const char *id)
{
    size_t i;
    json_t *p;

    json_array_foreach(json_object_get(t, "properties"), i, p)
    {
        if (json_is_string(json_object_get(p, "id")) && strcmp(text_of(p, "id"), id) == 0) {
            return p;
        }
    }
    return NULL;
}

/* The property of 't' bound with binding type 'type', or NULL. */
static json_t *bound(const json_t *t, const char *type)
{
    size_t i;
    json_t *p;

    json_array_foreach(json_object_get(t, "properties"), i, p)
    {
        if (strcmp(text_of(json_object_get(p, "binding"), "type"), type) == 0) {
            return p;
        }
    }
    return NULL;
}

static void assert_json(const json_t *got, const char *want_text)
{
    json_error_t jerr;
    json_t *want = json_loads(want_text, JSON_DECODE_ANY, &jerr);
    char *dump = json_dumps(got, JSON_ENCODE_ANY | JSON_SORT_KEYS);
    bool equal;

    ck_assert_msg(want != NULL, "bad expected JSON: %s", jerr.text);
    equal = json_equal(got, want);
    json_decref(want);
    ck_assert_msg(equal, "got %s, want %s", dump ? dump : "NULL", want_text);
    free(dump);
}

/* ---- the fixture itself ------------------------------------------------------ */

static void assert_in_subset(const char *text, const char *what)
{
    struct ordo_schema *s = NULL;
    struct ordo_err err = {0};
    json_error_t jerr;
    json_t *doc;

    if (!text) {
        return;
    }
    doc = json_loads(text, 0, &jerr);
    ck_assert_msg(doc != NULL, "%s: %s", what, jerr.text);
    ck_assert_msg(ordo_schema_load_ex(doc, ORDO_SCHEMA_OPAQUE, &s, &err) == ORDO_OK, "%s: %s", what,
                  err.msg);
    ordo_schema_free(s);
    json_decref(doc);
}

START_TEST(fixture_schemas_are_what_a_loader_accepts)
{
    for (size_t i = 0; i < nconnectors; i++) {
        const struct ordo_connector *c = connectors[i];

        assert_in_subset(c->config_schema, c->name);
        assert_in_subset(c->credential_schema, c->name);
        for (size_t j = 0; j < c->nactions; j++) {
            assert_in_subset(ordo_descriptor_action(c, j)->input_schema,
                             ordo_descriptor_action(c, j)->id);
            assert_in_subset(ordo_descriptor_action(c, j)->output_schema,
                             ordo_descriptor_action(c, j)->id);
        }
    }
    ck_assert_uint_gt(connector_named("github")->action_size, sizeof(struct ordo_connector_action));
    ck_assert_uint_eq(connector_named("github")->action_size,
                      ordo_catalogue_fixture_newer_stride());
}
END_TEST

/* ---- the catalogue ----------------------------------------------------------- */

START_TEST(catalogue_sorts_connectors_by_name_and_actions_by_id)
{
    json_t *slack = nth(catalogue, "connectors", 1);
    json_t *github = nth(catalogue, "connectors", 0);

    ck_assert_int_eq(json_integer_value(json_object_get(catalogue, "catalogue_version")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(catalogue, "connectors")), 3);
    ck_assert_str_eq(text_of(github, "name"), "github");
    ck_assert_str_eq(text_of(slack, "name"), "slack");
    ck_assert_str_eq(text_of(nth(catalogue, "connectors", 2), "name"), "util");
    ck_assert_str_eq(text_of(nth(slack, "actions", 0), "id"), "slack.add_reaction");
    ck_assert_str_eq(text_of(nth(slack, "actions", 1), "id"), "slack.post_message");
    ck_assert_str_eq(text_of(nth(github, "actions", 0), "id"), "github.close_issue");
    ck_assert_str_eq(text_of(nth(github, "actions", 1), "id"), "github.create_issue");
}
END_TEST

START_TEST(catalogue_carries_the_descriptor)
{
    json_t *slack = nth(catalogue, "connectors", 1);
    json_t *post = catalogue_action("slack", "slack.post_message");
    json_t *react = catalogue_action("slack", "slack.add_reaction");

    ck_assert_str_eq(text_of(slack, "title"), "Slack");
    ck_assert_str_eq(text_of(slack, "version"), "1.2.0");
    ck_assert_str_eq(text_of(slack, "description"), "Messages and reactions in Slack workspaces.");
    assert_json(json_object_get(slack, "keywords"), "[\"chat\", \"messaging\"]");
    ck_assert(json_is_null(json_object_get(slack, "config_schema")));
    ck_assert_str_eq(text_of(post, "title"), "Post a message");
    ck_assert_str_eq(text_of(post, "description"), "Posts a message to a channel.");
    assert_json(json_object_get(post, "keywords"), "[\"send\", \"notify\", \"chat\"]");
    assert_json(json_object_get(post, "bpmn_errors"),
                "[\"channel_not_found\", \"not_in_channel\"]");
    assert_json(json_object_get(json_object_get(post, "output_schema"), "properties"),
                "{\"ts\": {\"type\": \"string\", \"title\": \"Message timestamp\"},"
                " \"channel\": {\"type\": \"string\", \"description\": \"Channel id\"}}");
    assert_json(json_object_get(json_object_get(post, "input_schema"), "required"),
                "[\"channel\", \"text\"]");
    ck_assert_uint_eq(json_object_size(json_object_get(post, "input_schema")), 3);
    /* 0 in the descriptor is the SDK's 30 s. */
    ck_assert_int_eq(json_integer_value(json_object_get(post, "timeout_ms")), 30000);
    ck_assert_int_eq(json_integer_value(json_object_get(react, "timeout_ms")), 5000);
    assert_json(json_object_get(react, "keywords"), "[]");
    assert_json(json_object_get(react, "bpmn_errors"), "[]");
    assert_json(json_object_get(react, "output_schema"),
                "{\"type\": \"object\", \"properties\": {}}");
    assert_json(json_object_get(nth(catalogue, "connectors", 0), "config_schema"),
                "{\"properties\": {\"api_url\": {\"type\": \"string\","
                " \"default\": \"https://api.github.com\"}}}");
}
END_TEST

START_TEST(catalogue_credential_schema_has_fields_and_types_but_no_values)
{
    json_t *slack = nth(catalogue, "connectors", 1);

    assert_json(json_object_get(slack, "credential_schema"),
                "{\"type\": \"object\", \"properties\": {\"token\": {\"type\": \"string\","
                " \"title\": \"Bot token\", \"description\": \"xoxb- token of the Slack app\"}},"
                " \"required\": [\"token\"]}");
    ck_assert(json_is_null(json_object_get(nth(catalogue, "connectors", 2), "credential_schema")));
}
END_TEST

START_TEST(catalogue_fills_what_a_descriptor_leaves_out)
{
    json_t *util = nth(catalogue, "connectors", 2);
    json_t *noop = nth(util, "actions", 0);

    ck_assert_str_eq(text_of(util, "title"), "util");
    ck_assert_str_eq(text_of(util, "description"), "");
    assert_json(json_object_get(util, "keywords"), "[]");
    ck_assert_str_eq(text_of(noop, "title"), "util.noop");
    ck_assert_str_eq(text_of(noop, "description"), "");
    assert_json(json_object_get(noop, "input_schema"),
                "{\"type\": \"object\", \"properties\": {}}");
}
END_TEST

START_TEST(catalogue_reads_a_newer_plugin_at_its_stride)
{
    json_t *github = nth(catalogue, "connectors", 0);
    json_t *create = catalogue_action("github", "github.create_issue");
    json_t *close = catalogue_action("github", "github.close_issue");

    ck_assert_uint_eq(json_array_size(json_object_get(github, "actions")), 2);
    ck_assert_str_eq(text_of(create, "title"), "Create an issue");
    ck_assert_int_eq(json_integer_value(json_object_get(create, "timeout_ms")), 60000);
    assert_json(json_object_get(create, "bpmn_errors"), "[\"repo_not_found\"]");
    ck_assert_str_eq(text_of(close, "title"), "Close an issue");
    ck_assert_int_eq(json_integer_value(json_object_get(close, "timeout_ms")), 10000);
    assert_json(json_object_get(json_object_get(close, "input_schema"), "required"),
                "[\"repo\", \"number\"]");
}
END_TEST

START_TEST(catalogue_refuses_a_schema_that_is_not_json)
{
    static const struct ordo_connector_action bad_action[] = {
        {.id = "bad.act", .input_schema = "{\"properties\": "},
    };
    static const struct ordo_connector bad = {
        .magic = ORDO_CONNECTOR_MAGIC,
        .abi = ORDO_CONNECTOR_ABI,
        .size = (uint32_t)sizeof(struct ordo_connector),
        .action_size = (uint32_t)sizeof(struct ordo_connector_action),
        .name = "bad",
        .actions = bad_action,
        .nactions = 1,
    };
    const struct ordo_connector *list[] = {&bad};
    struct ordo_err err = {0};
    json_t *out = NULL;

    ck_assert_int_eq(ordo_catalogue_json(list, 1, &out, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err.msg, "action \"bad.act\" input_schema: ") == err.msg, "%s", err.msg);
    ck_assert_int_eq(ordo_catalogue_element_templates(list, 1, &out, NULL), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(ordo_catalogue_json(NULL, 1, &out, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_catalogue_element_template(&bad, NULL, &out, NULL), ORDO_E_INVAL);
}
END_TEST

START_TEST(catalogue_of_no_connectors_is_empty)
{
    json_t *out = NULL;

    ck_assert_int_eq(ordo_catalogue_json(NULL, 0, &out, NULL), ORDO_OK);
    assert_json(out, "{\"catalogue_version\": 1, \"connectors\": []}");
    json_decref(out);
    ck_assert_int_eq(ordo_catalogue_element_templates(NULL, 0, &out, NULL), ORDO_OK);
    assert_json(out, "[]");
    json_decref(out);
}
END_TEST

/* ---- element templates ------------------------------------------------------- */

START_TEST(templates_come_one_per_action_in_catalogue_order)
{
    static const char *const order[] = {"github.close_issue", "github.create_issue",
                                        "slack.add_reaction", "slack.post_message", "util.noop"};

    ck_assert_uint_eq(json_array_size(templates), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *t = json_array_get(templates, i);
        json_t *type = bound(t, "zeebe:taskDefinition");

        ck_assert_str_eq(text_of(t, "id") + strlen("io.ordo."), order[i]);
        /* CONTRACTS §1: the job type is the action id. */
        ck_assert_str_eq(text_of(type, "type"), "Hidden");
        ck_assert_str_eq(text_of(json_object_get(type, "binding"), "property"), "type");
        ck_assert_str_eq(text_of(type, "value"), order[i]);
    }
}
END_TEST

START_TEST(template_names_the_action_and_its_connector)
{
    json_t *t = template_of("slack.post_message");

    ck_assert_str_eq(text_of(t, "$schema"), ORDO_CATALOGUE_TEMPLATE_SCHEMA);
    ck_assert_str_eq(text_of(t, "id"), "io.ordo.slack.post_message");
    ck_assert_str_eq(text_of(t, "name"), "Slack: Post a message");
    ck_assert_int_eq(json_integer_value(json_object_get(t, "version")), 1);
    ck_assert_str_eq(text_of(t, "description"),
                     "Posts a message to a channel. BPMN errors: channel_not_found, "
                     "not_in_channel.");
    assert_json(json_object_get(t, "category"), "{\"id\": \"ordo-slack\", \"name\": \"Slack\"}");
    assert_json(json_object_get(t, "keywords"), "[\"send\", \"notify\", \"chat\", \"messaging\"]");
    assert_json(json_object_get(t, "appliesTo"), "[\"bpmn:Task\"]");
    assert_json(json_object_get(t, "elementType"), "{\"value\": \"bpmn:ServiceTask\"}");
    ck_assert_str_eq(text_of(template_of("util.noop"), "name"), "util: util.noop");
}
END_TEST

START_TEST(template_has_one_input_per_field)
{
    json_t *t = template_of("slack.post_message");
    json_t *channel = property(t, "input.channel");
    json_t *footer = property(t, "input.footer");

    ck_assert_ptr_nonnull(channel);
    assert_json(json_object_get(channel, "binding"),
                "{\"type\": \"zeebe:input\", \"name\": \"channel\"}");
    ck_assert_str_eq(text_of(channel, "type"), "String");
    ck_assert_str_eq(text_of(channel, "feel"), "optional");
    ck_assert_str_eq(text_of(channel, "label"), "Channel");
    ck_assert_str_eq(text_of(channel, "description"), "Channel id or #name");
    ck_assert_str_eq(text_of(channel, "group"), "input");
    /* No title: the field's name is the label. */
    ck_assert_str_eq(text_of(footer, "label"), "footer");
    ck_assert_ptr_null(json_object_get(footer, "description"));
    ck_assert_ptr_nonnull(property(t, "input.text"));
    ck_assert_ptr_nonnull(property(t, "input.parse"));
    ck_assert_ptr_nonnull(property(t, "input.blocks"));
    ck_assert_ptr_nonnull(property(t, "input.unfurl"));
}
END_TEST

START_TEST(template_required_field_must_not_be_empty)
{
    json_t *t = template_of("slack.post_message");
    json_t *channel = property(t, "input.channel");
    json_t *blocks = property(t, "input.blocks");

    assert_json(json_object_get(channel, "constraints"), "{\"notEmpty\": true}");
    ck_assert_ptr_null(json_object_get(channel, "optional"));
    ck_assert(json_is_true(json_object_get(blocks, "optional")));
    ck_assert_ptr_null(json_object_get(blocks, "constraints"));
}
END_TEST

START_TEST(template_enum_is_a_dropdown_with_its_choices)
{
    json_t *parse = property(template_of("slack.post_message"), "input.parse");
    json_t *priority = property(template_of("github.create_issue"), "input.priority");

    ck_assert_str_eq(text_of(parse, "type"), "Dropdown");
    ck_assert_ptr_null(json_object_get(parse, "feel"));
    /* Optional: a choice to leave it unset comes first. */
    assert_json(json_object_get(parse, "choices"),
                "[{\"name\": \"(not set)\", \"value\": \"\"}, {\"name\": \"none\", \"value\": "
                "\"none\"}, {\"name\": \"full\", \"value\": \"full\"}]");
    ck_assert_str_eq(text_of(parse, "value"), "none");
    /* Numbers are FEEL, so that they arrive as numbers; required: no unset. */
    ck_assert_str_eq(text_of(priority, "type"), "Dropdown");
    assert_json(json_object_get(priority, "choices"),
                "[{\"name\": \"1\", \"value\": \"=1\"}, {\"name\": \"2\", \"value\": \"=2\"},"
                " {\"name\": \"3\", \"value\": \"=3\"}]");
    ck_assert_str_eq(text_of(priority, "value"), "=2");
    assert_json(json_object_get(priority, "constraints"), "{\"notEmpty\": true}");
}
END_TEST

START_TEST(template_carries_defaults_in_the_field_type)
{
    json_t *post = template_of("slack.post_message");
    json_t *create = template_of("github.create_issue");
    json_t *unfurl = property(post, "input.unfurl");
    json_t *footer = property(post, "input.footer");
    json_t *estimate = property(create, "input.estimate");
    json_t *due = property(create, "input.due");

    ck_assert_str_eq(text_of(unfurl, "type"), "Boolean");
    ck_assert(json_is_true(json_object_get(unfurl, "value")));
    ck_assert_str_eq(text_of(estimate, "type"), "Number");
    ck_assert_str_eq(text_of(estimate, "feel"), "optional");
    ck_assert(json_real_value(json_object_get(estimate, "value")) == 1.5);
    /* A plain string that starts with "=" would be read as FEEL. */
    ck_assert_str_eq(text_of(footer, "value"), "=\"=not FEEL\"");
    ck_assert_str_eq(text_of(due, "placeholder"), "2026-01-31");
    ck_assert_ptr_null(json_object_get(due, "value"));
}
END_TEST

START_TEST(template_opaque_field_takes_feel)
{
    json_t *create = template_of("github.create_issue");
    json_t *labels = property(create, "input.labels");
    json_t *fields = property(create, "input.fields");

    ck_assert_str_eq(text_of(labels, "type"), "Text");
    ck_assert_str_eq(text_of(labels, "feel"), "required");
    ck_assert_str_eq(text_of(labels, "placeholder"), "=[\"value\"]");
    ck_assert_ptr_null(json_object_get(labels, "value"));
    ck_assert_str_eq(text_of(fields, "type"), "Text");
    ck_assert_str_eq(text_of(fields, "value"), "={\"team\": \"core\"}");
}
END_TEST

/* What the engine makes of a FEEL value the template writes ("=..."). */
static json_t *feel_value(const char *text)
{
    struct ordo_arena *arena = ordo_arena_new();
    const struct ordo_feel_expr *expr = NULL;
    struct ordo_feel_env env = {0};
    struct ordo_err err = {0};
    json_t *out = NULL;

    ck_assert_msg(text[0] == '=', "not FEEL: %s", text);
    ck_assert_msg(ordo_feel_compile(arena, text + 1, strlen(text + 1), NULL, &expr, &err) ==
                      ORDO_OK,
                  "%s: %s", text, err.msg);
    ck_assert_msg(ordo_feel_eval(expr, &env, &out, &err) == ORDO_OK, "%s: %s", text, err.msg);
    ordo_arena_free(arena);
    return out;
}

static void assert_feel_gives(const char *text, const char *want)
{
    json_t *got = feel_value(text);

    assert_json(got, want);
    json_decref(got);
}

START_TEST(template_feel_values_are_the_schema_values)
{
    json_t *priority = property(template_of("github.create_issue"), "input.priority");
    json_t *fields = property(template_of("github.create_issue"), "input.fields");
    json_t *footer = property(template_of("slack.post_message"), "input.footer");

    /* The engine evaluates them as Ordo's FEEL: the values arrive with the
     * schema's types. */
    assert_feel_gives(text_of(nth(priority, "choices", 0), "value"), "1");
    assert_feel_gives(text_of(priority, "value"), "2");
    assert_feel_gives(text_of(fields, "value"), "{\"team\": \"core\"}");
    assert_feel_gives(text_of(footer, "value"), "\"=not FEEL\"");
}
END_TEST

START_TEST(template_credential_is_a_task_header)
{
    json_t *cred = property(template_of("slack.add_reaction"), "credential");

    ck_assert_ptr_nonnull(cred);
    assert_json(json_object_get(cred, "binding"),
                "{\"type\": \"zeebe:taskHeader\", \"key\": \"ordo:credential\"}");
    ck_assert_str_eq(text_of(cred, "type"), "String");
    ck_assert_str_eq(text_of(cred, "group"), "credential");
    assert_json(json_object_get(cred, "constraints"), "{\"notEmpty\": true}");
    /* github has a config schema and a secret; util neither. */
    ck_assert_ptr_nonnull(property(template_of("github.close_issue"), "credential"));
    ck_assert_ptr_null(property(template_of("util.noop"), "credential"));
    ck_assert_ptr_null(bound(template_of("util.noop"), "zeebe:taskHeader"));
}
END_TEST

START_TEST(template_maps_each_output_field_to_a_variable)
{
    json_t *post = template_of("slack.post_message");
    json_t *ts = property(post, "output.ts");

    ck_assert_ptr_nonnull(ts);
    assert_json(json_object_get(ts, "binding"),
                "{\"type\": \"zeebe:output\", \"source\": \"=ts\"}");
    ck_assert_str_eq(text_of(ts, "value"), "ts");
    ck_assert_str_eq(text_of(ts, "label"), "Message timestamp");
    ck_assert(json_is_true(json_object_get(ts, "optional")));
    ck_assert_ptr_nonnull(property(post, "output.channel"));
    /* "state-after" is no FEEL name: no outputs at all, the result merges whole. */
    ck_assert_ptr_null(bound(template_of("github.close_issue"), "zeebe:output"));
    ck_assert_ptr_null(bound(template_of("slack.add_reaction"), "zeebe:output"));
}
END_TEST

START_TEST(template_groups_are_those_in_use)
{
    json_t *post = template_of("slack.post_message");
    json_t *noop = template_of("util.noop");
    json_t *retries = property(noop, "retries");

    assert_json(json_object_get(noop, "groups"),
                "[{\"id\": \"errors\", \"label\": \"Errors and retries\"}]");
    ck_assert_uint_eq(json_array_size(json_object_get(post, "groups")), 4);
    ck_assert_str_eq(text_of(nth(post, "groups", 0), "id"), "credential");
    ck_assert_str_eq(text_of(nth(post, "groups", 1), "id"), "input");
    ck_assert_str_eq(text_of(nth(post, "groups", 2), "id"), "output");
    ck_assert_str_eq(text_of(nth(post, "groups", 3), "id"), "errors");
    ck_assert_msg(strstr(text_of(nth(post, "groups", 3), "tooltip"),
                         "channel_not_found, not_in_channel") != NULL,
                  "the errors group lists the BPMN errors");
    ck_assert_str_eq(text_of(retries, "value"), "3");
    assert_json(json_object_get(retries, "binding"),
                "{\"type\": \"zeebe:taskDefinition\", \"property\": \"retries\"}");
}
END_TEST

START_TEST(template_of_one_action_reads_a_newer_plugin_at_its_stride)
{
    const struct ordo_connector *github = connector_named("github");
    const struct ordo_connector_action *second = ordo_descriptor_action(github, 1);
    struct ordo_err err = {0};
    json_t *t = NULL;

    /* The plugin's stride, not sizeof(struct ordo_connector_action). */
    ck_assert_uint_eq((size_t)((const char *)second - (const char *)github->actions),
                      ordo_catalogue_fixture_newer_stride());
    ck_assert_msg(ordo_catalogue_element_template(github, second, &t, &err) == ORDO_OK, "%s",
                  err.msg);
    ck_assert_str_eq(text_of(t, "id"), "io.ordo.github.close_issue");
    ck_assert_str_eq(text_of(bound(t, "zeebe:taskDefinition"), "value"), "github.close_issue");
    ck_assert_ptr_nonnull(property(t, "input.number"));
    json_decref(t);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("catalogue");
    TCase *json = tcase_create("json");
    TCase *tmpl = tcase_create("templates");

    tcase_add_checked_fixture(json, setup, teardown);
    tcase_add_test(json, fixture_schemas_are_what_a_loader_accepts);
    tcase_add_test(json, catalogue_sorts_connectors_by_name_and_actions_by_id);
    tcase_add_test(json, catalogue_carries_the_descriptor);
    tcase_add_test(json, catalogue_credential_schema_has_fields_and_types_but_no_values);
    tcase_add_test(json, catalogue_fills_what_a_descriptor_leaves_out);
    tcase_add_test(json, catalogue_reads_a_newer_plugin_at_its_stride);
    tcase_add_test(json, catalogue_refuses_a_schema_that_is_not_json);
    tcase_add_test(json, catalogue_of_no_connectors_is_empty);
    suite_add_tcase(s, json);
    tcase_add_checked_fixture(tmpl, setup, teardown);
    tcase_add_test(tmpl, templates_come_one_per_action_in_catalogue_order);
    tcase_add_test(tmpl, template_names_the_action_and_its_connector);
    tcase_add_test(tmpl, template_has_one_input_per_field);
    tcase_add_test(tmpl, template_required_field_must_not_be_empty);
    tcase_add_test(tmpl, template_enum_is_a_dropdown_with_its_choices);
    tcase_add_test(tmpl, template_carries_defaults_in_the_field_type);
    tcase_add_test(tmpl, template_opaque_field_takes_feel);
    tcase_add_test(tmpl, template_feel_values_are_the_schema_values);
    tcase_add_test(tmpl, template_credential_is_a_task_header);
    tcase_add_test(tmpl, template_maps_each_output_field_to_a_variable);
    tcase_add_test(tmpl, template_groups_are_those_in_use);
    tcase_add_test(tmpl, template_of_one_action_reads_a_newer_plugin_at_its_stride);
    suite_add_tcase(s, tmpl);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
