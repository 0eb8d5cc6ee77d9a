/*
 * generator/ir_graph.c - the IR as a graph, and the rules on it:
 * ir/duplicate-id, ir/unknown-ref, ir/start, ir/end, ir/flow-count,
 * ir/unreachable and ir/dead-end (generator/ir.h).
 *
 * Flow counts are taken from the flows as written: a flow whose other end
 * names nothing still counts at the end that is a node, so one wrong
 * reference gives one violation rather than a cascade. Reachability needs
 * every reference to resolve, so it is skipped when one does not (that
 * violation is reported), and when there is no start (or no end), which
 * ir/start (ir/end) reports once instead of once per node.
 */
#include <string.h>

#include <jansson.h>

#include "generator/ir_internal.h"

static const char *str_field(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key)); /* NULL for null */
}

static enum ordo_ir_kind kind_of(const char *name)
{
    for (int k = 0; k < ORDO_IR_KIND_COUNT; k++) {
        if (strcmp(ordo_ir_kind_names[k], name) == 0) {
            return (enum ordo_ir_kind)k;
        }
    }
    return ORDO_IR_START; /* not reached: ir/schema checked the enum */
}

static json_t *nullable(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}

static void read_node(struct ordo_ir_ctx *c, uint32_t i, const json_t *j)
{
    struct ordo_ir_node *n = &c->nodes[i];
    const json_t *intr = json_object_get(j, "interrupting");

    n->json = j;
    n->index = i;
    n->id = str_field(j, "id");
    n->kind = kind_of(str_field(j, "kind"));
    n->name = str_field(j, "name");
    n->lane = str_field(j, "lane");
    n->event = str_field(j, "event");
    n->timer = str_field(j, "timer");
    n->message = str_field(j, "message");
    n->correlation_key = str_field(j, "correlation_key");
    n->action = str_field(j, "action");
    n->credential = str_field(j, "credential");
    n->assignee = str_field(j, "assignee");
    n->candidate_group = str_field(j, "candidate_group");
    n->notify = str_field(j, "notify");
    n->attached_to = str_field(j, "attached_to");
    n->error_code = str_field(j, "error_code");
    n->webhook = nullable(j, "webhook");
    n->inputs = nullable(j, "inputs");
    n->outputs = nullable(j, "outputs");
    n->form = nullable(j, "form");
    n->interrupting = json_is_boolean(intr) ? json_is_true(intr) : -1;
    n->host = ORDO_IR_NONE;
    (void)ordo_strmap_add(c->node_by_id, n->id, n);
}

static void read_flow(struct ordo_ir_ctx *c, uint32_t i, const json_t *j)
{
    struct ordo_ir_flow *f = &c->flows[i];

    f->json = j;
    f->index = i;
    f->id = str_field(j, "id");
    f->from = str_field(j, "from");
    f->to = str_field(j, "to");
    f->condition = str_field(j, "condition");
    f->is_default = json_is_true(json_object_get(j, "is_default"));
    f->src = ordo_ir_node_index(c, f->from);
    f->dst = ordo_ir_node_index(c, f->to);
    if (f->src != ORDO_IR_NONE) {
        c->nodes[f->src].n_out++;
    }
    if (f->dst != ORDO_IR_NONE) {
        c->nodes[f->dst].n_in++;
    }
}

static void add_edge(struct ordo_ir_node *nodes, uint32_t from, uint32_t to)
{
    nodes[from].succ[nodes[from].n_succ++] = to;
    nodes[to].pred[nodes[to].n_pred++] = from;
}

