/*
 * core/graph_webhook.c - ordo:webhook (CONTRACTS §14), read at compile.
 *
 * The attribute's value is a JSON object:
 *   {"name": "bamboohr-new-hire", "scheme": "bamboohr",
 *    "variables": "={employee_id: body.employees[1].id}",
 *    "correlationKey": "=body.issue.key", "options": {...}}
 * name and scheme are required; variables (FEEL over {body, headers},
 * default {body: body}) and options are optional; correlationKey belongs
 * to message catch events and receive tasks, and is required there when
 * the message has a zeebe:subscription correlationKey. Allowed on a none
 * or message start event of a process, an intermediate message catch
 * event and a receive task. Anything else refuses the deploy, naming the
 * element. 'unsigned' is refused here: only an admin opens one, by API.
 * The scheme's options are checked by the server (webhooks/),
 * which core does not see; here only that they are an object.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/graph_internal.h"

#define NAME_MAX_LEN 64

/* 'unsigned' is not here: only an admin may open an unsigned endpoint,
 * through the API, and a deploy is a designer's (CONTRACTS §14). */
static const char *const schemes[] = {"github", "slack", "jira", "bamboohr", "standard", "hmac"};

/* CONTRACTS §1-style names: lower-case letters, digits, '-' and '_',
 * starting with a letter or digit; they are URL path segments. */
static bool name_ok(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n <= NAME_MAX_LEN && s[0] != '-' && s[0] != '_' &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

static bool scheme_ok(const char *s)
{
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (strcmp(s, schemes[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool where_allowed(const struct ordo_graph_node *n)
{
    switch (n->kind) {
    case ORDO_GRAPH_START_EVENT:
        return n->scope == n->process &&
               (n->trigger == ORDO_GRAPH_TRIGGER_NONE || n->trigger == ORDO_GRAPH_TRIGGER_MESSAGE);
    case ORDO_GRAPH_CATCH_EVENT:
        return n->trigger == ORDO_GRAPH_TRIGGER_MESSAGE;
    case ORDO_GRAPH_RECEIVE_TASK:
        return true;
    default:
        return false;
    }
}

static bool members_ok(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, json_t *obj)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        bool text = strcmp(key, "name") == 0 || strcmp(key, "scheme") == 0 ||
                    strcmp(key, "variables") == 0 || strcmp(key, "correlationKey") == 0;

        if (text && !json_is_string(v)) {
            ordo_graph_report(c, el, "extension", "ordo:webhook: \"%s\" must be a string", key);
            return false;
        }
        if (!text && strcmp(key, "options") != 0) {
            ordo_graph_report(c, el, "extension", "ordo:webhook: unknown member \"%s\"", key);
            return false;
        }
        if (!text && !json_is_object(v)) {
            ordo_graph_report(c, el, "extension", "ordo:webhook: \"options\" must be an object");
            return false;
        }
    }
    return true;
}

/* A FEEL text of the webhook, compiled to check it; NULL when absent. */
static bool feel_ok(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *what,
                    const char *text)
{
    struct ordo_graph_expr e = {0};

    return !text || ordo_graph_expr(c, el, what, text, ORDO_GRAPH_PLAIN_FEEL, &e);
}

static bool correlation_ok(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                           const struct ordo_graph_node *n, const char *corr)
{
    if (n->kind == ORDO_GRAPH_START_EVENT) {
        if (corr) {
            ordo_graph_report(c, el, "extension",
                              "ordo:webhook: a start event takes no correlationKey");
        }
        return !corr;
    }
    if (!n->message.name.constant) {
        ordo_graph_report(c, el, "extension", "ordo:webhook needs a message with a constant name");
        return false;
    }
    if (n->message.correlation.feel && !corr) {
        ordo_graph_report(c, el, "extension",
                          "ordo:webhook needs a correlationKey (FEEL over the delivery's body "
                          "and headers): the message is correlated by key");
        return false;
    }
    return feel_ok(c, el, "the ordo:webhook correlationKey", corr);
}

static const struct ordo_graph_webhook *read_object(struct ordo_graph_ctx *c,
                                                    const struct ordo_bpmn_node *el,
                                                    const struct ordo_graph_node *n, json_t *obj)
{
    const char *name = json_string_value(json_object_get(obj, "name"));
    const char *scheme = json_string_value(json_object_get(obj, "scheme"));
    const char *vars = json_string_value(json_object_get(obj, "variables"));
    const char *corr = json_string_value(json_object_get(obj, "correlationKey"));
    json_t *opts = json_object_get(obj, "options");
    struct ordo_graph_webhook *w;
    char *opt_text;

    if (!members_ok(c, el, obj)) {
        return NULL;
    }
    if (!name || !name_ok(name)) {
        ordo_graph_report(c, el, "extension",
                          "ordo:webhook needs a \"name\" of 1 to %d lower-case letters, digits, "
                          "'-' or '_'",
                          NAME_MAX_LEN);
        return NULL;
    }
    if (!scheme || !scheme_ok(scheme)) {
        ordo_graph_report(c, el, "extension",
                          "ordo:webhook \"%s\": \"scheme\" must be one of github, slack, jira, "
                          "bamboohr, standard, hmac (unsigned endpoints are made by an admin "
                          "through the API)",
                          name);
        return NULL;
    }
    if (!feel_ok(c, el, "the ordo:webhook variables", vars) || !correlation_ok(c, el, n, corr)) {
        return NULL;
    }
    w = ordo_arena_calloc(c->arena, 1, sizeof *w);
    w->name = ordo_graph_str(c, name);
    w->scheme = ordo_graph_str(c, scheme);
    w->variables = ordo_graph_str(c, vars);
    w->correlation = ordo_graph_str(c, corr);
    opt_text = opts ? json_dumps(opts, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    w->options = ordo_graph_str(c, opt_text ? opt_text : "{}");
    free(opt_text);
    return w;
}

void ordo_graph_read_webhook(struct ordo_graph_ctx *c, uint32_t i)
{
    struct ordo_graph_node *n = &c->nodes[i];
    const struct ordo_bpmn_node *el = c->node_el[i];
    const char *text = ordo_bpmn_attr_get(el, ORDO_BPMN_NS_ORDO, "webhook");
    json_error_t jerr;
    json_t *obj;

    if (!text) {
        return;
    }
    if (!where_allowed(n)) {
        ordo_graph_report(c, el, "extension",
                          "ordo:webhook belongs on a none or message start event of a process, "
                          "a message catch event or a receive task");
        return;
    }
    obj = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(obj)) {
        ordo_graph_report(c, el, "extension", "ordo:webhook is not a JSON object%s%s",
                          obj ? "" : ": ", obj ? "" : jerr.text);
    } else {
        n->webhook = read_object(c, el, n, obj);
    }
    json_decref(obj);
}
