/*
 * core/graph_reach.c - what an inclusive join waits for.
 *
 * An inclusive gateway with several incoming flows fires when no token
 * that could still arrive remains in its scope. Which nodes can still
 * deliver one is fixed by the graph, so it is computed once here: a
 * backward search from the gateway along sequence flows, within the
 * gateway's scope, that never expands the gateway itself (a loop back
 * through it does not make it wait for itself). A boundary event is
 * reachable from its host, so a host is added when its boundary event is;
 * a sub-process or call activity stands for everything inside it, since
 * its inner nodes are in another scope and only the node itself has flows
 * here. The runtime asks ordo_graph_reaches(join, node) for the node of
 * each live token of the scope (for tokens inside a sub-process, the
 * sub-process node).
 *
 * Cost: O(nodes + flows) per inclusive join, once per compile.
 */
#include "core/graph_internal.h"

static void set_bit(uint64_t *bits, uint32_t i)
{
    bits[i / 64] |= (uint64_t)1 << (i % 64);
}

static bool has_bit(const uint64_t *bits, uint32_t i)
{
    return (bits[i / 64] >> (i % 64) & 1u) != 0;
}

static const uint64_t *reach_of(struct ordo_graph_ctx *c, uint32_t g, size_t words, uint32_t *stack)
{
    const struct ordo_graph_node *join = &c->nodes[g];
    uint64_t *bits = ordo_arena_calloc(c->arena, words, sizeof(uint64_t));
    size_t top = 0;

    for (uint32_t k = 0; k < join->nincoming; k++) {
        stack[top++] = c->flows[join->incoming[k]].source;
    }
    while (top > 0) {
        uint32_t i = stack[--top];
        const struct ordo_graph_node *n = &c->nodes[i];

        if (i == g || has_bit(bits, i) || n->scope != join->scope) {
            continue;
        }
        set_bit(bits, i);
        for (uint32_t k = 0; k < n->nincoming; k++) {
            stack[top++] = c->flows[n->incoming[k]].source;
        }
        if (n->kind == ORDO_GRAPH_BOUNDARY_EVENT && n->attached_to != ORDO_GRAPH_NONE) {
            stack[top++] = n->attached_to;
        }
    }
    return bits;
}

void ordo_graph_compute_reach(struct ordo_graph_ctx *c, size_t *words)
{
    uint32_t *stack = NULL;

    *words = ((size_t)c->nnodes + 63) / 64;
    for (uint32_t g = 0; g < c->nnodes; g++) {
        struct ordo_graph_node *n = &c->nodes[g];

        if (n->kind != ORDO_GRAPH_INCLUSIVE_GATEWAY || n->nincoming < 2) {
            continue;
        }
        if (!stack) {
            /* Every node pushes its incoming flows' sources and at most one
             * host, once: flows + nodes entries, plus the join's flows. */
            stack = ordo_arena_calloc(c->scratch, (size_t)c->nflows * 2 + c->nnodes + 1,
                                      sizeof(*stack));
        }
        n->reach = reach_of(c, g, *words, stack);
    }
}
