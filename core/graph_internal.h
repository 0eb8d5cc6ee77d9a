/*
 * core/graph_internal.h - what the files of the graph compiler share.
 *
 * graph.c walks the processes, builds the nodes and runs the passes;
 * graph_flow.c resolves sequence flows and their conditions; graph_event.c
 * reads event definitions (timers, messages, errors) and checks boundary
 * hosts and event-based gateways; graph_ext.c reads the zeebe:, camunda:
 * and ordo: extensions and refuses Java delegates, scripts and DMN;
 * graph_expr.c compiles expressions and values; graph_reach.c computes the
 * reach bitsets of inclusive joins. See graph.c for the whole picture.
 */
#ifndef ORDO_CORE_GRAPH_INTERNAL_H
#define ORDO_CORE_GRAPH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "bpmn/model.h"
#include "core/graph.h"

/* One compilation. Element-indexed arrays are indexed by the element's
 * document order (ordo_bpmn_node.order). */
struct ordo_graph_ctx {
    const struct ordo_bpmn_model *model;
    const struct ordo_feel_limits *feel_limits;
    struct ordo_arena *arena;   /* the graph's: everything the graph keeps */
    struct ordo_arena *out;     /* the caller's: findings */
    struct ordo_arena *scratch; /* this compilation's work space, freed at its end */

    struct ordo_graph_node *nodes; /* final array, 'nnodes' long */
    uint32_t nnodes;
    struct ordo_graph_flow *flows;
    uint32_t nflows;
    const struct ordo_bpmn_node **node_el; /* per node: its element */
    const struct ordo_bpmn_node **flow_el; /* per flow: its element */
    uint32_t *node_of;                     /* per element: node index or ORDO_GRAPH_NONE */
    uint32_t *flow_of;                     /* per element: flow index or ORDO_GRAPH_NONE */
    bool *refused;                         /* per element: refused already, say no more */

    struct ordo_graph_finding *findings;
    size_t nfindings, cap_findings;
    ordo_graph_note_fn *on_note; /* from the options; NULL: no notes */
    void *note_ctx;
};

/* How text that is neither "=..." nor JUEL reads (CONTRACTS.md §2). */
enum ordo_graph_plain {
    ORDO_GRAPH_PLAIN_FEEL,   /* conditions, collections: FEEL as written */
    ORDO_GRAPH_PLAIN_STRING, /* mapping sources, messages: a string constant */
};

/* Record a finding on 'el' (id, line); the message is "<tag> \"<id>\": "
 * (or "<tag> on line N: ") followed by the formatted reason. Also marks
 * 'el' as refused. */
void ordo_graph_report(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *rule,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Tell c->on_note (when set) that 'el' runs as mapped, not as written
 * (core/graph.h lists the rules); the message is built as for a finding.
 * Refuses nothing. */
void ordo_graph_note(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *rule,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Was 'el' or one of its ancestors refused? Then what refers to it says
 * nothing more. */
bool ordo_graph_refused(const struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el);

/* A copy of 's' in the graph's arena; NULL stays NULL. */
const char *ordo_graph_str(struct ordo_graph_ctx *c, const char *s);

/* 's' without leading and trailing white space, in the graph's arena. */
const char *ordo_graph_trim(struct ordo_graph_ctx *c, const char *s);

/* The extension element {ns}tag inside 'el's extensionElements, or NULL. */
const struct ordo_bpmn_node *ordo_graph_extension(const struct ordo_bpmn_node *el, const char *ns,
                                                  const char *tag);

/* The next element child of 'parent' after 'prev' (NULL: the first) that
 * is {ns}tag; NULL when there is none. */
const struct ordo_bpmn_node *ordo_graph_next_child(const struct ordo_bpmn_node *parent,
                                                   const struct ordo_bpmn_node *prev,
                                                   const char *ns, const char *tag);

/* Compile expression 'text' read on 'el' ('what' names it in messages:
 * "the condition"). "=..." is FEEL, "${...}"/"#{...}" is JUEL translated
 * to FEEL, other text reads as 'plain' says. Blank text leaves '*out'
 * empty and succeeds. On failure reports rule "expression" and returns
 * false. */
bool ordo_graph_expr(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *what,
                     const char *text, enum ordo_graph_plain plain, struct ordo_graph_expr *out);

/* A value: "=..." and JUEL are expressions, anything else a constant. */
bool ordo_graph_value(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *what,
                      const char *text, struct ordo_graph_value *out);

/* Is 'text' (trimmed) an expression rather than plain text? */
bool ordo_graph_is_expression(const char *text);

/* Parse a decimal unsigned integer (white space around allowed) no larger
 * than 'max'. */
bool ordo_graph_parse_uint(const char *text, uint32_t max, uint32_t *out);

/* graph_flow.c: the flows of the walk ('nflows' sequence flow elements
 * in document order), into c->flows; then each node's flow lists. */
void ordo_graph_make_flows(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *const *flows,
                           size_t nflows);
void ordo_graph_link_flows(struct ordo_graph_ctx *c);

/* graph_event.c: the event definition of event node 'i' (trigger,
 * interrupting, timer, message, error), and the message of a receive task. */
void ordo_graph_read_event(struct ordo_graph_ctx *c, uint32_t i);

/* graph_event.c: boundary hosts, once every node has its kind. */
void ordo_graph_check_boundary(struct ordo_graph_ctx *c, uint32_t i);

/* graph_event.c: the targets of event-based gateway 'i', once every node
 * has its trigger. */
void ordo_graph_check_event_gateway(struct ordo_graph_ctx *c, uint32_t i);

/* graph_ext.c: the extensions node 'i' needs (jobs, mappings, user tasks,
 * loops, call activities). */
void ordo_graph_read_extensions(struct ordo_graph_ctx *c, uint32_t i);

/* graph_form.c: camunda:formData of user task 'el' as the JSON text of an
 * ordo:form (CONTRACTS §11), or NULL when it has none; reports rule
 * "extension" (and returns NULL) for a field Ordo cannot validate. */
const char *ordo_graph_form_data(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el);

/* ordo:webhook of node 'i' (core/graph_webhook.c). */
void ordo_graph_read_webhook(struct ordo_graph_ctx *c, uint32_t i);

/* graph_ext.c: refuse Java delegates, script listeners and DMN anywhere
 * under process element 'process', skipping elements already refused. */
void ordo_graph_check_vendor(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *process);

/* graph_reach.c: 'reach' of every inclusive gateway with several
 * incoming flows; sets graph->reach_words through '*words'. */
void ordo_graph_compute_reach(struct ordo_graph_ctx *c, size_t *words);

/* Is 'kind' an activity (a task, sub-process or call activity)? */
bool ordo_graph_is_activity(enum ordo_graph_kind kind);

/* The process id a call activity names: zeebe:calledElement processId when
 * not empty, else the calledElement attribute; NULL when neither. */
const char *ordo_graph_called_id(const struct ordo_bpmn_node *el);

#endif
