/*
 * plugins/catalogue.c - the catalogue of installed actions and their
 * Camunda 8 element templates (plugins/catalogue.h).
 *
 * How an input field becomes a template property (the element template
 * schema's own rules, checked by tests/oracle/element-templates.js):
 *
 *   enum             Dropdown; a string choice is written as it is, any
 *                    other value as a FEEL literal ("=2"), so a number
 *                    reaches the connector as a number
 *   string           String, FEEL optional; the format picks a placeholder
 *   number, integer  Number, FEEL optional (Camunda Modeler writes "=42")
 *   boolean          Boolean, FEEL optional (written "=true")
 *   object, array    Text, FEEL required: the value is a FEEL context or list
 *
 * A required field gets constraints.notEmpty (a Boolean cannot be empty and
 * gets nothing), an optional one "optional": true, so Camunda Modeler
 * writes no mapping for it while it is empty. A default becomes the value.
 * A plain string that starts with "=" would be read as FEEL, so such a
 * default or choice is written as a FEEL string literal instead.
 *
 * Outputs: each top-level field of the output schema becomes a zeebe:output
 * "=field" -> variable, with the field's name as the default variable, so
 * the template as it comes changes nothing (Zeebe and Ordo merge a job's
 * result the same way without mappings) and a modeller can rename or drop
 * a field. With output mappings only the mapped fields reach the process,
 * so when any field name cannot be written as a plain FEEL name the
 * template maps none.
 */
#include "plugins/catalogue.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/text.h"
#include "plugins/descriptor.h"
#include "plugins/loader.h"

#define DEFAULT_RETRIES "3" /* the engine's default (core/graph_ext.c) */
#define WHAT_SIZE       256

/* ---- small builders ------------------------------------------------------ */

static void set(json_t *obj, const char *key, json_t *value)
{
    (void)json_object_set_new(obj, key, value);
}

static void append(json_t *arr, json_t *value)
{
    (void)json_array_append_new(arr, value);
}

/* 's' (NULL: 'fallback') as a JSON string; a plugin's text that is not
 * UTF-8 is repaired rather than lost. */
static json_t *str(const char *s, const char *fallback)
{
    struct ordo_arena *arena;
    json_t *j;

    s = s ? s : fallback;
    j = json_string(s);
    if (!j) {
        arena = ordo_arena_new();
        j = json_string(ordo_utf8_repair(arena, s));
        ordo_arena_free(arena);
    }
    return j;
}

/* A NULL-terminated list (NULL: none) as an array of strings. */
static json_t *str_list(const char *const *list)
{
    json_t *arr = json_array();

    for (; list && *list; list++) {
        append(arr, str(*list, ""));
    }
    return arr;
}

static json_t *empty_schema(void)
{
    return json_pack("{s:s, s:{}}", "type", "object", "properties");
}

/* Text from a printf-style format, as a JSON string. */
static json_t *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *strf(const char *fmt, ...)
{
    struct ordo_arena *arena = ordo_arena_new();
    va_list ap;
    json_t *j;

    va_start(ap, fmt);
    j = str(ordo_arena_vprintf(arena, fmt, ap), "");
    va_end(ap);
    ordo_arena_free(arena);
    return j;
}

/* 'value' as a FEEL expression: "=" and its JSON text, which FEEL reads as
 * the same string, number, boolean, null, list or context (but for a real
 * number so large or small that its JSON text has an exponent, which FEEL
 * lacks). */
static json_t *feel_literal(const json_t *value)
{
    char *text = json_dumps(value, JSON_ENCODE_ANY);
    json_t *j = strf("=%s", text ? text : "null");

    free(text);
    return j;
}

/* A plain string value, unless it would be taken for FEEL. */
static json_t *static_text(const json_t *value)
{
    const char *s = json_string_value(value);

    while (s && ordo_is_space((unsigned char)*s)) {
        s++;
    }
    return s && *s == '=' ? feel_literal(value) : json_deep_copy(value);
}

/* ---- schemas -------------------------------------------------------------- */

/* The schema text 'text' of 'what' ("action \"x.y\" input_schema") as a
 * new object; NULL text gives JSON null. */
static enum ordo_code parse_schema(const char *text, const char *what, json_t **out,
                                   struct ordo_err *err)
{
    struct ordo_err perr = {0};
    json_t *doc;

