/*
 * generator/ir_rules.c - the rules of one node or flow at a time:
 * ir/kind-fields, ir/condition, ir/default, ir/feel, ir/performer,
 * ir/form, ir/boundary, ir/timer, ir/message, ir/webhook, ir/error-code
 * (generator/ir.h; ir/action and ir/input are in ir_action.c).
 *
 * Each rule looks only at the fields the node's kind uses, so a field set
 * on the wrong kind is reported once, by ir/kind-fields, and a value the
 * kind needs but lacks once, by the rule of that value (a timer start
 * without a timer: ir/timer).
 */
#include <string.h>

#include <jansson.h>

#include "bpmn/feel.h"
#include "bpmn/timer.h"
#include "generator/ir_internal.h"

/* ---- ir/kind-fields ---- */

enum {
    F_EVENT,
    F_TIMER,
    F_MESSAGE,
    F_CORRELATION,
    F_WEBHOOK,
    F_ACTION,
    F_CREDENTIAL,
    F_INPUTS,
    F_OUTPUTS,
    F_ASSIGNEE,
    F_CANDIDATE,
    F_FORM,
    F_NOTIFY,
    F_ATTACHED,
    F_INTERRUPTING,
    F_ERROR_CODE,
    F_COUNT
};

#define BIT(f) (1u << (f))

static const char *const field_names[F_COUNT] = {
    "event",      "timer",       "message",      "correlation_key", "webhook",         "action",
    "credential", "inputs",      "outputs",      "assignee",        "candidate_group", "form",
    "notify",     "attached_to", "interrupting", "error_code",
};

static bool is_event(const char *event, const char *name)
{
    return event && strcmp(event, name) == 0;
}

/* The events a start or an end may have, for ir/kind-fields. */
static const char *events_of(enum ordo_ir_kind kind)
{
    return kind == ORDO_IR_START ? "none, timer, message, webhook" : "none, error, terminate";
}

static bool event_ok(const struct ordo_ir_node *n)
{
    const char *e = n->event;

    if (n->kind == ORDO_IR_START) {
        return is_event(e, "none") || is_event(e, "timer") || is_event(e, "message") ||
               is_event(e, "webhook");
    }
    return is_event(e, "none") || is_event(e, "error") || is_event(e, "terminate");
}

/* The fields a node of its kind (and event) may set. With an event that is
 * wrong for the kind, the event's own fields are let be: the event is the
 * mistake. */
static unsigned fields_used(const struct ordo_ir_node *n, bool good_event)
{
    switch (n->kind) {
    case ORDO_IR_START:
        return BIT(F_EVENT) | ((!good_event || is_event(n->event, "timer")) ? BIT(F_TIMER) : 0) |
               ((!good_event || is_event(n->event, "message")) ? BIT(F_MESSAGE) : 0) |
               ((!good_event || is_event(n->event, "webhook")) ? BIT(F_WEBHOOK) : 0);
    case ORDO_IR_END:
        return BIT(F_EVENT) |
               ((!good_event || is_event(n->event, "error")) ? BIT(F_ERROR_CODE) : 0);
    case ORDO_IR_SERVICE:
        return BIT(F_ACTION) | BIT(F_CREDENTIAL) | BIT(F_INPUTS) | BIT(F_OUTPUTS);
    case ORDO_IR_USER:
        return BIT(F_ASSIGNEE) | BIT(F_CANDIDATE) | BIT(F_FORM) | BIT(F_NOTIFY);
    case ORDO_IR_TIMER_CATCH:
        return BIT(F_TIMER);
    case ORDO_IR_MESSAGE_CATCH:
        return BIT(F_MESSAGE) | BIT(F_CORRELATION);
    case ORDO_IR_BOUNDARY:
        return BIT(F_ATTACHED) | BIT(F_TIMER) | BIT(F_INTERRUPTING);
    default:
        return 0; /* gateways */
    }
}

