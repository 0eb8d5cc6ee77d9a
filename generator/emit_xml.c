/*
 * generator/emit_xml.c - the semantic part of an emitted document: the
 * collaboration, messages and errors, and the process with its lanes,
 * nodes (with their zeebe: and ordo: extensions, CONTRACTS §2) and flows.
 *
 * Nodes are written in IR order, then flows in IR order, so lifting the
 * document gives the lists back in the same order.
 *
 * Labels: bpmnlint's label-required (an error in both lint profiles)
 * wants a name on every flow node but parallel and joining gateways, and
 * on every flow with a condition. A node with an empty name gets its id;
 * a conditional flow without a name gets its condition's text
 * (ordo_emit_condition_label), which lifting recognises and drops again.
 */
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "generator/emit_internal.h"

static void ind(struct ordo_buf *out, int level)
{
    for (int i = 0; i < level; i++) {
        ordo_buf_puts(out, "  ");
    }
}

static const char *escape_byte(unsigned char c, bool attr)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return attr ? "&quot;" : NULL;
    case '\n':
        return attr ? "&#10;" : NULL;
    case '\t':
        return attr ? "&#9;" : NULL;
    case '\r':
        return "&#13;";
    default:
        /* XML 1.0 has no other control characters, not even as references. */
        return c < 0x20 ? "\xEF\xBF\xBD" : NULL;
    }
}

void ordo_emit_escape(struct ordo_buf *out, const char *s, bool attr)
{
    for (const char *p = s; p && *p; p++) {
        const char *rep = escape_byte((unsigned char)*p, attr);

        /* U+FFFE and U+FFFF are not XML characters either. */
        if (!rep && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBF &&
            ((unsigned char)p[2] == 0xBE || (unsigned char)p[2] == 0xBF)) {
            rep = "\xEF\xBF\xBD";
            p += 2;
        }
        if (rep) {
            ordo_buf_puts(out, rep);
        } else {
            ordo_buf_putc(out, *p);
        }
    }
}

void ordo_emit_attr(struct ordo_buf *out, const char *name, const char *value)
{
    if (value) {
        ordo_buf_putc(out, ' ');
        ordo_buf_puts(out, name);
        ordo_buf_puts(out, "=\"");
        ordo_emit_escape(out, value, true);
        ordo_buf_putc(out, '"');
    }
}

static void text_element(struct ordo_buf *out, int level, const char *tag, const char *text)
{
    if (!text) {
        return;
    }
    ind(out, level);
    ordo_buf_printf(out, "<%s>", tag);
    ordo_emit_escape(out, text, false);
    ordo_buf_printf(out, "</%s>\n", tag);
}

const char *ordo_emit_condition_label(struct ordo_arena *arena, const char *condition)
{
    const char *s = condition ? condition : "";
    size_t len;

    s += strspn(s, " \t\r\n");
    len = strlen(s);
    if (len > ORDO_EMIT_LABEL_MAX) {
        len = ordo_utf8_trim_partial(s, ORDO_EMIT_LABEL_MAX);
    }
    while (len > 0 && ordo_is_space((unsigned char)s[len - 1])) {
        len--;
    }
    return ordo_arena_strndup(arena, s, len);
}

bool ordo_emit_label_required(enum ordo_ir_kind kind, uint32_t nout)
{
    switch (kind) {
    case ORDO_IR_PARALLEL:
        return false;
    case ORDO_IR_EXCLUSIVE:
    case ORDO_IR_INCLUSIVE:
        return nout > 1;
    default:
        return true;
    }
}

/* ---- roots ----------------------------------------------------------------- */

void ordo_emit_write_roots(struct ordo_buf *out, const struct ordo_emit_doc *doc)
{
    if (doc->nlanes) {
        ordo_buf_puts(out, "  <bpmn:collaboration");
        ordo_emit_attr(out, "id", doc->collaboration_id);
        ordo_buf_puts(out, ">\n    <bpmn:participant");
        ordo_emit_attr(out, "id", doc->participant_id);
        ordo_emit_attr(out, "name", doc->pname && *doc->pname ? doc->pname : doc->pid);
        ordo_emit_attr(out, "processRef", doc->pid);
        ordo_buf_puts(out, "/>\n  </bpmn:collaboration>\n");
    }
    for (size_t i = 0; i < doc->nmessages; i++) {
        const struct ordo_emit_root *m = &doc->messages[i];

        ordo_buf_puts(out, "  <bpmn:message");
        ordo_emit_attr(out, "id", m->id);
        ordo_emit_attr(out, "name", m->name);
        if (!m->key) {
            ordo_buf_puts(out, "/>\n");
            continue;
        }
        ordo_buf_puts(out, ">\n    <bpmn:extensionElements>\n      <zeebe:subscription");
        ordo_emit_attr(out, "correlationKey", m->key);
        ordo_buf_puts(out, "/>\n    </bpmn:extensionElements>\n  </bpmn:message>\n");
    }
    for (size_t i = 0; i < doc->nerrors; i++) {
        ordo_buf_puts(out, "  <bpmn:error");
        ordo_emit_attr(out, "id", doc->errors[i].id);
        ordo_emit_attr(out, "name", doc->errors[i].name);
        ordo_emit_attr(out, "errorCode", doc->errors[i].key);
        ordo_buf_puts(out, "/>\n");
    }
}

