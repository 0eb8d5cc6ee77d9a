/*
 * core/snapshot.c - an instance's state as a JSON document and back, for
 * the store (issue 4 keeps it in a jsonb column) and for tests that stop
 * and resume an instance between any two steps.
 *
 *   {"v":1,"process":"ID","status":"active","started":true,"start":"ID",
 *    "next_key":N,"seq":N,
 *    "elements":[[key,"node",parent,children,wait,role,loop,done,total,retries,vars,items],...],
 *    "subscriptions":[[key,"node",owner,kind,fired,armed_ms,due_ms,timer,name,corr],...],
 *    "joins":[[scope,"node",[count,...]],...],
 *    "incidents":[[key,element,kind,"reason",result],...],
 *    "final":VARS}
 *
 * Nodes are named by element id, so a snapshot reads back against the same
 * definition compiled again. Restoring checks everything it relies on (ids,
 * enum ranges, keys in ascending order, join widths, and that parents,
 * owners, scopes and incidents name existing elements) and refuses anything
 * else with ORDO_E_INVAL: a store is outside data too. Counters inside the
 * tables (children, iterations) are taken as written.
 */
#include <stdlib.h>
#include <string.h>

#include "core/runtime_internal.h"

#define SNAPSHOT_VERSION 1

static const char *const status_names[] = {"active", "completed", "terminated", "canceled",
                                           "error"};

static json_t *opt_ref(json_t *v)
{
    return v ? json_incref(v) : json_null();
}

static json_t *opt_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static const char *node_id(const struct ordo_instance *inst, uint32_t node)
{
    return inst->graph->nodes[node].id;
}

static json_t *snap_elements(const struct ordo_instance *inst)
{
    json_t *arr = json_array();

    for (uint32_t i = 0; i < inst->elems.n; i++) {
        const struct rt_elem *e = &inst->elems.v[i];

        json_array_append_new(arr, json_pack("[I,s,I,I,i,i,I,I,I,I,o,o]", (json_int_t)e->key,
                                             node_id(inst, e->node), (json_int_t)e->parent,
                                             (json_int_t)e->children, (int)e->wait, (int)e->role,
                                             (json_int_t)e->loop, (json_int_t)e->done,
                                             (json_int_t)e->total, (json_int_t)e->retries,
                                             opt_ref(e->vars), opt_ref(e->items)));
    }
    return arr;
}

static json_t *snap_subs(const struct ordo_instance *inst)
{
    json_t *arr = json_array();

    for (uint32_t i = 0; i < inst->subs.n; i++) {
        const struct rt_sub *s = &inst->subs.v[i];

        json_array_append_new(
            arr, json_pack("[I,s,I,i,I,I,I,o,o,o]", (json_int_t)s->key, node_id(inst, s->node),
                           (json_int_t)s->owner, (int)s->kind, (json_int_t)s->fired,
                           (json_int_t)s->armed_ms, (json_int_t)s->due_ms, opt_str(s->timer_text),
                           opt_str(s->name), opt_str(s->corr)));
    }
    return arr;
}

static json_t *snap_joins(const struct ordo_instance *inst)
{
    json_t *arr = json_array();

    for (uint32_t i = 0; i < inst->joins.n; i++) {
        const struct rt_join *j = &inst->joins.v[i];
        json_t *counts = json_array();

        for (uint32_t k = 0; k < inst->graph->nodes[j->node].nincoming; k++) {
            json_array_append_new(counts, json_integer(j->counts[k]));
        }
        json_array_append_new(
            arr, json_pack("[I,s,o]", (json_int_t)j->scope, node_id(inst, j->node), counts));
    }
    return arr;
}

static json_t *snap_incidents(const struct ordo_instance *inst)
{
    json_t *arr = json_array();

    for (uint32_t i = 0; i < inst->incidents.n; i++) {
        const struct rt_incident *x = &inst->incidents.v[i];

        json_array_append_new(arr, json_pack("[I,I,i,o,o]", (json_int_t)x->key, (json_int_t)x->elem,
                                             (int)x->kind, opt_str(x->reason), opt_ref(x->result)));
    }
    return arr;
}

