/*
 * bpmn/lint_naming.c - rules about names: labels on diagram elements and
 * the global messages, errors, escalations and signals.
 */
#include <stdint.h>
#include <string.h>

#include "base/strmap.h"
#include "bpmn/lint_internal.h"

void ordo_lint_check_label_required(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (n->kind == ORDO_BPMN_PARALLEL_GATEWAY || n->kind == ORDO_BPMN_EVENT_BASED_GATEWAY) {
        return;
    }
    if (ordo_bpmn_is(n, ORDO_BPMN_C_GATEWAY) && n->noutgoing <= 1) {
        return; /* a joining gateway needs no question on it */
    }
    if (ordo_bpmn_is(n, ORDO_BPMN_C_SUB_PROCESS)) {
        return;
    }
    if (n->kind == ORDO_BPMN_SEQUENCE_FLOW && !ordo_lint_has_condition(n)) {
        return;
    }
    if (!ordo_bpmn_is(n, ORDO_BPMN_C_FLOW_NODE) && n->kind != ORDO_BPMN_SEQUENCE_FLOW &&
        n->kind != ORDO_BPMN_PARTICIPANT && n->kind != ORDO_BPMN_LANE) {
        return;
    }
    if (ordo_lint_blank(n->name)) {
        ordo_lint_report(ctx, n, "Element is missing label/name");
    }
}

/* ---- global ---- */

static bool is_global(const struct ordo_bpmn_node *n)
{
    return n->kind == ORDO_BPMN_ERROR || n->kind == ORDO_BPMN_ESCALATION ||
           n->kind == ORDO_BPMN_MESSAGE || n->kind == ORDO_BPMN_SIGNAL;
}

/* The attribute through which 'user' names a global element, and the kind
 * that element must have; bpmnlint counts event definitions, message flows,
 * and send and receive tasks. NULL if 'user' names none. */
static const char *reference_attr(const struct ordo_bpmn_node *user, enum ordo_bpmn_kind *target)
{
    switch (user->kind) {
    case ORDO_BPMN_ERROR_EVENT_DEFINITION:
        *target = ORDO_BPMN_ERROR;
        return "errorRef";
    case ORDO_BPMN_ESCALATION_EVENT_DEFINITION:
        *target = ORDO_BPMN_ESCALATION;
        return "escalationRef";
    case ORDO_BPMN_SIGNAL_EVENT_DEFINITION:
        *target = ORDO_BPMN_SIGNAL;
        return "signalRef";
    case ORDO_BPMN_MESSAGE_EVENT_DEFINITION:
    case ORDO_BPMN_MESSAGE_FLOW:
    case ORDO_BPMN_SEND_TASK:
    case ORDO_BPMN_RECEIVE_TASK:
        *target = ORDO_BPMN_MESSAGE;
        return "messageRef";
    default:
        return NULL;
    }
}

/* Where bpmnlint looks for references: event definitions of events and the
 * send/receive tasks among a scope's flow elements (recursively), and the
 * message flows of collaborations. */
static bool in_reference_scope(const struct ordo_bpmn_node *n)
{
    const struct ordo_bpmn_node *p = n->parent;

    if (!p || n->in_extension) {
        return false;
    }
    if (ordo_bpmn_is(n, ORDO_BPMN_C_EVENT_DEFINITION)) {
        return ordo_bpmn_is(p, ORDO_BPMN_C_EVENT) && ordo_lint_is_flow_element_of(p);
    }
    if (n->kind == ORDO_BPMN_MESSAGE_FLOW) {
        return p->kind == ORDO_BPMN_COLLABORATION;
    }
    return ordo_lint_is_flow_element_of(n);
}

/* used[order] is set for every global element something refers to. */
static bool *mark_referenced(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *defs)
{
    const struct ordo_bpmn_model *m = ordo_lint_model(ctx);
    bool *used =
        ordo_arena_calloc(ordo_lint_arena(ctx), ordo_bpmn_model_node_count(m), sizeof(*used));

    for (const struct ordo_bpmn_node *u = defs; u; u = ordo_bpmn_next(defs, u)) {
        enum ordo_bpmn_kind want = ORDO_BPMN_UNKNOWN;
        const char *attr = reference_attr(u, &want);
        const struct ordo_bpmn_node *t;

        if (attr && in_reference_scope(u)) {
            t = ordo_bpmn_model_find(m, ordo_bpmn_attr_get(u, NULL, attr));
            if (t && t->kind == want) {
                used[t->order] = true;
            }
        }
    }
    return used;
}

/* "kind|name", with an absent name apart from every written one: bpmnlint
 * compares names with ===, so two unnamed messages share a name. */
static const char *name_key(struct ordo_arena *arena, const struct ordo_bpmn_node *g)
{
    return g->name ? ordo_arena_printf(arena, "%d|=%s", (int)g->kind, g->name)
                   : ordo_arena_printf(arena, "%d|", (int)g->kind);
}

/* How many global elements of each kind carry each name. */
static struct ordo_strmap *count_names(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    struct ordo_arena *arena = ordo_lint_arena(ctx);
    struct ordo_strmap *counts = ordo_strmap_new(arena, 64);

    for (const struct ordo_bpmn_node *g = n->first; g; g = g->next) {
        const char *key;
        size_t *c;

        if (!is_global(g)) {
            continue;
        }
        key = name_key(arena, g);
        c = ordo_strmap_get(counts, key);
        if (!c) {
            c = ordo_arena_alloc(arena, sizeof(*c));
            ordo_strmap_add(counts, key, c);
        }
        (*c)++;
    }
    return counts;
}

void ordo_lint_check_global(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    struct ordo_strmap *names;
    const bool *used;

    if (n->kind != ORDO_BPMN_DEFINITIONS) {
        return;
    }
    used = mark_referenced(ctx, n);
    names = count_names(ctx, n);
    for (const struct ordo_bpmn_node *g = n->first; g; g = g->next) {
        const size_t *same;

        if (!is_global(g)) {
            continue;
        }
        /* bpmnlint treats an absent name as a name; only a blank one is missing. */
        if (g->name && ordo_lint_blank(g->name)) {
            ordo_lint_report(ctx, g, "Element is missing name");
        }
        if (!used[g->order]) {
            ordo_lint_report(ctx, g, "Element is unused");
        }
        same = ordo_strmap_get(names, name_key(ordo_lint_arena(ctx), g));
        if (*same > 1) {
            ordo_lint_report(ctx, g, "Element name is not unique");
        }
    }
}