/* ---- forms, webhooks ---------------------------------------------------------- */

static json_t *form_property(const json_t *field)
{
    const char *type = ordo_emit_str(field, "type");
    const char *title = ordo_emit_str(field, "title");
    const json_t *options = json_object_get(field, "options");
    json_t *p = json_object();
    bool special = ordo_streq(type, "date") || ordo_streq(type, "email");
    bool plain =
        ordo_streq(type, "boolean") || ordo_streq(type, "number") || ordo_streq(type, "integer");

    json_object_set_new(p, "type", json_string(plain ? type : "string"));
    if (title) {
        json_object_set_new(p, "title", json_string(title));
    }
    if (special) {
        json_object_set_new(p, "format", json_string(type));
    }
    if (json_array_size(options) > 0) {
        json_object_set_new(p, "enum", json_deep_copy(options));
    }
    return p;
}

json_t *ordo_emit_form_schema(const json_t *fields)
{
    json_t *schema = json_object();
    json_t *props = json_object();
    json_t *required = json_array();
    size_t i;
    const json_t *f;

    json_object_set_new(schema, "type", json_string("object"));
    json_array_foreach(fields, i, f)
    {
        const char *name = ordo_emit_str(f, "name");

        if (!name) {
            continue;
        }
        json_object_set_new(props, name, form_property(f));
        if (json_is_true(json_object_get(f, "required"))) {
            json_array_append_new(required, json_string(name));
        }
    }
    json_object_set_new(schema, "properties", props);
    if (json_array_size(required) > 0) {
        json_object_set(schema, "required", required);
    }
    json_decref(required);
    return schema;
}

/* A JSON attribute value, compact, members in the order they were added. */
static void json_attr(struct ordo_buf *out, const char *name, json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT);

    ordo_emit_attr(out, name, text);
    free(text);
    json_decref(value);
}

static json_t *webhook_json(const json_t *hook)
{
    json_t *w = json_object();
    const char *vars = ordo_emit_str(hook, "variables");

    json_object_set_new(w, "name", json_string(ordo_emit_str(hook, "name")));
    json_object_set_new(w, "scheme", json_string(ordo_emit_str(hook, "scheme")));
    if (vars) {
        json_object_set_new(w, "variables", json_string(vars));
    }
    return w;
}

/* ---- nodes -------------------------------------------------------------------- */

static void node_attrs(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                       const struct ordo_emit_node *d)
{
    const char *name = ordo_emit_str(d->j, "name");
    const json_t *form = json_object_get(d->j, "form");

    if ((!name || !*name) && ordo_emit_label_required(d->kind, d->nout)) {
        name = d->id;
    }
    ordo_emit_attr(out, "id", d->id);
    ordo_emit_attr(out, "name", name && *name ? name : NULL);
    switch (d->kind) {
    case ORDO_IR_START:
        if (ordo_streq(ordo_emit_str(d->j, "event"), "webhook")) {
            json_attr(out, "ordo:webhook", webhook_json(json_object_get(d->j, "webhook")));
        }
        break;
    case ORDO_IR_SERVICE_TASK:
        ordo_emit_attr(out, "ordo:action", ordo_emit_str(d->j, "action"));
        ordo_emit_attr(out, "ordo:credential", ordo_emit_str(d->j, "credential"));
        break;
    case ORDO_IR_USER_TASK:
        if (json_is_array(form)) {
            json_attr(out, "ordo:form", ordo_emit_form_schema(form));
        }
        ordo_emit_attr(out, "ordo:notify", ordo_emit_str(d->j, "notify"));
        break;
    case ORDO_IR_BOUNDARY_TIMER:
        ordo_emit_attr(out, "attachedToRef", doc->nodes[d->host].id);
        if (json_is_false(json_object_get(d->j, "interrupting"))) {
            ordo_emit_attr(out, "cancelActivity", "false");
        }
        break;
    default:
        break;
    }
    ordo_emit_attr(out, "default", d->default_flow);
}

