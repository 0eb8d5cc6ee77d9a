/*
 * bpmn/model.c - kinds, the id table and the reference resolution pass.
 */
#include "bpmn/model.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"

struct kind_row {
    const char *local;
    enum ordo_bpmn_nsid nsid;
    uint32_t classes;
};

static const struct kind_row kind_rows[ORDO_BPMN_KIND__COUNT] = {
    [ORDO_BPMN_UNKNOWN] = {"unknown", ORDO_BPMN_NSID_OTHER, 0},
    [ORDO_BPMN_EXTENSION] = {"extension", ORDO_BPMN_NSID_OTHER, 0},
    [ORDO_BPMN_CHARDATA] = {"#text", ORDO_BPMN_NSID_OTHER, 0},
    [ORDO_BPMN_COMMENT] = {"#comment", ORDO_BPMN_NSID_OTHER, 0},
#define X(e, local, ns, classes) [ORDO_BPMN_##e] = {local, ORDO_BPMN_NSID_##ns, classes},
    ORDO_BPMN_KIND_MAP(X)
#undef X
};

/* (namespace, local name) -> kind, open addressing; built once. */
#define KIND_SLOTS 512u

static uint16_t kind_slots[KIND_SLOTS];
static pthread_once_t kind_once = PTHREAD_ONCE_INIT;

static void build_kind_slots(void)
{
    for (int k = ORDO_BPMN_COMMENT + 1; k < ORDO_BPMN_KIND__COUNT; k++) {
        uint32_t i =
            ordo_str_hash(kind_rows[k].local, (uint32_t)kind_rows[k].nsid) & (KIND_SLOTS - 1);

        while (kind_slots[i]) {
            i = (i + 1) & (KIND_SLOTS - 1);
        }
        kind_slots[i] = (uint16_t)k;
    }
}

enum ordo_bpmn_nsid ordo_bpmn_nsid_of(const char *uri)
{
    /* All four share the "http://www.omg.org/spec/" prefix; compare the tail. */
    static const char omg[] = "http://www.omg.org/spec/";

    if (!uri || strncmp(uri, omg, sizeof(omg) - 1) != 0) {
        return ORDO_BPMN_NSID_OTHER;
    }
    if (strcmp(uri, ORDO_BPMN_NS_MODEL) == 0) {
        return ORDO_BPMN_NSID_MODEL;
    }
    if (strcmp(uri, ORDO_BPMN_NS_BPMNDI) == 0) {
        return ORDO_BPMN_NSID_BPMNDI;
    }
    if (strcmp(uri, ORDO_BPMN_NS_DC) == 0) {
        return ORDO_BPMN_NSID_DC;
    }
    if (strcmp(uri, ORDO_BPMN_NS_DI) == 0) {
        return ORDO_BPMN_NSID_DI;
    }
    return ORDO_BPMN_NSID_OTHER;
}

enum ordo_bpmn_kind ordo_bpmn_kind_lookup_nsid(enum ordo_bpmn_nsid nsid, const char *local)
{
    uint32_t i;

    if (nsid == ORDO_BPMN_NSID_OTHER) {
        return ORDO_BPMN_EXTENSION;
    }
    (void)pthread_once(&kind_once, build_kind_slots);
    i = ordo_str_hash(local, (uint32_t)nsid) & (KIND_SLOTS - 1);
    while (kind_slots[i]) {
        const struct kind_row *r = &kind_rows[kind_slots[i]];

        if (r->nsid == nsid && strcmp(r->local, local) == 0) {
            return (enum ordo_bpmn_kind)kind_slots[i];
        }
        i = (i + 1) & (KIND_SLOTS - 1);
    }
    return ORDO_BPMN_UNKNOWN;
}

enum ordo_bpmn_kind ordo_bpmn_kind_lookup(const char *ns, const char *local)
{
    return ordo_bpmn_kind_lookup_nsid(ordo_bpmn_nsid_of(ns), local);
}

