/*
 * bpmn/lint_internal.h - what the rule files share with the lint runner.
 *
 * The runner walks the model once and calls every enabled rule's check on
 * each element of the BPMN model proper (elements inside extensionElements
 * and vendor elements are not part of the process). A rule looks at the
 * element it is given and reports findings on it or on its neighbours.
 */
#ifndef ORDO_BPMN_LINT_INTERNAL_H
#define ORDO_BPMN_LINT_INTERNAL_H

#include <stdbool.h>

#include "bpmn/lint.h"

struct ordo_lint_ctx;

typedef void ordo_lint_check_fn(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n);

/* id, bpmnlint's severity (OFF: not a bpmnlint rule), Ordo's default
 * severity, check function, summary. */
#define ORDO_LINT_RULE_MAP(X)                                                                      \
    X(AD_HOC_SUB_PROCESS, "ad-hoc-sub-process", ERROR, ERROR, ordo_lint_check_ad_hoc_sub_process,  \
      "no start or end event inside an ad-hoc sub-process")                                        \
    X(CONDITIONAL_FLOWS, "conditional-flows", ERROR, ERROR, ordo_lint_check_conditional_flows,     \
      "every flow out of a conditional fork has a condition or is the default")                    \
    X(END_EVENT_REQUIRED, "end-event-required", ERROR, ERROR, ordo_lint_check_end_event_required,  \
      "every process and sub-process has an end event")                                            \
    X(EVENT_BASED_GATEWAY, "event-based-gateway", ERROR, ERROR,                                    \
      ordo_lint_check_event_based_gateway,                                                         \
      "an event-based gateway has two or more unconditional outgoing flows")                       \
    X(EVENT_SUB_PROCESS_TYPED_START_EVENT, "event-sub-process-typed-start-event", ERROR, ERROR,    \
      ordo_lint_check_event_sub_process_typed_start_event,                                         \
      "an event sub-process starts with a typed event")                                            \
    X(FAKE_JOIN, "fake-join", WARN, WARN, ordo_lint_check_fake_join,                               \
      "activities and events do not join flows; use a gateway")                                    \
    X(GLOBAL, "global", WARN, WARN, ordo_lint_check_global,                                        \
      "messages, errors, escalations and signals are named, unique and used")                      \
    X(LABEL_REQUIRED, "label-required", ERROR, ERROR, ordo_lint_check_label_required,              \
      "flow nodes, conditional flows, participants and lanes have a label")                        \
    X(LINK_EVENT, "link-event", ERROR, ERROR, ordo_lint_check_link_event,                          \
      "link events are named and paired within their scope")                                       \
    X(NO_BPMNDI, "no-bpmndi", ERROR, ERROR, ordo_lint_check_no_bpmndi,                             \
      "every visible element has a shape or edge in the diagram")                                  \
    X(NO_COMPLEX_GATEWAY, "no-complex-gateway", ERROR, ERROR, ordo_lint_check_no_complex_gateway,  \
      "complex gateways are discouraged")                                                          \
    X(NO_DISCONNECTED, "no-disconnected", ERROR, ERROR, ordo_lint_check_no_disconnected,           \
      "every flow node is connected by a sequence flow")                                           \
    X(NO_DUPLICATE_SEQUENCE_FLOWS, "no-duplicate-sequence-flows", ERROR, ERROR,                    \
      ordo_lint_check_no_duplicate_sequence_flows,                                                 \
      "no two sequence flows with the same ends and condition")                                    \
    X(NO_GATEWAY_JOIN_FORK, "no-gateway-join-fork", ERROR, ERROR,                                  \
      ordo_lint_check_no_gateway_join_fork, "a gateway either joins or forks, not both")           \
    X(NO_IMPLICIT_SPLIT, "no-implicit-split", ERROR, ERROR, ordo_lint_check_no_implicit_split,     \
      "activities and events do not fork unconditionally; use a gateway")                          \
    X(NO_IMPLICIT_END, "no-implicit-end", ERROR, ERROR, ordo_lint_check_no_implicit_end,           \
      "paths end in an end event")                                                                 \
    X(NO_IMPLICIT_START, "no-implicit-start", ERROR, ERROR, ordo_lint_check_no_implicit_start,     \
      "paths begin at a start event")                                                              \
    X(NO_INCLUSIVE_GATEWAY, "no-inclusive-gateway", WARN, OFF,                                     \
      ordo_lint_check_no_inclusive_gateway,                                                        \
      "inclusive gateways are discouraged (off in Ordo, which executes them)")                     \
    X(NO_OVERLAPPING_ELEMENTS, "no-overlapping-elements", WARN, WARN,                              \
      ordo_lint_check_no_overlapping_elements,                                                     \
      "shapes do not overlap and stay inside their parent")                                        \
    X(SINGLE_BLANK_START_EVENT, "single-blank-start-event", ERROR, ERROR,                          \
      ordo_lint_check_single_blank_start_event, "at most one blank start event per scope")         \
    X(SINGLE_EVENT_DEFINITION, "single-event-definition", ERROR, ERROR,                            \
      ordo_lint_check_single_event_definition, "an event has at most one event definition")        \
    X(START_EVENT_REQUIRED, "start-event-required", ERROR, ERROR,                                  \
      ordo_lint_check_start_event_required, "every process and sub-process has a start event")     \
    X(SUB_PROCESS_BLANK_START_EVENT, "sub-process-blank-start-event", ERROR, ERROR,                \
      ordo_lint_check_sub_process_blank_start_event,                                               \
      "a sub-process starts with a blank start event")                                             \
    X(SUPERFLUOUS_GATEWAY, "superfluous-gateway", WARN, WARN, ordo_lint_check_superfluous_gateway, \
      "a gateway with one way in and one way out does nothing")                                    \
    X(SUPERFLUOUS_LABEL, "superfluous-label", WARN, WARN, ordo_lint_check_superfluous_label,       \
      "only conditional, default or forking flows carry labels")                                   \
    X(SUPERFLUOUS_TERMINATION, "superfluous-termination", WARN, WARN,                              \
      ordo_lint_check_superfluous_termination, "a terminate end event that ends nothing else")     \
    X(ORDO_DUPLICATE_ID, "ordo/duplicate-id", OFF, ERROR, ordo_lint_check_duplicate_id,            \
      "element ids are unique in the document")                                                    \
    X(ORDO_EXCLUSIVE_GATEWAY_CONDITIONS, "ordo/exclusive-gateway-conditions", OFF, ERROR,          \
      ordo_lint_check_exclusive_gateway_conditions,                                                \
      "every flow out of a forking exclusive gateway has a condition or is its default")           \
    X(ORDO_UNRESOLVED_REFERENCE, "ordo/unresolved-reference", OFF, ERROR,                          \
      ordo_lint_check_unresolved_reference,                                                        \
      "sequence flows, boundary events and defaults point at elements that exist")

