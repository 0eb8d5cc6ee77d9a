/*
 * generator/lift.c - a BPMN model back to the IR (ordo_emit_lift,
 * generator/emit.h), for revising a draft after a manual edit.
 *
 * A model lifts when everything in it is something the IR can say, in
 * the shapes emission writes: one process (and at most a collaboration
 * with one participant for its pool), one lane set without child lanes,
 * the node kinds of the IR with their event definitions, sequence flows,
 * and of extensions only zeebe:taskDefinition, zeebe:ioMapping,
 * zeebe:userTask, zeebe:assignmentDefinition (and zeebe:subscription on
 * messages), ordo:action, ordo:credential, ordo:form (in the subset the IR
 * form fields cover), ordo:notify and ordo:webhook. Anything else refuses
 * the lift with ORDO_E_UNPROCESSABLE naming the first element found, in
 * document order: revising in words would otherwise drop it silently.
 * Attributes that change nothing the IR holds (retries, isHorizontal,
 * vendor attributes of modelers) are ignored; DI is ignored.
 *
 * What does not come back: the IR's assumptions and questions (not in
 * BPMN; empty lists), a node name that was empty (emission wrote the id as
 * the label lint requires), an empty outputs list (null). A conditional
 * flow whose name is the label emission derives from its condition
 * (ordo_emit_condition_label) comes back without a name.
 */
#include <string.h>

#include "base/text.h"
#include "bpmn/model.h"
#include "generator/emit.h"
#include "generator/emit_internal.h"
#include "generator/ir.h"

struct lift {
    const struct ordo_bpmn_model *model;
    struct ordo_arena *arena;
    const struct ordo_bpmn_node *process;
    json_t *lane_of; /* node id -> lane id */
    json_t *lanes, *nodes, *flows;
    struct ordo_err *err;
};

/* ORDO_E_UNPROCESSABLE naming 'el', or for an element without an id (an
 * extension element, a loop marker) the nearest enclosing one that has. */
static enum ordo_code refuse(struct lift *c, const struct ordo_bpmn_node *el, const char *why)
{
    /* BPMN elements are named bpmn:x whatever prefix the file used. */
    const char *prefix =
        ordo_streq(el->ns, ORDO_BPMN_NS_MODEL) || !el->prefix ? "bpmn" : el->prefix;
    const struct ordo_bpmn_node *owner = el;

    while (owner && !owner->id) {
        owner = owner->parent;
    }
    if (owner != el) {
        (void)ordo_err_set(c->err, ORDO_E_UNPROCESSABLE,
                           "element '%s' has a %s:%s, which drafts cannot revise",
                           owner ? owner->id : "(no id)", prefix, el->tag);
        return ORDO_E_UNPROCESSABLE;
    }
    if (why) {
        (void)ordo_err_set(c->err, ORDO_E_UNPROCESSABLE,
                           "element '%s' (%s:%s) %s, which drafts cannot revise", el->id, prefix,
                           el->tag, why);
        return ORDO_E_UNPROCESSABLE;
    }
    (void)ordo_err_set(c->err, ORDO_E_UNPROCESSABLE,
                       "element '%s' is a %s:%s, which drafts cannot revise", el->id, prefix,
                       el->tag);
    return ORDO_E_UNPROCESSABLE;
}

static const struct ordo_bpmn_node *next_element(const struct ordo_bpmn_node *n)
{
    while (n && !ordo_bpmn_is_element(n)) {
        n = n->next;
    }
    return n;
}

static const struct ordo_bpmn_node *first_el(const struct ordo_bpmn_node *parent)
{
    return next_element(parent->first);
}

static const struct ordo_bpmn_node *next_el(const struct ordo_bpmn_node *n)
{
    return next_element(n->next);
}

