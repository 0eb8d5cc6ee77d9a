/*
 * generator/ir.c - the IR's schema for a catalogue, and validation: the
 * catalogue's actions, the violation list, and the order of the passes
 * (generator/ir.h; the passes are in ir_*.c).
 */
#include "generator/ir.h"

#include <stdarg.h>
#include <string.h>

#include <jansson.h>

#include "base/text.h"
#include "generator/ir_internal.h"

extern const unsigned char ordo_ir_schema_text[];

const char *const ordo_ir_kind_names[ORDO_IR_KIND_COUNT] = {
    [ORDO_IR_START] = "start",
    [ORDO_IR_END] = "end",
    [ORDO_IR_SERVICE] = "service_task",
    [ORDO_IR_USER] = "user_task",
    [ORDO_IR_XOR] = "exclusive_gateway",
    [ORDO_IR_AND] = "parallel_gateway",
    [ORDO_IR_OR] = "inclusive_gateway",
    [ORDO_IR_TIMER_CATCH] = "timer_catch",
    [ORDO_IR_MESSAGE_CATCH] = "message_catch",
    [ORDO_IR_BOUNDARY] = "boundary_timer",
};

/* ---- helpers the passes share ---- */

void ordo_ir_add(struct ordo_ir_ctx *c, const char *rule, const char *path, const char *element,
                 const char *fmt, ...)
{
    va_list ap;
    char *msg;
    json_t *text;

    c->total++;
    if (c->total > ORDO_IR_MAX_VIOLATIONS) {
        return; /* counted for the note on the last one, not listed */
    }
    va_start(ap, fmt);
    msg = ordo_arena_vprintf(c->arena, fmt, ap);
    va_end(ap);
    /* Quoted input is repaired already; this guards what other modules'
     * messages (FEEL, timers) may have cut inside a character. */
    text = json_string(msg);
    if (!text) {
        text = json_string(ordo_utf8_repair(c->arena, msg));
    }
    (void)json_array_append_new(c->violations,
                                json_pack("{s:s, s:s, s:s?, s:o}", "rule", rule, "path",
                                          path ? path : "", "element", element, "message", text));
}

const char *ordo_ir_quote(struct ordo_ir_ctx *c, const char *s)
{
    char *buf = ordo_arena_alloc(c->arena, 96);

    return ordo_utf8_quote(buf, 96, s, strlen(s), 60);
}

const char *ordo_ir_node_path(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    return ordo_arena_printf(c->arena, "nodes[%u]", n->index);
}

const char *ordo_ir_flow_path(struct ordo_ir_ctx *c, const struct ordo_ir_flow *f)
{
    return ordo_arena_printf(c->arena, "flows[%u]", f->index);
}

uint32_t ordo_ir_node_index(const struct ordo_ir_ctx *c, const char *id)
{
    const struct ordo_ir_node *n = id ? ordo_strmap_get(c->node_by_id, id) : NULL;

    return n ? n->index : ORDO_IR_NONE;
}

bool ordo_ir_blank(const char *s)
{
    if (!s) {
        return true;
    }
    for (; *s; s++) {
        if (!ordo_is_space((unsigned char)*s)) {
            return false;
        }
    }
    return true;
}

static bool id_char(int ch, bool first)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
           (!first && ch >= '0' && ch <= '9');
}

bool ordo_ir_is_id(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++) {
        if (i >= 64 || !id_char((unsigned char)s[i], i == 0)) {
            return false;
        }
    }
    return i > 0;
}

/* ---- the catalogue ---- */

static enum ordo_code bad_catalogue(struct ordo_err *err, const char *what)
{
    return ordo_err_set(err, ORDO_E_INVAL, "the catalogue is not the catalogue's JSON: %s", what);
}

/* The actions of one connector entry of the catalogue. */
static enum ordo_code read_connector(struct ordo_arena *arena, const json_t *conn,
                                     struct ordo_ir_catalogue *cat, size_t *cap,
                                     struct ordo_err *err)
{
    const json_t *name = json_object_get(conn, "name");
    const json_t *actions = json_object_get(conn, "actions");
    const json_t *a;
    size_t i;

    if (!json_is_string(name) || !json_is_array(actions)) {
        return bad_catalogue(err, "a connector without a name or actions");
    }
    json_array_foreach(actions, i, a)
    {
        const json_t *id = json_object_get(a, "id");
        const json_t *input = json_object_get(a, "input_schema");
        struct ordo_ir_action *act;

        if (!json_is_string(id) || !json_is_object(input)) {
            return bad_catalogue(err, "an action without an id or an input schema");
        }
        cat->actions = ordo_arena_grow(arena, cat->actions, cat->n, cap, sizeof *cat->actions);
        act = &cat->actions[cat->n++];
        act->id = json_string_value(id);
        act->http = strcmp(json_string_value(name), "http") == 0;
        act->input_schema = input;
    }
    return ORDO_OK;
}

static enum ordo_code read_catalogue(struct ordo_arena *arena, const json_t *catalogue,
                                     struct ordo_ir_catalogue *cat, struct ordo_err *err)
{
    const json_t *conns = json_object_get(catalogue, "connectors");
    const json_t *conn;
    size_t i;
    size_t cap = 0;
    enum ordo_code rc;

