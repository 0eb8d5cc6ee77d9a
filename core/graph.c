/*
 * core/graph.c - the BPMN compiler of core/graph.h: processes in, flat
 * arrays of nodes and flows out, or every reason why not.
 *
 * Passes, in order (each in this file unless named):
 *   1. choose the processes: every process of the file, executable or not
 *      ('executable' records which), or with opts->process that one and
 *      the processes of the file its call activities name as constants;
 *   2. walk each process and its sub-processes in document order, making a
 *      node of every supported flow node and refusing unsupported ones
 *      (their contents are not looked at: one finding per element);
 *   3. resolve the sequence flows (graph_flow.c: both ends must be nodes
 *      of one scope; no flow into a start or boundary event or out of an
 *      end event) and compile their conditions;
 *   4. per node: its event definition (graph_event.c), then its extensions
 *      (graph_ext.c), then boundary hosts;
 *   5. per container: start events, event sub-processes and boundaries,
 *      with the start-event rules; event-based gateway targets;
 *   6. per process: Java delegates, script listeners and DMN anywhere in
 *      its tree (graph_ext.c); then duplicate ids of the whole file;
 *   7. when nothing was refused: the reach bitsets of inclusive joins
 *      (graph_reach.c) and the id maps.
 *
 * Findings carry a stable rule id:
 *   unsupported-element  business-rule tasks, complex gateways,
 *                        transactions, ad-hoc sub-processes, choreographies,
 *                        global tasks called by a call activity
 *   unsupported-event    signal, escalation, compensation, conditional,
 *                        link and cancel event definitions
 *   multiple-event-definitions, event-definition (a definition the event
 *                        kind cannot carry: a timer on an end event)
 *   java-delegate        camunda:class, delegateExpression, expression
 *   listener             execution and task listeners with class,
 *                        delegateExpression or expression
 *   connector            camunda:connector (Camunda Connect)
 *   script               script tasks, camunda:script, conditions in a
 *                        script language
 *   dmn                  camunda:decisionRef, zeebe:calledDecision
 *   history-time-to-live camunda:historyTimeToLive of an executable process
 *                        that is not a number of days (docs/audit.md)
 *   expression           an expression that does not compile
 *   duplicate-id, missing-id, unresolved-flow, invalid-flow
 *   start-event          several none starts in a process, none at all in
 *                        a process with contents, a sub-process without
 *                        exactly one none start (an empty, collapsed
 *                        sub-process too, as Camunda 7 and 8 refuse it), an
 *                        event sub-process without exactly one typed start
 *   message              a message catch or receive task without a named
 *                        bpmn:message; a process's message start named by
 *                        an expression
 *   error-code           an error end event without a constant errorCode;
 *                        an errorRef that names no bpmn:error
 *   boundary-host, event-gateway, timer (no definition, or one that does
 *                        not parse), action-id (CONTRACTS.md §1)
 *   extension            an extension Ordo cannot honour (job types and
 *                        retries as expressions, camunda:list/map, an
 *                        ordo:form that is not a JSON object, ...)
 *   loop                 a multi-instance without collection or
 *                        cardinality, a standard loop that never ends
 *   call-activity        a call activity without a called element
 * Findings are sorted by line (then by the order they were found).
 * Notes (ordo_graph_options.on_note, the rules in graph.h) say what was
 * read in Ordo's terms rather than as written; they never refuse.
 *
 * Reading rules worth knowing: a mapping source or parameter that is not
 * an expression is a string constant (Camunda 8 and 7 both say so); a
 * condition, collection or cardinality that is not "=..." nor JUEL is FEEL
 * as written. A condition with a language attribute must be FEEL or JUEL
 * ("...FEEL...", "juel", "http://www.java.com/java"): XPath and script
 * languages are refused. Timers ignore the language attribute (their text
 * is ISO 8601 or cron). Message throw and end events read the job
 * extensions too (Camunda 8 runs them as jobs). ordo:form and ordo:notify
 * are attributes of the user task; without ordo:form, camunda:formData is
 * read as the form (graph_form.c). Call activities: without camunda:out
 * the child's variables all come back unless zeebe:calledElement
 * propagateAllChildVariables="false"; with camunda:out only its mappings
 * do, unless one of them says variables="all"; camunda:in and camunda:out
 * become input and output mappings.
 *
 * Input and output mappings are read on every node but gateways and
 * processes (a message catch event's outputs, say), not only activities.
 *
 * Deviations from the header: with opts->process NULL every process is
 * compiled, executable or not (the caller picks by 'executable'), so a
 * non-executable pool with a script task refuses the whole file; naming
 * the executable process in opts->process compiles only what it needs.
 * With a process named that is not in the file the answer is
 * ORDO_E_NOTFOUND and no findings.
 *
 * Memory: the graph is a 'struct graph_box' in an arena of its own that
 * holds every node, flow, string and compiled expression (nothing points
 * into the model, which may be freed after compile). ordo_graph_free()
 * frees that arena. Findings (and their strings) are allocated in the
 * caller's arena; work arrays in a scratch arena freed before returning.
 */