static const char *attr(const struct ordo_bpmn_node *n, const char *name)
{
    return ordo_bpmn_attr_get(n, NULL, name);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static bool is_zeebe(const struct ordo_bpmn_node *n, const char *tag)
{
    return n->kind == ORDO_BPMN_EXTENSION && ordo_streq(n->ns, ORDO_BPMN_NS_ZEEBE) &&
           strcmp(n->tag, tag) == 0;
}

/* ---- extensions -------------------------------------------------------- */

static enum ordo_code lift_mapping(struct lift *c, const struct ordo_bpmn_node *io, json_t *node)
{
    json_t *in = json_array(), *out = json_array();

    json_object_set_new(node, "inputs", in);
    json_object_set_new(node, "outputs", out);
    for (const struct ordo_bpmn_node *m = first_el(io); m; m = next_el(m)) {
        bool input = is_zeebe(m, "input");
        const char *source = attr(m, "source"), *target = attr(m, "target");

        if ((!input && !is_zeebe(m, "output")) || !target) {
            return refuse(c, m, "is not an input or output mapping with a target");
        }
        json_array_append_new(input ? in : out, json_pack("{s:s, s:s}", "target", target, "source",
                                                          source ? source : ""));
    }
    return ORDO_OK;
}

static enum ordo_code lift_service_ext(struct lift *c, const struct ordo_bpmn_node *ext,
                                       json_t *node)
{
    for (const struct ordo_bpmn_node *x = first_el(ext); x; x = next_el(x)) {
        const char *type = attr(x, "type");

        if (is_zeebe(x, "taskDefinition")) {
            if (json_is_null(json_object_get(node, "action")) && type) {
                json_object_set_new(node, "action", json_string(type));
            }
        } else if (is_zeebe(x, "ioMapping")) {
            enum ordo_code rc = lift_mapping(c, x, node);

            if (rc != ORDO_OK) {
                return rc;
            }
        } else {
            return refuse(c, x, NULL);
        }
    }
    return ORDO_OK;
}

static enum ordo_code lift_user_ext(struct lift *c, const struct ordo_bpmn_node *ext, json_t *node)
{
    for (const struct ordo_bpmn_node *x = first_el(ext); x; x = next_el(x)) {
        if (is_zeebe(x, "assignmentDefinition")) {
            json_object_set_new(node, "assignee", str_or_null(attr(x, "assignee")));
            json_object_set_new(node, "candidate_group", str_or_null(attr(x, "candidateGroups")));
        } else if (!is_zeebe(x, "userTask")) {
            return refuse(c, x, NULL);
        }
    }
    return ORDO_OK;
}

/* One form property back to an IR field; NULL when the IR cannot hold it. */
static json_t *lift_field(const char *name, const json_t *p, bool required)
{
    const char *type = ordo_emit_str(p, "type"), *format = ordo_emit_str(p, "format");
    const json_t *options = json_object_get(p, "enum");
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)p, key, v)
    {
        if (strcmp(key, "type") != 0 && strcmp(key, "title") != 0 && strcmp(key, "format") != 0 &&
            strcmp(key, "enum") != 0) {
            return NULL;
        }
    }
    if (format && (!ordo_streq(type, "string") ||
                   (strcmp(format, "date") != 0 && strcmp(format, "email") != 0))) {
        return NULL;
    }
    if (!type || (options && !ordo_streq(type, "string"))) {
        return NULL;
    }
    return json_pack("{s:s, s:s, s:s, s:b, s:O}", "name", name, "type", format ? format : type,
                     "title", ordo_emit_str(p, "title") ? ordo_emit_str(p, "title") : "",
                     "required", required, "options", options ? options : json_null());
}

static bool listed(const json_t *array, const char *name)
{
    size_t i;
    const json_t *v;

    json_array_foreach(array, i, v)
    {
        if (ordo_streq(json_string_value(v), name)) {
            return true;
        }
    }
    return false;
}

static json_t *lift_form_fields(const json_t *form)
{
    const json_t *props = json_object_get(form, "properties");
    const json_t *required = json_object_get(form, "required");
    json_t *fields = json_array();
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)form, key, v)
    {
        if (strcmp(key, "type") != 0 && strcmp(key, "properties") != 0 &&
            strcmp(key, "required") != 0) {
            json_decref(fields);
            return NULL;
        }
    }
    json_object_foreach((json_t *)props, key, v)
    {
        json_t *f = lift_field(key, v, listed(required, key));

        if (!f) {
            json_decref(fields);
            return NULL;
        }
        json_array_append_new(fields, f);
    }
    return fields;
}