    if (!text) {
        *out = json_null();
        return ORDO_OK;
    }
    if (ordo_json_parse(text, strlen(text), NULL, &doc, &perr) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s: %s", what, perr.msg);
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s is not a JSON object", what);
    }
    *out = doc;
    return ORDO_OK;
}

/* Both schemas of an action; a missing one is the empty object schema. */
static enum ordo_code action_schemas(const struct ordo_connector_action *a, json_t **in,
                                     json_t **outs, struct ordo_err *err)
{
    char what[WHAT_SIZE];
    enum ordo_code rc;

    (void)snprintf(what, sizeof(what), "action \"%s\" input_schema", a->id);
    rc = parse_schema(a->input_schema, what, in, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    (void)snprintf(what, sizeof(what), "action \"%s\" output_schema", a->id);
    rc = parse_schema(a->output_schema, what, outs, err);
    if (rc != ORDO_OK) {
        json_decref(*in);
        return rc;
    }
    if (json_is_null(*in)) {
        *in = empty_schema();
    }
    if (json_is_null(*outs)) {
        *outs = empty_schema();
    }
    return ORDO_OK;
}

/* What a credential form needs of the secret's schema: field names and
 * types, no values (a default could be a real token). */
static json_t *credential_fields(const json_t *schema)
{
    static const char *const keep[] = {"type", "title", "description", "format"};
    json_t *out = json_pack("{s:s}", "type", "object");
    json_t *props = json_object();
    const json_t *required = json_object_get(schema, "required");
    const char *name;
    json_t *field;

    json_object_foreach(json_object_get(schema, "properties"), name, field)
    {
        json_t *f = json_object();

        for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
            const json_t *v = json_object_get(field, keep[i]);

            if (v) {
                set(f, keep[i], json_deep_copy(v));
            }
        }
        set(props, name, f);
    }
    set(out, "properties", props);
    if (json_is_array(required)) {
        set(out, "required", json_deep_copy(required));
    }
    return out;
}

/* ---- order ---------------------------------------------------------------- */

/* One thing to sort by name; the index keeps equal names in input order. */
struct sorted {
    const void *item;
    const char *key;
    size_t index;
};

