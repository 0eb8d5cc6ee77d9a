/*
 * core/graph_ext.c - the extensions the engine executes (CONTRACTS.md §2),
 * read into plain node fields, and the vendor constructs it refuses.
 *
 * Jobs (service and send tasks, message throw and end events):
 *   job type  ordo:action (must be an action id, CONTRACTS.md §1), else
 *             zeebe:taskDefinition type, else camunda:topic when
 *             camunda:type="external"; types given as expressions are
 *             refused ("extension")
 *   retries   zeebe:taskDefinition retries, 0..1000, default 3
 *   headers   zeebe:taskHeaders/zeebe:header key value
 *   ordo:credential, else the task header "ordo:credential" (element templates)
 * Mappings (every node but gateways and processes): zeebe:ioMapping
 * input/output source target; camunda:inputOutput inputParameter/
 * outputParameter name with text content (a camunda:list or camunda:map
 * is refused; a camunda:script is refused by the vendor check); call
 * activities also camunda:in/camunda:out source|sourceExpression target.
 * An empty source or parameter maps null.
 * User tasks: zeebe:assignmentDefinition assignee candidateGroups
 * candidateUsers and zeebe:taskSchedule dueDate, else camunda:assignee,
 * candidateUsers, candidateGroups, dueDate; ordo:form (text that must
 * parse as a JSON object), ordo:notify ("slack:" and a constant target or
 * "=FEEL"; any other prefix, an empty target or FEEL that does not compile
 * is refused, rule "extension").
 * Loops: multiInstanceLoopCharacteristics (isSequential, loopCardinality,
 * completionCondition, zeebe:loopCharacteristics, camunda:collection and
 * elementVariable) and standardLoopCharacteristics (loopCondition,
 * testBefore, loopMaximum).
 * Call activities: zeebe:calledElement processId (may be "=...") and
 * propagateAllChildVariables, else the calledElement attribute; a called
 * element that is a process of the file is named by its id, a global task
 * is refused.
 *
 * Refused anywhere in a process (the "vendor check"): camunda:class,
 * camunda:delegateExpression and camunda:expression attributes (also in
 * the Activiti and Flowable namespaces, which Camunda 7 models inherit),
 * execution and task listeners with class, delegateExpression or
 * expression ("listener"), camunda:script, camunda:connector
 * ("connector"), camunda:decisionRef and zeebe:calledDecision.
 * camunda:asyncBefore/asyncAfter, exclusive, job and task priorities and
 * camunda:failedJobRetryTimeCycle are ignored with a note (graph.h); other
 * attributes are ignored silently.
 * Processes: camunda:historyTimeToLive, the retention in days of finished
 * instances (refused when it is not a number of days).
 */
#include <string.h>

#include <jansson.h>

#include "base/schema.h"
#include "base/text.h"
#include "core/audit.h"
#include "core/graph_internal.h"

#define NS_ACTIVITI "http://activiti.org/bpmn"
#define NS_FLOWABLE "http://flowable.org/bpmn"
#define MAX_RETRIES 1000

struct mappings {
    struct ordo_graph_mapping *v;
    size_t n, cap;
};

/* ^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$ (CONTRACTS.md §1) */
static bool is_action_id(const char *s)
{
    int dots = 0;
    bool part_start = true;

    for (; *s; s++) {
        bool lower = *s >= 'a' && *s <= 'z';
        bool tail = lower || ordo_is_digit((unsigned char)*s) || *s == '_';

        if (*s == '.' && !part_start && dots == 0) {
            dots++;
            part_start = true;
        } else if (part_start ? lower : tail) {
            part_start = false;
        } else {
            return false;
        }
    }
    return dots == 1 && !part_start;
}