static enum ordo_code lift_form(struct lift *c, const struct ordo_bpmn_node *el, json_t *node)
{
    const char *text = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "form");
    json_t *form, *fields = NULL;

    if (!text) {
        return ORDO_OK;
    }
    form = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object(form)) {
        fields = lift_form_fields(form);
    }
    json_decref(form);
    if (!fields) {
        return refuse(c, el, "has an ordo:form the IR's form fields cannot hold");
    }
    json_object_set_new(node, "form", fields);
    return ORDO_OK;
}

static enum ordo_code lift_webhook(struct lift *c, const struct ordo_bpmn_node *el, json_t *node)
{
    const char *text = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "webhook");
    json_t *hook = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *name = ordo_emit_str(hook, "name"), *scheme = ordo_emit_str(hook, "scheme");
    const json_t *vars = json_object_get(hook, "variables");
    size_t allowed = 2 + (vars ? 1 : 0);

    if (!name || !scheme || json_object_size(hook) != allowed || (vars && !json_is_string(vars))) {
        json_decref(hook);
        return refuse(c, el,
                      "has an ordo:webhook the IR cannot hold (only name, scheme and "
                      "variables)");
    }
    json_object_set_new(node, "event", json_string("webhook"));
    json_object_set_new(node, "webhook",
                        json_pack("{s:s, s:s, s:O}", "name", name, "scheme", scheme, "variables",
                                  vars ? vars : json_null()));
    json_decref(hook);
    return ORDO_OK;
}

/* ---- events -------------------------------------------------------------- */

static const struct ordo_bpmn_node *event_definition(const struct ordo_bpmn_node *el)
{
    for (const struct ordo_bpmn_node *ch = first_el(el); ch; ch = next_el(ch)) {
        if (ordo_bpmn_is(ch, ORDO_BPMN_C_EVENT_DEFINITION)) {
            return ch;
        }
    }
    return NULL;
}

/* The text of a timer definition, and which of the three it is. */
static const char *timer_text(const struct ordo_bpmn_node *def, enum ordo_bpmn_kind *which)
{
    for (const struct ordo_bpmn_node *ch = first_el(def); ch; ch = next_el(ch)) {
        if (ch->kind == ORDO_BPMN_TIME_DATE || ch->kind == ORDO_BPMN_TIME_CYCLE ||
            ch->kind == ORDO_BPMN_TIME_DURATION) {
            *which = ch->kind;
            return ch->text ? ch->text : "";
        }
    }
    *which = ORDO_BPMN_UNKNOWN;
    return NULL;
}

static const struct ordo_bpmn_node *referenced(struct lift *c, const struct ordo_bpmn_node *el,
                                               const char *name, enum ordo_bpmn_kind kind)
{
    const char *id = attr(el, name);
    const struct ordo_bpmn_node *r = id ? ordo_bpmn_model_find(c->model, id) : NULL;

    return r && r->kind == kind ? r : NULL;
}

static enum ordo_code lift_message(struct lift *c, const struct ordo_bpmn_node *el,
                                   const struct ordo_bpmn_node *def, json_t *node)
{
    const struct ordo_bpmn_node *msg = referenced(c, def, "messageRef", ORDO_BPMN_MESSAGE);
    const struct ordo_bpmn_node *ext =
        msg ? ordo_bpmn_child(msg, ORDO_BPMN_EXTENSION_ELEMENTS) : NULL;
    const char *key = NULL;

    if (!msg || !msg->name) {
        return refuse(c, el, "refers to no named bpmn:message");
    }
    if (ext) {
        for (const struct ordo_bpmn_node *x = first_el(ext); x; x = next_el(x)) {
            if (!is_zeebe(x, "subscription")) {
                return refuse(c, x, NULL);
            }
            key = attr(x, "correlationKey");
        }
    }
    if (ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "webhook")) {
        /* The IR has webhooks on starts only. */
        return el->kind == ORDO_BPMN_START_EVENT
                   ? lift_webhook(c, el, node)
                   : refuse(c, el, "has an ordo:webhook, which the IR has on starts only");
    }
    json_object_set_new(node, "message", json_string(msg->name));
    if (el->kind == ORDO_BPMN_START_EVENT) {
        json_object_set_new(node, "event", json_string("message"));
    } else {
        json_object_set_new(node, "correlation_key", str_or_null(key));
    }
    return ORDO_OK;
}

