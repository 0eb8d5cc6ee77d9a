/*
 * core/graph_event.c - event definitions for the graph compiler: which
 * trigger an event has, its timer, message or error, and the checks that
 * need triggers (boundary hosts, event-based gateway targets).
 *
 * What an event kind may carry (anything else is refused with rule
 * "event-definition"):
 *   start      none, message, timer; error only in an event sub-process
 *   end        none, message, error, terminate
 *   catch      message, timer
 *   throw      none, message
 *   boundary   message, timer, error
 * Signal, escalation, compensation, conditional, link and cancel
 * definitions are refused as "unsupported-event"; an event with several
 * definitions (BPMN's multiple events) as "multiple-event-definitions".
 *
 * Messages: a catching event (start, intermediate catch, boundary) and a
 * receive task need a messageRef naming a bpmn:message with a name; a
 * throwing event or send task reads one when it resolves. A message start
 * event of a process needs a constant name (there is no instance yet to
 * evaluate an expression in). The correlation key is the message's
 * zeebe:subscription correlationKey.
 * Errors: a catching error event without errorRef, or whose bpmn:error has
 * no errorCode, catches every error; an error end event must name an error
 * with a constant errorCode. Its message is the error's zeebe:errorMessage
 * or camunda:errorMessage attribute, when present.
 */
#include <string.h>

#include "base/text.h"
#include "bpmn/timer.h"
#include "core/graph_internal.h"

static bool is_event(enum ordo_graph_kind kind)
{
    return kind == ORDO_GRAPH_START_EVENT || kind == ORDO_GRAPH_END_EVENT ||
           kind == ORDO_GRAPH_CATCH_EVENT || kind == ORDO_GRAPH_THROW_EVENT ||
           kind == ORDO_GRAPH_BOUNDARY_EVENT;
}

static bool in_event_sub(const struct ordo_graph_ctx *c, const struct ordo_graph_node *n)
{
    return n->scope != ORDO_GRAPH_NONE && c->nodes[n->scope].kind == ORDO_GRAPH_EVENT_SUB_PROCESS;
}

static bool allowed(enum ordo_graph_kind kind, enum ordo_graph_trigger t, bool event_sub)
{
    switch (kind) {
    case ORDO_GRAPH_START_EVENT:
        return t == ORDO_GRAPH_TRIGGER_NONE || t == ORDO_GRAPH_TRIGGER_MESSAGE ||
               t == ORDO_GRAPH_TRIGGER_TIMER || (t == ORDO_GRAPH_TRIGGER_ERROR && event_sub);
    case ORDO_GRAPH_END_EVENT:
        return t != ORDO_GRAPH_TRIGGER_TIMER;
    case ORDO_GRAPH_CATCH_EVENT:
        return t == ORDO_GRAPH_TRIGGER_MESSAGE || t == ORDO_GRAPH_TRIGGER_TIMER;
    case ORDO_GRAPH_THROW_EVENT:
        return t == ORDO_GRAPH_TRIGGER_NONE || t == ORDO_GRAPH_TRIGGER_MESSAGE;
    default:
        return t == ORDO_GRAPH_TRIGGER_MESSAGE || t == ORDO_GRAPH_TRIGGER_TIMER ||
               t == ORDO_GRAPH_TRIGGER_ERROR;
    }
}

static const char *trigger_word(enum ordo_graph_trigger t)
{
    static const char *const words[] = {"none", "message", "timer", "error", "terminate"};

    return words[t];
}

static void report_not_allowed(struct ordo_graph_ctx *c, uint32_t i)
{
    const struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];

    if (n->trigger == ORDO_GRAPH_TRIGGER_NONE && n->kind == ORDO_GRAPH_CATCH_EVENT) {
        ordo_graph_report(c, el, "event-definition",
                          "an intermediate catch event needs a message or timer definition");
    } else if (n->trigger == ORDO_GRAPH_TRIGGER_NONE) {
        ordo_graph_report(c, el, "event-definition",
                          "a boundary event needs a message, timer or error definition");
    } else if (n->trigger == ORDO_GRAPH_TRIGGER_ERROR && n->kind == ORDO_GRAPH_START_EVENT) {
        ordo_graph_report(c, el, "event-definition",
                          "an error start event is allowed only in an event sub-process");
    } else {
        ordo_graph_report(c, el, "event-definition", "a %s definition is not allowed on a %s",
                          trigger_word(n->trigger), el->tag);
    }
}