static void read_job_type(struct ordo_graph_ctx *c, uint32_t i, const struct ordo_bpmn_node *td)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *type = td ? ordo_graph_trim(c, ordo_bpmn_attr_get(td, NULL, "type")) : NULL;
    const char *topic;

    if (type && *type) {
        if (ordo_graph_is_expression(type)) {
            ordo_graph_report(c, el, "extension",
                              "job types given as expressions (\"%s\") are not supported", type);
            return;
        }
        n->job_type = type;
        return;
    }
    if (!ordo_streq(ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, "type"), "external")) {
        return;
    }
    topic = ordo_graph_trim(c, ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, "topic"));
    if (!topic || !*topic) {
        ordo_graph_report(c, el, "extension", "camunda:type=\"external\" needs a camunda:topic");
    } else if (ordo_graph_is_expression(topic)) {
        ordo_graph_report(c, el, "extension",
                          "external task topics given as expressions (\"%s\") are not supported",
                          topic);
    } else {
        n->job_type = topic;
        ordo_graph_note(c, el, "external-task",
                        "camunda:type=\"external\": camunda:topic \"%s\" is the job type "
                        "(as for a Camunda 7 external task)",
                        topic);
    }
}

static void read_retries(struct ordo_graph_ctx *c, uint32_t i, const struct ordo_bpmn_node *td)
{
    const char *text = td ? ordo_bpmn_attr_get(td, NULL, "retries") : NULL;

    if (text && !ordo_graph_parse_uint(text, MAX_RETRIES, &c->nodes[i].retries)) {
        ordo_graph_report(c, c->node_el[i], "extension",
                          "retries \"%s\" is not a whole number from 0 to %d", text, MAX_RETRIES);
    }
}

static void read_headers(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *th =
        ordo_graph_extension(c->node_el[i], ORDO_BPMN_NS_ZEEBE, "taskHeaders");
    struct ordo_graph_header *v = NULL;
    size_t count = 0;
    size_t cap = 0;

    for (const struct ordo_bpmn_node *h =
             ordo_graph_next_child(th, NULL, ORDO_BPMN_NS_ZEEBE, "header");
         h; h = ordo_graph_next_child(th, h, ORDO_BPMN_NS_ZEEBE, "header")) {
        const char *key = ordo_bpmn_attr_get(h, NULL, "key");

        if (!key) {
            continue;
        }
        v = ordo_arena_grow(c->arena, v, count, &cap, sizeof(*v));
        v[count].key = ordo_graph_str(c, key);
        v[count].value = ordo_graph_str(c, ordo_bpmn_attr_get(h, NULL, "value"));
        count++;
    }
    n->headers = v;
    n->nheaders = (uint32_t)count;
}

/* The job part of a job task or message throw event. */
static void read_job(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *action = ordo_graph_trim(c, ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "action"));
    const struct ordo_bpmn_node *td =
        ordo_graph_extension(el, ORDO_BPMN_NS_ZEEBE, "taskDefinition");

    if (action && !is_action_id(action)) {
        ordo_graph_report(c, el, "action-id",
                          "ordo:action \"%s\" is not an action id (connector.action in lower case, "
                          "such as slack.post_message)",
                          action);
    } else if (action) {
        n->action = action;
        n->job_type = action;
    } else {
        read_job_type(c, i, td);
    }
    read_retries(c, i, td);
    read_headers(c, i);
    n->credential = ordo_graph_str(c, ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "credential"));
    /* Camunda Modeler's element templates can only write zeebe:
     * extensions, so a task made from one names its credential in a task
     * header (plugins/catalogue.h); the attribute wins when both are set. */
    for (uint32_t h = 0; !n->credential && h < n->nheaders; h++) {
        if (strcmp(n->headers[h].key, "ordo:credential") == 0) {
            n->credential = n->headers[h].value;
        }
    }
}

/* ---- mappings ----------------------------------------------------------- */

static void add_mapping(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                        struct mappings *list, const char *kind, const char *target,
                        const char *source, enum ordo_graph_plain plain)
{
    struct ordo_graph_expr e = {0};
    const char *what;

    if (!target || !*target) {
        ordo_graph_report(c, el, "extension", "an %s mapping has no target", kind);
        return;
    }
    what = ordo_arena_printf(c->scratch, "the %s mapping \"%s\"", kind, target);
    if (!source || !*ordo_graph_trim(c, source)) {
        source = "=null";
    }
    if (!ordo_graph_expr(c, el, what, source, plain, &e)) {
        return;
    }
    list->v = ordo_arena_grow(c->arena, list->v, list->n, &list->cap, sizeof(*list->v));
    list->v[list->n].target = ordo_graph_trim(c, target);
    list->v[list->n].source = e;
    list->n++;
}