static enum ordo_code lift_start(struct lift *c, const struct ordo_bpmn_node *el, json_t *node)
{
    const struct ordo_bpmn_node *def = event_definition(el);
    enum ordo_bpmn_kind which;

    json_object_set_new(node, "event", json_string("none"));
    if (!def) {
        return ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "webhook") ? lift_webhook(c, el, node)
                                                                    : ORDO_OK;
    }
    if (def->kind == ORDO_BPMN_MESSAGE_EVENT_DEFINITION) {
        return lift_message(c, el, def, node);
    }
    if (def->kind != ORDO_BPMN_TIMER_EVENT_DEFINITION) {
        return refuse(c, el, "has an event definition the IR cannot hold");
    }
    json_object_set_new(node, "event", json_string("timer"));
    json_object_set_new(node, "timer", str_or_null(timer_text(def, &which)));
    return ORDO_OK;
}

static enum ordo_code lift_end(struct lift *c, const struct ordo_bpmn_node *el, json_t *node)
{
    const struct ordo_bpmn_node *def = event_definition(el);
    const struct ordo_bpmn_node *error;

    json_object_set_new(node, "event", json_string("none"));
    if (!def) {
        return ORDO_OK;
    }
    if (def->kind == ORDO_BPMN_TERMINATE_EVENT_DEFINITION) {
        json_object_set_new(node, "event", json_string("terminate"));
        return ORDO_OK;
    }
    error = referenced(c, def, "errorRef", ORDO_BPMN_ERROR);
    if (def->kind != ORDO_BPMN_ERROR_EVENT_DEFINITION || !error || !attr(error, "errorCode")) {
        return refuse(c, el, "has an event definition the IR cannot hold");
    }
    json_object_set_new(node, "event", json_string("error"));
    json_object_set_new(node, "error_code", json_string(attr(error, "errorCode")));
    return ORDO_OK;
}

/* An intermediate catch or boundary event: a duration timer or a message. */
static enum ordo_code lift_catch(struct lift *c, const struct ordo_bpmn_node *el, json_t *node)
{
    const struct ordo_bpmn_node *def = event_definition(el);
    bool boundary = el->kind == ORDO_BPMN_BOUNDARY_EVENT;
    enum ordo_bpmn_kind which = ORDO_BPMN_UNKNOWN;
    const char *text =
        def && def->kind == ORDO_BPMN_TIMER_EVENT_DEFINITION ? timer_text(def, &which) : NULL;

    if (!boundary && def && def->kind == ORDO_BPMN_MESSAGE_EVENT_DEFINITION) {
        json_object_set_new(node, "kind", json_string("message_catch"));
        return lift_message(c, el, def, node);
    }
    if (which != ORDO_BPMN_TIME_DURATION) {
        return refuse(c, el,
                      boundary ? "is not a boundary timer with a duration"
                               : "is not a timer (duration) or message catch");
    }
    json_object_set_new(node, "timer", json_string(text));
    if (!boundary) {
        json_object_set_new(node, "kind", json_string("timer_catch"));
        return ORDO_OK;
    }
    if (!el->attached_to) {
        return refuse(c, el, "is attached to no task");
    }
    json_object_set_new(node, "kind", json_string("boundary_timer"));
    json_object_set_new(node, "attached_to", json_string(el->attached_to->id));
    json_object_set_new(node, "interrupting",
                        json_boolean(!ordo_streq(attr(el, "cancelActivity"), "false")));
    return ORDO_OK;
}

/* ---- nodes ---------------------------------------------------------------- */