static int compare_sorted(const void *pa, const void *pb)
{
    const struct sorted *a = pa;
    const struct sorted *b = pb;
    int c = strcmp(a->key, b->key);

    if (c != 0) {
        return c;
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

static struct sorted *sort_connectors(struct ordo_arena *arena,
                                      const struct ordo_connector *const *connectors, size_t n)
{
    struct sorted *v = ordo_arena_calloc(arena, n ? n : 1, sizeof(*v));

    for (size_t i = 0; i < n; i++) {
        v[i] = (struct sorted){connectors[i], connectors[i]->name ? connectors[i]->name : "", i};
    }
    qsort(v, n, sizeof(*v), compare_sorted);
    return v;
}

static struct sorted *sort_actions(struct ordo_arena *arena, const struct ordo_connector *c)
{
    struct sorted *v = ordo_arena_calloc(arena, c->nactions ? c->nactions : 1, sizeof(*v));

    for (size_t i = 0; i < c->nactions; i++) {
        const struct ordo_connector_action *a = ordo_descriptor_action(c, i);

        v[i] = (struct sorted){a, a->id ? a->id : "", i};
    }
    qsort(v, c->nactions, sizeof(*v), compare_sorted);
    return v;
}

/* ---- the catalogue -------------------------------------------------------- */

static enum ordo_code action_json(const struct ordo_connector_action *a, json_t **out,
                                  struct ordo_err *err)
{
    json_t *in = NULL;
    json_t *outs = NULL;
    json_t *o;
    enum ordo_code rc = action_schemas(a, &in, &outs, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    o = json_object();
    set(o, "id", str(a->id, ""));
    set(o, "title", str(a->title, a->id));
    set(o, "description", str(a->description, ""));
    set(o, "keywords", str_list(a->keywords));
    set(o, "input_schema", in);
    set(o, "output_schema", outs);
    set(o, "bpmn_errors", str_list(a->bpmn_errors));
    set(o, "timeout_ms",
        json_integer(a->timeout_ms ? (json_int_t)a->timeout_ms
                                   : (json_int_t)ORDO_PLUGIN_DEFAULT_TIMEOUT_MS));
    *out = o;
    return ORDO_OK;
}

/* The connector's own fields, schemas included. */
static enum ordo_code connector_head(const struct ordo_connector *c, json_t **out,
                                     struct ordo_err *err)
{
    char what[WHAT_SIZE];
    json_t *config = NULL;
    json_t *secret = NULL;
    json_t *o;
    enum ordo_code rc;

    (void)snprintf(what, sizeof(what), "connector \"%s\" config_schema", c->name);
    rc = parse_schema(c->config_schema, what, &config, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    (void)snprintf(what, sizeof(what), "connector \"%s\" credential_schema", c->name);
    rc = parse_schema(c->credential_schema, what, &secret, err);
    if (rc != ORDO_OK) {
        json_decref(config);
        return rc;
    }
    o = json_object();
    set(o, "name", str(c->name, ""));
    set(o, "title", str(c->title, c->name));
    set(o, "version", str(c->version, ""));
    set(o, "description", str(c->description, ""));
    set(o, "keywords", str_list(c->keywords));
    set(o, "config_schema", config);
    set(o, "credential_schema", json_is_null(secret) ? json_null() : credential_fields(secret));
    json_decref(secret);
    *out = o;
    return ORDO_OK;
}

static enum ordo_code connector_json(struct ordo_arena *arena, const struct ordo_connector *c,
                                     json_t **out, struct ordo_err *err)
{
    const struct sorted *order = sort_actions(arena, c);
    json_t *actions = json_array();
    json_t *o = NULL;
    enum ordo_code rc = connector_head(c, &o, err);

    for (size_t i = 0; rc == ORDO_OK && i < c->nactions; i++) {
        json_t *a = NULL;

        rc = action_json(order[i].item, &a, err);
        if (rc == ORDO_OK) {
            append(actions, a);
        }
    }
    if (rc != ORDO_OK) {
        json_decref(actions);
        json_decref(o);
        return rc;
    }
    set(o, "actions", actions);
    *out = o;
    return ORDO_OK;
}

enum ordo_code ordo_catalogue_json(const struct ordo_connector *const *connectors, size_t n,
                                   json_t **out, struct ordo_err *err)
{
    struct ordo_arena *arena;
    const struct sorted *order;
    json_t *list;
    enum ordo_code rc = ORDO_OK;

    if (!out || (n && !connectors)) {
        return ordo_err_set(err, ORDO_E_INVAL, "no connectors or no place for the catalogue");
    }
    arena = ordo_arena_new();
    order = sort_connectors(arena, connectors, n);
    list = json_array();
    for (size_t i = 0; rc == ORDO_OK && i < n; i++) {
        json_t *c = NULL;

        rc = connector_json(arena, order[i].item, &c, err);
        if (rc == ORDO_OK) {
            append(list, c);
        }
    }
    ordo_arena_free(arena);
    if (rc != ORDO_OK) {
        json_decref(list);
        return rc;
    }
    *out = json_pack("{s:i, s:o}", "catalogue_version", ORDO_CATALOGUE_VERSION, "connectors", list);
    return ORDO_OK;
}

/* ---- element templates: inputs ------------------------------------------- */

static bool is_required(const json_t *schema, const char *name)
{
    size_t i;
    json_t *v;

    json_array_foreach(json_object_get(schema, "required"), i, v)
    {
        if (ordo_streq(json_string_value(v), name)) {
            return true;
        }
    }
    return false;
}

/* A choice's label: a string as it is, anything else as JSON text. */
static json_t *choice_name(const json_t *value)
{
    char *text;
    json_t *j;

    if (json_is_string(value)) {
        return json_deep_copy(value);
    }
    text = json_dumps(value, JSON_ENCODE_ANY);
    j = str(text, "");
    free(text);
    return j;
}

/* A choice's value: a string stays text, anything else is FEEL so that
 * its type survives the mapping. */
static json_t *choice_value(const json_t *value)
{
    return json_is_string(value) ? static_text(value) : feel_literal(value);
}

static void dropdown(json_t *p, const json_t *values, const json_t *def, bool required)
{
    json_t *choices = json_array();
    size_t i;
    json_t *v;

    /* An optional field can be left unset: Camunda Modeler then writes no
     * mapping for it. */
    if (!required) {
        append(choices, json_pack("{s:s, s:s}", "name", "(not set)", "value", ""));
    }
    json_array_foreach(values, i, v)
    {
        append(choices, json_pack("{s:o, s:o}", "name", choice_name(v), "value", choice_value(v)));
    }
    set(p, "type", json_string("Dropdown"));
    if (def) {
        set(p, "value", choice_value(def));
    }
    set(p, "choices", choices);
}

static const char *placeholder(const char *type, const char *format)
{
    if (ordo_streq(type, "object")) {
        return "={\"name\": \"value\"}";
    }
    if (ordo_streq(type, "array")) {
        return "=[\"value\"]";
    }
    if (ordo_streq(format, "date")) {
        return "2026-01-31";
    }
    if (ordo_streq(format, "date-time")) {
        return "2026-01-31T09:00:00Z";
    }
    return ordo_streq(format, "email") ? "name@example.com" : NULL;
}

/* The template property type of a schema type. */
static const char *property_type(const char *type)
{
    if (ordo_streq(type, "object") || ordo_streq(type, "array")) {
        return "Text";
    }
    if (ordo_streq(type, "number") || ordo_streq(type, "integer")) {
        return "Number";
    }
    return ordo_streq(type, "boolean") ? "Boolean" : "String";
}

/* Does the default 'def' fit a property of template type 'kind'? */
static bool default_fits(const char *kind, const json_t *def)
{
    if (ordo_streq(kind, "Number")) {
        return json_is_number(def);
    }
    if (ordo_streq(kind, "Boolean")) {
        return json_is_boolean(def);
    }
    return ordo_streq(kind, "Text") ? def != NULL : json_is_string(def);
}

/* Type, value and FEEL mode of a field without enum. */
static void scalar(json_t *p, const json_t *field, const json_t *def)
{
    const char *type = json_string_value(json_object_get(field, "type"));
    const char *hint = placeholder(type, json_string_value(json_object_get(field, "format")));
    const char *kind = property_type(type);
    bool text = ordo_streq(kind, "Text");

    set(p, "type", json_string(kind));
    if (default_fits(kind, def)) {
        if (text) {
            set(p, "value", feel_literal(def));
        } else {
            set(p, "value", json_is_string(def) ? static_text(def) : json_deep_copy(def));
        }
    }
    if (hint) {
        set(p, "placeholder", json_string(hint));
    }
    /* An object or a list can only be given as FEEL. */
    set(p, "feel", json_string(text ? "required" : "optional"));
}

static json_t *input_property(const json_t *schema, const char *name, const json_t *field)
{
    const json_t *values = json_object_get(field, "enum");
    const json_t *def = json_object_get(field, "default");
    const json_t *title = json_object_get(field, "title");
    const json_t *about = json_object_get(field, "description");
    bool required = is_required(schema, name);
    json_t *p = json_object();

    set(p, "id", strf("input.%s", name));
    set(p, "label", json_is_string(title) ? json_deep_copy(title) : json_string(name));
    if (json_is_string(about)) {
        set(p, "description", json_deep_copy(about));
    }
    if (json_is_array(values)) {
        dropdown(p, values, def, required);
    } else {
        scalar(p, field, def);
    }
    set(p, "group", json_string("input"));
    if (!required) {
        set(p, "optional", json_true());
    } else if (!ordo_streq(json_string_value(json_object_get(p, "type")), "Boolean")) {
        set(p, "constraints", json_pack("{s:b}", "notEmpty", 1));
    }
    set(p, "binding", json_pack("{s:s, s:s}", "type", "zeebe:input", "name", name));
    return p;
}

static size_t add_inputs(json_t *props, const json_t *schema)
{
    const char *name;
    json_t *field;
    size_t n = 0;

    json_object_foreach(json_object_get(schema, "properties"), name, field)
    {
        append(props, input_property(schema, name, field));
        n++;
    }
    return n;
}

/* ---- element templates: outputs, credential, retries ---------------------- */

/* Can 'name' stand alone in FEEL ("=name" reads that variable)? */
static bool is_feel_name(const char *name)
{
    static const char *const reserved[] = {"and",      "between",   "else",     "every", "external",
                                           "false",    "for",       "function", "if",    "in",
                                           "instance", "not",       "null",     "of",    "or",
                                           "return",   "satisfies", "some",     "then",  "true"};

    if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_')) {
        return false;
    }
    for (const char *s = name; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              ordo_is_digit((unsigned char)*s))) {
            return false;
        }
    }
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        if (strcmp(name, reserved[i]) == 0) {
            return false;
        }
    }
    return true;
}