static void read_zeebe_io(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                          struct mappings *in, struct mappings *out)
{
    const struct ordo_bpmn_node *io = ordo_graph_extension(el, ORDO_BPMN_NS_ZEEBE, "ioMapping");

    for (const struct ordo_bpmn_node *m = io ? io->first : NULL; m; m = m->next) {
        bool input;

        if (!ordo_bpmn_is_element(m) || !ordo_streq(m->ns, ORDO_BPMN_NS_ZEEBE)) {
            continue;
        }
        input = strcmp(m->tag, "input") == 0;
        if (input || strcmp(m->tag, "output") == 0) {
            add_mapping(c, el, input ? in : out, input ? "input" : "output",
                        ordo_bpmn_attr_get(m, NULL, "target"),
                        ordo_bpmn_attr_get(m, NULL, "source"), ORDO_GRAPH_PLAIN_STRING);
        }
    }
}

/* A camunda:inputParameter or outputParameter. */
static void read_camunda_parameter(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                                   const struct ordo_bpmn_node *p, struct mappings *list,
                                   const char *kind)
{
    for (const struct ordo_bpmn_node *v = p->first; v; v = v->next) {
        if (!ordo_bpmn_is_element(v)) {
            continue;
        }
        if (ordo_streq(v->ns, ORDO_BPMN_NS_CAMUNDA) && strcmp(v->tag, "script") == 0) {
            return; /* the vendor check refuses it */
        }
        ordo_graph_report(
            c, el, "extension",
            "camunda:%s \"%s\" holds a %s:%s, which is not supported; write the value "
            "as an expression",
            p->tag, ordo_bpmn_attr_get(p, NULL, "name"), v->prefix ? v->prefix : "", v->tag);
        return;
    }
    add_mapping(c, el, list, kind, ordo_bpmn_attr_get(p, NULL, "name"), p->text,
                ORDO_GRAPH_PLAIN_STRING);
}

static void read_camunda_io(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                            struct mappings *in, struct mappings *out)
{
    const struct ordo_bpmn_node *io = ordo_graph_extension(el, ORDO_BPMN_NS_CAMUNDA, "inputOutput");

    for (const struct ordo_bpmn_node *p = io ? io->first : NULL; p; p = p->next) {
        if (!ordo_bpmn_is_element(p) || !ordo_streq(p->ns, ORDO_BPMN_NS_CAMUNDA)) {
            continue;
        }
        if (strcmp(p->tag, "inputParameter") == 0) {
            read_camunda_parameter(c, el, p, in, "input");
        } else if (strcmp(p->tag, "outputParameter") == 0) {
            read_camunda_parameter(c, el, p, out, "output");
        }
    }
}

/* camunda:in and camunda:out of a call activity. */
static void read_camunda_in_out(struct ordo_graph_ctx *c, uint32_t i, struct mappings *in,
                                struct mappings *out)
{
    const struct ordo_bpmn_node *el = c->node_el[i];
    const struct ordo_bpmn_node *ext = ordo_bpmn_child(el, ORDO_BPMN_EXTENSION_ELEMENTS);
    bool any_out = false;
    bool all_out = false;

    for (const struct ordo_bpmn_node *m = ext ? ext->first : NULL; m; m = m->next) {
        bool is_in = ordo_bpmn_is_element(m) && ordo_streq(m->ns, ORDO_BPMN_NS_CAMUNDA) &&
                     strcmp(m->tag, "in") == 0;
        bool is_out = ordo_bpmn_is_element(m) && ordo_streq(m->ns, ORDO_BPMN_NS_CAMUNDA) &&
                      strcmp(m->tag, "out") == 0;
        const char *source;

        if (!is_in && !is_out) {
            continue;
        }
        any_out |= is_out;
        all_out |= is_out && ordo_streq(ordo_bpmn_attr_get(m, NULL, "variables"), "all");
        source = ordo_bpmn_attr_get(m, NULL, "source");
        if (!source) {
            source = ordo_bpmn_attr_get(m, NULL, "sourceExpression");
        }
        if (source) {
            add_mapping(c, el, is_in ? in : out, is_in ? "input" : "output",
                        ordo_bpmn_attr_get(m, NULL, "target"), source, ORDO_GRAPH_PLAIN_FEEL);
        }
    }
    if (any_out) {
        c->nodes[i].propagate_all = all_out;
    }
}

