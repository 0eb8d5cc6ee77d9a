/*
 * generator/ir_pairing.c - rule ir/gateway-pairing: each joining gateway
 * against the split its branches come from.
 *
 * The split of a join is its immediate dominator: the last node every path
 * from a start passes before it (a virtual root stands before all starts).
 * In a graph where every node is reachable, the immediate dominator of a
 * node with two incoming branches has two ways out: a splitting gateway, a
 * task with a boundary timer (its normal path or the timer's), or the
 * root (two starts, which begin separate instances). Then:
 *   - a parallel join waits for all its branches, so after an exclusive or
 *     inclusive split, a boundary timer or two starts it waits for ever;
 *   - an exclusive join passes every token on, so after a parallel or
 *     inclusive split whatever follows it runs once per branch;
 *   - an inclusive join waits for what is still on its way: any split.
 * Loops: a flow into a gateway from a node the gateway dominates comes
 * back from after it (a back edge). It does not count as a branch, so an
 * exclusive gateway that merges a loop is fine; a parallel gateway on a
 * loop would wait for a token that can only come after it, so it is a
 * violation. Dominators by Cooper, Harvey and Kennedy, "A Simple, Fast
 * Dominance Algorithm" (2001), on the reverse postorder: at most 500 nodes.
 * Runs only when every reference resolves and every node is reachable.
 */
#include <jansson.h>

#include "generator/ir_internal.h"

#define UNDEF UINT32_MAX

struct dom {
    uint32_t root; /* == n_nodes */
    uint32_t *idom;
    uint32_t *po; /* postorder number of each node */
    uint32_t *rpo;
    uint32_t n_rpo;
};

/* The successors of 'v', the root's being the starts. */
static uint32_t succ_count(const struct ordo_ir_ctx *c, uint32_t n_starts, uint32_t v)
{
    return v == c->n_nodes ? n_starts : c->nodes[v].n_succ;
}

static uint32_t succ_at(const struct ordo_ir_ctx *c, const uint32_t *starts, uint32_t v, uint32_t k)
{
    return v == c->n_nodes ? starts[k] : c->nodes[v].succ[k];
}

/* Postorder numbers by an iterative depth-first search from the root. */
static void number(struct ordo_ir_ctx *c, struct dom *d, const uint32_t *starts, uint32_t n_starts)
{
    uint32_t n = c->n_nodes + 1;
    uint32_t *stack = ordo_arena_calloc(c->arena, n, sizeof *stack);
    uint32_t *next = ordo_arena_calloc(c->arena, n, sizeof *next);
    bool *seen = ordo_arena_calloc(c->arena, n, sizeof *seen);
    uint32_t top = 0;
    uint32_t count = 0;

    stack[top++] = d->root;
    seen[d->root] = true;
    while (top > 0) {
        uint32_t v = stack[top - 1];

        if (next[v] < succ_count(c, n_starts, v)) {
            uint32_t w = succ_at(c, starts, v, next[v]++);

            if (!seen[w]) {
                seen[w] = true;
                stack[top++] = w;
            }
            continue;
        }
        top--;
        d->po[v] = count++;
        d->rpo[n - count] = v; /* filled from the end */
    }
    d->rpo += n - count; /* unreachable nodes (none when this runs) left out */
    d->n_rpo = count;
}

static uint32_t intersect(const struct dom *d, uint32_t a, uint32_t b)
{
    while (a != b) {
        while (d->po[a] < d->po[b]) {
            a = d->idom[a];
        }
        while (d->po[b] < d->po[a]) {
            b = d->idom[b];
        }
    }
    return a;
}

static uint32_t new_idom(const struct ordo_ir_ctx *c, const struct dom *d, uint32_t v)
{
    const struct ordo_ir_node *n = &c->nodes[v];
    uint32_t best = n->kind == ORDO_IR_START ? d->root : UNDEF;

    for (uint32_t k = 0; k < n->n_pred; k++) {
        uint32_t p = n->pred[k];

        if (d->idom[p] != UNDEF) {
            best = best == UNDEF ? p : intersect(d, p, best);
        }
    }
    return best;
}

static void dominators(struct ordo_ir_ctx *c, struct dom *d)
{
    uint32_t n = c->n_nodes + 1;
    uint32_t *starts = ordo_arena_calloc(c->arena, n, sizeof *starts);
    uint32_t n_starts = 0;
    bool changed = true;

    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].kind == ORDO_IR_START) {
            starts[n_starts++] = i;
        }
    }
    d->root = c->n_nodes;
    d->idom = ordo_arena_calloc(c->arena, n, sizeof *d->idom);
    d->po = ordo_arena_calloc(c->arena, n, sizeof *d->po);
    d->rpo = ordo_arena_calloc(c->arena, n, sizeof *d->rpo);
    number(c, d, starts, n_starts);
    for (uint32_t i = 0; i < n; i++) {
        d->idom[i] = UNDEF;
    }
    d->idom[d->root] = d->root;
    while (changed) {
        changed = false;
        for (uint32_t k = 1; k < d->n_rpo; k++) { /* rpo[0] is the root */
            uint32_t v = d->rpo[k];
            uint32_t best = new_idom(c, d, v);

            if (best != d->idom[v]) {
                d->idom[v] = best;
                changed = true;
            }
        }
    }
}