#include "core/graph.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/text.h"
#include "core/graph_internal.h"

struct graph_box {
    struct ordo_graph graph; /* first: ordo_graph_free() casts back */
    struct ordo_arena *arena;
    struct ordo_strmap *by_id;      /* node id -> node */
    struct ordo_strmap *by_process; /* process id -> process node */
};

/* What one BPMN element kind becomes. */
struct kind_row {
    enum ordo_bpmn_kind element;
    bool supported;
    enum ordo_graph_kind kind;
    const char *refusal; /* unsupported: why, and what to use instead */
    const char *rule;    /* unsupported: the finding's rule; NULL: "unsupported-element" */
};

static const struct kind_row kind_rows[] = {
    {ORDO_BPMN_START_EVENT, true, ORDO_GRAPH_START_EVENT, NULL, NULL},
    {ORDO_BPMN_END_EVENT, true, ORDO_GRAPH_END_EVENT, NULL, NULL},
    {ORDO_BPMN_INTERMEDIATE_CATCH_EVENT, true, ORDO_GRAPH_CATCH_EVENT, NULL, NULL},
    {ORDO_BPMN_INTERMEDIATE_THROW_EVENT, true, ORDO_GRAPH_THROW_EVENT, NULL, NULL},
    {ORDO_BPMN_BOUNDARY_EVENT, true, ORDO_GRAPH_BOUNDARY_EVENT, NULL, NULL},
    {ORDO_BPMN_TASK, true, ORDO_GRAPH_TASK, NULL, NULL},
    {ORDO_BPMN_MANUAL_TASK, true, ORDO_GRAPH_TASK, NULL, NULL},
    {ORDO_BPMN_SERVICE_TASK, true, ORDO_GRAPH_JOB_TASK, NULL, NULL},
    {ORDO_BPMN_SEND_TASK, true, ORDO_GRAPH_JOB_TASK, NULL, NULL},
    {ORDO_BPMN_USER_TASK, true, ORDO_GRAPH_USER_TASK, NULL, NULL},
    {ORDO_BPMN_RECEIVE_TASK, true, ORDO_GRAPH_RECEIVE_TASK, NULL, NULL},
    {ORDO_BPMN_EXCLUSIVE_GATEWAY, true, ORDO_GRAPH_EXCLUSIVE_GATEWAY, NULL, NULL},
    {ORDO_BPMN_PARALLEL_GATEWAY, true, ORDO_GRAPH_PARALLEL_GATEWAY, NULL, NULL},
    {ORDO_BPMN_INCLUSIVE_GATEWAY, true, ORDO_GRAPH_INCLUSIVE_GATEWAY, NULL, NULL},
    {ORDO_BPMN_EVENT_BASED_GATEWAY, true, ORDO_GRAPH_EVENT_GATEWAY, NULL, NULL},
    {ORDO_BPMN_SUB_PROCESS, true, ORDO_GRAPH_SUB_PROCESS, NULL, NULL},
    {ORDO_BPMN_CALL_ACTIVITY, true, ORDO_GRAPH_CALL_ACTIVITY, NULL, NULL},
    {ORDO_BPMN_SCRIPT_TASK, false, ORDO_GRAPH_TASK,
     "script tasks are not supported; use a service task bound to a connector action", "script"},
    {ORDO_BPMN_BUSINESS_RULE_TASK, false, ORDO_GRAPH_TASK,
     "business rule tasks are not supported; use a service task bound to a connector action", NULL},
    {ORDO_BPMN_COMPLEX_GATEWAY, false, ORDO_GRAPH_TASK,
     "complex gateways are not supported; use exclusive, inclusive or parallel gateways", NULL},
    {ORDO_BPMN_TRANSACTION, false, ORDO_GRAPH_TASK,
     "transactions are not supported; use an embedded sub-process with error boundary events",
     NULL},
    {ORDO_BPMN_AD_HOC_SUB_PROCESS, false, ORDO_GRAPH_TASK,
     "ad-hoc sub-processes are not supported; use an embedded sub-process", NULL},
    {ORDO_BPMN_IMPLICIT_THROW_EVENT, false, ORDO_GRAPH_TASK,
     "implicit throw events belong to choreographies, which do not execute", NULL},
    {ORDO_BPMN_CALL_CHOREOGRAPHY, false, ORDO_GRAPH_TASK, "choreographies do not execute", NULL},
    {ORDO_BPMN_CHOREOGRAPHY_TASK, false, ORDO_GRAPH_TASK, "choreographies do not execute", NULL},
    {ORDO_BPMN_SUB_CHOREOGRAPHY, false, ORDO_GRAPH_TASK, "choreographies do not execute", NULL},
};