/* The message 'ref' names, for node 'i' ('required' for catching ones). */
static void read_message(struct ordo_graph_ctx *c, uint32_t i, const char *ref, bool required)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const struct ordo_bpmn_node *m = ordo_bpmn_model_find(c->model, ref);
    const struct ordo_bpmn_node *sub;
    const char *name;
    const char *key;

    if (!ref || !m || m->kind != ORDO_BPMN_MESSAGE) {
        if (required && !ref) {
            ordo_graph_report(c, el, "message",
                              "no messageRef; waiting for a message needs a bpmn:message with a "
                              "name to correlate by");
        } else if (required) {
            ordo_graph_report(c, el, "message", "messageRef \"%s\" names no bpmn:message", ref);
        }
        return;
    }
    name = ordo_graph_trim(c, ordo_bpmn_attr_get(m, NULL, "name"));
    if (!name || !*name) {
        if (required) {
            ordo_graph_report(c, el, "message",
                              "message \"%s\" has no name, and messages correlate by name",
                              m->id ? m->id : ref);
        }
        return;
    }
    (void)ordo_graph_value(c, el, "the message name", name, &n->message.name);
    if (n->message.name.expr.feel && n->kind == ORDO_GRAPH_START_EVENT &&
        c->nodes[n->scope].kind == ORDO_GRAPH_PROCESS) {
        ordo_graph_report(c, el, "message",
                          "message \"%s\" names itself with an expression, and a process's "
                          "message start event needs a constant name to subscribe by",
                          m->id ? m->id : ref);
    }
    sub = ordo_graph_extension(m, ORDO_BPMN_NS_ZEEBE, "subscription");
    key = sub ? ordo_bpmn_attr_get(sub, NULL, "correlationKey") : NULL;
    if (key) {
        (void)ordo_graph_expr(c, el, "the correlation key", key, ORDO_GRAPH_PLAIN_FEEL,
                              &n->message.correlation);
    }
}

static const struct ordo_bpmn_node *timer_part(const struct ordo_bpmn_node *def,
                                               enum ordo_timer_kind *kind, uint32_t *count)
{
    const struct ordo_bpmn_node *part = NULL;

    *count = 0;
    for (const struct ordo_bpmn_node *ch = def->first; ch; ch = ch->next) {
        enum ordo_timer_kind k;

        if (ch->kind == ORDO_BPMN_TIME_DATE) {
            k = ORDO_TIMER_DATE;
        } else if (ch->kind == ORDO_BPMN_TIME_DURATION) {
            k = ORDO_TIMER_DURATION;
        } else if (ch->kind == ORDO_BPMN_TIME_CYCLE) {
            k = ORDO_TIMER_CYCLE;
        } else {
            continue;
        }
        if ((*count)++ == 0) {
            part = ch;
            *kind = k;
        }
    }
    return part;
}

static void read_timer(struct ordo_graph_ctx *c, uint32_t i, const struct ordo_bpmn_node *def)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    enum ordo_timer_kind kind = ORDO_TIMER_DATE;
    uint32_t count;
    const struct ordo_bpmn_node *part = timer_part(def, &kind, &count);
    const char *text;
    struct ordo_err e = {0};

    if (count != 1) {
        ordo_graph_report(c, el, "timer",
                          "the timer needs %s of timeDate, timeDuration and timeCycle",
                          count ? "only one" : "one");
        return;
    }
    n->timer.kind = kind;
    text = ordo_graph_trim(c, part->text);
    if (!text || !*text) {
        ordo_graph_report(c, el, "timer", "the timer's %s is empty", part->tag);
    } else if (ordo_graph_is_expression(text)) {
        (void)ordo_graph_expr(c, el, "the timer", text, ORDO_GRAPH_PLAIN_FEEL, &n->timer.expr);
    } else if (ordo_timer_parse(c->arena, kind, text, &n->timer.parsed, &e) != ORDO_OK) {
        ordo_graph_report(c, el, "timer", "%s", e.msg);
    }
}

static const char *error_message_attr(const struct ordo_bpmn_node *error,
                                      const struct ordo_bpmn_node *def)
{
    const char *m = ordo_bpmn_attr_get(error, ORDO_BPMN_NS_ZEEBE, "errorMessage");

    if (!m) {
        m = ordo_bpmn_attr_get(error, ORDO_BPMN_NS_CAMUNDA, "errorMessage");
    }
    if (!m) {
        m = ordo_bpmn_attr_get(def, ORDO_BPMN_NS_ZEEBE, "errorMessage");
    }
    return m;
}