    memset(cat, 0, sizeof *cat);
    if (!json_is_array(conns)) {
        return bad_catalogue(err, "no \"connectors\" array");
    }
    cat->by_id = ordo_strmap_new(arena, 64);
    json_array_foreach(conns, i, conn)
    {
        rc = read_connector(arena, conn, cat, &cap, err);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    /* Only now: growing the array moved the actions. */
    for (i = 0; i < cat->n; i++) {
        (void)ordo_strmap_add(cat->by_id, cat->actions[i].id, &cat->actions[i]);
    }
    return ORDO_OK;
}

/* ---- the API ---- */

enum ordo_code ordo_ir_schema(const json_t *catalogue, const struct ordo_ir_opts *opts,
                              json_t **out, struct ordo_err *err)
{
    struct ordo_arena *arena;
    struct ordo_ir_catalogue cat;
    json_error_t jerr;
    json_t *schema;
    json_t *ids;
    enum ordo_code rc;

    if (!catalogue || !opts || !out) {
        return ordo_err_set(err, ORDO_E_INVAL, "ordo_ir_schema: NULL argument");
    }
    arena = ordo_arena_new();
    rc = read_catalogue(arena, catalogue, &cat, err);
    if (rc != ORDO_OK) {
        ordo_arena_free(arena);
        return rc;
    }
    schema = json_loads((const char *)ordo_ir_schema_text, 0, &jerr);
    if (!schema) { /* the build embeds a file the tests parse: a bug */
        ordo_arena_free(arena);
        return ordo_err_set(err, ORDO_E_INTERNAL, "the compiled-in IR schema: %s", jerr.text);
    }
    ids = json_array();
    for (size_t i = 0; i < cat.n; i++) {
        if (!cat.actions[i].http || opts->allow_http) {
            (void)json_array_append_new(ids, json_string(cat.actions[i].id));
        }
    }
    if (json_array_size(ids) == 0) {
        (void)json_array_append_new(ids, json_string(ORDO_IR_NO_ACTION));
    }
    (void)json_object_set_new(json_object_get(json_object_get(schema, "$defs"), "action_id"),
                              "enum", ids);
    ordo_arena_free(arena);
    *out = schema;
    return ORDO_OK;
}

/* The rules after the shape, in the order of generator/ir.h. */
static void run_rules(struct ordo_ir_ctx *c)
{
    ordo_ir_build(c);
    ordo_ir_check_refs(c);
    ordo_ir_check_kind_fields(c);
    ordo_ir_check_flow_counts(c);
    ordo_ir_check_reach(c);
    ordo_ir_check_pairing(c);
    ordo_ir_check_conditions(c);
    ordo_ir_check_feel(c);
    ordo_ir_check_actions(c);
    ordo_ir_check_tasks(c);
    ordo_ir_check_events(c);
}

/* Over the cap, the last listed violation says how many more there are. */
static void note_unlisted(struct ordo_ir_ctx *c)
{
    json_t *last;
    const char *msg;

    if (c->total <= ORDO_IR_MAX_VIOLATIONS) {
        return;
    }
    last = json_array_get(c->violations, ORDO_IR_MAX_VIOLATIONS - 1);
    msg = json_string_value(json_object_get(last, "message"));
    (void)json_object_set_new(
        last, "message",
        json_string(ordo_arena_printf(c->arena,
                                      "%s (and %zu more violations not listed: fix these and "
                                      "validate again)",
                                      msg, c->total - ORDO_IR_MAX_VIOLATIONS)));
}

enum ordo_code ordo_ir_validate(const json_t *ir, const json_t *catalogue,
                                const struct ordo_ir_opts *opts, json_t **violations,
                                struct ordo_err *err)
{
    struct ordo_ir_catalogue cat;
    struct ordo_ir_ctx c;
    enum ordo_code rc;

    if (!ir || !catalogue || !opts || !violations) {
        return ordo_err_set(err, ORDO_E_INVAL, "ordo_ir_validate: NULL argument");
    }
    memset(&c, 0, sizeof c);
    c.arena = ordo_arena_new();
    rc = read_catalogue(c.arena, catalogue, &cat, err);
    if (rc != ORDO_OK) {
        ordo_arena_free(c.arena);
        return rc;
    }
    c.ir = ir;
    c.cat = &cat;
    c.opts = opts;
    c.violations = json_array();
    /* A wrong shape stops here: the other rules read the IR as typed. */
    if (ordo_ir_check_shape(&c)) {
        run_rules(&c);
    }
    note_unlisted(&c);
    ordo_arena_free(c.arena);
    *violations = c.violations;
    return ORDO_OK;
}

const char *const ordo_ir_node_fields[] = {"id",
                                           "kind",
                                           "name",
                                           "lane",
                                           "event",
                                           "timer",
                                           "message",
                                           "correlation_key",
                                           "webhook",
                                           "action",
                                           "credential",
                                           "inputs",
                                           "outputs",
                                           "assignee",
                                           "candidate_group",
                                           "form",
                                           "notify",
                                           "attached_to",
                                           "interrupting",
                                           "error_code",
                                           "documentation",
                                           NULL};

void ordo_ir_node_complete(json_t *node)
{
    for (size_t i = 0; ordo_ir_node_fields[i]; i++) {
        if (!json_object_get(node, ordo_ir_node_fields[i])) {
            (void)json_object_set_new(node, ordo_ir_node_fields[i], json_null());
        }
    }
}