/* clang-format cannot lay out X-macro expansions. */
/* clang-format off */
enum ordo_lint_rule {
#define X(e, id, bl, ordo, fn, summary) ORDO_LINT_RULE_##e,
    ORDO_LINT_RULE_MAP(X)
#undef X
    ORDO_LINT_RULE__COUNT
};
/* clang-format on */

#define X(e, id, bl, ordo, fn, summary) ordo_lint_check_fn fn;
ORDO_LINT_RULE_MAP(X)
#undef X

/* Record a finding of the current rule on element 'n'. */
void ordo_lint_report(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));

const struct ordo_bpmn_model *ordo_lint_model(const struct ordo_lint_ctx *ctx);
struct ordo_arena *ordo_lint_arena(const struct ordo_lint_ctx *ctx);

/* Shapes and edges by element, as the last diagram plane element naming the
 * element (bpmnlint's map). NULL if none. */
const struct ordo_bpmn_node *ordo_lint_di_of(const struct ordo_lint_ctx *ctx,
                                             const struct ordo_bpmn_node *n);

/* Is 'n' the source of an association among the artifacts of its nearest
 * enclosing process? (How a compensation boundary event is linked to its
 * handler, as bpmnlint sees it.) */
bool ordo_lint_association_source(struct ordo_lint_ctx *ctx, const struct ordo_bpmn_node *n);

/* Helpers shared by rules. */
bool ordo_lint_attr_true(const struct ordo_bpmn_node *n, const char *name); /* == "true" */
bool ordo_lint_blank(const char *s);                                        /* NULL or whitespace */
bool ordo_lint_has_condition(const struct ordo_bpmn_node *flow);
bool ordo_lint_triggered_by_event(const struct ordo_bpmn_node *n);
bool ordo_lint_parent_is(const struct ordo_bpmn_node *n, enum ordo_bpmn_kind kind);
/* Every event definition of the event is of 'kind' (and there is one). */
bool ordo_lint_only_definitions_of(const struct ordo_bpmn_node *event, enum ordo_bpmn_kind kind);
bool ordo_lint_has_definition(const struct ordo_bpmn_node *event, enum ordo_bpmn_kind kind);
/* A flow element directly in a process or sub-process. */
bool ordo_lint_is_flow_element_of(const struct ordo_bpmn_node *child);

#endif