const char *ordo_bpmn_kind_name(enum ordo_bpmn_kind kind)
{
    if ((int)kind < 0 || kind >= ORDO_BPMN_KIND__COUNT) {
        return "unknown";
    }
    return kind_rows[kind].local;
}

uint32_t ordo_bpmn_kind_classes(enum ordo_bpmn_kind kind)
{
    if ((int)kind < 0 || kind >= ORDO_BPMN_KIND__COUNT) {
        return 0;
    }
    return kind_rows[kind].classes;
}

/* ---- the model ---- */

struct ordo_bpmn_model {
    struct ordo_arena *arena;
    struct ordo_bpmn_node *root;
    size_t nodes;
    struct ordo_strmap *ids; /* id -> first node with it */
    struct ordo_bpmn_duplicate *dups;
    size_t ndups;
};

struct ordo_bpmn_model *ordo_bpmn_model_new(void)
{
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_bpmn_model *m = ordo_arena_alloc(arena, sizeof(*m));

    m->arena = arena;
    return m;
}

void ordo_bpmn_model_free(struct ordo_bpmn_model *model)
{
    if (model) {
        ordo_arena_free(model->arena); /* the model itself lives in its arena */
    }
}

struct ordo_arena *ordo_bpmn_model_arena(struct ordo_bpmn_model *model)
{
    return model->arena;
}

const struct ordo_bpmn_node *ordo_bpmn_model_root(const struct ordo_bpmn_model *model)
{
    return model->root;
}

void ordo_bpmn_model_set_root(struct ordo_bpmn_model *model, struct ordo_bpmn_node *root)
{
    model->root = root;
}

size_t ordo_bpmn_model_node_count(const struct ordo_bpmn_model *model)
{
    return model->nodes;
}

const struct ordo_bpmn_duplicate *ordo_bpmn_model_duplicates(const struct ordo_bpmn_model *model,
                                                             size_t *count)
{
    *count = model->ndups;
    return model->dups;
}

const struct ordo_bpmn_node *ordo_bpmn_next(const struct ordo_bpmn_node *top,
                                            const struct ordo_bpmn_node *n)
{
    if (n->first) {
        return n->first;
    }
    while (n && n != top) {
        if (n->next) {
            return n->next;
        }
        n = n->parent;
    }
    return NULL;
}

/* The same walk over mutable nodes, for the index pass. */
static struct ordo_bpmn_node *next_mut(struct ordo_bpmn_node *top, struct ordo_bpmn_node *n)
{
    return (struct ordo_bpmn_node *)ordo_bpmn_next(top, n);
}

const char *ordo_bpmn_attr_get(const struct ordo_bpmn_node *n, const char *ns, const char *name)
{
    for (uint32_t i = 0; i < n->nattrs; i++) {
        const struct ordo_bpmn_attr *a = &n->attrs[i];

        if (strcmp(a->name, name) != 0) {
            continue;
        }
        if (ns ? (a->ns && strcmp(a->ns, ns) == 0) : a->ns == NULL) {
            return a->value;
        }
    }
    return NULL;
}

const struct ordo_bpmn_node *ordo_bpmn_child(const struct ordo_bpmn_node *n,
                                             enum ordo_bpmn_kind kind)
{
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (c->kind == kind) {
            return c;
        }
    }
    return NULL;
}

static struct ordo_bpmn_node *id_lookup(const struct ordo_bpmn_model *m, const char *id)
{
    return m->ids && id ? ordo_strmap_get(m->ids, id) : NULL;
}

static struct ordo_bpmn_node *find_mut(const struct ordo_bpmn_model *m, const char *id)
{
    struct ordo_bpmn_node *n = id_lookup(m, id);
    const char *colon;

    if (!n && id && (colon = strchr(id, ':')) != NULL) {
        n = id_lookup(m, colon + 1); /* a QName reference: tns:Task_1 */
    }
    return n;
}

const struct ordo_bpmn_node *ordo_bpmn_model_find(const struct ordo_bpmn_model *model,
                                                  const char *id)
{
    return find_mut(model, id);
}

