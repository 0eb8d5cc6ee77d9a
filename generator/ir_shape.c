/*
 * generator/ir_shape.c - rule ir/schema: the IR against the shape of
 * generator/ir.schema.json, by hand over jansson (base/schema.h's subset
 * has no nullable unions, patterns or nested arrays of objects).
 *
 * Tables mirror the schema: one row per key with the JSON types it takes
 * and, for a value that is not null, a check of its own (a pattern, an
 * enum, a nested object or array). Sizes are bounded (generator/ir.h) and
 * an array over its bound is not looked into, so hostile input costs
 * little. Every node, flow and lane is checked even after one failed, so
 * the whole list goes back to the model; only ordo_ir_add's cap stops it.
 * tests/oracle/ir-schema.js checks that ajv and this code agree.
 */
#include <string.h>

#include <jansson.h>

#include "base/json.h"
#include "generator/ir_internal.h"

enum {
    T_NULL = 1u,
    T_STRING = 2u,
    T_BOOL = 4u,
    T_INT = 8u,
    T_ARRAY = 16u,
    T_OBJECT = 32u,
};

#define RULE    "ir/schema"
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A check of a value that has the right type and is not null. */
typedef void value_fn(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                      const char *element);

struct field {
    const char *name;
    unsigned types;
    value_fn *check; /* or NULL */
};

/* ---- values ---- */

static bool type_ok(const json_t *v, unsigned types)
{
    return ((types & T_NULL) && json_is_null(v)) || ((types & T_STRING) && json_is_string(v)) ||
           ((types & T_BOOL) && json_is_boolean(v)) || ((types & T_INT) && json_is_integer(v)) ||
           ((types & T_ARRAY) && json_is_array(v)) || ((types & T_OBJECT) && json_is_object(v));
}

static const char *types_text(struct ordo_ir_ctx *c, unsigned types)
{
    static const struct {
        unsigned bit;
        const char *text;
    } names[] = {{T_STRING, "a string"},
                 {T_BOOL, "a boolean"},
                 {T_INT, "an integer"},
                 {T_ARRAY, "an array"},
                 {T_OBJECT, "an object"}};

    for (size_t i = 0; i < N_OF(names); i++) {
        if (types & names[i].bit) {
            return (types & T_NULL) ? ordo_arena_printf(c->arena, "%s or null", names[i].text)
                                    : names[i].text;
        }
    }
    return "null";
}

/* A path for a message, with the id of the node, flow or lane it is in. */
static const char *where(struct ordo_ir_ctx *c, const char *path, const char *element)
{
    if (!path[0]) {
        return "the IR";
    }
    return element ? ordo_arena_printf(c->arena, "%s (in '%s')", path, element) : path;
}

/* Type, and the string bounds every text shares. */
static bool value_ok(struct ordo_ir_ctx *c, const json_t *v, unsigned types, const char *path,
                     const char *element)
{
    if (!type_ok(v, types)) {
        ordo_ir_add(c, RULE, path, element, "%s is %s; it must be %s", where(c, path, element),
                    ordo_json_type_name(v), types_text(c, types));
        return false;
    }
    if (!json_is_string(v)) {
        return true;
    }
    if (json_string_length(v) > ORDO_IR_MAX_STRING) {
        ordo_ir_add(c, RULE, path, element, "%s has %zu bytes; at most %d are allowed",
                    where(c, path, element), json_string_length(v), ORDO_IR_MAX_STRING);
        return false;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        ordo_ir_add(c, RULE, path, element, "%s contains a NUL character", where(c, path, element));
        return false;
    }
    return true;
}

static const char *join(struct ordo_ir_ctx *c, const char *path, const char *key)
{
    return path[0] ? ordo_arena_printf(c->arena, "%s.%s", path, key)
                   : ordo_arena_strdup(c->arena, key);
}

/* The keys of a table, for messages: "id, kind, name". */
static const char *keys_text(struct ordo_ir_ctx *c, const struct field *fields, size_t n)
{
    const char *text = fields[0].name;

    for (size_t i = 1; i < n; i++) {
        text = ordo_arena_printf(c->arena, "%s, %s", text, fields[i].name);
    }
    return text;
}

static bool known_key(const struct field *fields, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fields[i].name, key) == 0) {
            return true;
        }
    }
    return false;
}

/* An object of 'fields': every key present, no other key, each value typed. */
static void check_object(struct ordo_ir_ctx *c, const json_t *obj, const char *path,
                         const char *element, const struct field *fields, size_t n)
{
    const char *key;
    const json_t *v;

    for (size_t i = 0; i < n; i++) {
        const char *sub = join(c, path, fields[i].name);

        v = json_object_get(obj, fields[i].name);
        if (!v) {
            ordo_ir_add(c, RULE, path, element, "%s lacks the key \"%s\": every key is required%s",
                        where(c, path, element), fields[i].name,
                        (fields[i].types & T_NULL) ? " (null when unused)" : "");
        } else if (value_ok(c, v, fields[i].types, sub, element) && !json_is_null(v) &&
                   fields[i].check) {
            fields[i].check(c, v, sub, element);
        }
    }
    json_object_foreach((json_t *)obj, key, v)
    {
        if (known_key(fields, n, key)) {
            continue;
        }
        if (c->total >= ORDO_IR_MAX_VIOLATIONS) {
            c->total++; /* counted, not listed: no message built for hostile key floods */
        } else {
            ordo_ir_add(c, RULE, path, element, "%s has the unknown key \"%s\"; its keys are: %s",
                        where(c, path, element), ordo_ir_quote(c, key), keys_text(c, fields, n));
        }
    }
}

