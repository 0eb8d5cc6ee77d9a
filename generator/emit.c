/*
 * generator/emit.c - IR to BPMN XML (generator/emit.h is the
 * specification): reading and checking the IR, the ids emission makes up,
 * and the document around the process and the diagram.
 *
 * Emission does not depend on validation (generator/ir.c): it checks only
 * what it needs to write a well-formed, unambiguous document (ids that are
 * XML names and unique, known kinds, references that resolve, a start, a
 * task under every boundary timer), so that an IR the validator missed
 * something in still gives XML that the engine and lint judge.
 *
 * Ids made up here (definitions, collaboration, messages, errors, DI)
 * are derived from the IR's ids and made unique against every id in the
 * document by a numeric suffix, so the same IR always gives the same ids.
 */
#include "generator/emit.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "generator/emit_internal.h"

#define ID_MAX 64

static const char *const kind_names[] = {
#define X(e, name, tag) name,
    ORDO_IR_KIND_MAP(X)
#undef X
};

static const char *const kind_tags[] = {
#define X(e, name, tag) tag,
    ORDO_IR_KIND_MAP(X)
#undef X
};

enum ordo_ir_kind ordo_ir_kind_parse(const char *name)
{
    for (int k = 0; name && k < ORDO_IR_KIND__COUNT; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            return (enum ordo_ir_kind)k;
        }
    }
    return ORDO_IR_KIND__COUNT;
}

const char *ordo_ir_kind_name(enum ordo_ir_kind kind)
{
    return kind < ORDO_IR_KIND__COUNT ? kind_names[kind] : "unknown";
}

const char *ordo_ir_kind_tag(enum ordo_ir_kind kind)
{
    return kind < ORDO_IR_KIND__COUNT ? kind_tags[kind] : "unknown";
}

/* ^[A-Za-z_][A-Za-z0-9_]{0,63}$, the IR's id pattern: also an XML name. */
static bool id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > ID_MAX || ordo_is_digit((unsigned char)s[0])) {
        return false;
    }
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* Record 'id' as taken; false if it already was. */
static bool claim(struct ordo_emit_doc *doc, const char *id)
{
    if (json_object_get(doc->ids, id)) {
        return false;
    }
    json_object_set_new(doc->ids, id, json_true());
    return true;
}

/* 'base', or 'base_2', 'base_3'... whichever is free first; claimed. */
static const char *fresh_id(struct ordo_emit_doc *doc, const char *base)
{
    const char *id = base;

    for (unsigned i = 2; !claim(doc, id); i++) {
        id = ordo_arena_printf(doc->arena, "%s_%u", base, i);
    }
    return ordo_arena_strdup(doc->arena, id);
}

static enum ordo_code take_id(struct ordo_emit_doc *doc, const json_t *obj, const char *what,
                              size_t index, const char **out, struct ordo_err *err)
{
    const char *id = ordo_emit_str(obj, "id");

    if (!id_ok(id)) {
        (void)ordo_err_set(err, ORDO_E_INVAL,
                           "%s[%zu]: \"id\" must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$", what, index);
        return ORDO_E_INVAL;
    }
    if (!claim(doc, id)) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "id '%s' is used twice", id);
        return ORDO_E_INVAL;
    }
    *out = id;
    return ORDO_OK;
}

static uint32_t find_node(const struct ordo_emit_doc *doc, const char *id)
{
    for (uint32_t i = 0; id && i < doc->nnodes; i++) {
        if (strcmp(doc->nodes[i].id, id) == 0) {
            return i;
        }
    }
    return ORDO_EMIT_NONE;
}

static uint32_t find_lane(const struct ordo_emit_doc *doc, const char *id)
{
    for (uint32_t i = 0; id && i < doc->nlanes; i++) {
        if (strcmp(doc->lanes[i].id, id) == 0) {
            return i;
        }
    }
    return ORDO_EMIT_NONE;
}

static enum ordo_code load_process(struct ordo_emit_doc *doc, const json_t *ir,
                                   struct ordo_err *err)
{
    const json_t *p = json_object_get(ir, "process");

    if (!json_is_object(ir) || !json_is_object(p)) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "the IR needs a \"process\" object");
        return ORDO_E_INVAL;
    }
    doc->pid = ordo_emit_str(p, "id");
    if (!id_ok(doc->pid)) {
        (void)ordo_err_set(err, ORDO_E_INVAL,
                           "process: \"id\" must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$");
        return ORDO_E_INVAL;
    }
    claim(doc, doc->pid);
    doc->pname = ordo_emit_str(p, "name");
    doc->pdoc = ordo_emit_str(p, "documentation");
    return ORDO_OK;
}