json_t *ordo_instance_snapshot(const struct ordo_instance *inst)
{
    json_t *snap =
        json_pack("{s:i,s:s,s:s,s:b,s:o,s:I,s:I,s:o,s:o,s:o,s:o,s:o}", "v", SNAPSHOT_VERSION,
                  "process", node_id(inst, inst->process), "status", status_names[inst->status],
                  "started", inst->started, "start",
                  inst->started ? json_string(node_id(inst, inst->start_node)) : json_null(),
                  "next_key", (json_int_t)inst->next_key, "seq", (json_int_t)inst->seq, "elements",
                  snap_elements(inst), "subscriptions", snap_subs(inst), "joins", snap_joins(inst),
                  "incidents", snap_incidents(inst), "final", opt_ref(inst->final_vars));

    if (!snap) {
        ordo_oom(0);
    }
    return snap;
}

/* ---- restore ---- */

struct rd {
    const struct ordo_graph *graph;
    struct ordo_err *err;
};

static enum ordo_code bad(struct rd *r, const char *what)
{
    return ordo_err_set(r->err, ORDO_E_INVAL, "instance snapshot: %s", what);
}

/* An unsigned 32-bit number from an integer member. */
static bool u32_of(const json_t *v, uint32_t *out)
{
    json_int_t i = json_integer_value(v);

    if (!json_is_integer(v) || i < 0 || i > (json_int_t)UINT32_MAX) {
        return false;
    }
    *out = (uint32_t)i;
    return true;
}

static bool node_of(struct rd *r, const json_t *v, uint32_t *out)
{
    const struct ordo_graph_node *n =
        json_is_string(v) ? ordo_graph_find(r->graph, json_string_value(v)) : NULL;

    if (!n) {
        return false;
    }
    *out = n->index;
    return true;
}

/* A JSON object or null: NULL, or a new reference. */
static bool obj_of(const json_t *v, json_t **out)
{
    *out = json_is_null(v) ? NULL : json_incref((json_t *)v);
    return json_is_null(v) || json_is_object(v);
}

static bool str_of(const json_t *v, char **out)
{
    *out = json_is_string(v) ? ordo_rt_strdup(json_string_value(v)) : NULL;
    return json_is_null(v) || json_is_string(v);
}

static bool ascending(uint32_t key, uint32_t *last)
{
    bool ok = key > *last;

    *last = key;
    return ok;
}

static enum ordo_code rd_elements(struct rd *r, const json_t *arr, struct ordo_instance *inst)
{
    uint32_t last = 0;
    size_t i;
    json_t *row;

    json_array_foreach(arr, i, row)
    {
        uint32_t key;
        uint32_t node;
        uint32_t v[8];
        struct rt_elem *e;
        bool ok = json_is_array(row) && json_array_size(row) == 12 &&
                  u32_of(json_array_get(row, 0), &key) && ascending(key, &last) &&
                  node_of(r, json_array_get(row, 1), &node);

        for (size_t k = 0; ok && k < 8; k++) {
            ok = u32_of(json_array_get(row, k + 2), &v[k]);
        }
        if (!ok || v[2] > RT_W_INCIDENT || v[3] > RT_ROLE_ITER) {
            return bad(r, "malformed element");
        }
        e = &inst->elems.v[inst->elems.n++];
        memset(e, 0, sizeof(*e));
        e->key = key;
        e->node = node;
        e->parent = v[0];
        e->children = v[1];
        e->wait = (uint8_t)v[2];
        e->role = (uint8_t)v[3];
        e->loop = v[4];
        e->done = v[5];
        e->total = v[6];
        e->retries = v[7];
        if (!obj_of(json_array_get(row, 10), &e->vars) ||
            (!json_is_null(json_array_get(row, 11)) && !json_is_array(json_array_get(row, 11)))) {
            return bad(r, "malformed element variables");
        }
        e->items =
            json_is_array(json_array_get(row, 11)) ? json_incref(json_array_get(row, 11)) : NULL;
    }
    return ORDO_OK;
}

static enum ordo_code rd_subs(struct rd *r, const json_t *arr, struct ordo_instance *inst)
{
    uint32_t last = 0;
    size_t i;
    json_t *row;