/* Elements and flows found by the walk, before the arrays are sized. */
struct walk {
    const struct ordo_bpmn_node **els;
    uint32_t *scope, *process;
    enum ordo_graph_kind *kind;
    size_t n, cap;
    const struct ordo_bpmn_node **flows;
    size_t nflows, cap_flows;
};

/* ---- findings and small helpers ---------------------------------------- */

/* A finding (or note) on 'el', its strings in the caller's arena. */
__attribute__((format(printf, 4, 0))) static struct ordo_graph_finding
make_finding(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *rule,
             const char *fmt, va_list ap)
{
    struct ordo_graph_finding f = {.rule = rule, .line = el->line};
    char reason[512];

    ordo_utf8_vformat(reason, sizeof(reason), fmt, ap);
    f.element = ordo_arena_strdup(c->out, el->id);
    if (el->id) {
        f.message = ordo_arena_printf(c->out, "%s \"%s\": %s", el->tag, el->id, reason);
    } else {
        f.message =
            ordo_arena_printf(c->out, "%s on line %u: %s", el->tag, (unsigned)el->line, reason);
    }
    return f;
}

void ordo_graph_report(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *rule,
                       const char *fmt, ...)
{
    va_list ap;

    c->findings =
        ordo_arena_grow(c->out, c->findings, c->nfindings, &c->cap_findings, sizeof(*c->findings));
    va_start(ap, fmt);
    c->findings[c->nfindings++] = make_finding(c, el, rule, fmt, ap);
    va_end(ap);
    c->refused[el->order] = true;
}

void ordo_graph_note(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *rule,
                     const char *fmt, ...)
{
    struct ordo_graph_finding f;
    va_list ap;

    if (!c->on_note) {
        return;
    }
    va_start(ap, fmt);
    f = make_finding(c, el, rule, fmt, ap);
    va_end(ap);
    c->on_note(c->note_ctx, &f);
}

const char *ordo_graph_str(struct ordo_graph_ctx *c, const char *s)
{
    return ordo_arena_strdup(c->arena, s);
}

const char *ordo_graph_trim(struct ordo_graph_ctx *c, const char *s)
{
    size_t len;

    if (!s) {
        return NULL;
    }
    while (ordo_is_space((unsigned char)*s)) {
        s++;
    }
    len = strlen(s);
    while (len > 0 && ordo_is_space((unsigned char)s[len - 1])) {
        len--;
    }
    return ordo_arena_strndup(c->arena, s, len);
}

const struct ordo_bpmn_node *ordo_graph_next_child(const struct ordo_bpmn_node *parent,
                                                   const struct ordo_bpmn_node *prev,
                                                   const char *ns, const char *tag)
{
    const struct ordo_bpmn_node *n;

    if (!parent) {
        return NULL;
    }
    for (n = prev ? prev->next : parent->first; n; n = n->next) {
        if (ordo_bpmn_is_element(n) && ordo_streq(n->ns, ns) && strcmp(n->tag, tag) == 0) {
            return n;
        }
    }
    return NULL;
}

const struct ordo_bpmn_node *ordo_graph_extension(const struct ordo_bpmn_node *el, const char *ns,
                                                  const char *tag)
{
    const struct ordo_bpmn_node *ext = ordo_bpmn_child(el, ORDO_BPMN_EXTENSION_ELEMENTS);

    return ordo_graph_next_child(ext, NULL, ns, tag);
}

bool ordo_graph_parse_uint(const char *text, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    const char *p = text;

    while (p && ordo_is_space((unsigned char)*p)) {
        p++;
    }
    if (!p || !ordo_is_digit((unsigned char)*p)) {
        return false;
    }
    for (; ordo_is_digit((unsigned char)*p); p++) {
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > max) {
            return false;
        }
    }
    while (ordo_is_space((unsigned char)*p)) {
        p++;
    }
    if (*p) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