static json_t *blank_node(const struct ordo_bpmn_node *el, const char *kind, const char *lane)
{
    json_t *node =
        json_pack("{s:s, s:s, s:s}", "id", el->id, "kind", kind, "name", el->name ? el->name : "");

    ordo_ir_node_complete(node);
    json_object_set_new(node, "lane", str_or_null(lane));
    return node;
}

/* Children of a flow node other than what the IR says: refused. */
static enum ordo_code check_children(struct lift *c, const struct ordo_bpmn_node *el,
                                     const struct ordo_bpmn_node **ext, const char **doc)
{
    for (const struct ordo_bpmn_node *ch = first_el(el); ch; ch = next_el(ch)) {
        if (ch->kind == ORDO_BPMN_EXTENSION_ELEMENTS) {
            *ext = ch;
        } else if (ch->kind == ORDO_BPMN_DOCUMENTATION) {
            *doc = *doc ? *doc : (ch->text ? ch->text : "");
        } else if (ch->kind != ORDO_BPMN_INCOMING && ch->kind != ORDO_BPMN_OUTGOING &&
                   !ordo_bpmn_is(ch, ORDO_BPMN_C_EVENT_DEFINITION)) {
            return refuse(c, ch, NULL);
        }
    }
    return ORDO_OK;
}

static enum ordo_code lift_service(struct lift *c, const struct ordo_bpmn_node *el,
                                   const struct ordo_bpmn_node *ext, json_t *node)
{
    enum ordo_code rc = ORDO_OK;

    json_object_set_new(node, "action",
                        str_or_null(ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "action")));
    json_object_set_new(node, "credential",
                        str_or_null(ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "credential")));
    json_object_set_new(node, "inputs", json_array());
    if (ext) {
        rc = lift_service_ext(c, ext, node);
    }
    if (json_array_size(json_object_get(node, "outputs")) == 0) {
        json_object_set_new(node, "outputs", json_null());
    }
    return rc;
}

static enum ordo_code lift_user(struct lift *c, const struct ordo_bpmn_node *el,
                                const struct ordo_bpmn_node *ext, json_t *node)
{
    enum ordo_code rc = ext ? lift_user_ext(c, ext, node) : ORDO_OK;

    json_object_set_new(node, "notify",
                        str_or_null(ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "notify")));
    return rc == ORDO_OK ? lift_form(c, el, node) : rc;
}

static enum ordo_code lift_kind(struct lift *c, const struct ordo_bpmn_node *el,
                                const struct ordo_bpmn_node *ext, json_t *node)
{
    if (ext && el->kind != ORDO_BPMN_SERVICE_TASK && el->kind != ORDO_BPMN_USER_TASK &&
        next_element(ext->first)) {
        return refuse(c, next_element(ext->first), NULL);
    }
    switch (el->kind) {
    case ORDO_BPMN_START_EVENT:
        return lift_start(c, el, node);
    case ORDO_BPMN_END_EVENT:
        return lift_end(c, el, node);
    case ORDO_BPMN_SERVICE_TASK:
        return lift_service(c, el, ext, node);
    case ORDO_BPMN_USER_TASK:
        return lift_user(c, el, ext, node);
    case ORDO_BPMN_INTERMEDIATE_CATCH_EVENT:
    case ORDO_BPMN_BOUNDARY_EVENT:
        return lift_catch(c, el, node);
    default:
        return ORDO_OK;
    }
}

static const char *node_kind(const struct ordo_bpmn_node *el)
{
    switch (el->kind) {
    case ORDO_BPMN_START_EVENT:
        return "start";
    case ORDO_BPMN_END_EVENT:
        return "end";
    case ORDO_BPMN_SERVICE_TASK:
        return "service_task";
    case ORDO_BPMN_USER_TASK:
        return "user_task";
    case ORDO_BPMN_EXCLUSIVE_GATEWAY:
        return "exclusive_gateway";
    case ORDO_BPMN_PARALLEL_GATEWAY:
        return "parallel_gateway";
    case ORDO_BPMN_INCLUSIVE_GATEWAY:
        return "inclusive_gateway";
    case ORDO_BPMN_INTERMEDIATE_CATCH_EVENT:
    case ORDO_BPMN_BOUNDARY_EVENT:
        return "timer_catch"; /* refined by lift_catch */
    default:
        return NULL;
    }
}

