/*
 * generator/ir_internal.h - what the parts of the IR validator share:
 * ir.c (the API, the catalogue, the order of the passes), ir_shape.c
 * (ir/schema), ir_graph.c (references, flow counts, reachability),
 * ir_pairing.c (gateway pairing), ir_rules.c and ir_action.c (the rules
 * of one node or flow at a time) and ir_uses.c.
 *
 * Every pass appends to the context's violation list through ordo_ir_add,
 * so the list comes out in the order of the rules in generator/ir.h. The
 * passes after ir/schema may rely on the shape: every key present with a
 * value of its type, ids well formed, sizes within the bounds of ir.h.
 * Everything lives in the context's arena.
 */
#ifndef ORDO_GENERATOR_IR_INTERNAL_H
#define ORDO_GENERATOR_IR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "generator/ir.h"

#define ORDO_IR_NONE UINT32_MAX /* no node */

enum ordo_ir_kind {
    ORDO_IR_START,
    ORDO_IR_END,
    ORDO_IR_SERVICE,
    ORDO_IR_USER,
    ORDO_IR_XOR,
    ORDO_IR_AND,
    ORDO_IR_OR,
    ORDO_IR_TIMER_CATCH,
    ORDO_IR_MESSAGE_CATCH,
    ORDO_IR_BOUNDARY,
    ORDO_IR_KIND_COUNT
};

/* The schema's names of the kinds, in enum order. */
extern const char *const ordo_ir_kind_names[ORDO_IR_KIND_COUNT];

/* One action of the catalogue. */
struct ordo_ir_action {
    const char *id;
    bool http;                  /* of the connector "http" */
    const json_t *input_schema; /* borrowed from the catalogue */
};

struct ordo_ir_catalogue {
    struct ordo_ir_action *actions; /* catalogue order */
    size_t n;
    struct ordo_strmap *by_id; /* id -> struct ordo_ir_action * */
};

struct ordo_ir_node {
    const json_t *json;
    uint32_t index;
    enum ordo_ir_kind kind;
    /* The node's string fields, NULL where the IR has null. */
    const char *id, *name, *lane, *event, *timer, *message, *correlation_key, *action, *credential,
        *assignee, *candidate_group, *notify, *attached_to, *error_code;
    const json_t *webhook, *inputs, *outputs, *form; /* NULL for null */
    int interrupting;                                /* 0, 1, or -1 for null */
    uint32_t n_in, n_out;                            /* flows whose 'to' / 'from' name this node */
    /* The graph the rules walk: flows with both ends known, and an edge
     * from a task to each boundary timer attached to it. */
    uint32_t *succ, n_succ;
    uint32_t *pred, n_pred;
    uint32_t host;     /* boundary timer: the node it is attached to */
    bool hosts;        /* a boundary timer is attached to this node */
    bool no_in_noted;  /* ir/flow-count said it has no incoming flow */
    bool no_out_noted; /* ir/flow-count said it has no outgoing flow */
};

struct ordo_ir_flow {
    const json_t *json;
    uint32_t index;
    const char *id, *from, *to, *condition;
    bool is_default;
    uint32_t src, dst; /* node indices, or ORDO_IR_NONE when not a node */
};

struct ordo_ir_ctx {
    struct ordo_arena *arena;
    const json_t *ir;
    const struct ordo_ir_catalogue *cat;
    const struct ordo_ir_opts *opts;
    json_t *violations; /* the first ORDO_IR_MAX_VIOLATIONS */
    size_t total;       /* every violation found */
    struct ordo_ir_node *nodes;
    uint32_t n_nodes;
    struct ordo_ir_flow *flows;
    uint32_t n_flows;
    size_t n_lanes;
    struct ordo_strmap *node_by_id; /* id -> the first node with the id */
    struct ordo_strmap *lane_by_id; /* id -> lane object */
    bool refs_broken;               /* ir/duplicate-id or ir/unknown-ref reported */
    bool all_reached;               /* ir/unreachable ran and found nothing */
};

/* Append a violation (only counted beyond ORDO_IR_MAX_VIOLATIONS).
 * 'element' may be NULL. */
void ordo_ir_add(struct ordo_ir_ctx *c, const char *rule, const char *path, const char *element,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Untrusted text for a message: at most 60 bytes, well-formed UTF-8. */
const char *ordo_ir_quote(struct ordo_ir_ctx *c, const char *s);

/* "nodes[3]", "flows[0]". */
const char *ordo_ir_node_path(struct ordo_ir_ctx *c, const struct ordo_ir_node *n);
const char *ordo_ir_flow_path(struct ordo_ir_ctx *c, const struct ordo_ir_flow *f);

/* The index of the node with this id, or ORDO_IR_NONE. */
uint32_t ordo_ir_node_index(const struct ordo_ir_ctx *c, const char *id);

/* NULL, empty or only white space. */
bool ordo_ir_blank(const char *s);

/* Does 's' match ^[A-Za-z_][A-Za-z0-9_]{0,63}$ ? */
bool ordo_ir_is_id(const char *s);

/* The passes, in the order ordo_ir_validate runs them. */
bool ordo_ir_check_shape(struct ordo_ir_ctx *c); /* false: ir/schema violations */
void ordo_ir_build(struct ordo_ir_ctx *c);
void ordo_ir_check_refs(struct ordo_ir_ctx *c);        /* duplicate-id, unknown-ref */
void ordo_ir_check_kind_fields(struct ordo_ir_ctx *c); /* kind-fields */
void ordo_ir_check_flow_counts(struct ordo_ir_ctx *c); /* start, end, flow-count */
void ordo_ir_check_reach(struct ordo_ir_ctx *c);       /* unreachable, dead-end */
void ordo_ir_check_pairing(struct ordo_ir_ctx *c);     /* gateway-pairing */
void ordo_ir_check_conditions(struct ordo_ir_ctx *c);  /* condition, default */
void ordo_ir_check_feel(struct ordo_ir_ctx *c);        /* feel */
void ordo_ir_check_actions(struct ordo_ir_ctx *c);     /* action, input */
void ordo_ir_check_tasks(struct ordo_ir_ctx *c);       /* performer, form, boundary */
void ordo_ir_check_events(struct ordo_ir_ctx *c);      /* timer, message, webhook, error-code */

#endif