/* The edges: flows with both ends known, and host -> boundary timer. */
static void link(struct ordo_ir_ctx *c)
{
    struct ordo_ir_node *nodes = c->nodes;
    uint32_t *hosted = ordo_arena_calloc(c->arena, c->n_nodes + 1, sizeof *hosted);
    uint32_t i;

    for (i = 0; i < c->n_nodes; i++) {
        struct ordo_ir_node *n = &nodes[i];

        if (n->kind == ORDO_IR_BOUNDARY) {
            n->host = ordo_ir_node_index(c, n->attached_to);
            if (n->host == i) {
                n->host = ORDO_IR_NONE; /* attached to itself: ir/boundary says so */
            }
            if (n->host != ORDO_IR_NONE) {
                hosted[n->host]++;
            }
        }
    }
    for (i = 0; i < c->n_nodes; i++) {
        nodes[i].succ =
            ordo_arena_calloc(c->arena, nodes[i].n_out + hosted[i] + 1, sizeof(uint32_t));
        nodes[i].pred = ordo_arena_calloc(c->arena, nodes[i].n_in + 2, sizeof(uint32_t));
    }
    for (i = 0; i < c->n_flows; i++) {
        if (c->flows[i].src != ORDO_IR_NONE && c->flows[i].dst != ORDO_IR_NONE) {
            add_edge(nodes, c->flows[i].src, c->flows[i].dst);
        }
    }
    for (i = 0; i < c->n_nodes; i++) {
        if (nodes[i].host != ORDO_IR_NONE) {
            nodes[nodes[i].host].hosts = true;
            add_edge(nodes, nodes[i].host, i);
        }
    }
}

void ordo_ir_build(struct ordo_ir_ctx *c)
{
    const json_t *nodes = json_object_get(c->ir, "nodes");
    const json_t *flows = json_object_get(c->ir, "flows");
    const json_t *lanes = json_object_get(c->ir, "lanes");
    const json_t *v;
    size_t i;

    c->n_nodes = (uint32_t)json_array_size(nodes);
    c->n_flows = (uint32_t)json_array_size(flows);
    c->n_lanes = json_array_size(lanes);
    c->nodes = ordo_arena_calloc(c->arena, c->n_nodes + 1, sizeof *c->nodes);
    c->flows = ordo_arena_calloc(c->arena, c->n_flows + 1, sizeof *c->flows);
    c->node_by_id = ordo_strmap_new(c->arena, c->n_nodes);
    c->lane_by_id = ordo_strmap_new(c->arena, c->n_lanes);
    json_array_foreach(lanes, i, v)
    {
        (void)ordo_strmap_add(c->lane_by_id, str_field(v, "id"), (void *)v);
    }
    json_array_foreach(nodes, i, v)
    {
        read_node(c, (uint32_t)i, v);
    }
    json_array_foreach(flows, i, v)
    {
        read_flow(c, (uint32_t)i, v);
    }
    link(c);
}

/* ---- ir/duplicate-id, ir/unknown-ref ---- */

static void claim_id(struct ordo_ir_ctx *c, struct ordo_strmap *seen, const char *id,
                     const char *path)
{
    const char *first = ordo_strmap_add(seen, id, (void *)path);

    if (first) {
        c->refs_broken = true;
        ordo_ir_add(c, "ir/duplicate-id", path, id,
                    "the id '%s' of %s is already used by %s: ids must be unique among the "
                    "process, nodes, flows and lanes",
                    id, path, first);
    }
}

static void check_duplicates(struct ordo_ir_ctx *c)
{
    struct ordo_strmap *seen = ordo_strmap_new(c->arena, c->n_nodes + c->n_flows + c->n_lanes + 1);
    const json_t *lanes = json_object_get(c->ir, "lanes");
    const json_t *v;
    size_t i;

    claim_id(c, seen, str_field(json_object_get(c->ir, "process"), "id"), "process");
    for (uint32_t k = 0; k < c->n_nodes; k++) {
        claim_id(c, seen, c->nodes[k].id, ordo_ir_node_path(c, &c->nodes[k]));
    }
    for (uint32_t k = 0; k < c->n_flows; k++) {
        claim_id(c, seen, c->flows[k].id, ordo_ir_flow_path(c, &c->flows[k]));
    }
    json_array_foreach(lanes, i, v)
    {
        claim_id(c, seen, str_field(v, "id"), ordo_arena_printf(c->arena, "lanes[%zu]", i));
    }
}

static void unknown_ref(struct ordo_ir_ctx *c, const char *path, const char *element,
                        const char *what, const char *ref, const char *should)
{
    c->refs_broken = true;
    ordo_ir_add(c, "ir/unknown-ref", path, element, "%s of '%s' is '%s', which is not %s", what,
                element, ordo_ir_quote(c, ref), should);
}