static void check_kind_fields(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    const char *kind = ordo_ir_kind_names[n->kind];
    bool has_event = n->kind == ORDO_IR_START || n->kind == ORDO_IR_END;
    bool good_event = has_event && event_ok(n);
    unsigned used = fields_used(n, good_event);
    const char *set = NULL;

    if (has_event && !good_event) {
        ordo_ir_add(c, "ir/kind-fields", ordo_ir_node_path(c, n), n->id,
                    "%s '%s' has the event %s%s%s; the event of %s is one of: %s", kind, n->id,
                    n->event ? "\"" : "", n->event ? n->event : "null", n->event ? "\"" : "",
                    n->kind == ORDO_IR_START ? "a start" : "an end", events_of(n->kind));
    }
    for (int f = 0; f < F_COUNT; f++) {
        if (!(used & BIT(f)) && !json_is_null(json_object_get(n->json, field_names[f]))) {
            set = set ? ordo_arena_printf(c->arena, "%s, %s", set, field_names[f]) : field_names[f];
        }
    }
    if (set) {
        ordo_ir_add(c, "ir/kind-fields", ordo_ir_node_path(c, n), n->id,
                    "%s '%s' sets %s, which a %s%s%s does not use: set %s to null", kind, n->id,
                    set, kind, has_event && good_event ? " with event " : "",
                    has_event && good_event ? n->event : "", strchr(set, ',') ? "them" : "it");
    }
}

void ordo_ir_check_kind_fields(struct ordo_ir_ctx *c)
{
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        check_kind_fields(c, &c->nodes[i]);
    }
}

/* ---- ir/condition, ir/default ---- */

/* The gateway a flow leaves when it is an exclusive or inclusive split. */
static const struct ordo_ir_node *cond_split(const struct ordo_ir_ctx *c,
                                             const struct ordo_ir_flow *f)
{
    const struct ordo_ir_node *n = f->src == ORDO_IR_NONE ? NULL : &c->nodes[f->src];

    return n && (n->kind == ORDO_IR_XOR || n->kind == ORDO_IR_OR) && n->n_out >= 2 ? n : NULL;
}

static void check_flow_condition(struct ordo_ir_ctx *c, const struct ordo_ir_flow *f)
{
    const struct ordo_ir_node *g = cond_split(c, f);
    const char *path = ordo_ir_flow_path(c, f);

    if (g && f->is_default && f->condition) {
        ordo_ir_add(c, "ir/condition", path, f->id,
                    "flow '%s' is the default flow of '%s' and has a condition: the default is "
                    "taken when no condition holds, so set its condition to null",
                    f->id, g->id);
    } else if (g && !f->is_default && ordo_ir_blank(f->condition)) {
        ordo_ir_add(c, "ir/condition", path, f->id,
                    "flow '%s' leaves '%s', a %s that splits, and has no condition: give it a "
                    "FEEL condition such as =approved, or make it the default flow",
                    f->id, g->id, ordo_ir_kind_names[g->kind]);
    } else if (!g && f->condition) {
        ordo_ir_add(c, "ir/condition", path, f->id,
                    "flow '%s' has a condition, but only flows leaving an exclusive or inclusive "
                    "gateway with several outgoing flows have one: set it to null",
                    f->id);
    } else if (!g && f->is_default) {
        ordo_ir_add(c, "ir/condition", path, f->id,
                    "flow '%s' is marked as a default flow, but only a flow leaving an exclusive "
                    "or inclusive gateway with several outgoing flows can be: set is_default to "
                    "false",
                    f->id);
    }
}

static uint32_t defaults_of(const struct ordo_ir_ctx *c, const struct ordo_ir_node *g)
{
    uint32_t count = 0;

    for (uint32_t i = 0; i < c->n_flows; i++) {
        count += c->flows[i].src == g->index && c->flows[i].is_default;
    }
    return count;
}