static json_t *output_property(const char *name, const json_t *field)
{
    const char *about = json_string_value(json_object_get(field, "description"));
    const json_t *title = json_object_get(field, "title");
    size_t len = about ? strlen(about) : 0;
    const char *gap = ". "; /* between the field's description and ours */
    json_t *p = json_object();

    if (len == 0) {
        about = gap = "";
    } else if (about[len - 1] == '.') {
        gap = " ";
    }

    set(p, "id", strf("output.%s", name));
    set(p, "label", json_is_string(title) ? json_deep_copy(title) : json_string(name));
    set(p, "description",
        strf("%s%sThe process variable that receives \"%s\"; leave it empty to drop the field.",
             about, gap, name));
    set(p, "type", json_string("String"));
    set(p, "value", json_string(name));
    set(p, "group", json_string("output"));
    set(p, "optional", json_true());
    set(p, "binding", json_pack("{s:s, s:o}", "type", "zeebe:output", "source", strf("=%s", name)));
    return p;
}

/* One output mapping per top-level output field, or none at all (see the
 * top of the file). */
static size_t add_outputs(json_t *props, const json_t *schema)
{
    json_t *fields = json_object_get(schema, "properties");
    const char *name;
    json_t *field;
    size_t n = 0;

    json_object_foreach(fields, name, field)
    {
        if (!is_feel_name(name)) {
            return 0;
        }
    }
    json_object_foreach(fields, name, field)
    {
        append(props, output_property(name, field));
        n++;
    }
    return n;
}

