/*
 * bpmn/lint_diagram.c - rules about the diagram (BPMN DI): every visible
 * element drawn, and shapes that neither overlap nor leave their parent.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bpmn/lint_internal.h"

/* ---- no-bpmndi ---- */

struct di_refs {
    bool *drawn;          /* by node order: some plane element names it */
    bool unresolved_seen; /* a plane element names nothing (bpmnlint: undefined) */
};

static void collect_drawn(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *defs,
                          struct di_refs *refs)
{
    refs->drawn =
        ordo_arena_calloc(ordo_lint_arena(ctx), ordo_bpmn_model_node_count(ordo_lint_model(ctx)),
                          sizeof(*refs->drawn));
    for (const struct ordo_bpmn_node *d = defs->first; d; d = d->next) {
        const struct ordo_bpmn_node *plane = ordo_bpmn_child(d, ORDO_BPMN_BPMN_PLANE);

        if (d->kind != ORDO_BPMN_BPMN_DIAGRAM || !plane) {
            continue;
        }
        for (const struct ordo_bpmn_node *e = plane->first; e; e = e->next) {
            if (e->kind != ORDO_BPMN_BPMN_SHAPE && e->kind != ORDO_BPMN_BPMN_EDGE) {
                continue;
            }
            if (e->bpmn_element && e->bpmn_element->id) {
                refs->drawn[e->bpmn_element->order] = true;
            } else {
                refs->unresolved_seen = true;
            }
        }
    }
}

static void check_drawn(struct ordo_lint_ctx *ctx, const struct di_refs *refs,
                        const struct ordo_bpmn_node *e)
{
    bool drawn = e->id ? refs->drawn[e->order] : refs->unresolved_seen;

    if (!drawn && e->kind != ORDO_BPMN_DATA_OBJECT) {
        ordo_lint_report(ctx, e, "Element is missing bpmndi");
    }
}

static bool is_shown_child(const struct ordo_bpmn_node *c)
{
    return ordo_bpmn_is(c, ORDO_BPMN_C_FLOW_ELEMENT) || c->kind == ORDO_BPMN_PARTICIPANT ||
           ordo_bpmn_is(c, ORDO_BPMN_C_ARTIFACT) || c->kind == ORDO_BPMN_MESSAGE_FLOW;
}

static void check_lanes(struct ordo_lint_ctx *ctx, const struct di_refs *refs,
                        const struct ordo_bpmn_node *lane_set);

/* The elements bpmnlint expects a shape or edge for: under a root element
 * (and, recursively, a sub-process), its flow elements, participants,
 * artifacts, message flows and the lanes of its first lane set. */
static void check_container(struct ordo_lint_ctx *ctx, const struct di_refs *refs,
                            const struct ordo_bpmn_node *e)
{
    const struct ordo_bpmn_node *lanes = ordo_bpmn_child(e, ORDO_BPMN_LANE_SET);

    if (!lanes) {
        lanes = ordo_bpmn_child(e, ORDO_BPMN_CHILD_LANE_SET);
    }
    for (const struct ordo_bpmn_node *c = e->first; c; c = c->next) {
        if (is_shown_child(c)) {
            check_drawn(ctx, refs, c);
        }
        if (ordo_bpmn_is(c, ORDO_BPMN_C_FLOW_ELEMENT) && ordo_bpmn_is(c, ORDO_BPMN_C_CONTAINER)) {
            check_container(ctx, refs, c);
        }
    }
    if (lanes) {
        check_lanes(ctx, refs, lanes);
    }
}

static void check_lanes(struct ordo_lint_ctx *ctx, const struct di_refs *refs,
                        const struct ordo_bpmn_node *lane_set)
{
    for (const struct ordo_bpmn_node *l = lane_set->first; l; l = l->next) {
        const struct ordo_bpmn_node *child;

        if (l->kind != ORDO_BPMN_LANE) {
            continue;
        }
        check_drawn(ctx, refs, l);
        child = ordo_bpmn_child(l, ORDO_BPMN_CHILD_LANE_SET);
        if (child) {
            check_lanes(ctx, refs, child);
        }
    }
}

void ordo_lint_check_no_bpmndi(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    struct di_refs refs = {0};

    if (n->kind != ORDO_BPMN_DEFINITIONS) {
        return;
    }
    collect_drawn(ctx, n, &refs);
    for (const struct ordo_bpmn_node *r = n->first; r; r = r->next) {
        if (ordo_bpmn_is(r, ORDO_BPMN_C_ROOT_ELEMENT)) { /* not extensionElements */
            check_container(ctx, &refs, r);
        }
    }
}

/* ---- no-overlapping-elements ---- */

struct shape {
    const struct ordo_bpmn_node *element;
    double left, right, top, bottom;
    size_t seq; /* keeps the sort stable, as bpmnlint's is */
};

struct overlap_run {
    struct ordo_lint_ctx *ctx;
    bool *overlaps; /* by node order */
    bool *outside;
};

static const struct ordo_bpmn_bounds *bounds_of(struct ordo_lint_ctx *ctx,
                                                const struct ordo_bpmn_node *e)
{
    const struct ordo_bpmn_node *di = ordo_lint_di_of(ctx, e);

    return di ? di->bounds : NULL;
}