static void read_mappings(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    struct mappings in = {0};
    struct mappings out = {0};

    read_zeebe_io(c, el, &in, &out);
    read_camunda_io(c, el, &in, &out);
    if (n->kind == ORDO_GRAPH_CALL_ACTIVITY) {
        read_camunda_in_out(c, i, &in, &out);
    }
    n->inputs = in.v;
    n->ninputs = (uint32_t)in.n;
    n->outputs = out.v;
    n->noutputs = (uint32_t)out.n;
}

/* ---- user tasks and call activities ------------------------------------ */

/* The zeebe attribute 'zattr' of 'zel', else camunda:'cattr' of 'el'. */
static const char *dialect_attr(const struct ordo_bpmn_node *el, const struct ordo_bpmn_node *zel,
                                const char *zattr, const char *cattr)
{
    const char *v = zel ? ordo_bpmn_attr_get(zel, NULL, zattr) : NULL;

    return v ? v : ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, cattr);
}

/* ordo:form, kept as text: a JSON object in the schema subset of
 * CONTRACTS.md §11, checked here so that a task never waits on a form the
 * server cannot validate. */
static const char *read_form(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el)
{
    const char *text = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "form");
    struct ordo_schema *schema = NULL;
    struct ordo_err err = {0};
    json_error_t jerr;
    json_t *form;
    bool object;

    if (!text) {
        return NULL;
    }
    form = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    object = json_is_object(form);
    if (!object) {
        ordo_graph_report(c, el, "extension", "ordo:form is not a JSON object%s%s",
                          form ? "" : ": ", form ? "" : jerr.text);
    } else if (ordo_schema_load(form, &schema, &err) != ORDO_OK) {
        ordo_graph_report(c, el, "extension", "ordo:form: %s", err.msg);
        object = false;
    }
    ordo_schema_free(schema);
    json_decref(form);
    return object ? ordo_graph_str(c, text) : NULL;
}

/* ordo:notify="slack:<target>" (CONTRACTS §14, docs/slack-approvals.md):
 * Slack is the only channel there is, so any other prefix is a typo that
 * would otherwise leave a task silently unannounced. */
static void read_notify(struct ordo_graph_ctx *c, uint32_t i)
{
    static const char prefix[] = "slack:";
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *text = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "notify");

    if (!text) {
        return;
    }
    n->notify = ordo_graph_str(c, text);
    text = ordo_graph_trim(c, text);
    if (strncmp(text, prefix, sizeof prefix - 1) != 0) {
        ordo_graph_report(c, el, "extension",
                          "ordo:notify \"%s\" must name a Slack target: \"slack:C0123ABC\", "
                          "\"slack:#channel\", \"slack:U0123ABC\" or \"slack:=expression\"",
                          text);
        return;
    }
    if (!ordo_graph_value(c, el, "the ordo:notify target", text + sizeof prefix - 1,
                          &n->notify_target)) {
        return;
    }
    if (!n->notify_target.constant && !n->notify_target.expr.feel) {
        ordo_graph_report(c, el, "extension", "ordo:notify \"%s\" names no Slack target", text);
    }
}

static void read_user_task(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const struct ordo_bpmn_node *ad =
        ordo_graph_extension(el, ORDO_BPMN_NS_ZEEBE, "assignmentDefinition");
    const struct ordo_bpmn_node *ts = ordo_graph_extension(el, ORDO_BPMN_NS_ZEEBE, "taskSchedule");

    (void)ordo_graph_value(c, el, "the assignee", dialect_attr(el, ad, "assignee", "assignee"),
                           &n->assignee);
    (void)ordo_graph_value(c, el, "the candidate users",
                           dialect_attr(el, ad, "candidateUsers", "candidateUsers"),
                           &n->candidate_users);
    (void)ordo_graph_value(c, el, "the candidate groups",
                           dialect_attr(el, ad, "candidateGroups", "candidateGroups"),
                           &n->candidate_groups);
    (void)ordo_graph_value(c, el, "the due date", dialect_attr(el, ts, "dueDate", "dueDate"),
                           &n->due_date);
    n->form = read_form(c, el);
    if (!n->form && !ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "form")) {
        n->form = ordo_graph_form_data(c, el);
    }
    read_notify(c, i);
}