/* Only elements of the BPMN family carry model ids; a vendor element's "id"
 * attribute (camunda:formField id="amount") is its own business. */
static bool has_model_id(const struct ordo_bpmn_node *n)
{
    return n->id && n->kind != ORDO_BPMN_EXTENSION && !n->in_extension;
}

static void id_insert(struct ordo_bpmn_model *m, struct ordo_bpmn_node *n, size_t *dup_at)
{
    struct ordo_bpmn_node *first = ordo_strmap_add(m->ids, n->id, n);

    if (first) {
        m->dups[(*dup_at)++] = (struct ordo_bpmn_duplicate){first, n};
    }
}

/* Pass 1: document order, extension marks, and the id table. */
static void index_ids(struct ordo_bpmn_model *m)
{
    struct ordo_bpmn_node *root = m->root;
    size_t nids = 0;
    size_t ndup = 0;
    uint32_t order = 0;

    for (struct ordo_bpmn_node *n = root; n; n = next_mut(root, n)) {
        const struct ordo_bpmn_node *p = n->parent;

        n->order = order++;
        n->classes = ordo_bpmn_kind_classes(n->kind);
        n->in_extension = p && (p->in_extension || p->kind == ORDO_BPMN_EXTENSION_ELEMENTS ||
                                p->kind == ORDO_BPMN_EXTENSION);
        nids += has_model_id(n);
    }
    m->nodes = order;
    m->ids = ordo_strmap_new(m->arena, nids);
    m->dups = ordo_arena_calloc(m->arena, nids ? nids : 1, sizeof(*m->dups));
    for (struct ordo_bpmn_node *n = root; n; n = next_mut(root, n)) {
        if (has_model_id(n)) {
            id_insert(m, n, &ndup);
        }
    }
    m->ndups = ndup;
}

static bool parse_number(const char *s, double *out)
{
    char *end;

    if (!s || !*s) {
        return false;
    }
    *out = strtod(s, &end); /* LC_NUMERIC is "C": Ordo never calls setlocale() */
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') {
        end++;
    }
    return *end == '\0' && isfinite(*out);
}

static const struct ordo_bpmn_bounds *parse_bounds(struct ordo_arena *arena,
                                                   const struct ordo_bpmn_node *shape)
{
    const struct ordo_bpmn_node *b = ordo_bpmn_child(shape, ORDO_BPMN_BOUNDS);
    struct ordo_bpmn_bounds v;

    if (!b || !parse_number(ordo_bpmn_attr_get(b, NULL, "x"), &v.x) ||
        !parse_number(ordo_bpmn_attr_get(b, NULL, "y"), &v.y) ||
        !parse_number(ordo_bpmn_attr_get(b, NULL, "width"), &v.width) ||
        !parse_number(ordo_bpmn_attr_get(b, NULL, "height"), &v.height)) {
        return NULL;
    }
    return ordo_arena_memdup(arena, &v, sizeof(v));
}

static void resolve_di(struct ordo_bpmn_model *m, struct ordo_bpmn_node *n)
{
    n->bpmn_element = find_mut(m, ordo_bpmn_attr_get(n, NULL, "bpmnElement"));
    if (n->kind != ORDO_BPMN_BPMN_PLANE && n->bpmn_element && !n->bpmn_element->di) {
        n->bpmn_element->di = n;
    }
    if (n->kind == ORDO_BPMN_BPMN_SHAPE) {
        n->bounds = parse_bounds(m->arena, n);
    }
}

static uint32_t count_event_definitions(const struct ordo_bpmn_node *n)
{
    uint32_t k = 0;

    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        k += ordo_bpmn_is(c, ORDO_BPMN_C_EVENT_DEFINITION);
    }
    return k;
}

static bool has_source_target(enum ordo_bpmn_kind k)
{
    return k == ORDO_BPMN_SEQUENCE_FLOW || k == ORDO_BPMN_MESSAGE_FLOW ||
           k == ORDO_BPMN_ASSOCIATION || k == ORDO_BPMN_CONVERSATION_LINK;
}