static enum ordo_code lift_node(struct lift *c, const struct ordo_bpmn_node *el)
{
    const char *kind = node_kind(el);
    const struct ordo_bpmn_node *ext = NULL;
    const char *doc = NULL;
    enum ordo_code rc;
    json_t *node;

    if (!kind || !el->id) {
        return refuse(c, el, NULL);
    }
    if (el->nevent_definitions > 1) {
        return refuse(c, el, "has more than one event definition");
    }
    rc = check_children(c, el, &ext, &doc);
    if (rc != ORDO_OK) {
        return rc;
    }
    node = blank_node(el, kind, json_string_value(json_object_get(c->lane_of, el->id)));
    json_array_append_new(c->nodes, node);
    json_object_set_new(node, "documentation", str_or_null(doc));
    return lift_kind(c, el, ext, node);
}

/* ---- flows, lanes, process ------------------------------------------------- */

static enum ordo_code lift_flow(struct lift *c, const struct ordo_bpmn_node *el)
{
    const struct ordo_bpmn_node *cond = ordo_bpmn_child(el, ORDO_BPMN_CONDITION_EXPRESSION);
    const char *text = cond ? (cond->text ? cond->text : "") : NULL;
    const char *name = el->name;

    if (!el->id || !el->source || !el->target || el->source->parent != c->process ||
        el->target->parent != c->process) {
        return refuse(c, el, "does not connect two nodes of the process");
    }
    for (const struct ordo_bpmn_node *ch = first_el(el); ch; ch = next_el(ch)) {
        if (ch->kind != ORDO_BPMN_CONDITION_EXPRESSION) {
            return refuse(c, ch, NULL);
        }
    }
    if (text && name && strcmp(name, ordo_emit_condition_label(c->arena, text)) == 0) {
        name = NULL;
    }
    json_array_append_new(c->flows, json_pack("{s:s, s:s, s:s, s:o, s:o, s:b}", "id", el->id,
                                              "from", el->source->id, "to", el->target->id, "name",
                                              str_or_null(name), "condition", str_or_null(text),
                                              "is_default", el->source->default_flow == el));
    return ORDO_OK;
}

static enum ordo_code lift_lane_set(struct lift *c, const struct ordo_bpmn_node *set)
{
    if (json_array_size(c->lanes) > 0) {
        return refuse(c, set, "is a second lane set");
    }
    for (const struct ordo_bpmn_node *lane = first_el(set); lane; lane = next_el(lane)) {
        if (lane->kind != ORDO_BPMN_LANE || !lane->id) {
            return refuse(c, lane, NULL);
        }
        json_array_append_new(c->lanes, json_pack("{s:s, s:s}", "id", lane->id, "name",
                                                  lane->name ? lane->name : ""));
        for (const struct ordo_bpmn_node *ref = first_el(lane); ref; ref = next_el(ref)) {
            if (ref->kind != ORDO_BPMN_FLOW_NODE_REF) {
                return refuse(c, ref, NULL);
            }
            if (ref->text && !json_object_get(c->lane_of, ref->text)) {
                json_object_set_new(c->lane_of, ref->text, json_string(lane->id));
            }
        }
    }
    return ORDO_OK;
}

static enum ordo_code lift_process_child(struct lift *c, const struct ordo_bpmn_node *ch,
                                         json_t *process)
{
    switch (ch->kind) {
    case ORDO_BPMN_DOCUMENTATION:
        if (json_is_null(json_object_get(process, "documentation"))) {
            json_object_set_new(process, "documentation", json_string(ch->text ? ch->text : ""));
        }
        return ORDO_OK;
    case ORDO_BPMN_LANE_SET:
        return ORDO_OK; /* read first, see lift_process */
    case ORDO_BPMN_SEQUENCE_FLOW:
        return lift_flow(c, ch);
    case ORDO_BPMN_EXTENSION_ELEMENTS:
        return next_element(ch->first) ? refuse(c, next_element(ch->first), NULL) : ORDO_OK;
    default:
        return lift_node(c, ch);
    }
}

