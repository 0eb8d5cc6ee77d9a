/*
 * bpmn/lint_scope.c - rules about scopes (processes and sub-processes) and
 * the events and gateways in them.
 */
#include <stdint.h>
#include <string.h>

#include "base/strmap.h"
#include "bpmn/lint_internal.h"

static bool is_process_or_sub(const struct ordo_bpmn_node *n)
{
    return n->kind == ORDO_BPMN_PROCESS || ordo_bpmn_is(n, ORDO_BPMN_C_SUB_PROCESS);
}

static const char *scope_word(const struct ordo_bpmn_node *n)
{
    return ordo_bpmn_is(n, ORDO_BPMN_C_SUB_PROCESS) ? "Sub process" : "Process";
}

void ordo_lint_check_ad_hoc_sub_process(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (n->kind != ORDO_BPMN_AD_HOC_SUB_PROCESS) {
        return;
    }
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (c->kind == ORDO_BPMN_START_EVENT) {
            ordo_lint_report(ctx, c, "A <Start Event> is not allowed in <Ad Hoc Sub Process>");
        } else if (c->kind == ORDO_BPMN_END_EVENT) {
            ordo_lint_report(ctx, c, "An <End Event> is not allowed in <Ad Hoc Sub Process>");
        }
    }
}

static void require_child(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n,
                          enum ordo_bpmn_kind kind, const char *what)
{
    if (!is_process_or_sub(n) || n->kind == ORDO_BPMN_AD_HOC_SUB_PROCESS) {
        return;
    }
    if (!ordo_bpmn_child(n, kind)) {
        ordo_lint_report(ctx, n, "%s is missing %s", scope_word(n), what);
    }
}

void ordo_lint_check_end_event_required(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    require_child(ctx, n, ORDO_BPMN_END_EVENT, "end event");
}

void ordo_lint_check_start_event_required(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    require_child(ctx, n, ORDO_BPMN_START_EVENT, "start event");
}

void ordo_lint_check_event_sub_process_typed_start_event(struct ordo_lint_ctx *ctx,
                                                         const struct ordo_bpmn_node *n)
{
    if (!ordo_lint_triggered_by_event(n)) {
        return;
    }
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (c->kind == ORDO_BPMN_START_EVENT && c->nevent_definitions == 0) {
            ordo_lint_report(ctx, c, "Start event is missing event definition");
        }
    }
}

void ordo_lint_check_sub_process_blank_start_event(struct ordo_lint_ctx *ctx,
                                                   const struct ordo_bpmn_node *n)
{
    if (!ordo_bpmn_is(n, ORDO_BPMN_C_SUB_PROCESS) || ordo_lint_triggered_by_event(n)) {
        return;
    }
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (c->kind == ORDO_BPMN_START_EVENT && c->nevent_definitions > 0) {
            ordo_lint_report(ctx, c, "Start event must be blank");
        }
    }
}

void ordo_lint_check_single_blank_start_event(struct ordo_lint_ctx *ctx,
                                              const struct ordo_bpmn_node *n)
{
    int blank = 0;

    if (!ordo_bpmn_is(n, ORDO_BPMN_C_CONTAINER)) {
        return;
    }
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        blank += c->kind == ORDO_BPMN_START_EVENT && c->nevent_definitions == 0;
    }
    if (blank > 1) {
        ordo_lint_report(ctx, n, "%s has multiple blank start events", scope_word(n));
    }
}

void ordo_lint_check_single_event_definition(struct ordo_lint_ctx *ctx,
                                             const struct ordo_bpmn_node *n)
{
    if (ordo_bpmn_is(n, ORDO_BPMN_C_EVENT) && n->nevent_definitions > 1) {
        ordo_lint_report(ctx, n, "Event has multiple event definitions");
    }
}

void ordo_lint_check_no_complex_gateway(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (n->kind == ORDO_BPMN_COMPLEX_GATEWAY) {
        ordo_lint_report(ctx, n, "Element type <bpmn:ComplexGateway> is discouraged");
    }
}

void ordo_lint_check_no_inclusive_gateway(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (n->kind == ORDO_BPMN_INCLUSIVE_GATEWAY) {
        ordo_lint_report(ctx, n, "Element type <bpmn:InclusiveGateway> is discouraged");
    }
}