static bool dominates(const struct dom *d, uint32_t a, uint32_t b)
{
    for (;;) {
        if (b == a) {
            return true;
        }
        if (b == d->root) {
            return false;
        }
        b = d->idom[b];
    }
}

/* ---- the rule ---- */

/* A macro, so that the compiler checks each format: "... '%s' ... '%s' ...". */
#define REPORT(c, j, fmt, other)                                                               \
    ordo_ir_add((c), "ir/gateway-pairing", ordo_ir_node_path((c), (j)), (j)->id, fmt, (j)->id, \
                (other))

/* A parallel join after split 's' (not a parallel gateway). */
static void parallel_join(struct ordo_ir_ctx *c, const struct dom *d, const struct ordo_ir_node *j,
                          uint32_t s)
{
    const struct ordo_ir_node *sn = s == d->root ? NULL : &c->nodes[s];

    if (!sn) {
        REPORT(c, j,
               "parallel gateway '%s' joins the paths of different starts%s; each start begins "
               "its own instance, so it would wait for ever: merge them with an exclusive gateway",
               "");
    } else if (sn->kind == ORDO_IR_XOR) {
        REPORT(c, j,
               "parallel gateway '%s' joins branches of the exclusive gateway '%s', which takes "
               "only one of them, so it would wait for ever: merge them with an exclusive gateway",
               sn->id);
    } else if (sn->kind == ORDO_IR_OR) {
        REPORT(c, j,
               "parallel gateway '%s' joins branches of the inclusive gateway '%s', which may take "
               "only some of them, so it could wait for ever: join them with an inclusive gateway",
               sn->id);
    } else if (sn->hosts) {
        REPORT(c, j,
               "parallel gateway '%s' joins the normal path of '%s' with the path of its boundary "
               "timer, which may never fire, so it could wait for ever: merge them with an "
               "exclusive gateway, or let each path end",
               sn->id);
    }
}

static void exclusive_join(struct ordo_ir_ctx *c, const struct dom *d, const struct ordo_ir_node *j,
                           uint32_t s)
{
    const struct ordo_ir_node *sn = s == d->root ? NULL : &c->nodes[s];

    if (sn && sn->kind == ORDO_IR_AND) {
        REPORT(c, j,
               "exclusive gateway '%s' merges the branches of the parallel gateway '%s', which "
               "all run, so what follows would run once per branch: join them with a parallel "
               "gateway",
               sn->id);
    } else if (sn && sn->kind == ORDO_IR_OR) {
        REPORT(c, j,
               "exclusive gateway '%s' merges the branches of the inclusive gateway '%s', several "
               "of which may run, so what follows could run once per branch: join them with an "
               "inclusive gateway",
               sn->id);
    }
}

static void check_join(struct ordo_ir_ctx *c, const struct dom *d, const struct ordo_ir_node *j)
{
    uint32_t forward = 0;
    const struct ordo_ir_node *back = NULL;

    for (uint32_t k = 0; k < j->n_pred; k++) {
        if (dominates(d, j->index, j->pred[k])) {
            back = &c->nodes[j->pred[k]];
        } else {
            forward++;
        }
    }
    if (j->kind == ORDO_IR_AND && back) {
        REPORT(c, j,
               "parallel gateway '%s' is on a loop: the flow from '%s' comes back from after it, "
               "so it would wait for a token that can only come after it passed: merge a loop "
               "with an exclusive gateway",
               back->id);
        return;
    }
    if (forward < 2) {
        return;
    }
    if (j->kind == ORDO_IR_AND) {
        parallel_join(c, d, j, d->idom[j->index]);
    } else if (j->kind == ORDO_IR_XOR) {
        exclusive_join(c, d, j, d->idom[j->index]);
    }
}

void ordo_ir_check_pairing(struct ordo_ir_ctx *c)
{
    struct dom d;

    if (c->refs_broken || !c->all_reached) {
        return;
    }
    dominators(c, &d);
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        if ((n->kind == ORDO_IR_AND || n->kind == ORDO_IR_XOR) && n->n_pred >= 2) {
            check_join(c, &d, n);
        }
    }
}