bool ordo_graph_is_activity(enum ordo_graph_kind kind)
{
    switch (kind) {
    case ORDO_GRAPH_TASK:
    case ORDO_GRAPH_JOB_TASK:
    case ORDO_GRAPH_USER_TASK:
    case ORDO_GRAPH_RECEIVE_TASK:
    case ORDO_GRAPH_SUB_PROCESS:
    case ORDO_GRAPH_CALL_ACTIVITY:
        return true;
    default:
        return false;
    }
}

bool ordo_graph_refused(const struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el)
{
    for (; el; el = el->parent) {
        if (c->refused[el->order]) {
            return true;
        }
    }
    return false;
}

/* ---- pass 1: which processes ------------------------------------------ */

const char *ordo_graph_called_id(const struct ordo_bpmn_node *el)
{
    const struct ordo_bpmn_node *ce = ordo_graph_extension(el, ORDO_BPMN_NS_ZEEBE, "calledElement");
    const char *id = ce ? ordo_bpmn_attr_get(ce, NULL, "processId") : NULL;

    return id && *id ? id : ordo_bpmn_attr_get(el, NULL, "calledElement");
}

/* The process id a call activity names as a constant, or NULL. */
static const char *constant_called_id(const struct ordo_bpmn_node *el)
{
    const char *id = ordo_graph_called_id(el);

    return id && !ordo_graph_is_expression(id) ? id : NULL;
}

/* Mark in 'chosen' (by element order) the process 'name' and, transitively,
 * the processes of the file its call activities name. */
static enum ordo_code choose_processes(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *root,
                                       const char *name, bool *chosen, struct ordo_err *err)
{
    const struct ordo_bpmn_node *first = NULL;
    const struct ordo_bpmn_node **todo;
    size_t ntodo = 0;

    for (const struct ordo_bpmn_node *p = root->first; p && !first; p = p->next) {
        if (p->kind == ORDO_BPMN_PROCESS && ordo_streq(p->id, name)) {
            first = p;
        }
    }
    if (!first) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "process \"%s\" not found in the file", name);
    }
    todo = ordo_arena_calloc(c->scratch, ordo_bpmn_model_node_count(c->model),
                             sizeof(const struct ordo_bpmn_node *));
    chosen[first->order] = true;
    todo[ntodo++] = first;
    while (ntodo > 0) {
        const struct ordo_bpmn_node *top = todo[--ntodo];

        for (const struct ordo_bpmn_node *n = top; n; n = ordo_bpmn_next(top, n)) {
            const struct ordo_bpmn_node *p;

            if (n->kind != ORDO_BPMN_CALL_ACTIVITY || n->in_extension) {
                continue;
            }
            p = ordo_bpmn_model_find(c->model, constant_called_id(n));
            if (p && p->kind == ORDO_BPMN_PROCESS && p->parent == root && !chosen[p->order]) {
                chosen[p->order] = true;
                todo[ntodo++] = p;
            }
        }
    }
    return ORDO_OK;
}

/* ---- pass 2: the walk -------------------------------------------------- */

static const struct kind_row *kind_row_of(enum ordo_bpmn_kind kind)
{
    for (size_t i = 0; i < sizeof(kind_rows) / sizeof(kind_rows[0]); i++) {
        if (kind_rows[i].element == kind) {
            return &kind_rows[i];
        }
    }
    return NULL;
}

static uint32_t add_node(struct ordo_graph_ctx *c, struct walk *w, const struct ordo_bpmn_node *el,
                         enum ordo_graph_kind kind, uint32_t scope, uint32_t process)
{
    if (w->n == w->cap) {
        size_t cap = w->cap;

        w->els =
            ordo_arena_grow(c->scratch, w->els, w->n, &cap, sizeof(const struct ordo_bpmn_node *));
        cap = w->cap;
        w->scope = ordo_arena_grow(c->scratch, w->scope, w->n, &cap, sizeof(*w->scope));
        cap = w->cap;
        w->process = ordo_arena_grow(c->scratch, w->process, w->n, &cap, sizeof(*w->process));
        cap = w->cap;
        w->kind = ordo_arena_grow(c->scratch, w->kind, w->n, &cap, sizeof(*w->kind));
        w->cap = cap;
    }
    w->els[w->n] = el;
    w->kind[w->n] = kind;
    w->scope[w->n] = scope;
    w->process[w->n] = process == ORDO_GRAPH_NONE ? (uint32_t)w->n : process;
    return (uint32_t)w->n++;
}