static void read_call(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const struct ordo_bpmn_node *ce = ordo_graph_extension(el, ORDO_BPMN_NS_ZEEBE, "calledElement");
    const char *id = ordo_graph_called_id(el);
    const struct ordo_bpmn_node *target;

    n->propagate_all =
        !ce || !ordo_streq(ordo_bpmn_attr_get(ce, NULL, "propagateAllChildVariables"), "false");
    if (!id || !*ordo_graph_trim(c, id)) {
        ordo_graph_report(c, el, "call-activity",
                          "no called element (zeebe:calledElement processId or calledElement)");
        return;
    }
    if (!ordo_graph_value(c, el, "the called element", id, &n->called_element) ||
        !n->called_element.constant) {
        return;
    }
    target = ordo_bpmn_model_find(c->model, n->called_element.constant);
    if (target && target->kind == ORDO_BPMN_PROCESS) {
        n->called_element.constant = ordo_graph_str(c, target->id); /* without a "tns:" prefix */
    } else if (target && ordo_bpmn_is(target, ORDO_BPMN_C_ROOT_ELEMENT) &&
               strncmp(target->tag, "global", 6) == 0) {
        ordo_graph_report(c, el, "unsupported-element",
                          "calls %s \"%s\"; global tasks are not supported, call a process",
                          target->tag, n->called_element.constant);
    }
}

/* ---- loops -------------------------------------------------------------- */

static const char *child_text(const struct ordo_bpmn_node *el, enum ordo_bpmn_kind kind)
{
    const struct ordo_bpmn_node *ch = ordo_bpmn_child(el, kind);

    return ch ? ch->text : NULL;
}

static bool blank(const char *s)
{
    while (s && ordo_is_space((unsigned char)*s)) {
        s++;
    }
    return !s || !*s;
}

static void read_multi_instance(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                                const struct ordo_bpmn_node *mi, struct ordo_graph_loop *loop)
{
    const struct ordo_bpmn_node *zl =
        ordo_graph_extension(mi, ORDO_BPMN_NS_ZEEBE, "loopCharacteristics");
    const char *collection = zl ? ordo_bpmn_attr_get(zl, NULL, "inputCollection") : NULL;
    const char *element = zl ? ordo_bpmn_attr_get(zl, NULL, "inputElement") : NULL;
    const char *output;
    const char *cardinality = child_text(mi, ORDO_BPMN_LOOP_CARDINALITY);

    loop->multi = true;
    loop->sequential = ordo_streq(ordo_bpmn_attr_get(mi, NULL, "isSequential"), "true");
    if (blank(collection)) {
        collection = ordo_bpmn_attr_get(mi, ORDO_BPMN_NS_CAMUNDA, "collection");
    }
    if (blank(element)) {
        element = ordo_bpmn_attr_get(mi, ORDO_BPMN_NS_CAMUNDA, "elementVariable");
    }
    if (blank(collection) && blank(cardinality)) {
        ordo_graph_report(c, el, "loop",
                          "a multi-instance activity needs a collection (zeebe:loopCharacteristics "
                          "inputCollection or camunda:collection) or a loopCardinality");
    }
    (void)ordo_graph_expr(c, el, "the input collection", collection, ORDO_GRAPH_PLAIN_FEEL,
                          &loop->collection);
    loop->element = blank(element) ? NULL : ordo_graph_trim(c, element);
    (void)ordo_graph_expr(c, el, "the loop cardinality", cardinality, ORDO_GRAPH_PLAIN_FEEL,
                          &loop->cardinality);
    (void)ordo_graph_expr(c, el, "the completion condition",
                          child_text(mi, ORDO_BPMN_COMPLETION_CONDITION), ORDO_GRAPH_PLAIN_FEEL,
                          &loop->completion);
    output = zl ? ordo_bpmn_attr_get(zl, NULL, "outputCollection") : NULL;
    if (!blank(output)) {
        loop->output_collection = ordo_graph_trim(c, output);
    }
    (void)ordo_graph_expr(c, el, "the output element",
                          zl ? ordo_bpmn_attr_get(zl, NULL, "outputElement") : NULL,
                          ORDO_GRAPH_PLAIN_FEEL, &loop->output_element);
}