    json_array_foreach(arr, i, row)
    {
        struct rt_sub *s = &inst->subs.v[inst->subs.n];
        uint32_t kind;
        bool ok;

        memset(s, 0, sizeof(*s));
        ok = json_is_array(row) && json_array_size(row) == 10 &&
             u32_of(json_array_get(row, 0), &s->key) && ascending(s->key, &last) &&
             node_of(r, json_array_get(row, 1), &s->node) &&
             u32_of(json_array_get(row, 2), &s->owner) && u32_of(json_array_get(row, 3), &kind) &&
             kind <= RT_SUB_MESSAGE && u32_of(json_array_get(row, 4), &s->fired) &&
             json_is_integer(json_array_get(row, 5)) && json_is_integer(json_array_get(row, 6));
        inst->subs.n++; /* counted now, so that a failure below frees its strings */
        if (!ok || !str_of(json_array_get(row, 7), &s->timer_text) ||
            !str_of(json_array_get(row, 8), &s->name) ||
            !str_of(json_array_get(row, 9), &s->corr) || (kind == RT_SUB_MESSAGE && !s->name)) {
            return bad(r, "malformed subscription");
        }
        s->kind = (uint8_t)kind;
        s->armed_ms = json_integer_value(json_array_get(row, 5));
        s->due_ms = json_integer_value(json_array_get(row, 6));
    }
    return ORDO_OK;
}

static enum ordo_code rd_joins(struct rd *r, const json_t *arr, struct ordo_instance *inst)
{
    size_t i;
    json_t *row;

    json_array_foreach(arr, i, row)
    {
        uint32_t scope;
        uint32_t node;
        const json_t *counts = json_array_get(row, 2);
        struct rt_join *j;

        if (!json_is_array(row) || !u32_of(json_array_get(row, 0), &scope) ||
            !node_of(r, json_array_get(row, 1), &node) || !json_is_array(counts) ||
            json_array_size(counts) != r->graph->nodes[node].nincoming) {
            return bad(r, "malformed join");
        }
        j = ordo_rt_join(inst, scope, node, true, NULL);
        for (uint32_t k = 0; k < r->graph->nodes[node].nincoming; k++) {
            if (!u32_of(json_array_get(counts, k), &j->counts[k])) {
                return bad(r, "malformed join count");
            }
        }
    }
    return ORDO_OK;
}

static enum ordo_code rd_incidents(struct rd *r, const json_t *arr, struct ordo_instance *inst)
{
    uint32_t last = 0;
    size_t i;
    json_t *row;

    uint32_t next_key = inst->next_key; /* ordo_rt_incident_add() draws keys: not here */

    json_array_foreach(arr, i, row)
    {
        uint32_t key;
        uint32_t elem;
        uint32_t kind;
        struct rt_incident *x;
        const json_t *result = json_array_get(row, 4);

        if (!json_is_array(row) || !u32_of(json_array_get(row, 0), &key) ||
            !ascending(key, &last) || !u32_of(json_array_get(row, 1), &elem) ||
            !u32_of(json_array_get(row, 2), &kind) || kind > RT_INC_DECIDE ||
            !json_is_string(json_array_get(row, 3)) ||
            (!json_is_null(result) && !json_is_object(result))) {
            return bad(r, "malformed incident");
        }
        x = ordo_rt_incident_add(inst, elem, (enum rt_incident_kind)kind,
                                 json_string_value(json_array_get(row, 3)));
        x->key = key;
        x->result = json_is_object(result) ? json_incref((json_t *)result) : NULL;
    }
    inst->next_key = next_key;
    return ORDO_OK;
}

/* Every reference between the tables leads somewhere: a parent, an owner,
 * an incident's element, a join's scope. */
static enum ordo_code rd_links(struct rd *r, struct ordo_instance *inst)
{
    for (uint32_t i = 0; i < inst->elems.n; i++) {
        uint32_t parent = inst->elems.v[i].parent;

        if ((parent == 0) != (i == 0) || (parent && !ordo_rt_elem(inst, parent))) {
            return bad(r, "an element's parent is not an element");
        }
    }
    for (uint32_t i = 0; i < inst->subs.n; i++) {
        if (!ordo_rt_elem(inst, inst->subs.v[i].owner)) {
            return bad(r, "a subscription's owner is not an element");
        }
    }
    for (uint32_t i = 0; i < inst->joins.n; i++) {
        if (!ordo_rt_elem(inst, inst->joins.v[i].scope)) {
            return bad(r, "a join's scope is not an element");
        }
    }
    for (uint32_t i = 0; i < inst->incidents.n; i++) {
        if (!ordo_rt_elem(inst, inst->incidents.v[i].elem)) {
            return bad(r, "an incident's element is not an element");
        }
    }
    return ORDO_OK;
}