static void refuse_element(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                           const struct kind_row *row)
{
    if (el->kind == ORDO_BPMN_BUSINESS_RULE_TASK &&
        (ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, "decisionRef") ||
         ordo_graph_extension(el, ORDO_BPMN_NS_ZEEBE, "calledDecision"))) {
        ordo_graph_report(c, el, "dmn",
                          "DMN decisions are not supported; use a service task bound to a "
                          "connector action");
        return;
    }
    ordo_graph_report(c, el, row->rule ? row->rule : "unsupported-element", "%s", row->refusal);
}

static void walk_container(struct ordo_graph_ctx *c, struct walk *w,
                           const struct ordo_bpmn_node *container, uint32_t self, uint32_t process)
{
    for (const struct ordo_bpmn_node *el = container->first; el; el = el->next) {
        const struct kind_row *row;
        enum ordo_graph_kind kind;
        uint32_t i;

        if (!ordo_bpmn_is_element(el) || el->in_extension) {
            continue;
        }
        if (el->kind == ORDO_BPMN_SEQUENCE_FLOW) {
            w->flows = ordo_arena_grow(c->scratch, w->flows, w->nflows, &w->cap_flows,
                                       sizeof(const struct ordo_bpmn_node *));
            w->flows[w->nflows++] = el;
            continue;
        }
        row = kind_row_of(el->kind);
        if (!row) {
            continue; /* does not execute: data, artifacts, lanes, documentation */
        }
        if (!row->supported) {
            refuse_element(c, el, row);
            continue;
        }
        if (!el->id) {
            ordo_graph_report(c, el, "missing-id", "a flow node needs an id");
            continue;
        }
        kind = row->kind;
        if (kind == ORDO_GRAPH_SUB_PROCESS &&
            ordo_streq(ordo_bpmn_attr_get(el, NULL, "triggeredByEvent"), "true")) {
            kind = ORDO_GRAPH_EVENT_SUB_PROCESS;
        }
        i = add_node(c, w, el, kind, self, process);
        if (kind == ORDO_GRAPH_SUB_PROCESS || kind == ORDO_GRAPH_EVENT_SUB_PROCESS) {
            walk_container(c, w, el, i, process);
        }
    }
}

/* A choreography with flow nodes pretends to be executable: refuse it. */
static void check_choreography(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el)
{
    for (const struct ordo_bpmn_node *n = el->first; n; n = n->next) {
        if (ordo_bpmn_is(n, ORDO_BPMN_C_FLOW_NODE)) {
            ordo_graph_report(c, el, "unsupported-element",
                              "choreographies do not execute; model each participant's process");
            return;
        }
    }
}

static void walk_definitions(struct ordo_graph_ctx *c, struct walk *w,
                             const struct ordo_bpmn_node *root, const bool *chosen)
{
    for (const struct ordo_bpmn_node *p = root->first; p; p = p->next) {
        uint32_t i;

        if (p->kind == ORDO_BPMN_CHOREOGRAPHY && !chosen) {
            check_choreography(c, p);
        }
        if (p->kind != ORDO_BPMN_PROCESS || (chosen && !chosen[p->order])) {
            continue;
        }
        if (!p->id) {
            ordo_graph_report(c, p, "missing-id", "a process needs an id");
            continue;
        }
        i = add_node(c, w, p, ORDO_GRAPH_PROCESS, ORDO_GRAPH_NONE, ORDO_GRAPH_NONE);
        walk_container(c, w, p, i, i);
    }
}

/* ---- pass 3: nodes (flows: graph_flow.c) -------------------------------- */

static void make_nodes(struct ordo_graph_ctx *c, const struct walk *w)
{
    c->nnodes = (uint32_t)w->n;
    c->nodes = ordo_arena_calloc(c->arena, w->n ? w->n : 1, sizeof(*c->nodes));
    c->node_el = w->els;
    for (uint32_t i = 0; i < c->nnodes; i++) {
        struct ordo_graph_node *n = &c->nodes[i];
        const struct ordo_bpmn_node *el = w->els[i];

        n->kind = w->kind[i];
        n->id = ordo_graph_str(c, el->id);
        n->name = ordo_graph_str(c, el->name);
        n->type = ordo_arena_printf(c->arena, "bpmn:%s", el->tag);
        n->index = i;
        n->scope = w->scope[i];
        n->process = w->process[i];
        n->line = el->line;
        n->default_flow = ORDO_GRAPH_NONE;
        n->attached_to = ORDO_GRAPH_NONE;
        n->trigger = ORDO_GRAPH_TRIGGER_NONE;
        n->retries = 3;
        n->propagate_all = true;
        n->executable = n->kind == ORDO_GRAPH_PROCESS &&
                        !ordo_streq(ordo_bpmn_attr_get(el, NULL, "isExecutable"), "false");
        c->node_of[el->order] = i;
    }
}