void ordo_ir_check_conditions(struct ordo_ir_ctx *c)
{
    for (uint32_t i = 0; i < c->n_flows; i++) {
        check_flow_condition(c, &c->flows[i]);
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *g = &c->nodes[i];
        uint32_t count = (g->kind == ORDO_IR_XOR || g->kind == ORDO_IR_OR) && g->n_out >= 2
                             ? defaults_of(c, g)
                             : 1;

        if (count > 1) {
            ordo_ir_add(c, "ir/condition", ordo_ir_node_path(c, g), g->id,
                        "gateway '%s' has %u default flows: at most one outgoing flow is the "
                        "default",
                        g->id, count);
        }
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *g = &c->nodes[i];

        if (g->kind == ORDO_IR_XOR && g->n_out >= 2 && defaults_of(c, g) == 0) {
            ordo_ir_add(c, "ir/default", ordo_ir_node_path(c, g), g->id,
                        "exclusive gateway '%s' splits without a default flow: make one of its "
                        "outgoing flows the default (is_default true, condition null), so an "
                        "instance never gets stuck when no condition holds",
                        g->id);
        }
    }
}

/* ---- ir/feel ---- */

/* 'text' (after an optional '=') must compile as FEEL. */
static void feel(struct ordo_ir_ctx *c, const char *text, const char *path, const char *element,
                 const char *what)
{
    struct ordo_err err = {0};
    const struct ordo_feel_expr *expr;
    const char *src = text[0] == '=' ? text + 1 : text;

    if (ordo_feel_compile(c->arena, src, strlen(src), NULL, &expr, &err) != ORDO_OK) {
        ordo_ir_add(c, "ir/feel", path, element,
                    "%s of '%s' is not a FEEL expression Ordo reads: %s", what, element, err.msg);
    }
}

static void feel_mappings(struct ordo_ir_ctx *c, const struct ordo_ir_node *n, const json_t *list,
                          const char *key)
{
    size_t i;
    const json_t *m;

    json_array_foreach(list, i, m)
    {
        const char *source = json_string_value(json_object_get(m, "source"));

        if (source[0] == '=') {
            feel(c, source,
                 ordo_arena_printf(c->arena, "nodes[%u].%s[%zu].source", n->index, key, i), n->id,
                 ordo_arena_printf(
                     c->arena, "the %s source for '%s'", key,
                     ordo_ir_quote(c, json_string_value(json_object_get(m, "target")))));
        }
    }
}

static void feel_node(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    const char *path = ordo_ir_node_path(c, n);

    if (n->kind == ORDO_IR_SERVICE) {
        feel_mappings(c, n, n->inputs, "inputs");
        feel_mappings(c, n, n->outputs, "outputs");
    } else if (n->kind == ORDO_IR_USER) {
        if (n->assignee && n->assignee[0] == '=') {
            feel(c, n->assignee, path, n->id, "the assignee");
        }
        if (n->notify && strncmp(n->notify, "slack:=", 7) == 0) {
            feel(c, n->notify + 6, path, n->id, "the notify target");
        }
    } else if (n->kind == ORDO_IR_MESSAGE_CATCH && n->correlation_key) {
        feel(c, n->correlation_key, path, n->id, "the correlation key");
    } else if (n->kind == ORDO_IR_START && is_event(n->event, "webhook") && n->webhook) {
        const char *vars = json_string_value(json_object_get(n->webhook, "variables"));

        if (vars) {
            feel(c, vars, path, n->id, "the webhook variables");
        }
    }
}

void ordo_ir_check_feel(struct ordo_ir_ctx *c)
{
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        feel_node(c, &c->nodes[i]);
    }
    for (uint32_t i = 0; i < c->n_flows; i++) {
        const struct ordo_ir_flow *f = &c->flows[i];

        if (cond_split(c, f) && !f->is_default && !ordo_ir_blank(f->condition)) {
            feel(c, f->condition, ordo_ir_flow_path(c, f), f->id, "the condition");
        }
    }
}