/* Room for 'n' rows in each table, so the readers can fill them in place. */
static void *rows(size_t n, size_t size, uint32_t *cap)
{
    void *p = calloc(n ? n : 1, size);

    if (!p) {
        ordo_oom(n * size);
    }
    *cap = (uint32_t)(n ? n : 1);
    return p;
}

static enum ordo_code rd_header(struct rd *r, const json_t *snap, struct ordo_instance *inst)
{
    const char *status = json_string_value(json_object_get(snap, "status"));
    const json_t *started = json_object_get(snap, "started");
    const json_t *final = json_object_get(snap, "final");
    size_t k;

    if (!json_is_object(snap) ||
        json_integer_value(json_object_get(snap, "v")) != SNAPSHOT_VERSION) {
        return bad(r, "not a version 1 snapshot");
    }
    if (!node_of(r, json_object_get(snap, "process"), &inst->process) ||
        r->graph->nodes[inst->process].kind != ORDO_GRAPH_PROCESS || !json_is_boolean(started) ||
        !u32_of(json_object_get(snap, "next_key"), &inst->next_key) ||
        !json_is_integer(json_object_get(snap, "seq")) || !status) {
        return bad(r, "malformed header");
    }
    for (k = 0; k < sizeof(status_names) / sizeof(status_names[0]); k++) {
        if (strcmp(status, status_names[k]) == 0) {
            break;
        }
    }
    if (k == sizeof(status_names) / sizeof(status_names[0]) ||
        (json_is_true(started) && !node_of(r, json_object_get(snap, "start"), &inst->start_node)) ||
        !obj_of(final, &inst->final_vars)) {
        return bad(r, "malformed header");
    }
    inst->status = (enum ordo_instance_status)k;
    inst->started = json_is_true(started);
    inst->seq = (uint64_t)json_integer_value(json_object_get(snap, "seq"));
    return ORDO_OK;
}

enum ordo_code ordo_instance_restore(const struct ordo_graph *graph, const json_t *snap,
                                     const struct ordo_runtime_options *opts,
                                     struct ordo_instance **out, struct ordo_err *err)
{
    struct rd r = {graph, err};
    const json_t *elems = json_object_get(snap, "elements");
    const json_t *subs = json_object_get(snap, "subscriptions");
    const json_t *joins = json_object_get(snap, "joins");
    const json_t *incidents = json_object_get(snap, "incidents");
    struct ordo_instance *inst;
    enum ordo_code rc;

    if (!json_is_array(elems) || !json_is_array(subs) || !json_is_array(joins) ||
        !json_is_array(incidents)) {
        return bad(&r, "missing tables");
    }
    inst = ordo_instance_new(graph, 0, opts);
    inst->elems.v = rows(json_array_size(elems), sizeof(struct rt_elem), &inst->elems.cap);
    inst->subs.v = rows(json_array_size(subs), sizeof(struct rt_sub), &inst->subs.cap);
    rc = rd_header(&r, snap, inst);
    if (rc == ORDO_OK) {
        rc = rd_elements(&r, elems, inst);
    }
    if (rc == ORDO_OK) {
        rc = rd_subs(&r, subs, inst);
    }
    if (rc == ORDO_OK) {
        rc = rd_joins(&r, joins, inst);
    }
    if (rc == ORDO_OK) {
        rc = rd_incidents(&r, incidents, inst);
    }
    if (rc == ORDO_OK && inst->next_key < inst->elems.n + inst->subs.n) {
        rc = bad(&r, "next_key is behind the keys in use");
    }
    if (rc == ORDO_OK) {
        rc = rd_links(&r, inst);
    }
    if (rc != ORDO_OK) {
        ordo_instance_free(inst);
        return rc;
    }
    *out = inst;
    return ORDO_OK;
}