/* ---- pass 5: containers ------------------------------------------------ */

/* Append 'i' to one of a container's lists, whose capacity was counted. */
static void push_index(const uint32_t **list, uint32_t *count, uint32_t i)
{
    ((uint32_t *)*list)[(*count)++] = i;
}

static void fill_lists(struct ordo_graph_ctx *c)
{
    uint32_t *starts = ordo_arena_calloc(c->scratch, c->nnodes + 1, sizeof(uint32_t));
    uint32_t *subs = ordo_arena_calloc(c->scratch, c->nnodes + 1, sizeof(uint32_t));
    uint32_t *bounds = ordo_arena_calloc(c->scratch, c->nnodes + 1, sizeof(uint32_t));

    for (uint32_t i = 0; i < c->nnodes; i++) {
        const struct ordo_graph_node *n = &c->nodes[i];

        starts[n->scope == ORDO_GRAPH_NONE ? c->nnodes : n->scope] +=
            n->kind == ORDO_GRAPH_START_EVENT;
        subs[n->scope == ORDO_GRAPH_NONE ? c->nnodes : n->scope] +=
            n->kind == ORDO_GRAPH_EVENT_SUB_PROCESS;
        bounds[n->attached_to == ORDO_GRAPH_NONE ? c->nnodes : n->attached_to] +=
            n->kind == ORDO_GRAPH_BOUNDARY_EVENT;
    }
    for (uint32_t i = 0; i < c->nnodes; i++) {
        struct ordo_graph_node *n = &c->nodes[i];

        n->starts = starts[i] ? ordo_arena_calloc(c->arena, starts[i], sizeof(uint32_t)) : NULL;
        n->event_subs = subs[i] ? ordo_arena_calloc(c->arena, subs[i], sizeof(uint32_t)) : NULL;
        n->boundaries = bounds[i] ? ordo_arena_calloc(c->arena, bounds[i], sizeof(uint32_t)) : NULL;
    }
    for (uint32_t i = 0; i < c->nnodes; i++) {
        const struct ordo_graph_node *n = &c->nodes[i];
        struct ordo_graph_node *scope = n->scope == ORDO_GRAPH_NONE ? NULL : &c->nodes[n->scope];

        if (n->kind == ORDO_GRAPH_START_EVENT && scope) {
            push_index(&scope->starts, &scope->nstarts, i);
        } else if (n->kind == ORDO_GRAPH_EVENT_SUB_PROCESS && scope) {
            push_index(&scope->event_subs, &scope->nevent_subs, i);
        } else if (n->kind == ORDO_GRAPH_BOUNDARY_EVENT && n->attached_to != ORDO_GRAPH_NONE) {
            struct ordo_graph_node *host = &c->nodes[n->attached_to];

            push_index(&host->boundaries, &host->nboundaries, i);
        }
    }
}

/* Start events of container 'n' without a trigger, and (in '*refused')
 * how many were refused already: a refused start (a conditional one, say)
 * has no trigger, which must not count as none. */
static uint32_t count_none_starts(const struct ordo_graph_ctx *c, const struct ordo_graph_node *n,
                                  uint32_t *refused)
{
    uint32_t k = 0;

    *refused = 0;
    for (uint32_t s = 0; s < n->nstarts; s++) {
        if (c->refused[c->node_el[n->starts[s]]->order]) {
            (*refused)++;
        } else {
            k += c->nodes[n->starts[s]].trigger == ORDO_GRAPH_TRIGGER_NONE;
        }
    }
    return k;
}

/* Does container 'i' hold any flow node? */
static bool has_contents(const struct ordo_graph_ctx *c, uint32_t i)
{
    for (uint32_t k = i + 1; k < c->nnodes && c->nodes[k].process == c->nodes[i].process; k++) {
        if (c->nodes[k].scope == i) {
            return true;
        }
    }
    return false;
}