/* A connector with a credential or configuration schema is called with a
 * named credential. */
static bool takes_credential(const struct ordo_connector *c)
{
    return c->credential_schema || c->config_schema;
}

/* The credential as a zeebe:taskHeaders entry: Camunda Modeler writes an
 * element template's "property" binding of a foreign attribute
 * (ordo:credential) only when the diagram already declares the namespace,
 * and drops it silently otherwise (docs/connectors-catalogue.md). */
static json_t *credential_property(const struct ordo_connector *c)
{
    json_t *p = json_object();

    set(p, "id", json_string("credential"));
    set(p, "label", json_string("Credential"));
    set(p, "description",
        strf("The name of a credential for %s stored in Ordo (the same as ordo:credential).",
             c->title ? c->title : c->name));
    set(p, "type", json_string("String"));
    set(p, "group", json_string("credential"));
    set(p, "constraints", json_pack("{s:b}", "notEmpty", 1));
    set(p, "binding",
        json_pack("{s:s, s:s}", "type", "zeebe:taskHeader", "key",
                  ORDO_CATALOGUE_CREDENTIAL_HEADER));
    return p;
}

static json_t *retries_property(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:b, s:{s:s, s:s}}, s:{s:s, s:s}}", "id",
                     "retries", "label", "Retries", "description",
                     "Attempts before the job becomes an incident.", "type", "String", "value",
                     DEFAULT_RETRIES, "group", "errors", "constraints", "notEmpty", 1, "pattern",
                     "value", "^[0-9]+$", "message", "Must be a whole number.", "binding", "type",
                     "zeebe:taskDefinition", "property", "retries");
}

/* "a, b, c" */
static void join(struct ordo_buf *b, const char *const *list)
{
    for (const char *const *s = list; s && *s; s++) {
        ordo_buf_printf(b, "%s%s", s == list ? "" : ", ", *s);
    }
}

/* ---- element templates ---------------------------------------------------- */

static void add_unique(json_t *arr, const char *const *list)
{
    for (; list && *list; list++) {
        bool seen = false;
        size_t i;
        json_t *v;

        json_array_foreach(arr, i, v)
        {
            seen = seen || ordo_streq(json_string_value(v), *list);
        }
        if (!seen) {
            append(arr, str(*list, ""));
        }
    }
}