static void check_lane_ref(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    const char *path = ordo_ir_node_path(c, n);

    if (c->n_lanes == 0 && n->lane) {
        unknown_ref(c, path, n->id, "the lane", n->lane, "a lane: the IR has no lanes (use null)");
    } else if (c->n_lanes > 0 && !n->lane) {
        c->refs_broken = true;
        ordo_ir_add(c, "ir/unknown-ref", path, n->id,
                    "node '%s' has no lane: the IR has lanes, so every node names the id of one",
                    n->id);
    } else if (n->lane && !ordo_strmap_get(c->lane_by_id, n->lane)) {
        unknown_ref(c, path, n->id, "the lane", n->lane, "the id of a lane");
    }
}

static void check_refs_of_nodes(struct ordo_ir_ctx *c)
{
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        check_lane_ref(c, n);
        if (n->attached_to && ordo_ir_node_index(c, n->attached_to) == ORDO_IR_NONE) {
            unknown_ref(c, ordo_ir_node_path(c, n), n->id, "attached_to", n->attached_to,
                        "the id of a node");
        }
    }
}

void ordo_ir_check_refs(struct ordo_ir_ctx *c)
{
    check_duplicates(c);
    for (uint32_t i = 0; i < c->n_flows; i++) {
        const struct ordo_ir_flow *f = &c->flows[i];

        if (f->src == ORDO_IR_NONE) {
            unknown_ref(c, ordo_ir_flow_path(c, f), f->id, "'from'", f->from, "the id of a node");
        }
        if (f->dst == ORDO_IR_NONE) {
            unknown_ref(c, ordo_ir_flow_path(c, f), f->id, "'to'", f->to, "the id of a node");
        }
    }
    check_refs_of_nodes(c);
}

/* ---- ir/start, ir/end, ir/flow-count ---- */

/* A macro, so that the compiler checks each format: "%s '%s' ... (%u in, %u out)". */
#define COUNT_RULE(c, n, fmt, what)                                                               \
    ordo_ir_add((c), "ir/flow-count", ordo_ir_node_path((c), (n)), (n)->id, fmt, (what), (n)->id, \
                (n)->n_in, (n)->n_out)

/* Tasks and catches: one way in (a join gateway merges), one way out. */
static void check_step(struct ordo_ir_ctx *c, struct ordo_ir_node *n, const char *what)
{
    if (n->n_in == 0) {
        n->no_in_noted = true;
        COUNT_RULE(c, n, "%s '%s' has no incoming flow (%u in, %u out): connect the step before it",
                   what);
    } else if (n->n_in > 1) {
        COUNT_RULE(c, n,
                   "%s '%s' has several incoming flows (%u in, %u out): merge them with a gateway "
                   "(exclusive for alternatives, parallel for branches that all run) before it",
                   what);
    }
    if (n->n_out == 0) {
        n->no_out_noted = true;
        COUNT_RULE(c, n, "%s '%s' has no outgoing flow (%u in, %u out): connect the next step",
                   what);
    } else if (n->n_out > 1) {
        COUNT_RULE(c, n,
                   "%s '%s' has several outgoing flows (%u in, %u out): it has exactly one; split "
                   "with a gateway after it",
                   what);
    }
}

static void check_gateway(struct ordo_ir_ctx *c, struct ordo_ir_node *n)
{
    if (n->n_in == 0) {
        n->no_in_noted = true;
        COUNT_RULE(c, n, "%s '%s' has no incoming flow (%u in, %u out)", "gateway");
    } else if (n->n_out == 0) {
        n->no_out_noted = true;
        COUNT_RULE(c, n, "%s '%s' has no outgoing flow (%u in, %u out)", "gateway");
    } else if (n->n_in == 1 && n->n_out == 1) {
        COUNT_RULE(c, n,
                   "%s '%s' neither splits nor joins (%u in, %u out): remove it and connect the "
                   "steps around it directly",
                   "gateway");
    }
}

static void check_start_end(struct ordo_ir_ctx *c, struct ordo_ir_node *n)
{
    const char *path = ordo_ir_node_path(c, n);

    if (n->kind == ORDO_IR_START && n->n_in > 0) {
        ordo_ir_add(c, "ir/start", path, n->id,
                    "start '%s' has %u incoming flows: nothing leads into a start event", n->id,
                    n->n_in);
    }
    if (n->kind == ORDO_IR_END && n->n_out > 0) {
        ordo_ir_add(c, "ir/end", path, n->id,
                    "end '%s' has %u outgoing flows: nothing leaves an end event", n->id, n->n_out);
    }
}

