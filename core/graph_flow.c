/*
 * core/graph_flow.c - sequence flows for the graph compiler: both ends
 * resolved to nodes of one scope, conditions compiled, default flows
 * marked, and every node's incoming and outgoing lists in document order.
 *
 * A flow whose end was refused already (a script task, say) is dropped
 * without a word: the refusal of that element says it. Flows that leave an
 * end event or an event sub-process, that lead into a start event, a
 * boundary event or an event sub-process, or that cross a scope are
 * refused ("invalid-flow"), as is a default flow that is not one of its
 * element's outgoing flows.
 */
#include <string.h>

#include "core/graph_internal.h"

/* The node an end of a flow names, or NONE after reporting why (nothing
 * is said when the element was refused already). */
static uint32_t flow_end(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *flow,
                         const struct ordo_bpmn_node *end, const char *attr)
{
    const char *ref = ordo_bpmn_attr_get(flow, NULL, attr);

    if (end && c->node_of[end->order] != ORDO_GRAPH_NONE) {
        return c->node_of[end->order];
    }
    if (!ref) {
        ordo_graph_report(c, flow, "unresolved-flow", "the sequence flow has no %s", attr);
    } else if (!end) {
        ordo_graph_report(c, flow, "unresolved-flow", "%s \"%s\" names no element", attr, ref);
    } else if (ordo_graph_refused(c, end)) {
        c->refused[flow->order] = true;
    } else if (ordo_bpmn_is(end, ORDO_BPMN_C_FLOW_NODE)) {
        ordo_graph_report(c, flow, "invalid-flow", "%s \"%s\" is in another process", attr, ref);
    } else {
        ordo_graph_report(c, flow, "unresolved-flow", "%s \"%s\" names a %s, not a flow node", attr,
                          ref, end->tag);
    }
    return ORDO_GRAPH_NONE;
}

/* Condition languages Ordo reads: none given, FEEL or JUEL. */
static bool language_ok(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *flow,
                        const char *lang)
{
    static const char *const scripts[] = {"javascript", "groovy",     "python", "jython",
                                          "ruby",       "ecmascript", "js"};

    if (!lang || !*lang || strstr(lang, "FEEL") || strstr(lang, "feel") ||
        strcmp(lang, "juel") == 0 || strcmp(lang, "http://www.java.com/java") == 0) {
        return true;
    }
    for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
        if (strcmp(lang, scripts[i]) == 0) {
            ordo_graph_report(c, flow, "script",
                              "conditions in %s are scripts, which are not supported; write the "
                              "condition in FEEL",
                              lang);
            return false;
        }
    }
    ordo_graph_report(
        c, flow, "expression",
        "conditions in language \"%s\" are not supported; write the condition in FEEL", lang);
    return false;
}

static void read_condition(struct ordo_graph_ctx *c, uint32_t f)
{
    const struct ordo_bpmn_node *el = c->flow_el[f];
    const struct ordo_bpmn_node *ce = ordo_bpmn_child(el, ORDO_BPMN_CONDITION_EXPRESSION);
    const char *text = ce ? ordo_graph_trim(c, ce->text) : NULL;

    if (!text || !*text || !language_ok(c, el, ordo_bpmn_attr_get(ce, NULL, "language"))) {
        return;
    }
    (void)ordo_graph_expr(c, el, "the condition", text, ORDO_GRAPH_PLAIN_FEEL,
                          &c->flows[f].condition);
}

/* Flows that leave an end event or an event sub-process, or lead into a
 * start event, a boundary event or an event sub-process, or cross a scope,
 * cannot execute. */