static bool is_terminate_end(const struct ordo_bpmn_node *n)
{
    return n->kind == ORDO_BPMN_END_EVENT &&
           ordo_lint_has_definition(n, ORDO_BPMN_TERMINATE_EVENT_DEFINITION);
}

/* An interrupting event sub-process ends its scope as a terminate does.
 * isInterrupting defaults to true. */
static bool is_interrupting_event_sub(const struct ordo_bpmn_node *n)
{
    if (!ordo_lint_triggered_by_event(n)) {
        return false;
    }
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        const char *v = ordo_bpmn_attr_get(c, NULL, "isInterrupting");

        if (c->kind == ORDO_BPMN_START_EVENT && (!v || strcmp(v, "true") == 0)) {
            return true;
        }
    }
    return false;
}

void ordo_lint_check_superfluous_termination(struct ordo_lint_ctx *ctx,
                                             const struct ordo_bpmn_node *n)
{
    const struct ordo_bpmn_node *terminate = NULL;
    int terminates = 0;

    if (!is_process_or_sub(n)) {
        return;
    }
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        if (!ordo_bpmn_is(c, ORDO_BPMN_C_FLOW_NODE) || c->noutgoing != 0) {
            continue;
        }
        if (is_terminate_end(c)) {
            terminate = c;
            terminates++;
        } else if (!is_interrupting_event_sub(c)) {
            return; /* another path ends normally: the terminate ends it early */
        }
    }
    if (terminates == 1) {
        ordo_lint_report(ctx, terminate, "Termination is superfluous.");
    }
}

/* ---- link-event ---- */

static const char *link_name(const struct ordo_bpmn_node *event)
{
    const struct ordo_bpmn_node *def = ordo_bpmn_child(event, ORDO_BPMN_LINK_EVENT_DEFINITION);
    const char *name = def ? ordo_bpmn_attr_get(def, NULL, "name") : NULL;

    return name && *name ? name : NULL;
}

static bool is_link(const struct ordo_bpmn_node *c)
{
    return ordo_bpmn_is(c, ORDO_BPMN_C_EVENT) &&
           ordo_lint_has_definition(c, ORDO_BPMN_LINK_EVENT_DEFINITION);
}

struct link_group {
    int total;
    int catches;
};

/* Per name in scope 'n': how many link events, and how many catch. */
static struct ordo_strmap *group_links(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    struct ordo_strmap *groups = ordo_strmap_new(ordo_lint_arena(ctx), 8);

    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        const char *name = is_link(c) ? link_name(c) : NULL;
        struct link_group *g;

        if (!name) {
            continue;
        }
        g = ordo_strmap_get(groups, name);
        if (!g) {
            g = ordo_arena_alloc(ordo_lint_arena(ctx), sizeof(*g));
            ordo_strmap_add(groups, name, g);
        }
        g->total++;
        g->catches += ordo_bpmn_is(c, ORDO_BPMN_C_CATCH_EVENT);
    }
    return groups;
}

void ordo_lint_check_link_event(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    struct ordo_strmap *groups;

    if (!ordo_bpmn_is(n, ORDO_BPMN_C_CONTAINER)) {
        return;
    }
    groups = group_links(ctx, n);
    for (const struct ordo_bpmn_node *c = n->first; c; c = c->next) {
        const char *name = is_link(c) ? link_name(c) : NULL;
        const struct link_group *g = name ? ordo_strmap_get(groups, name) : NULL;

        if (!is_link(c)) {
            continue;
        }
        if (!name) {
            ordo_lint_report(ctx, c, "Link event is missing link name");
        } else if (g->total == 1) {
            ordo_lint_report(ctx, c, "Link %s event with link name <%s> missing in scope",
                             ordo_bpmn_is(c, ORDO_BPMN_C_THROW_EVENT) ? "catch" : "throw", name);
        } else if (g->catches > 1 && ordo_bpmn_is(c, ORDO_BPMN_C_CATCH_EVENT)) {
            ordo_lint_report(ctx, c, "Duplicate link catch event with link name <%s> in scope",
                             name);
        } else if (g->catches == 0) {
            ordo_lint_report(ctx, c, "Link catch event with link name <%s> missing in scope", name);
        }
    }
}
