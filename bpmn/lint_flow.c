/*
 * bpmn/lint_flow.c - rules about sequence flows: splits, joins, starts,
 * ends, conditions and duplicates.
 */
#include <stdint.h>
#include <string.h>

#include "base/strmap.h"
#include "bpmn/lint_internal.h"

static bool is_node_kind(const struct ordo_bpmn_node *n)
{
    return ordo_bpmn_is(n, ORDO_BPMN_C_EVENT) || ordo_bpmn_is(n, ORDO_BPMN_C_ACTIVITY) ||
           ordo_bpmn_is(n, ORDO_BPMN_C_GATEWAY);
}

static bool is_default(const struct ordo_bpmn_node *n, const struct ordo_bpmn_node *flow)
{
    return n->default_flow == flow;
}

void ordo_lint_check_conditional_flows(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    bool conditional = n->default_flow != NULL;

    for (uint32_t i = 0; i < n->noutgoing && !conditional; i++) {
        conditional = ordo_lint_has_condition(n->outgoing[i]);
    }
    if (!conditional) {
        return;
    }
    for (uint32_t i = 0; i < n->noutgoing; i++) {
        if (!ordo_lint_has_condition(n->outgoing[i]) && !is_default(n, n->outgoing[i])) {
            ordo_lint_report(ctx, n->outgoing[i], "Sequence flow is missing condition");
        }
    }
}

void ordo_lint_check_event_based_gateway(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (n->kind != ORDO_BPMN_EVENT_BASED_GATEWAY) {
        return;
    }
    if (n->noutgoing < 2) {
        ordo_lint_report(ctx, n,
                         "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>");
    }
    for (uint32_t i = 0; i < n->noutgoing; i++) {
        if (ordo_lint_has_condition(n->outgoing[i])) {
            ordo_lint_report(ctx, n->outgoing[i],
                             "A <Sequence Flow> outgoing from an <Event-based "
                             "Gateway> must not be conditional");
        }
    }
}

void ordo_lint_check_fake_join(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if ((ordo_bpmn_is(n, ORDO_BPMN_C_ACTIVITY) || ordo_bpmn_is(n, ORDO_BPMN_C_EVENT)) &&
        n->nincoming > 1) {
        ordo_lint_report(ctx, n, "Incoming flows do not join");
    }
}

static bool is_compensation_boundary(const struct ordo_bpmn_node *n)
{
    return n->kind == ORDO_BPMN_BOUNDARY_EVENT && n->nevent_definitions == 1 &&
           ordo_lint_has_definition(n, ORDO_BPMN_COMPENSATE_EVENT_DEFINITION);
}

void ordo_lint_check_no_disconnected(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    bool kind = ordo_bpmn_is(n, ORDO_BPMN_C_TASK) || ordo_bpmn_is(n, ORDO_BPMN_C_GATEWAY) ||
                ordo_bpmn_is(n, ORDO_BPMN_C_SUB_PROCESS) || ordo_bpmn_is(n, ORDO_BPMN_C_EVENT);

    if (!kind || ordo_lint_triggered_by_event(n)) {
        return;
    }
    /* Compensation handlers hang off associations, not sequence flows; an
     * ad-hoc sub-process has no flow order by design. */
    if (is_compensation_boundary(n) ||
        (ordo_bpmn_is(n, ORDO_BPMN_C_ACTIVITY) && ordo_lint_attr_true(n, "isForCompensation")) ||
        ordo_lint_parent_is(n, ORDO_BPMN_AD_HOC_SUB_PROCESS)) {
        return;
    }
    if (n->nincoming == 0 && n->noutgoing == 0) {
        ordo_lint_report(ctx, n, "Element is not connected");
    }
}

void ordo_lint_check_no_gateway_join_fork(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (ordo_bpmn_is(n, ORDO_BPMN_C_GATEWAY) && n->nincoming > 1 && n->noutgoing > 1) {
        ordo_lint_report(ctx, n, "Gateway forks and joins");
    }
}

void ordo_lint_check_superfluous_gateway(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (ordo_bpmn_is(n, ORDO_BPMN_C_GATEWAY) && n->nincoming == 1 && n->noutgoing == 1) {
        ordo_lint_report(ctx, n, "Gateway is superfluous. It only has one source and target.");
    }
}

void ordo_lint_check_no_implicit_split(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    uint32_t plain = 0;

    if (!ordo_bpmn_is(n, ORDO_BPMN_C_ACTIVITY) && !ordo_bpmn_is(n, ORDO_BPMN_C_EVENT)) {
        return;
    }
    for (uint32_t i = 0; i < n->noutgoing; i++) {
        plain += !ordo_lint_has_condition(n->outgoing[i]) && !is_default(n, n->outgoing[i]);
    }
    if (plain > 1) {
        ordo_lint_report(ctx, n, "Flow splits implicitly");
    }
}