/* The id of an item, for the 'element' of its violations, when it is one. */
static const char *item_id(const json_t *obj)
{
    const json_t *id = json_object_get(obj, "id");

    if (!json_is_string(id) || strlen(json_string_value(id)) != json_string_length(id) ||
        !ordo_ir_is_id(json_string_value(id))) {
        return NULL;
    }
    return json_string_value(id);
}

/* An array of at most 'max' items, each checked by 'item'. */
static void check_array(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                        const char *element, size_t max, value_fn *item)
{
    size_t i;
    const json_t *it;

    if (json_array_size(v) > max) {
        ordo_ir_add(c, RULE, path, element, "%s has %zu items; at most %zu are allowed",
                    where(c, path, element), json_array_size(v), max);
        return;
    }
    json_array_foreach(v, i, it)
    {
        item(c, it, ordo_arena_printf(c->arena, "%s[%zu]", path, i), element);
    }
}

static void check_enum(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                       const char *element, const char *const *names, size_t n)
{
    const char *s = json_string_value(v);
    const char *list = names[0];

    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            return;
        }
    }
    for (size_t i = 1; i < n; i++) {
        list = ordo_arena_printf(c->arena, "%s, %s", list, names[i]);
    }
    ordo_ir_add(c, RULE, path, element, "%s is \"%s\"; it must be one of: %s",
                where(c, path, element), ordo_ir_quote(c, s), list);
}

/* ---- the checks of single values ---- */

static void check_version(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                          const char *element)
{
    if (json_integer_value(v) != ORDO_IR_VERSION) {
        ordo_ir_add(c, RULE, path, element, "ir_version is %lld; this Ordo reads version %d",
                    (long long)json_integer_value(v), ORDO_IR_VERSION);
    }
}

static void check_id(struct ordo_ir_ctx *c, const json_t *v, const char *path, const char *element)
{
    if (!ordo_ir_is_id(json_string_value(v))) {
        ordo_ir_add(c, RULE, path, element,
                    "%s \"%s\" is not an id: use 1 to 64 letters, digits and '_', starting with a "
                    "letter or '_'",
                    where(c, path, element), ordo_ir_quote(c, json_string_value(v)));
    }
}