static enum ordo_code load_lanes(struct ordo_emit_doc *doc, const json_t *ir, struct ordo_err *err)
{
    const json_t *lanes = json_object_get(ir, "lanes");
    enum ordo_code rc = ORDO_OK;
    size_t i;
    const json_t *l;

    if (lanes && !json_is_array(lanes) && !json_is_null(lanes)) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "\"lanes\" must be an array");
        return ORDO_E_INVAL;
    }
    doc->nlanes = (uint32_t)json_array_size(lanes);
    doc->lanes = ordo_arena_calloc(doc->arena, doc->nlanes + 1, sizeof *doc->lanes);
    json_array_foreach(lanes, i, l)
    {
        rc = take_id(doc, l, "lanes", i, &doc->lanes[i].id, err);
        if (rc != ORDO_OK) {
            return rc;
        }
        doc->lanes[i].name = ordo_emit_str(l, "name");
    }
    return rc;
}

static enum ordo_code load_nodes(struct ordo_emit_doc *doc, const json_t *ir, struct ordo_err *err)
{
    const json_t *nodes = json_object_get(ir, "nodes");
    size_t i;
    const json_t *n;

    if (!json_is_array(nodes)) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "\"nodes\" must be an array");
        return ORDO_E_INVAL;
    }
    doc->nnodes = (uint32_t)json_array_size(nodes);
    doc->nodes = ordo_arena_calloc(doc->arena, doc->nnodes + 1, sizeof *doc->nodes);
    json_array_foreach(nodes, i, n)
    {
        struct ordo_emit_node *d = &doc->nodes[i];
        enum ordo_code rc = take_id(doc, n, "nodes", i, &d->id, err);

        if (rc != ORDO_OK) {
            return rc;
        }
        d->j = n;
        d->kind = ordo_ir_kind_parse(ordo_emit_str(n, "kind"));
        if (d->kind == ORDO_IR_KIND__COUNT) {
            (void)ordo_err_set(err, ORDO_E_INVAL, "node '%s' has no known \"kind\"", d->id);
            return ORDO_E_INVAL;
        }
    }
    return ORDO_OK;
}

/* Lanes and boundary hosts, once every node is known. */
static enum ordo_code resolve_nodes(struct ordo_emit_doc *doc, struct ordo_err *err)
{
    bool start = false;

    for (uint32_t i = 0; i < doc->nnodes; i++) {
        struct ordo_emit_node *d = &doc->nodes[i];
        const char *lane = ordo_emit_str(d->j, "lane");
        uint32_t host = find_node(doc, ordo_emit_str(d->j, "attached_to"));

        start = start || d->kind == ORDO_IR_START;
        d->lane = find_lane(doc, lane);
        if (lane && d->lane == ORDO_EMIT_NONE) {
            (void)ordo_err_set(err, ORDO_E_INVAL, "node '%s': lane '%s' does not exist", d->id,
                               lane);
            return ORDO_E_INVAL;
        }
        /* A node without a lane in a process with lanes goes to the first. */
        d->lane = d->lane == ORDO_EMIT_NONE && doc->nlanes ? 0 : d->lane;
        d->host = host;
        if (d->kind == ORDO_IR_BOUNDARY_TIMER &&
            (host == ORDO_EMIT_NONE || (doc->nodes[host].kind != ORDO_IR_USER_TASK &&
                                        doc->nodes[host].kind != ORDO_IR_SERVICE_TASK))) {
            (void)ordo_err_set(err, ORDO_E_INVAL,
                               "boundary timer '%s' must be attached_to a task of the process",
                               d->id);
            return ORDO_E_INVAL;
        }
    }
    if (!start) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "the process has no start node");
        return ORDO_E_INVAL;
    }
    return ORDO_OK;
}

static enum ordo_code load_flow(struct ordo_emit_doc *doc, const json_t *f, size_t i,
                                struct ordo_err *err)
{
    struct ordo_emit_flow *d = &doc->flows[i];
    enum ordo_code rc = take_id(doc, f, "flows", i, &d->id, err);

    if (rc != ORDO_OK) {
        return rc;
    }
    d->j = f;
    d->from = find_node(doc, ordo_emit_str(f, "from"));
    d->to = find_node(doc, ordo_emit_str(f, "to"));
    if (d->from == ORDO_EMIT_NONE || d->to == ORDO_EMIT_NONE) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "flow '%s': \"from\" and \"to\" must name nodes",
                           d->id);
        return ORDO_E_INVAL;
    }
    if (doc->nodes[d->to].kind == ORDO_IR_BOUNDARY_TIMER) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "flow '%s' enters boundary timer '%s'", d->id,
                           doc->nodes[d->to].id);
        return ORDO_E_INVAL;
    }
    if (json_is_true(json_object_get(f, "is_default")) && !doc->nodes[d->from].default_flow) {
        doc->nodes[d->from].default_flow = d->id;
    }
    doc->nodes[d->from].nout++;
    doc->nodes[d->to].nin++;
    return ORDO_OK;
}