static int shape_cmp(const void *a, const void *b)
{
    const struct shape *x = a;
    const struct shape *y = b;

    if (x->left != y->left) {
        return x->left < y->left ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static bool collide(const struct shape *a, const struct shape *b)
{
    return a->right >= b->left && b->right >= a->left && a->bottom >= b->top && b->bottom >= a->top;
}

/* Sweep the shapes among 'parent's children that 'want' accepts. */
static void check_overlaps(struct overlap_run *run, const struct ordo_bpmn_node *parent,
                           bool (*want)(const struct ordo_bpmn_node *))
{
    size_t n = 0;
    struct shape *shapes;

    for (const struct ordo_bpmn_node *c = parent->first; c; c = c->next) {
        n += want(c) && bounds_of(run->ctx, c);
    }
    if (n < 2) {
        return;
    }
    shapes = ordo_arena_calloc(ordo_lint_arena(run->ctx), n, sizeof(*shapes));
    n = 0;
    for (const struct ordo_bpmn_node *c = parent->first; c; c = c->next) {
        const struct ordo_bpmn_bounds *b = want(c) ? bounds_of(run->ctx, c) : NULL;

        if (b) {
            shapes[n] = (struct shape){c, b->x, b->x + b->width, b->y, b->y + b->height, n};
            n++;
        }
    }
    qsort(shapes, n, sizeof(*shapes), shape_cmp);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n && shapes[j].left <= shapes[i].right; j++) {
            const struct ordo_bpmn_node *a = shapes[i].element;
            const struct ordo_bpmn_node *b = shapes[j].element;

            /* A boundary event sits on its host's border by design. */
            if (!collide(&shapes[i], &shapes[j]) || a->attached_to == b || b->attached_to == a) {
                continue;
            }
            run->overlaps[a->order] = true;
            run->overlaps[b->order] = true;
        }
    }
}

static bool is_flow_element(const struct ordo_bpmn_node *c)
{
    return ordo_bpmn_is(c, ORDO_BPMN_C_FLOW_ELEMENT);
}

static bool is_participant(const struct ordo_bpmn_node *c)
{
    return c->kind == ORDO_BPMN_PARTICIPANT;
}

static bool outside(const struct ordo_bpmn_bounds *c, const struct ordo_bpmn_bounds *p)
{
    return c->x < p->x || c->y < p->y || c->x + c->width > p->x + p->width ||
           c->y + c->height > p->y + p->height;
}

/* 'frame': the bounds the elements must stay inside (a pool or an expanded
 * sub-process), or NULL. */
static void check_scope(struct overlap_run *run, const struct ordo_bpmn_node *scope,
                        const struct ordo_bpmn_bounds *frame)
{
    check_overlaps(run, scope, is_flow_element);
    for (const struct ordo_bpmn_node *c = scope->first; c; c = c->next) {
        const struct ordo_bpmn_bounds *b = is_flow_element(c) ? bounds_of(run->ctx, c) : NULL;
        const struct ordo_bpmn_node *di;

        /* Data store references may sit outside their pool, by tradition. */
        if (b && frame && c->kind != ORDO_BPMN_DATA_STORE_REFERENCE && outside(b, frame)) {
            run->outside[c->order] = true;
        }
        if (!ordo_bpmn_is(c, ORDO_BPMN_C_SUB_PROCESS)) {
            continue;
        }
        di = ordo_lint_di_of(run->ctx, c);
        check_scope(run, c, di && ordo_lint_attr_true(di, "isExpanded") ? di->bounds : NULL);
    }
}

static void report_overlaps(struct overlap_run *run, const struct ordo_bpmn_node *defs)
{
    for (const struct ordo_bpmn_node *e = defs; e; e = ordo_bpmn_next(defs, e)) {
        if (run->overlaps[e->order]) {
            ordo_lint_report(run->ctx, e, "Element overlaps with other element");
        }
    }
    for (const struct ordo_bpmn_node *e = defs; e; e = ordo_bpmn_next(defs, e)) {
        if (run->outside[e->order]) {
            ordo_lint_report(run->ctx, e, "Element is outside of parent boundary");
        }
    }
}

void ordo_lint_check_no_overlapping_elements(struct ordo_lint_ctx *ctx,
                                             const struct ordo_bpmn_node *n)
{
    size_t nodes = ordo_bpmn_model_node_count(ordo_lint_model(ctx));
    struct overlap_run run = {ctx, NULL, NULL};
    const struct ordo_bpmn_bounds **pool;

    if (n->kind != ORDO_BPMN_DEFINITIONS) {
        return;
    }
    run.overlaps = ordo_arena_calloc(ordo_lint_arena(ctx), nodes, sizeof(*run.overlaps));
    run.outside = ordo_arena_calloc(ordo_lint_arena(ctx), nodes, sizeof(*run.outside));
    pool = ordo_arena_calloc(ordo_lint_arena(ctx), nodes,
                             sizeof(const struct ordo_bpmn_bounds *)); /* by process order */
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (c->kind != ORDO_BPMN_COLLABORATION) {
            continue;
        }
        check_overlaps(&run, c, is_participant);
        for (const struct ordo_bpmn_node *p = c->first; p; p = p->next) {
            const struct ordo_bpmn_node *proc =
                p->kind == ORDO_BPMN_PARTICIPANT
                    ? ordo_bpmn_model_find(ordo_lint_model(ctx),
                                           ordo_bpmn_attr_get(p, NULL, "processRef"))
                    : NULL;

            if (proc) {
                pool[proc->order] = bounds_of(ctx, p); /* the last participant wins */
            }
        }
    }
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (c->kind == ORDO_BPMN_PROCESS) {
            check_scope(&run, c, pool[c->order]);
        }
    }
    report_overlaps(&run, n);
}