static void read_standard_loop(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                               const struct ordo_bpmn_node *sl, struct ordo_graph_loop *loop)
{
    const char *cond = child_text(sl, ORDO_BPMN_LOOP_CONDITION);
    const char *max = ordo_bpmn_attr_get(sl, NULL, "loopMaximum");

    loop->test_before = ordo_streq(ordo_bpmn_attr_get(sl, NULL, "testBefore"), "true");
    if (max && !ordo_graph_parse_uint(max, UINT32_MAX, &loop->loop_maximum)) {
        ordo_graph_report(c, el, "loop", "loopMaximum \"%s\" is not a whole number", max);
    }
    if (blank(cond) && loop->loop_maximum == 0) {
        ordo_graph_report(c, el, "loop",
                          "a standard loop needs a loopCondition or a loopMaximum, or it never "
                          "ends");
    }
    (void)ordo_graph_expr(c, el, "the loop condition", cond, ORDO_GRAPH_PLAIN_FEEL,
                          &loop->loop_condition);
}

static void read_loop(struct ordo_graph_ctx *c, uint32_t i)
{
    const struct ordo_bpmn_node *el = c->node_el[i];
    const struct ordo_bpmn_node *mi =
        ordo_bpmn_child(el, ORDO_BPMN_MULTI_INSTANCE_LOOP_CHARACTERISTICS);
    const struct ordo_bpmn_node *sl = ordo_bpmn_child(el, ORDO_BPMN_STANDARD_LOOP_CHARACTERISTICS);
    struct ordo_graph_loop *loop;

    if (!mi && !sl) {
        return;
    }
    loop = ordo_arena_alloc(c->arena, sizeof(*loop));
    if (mi) {
        read_multi_instance(c, el, mi, loop);
    } else {
        read_standard_loop(c, el, sl, loop);
    }
    c->nodes[i].loop = loop;
}

/* camunda:historyTimeToLive of an executable process (Camunda 7's
 * history time to live, per definition) as whole days: "30" or the ISO
 * period "P30D"; absent, finished instances are kept. Anything else is
 * refused, so that a value Ordo would read differently from Camunda (an
 * expression, "P1M", "PT12H") never silently keeps or drops history. Only
 * executable processes are deployed, so only theirs matter. */
static void read_retention(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *v = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_CAMUNDA, "historyTimeToLive");
    const char *digits;
    size_t len;
    uint32_t days = 0;

    if (!v || !n->executable) {
        return;
    }
    digits = v[0] == 'P' ? v + 1 : v;
    len = strspn(digits, "0123456789");
    for (size_t k = 0; k < len && k < 8; k++) {
        days = days * 10 + (uint32_t)(digits[k] - '0');
    }
    if (len == 0 || len > 7 || strcmp(digits + len, v[0] == 'P' ? "D" : "") != 0 || days < 1 ||
        days > ORDO_AUDIT_RETENTION_MAX) {
        ordo_graph_report(c, el, "history-time-to-live",
                          "camunda:historyTimeToLive \"%s\" is not a number of days from 1 to %d "
                          "(\"30\" or \"P30D\")",
                          v, ORDO_AUDIT_RETENTION_MAX);
        return;
    }
    n->retention_days = days;
    ordo_graph_note(c, el, "history-time-to-live",
                    "camunda:historyTimeToLive: finished instances and their audit rows are kept "
                    "%u day%s (docs/audit.md)",
                    (unsigned)days, days == 1 ? "" : "s");
}