static void index_flows(struct ordo_emit_doc *doc)
{
    for (uint32_t i = 0; i < doc->nnodes; i++) {
        doc->nodes[i].in = ordo_arena_calloc(doc->arena, doc->nodes[i].nin + 1, sizeof(uint32_t));
        doc->nodes[i].out = ordo_arena_calloc(doc->arena, doc->nodes[i].nout + 1, sizeof(uint32_t));
        doc->nodes[i].nin = doc->nodes[i].nout = 0;
    }
    for (uint32_t f = 0; f < doc->nflows; f++) {
        struct ordo_emit_node *a = &doc->nodes[doc->flows[f].from];
        struct ordo_emit_node *b = &doc->nodes[doc->flows[f].to];

        a->out[a->nout++] = f;
        b->in[b->nin++] = f;
    }
}

static enum ordo_code load_flows(struct ordo_emit_doc *doc, const json_t *ir, struct ordo_err *err)
{
    const json_t *flows = json_object_get(ir, "flows");
    size_t i;
    const json_t *f;

    if (!json_is_array(flows)) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "\"flows\" must be an array");
        return ORDO_E_INVAL;
    }
    doc->nflows = (uint32_t)json_array_size(flows);
    doc->flows = ordo_arena_calloc(doc->arena, doc->nflows + 1, sizeof *doc->flows);
    json_array_foreach(flows, i, f)
    {
        enum ordo_code rc = load_flow(doc, f, i, err);

        if (rc != ORDO_OK) {
            return rc;
        }
    }
    index_flows(doc);
    return ORDO_OK;
}

static const char *add_root(struct ordo_emit_doc *doc, bool message, const char *base,
                            const char *name, const char *key)
{
    struct ordo_emit_root **list = message ? &doc->messages : &doc->errors;
    size_t *n = message ? &doc->nmessages : &doc->nerrors;
    size_t *cap = message ? &doc->capmessages : &doc->caperrors;

    for (size_t i = 0; i < *n; i++) {
        if (ordo_streq((*list)[i].name, name) && ordo_streq((*list)[i].key, key)) {
            return (*list)[i].id;
        }
    }
    *list = ordo_arena_grow(doc->arena, *list, *n, cap, sizeof **list);
    (*list)[*n] = (struct ordo_emit_root){fresh_id(doc, base), name, key};
    return (*list)[(*n)++].id;
}

/* Messages and errors, and every made-up id, once the IR's ids are taken. */
static void make_ids(struct ordo_emit_doc *doc)
{
    struct ordo_arena *a = doc->arena;

    doc->definitions_id = fresh_id(doc, ordo_arena_printf(a, "Definitions_%s", doc->pid));
    if (doc->nlanes) {
        doc->collaboration_id = fresh_id(doc, ordo_arena_printf(a, "Collaboration_%s", doc->pid));
        doc->participant_id = fresh_id(doc, ordo_arena_printf(a, "Participant_%s", doc->pid));
        doc->laneset_id = fresh_id(doc, ordo_arena_printf(a, "LaneSet_%s", doc->pid));
        doc->participant_di_id = fresh_id(doc, ordo_arena_printf(a, "%s_di", doc->participant_id));
    }
    doc->diagram_id = fresh_id(doc, ordo_arena_printf(a, "Diagram_%s", doc->pid));
    doc->plane_id = fresh_id(doc, ordo_arena_printf(a, "Plane_%s", doc->pid));
    for (uint32_t i = 0; i < doc->nnodes; i++) {
        struct ordo_emit_node *d = &doc->nodes[i];
        const char *event = ordo_emit_str(d->j, "event");
        const json_t *hook = json_object_get(d->j, "webhook");
        const char *base = ordo_arena_printf(a, "Message_%s", d->id);

        if (d->kind == ORDO_IR_START && ordo_streq(event, "webhook")) {
            d->message_id = add_root(doc, true, base, ordo_emit_str(hook, "name"), NULL);
        } else if ((d->kind == ORDO_IR_START && ordo_streq(event, "message")) ||
                   d->kind == ORDO_IR_MESSAGE_CATCH) {
            d->message_id = add_root(doc, true, base, ordo_emit_str(d->j, "message"),
                                     ordo_emit_str(d->j, "correlation_key"));
        } else if (d->kind == ORDO_IR_END && ordo_streq(event, "error")) {
            d->error_id =
                add_root(doc, false, ordo_arena_printf(a, "Error_%s", d->id),
                         ordo_emit_str(d->j, "error_code"), ordo_emit_str(d->j, "error_code"));
        }
        d->di_id = fresh_id(doc, ordo_arena_printf(a, "%s_di", d->id));
    }
    for (uint32_t i = 0; i < doc->nflows; i++) {
        doc->flows[i].di_id = fresh_id(doc, ordo_arena_printf(a, "%s_di", doc->flows[i].id));
    }
    for (uint32_t i = 0; i < doc->nlanes; i++) {
        doc->lanes[i].di_id = fresh_id(doc, ordo_arena_printf(a, "%s_di", doc->lanes[i].id));
    }
}