static void check_counts(struct ordo_ir_ctx *c, struct ordo_ir_node *n)
{
    switch (n->kind) {
    case ORDO_IR_START:
        if (n->n_out != 1) {
            n->no_out_noted = n->n_out == 0;
            COUNT_RULE(c, n,
                       "%s '%s' must have exactly one outgoing flow (%u in, %u out): split with a "
                       "gateway after it",
                       "start");
        }
        break;
    case ORDO_IR_END:
        if (n->n_in == 0) {
            n->no_in_noted = true;
            COUNT_RULE(c, n, "%s '%s' has no incoming flow (%u in, %u out)", "end");
        }
        break;
    case ORDO_IR_BOUNDARY:
        if (n->n_out != 1) { /* incoming flows are ir/boundary's */
            n->no_out_noted = n->n_out == 0;
            COUNT_RULE(c, n,
                       "%s '%s' must have exactly one outgoing flow (%u in, %u out): the path "
                       "taken when the timer fires",
                       "boundary timer");
        }
        break;
    case ORDO_IR_XOR:
    case ORDO_IR_AND:
    case ORDO_IR_OR:
        check_gateway(c, n);
        break;
    default:
        check_step(c, n, ordo_ir_kind_names[n->kind]);
        break;
    }
}

void ordo_ir_check_flow_counts(struct ordo_ir_ctx *c)
{
    bool start = false;
    bool end = false;

    for (uint32_t i = 0; i < c->n_nodes; i++) {
        start = start || c->nodes[i].kind == ORDO_IR_START;
        end = end || c->nodes[i].kind == ORDO_IR_END;
    }
    if (!start) {
        ordo_ir_add(c, "ir/start", "nodes", NULL,
                    "the process has no start node: add a node of kind start (event none, timer, "
                    "message or webhook)");
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        check_start_end(c, &c->nodes[i]);
    }
    if (!end) {
        ordo_ir_add(c, "ir/end", "nodes", NULL,
                    "the process has no end node: add a node of kind end where each path finishes");
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        check_counts(c, &c->nodes[i]);
    }
}

/* ---- ir/unreachable, ir/dead-end ---- */

/* Mark what the nodes of kind 'from' lead to (forward) or come from. */
static bool *walk(struct ordo_ir_ctx *c, enum ordo_ir_kind from, bool forward)
{
    bool *seen = ordo_arena_calloc(c->arena, c->n_nodes + 1, sizeof *seen);
    uint32_t *stack = ordo_arena_calloc(c->arena, c->n_nodes + 1, sizeof *stack);
    uint32_t top = 0;
    bool any = false;

    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].kind == from) {
            seen[i] = true;
            stack[top++] = i;
            any = true;
        }
    }
    while (top > 0) {
        const struct ordo_ir_node *n = &c->nodes[stack[--top]];
        const uint32_t *next = forward ? n->succ : n->pred;
        uint32_t count = forward ? n->n_succ : n->n_pred;

        for (uint32_t k = 0; k < count; k++) {
            if (!seen[next[k]]) {
                seen[next[k]] = true;
                stack[top++] = next[k];
            }
        }
    }
    return any ? seen : NULL;
}

void ordo_ir_check_reach(struct ordo_ir_ctx *c)
{
    const bool *reached;
    const bool *finishes;

    if (c->refs_broken) {
        return;
    }
    reached = walk(c, ORDO_IR_START, true);
    c->all_reached = reached != NULL;
    for (uint32_t i = 0; reached && i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        if (!reached[i]) {
            c->all_reached = false;
        }
        if (!reached[i] && !n->no_in_noted &&
            !(n->kind == ORDO_IR_BOUNDARY && n->host == ORDO_IR_NONE)) {
            ordo_ir_add(c, "ir/unreachable", ordo_ir_node_path(c, n), n->id,
                        "%s '%s' cannot be reached from a start: connect it into the flow, or "
                        "remove it",
                        ordo_ir_kind_names[n->kind], n->id);
        }
    }
    finishes = walk(c, ORDO_IR_END, false);
    for (uint32_t i = 0; finishes && i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        if (!finishes[i] && !n->no_out_noted) {
            ordo_ir_add(c, "ir/dead-end", ordo_ir_node_path(c, n), n->id,
                        "no end can be reached from %s '%s': every path must lead to an end "
                        "node (a loop needs an exit)",
                        ordo_ir_kind_names[n->kind], n->id);
        }
    }
}
