/*
 * bpmn/lint_ordo.c - Ordo's own rules: what the engine needs to execute a
 * model unambiguously. Deploy refuses models with these errors.
 */
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "bpmn/lint_internal.h"

void ordo_lint_check_duplicate_id(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    const struct ordo_bpmn_duplicate *dups;
    size_t count;

    if (n->kind != ORDO_BPMN_DEFINITIONS) {
        return;
    }
    dups = ordo_bpmn_model_duplicates(ordo_lint_model(ctx), &count);
    for (size_t i = 0; i < count; i++) {
        ordo_lint_report(ctx, dups[i].again, "Id \"%s\" is already used by <%s> on line %u",
                         dups[i].again->id, dups[i].first->tag, (unsigned)dups[i].first->line);
    }
}

void ordo_lint_check_exclusive_gateway_conditions(struct ordo_lint_ctx *ctx,
                                                  const struct ordo_bpmn_node *n)
{
    struct ordo_buf names = ORDO_BUF_INIT;
    uint32_t open = 0;

    if (n->kind != ORDO_BPMN_EXCLUSIVE_GATEWAY || n->noutgoing < 2) {
        return;
    }
    for (uint32_t i = 0; i < n->noutgoing; i++) {
        const struct ordo_bpmn_node *f = n->outgoing[i];

        if (ordo_lint_has_condition(f) || n->default_flow == f) {
            continue;
        }
        ordo_buf_printf(&names, "%s\"%s\"", open++ ? ", " : "", f->id ? f->id : "?");
    }
    if (open) {
        ordo_lint_report(ctx, n,
                         "Exclusive gateway forks into %u flow%s with neither a condition nor the "
                         "default mark (%s); the engine cannot choose between them",
                         (unsigned)open, open > 1 ? "s" : "", ordo_buf_cstr(&names));
    }
    ordo_buf_cleanup(&names);
}

static void check_ref(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n, const char *attr,
                      const struct ordo_bpmn_node *resolved, enum ordo_bpmn_class want,
                      const char *what)
{
    const char *v = ordo_bpmn_attr_get(n, NULL, attr);

    if (!v) {
        ordo_lint_report(ctx, n, "%s has no %s", ordo_bpmn_kind_name(n->kind), attr);
    } else if (!resolved) {
        ordo_lint_report(ctx, n, "%s \"%s\" names no element", attr, v);
    } else if (!ordo_bpmn_is(resolved, want)) {
        ordo_lint_report(ctx, n, "%s \"%s\" names a <%s>, not %s", attr, v, resolved->tag, what);
    }
}

void ordo_lint_check_unresolved_reference(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    const char *dflt;

    if (n->kind == ORDO_BPMN_SEQUENCE_FLOW) {
        check_ref(ctx, n, "sourceRef", n->source, ORDO_BPMN_C_FLOW_NODE, "a flow node");
        check_ref(ctx, n, "targetRef", n->target, ORDO_BPMN_C_FLOW_NODE, "a flow node");
    } else if (n->kind == ORDO_BPMN_BOUNDARY_EVENT) {
        check_ref(ctx, n, "attachedToRef", n->attached_to, ORDO_BPMN_C_ACTIVITY, "an activity");
    }
    dflt = ordo_bpmn_attr_get(n, NULL, "default");
    if (dflt && ordo_bpmn_has_default(n) && (!n->default_flow || n->default_flow->source != n)) {
        ordo_lint_report(ctx, n, "default \"%s\" is not a sequence flow leaving this element",
                         dflt);
    }
}