/* ---- ir/performer, ir/form, ir/boundary ---- */

static void check_performer(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    const char *path = ordo_ir_node_path(c, n);

    if (ordo_ir_blank(n->assignee) && ordo_ir_blank(n->candidate_group)) {
        ordo_ir_add(c, "ir/performer", path, n->id,
                    "user task '%s' has neither an assignee nor a candidate group: set assignee "
                    "(a login, an e-mail or a FEEL expression such as =manager_email) or "
                    "candidate_group (a role such as managers)",
                    n->id);
    }
    if (n->notify && (strncmp(n->notify, "slack:", 6) != 0 || ordo_ir_blank(n->notify + 6))) {
        ordo_ir_add(
            c, "ir/performer", path, n->id,
            "user task '%s' has notify \"%s\": it must be \"slack:\" and a channel or user "
            "(slack:#approvals, slack:C0123ABC, slack:U0123ABC, slack:=expression), or null",
            n->id, ordo_ir_quote(c, n->notify));
    }
}

static void check_form_field(struct ordo_ir_ctx *c, const struct ordo_ir_node *n, size_t k)
{
    const json_t *field = json_array_get(n->form, k);
    const char *name = json_string_value(json_object_get(field, "name"));
    const char *type = json_string_value(json_object_get(field, "type"));
    const char *path = ordo_arena_printf(c->arena, "nodes[%u].form[%zu]", n->index, k);

    for (size_t j = 0; j < k; j++) {
        if (strcmp(json_string_value(json_object_get(json_array_get(n->form, j), "name")), name) ==
            0) {
            ordo_ir_add(c, "ir/form", path, n->id,
                        "the form of '%s' names the field '%s' twice (form[%zu] and form[%zu]): "
                        "each field sets its own variable",
                        n->id, name, j, k);
            break;
        }
    }
    if (!json_is_null(json_object_get(field, "options")) && strcmp(type, "string") != 0) {
        ordo_ir_add(c, "ir/form", path, n->id,
                    "form field '%s' of '%s' is of type %s and has options: only string fields "
                    "take options (set options to null)",
                    name, n->id, type);
    }
}

static void check_boundary(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    const char *path = ordo_ir_node_path(c, n);
    uint32_t host = ordo_ir_node_index(c, n->attached_to);

    if (!n->attached_to) {
        ordo_ir_add(c, "ir/boundary", path, n->id,
                    "boundary timer '%s' is attached to nothing: set attached_to to the id of the "
                    "user task it watches",
                    n->id);
    } else if (host == n->index) {
        ordo_ir_add(c, "ir/boundary", path, n->id,
                    "boundary timer '%s' is attached to itself: set attached_to to the id of the "
                    "user task it watches",
                    n->id);
    } else if (host != ORDO_IR_NONE && c->nodes[host].kind != ORDO_IR_USER) {
        ordo_ir_add(c, "ir/boundary", path, n->id,
                    "boundary timer '%s' is attached to '%s', a %s: boundary timers watch user "
                    "tasks only",
                    n->id, c->nodes[host].id, ordo_ir_kind_names[c->nodes[host].kind]);
    }
    if (n->n_in > 0) {
        ordo_ir_add(c, "ir/boundary", path, n->id,
                    "boundary timer '%s' has %u incoming flows: it starts its own path when the "
                    "timer fires, so no flow leads into it",
                    n->id, n->n_in);
    }
    if (n->interrupting < 0) {
        ordo_ir_add(c, "ir/boundary", path, n->id,
                    "boundary timer '%s' does not say whether it interrupts: set interrupting to "
                    "true (the task is cancelled) or false (the task stays open)",
                    n->id);
    }
}