static void ids_cb(void *ids)
{
    json_decref(ids);
}

enum ordo_code ordo_emit_doc_load(struct ordo_emit_doc *doc, const json_t *ir,
                                  struct ordo_arena *arena, struct ordo_err *err)
{
    enum ordo_code rc;

    memset(doc, 0, sizeof *doc);
    doc->arena = arena;
    doc->ids = json_object();
    ordo_arena_defer(arena, ids_cb, doc->ids);
    rc = load_process(doc, ir, err);
    if (rc == ORDO_OK) {
        rc = load_lanes(doc, ir, err);
    }
    if (rc == ORDO_OK) {
        rc = load_nodes(doc, ir, err);
    }
    if (rc == ORDO_OK) {
        rc = resolve_nodes(doc, err);
    }
    if (rc == ORDO_OK) {
        rc = load_flows(doc, ir, err);
    }
    if (rc == ORDO_OK) {
        make_ids(doc);
    }
    return rc;
}

static void write_head(struct ordo_buf *out, const struct ordo_emit_doc *doc)
{
    ordo_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bpmn:definitions");
    ordo_emit_attr(out, "xmlns:bpmn", "http://www.omg.org/spec/BPMN/20100524/MODEL");
    ordo_emit_attr(out, "xmlns:bpmndi", "http://www.omg.org/spec/BPMN/20100524/DI");
    ordo_emit_attr(out, "xmlns:dc", "http://www.omg.org/spec/DD/20100524/DC");
    ordo_emit_attr(out, "xmlns:di", "http://www.omg.org/spec/DD/20100524/DI");
    ordo_emit_attr(out, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
    ordo_emit_attr(out, "xmlns:zeebe", "http://camunda.org/schema/zeebe/1.0");
    ordo_emit_attr(out, "xmlns:modeler", "http://camunda.org/schema/modeler/1.0");
    ordo_emit_attr(out, "xmlns:ordo", "urn:ordo:schema:bpmn:1.0");
    ordo_emit_attr(out, "id", doc->definitions_id);
    ordo_emit_attr(out, "targetNamespace", "http://bpmn.io/schema/bpmn");
    ordo_emit_attr(out, "exporter", "Ordo");
    ordo_emit_attr(out, "exporterVersion", "1");
    ordo_emit_attr(out, "modeler:executionPlatform", "Camunda Cloud");
    ordo_emit_attr(out, "modeler:executionPlatformVersion", "8.6.0");
    ordo_buf_puts(out, ">\n");
}

enum ordo_code ordo_emit_bpmn(const json_t *ir, struct ordo_buf *xml, json_t **report,
                              struct ordo_err *err)
{
    struct ordo_arena *arena;
    struct ordo_emit_doc doc;
    struct ordo_buf out = ORDO_BUF_INIT;
    json_t *rep = NULL;
    enum ordo_code rc;

    if (!ir || !xml) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "ordo_emit_bpmn: missing argument");
        return ORDO_E_INVAL;
    }
    arena = ordo_arena_new();
    rc = ordo_emit_doc_load(&doc, ir, arena, err);
    if (rc == ORDO_OK) {
        write_head(&out, &doc);
        ordo_emit_write_roots(&out, &doc);
        rc = ordo_emit_write_process(&out, &doc, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_emit_write_diagram(&out, &doc, &rep, err);
    }
    if (rc == ORDO_OK) {
        ordo_buf_puts(&out, "</bpmn:definitions>\n");
        ordo_buf_append(xml, out.data, out.len);
        if (report) {
            *report = rep;
            rep = NULL;
        }
    }
    json_decref(rep);
    ordo_buf_cleanup(&out);
    ordo_arena_free(arena);
    return rc;
}