static void report_starts(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, uint32_t count,
                          uint32_t none, const char *rule)
{
    if (count == 0) {
        ordo_graph_report(c, el, "start-event", "has no start event; %s", rule);
    } else {
        ordo_graph_report(c, el, "start-event",
                          "has %u start events, %u of them without an event definition; %s",
                          (unsigned)count, (unsigned)none, rule);
    }
}

static void check_starts(struct ordo_graph_ctx *c, uint32_t i)
{
    const struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    uint32_t refused;
    uint32_t none = count_none_starts(c, n, &refused);

    if (refused > 0 && n->kind != ORDO_GRAPH_PROCESS) {
        return; /* its start event was refused: enough said */
    }
    if (n->kind == ORDO_GRAPH_PROCESS && none > 1) {
        ordo_graph_report(c, el, "start-event",
                          "has %u none start events; a process may have at most one",
                          (unsigned)none);
    } else if (n->kind == ORDO_GRAPH_PROCESS && n->nstarts == 0 && has_contents(c, i)) {
        ordo_graph_report(c, el, "start-event",
                          "has no start event; an instance starts at a start event");
    } else if (n->kind == ORDO_GRAPH_SUB_PROCESS && (n->nstarts != 1 || none != 1)) {
        report_starts(c, el, n->nstarts, none,
                      "an embedded sub-process starts at exactly one start event without an event "
                      "definition");
    } else if (n->kind == ORDO_GRAPH_EVENT_SUB_PROCESS && (n->nstarts != 1 || none != 0)) {
        report_starts(c, el, n->nstarts, none,
                      "an event sub-process starts at exactly one message, timer or error start "
                      "event");
    }
}

/* ---- the whole ---------------------------------------------------------- */

static void check_duplicates(struct ordo_graph_ctx *c)
{
    size_t count;
    const struct ordo_bpmn_duplicate *d = ordo_bpmn_model_duplicates(c->model, &count);

    for (size_t i = 0; i < count; i++) {
        ordo_graph_report(c, d[i].again, "duplicate-id",
                          "id \"%s\" is already used by %s on line %u", d[i].again->id,
                          d[i].first->tag, (unsigned)d[i].first->line);
    }
}

static void per_node_passes(struct ordo_graph_ctx *c)
{
    for (uint32_t i = 0; i < c->nnodes; i++) {
        ordo_graph_read_event(c, i);
    }
    for (uint32_t i = 0; i < c->nnodes; i++) {
        ordo_graph_read_extensions(c, i);
        if (c->nodes[i].kind == ORDO_GRAPH_BOUNDARY_EVENT) {
            ordo_graph_check_boundary(c, i);
        }
    }
    fill_lists(c);
    for (uint32_t i = 0; i < c->nnodes; i++) {
        enum ordo_graph_kind k = c->nodes[i].kind;

        if (k == ORDO_GRAPH_PROCESS || k == ORDO_GRAPH_SUB_PROCESS ||
            k == ORDO_GRAPH_EVENT_SUB_PROCESS) {
            check_starts(c, i);
        } else if (k == ORDO_GRAPH_EVENT_GATEWAY) {
            ordo_graph_check_event_gateway(c, i);
        }
    }
    for (uint32_t i = 0; i < c->nnodes; i++) {
        if (c->nodes[i].kind == ORDO_GRAPH_PROCESS) {
            ordo_graph_check_vendor(c, c->node_el[i]);
        }
    }
}

static void finish_graph(struct ordo_graph_ctx *c, struct graph_box *box)
{
    uint32_t *procs = ordo_arena_calloc(c->arena, c->nnodes + 1, sizeof(uint32_t));
    uint32_t nprocs = 0;

    box->by_id = ordo_strmap_new(c->arena, c->nnodes);
    box->by_process = ordo_strmap_new(c->arena, 4);
    for (uint32_t i = 0; i < c->nnodes; i++) {
        struct ordo_graph_node *n = &c->nodes[i];

        (void)ordo_strmap_add(box->by_id, n->id, n);
        if (n->kind == ORDO_GRAPH_PROCESS) {
            procs[nprocs++] = i;
            (void)ordo_strmap_add(box->by_process, n->id, n);
        }
    }
    ordo_graph_compute_reach(c, &box->graph.reach_words);
    box->graph.nodes = c->nodes;
    box->graph.nnodes = c->nnodes;
    box->graph.flows = c->flows;
    box->graph.nflows = c->nflows;
    box->graph.processes = procs;
    box->graph.nprocesses = nprocs;
}