void ordo_graph_read_extensions(struct ordo_graph_ctx *c, uint32_t i)
{
    const struct ordo_graph_node *n = &c->nodes[i];

    ordo_graph_read_webhook(c, i);
    switch (n->kind) {
    case ORDO_GRAPH_PROCESS:
        read_retention(c, i);
        return;
    case ORDO_GRAPH_EXCLUSIVE_GATEWAY:
    case ORDO_GRAPH_PARALLEL_GATEWAY:
    case ORDO_GRAPH_INCLUSIVE_GATEWAY:
    case ORDO_GRAPH_EVENT_GATEWAY:
        return;
    case ORDO_GRAPH_JOB_TASK:
        read_job(c, i);
        break;
    case ORDO_GRAPH_USER_TASK:
        read_user_task(c, i);
        break;
    case ORDO_GRAPH_CALL_ACTIVITY:
        read_call(c, i);
        break;
    case ORDO_GRAPH_THROW_EVENT:
    case ORDO_GRAPH_END_EVENT:
        if (n->trigger == ORDO_GRAPH_TRIGGER_MESSAGE) {
            read_job(c, i);
        }
        break;
    default:
        break;
    }
    read_mappings(c, i);
    if (ordo_graph_is_activity(n->kind)) {
        read_loop(c, i);
    }
}

/* ---- the vendor check --------------------------------------------------- */

static bool is_java_ns(const char *ns)
{
    return ordo_streq(ns, ORDO_BPMN_NS_CAMUNDA) || ordo_streq(ns, NS_ACTIVITI) ||
           ordo_streq(ns, NS_FLOWABLE);
}

static bool is_java_attr(const char *name)
{
    return strcmp(name, "class") == 0 || strcmp(name, "delegateExpression") == 0 ||
           strcmp(name, "expression") == 0;
}

/* The BPMN element an extension element belongs to. */
static const struct ordo_bpmn_node *owner_of(const struct ordo_bpmn_node *n)
{
    while (n->parent && (n->in_extension || n->kind == ORDO_BPMN_EXTENSION_ELEMENTS ||
                         n->kind == ORDO_BPMN_EXTENSION)) {
        n = n->parent;
    }
    return n;
}

/* Camunda 7 attributes that Ordo reads past: what each meant there, and
 * why running without it is the same or what changes. */
static const struct {
    const char *name, *rule, *why;
} ignored_attrs[] = {
    {"asyncBefore", "async",
     "is ignored: every wait state is a transaction boundary and connector calls run as jobs "
     "outside the transaction already"},
    {"asyncAfter", "async",
     "is ignored: every wait state is a transaction boundary and connector calls run as jobs "
     "outside the transaction already"},
    {"exclusive", "async", "is ignored: the steps of one instance never run concurrently"},
    {"jobPriority", "async", "is ignored: jobs run in the order they fall due"},
    {"taskPriority", "async",
     "is ignored: external-task jobs are fetched in the order they fall due"},
    {"formKey", "form-key",
     "is ignored: Ordo shows and validates the task's camunda:formData or ordo:form fields, "
     "not an embedded, generated or Camunda Form"},
    {"initiator", "initiator", "is ignored: no variable holds the user who started the instance"},
};

static void note_ignored(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *n,
                         const struct ordo_bpmn_attr *a)
{
    for (size_t k = 0; k < sizeof(ignored_attrs) / sizeof(ignored_attrs[0]); k++) {
        if (strcmp(a->name, ignored_attrs[k].name) == 0) {
            ordo_graph_note(c, n, ignored_attrs[k].rule, "%s:%s=\"%s\" %s",
                            a->prefix ? a->prefix : "camunda", a->name, a->value,
                            ignored_attrs[k].why);
            return;
        }
    }
}