static void read_error(struct ordo_graph_ctx *c, uint32_t i, const struct ordo_bpmn_node *def)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *ref = ordo_bpmn_attr_get(def, NULL, "errorRef");
    const struct ordo_bpmn_node *error = ordo_bpmn_model_find(c->model, ref);
    bool end = n->kind == ORDO_GRAPH_END_EVENT;
    const char *code;

    if (!ref) {
        if (end) {
            ordo_graph_report(c, el, "error-code",
                              "an error end event needs an errorRef naming a bpmn:error with an "
                              "errorCode");
        }
        return; /* catching: any error */
    }
    if (!error || error->kind != ORDO_BPMN_ERROR) {
        ordo_graph_report(c, el, "error-code", "errorRef \"%s\" names no bpmn:error", ref);
        return;
    }
    code = ordo_graph_trim(c, ordo_bpmn_attr_get(error, NULL, "errorCode"));
    if (!code || !*code) {
        if (end) {
            ordo_graph_report(c, el, "error-code",
                              "error \"%s\" has no errorCode, and an error end event throws a code",
                              ref);
        }
        return; /* catching: any error */
    }
    if (ordo_graph_is_expression(code)) {
        ordo_graph_report(c, el, "error-code",
                          "error codes given as expressions (\"%s\") are not supported", code);
        return;
    }
    n->error_code = code;
    if (end) {
        (void)ordo_graph_expr(c, el, "the error message", error_message_attr(error, def),
                              ORDO_GRAPH_PLAIN_STRING, &n->error_message);
    }
}

/* The one event definition of 'el' in '*def' (NULL: none); false after
 * reporting an unsupported or repeated one. */
static bool the_definition(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                           const struct ordo_bpmn_node **def)
{
    static const struct {
        enum ordo_bpmn_kind kind;
        const char *what;
    } unsupported[] = {
        {ORDO_BPMN_SIGNAL_EVENT_DEFINITION, "signal events"},
        {ORDO_BPMN_ESCALATION_EVENT_DEFINITION, "escalation events"},
        {ORDO_BPMN_COMPENSATE_EVENT_DEFINITION, "compensation events"},
        {ORDO_BPMN_CONDITIONAL_EVENT_DEFINITION, "conditional events"},
        {ORDO_BPMN_LINK_EVENT_DEFINITION, "link events"},
        {ORDO_BPMN_CANCEL_EVENT_DEFINITION, "cancel events"},
        {ORDO_BPMN_EVENT_DEFINITION_REF, "event definitions referenced by eventDefinitionRef"},
    };
    uint32_t count = 0;

    *def = NULL;
    for (const struct ordo_bpmn_node *ch = el->first; ch; ch = ch->next) {
        if (ordo_bpmn_is(ch, ORDO_BPMN_C_EVENT_DEFINITION) ||
            ch->kind == ORDO_BPMN_EVENT_DEFINITION_REF) {
            *def = count++ ? *def : ch;
        }
    }
    if (count > 1) {
        ordo_graph_report(c, el, "multiple-event-definitions",
                          "events with %u event definitions are not supported; use one",
                          (unsigned)count);
        return false;
    }
    for (size_t k = 0; *def && k < sizeof(unsupported) / sizeof(unsupported[0]); k++) {
        if ((*def)->kind == unsupported[k].kind) {
            ordo_graph_report(c, el, "unsupported-event",
                              "%s are not supported; use message, timer or error events",
                              unsupported[k].what);
            return false;
        }
    }
    return true;
}

static enum ordo_graph_trigger trigger_of(const struct ordo_bpmn_node *def)
{
    switch (def ? def->kind : ORDO_BPMN_UNKNOWN) {
    case ORDO_BPMN_MESSAGE_EVENT_DEFINITION:
        return ORDO_GRAPH_TRIGGER_MESSAGE;
    case ORDO_BPMN_TIMER_EVENT_DEFINITION:
        return ORDO_GRAPH_TRIGGER_TIMER;
    case ORDO_BPMN_ERROR_EVENT_DEFINITION:
        return ORDO_GRAPH_TRIGGER_ERROR;
    case ORDO_BPMN_TERMINATE_EVENT_DEFINITION:
        return ORDO_GRAPH_TRIGGER_TERMINATE;
    default:
        return ORDO_GRAPH_TRIGGER_NONE;
    }
}