static bool is_implicit_end(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (ordo_lint_triggered_by_event(n) || ordo_lint_parent_is(n, ORDO_BPMN_AD_HOC_SUB_PROCESS) ||
        n->kind == ORDO_BPMN_END_EVENT) {
        return false;
    }
    if (n->kind == ORDO_BPMN_INTERMEDIATE_THROW_EVENT &&
        ordo_lint_only_definitions_of(n, ORDO_BPMN_LINK_EVENT_DEFINITION)) {
        return false;
    }
    if (n->kind == ORDO_BPMN_BOUNDARY_EVENT &&
        ordo_lint_only_definitions_of(n, ORDO_BPMN_COMPENSATE_EVENT_DEFINITION) &&
        ordo_lint_association_source(ctx, n)) {
        return false;
    }
    if (ordo_bpmn_is(n, ORDO_BPMN_C_ACTIVITY) && ordo_lint_attr_true(n, "isForCompensation")) {
        return false;
    }
    return n->noutgoing == 0;
}

void ordo_lint_check_no_implicit_end(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (is_node_kind(n) && is_implicit_end(ctx, n)) {
        ordo_lint_report(ctx, n, "Element is an implicit end");
    }
}

static bool is_implicit_start(const struct ordo_bpmn_node *n)
{
    if ((ordo_bpmn_is(n, ORDO_BPMN_C_ACTIVITY) && ordo_lint_attr_true(n, "isForCompensation")) ||
        ordo_lint_parent_is(n, ORDO_BPMN_AD_HOC_SUB_PROCESS) || ordo_lint_triggered_by_event(n)) {
        return false;
    }
    if (n->kind == ORDO_BPMN_INTERMEDIATE_CATCH_EVENT &&
        ordo_lint_only_definitions_of(n, ORDO_BPMN_LINK_EVENT_DEFINITION)) {
        return false;
    }
    if (n->kind == ORDO_BPMN_START_EVENT || n->kind == ORDO_BPMN_BOUNDARY_EVENT) {
        return false;
    }
    return n->nincoming == 0;
}

void ordo_lint_check_no_implicit_start(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    if (is_node_kind(n) && is_implicit_start(n)) {
        ordo_lint_report(ctx, n, "Element is an implicit start");
    }
}

void ordo_lint_check_superfluous_label(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n)
{
    const struct ordo_bpmn_node *src = n->source;
    bool fork;

    if (n->kind != ORDO_BPMN_SEQUENCE_FLOW || ordo_lint_blank(n->name) ||
        ordo_lint_has_condition(n)) {
        return;
    }
    if (src && src->default_flow == n) {
        return;
    }
    fork = src &&
           (src->kind == ORDO_BPMN_EXCLUSIVE_GATEWAY || src->kind == ORDO_BPMN_INCLUSIVE_GATEWAY) &&
           src->noutgoing > 1;
    if (!fork) {
        ordo_lint_report(ctx, n, "Sequence flow has superfluous label");
    }
}

/* ---- no-duplicate-sequence-flows: one pass over the document's flows ---- */

/* bpmnlint's key: source id, target id and condition text; a missing end
 * stands for the flow's own id, an empty condition element for "undefined". */
static const char *flow_key(struct ordo_arena *arena, const struct ordo_bpmn_node *f)
{
    const struct ordo_bpmn_node *c = ordo_bpmn_child(f, ORDO_BPMN_CONDITION_EXPRESSION);
    const char *cond = c ? (c->text ? c->text : "undefined") : "";

    const char *self = f->id ? f->id : "undefined";

    return ordo_arena_printf(arena, "%s#%s#%s", f->source ? f->source->id : self,
                             f->target ? f->target->id : self, cond);
}

void ordo_lint_check_no_duplicate_sequence_flows(struct ordo_lint_ctx *ctx,
                                                 const struct ordo_bpmn_node *n)
{
    const struct ordo_bpmn_model *m = ordo_lint_model(ctx);
    struct ordo_arena *arena = ordo_lint_arena(ctx);
    size_t nodes = ordo_bpmn_model_node_count(m);
    struct ordo_strmap *seen;
    bool *out_done;
    bool *in_done;

    if (n->kind != ORDO_BPMN_DEFINITIONS) {
        return;
    }
    seen = ordo_strmap_new(arena, nodes / 4);
    out_done = ordo_arena_calloc(arena, nodes, sizeof(*out_done));
    in_done = ordo_arena_calloc(arena, nodes, sizeof(*in_done));
    for (const struct ordo_bpmn_node *f = n; f; f = ordo_bpmn_next(n, f)) {
        if (f->kind != ORDO_BPMN_SEQUENCE_FLOW || f->in_extension ||
            !ordo_strmap_add(seen, flow_key(arena, f), (void *)f)) {
            continue;
        }
        ordo_lint_report(ctx, f, "SequenceFlow is a duplicate");
        if (f->source && !out_done[f->source->order]) {
            out_done[f->source->order] = true;
            ordo_lint_report(ctx, f->source, "Duplicate outgoing sequence flows");
        }
        if (f->target && !in_done[f->target->order]) {
            in_done[f->target->order] = true;
            ordo_lint_report(ctx, f->target, "Duplicate incoming sequence flows");
        }
    }
}
