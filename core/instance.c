/*
 * core/instance.c - the state of one instance: its tables and the queries
 * hosts use to drive it (see core/runtime_internal.h for the layout).
 *
 * The tables are plain malloc'd arrays, not an arena: an instance that waits
 * for days should hold a few hundred bytes, not an arena block, and rows
 * come and go as tokens move.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "core/runtime_internal.h"

static void *grow(void *v, uint32_t n, uint32_t *cap, size_t size)
{
    uint32_t ncap;
    void *p;

    if (n < *cap) {
        return v;
    }
    ncap = *cap ? *cap * 2 : 4;
    p = realloc(v, (size_t)ncap * size);
    if (!p) {
        ordo_oom((size_t)ncap * size);
    }
    *cap = ncap;
    return p;
}

char *ordo_rt_strdup(const char *s)
{
    char *d;
    size_t len;

    if (!s) {
        return NULL;
    }
    len = strlen(s) + 1;
    d = malloc(len);
    if (!d) {
        ordo_oom(len);
    }
    memcpy(d, s, len);
    return d;
}

/* Binary search over rows whose first member is a uint32_t key. */
static uint32_t find_index(const void *rows, uint32_t n, size_t size, uint32_t key)
{
    uint32_t lo = 0;
    uint32_t hi = n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t k;

        memcpy(&k, (const char *)rows + (size_t)mid * size, sizeof(k));
        if (k < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

struct rt_elem *ordo_rt_elem(struct ordo_instance *inst, uint32_t key)
{
    uint32_t i = find_index(inst->elems.v, inst->elems.n, sizeof(struct rt_elem), key);

    return i < inst->elems.n && inst->elems.v[i].key == key ? &inst->elems.v[i] : NULL;
}

uint32_t ordo_rt_elem_add(struct ordo_instance *inst, uint32_t node, uint32_t parent,
                          enum rt_role role)
{
    struct rt_elem *e;
    struct rt_elem *p;

    inst->elems.v = grow(inst->elems.v, inst->elems.n, &inst->elems.cap, sizeof(*e));
    e = &inst->elems.v[inst->elems.n++];
    memset(e, 0, sizeof(*e));
    e->key = ++inst->next_key;
    e->node = node;
    e->parent = parent;
    e->role = (uint8_t)role;
    p = parent ? ordo_rt_elem(inst, parent) : NULL;
    if (p) {
        p->children++;
    }
    return e->key;
}

/* Removes the row only; the caller accounts for the parent's children. */
void ordo_rt_elem_remove(struct ordo_instance *inst, uint32_t key)
{
    uint32_t i = find_index(inst->elems.v, inst->elems.n, sizeof(struct rt_elem), key);
    struct rt_elem *e;

    if (i >= inst->elems.n || inst->elems.v[i].key != key) {
        return;
    }
    e = &inst->elems.v[i];
    json_decref(e->vars);
    json_decref(e->items);
    memmove(e, e + 1, (size_t)(inst->elems.n - i - 1) * sizeof(*e));
    inst->elems.n--;
}

struct rt_sub *ordo_rt_sub(struct ordo_instance *inst, uint32_t key)
{
    uint32_t i = find_index(inst->subs.v, inst->subs.n, sizeof(struct rt_sub), key);

    return i < inst->subs.n && inst->subs.v[i].key == key ? &inst->subs.v[i] : NULL;
}

struct rt_sub *ordo_rt_sub_add(struct ordo_instance *inst, uint32_t node, uint32_t owner,
                               enum rt_sub_kind kind)
{
    struct rt_sub *s;

    inst->subs.v = grow(inst->subs.v, inst->subs.n, &inst->subs.cap, sizeof(*s));
    s = &inst->subs.v[inst->subs.n++];
    memset(s, 0, sizeof(*s));
    s->key = ++inst->next_key;
    s->node = node;
    s->owner = owner;
    s->kind = (uint8_t)kind;
    return s;
}

static void sub_clear(struct rt_sub *s)
{
    free(s->timer_text);
    free(s->name);
    free(s->corr);
}

void ordo_rt_sub_remove(struct ordo_instance *inst, uint32_t key)
{
    uint32_t i = find_index(inst->subs.v, inst->subs.n, sizeof(struct rt_sub), key);
    struct rt_sub *s;

    if (i >= inst->subs.n || inst->subs.v[i].key != key) {
        return;
    }
    s = &inst->subs.v[i];
    sub_clear(s);
    memmove(s, s + 1, (size_t)(inst->subs.n - i - 1) * sizeof(*s));
    inst->subs.n--;
}

struct rt_join *ordo_rt_join(struct ordo_instance *inst, uint32_t scope, uint32_t node, bool create,
                             bool *created)
{
    struct rt_join *j;
    uint32_t nin;

    if (created) {
        *created = false;
    }
    for (uint32_t i = 0; i < inst->joins.n; i++) {
        if (inst->joins.v[i].scope == scope && inst->joins.v[i].node == node) {
            return &inst->joins.v[i];
        }
    }
    if (!create) {
        return NULL;
    }
    inst->joins.v = grow(inst->joins.v, inst->joins.n, &inst->joins.cap, sizeof(*j));
    j = &inst->joins.v[inst->joins.n++];
    j->scope = scope;
    j->node = node;
    nin = inst->graph->nodes[node].nincoming;
    j->counts = calloc(nin ? nin : 1, sizeof(*j->counts));
    if (!j->counts) {
        ordo_oom(nin * sizeof(*j->counts));
    }
    if (created) {
        *created = true;
    }
    return j;
}

void ordo_rt_join_remove(struct ordo_instance *inst, uint32_t scope, uint32_t node)
{
    for (uint32_t i = 0; i < inst->joins.n; i++) {
        struct rt_join *j = &inst->joins.v[i];

        if (j->scope == scope && j->node == node) {
            free(j->counts);
            memmove(j, j + 1, (size_t)(inst->joins.n - i - 1) * sizeof(*j));
            inst->joins.n--;
            return;
        }
    }
}

struct rt_incident *ordo_rt_incident(struct ordo_instance *inst, uint32_t key)
{
    uint32_t i = find_index(inst->incidents.v, inst->incidents.n, sizeof(struct rt_incident), key);

    return i < inst->incidents.n && inst->incidents.v[i].key == key ? &inst->incidents.v[i] : NULL;
}

struct rt_incident *ordo_rt_incident_of(struct ordo_instance *inst, uint32_t elem)
{
    for (uint32_t i = 0; i < inst->incidents.n; i++) {
        if (inst->incidents.v[i].elem == elem) {
            return &inst->incidents.v[i];
        }
    }
    return NULL;
}

struct rt_incident *ordo_rt_incident_add(struct ordo_instance *inst, uint32_t elem,
                                         enum rt_incident_kind kind, const char *reason)
{
    struct rt_incident *x;

    inst->incidents.v =
        grow(inst->incidents.v, inst->incidents.n, &inst->incidents.cap, sizeof(*x));
    x = &inst->incidents.v[inst->incidents.n++];
    memset(x, 0, sizeof(*x));
    x->key = ++inst->next_key;
    x->elem = elem;
    x->kind = (uint8_t)kind;
    x->reason = ordo_rt_strdup(reason);
    return x;
}

void ordo_rt_incident_remove(struct ordo_instance *inst, uint32_t key)
{
    uint32_t i = find_index(inst->incidents.v, inst->incidents.n, sizeof(struct rt_incident), key);
    struct rt_incident *x;

    if (i >= inst->incidents.n || inst->incidents.v[i].key != key) {
        return;
    }
    x = &inst->incidents.v[i];
    free(x->reason);
    json_decref(x->result);
    memmove(x, x + 1, (size_t)(inst->incidents.n - i - 1) * sizeof(*x));
    inst->incidents.n--;
}

struct ordo_instance *ordo_instance_new(const struct ordo_graph *graph, uint32_t process,
                                        const struct ordo_runtime_options *opts)
{
    struct ordo_instance *inst = calloc(1, sizeof(*inst));

    if (!inst) {
        ordo_oom(sizeof(*inst));
    }
    inst->graph = graph;
    inst->process = process;
    if (opts) {
        inst->opts = *opts;
    }
    inst->zone_name = inst->opts.zone ? ordo_tz_name(inst->opts.zone) : NULL;
    inst->status = ORDO_INSTANCE_ACTIVE;
    inst->no_vars = json_object();
    if (!inst->no_vars) {
        ordo_oom(sizeof(*inst));
    }
    return inst;
}

void ordo_instance_free(struct ordo_instance *inst)
{
    if (!inst) {
        return;
    }
    for (uint32_t i = 0; i < inst->elems.n; i++) {
        json_decref(inst->elems.v[i].vars);
        json_decref(inst->elems.v[i].items);
    }
    for (uint32_t i = 0; i < inst->subs.n; i++) {
        sub_clear(&inst->subs.v[i]);
    }
    for (uint32_t i = 0; i < inst->joins.n; i++) {
        free(inst->joins.v[i].counts);
    }
    for (uint32_t i = 0; i < inst->incidents.n; i++) {
        free(inst->incidents.v[i].reason);
        json_decref(inst->incidents.v[i].result);
    }
    json_decref(inst->no_vars);
    json_decref(inst->final_vars);
    free(inst->elems.v);
    free(inst->subs.v);
    free(inst->joins.v);
    free(inst->incidents.v);
    free(inst);
}

enum ordo_instance_status ordo_instance_status(const struct ordo_instance *inst)
{
    return inst->status;
}

const json_t *ordo_instance_variables(const struct ordo_instance *inst)
{
    if (inst->elems.n > 0 && inst->elems.v[0].parent == 0 && inst->elems.v[0].vars) {
        return inst->elems.v[0].vars;
    }
    return inst->final_vars ? inst->final_vars : inst->no_vars;
}

static void wait_of_sub(const struct rt_sub *s, struct ordo_wait *w)
{
    memset(w, 0, sizeof(*w));
    w->kind = s->kind == RT_SUB_TIMER ? ORDO_WAIT_TIMER : ORDO_WAIT_MESSAGE;
    w->key = s->key;
    w->node = s->node;
    w->element_key = s->owner;
    w->due_ms = s->due_ms;
    w->text = s->name;
    w->text2 = s->corr;
}

static bool wait_of_elem(const struct ordo_instance *inst, const struct rt_elem *e,
                         struct ordo_wait *w)
{
    const struct ordo_graph_node *n = &inst->graph->nodes[e->node];

    memset(w, 0, sizeof(*w));
    w->key = e->key;
    w->node = e->node;
    w->element_key = e->key;
    switch (e->wait) {
    case RT_W_JOB:
        w->kind = ORDO_WAIT_JOB;
        w->text = n->job_type;
        return true;
    case RT_W_TASK:
        w->kind = ORDO_WAIT_TASK;
        return true;
    case RT_W_CALL:
        w->kind = ORDO_WAIT_CALL;
        w->text = n->called_element.constant;
        return true;
    default:
        return false;
    }
}

size_t ordo_instance_waits(const struct ordo_instance *inst, struct ordo_arena *arena,
                           const struct ordo_wait **out)
{
    size_t cap = (size_t)inst->elems.n + inst->subs.n + inst->incidents.n;
    struct ordo_wait *w = ordo_arena_calloc(arena, cap ? cap : 1, sizeof(*w));
    size_t n = 0;
    uint32_t ie = 0;
    uint32_t is = 0;

    /* Merge the two key-ordered tables. */
    while (ie < inst->elems.n || is < inst->subs.n) {
        if (is >= inst->subs.n ||
            (ie < inst->elems.n && inst->elems.v[ie].key < inst->subs.v[is].key)) {
            n += wait_of_elem(inst, &inst->elems.v[ie++], &w[n]) ? 1 : 0;
        } else {
            wait_of_sub(&inst->subs.v[is++], &w[n++]);
        }
    }
    for (uint32_t i = 0; i < inst->incidents.n; i++) {
        const struct rt_incident *x = &inst->incidents.v[i];
        uint32_t at = find_index(inst->elems.v, inst->elems.n, sizeof(struct rt_elem), x->elem);
        const struct rt_elem *e =
            at < inst->elems.n && inst->elems.v[at].key == x->elem ? &inst->elems.v[at] : NULL;

        w[n].kind = ORDO_WAIT_INCIDENT;
        w[n].key = x->key;
        w[n].node = e ? e->node : ORDO_GRAPH_NONE;
        w[n].element_key = x->elem;
        w[n].text = x->reason;
        n++;
    }
    *out = w;
    return n;
}

size_t ordo_instance_elements(const struct ordo_instance *inst, struct ordo_arena *arena,
                              const struct ordo_active_element **out)
{
    struct ordo_active_element *v = ordo_arena_calloc(arena, (size_t)inst->elems.n + 1, sizeof(*v));

    for (uint32_t i = 0; i < inst->elems.n; i++) {
        v[i].key = inst->elems.v[i].key;
        v[i].node = inst->elems.v[i].node;
        v[i].parent = inst->elems.v[i].parent;
    }
    *out = v;
    return inst->elems.n;
}

bool ordo_instance_next_timer(const struct ordo_instance *inst, struct ordo_wait *wait)
{
    const struct rt_sub *best = NULL;

    for (uint32_t i = 0; i < inst->subs.n; i++) {
        const struct rt_sub *s = &inst->subs.v[i];

        if (s->kind == RT_SUB_TIMER && (!best || s->due_ms < best->due_ms)) {
            best = s;
        }
    }
    if (!best) {
        return false;
    }
    wait_of_sub(best, wait);
    return true;
}