static void io_mappings(struct ordo_buf *out, const json_t *list, const char *tag)
{
    size_t i;
    const json_t *m;

    json_array_foreach(list, i, m)
    {
        ind(out, 5);
        ordo_buf_printf(out, "<zeebe:%s", tag);
        ordo_emit_attr(out, "source", ordo_emit_str(m, "source"));
        ordo_emit_attr(out, "target", ordo_emit_str(m, "target"));
        ordo_buf_puts(out, "/>\n");
    }
}

static void service_extensions(struct ordo_buf *out, const json_t *n)
{
    const char *action = ordo_emit_str(n, "action");
    const json_t *in = json_object_get(n, "inputs"), *outs = json_object_get(n, "outputs");

    if (action) {
        ind(out, 4);
        ordo_buf_puts(out, "<zeebe:taskDefinition");
        ordo_emit_attr(out, "type", action);
        ordo_buf_puts(out, " retries=\"3\"/>\n");
    }
    if (json_array_size(in) + json_array_size(outs) > 0) {
        ind(out, 4);
        ordo_buf_puts(out, "<zeebe:ioMapping>\n");
        io_mappings(out, in, "input");
        io_mappings(out, outs, "output");
        ind(out, 4);
        ordo_buf_puts(out, "</zeebe:ioMapping>\n");
    }
}

static void user_extensions(struct ordo_buf *out, const json_t *n)
{
    const char *assignee = ordo_emit_str(n, "assignee");
    const char *group = ordo_emit_str(n, "candidate_group");

    ind(out, 4);
    ordo_buf_puts(out, "<zeebe:userTask/>\n");
    if (assignee || group) {
        ind(out, 4);
        ordo_buf_puts(out, "<zeebe:assignmentDefinition");
        ordo_emit_attr(out, "assignee", assignee);
        ordo_emit_attr(out, "candidateGroups", group);
        ordo_buf_puts(out, "/>\n");
    }
}

static void extensions(struct ordo_buf *out, const struct ordo_emit_node *d)
{
    if (d->kind != ORDO_IR_SERVICE_TASK && d->kind != ORDO_IR_USER_TASK) {
        return;
    }
    if (d->kind == ORDO_IR_SERVICE_TASK && !ordo_emit_str(d->j, "action") &&
        json_array_size(json_object_get(d->j, "inputs")) == 0 &&
        json_array_size(json_object_get(d->j, "outputs")) == 0) {
        return;
    }
    ind(out, 3);
    ordo_buf_puts(out, "<bpmn:extensionElements>\n");
    if (d->kind == ORDO_IR_SERVICE_TASK) {
        service_extensions(out, d->j);
    } else {
        user_extensions(out, d->j);
    }
    ind(out, 3);
    ordo_buf_puts(out, "</bpmn:extensionElements>\n");
}

/* Which of timeDate, timeCycle or timeDuration a start timer's text is:
 * "R..." a repeating interval and "P..." a duration; "YYYY-..." a date;
 * anything else cron, which is a cycle (CONTRACTS §12). */
static const char *start_timer_tag(const char *t)
{
    if (!t || t[0] == 'R') {
        return "bpmn:timeCycle";
    }
    if (t[0] == 'P') {
        return "bpmn:timeDuration";
    }
    if (strlen(t) > 4 && strspn(t, "0123456789") == 4 && t[4] == '-') {
        return "bpmn:timeDate";
    }
    return "bpmn:timeCycle";
}

static void timer_definition(struct ordo_buf *out, const char *tag, const char *text)
{
    ind(out, 3);
    ordo_buf_puts(out, "<bpmn:timerEventDefinition>\n");
    ind(out, 4);
    ordo_buf_printf(out, "<%s xsi:type=\"bpmn:tFormalExpression\">", tag);
    ordo_emit_escape(out, text ? text : "", false);
    ordo_buf_printf(out, "</%s>\n", tag);
    ind(out, 3);
    ordo_buf_puts(out, "</bpmn:timerEventDefinition>\n");
}