static void read_interrupting(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];

    if (n->kind == ORDO_GRAPH_BOUNDARY_EVENT) {
        n->interrupting = n->trigger == ORDO_GRAPH_TRIGGER_ERROR ||
                          !ordo_streq(ordo_bpmn_attr_get(el, NULL, "cancelActivity"), "false");
    } else if (n->kind == ORDO_GRAPH_START_EVENT && in_event_sub(c, n)) {
        n->interrupting = n->trigger == ORDO_GRAPH_TRIGGER_ERROR ||
                          !ordo_streq(ordo_bpmn_attr_get(el, NULL, "isInterrupting"), "false");
    }
}

void ordo_graph_read_event(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const struct ordo_bpmn_node *def;

    if (n->kind == ORDO_GRAPH_RECEIVE_TASK || n->kind == ORDO_GRAPH_JOB_TASK) {
        read_message(c, i, ordo_bpmn_attr_get(el, NULL, "messageRef"),
                     n->kind == ORDO_GRAPH_RECEIVE_TASK);
        return;
    }
    if (!is_event(n->kind) || !the_definition(c, el, &def)) {
        return;
    }
    n->trigger = trigger_of(def);
    if (!allowed(n->kind, n->trigger, in_event_sub(c, n))) {
        report_not_allowed(c, i);
        return;
    }
    read_interrupting(c, i);
    if (n->trigger == ORDO_GRAPH_TRIGGER_MESSAGE) {
        read_message(c, i, ordo_bpmn_attr_get(def, NULL, "messageRef"),
                     n->kind != ORDO_GRAPH_END_EVENT && n->kind != ORDO_GRAPH_THROW_EVENT);
    } else if (n->trigger == ORDO_GRAPH_TRIGGER_TIMER) {
        read_timer(c, i, def);
    } else if (n->trigger == ORDO_GRAPH_TRIGGER_ERROR) {
        read_error(c, i, def);
    }
}

void ordo_graph_check_boundary(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *ref = ordo_bpmn_attr_get(el, NULL, "attachedToRef");
    const struct ordo_bpmn_node *host = el->attached_to;
    uint32_t h = host ? c->node_of[host->order] : ORDO_GRAPH_NONE;

    if (!ref) {
        ordo_graph_report(c, el, "boundary-host", "a boundary event needs an attachedToRef");
    } else if (!host) {
        ordo_graph_report(c, el, "boundary-host", "attachedToRef \"%s\" names no element", ref);
    } else if (h == ORDO_GRAPH_NONE && ordo_graph_refused(c, host)) {
        c->refused[el->order] = true; /* its host was refused already */
    } else if (h == ORDO_GRAPH_NONE || !ordo_graph_is_activity(c->nodes[h].kind)) {
        ordo_graph_report(c, el, "boundary-host",
                          "is attached to %s \"%s\"; boundary events attach only to activities",
                          host->tag, ref);
    } else if (c->nodes[h].scope != n->scope) {
        ordo_graph_report(c, el, "boundary-host",
                          "is not in the same process or sub-process as \"%s\", its host", ref);
    } else {
        n->attached_to = h;
    }
}

void ordo_graph_check_event_gateway(struct ordo_graph_ctx *c, uint32_t i)
{
    const struct ordo_graph_node *g = &c->nodes[i];

    for (uint32_t k = 0; k < g->noutgoing; k++) {
        const struct ordo_graph_flow *f = &c->flows[g->outgoing[k]];
        const struct ordo_graph_node *t = &c->nodes[f->target];
        bool ok = t->kind == ORDO_GRAPH_RECEIVE_TASK ||
                  (t->kind == ORDO_GRAPH_CATCH_EVENT && (t->trigger == ORDO_GRAPH_TRIGGER_MESSAGE ||
                                                         t->trigger == ORDO_GRAPH_TRIGGER_TIMER));

        if (!ok && !c->refused[c->node_el[f->target]->order]) {
            ordo_graph_report(
                c, c->node_el[i], "event-gateway",
                "flow \"%s\" leads to %s \"%s\"; an event-based gateway may lead only "
                "to message or timer catch events and receive tasks",
                f->id, c->node_el[f->target]->tag, t->id);
        }
    }
}