static void check_bpmn_attrs(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *n)
{
    for (uint32_t k = 0; k < n->nattrs; k++) {
        const struct ordo_bpmn_attr *a = &n->attrs[k];
        char quoted[96];

        if (!is_java_ns(a->ns)) {
            continue;
        }
        ordo_utf8_quote(quoted, sizeof(quoted), a->value, strlen(a->value), 64);
        if (is_java_attr(a->name)) {
            ordo_graph_report(c, n, "java-delegate",
                              "%s:%s \"%s\": Java delegates and expressions are not supported; "
                              "bind the task to a connector action with ordo:action",
                              a->prefix ? a->prefix : "camunda", a->name, quoted);
        } else if (strcmp(a->name, "decisionRef") == 0) {
            ordo_graph_report(c, n, "dmn", "%s:decisionRef \"%s\": DMN decisions are not supported",
                              a->prefix ? a->prefix : "camunda", quoted);
        } else {
            note_ignored(c, n, a);
        }
    }
}

static void check_listener(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *n)
{
    for (uint32_t k = 0; k < n->nattrs; k++) {
        const struct ordo_bpmn_attr *a = &n->attrs[k];
        char quoted[96];

        if (!a->ns && is_java_attr(a->name)) {
            ordo_graph_report(
                c, owner_of(n), "listener",
                "%s with %s \"%s\": listeners that run Java are not supported; model the work "
                "as a service task bound to a connector action",
                n->tag, a->name,
                ordo_utf8_quote(quoted, sizeof(quoted), a->value, strlen(a->value), 64));
        }
    }
}

static void check_extension(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *n)
{
    if (is_java_ns(n->ns)) {
        if (strcmp(n->tag, "executionListener") == 0 || strcmp(n->tag, "taskListener") == 0) {
            check_listener(c, n);
        } else if (strcmp(n->tag, "script") == 0) {
            ordo_graph_report(c, owner_of(n), "script",
                              "%s:script: scripts are not supported; use a service task bound to "
                              "a connector action, or a FEEL expression",
                              n->prefix ? n->prefix : "camunda");
        } else if (strcmp(n->tag, "connector") == 0) {
            ordo_graph_report(c, owner_of(n), "connector",
                              "%s:connector (Camunda Connect) is not supported; bind the task to a "
                              "connector action with ordo:action (http.request for plain HTTP)",
                              n->prefix ? n->prefix : "camunda");
        } else if (strcmp(n->tag, "failedJobRetryTimeCycle") == 0) {
            ordo_graph_note(c, owner_of(n), "retry-time-cycle",
                            "%s:failedJobRetryTimeCycle is ignored: a failed job is retried 3 "
                            "times, backing off from 10 s (zeebe:taskDefinition retries sets "
                            "the count)",
                            n->prefix ? n->prefix : "camunda");
        } else if (strcmp(n->tag, "formData") == 0 && owner_of(n)->kind != ORDO_BPMN_USER_TASK) {
            /* Only a user task's formData is read (graph_form.c). */
            ordo_graph_note(c, owner_of(n), "form-data",
                            "%s:formData is ignored here: only user tasks have forms; pass the "
                            "values as start variables",
                            n->prefix ? n->prefix : "camunda");
        }
    } else if (ordo_streq(n->ns, ORDO_BPMN_NS_ZEEBE) && strcmp(n->tag, "calledDecision") == 0) {
        ordo_graph_report(c, owner_of(n), "dmn",
                          "zeebe:calledDecision: DMN decisions are not "
                          "supported");
    }
}

/* The node after 'n' in document order, skipping n's subtree. */
static const struct ordo_bpmn_node *skip_subtree(const struct ordo_bpmn_node *top,
                                                 const struct ordo_bpmn_node *n)
{
    while (n && n != top) {
        if (n->next) {
            return n->next;
        }
        n = n->parent;
    }
    return NULL;
}

void ordo_graph_check_vendor(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *process)
{
    const struct ordo_bpmn_node *n = process;

    while (n) {
        bool unsupported = c->refused[n->order] && c->node_of[n->order] == ORDO_GRAPH_NONE &&
                           ordo_bpmn_is(n, ORDO_BPMN_C_FLOW_NODE);

        if (unsupported) {
            n = skip_subtree(process, n);
            continue;
        }
        if (!ordo_bpmn_is_element(n)) {
            /* text and comments */
        } else if (n->in_extension || n->kind == ORDO_BPMN_EXTENSION) {
            check_extension(c, n);
        } else {
            check_bpmn_attrs(c, n);
        }
        n = ordo_bpmn_next(process, n);
    }
}