void ordo_ir_check_tasks(struct ordo_ir_ctx *c)
{
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].kind == ORDO_IR_USER) {
            check_performer(c, &c->nodes[i]);
        }
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].kind == ORDO_IR_USER && c->nodes[i].form) {
            for (size_t k = 0; k < json_array_size(c->nodes[i].form); k++) {
                check_form_field(c, &c->nodes[i], k);
            }
        }
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].kind == ORDO_IR_BOUNDARY) {
            check_boundary(c, &c->nodes[i]);
        }
    }
}

/* ---- ir/timer, ir/message, ir/webhook, ir/error-code ---- */

static void check_timer(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    bool start = n->kind == ORDO_IR_START;
    const char *path = ordo_ir_node_path(c, n);
    const char *what = start ? "an ISO 8601 date (2026-12-01T09:00:00Z), a repeating interval "
                               "(R/P1D) or a 5-field cron expression (0 9 * * MON-FRI)"
                             : "an ISO 8601 duration such as PT4H or P2D";
    struct ordo_err err = {0};
    struct ordo_err cycle_err = {0};
    const struct ordo_timer *t;
    bool ok;

    if (ordo_ir_blank(n->timer)) {
        ordo_ir_add(c, "ir/timer", path, n->id, "%s '%s' has no timer: give %s",
                    ordo_ir_kind_names[n->kind], n->id, what);
        return;
    }
    if (!start) {
        ok = ordo_timer_parse(c->arena, ORDO_TIMER_DURATION, n->timer, &t, &err) == ORDO_OK;
    } else {
        ok = ordo_timer_parse(c->arena, ORDO_TIMER_DATE, n->timer, &t, &err) == ORDO_OK ||
             ordo_timer_parse(c->arena, ORDO_TIMER_CYCLE, n->timer, &t, &cycle_err) == ORDO_OK;
    }
    if (!ok) {
        /* A text that looks like a cycle or cron gets the cycle parser's reason. */
        bool cyclic = start && (n->timer[0] == 'R' || strchr(n->timer, ' '));

        ordo_ir_add(c, "ir/timer", path, n->id, "the timer \"%s\" of '%s' is not %s (%s)",
                    ordo_ir_quote(c, n->timer), n->id, what, cyclic ? cycle_err.msg : err.msg);
    }
}

static void check_message(struct ordo_ir_ctx *c, const struct ordo_ir_node *n)
{
    if (ordo_ir_blank(n->message)) {
        ordo_ir_add(c, "ir/message", ordo_ir_node_path(c, n), n->id,
                    "%s '%s' has no message name: set message to the name of the message it "
                    "waits for",
                    ordo_ir_kind_names[n->kind], n->id);
    }
}

void ordo_ir_check_events(struct ordo_ir_ctx *c)
{
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        if ((n->kind == ORDO_IR_START && is_event(n->event, "timer")) ||
            n->kind == ORDO_IR_TIMER_CATCH || n->kind == ORDO_IR_BOUNDARY) {
            check_timer(c, n);
        }
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        if ((n->kind == ORDO_IR_START && is_event(n->event, "message")) ||
            n->kind == ORDO_IR_MESSAGE_CATCH) {
            check_message(c, n);
        }
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        if (n->kind == ORDO_IR_START && is_event(n->event, "webhook") && !n->webhook) {
            ordo_ir_add(c, "ir/webhook", ordo_ir_node_path(c, n), n->id,
                        "webhook start '%s' has no webhook: set webhook to {name, scheme, "
                        "variables}, the endpoint /hooks/<name> that starts the process",
                        n->id);
        }
    }
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct ordo_ir_node *n = &c->nodes[i];

        if (n->kind == ORDO_IR_END && is_event(n->event, "error") && ordo_ir_blank(n->error_code)) {
            ordo_ir_add(c, "ir/error-code", ordo_ir_node_path(c, n), n->id,
                        "error end '%s' has no error code: set error_code to the code it throws",
                        n->id);
        }
    }
}