static bool hook_char(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

static void check_hook_name(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                            const char *element)
{
    const char *s = json_string_value(v);
    size_t i;
    bool ok = s[0] && s[0] != '_' && s[0] != '-';

    for (i = 0; ok && s[i]; i++) {
        ok = i < 63 && hook_char((unsigned char)s[i]);
    }
    if (!ok) {
        ordo_ir_add(c, RULE, path, element,
                    "%s \"%s\" is no endpoint name: use 1 to 63 lower-case letters, digits, '_' "
                    "and '-', starting with a letter or digit",
                    where(c, path, element), ordo_ir_quote(c, s));
    }
}

static void check_kind(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                       const char *element)
{
    check_enum(c, v, path, element, ordo_ir_kind_names, ORDO_IR_KIND_COUNT);
}

static void check_event(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                        const char *element)
{
    static const char *const events[] = {"none",    "timer", "message",
                                         "webhook", "error", "terminate"};

    check_enum(c, v, path, element, events, N_OF(events));
}

static void check_scheme(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                         const char *element)
{
    static const char *const schemes[] = {"github",   "slack",    "jira",
                                          "bamboohr", "standard", "hmac"};

    check_enum(c, v, path, element, schemes, N_OF(schemes));
}

static void check_form_type(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                            const char *element)
{
    static const char *const types[] = {"boolean", "string", "number", "integer", "date", "email"};

    check_enum(c, v, path, element, types, N_OF(types));
}

static void check_text(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                       const char *element)
{
    (void)value_ok(c, v, T_STRING, path, element);
}

static void check_options(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                          const char *element)
{
    check_array(c, v, path, element, ORDO_IR_MAX_FORM, check_text);
}

static void check_texts(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                        const char *element)
{
    check_array(c, v, path, element, ORDO_IR_MAX_NOTES, check_text);
}

/* ---- the objects ---- */

static void check_webhook(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                          const char *element)
{
    static const struct field fields[] = {
        {"name", T_STRING, check_hook_name},
        {"scheme", T_STRING, check_scheme},
        {"variables", T_STRING | T_NULL, NULL},
    };

    check_object(c, v, path, element, fields, N_OF(fields));
}

static void check_mapping(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                          const char *element)
{
    static const struct field fields[] = {
        {"target", T_STRING, NULL},
        {"source", T_STRING, NULL},
    };

    if (value_ok(c, v, T_OBJECT, path, element)) {
        check_object(c, v, path, element, fields, N_OF(fields));
    }
}

static void check_mappings(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                           const char *element)
{
    check_array(c, v, path, element, ORDO_IR_MAX_MAPPINGS, check_mapping);
}

static void check_form_field(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                             const char *element)
{
    static const struct field fields[] = {
        {"name", T_STRING, check_id},
        {"type", T_STRING, check_form_type},
        {"title", T_STRING, NULL},
        {"required", T_BOOL, NULL},
        {"options", T_ARRAY | T_NULL, check_options},
    };

    if (value_ok(c, v, T_OBJECT, path, element)) {
        check_object(c, v, path, element, fields, N_OF(fields));
    }
}

static void check_form(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                       const char *element)
{
    check_array(c, v, path, element, ORDO_IR_MAX_FORM, check_form_field);
}

static void check_node(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                       const char *element)
{
    static const struct field fields[] = {
        {"id", T_STRING, check_id},
        {"kind", T_STRING, check_kind},
        {"name", T_STRING, NULL},
        {"lane", T_STRING | T_NULL, NULL},
        {"event", T_STRING | T_NULL, check_event},
        {"timer", T_STRING | T_NULL, NULL},
        {"message", T_STRING | T_NULL, NULL},
        {"correlation_key", T_STRING | T_NULL, NULL},
        {"webhook", T_OBJECT | T_NULL, check_webhook},
        {"action", T_STRING | T_NULL, NULL},
        {"credential", T_STRING | T_NULL, NULL},
        {"inputs", T_ARRAY | T_NULL, check_mappings},
        {"outputs", T_ARRAY | T_NULL, check_mappings},
        {"assignee", T_STRING | T_NULL, NULL},
        {"candidate_group", T_STRING | T_NULL, NULL},
        {"form", T_ARRAY | T_NULL, check_form},
        {"notify", T_STRING | T_NULL, NULL},
        {"attached_to", T_STRING | T_NULL, NULL},
        {"interrupting", T_BOOL | T_NULL, NULL},
        {"error_code", T_STRING | T_NULL, NULL},
        {"documentation", T_STRING | T_NULL, NULL},
    };

    (void)element;
    if (value_ok(c, v, T_OBJECT, path, NULL)) {
        check_object(c, v, path, item_id(v), fields, N_OF(fields));
    }
}

static void check_flow(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                       const char *element)
{
    static const struct field fields[] = {
        {"id", T_STRING, check_id},
        {"from", T_STRING, NULL},
        {"to", T_STRING, NULL},
        {"name", T_STRING | T_NULL, NULL},
        {"condition", T_STRING | T_NULL, NULL},
        {"is_default", T_BOOL, NULL},
    };

    (void)element;
    if (value_ok(c, v, T_OBJECT, path, NULL)) {
        check_object(c, v, path, item_id(v), fields, N_OF(fields));
    }
}

static void check_lane(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                       const char *element)
{
    static const struct field fields[] = {
        {"id", T_STRING, check_id},
        {"name", T_STRING, NULL},
    };

    (void)element;
    if (value_ok(c, v, T_OBJECT, path, NULL)) {
        check_object(c, v, path, item_id(v), fields, N_OF(fields));
    }
}

static void check_process(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                          const char *element)
{
    static const struct field fields[] = {
        {"id", T_STRING, check_id},
        {"name", T_STRING, NULL},
        {"documentation", T_STRING | T_NULL, NULL},
    };

    (void)element;
    check_object(c, v, path, item_id(v), fields, N_OF(fields));
}

static void check_lanes(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                        const char *element)
{
    check_array(c, v, path, element, ORDO_IR_MAX_LANES, check_lane);
}

static void check_nodes(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                        const char *element)
{
    check_array(c, v, path, element, ORDO_IR_MAX_NODES, check_node);
}

static void check_flows(struct ordo_ir_ctx *c, const json_t *v, const char *path,
                        const char *element)
{
    check_array(c, v, path, element, ORDO_IR_MAX_FLOWS, check_flow);
}

bool ordo_ir_check_shape(struct ordo_ir_ctx *c)
{
    static const struct field fields[] = {
        {"ir_version", T_INT, check_version}, {"process", T_OBJECT, check_process},
        {"lanes", T_ARRAY, check_lanes},      {"nodes", T_ARRAY, check_nodes},
        {"flows", T_ARRAY, check_flows},      {"assumptions", T_ARRAY, check_texts},
        {"questions", T_ARRAY, check_texts},
    };

    if (!json_is_object(c->ir)) {
        ordo_ir_add(c, RULE, "", NULL, "the IR is %s; it must be a JSON object",
                    ordo_json_type_name(c->ir));
        return false;
    }
    check_object(c, c->ir, "", NULL, fields, N_OF(fields));
    return c->total == 0;
}