static enum ordo_code lift_process(struct lift *c, json_t *out)
{
    const struct ordo_bpmn_node *p = c->process;
    json_t *process = json_pack("{s:s, s:s, s:n}", "id", p->id ? p->id : "", "name",
                                p->name ? p->name : "", "documentation");
    enum ordo_code rc = ORDO_OK;

    json_object_set_new(out, "process", process);
    for (const struct ordo_bpmn_node *ch = first_el(p); ch; ch = next_el(ch)) {
        if (ch->kind == ORDO_BPMN_LANE_SET) {
            rc = lift_lane_set(c, ch);
        }
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    for (const struct ordo_bpmn_node *ch = first_el(p); ch; ch = next_el(ch)) {
        rc = lift_process_child(c, ch, process);
        if (rc != ORDO_OK) {
            return rc;
        }
    }
    return ORDO_OK;
}

/* A collaboration may only be the pool of the process: one participant. */
static enum ordo_code check_collaboration(struct lift *c, const struct ordo_bpmn_node *collab)
{
    for (const struct ordo_bpmn_node *part = first_el(collab); part; part = next_el(part)) {
        if (part->kind != ORDO_BPMN_PARTICIPANT || part != first_el(collab)) {
            return refuse(c, part, NULL);
        }
    }
    return ORDO_OK;
}

/* The root's children: one process, at most one collaboration with one
 * participant of it, messages and errors, diagrams. */
static enum ordo_code find_process(struct lift *c, const struct ordo_bpmn_node *root)
{
    enum ordo_code rc = ORDO_OK;

    for (const struct ordo_bpmn_node *ch = first_el(root); ch && rc == ORDO_OK; ch = next_el(ch)) {
        if (ch->kind == ORDO_BPMN_PROCESS) {
            rc = c->process ? refuse(c, ch, "is a second process") : ORDO_OK;
            c->process = c->process ? c->process : ch;
        } else if (ch->kind == ORDO_BPMN_COLLABORATION) {
            rc = check_collaboration(c, ch);
        } else if (ch->kind != ORDO_BPMN_MESSAGE && ch->kind != ORDO_BPMN_ERROR &&
                   ch->kind != ORDO_BPMN_BPMN_DIAGRAM) {
            rc = refuse(c, ch, NULL);
        }
    }
    if (rc == ORDO_OK && (!c->process || !c->process->id)) {
        (void)ordo_err_set(c->err, ORDO_E_UNPROCESSABLE, "the document has no process");
        rc = ORDO_E_UNPROCESSABLE;
    }
    return rc;
}

enum ordo_code ordo_emit_lift(const struct ordo_bpmn_model *model, json_t **ir,
                              struct ordo_err *err)
{
    const struct ordo_bpmn_node *root = model ? ordo_bpmn_model_root(model) : NULL;
    struct lift c = {model,        NULL,         NULL,         json_object(),
                     json_array(), json_array(), json_array(), err};
    json_t *out = json_pack("{s:i}", "ir_version", 1);
    enum ordo_code rc;

    if (!root || !ir || root->kind != ORDO_BPMN_DEFINITIONS) {
        rc = ordo_err_set(err, ORDO_E_INVAL, "ordo_emit_lift: missing model or argument");
        goto out;
    }
    c.arena = ordo_arena_new();
    rc = find_process(&c, root);
    if (rc == ORDO_OK) {
        rc = lift_process(&c, out);
    }
    ordo_arena_free(c.arena);
    if (rc == ORDO_OK) {
        json_object_set(out, "lanes", c.lanes);
        json_object_set(out, "nodes", c.nodes);
        json_object_set(out, "flows", c.flows);
        json_object_set_new(out, "assumptions", json_array());
        json_object_set_new(out, "questions", json_array());
        *ir = out;
        out = NULL;
    }
out:
    json_decref(out);
    json_decref(c.lane_of);
    json_decref(c.lanes);
    json_decref(c.nodes);
    json_decref(c.flows);
    return rc;
}