static void check_flow(struct ordo_graph_ctx *c, const struct ordo_graph_flow *f)
{
    const struct ordo_graph_node *s = &c->nodes[f->source];
    const struct ordo_graph_node *t = &c->nodes[f->target];
    const struct ordo_bpmn_node *el = c->flow_el[f->index];

    if (s->scope != t->scope) {
        ordo_graph_report(c, el, "invalid-flow",
                          "\"%s\" and \"%s\" are in different scopes; a sequence flow cannot cross "
                          "a sub-process or pool boundary",
                          s->id, t->id);
    } else if (s->kind == ORDO_GRAPH_END_EVENT || s->kind == ORDO_GRAPH_EVENT_SUB_PROCESS) {
        ordo_graph_report(c, el, "invalid-flow", "a sequence flow cannot leave %s \"%s\"",
                          s->type + 5, s->id);
    } else if (t->kind == ORDO_GRAPH_START_EVENT || t->kind == ORDO_GRAPH_BOUNDARY_EVENT ||
               t->kind == ORDO_GRAPH_EVENT_SUB_PROCESS) {
        ordo_graph_report(c, el, "invalid-flow", "a sequence flow cannot lead into %s \"%s\"",
                          t->type + 5, t->id);
    }
}

void ordo_graph_make_flows(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *const *flows,
                           size_t nflows)
{
    uint32_t n = 0;

    c->flows = ordo_arena_calloc(c->arena, nflows ? nflows : 1, sizeof(*c->flows));
    c->flow_el =
        ordo_arena_calloc(c->scratch, nflows ? nflows : 1, sizeof(const struct ordo_bpmn_node *));
    for (size_t k = 0; k < nflows; k++) {
        const struct ordo_bpmn_node *el = flows[k];
        struct ordo_graph_flow *f = &c->flows[n];
        uint32_t s;
        uint32_t t;

        if (!el->id) {
            ordo_graph_report(c, el, "missing-id", "a sequence flow needs an id");
            continue;
        }
        s = flow_end(c, el, el->source, "sourceRef");
        t = flow_end(c, el, el->target, "targetRef");
        if (s == ORDO_GRAPH_NONE || t == ORDO_GRAPH_NONE) {
            continue;
        }
        f->id = ordo_graph_str(c, el->id);
        f->index = n;
        f->source = s;
        f->target = t;
        c->flow_el[n] = el;
        c->flow_of[el->order] = n;
        check_flow(c, f);
        read_condition(c, n);
        n++;
    }
    c->nflows = n;
}

/* A node's flows from its element's lists (document order), skipping
 * flows that did not resolve. */
static const uint32_t *flow_list(struct ordo_graph_ctx *c, struct ordo_bpmn_node *const *list,
                                 uint32_t count, uint32_t *n_out)
{
    uint32_t *out = ordo_arena_calloc(c->arena, count ? count : 1, sizeof(*out));
    uint32_t n = 0;

    for (uint32_t k = 0; k < count; k++) {
        uint32_t f = c->flow_of[list[k]->order];

        if (f != ORDO_GRAPH_NONE) {
            out[n++] = f;
        }
    }
    *n_out = n;
    return out;
}

static void link_default(struct ordo_graph_ctx *c, uint32_t i)
{
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *ref = ordo_bpmn_attr_get(el, NULL, "default");
    struct ordo_graph_node *n = &c->nodes[i];
    uint32_t f;

    if (!ref || !ordo_bpmn_has_default(el)) {
        return;
    }
    f = el->default_flow ? c->flow_of[el->default_flow->order] : ORDO_GRAPH_NONE;
    if (f != ORDO_GRAPH_NONE && c->flows[f].source == i) {
        n->default_flow = f;
        c->flows[f].is_default = true;
    } else if (!el->default_flow || !ordo_graph_refused(c, el->default_flow)) {
        ordo_graph_report(c, el, "invalid-flow",
                          "the default flow \"%s\" is not one of its outgoing sequence flows", ref);
    }
}

void ordo_graph_link_flows(struct ordo_graph_ctx *c)
{
    for (uint32_t i = 0; i < c->nnodes; i++) {
        struct ordo_graph_node *n = &c->nodes[i];
        const struct ordo_bpmn_node *el = c->node_el[i];

        n->incoming = flow_list(c, el->incoming, el->nincoming, &n->nincoming);
        n->outgoing = flow_list(c, el->outgoing, el->noutgoing, &n->noutgoing);
        link_default(c, i);
    }
}