static json_t *template_head(const struct ordo_connector *c, const struct ordo_connector_action *a)
{
    const char *title = c->title ? c->title : c->name;
    struct ordo_buf b = ORDO_BUF_INIT;
    json_t *keywords = str_list(a->keywords);
    json_t *t = json_object();

    set(t, "$schema", json_string(ORDO_CATALOGUE_TEMPLATE_SCHEMA));
    set(t, "name", strf("%s: %s", title, a->title ? a->title : a->id));
    set(t, "id", strf(ORDO_CATALOGUE_TEMPLATE_ID_PREFIX "%s", a->id));
    set(t, "version", json_integer(ORDO_CATALOGUE_TEMPLATE_VERSION));
    /* Errors are caught with boundary events, so they are documentation. */
    ordo_buf_puts(&b, a->description ? a->description : "");
    if (a->bpmn_errors && *a->bpmn_errors) {
        ordo_buf_puts(&b, b.len ? " BPMN errors: " : "BPMN errors: ");
        join(&b, a->bpmn_errors);
        ordo_buf_putc(&b, '.');
    }
    set(t, "description", str(ordo_buf_cstr(&b), ""));
    ordo_buf_cleanup(&b);
    set(t, "category",
        json_pack("{s:o, s:o}", "id", strf("ordo-%s", c->name), "name", str(title, "")));
    add_unique(keywords, c->keywords);
    set(t, "keywords", keywords);
    set(t, "appliesTo", json_pack("[s]", "bpmn:Task"));
    set(t, "elementType", json_pack("{s:s}", "value", "bpmn:ServiceTask"));
    return t;
}

static json_t *group(const char *id, const char *label)
{
    return json_pack("{s:s, s:s}", "id", id, "label", label);
}

/* The groups that have properties, in the order the panel shows them. */
static json_t *template_groups(const struct ordo_connector_action *a, bool credential,
                               size_t inputs, size_t outputs)
{
    json_t *groups = json_array();
    json_t *errors = group("errors", "Errors and retries");
    struct ordo_buf b = ORDO_BUF_INIT;

    if (credential) {
        append(groups, group("credential", "Credential"));
    }
    if (inputs) {
        append(groups, group("input", "Input"));
    }
    if (outputs) {
        append(groups, group("output", "Output"));
    }
    if (a->bpmn_errors && *a->bpmn_errors) {
        ordo_buf_puts(&b, "BPMN errors this action may raise: ");
        join(&b, a->bpmn_errors);
        ordo_buf_puts(&b, ". Catch them with an error boundary event on the task.");
        set(errors, "tooltip", str(ordo_buf_cstr(&b), ""));
        ordo_buf_cleanup(&b);
    }
    append(groups, errors);
    return groups;
}

enum ordo_code ordo_catalogue_element_template(const struct ordo_connector *c,
                                               const struct ordo_connector_action *a, json_t **out,
                                               struct ordo_err *err)
{
    json_t *in = NULL;
    json_t *outs = NULL;
    json_t *props;
    json_t *t;
    size_t inputs;
    size_t outputs;
    enum ordo_code rc;

    if (!c || !a || !out) {
        return ordo_err_set(err, ORDO_E_INVAL, "no connector, action or place for the template");
    }
    rc = action_schemas(a, &in, &outs, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    t = template_head(c, a);
    props = json_array();
    /* CONTRACTS §1: the job type is the action id. */
    append(props, json_pack("{s:s, s:o, s:{s:s, s:s}}", "type", "Hidden", "value", str(a->id, ""),
                            "binding", "type", "zeebe:taskDefinition", "property", "type"));
    if (takes_credential(c)) {
        append(props, credential_property(c));
    }
    inputs = add_inputs(props, in);
    outputs = add_outputs(props, outs);
    append(props, retries_property());
    set(t, "groups", template_groups(a, takes_credential(c), inputs, outputs));
    set(t, "properties", props);
    json_decref(in);
    json_decref(outs);
    *out = t;
    return ORDO_OK;
}

enum ordo_code ordo_catalogue_element_templates(const struct ordo_connector *const *connectors,
                                                size_t n, json_t **out, struct ordo_err *err)
{
    struct ordo_arena *arena;
    const struct sorted *order;
    json_t *list;
    enum ordo_code rc = ORDO_OK;

    if (!out || (n && !connectors)) {
        return ordo_err_set(err, ORDO_E_INVAL, "no connectors or no place for the templates");
    }
    arena = ordo_arena_new();
    order = sort_connectors(arena, connectors, n);
    list = json_array();
    for (size_t i = 0; rc == ORDO_OK && i < n; i++) {
        const struct ordo_connector *c = order[i].item;
        const struct sorted *actions = sort_actions(arena, c);

        for (size_t j = 0; rc == ORDO_OK && j < c->nactions; j++) {
            json_t *t = NULL;

            rc = ordo_catalogue_element_template(c, actions[j].item, &t, err);
            if (rc == ORDO_OK) {
                append(list, t);
            }
        }
    }
    ordo_arena_free(arena);
    if (rc != ORDO_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return ORDO_OK;
}