static void event_definition(struct ordo_buf *out, const struct ordo_emit_node *d)
{
    const char *event = ordo_emit_str(d->j, "event");
    const char *timer = ordo_emit_str(d->j, "timer");

    if (d->message_id) {
        ind(out, 3);
        ordo_buf_puts(out, "<bpmn:messageEventDefinition");
        ordo_emit_attr(out, "messageRef", d->message_id);
        ordo_buf_puts(out, "/>\n");
    } else if (d->error_id) {
        ind(out, 3);
        ordo_buf_puts(out, "<bpmn:errorEventDefinition");
        ordo_emit_attr(out, "errorRef", d->error_id);
        ordo_buf_puts(out, "/>\n");
    } else if (d->kind == ORDO_IR_END && ordo_streq(event, "terminate")) {
        ind(out, 3);
        ordo_buf_puts(out, "<bpmn:terminateEventDefinition/>\n");
    } else if (d->kind == ORDO_IR_START && ordo_streq(event, "timer")) {
        timer_definition(out, start_timer_tag(timer), timer);
    } else if (d->kind == ORDO_IR_TIMER_CATCH || d->kind == ORDO_IR_BOUNDARY_TIMER) {
        timer_definition(out, "bpmn:timeDuration", timer);
    }
}

static void refs(struct ordo_buf *out, const struct ordo_emit_doc *doc, const uint32_t *flows,
                 uint32_t n, const char *tag)
{
    for (uint32_t i = 0; i < n; i++) {
        ind(out, 3);
        ordo_buf_printf(out, "<bpmn:%s>%s</bpmn:%s>\n", tag, doc->flows[flows[i]].id, tag);
    }
}

static void write_node(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                       const struct ordo_emit_node *d)
{
    const char *tag = ordo_ir_kind_tag(d->kind);

    ordo_buf_printf(out, "    <bpmn:%s", tag);
    node_attrs(out, doc, d);
    ordo_buf_puts(out, ">\n");
    text_element(out, 3, "bpmn:documentation", ordo_emit_str(d->j, "documentation"));
    extensions(out, d);
    refs(out, doc, d->in, d->nin, "incoming");
    refs(out, doc, d->out, d->nout, "outgoing");
    event_definition(out, d);
    ordo_buf_printf(out, "    </bpmn:%s>\n", tag);
}

static void write_flow(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                       const struct ordo_emit_flow *f)
{
    const char *name = ordo_emit_str(f->j, "name");
    const char *cond = ordo_emit_str(f->j, "condition");

    if ((!name || !*name) && cond) {
        name = ordo_emit_condition_label(doc->arena, cond);
    }
    ordo_buf_puts(out, "    <bpmn:sequenceFlow");
    ordo_emit_attr(out, "id", f->id);
    ordo_emit_attr(out, "name", name && *name ? name : NULL);
    ordo_emit_attr(out, "sourceRef", doc->nodes[f->from].id);
    ordo_emit_attr(out, "targetRef", doc->nodes[f->to].id);
    if (!cond) {
        ordo_buf_puts(out, "/>\n");
        return;
    }
    ordo_buf_puts(out, ">\n      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">");
    ordo_emit_escape(out, cond, false);
    ordo_buf_puts(out, "</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n");
}

static void write_lanes(struct ordo_buf *out, const struct ordo_emit_doc *doc)
{
    ordo_buf_puts(out, "    <bpmn:laneSet");
    ordo_emit_attr(out, "id", doc->laneset_id);
    ordo_buf_puts(out, ">\n");
    for (uint32_t l = 0; l < doc->nlanes; l++) {
        ordo_buf_puts(out, "      <bpmn:lane");
        ordo_emit_attr(out, "id", doc->lanes[l].id);
        ordo_emit_attr(out, "name", doc->lanes[l].name);
        ordo_buf_puts(out, ">\n");
        for (uint32_t i = 0; i < doc->nnodes; i++) {
            if (doc->nodes[i].lane == l) {
                ordo_buf_printf(out, "        <bpmn:flowNodeRef>%s</bpmn:flowNodeRef>\n",
                                doc->nodes[i].id);
            }
        }
        ordo_buf_puts(out, "      </bpmn:lane>\n");
    }
    ordo_buf_puts(out, "    </bpmn:laneSet>\n");
}

enum ordo_code ordo_emit_write_process(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                                       struct ordo_err *err)
{
    (void)err;
    ordo_buf_puts(out, "  <bpmn:process");
    ordo_emit_attr(out, "id", doc->pid);
    ordo_emit_attr(out, "name", doc->pname && *doc->pname ? doc->pname : NULL);
    ordo_buf_puts(out, " isExecutable=\"true\">\n");
    text_element(out, 2, "bpmn:documentation", doc->pdoc);
    if (doc->nlanes) {
        write_lanes(out, doc);
    }
    for (uint32_t i = 0; i < doc->nnodes; i++) {
        write_node(out, doc, &doc->nodes[i]);
    }
    for (uint32_t i = 0; i < doc->nflows; i++) {
        write_flow(out, doc, &doc->flows[i]);
    }
    ordo_buf_puts(out, "  </bpmn:process>\n");
    return ORDO_OK;
}