struct sorted_finding {
    struct ordo_graph_finding f;
    size_t seq;
};

static int by_line_cb(const void *a, const void *b)
{
    const struct sorted_finding *x = a;
    const struct sorted_finding *y = b;

    if (x->f.line != y->f.line) {
        return x->f.line < y->f.line ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void sort_findings(struct ordo_graph_ctx *c)
{
    struct sorted_finding *s = ordo_arena_calloc(c->scratch, c->nfindings, sizeof(*s));

    for (size_t i = 0; i < c->nfindings; i++) {
        s[i].f = c->findings[i];
        s[i].seq = i;
    }
    qsort(s, c->nfindings, sizeof(*s), by_line_cb);
    for (size_t i = 0; i < c->nfindings; i++) {
        c->findings[i] = s[i].f;
    }
}

static enum ordo_code compile_into(struct ordo_graph_ctx *c, const struct ordo_graph_options *opts,
                                   struct graph_box *box, struct ordo_err *err)
{
    const struct ordo_bpmn_node *root = ordo_bpmn_model_root(c->model);
    size_t nel = ordo_bpmn_model_node_count(c->model);
    struct walk w = {0};
    bool *chosen = NULL;
    enum ordo_code rc;

    if (!root || root->kind != ORDO_BPMN_DEFINITIONS) {
        return ordo_err_set(err, ORDO_E_INVAL, "not a BPMN document: no bpmn:definitions");
    }
    c->node_of = ordo_arena_alloc_raw(c->scratch, (nel + 1) * sizeof(uint32_t));
    c->flow_of = ordo_arena_alloc_raw(c->scratch, (nel + 1) * sizeof(uint32_t));
    memset(c->node_of, 0xff, (nel + 1) * sizeof(uint32_t)); /* ORDO_GRAPH_NONE */
    memset(c->flow_of, 0xff, (nel + 1) * sizeof(uint32_t));
    c->refused = ordo_arena_calloc(c->scratch, nel + 1, sizeof(bool));
    if (opts && opts->process) {
        chosen = ordo_arena_calloc(c->scratch, nel + 1, sizeof(bool));
        rc = choose_processes(c, root, opts->process, chosen, err);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    walk_definitions(c, &w, root, chosen);
    make_nodes(c, &w);
    ordo_graph_make_flows(c, w.flows, w.nflows);
    ordo_graph_link_flows(c);
    per_node_passes(c);
    check_duplicates(c);
    if (c->nfindings > 0) {
        sort_findings(c);
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "%s", c->findings[0].message);
    }
    finish_graph(c, box);
    return ORDO_OK;
}

enum ordo_code ordo_graph_compile(const struct ordo_bpmn_model *model,
                                  const struct ordo_graph_options *opts, struct ordo_arena *arena,
                                  struct ordo_graph **out,
                                  const struct ordo_graph_finding **findings, size_t *nfindings,
                                  struct ordo_err *err)
{
    struct ordo_arena *garena = ordo_arena_new();
    struct graph_box *box = ordo_arena_alloc(garena, sizeof(*box));
    struct ordo_graph_ctx c = {0};
    enum ordo_code rc;

    box->arena = garena;
    c.model = model;
    c.feel_limits = opts ? opts->feel_limits : NULL;
    c.on_note = opts ? opts->on_note : NULL;
    c.note_ctx = opts ? opts->note_ctx : NULL;
    c.arena = garena;
    c.out = arena;
    c.scratch = ordo_arena_new();
    *out = NULL;
    *findings = NULL;
    *nfindings = 0;
    rc = compile_into(&c, opts, box, err);
    ordo_arena_free(c.scratch);
    if (rc != ORDO_OK) {
        *findings = c.findings;
        *nfindings = c.nfindings;
        ordo_arena_free(garena);
        return rc;
    }
    *out = &box->graph;
    return ORDO_OK;
}

void ordo_graph_free(struct ordo_graph *graph)
{
    if (graph) {
        ordo_arena_free(((struct graph_box *)graph)->arena);
    }
}

const struct ordo_graph_node *ordo_graph_find(const struct ordo_graph *graph, const char *id)
{
    const struct graph_box *box = (const struct graph_box *)graph;

    return graph && id ? ordo_strmap_get(box->by_id, id) : NULL;
}

const struct ordo_graph_node *ordo_graph_process(const struct ordo_graph *graph, const char *id)
{
    const struct graph_box *box = (const struct graph_box *)graph;

    return graph && id ? ordo_strmap_get(box->by_process, id) : NULL;
}