bool ordo_bpmn_has_default(const struct ordo_bpmn_node *n)
{
    return n->kind == ORDO_BPMN_EXCLUSIVE_GATEWAY || n->kind == ORDO_BPMN_INCLUSIVE_GATEWAY ||
           n->kind == ORDO_BPMN_COMPLEX_GATEWAY || ordo_bpmn_is(n, ORDO_BPMN_C_ACTIVITY);
}

static bool is_flow_node(const struct ordo_bpmn_node *n)
{
    return ordo_bpmn_is(n, ORDO_BPMN_C_FLOW_NODE) && !n->in_extension;
}

/* Pass 2: the references of one element. Returns true for a sequence flow
 * with at least one end on a flow node, which pass 3 files under that end's
 * incoming or outgoing list. */
static bool resolve_node(struct ordo_bpmn_model *m, struct ordo_bpmn_node *n)
{
    if (n->in_extension || !ordo_bpmn_is_element(n) || n->kind == ORDO_BPMN_EXTENSION) {
        return false;
    }
    if (has_source_target(n->kind)) {
        n->source = find_mut(m, ordo_bpmn_attr_get(n, NULL, "sourceRef"));
        n->target = find_mut(m, ordo_bpmn_attr_get(n, NULL, "targetRef"));
        if (n->kind != ORDO_BPMN_SEQUENCE_FLOW) {
            return false;
        }
        if (is_flow_node(n->source)) {
            n->source->noutgoing++;
        }
        if (is_flow_node(n->target)) {
            n->target->nincoming++;
        }
        return is_flow_node(n->source) || is_flow_node(n->target);
    }
    if (n->kind == ORDO_BPMN_BPMN_SHAPE || n->kind == ORDO_BPMN_BPMN_EDGE ||
        n->kind == ORDO_BPMN_BPMN_PLANE) {
        resolve_di(m, n);
    } else if (n->kind == ORDO_BPMN_BOUNDARY_EVENT) {
        n->attached_to = find_mut(m, ordo_bpmn_attr_get(n, NULL, "attachedToRef"));
    }
    if (ordo_bpmn_has_default(n)) {
        struct ordo_bpmn_node *d = find_mut(m, ordo_bpmn_attr_get(n, NULL, "default"));

        n->default_flow = d && d->kind == ORDO_BPMN_SEQUENCE_FLOW ? d : NULL;
    }
    if (ordo_bpmn_is(n, ORDO_BPMN_C_EVENT)) {
        n->nevent_definitions = count_event_definitions(n);
    }
    return false;
}

/* Append 'flow' to a list whose final length was counted in pass 2: the
 * first append allocates it and restarts the count. */
static void append_flow(struct ordo_arena *arena, struct ordo_bpmn_node ***list, uint32_t *count,
                        struct ordo_bpmn_node *flow)
{
    if (!*list) {
        *list = ordo_arena_calloc(arena, *count, sizeof(struct ordo_bpmn_node *));
        *count = 0;
    }
    (*list)[(*count)++] = flow;
}

void ordo_bpmn_model_index(struct ordo_bpmn_model *m)
{
    struct ordo_bpmn_node *root = m->root;
    struct ordo_bpmn_node **flows;
    size_t nflows = 0;

    if (!root) {
        return;
    }
    index_ids(m);
    flows = ordo_arena_calloc(m->arena, m->nodes, sizeof(struct ordo_bpmn_node *));
    for (struct ordo_bpmn_node *n = root; n; n = next_mut(root, n)) {
        if (resolve_node(m, n)) {
            flows[nflows++] = n;
        }
    }
    for (size_t i = 0; i < nflows; i++) {
        struct ordo_bpmn_node *f = flows[i];

        if (is_flow_node(f->source)) {
            append_flow(m->arena, &f->source->outgoing, &f->source->noutgoing, f);
        }
        if (is_flow_node(f->target)) {
            append_flow(m->arena, &f->target->incoming, &f->target->nincoming, f);
        }
    }
}
