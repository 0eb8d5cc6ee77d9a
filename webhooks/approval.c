/*
 * webhooks/approval.c - Slack approvals: one verified interactivity
 * delivery, from the click to the completed task (approval.h).
 */
#include "webhooks/approval.h"

#include <string.h>
#include <strings.h>

#include "base/crypto.h"
#include "base/json.h"
#include "base/log.h"
#include "base/schema.h"
#include "core/identity.h"
#include "core/query.h"

#define MSG_DECIDED      "This request was already decided."
#define MSG_NOT_APPROVER "You are not an approver of this task; it is still waiting."

/* ---- parsing -------------------------------------------------------------------------------- */

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (uint8_t)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* application/x-www-form-urlencoded: '+' is a space, %XX a byte. A bad
 * escape: NULL. */
static char *form_decode(struct ordo_arena *arena, const uint8_t *s, size_t len, size_t *outlen)
{
    char *out = ordo_arena_alloc(arena, len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[n++] = ' ';
        } else if (s[i] != '%') {
            out[n++] = (char)s[i];
        } else if (i + 2 < len && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out[n++] = (char)(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            return NULL;
        }
    }
    out[n] = '\0';
    *outlen = n;
    return out;
}

/* The raw (still encoded) value of field 'name' of a form body. */
static const uint8_t *form_field(const uint8_t *body, size_t len, const char *name, size_t *vlen)
{
    size_t nlen = strlen(name);
    size_t i = 0;

    while (i < len) {
        const uint8_t *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;

        if (end - i > nlen && memcmp(body + i, name, nlen) == 0 && body[i + nlen] == '=') {
            *vlen = end - i - nlen - 1;
            return body + i + nlen + 1;
        }
        i = end + 1;
    }
    return NULL;
}

static const char *jstr(const json_t *root, const char *a, const char *b)
{
    const json_t *v = json_object_get(root, a);

    return json_string_value(b ? json_object_get(v, b) : v);
}

/* The payload's JSON object. */
static enum ordo_code payload_of(const uint8_t *body, size_t len, struct ordo_arena *arena,
                                 json_t **out, struct ordo_err *err)
{
    size_t vlen = 0, tlen = 0;
    const uint8_t *raw = form_field(body, len, "payload", &vlen);
    const char *text = raw ? form_decode(arena, raw, vlen, &tlen) : NULL;
    json_t *doc = NULL;

    if (!text) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            raw ? "the Slack payload is not URL-encoded properly"
                                : "the Slack delivery has no payload field");
    }
    if (ordo_json_parse(text, tlen, NULL, &doc, err) != ORDO_OK || !json_is_object(doc)) {
        json_decref(doc);
        return ordo_err_set(err, ORDO_E_INVAL, "the Slack payload is not a JSON object");
    }
    *out = ordo_json_defer(arena, doc);
    return ORDO_OK;
}

enum ordo_code ordo_approval_parse(const uint8_t *body, size_t len, struct ordo_arena *arena,
                                   struct ordo_approval_click *out, struct ordo_err *err)
{
    json_t *doc = NULL;
    const json_t *action;
    enum ordo_code rc = payload_of(body, len, arena, &doc, err);

    memset(out, 0, sizeof *out);
    if (rc != ORDO_OK) {
        return rc;
    }
    action = json_array_get(json_object_get(doc, "actions"), 0);
    out->type = jstr(doc, "type", NULL);
    out->block_id = jstr(action, "block_id", NULL);
    out->action_id = jstr(action, "action_id", NULL);
    out->token = jstr(action, "value", NULL);
    out->user_id = jstr(doc, "user", "id");
    out->user_name = jstr(doc, "user", "username");
    out->channel = jstr(doc, "channel", "id");
    if (!out->channel) {
        out->channel = jstr(doc, "container", "channel_id");
    }
    out->message_ts = jstr(doc, "container", "message_ts");
    if (!out->message_ts) {
        out->message_ts = jstr(doc, "message", "ts");
    }
    out->message = json_object_get(doc, "message");
    if (!out->type || strcmp(out->type, "block_actions") != 0 || !out->block_id ||
        strcmp(out->block_id, "ordo_approval") != 0) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "not a click on an Ordo approval button");
    }
    if (!out->action_id || !out->token || !*out->token || !out->user_id || !out->channel) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "the approval click lacks its action, token, user or channel");
    }
    return ORDO_OK;
}

/* ---- one delivery --------------------------------------------------------------------------- */

/* What one delivery works with. */
struct approval {
    const struct ordo_approval_ctx *ctx;
    struct ordo_store *st;
    struct ordo_arena *arena;
    struct ordo_approval_click click;
    struct ordo_approval_task task;
    json_t *result;
    /* The Ordo user who clicked, once known. */
    int64_t user_key;
    json_t *user; /* ordo_identity_user_get's document, or NULL */
};

static void set_outcome(struct approval *a, const char *outcome, const char *reason)
{
    json_object_set_new(a->result, "outcome", json_string(outcome));
    if (reason) {
        json_object_set_new(a->result, "reason", json_string(reason));
    }
}

/* Queue an ephemeral message to the user who clicked. */
static enum ordo_code ephemeral(struct approval *a, const char *text, struct ordo_err *err)
{
    json_t *input = json_pack("{s:s, s:s, s:s}", "channel", a->click.channel, "user",
                              a->click.user_id, "text", text);
    struct ordo_notify_job job = {.type = "slack.post_ephemeral",
                                  .instance_key = a->task.instance_key,
                                  .element_id = a->task.element_id,
                                  .input = ordo_json_defer(a->arena, input),
                                  .credential = a->task.credential};

    return ordo_store_notify(a->st, &job, err);
}

/* The Slack profile's email, through the connector (slack.get_user). */
static const char *slack_email(struct approval *a, struct ordo_err *err)
{
    json_t *input = ordo_json_defer(a->arena, json_pack("{s:s}", "user", a->click.user_id));
    json_t *out = NULL;
    const char *email;

    if (!a->ctx->call) {
        ordo_err_set(err, ORDO_E_NOTFOUND, "Slack users cannot be looked up here");
        return NULL;
    }
    if (a->ctx->call(a->ctx->call_ctx, "slack.get_user", input, a->task.credential, &out, err) !=
        ORDO_OK) {
        return NULL;
    }
    ordo_json_defer(a->arena, out);
    email = json_string_value(json_object_get(out, "email"));
    if (!email || !*email) {
        ordo_err_set(err, ORDO_E_NOTFOUND, "the Slack user's profile has no email");
        return NULL;
    }
    return email;
}

/* The Ordo user with this email (any case, not only a login that looks
 * like it), linked to the Slack user from now on. */
static enum ordo_code link_by_email(struct approval *a, PGconn *db, struct ordo_err *err)
{
    const char *email = slack_email(a, err);
    json_t *user = NULL;
    enum ordo_code rc;

    if (!email) {
        return err && err->code != ORDO_OK ? err->code : ORDO_E_NOTFOUND;
    }
    rc = ordo_identity_user_find(db, email, &a->user_key, err);
    if (rc == ORDO_OK) {
        rc = ordo_identity_user_get(db, a->user_key, &user, err);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_json_defer(a->arena, user);
    if (strcasecmp(json_string_value(json_object_get(user, "email")), email) != 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "no user has the Slack user's email");
    }
    /* A user linked to another Slack id is not this one: a second Slack
     * account with the same email (another workspace, an external guest)
     * must not act as them. */
    const char *linked = json_string_value(json_object_get(user, "slackUserId"));

    if (linked && strcmp(linked, a->click.user_id) != 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND,
                            "the user with the Slack user's email is linked to another Slack user");
    }
    if (ordo_identity_user_link_slack(db, a->user_key, a->click.user_id, "engine", NULL) ==
        ORDO_OK) {
        ordo_log(ORDO_LOG_INFO, "approval", "Slack user linked", ORDO_INT("user", a->user_key),
                 ORDO_STR("slack_user_id", a->click.user_id));
    }
    a->user = user;
    return ORDO_OK;
}

/* The Ordo user who clicked: ORDO_E_NOTFOUND when there is none. */
static enum ordo_code find_user(struct approval *a, struct ordo_err *err)
{
    PGconn *db = ordo_store_pg(a->st, err);
    json_t *user = NULL;
    enum ordo_code rc;

    if (!db) {
        return ORDO_E_AGAIN;
    }
    rc = ordo_identity_user_find_slack(db, a->click.user_id, &a->user_key, err);
    if (rc == ORDO_E_NOTFOUND) {
        memset(err, 0, sizeof *err);
        return link_by_email(a, db, err);
    }
    if (rc == ORDO_OK) {
        rc = ordo_identity_user_get(db, a->user_key, &user, err);
    }
    if (rc == ORDO_OK) {
        a->user = ordo_json_defer(a->arena, user);
    }
    return rc;
}

/* CONTRACTS §7 for the user who clicked and the task 'doc'. */
static bool permitted(const struct approval *a, const json_t *doc)
{
    const json_t *groups = json_object_get(a->user, "groups");
    const char **names = ordo_arena_calloc(a->arena, json_array_size(groups) + 1, sizeof *names);
    unsigned roles = 0;
    size_t i;
    const json_t *g;

    if (json_is_true(json_object_get(a->user, "disabled")) ||
        ordo_roles_from_json(json_object_get(a->user, "effectiveRoles"), &roles, NULL) != ORDO_OK) {
        return false;
    }
    if (roles & ORDO_ROLE_ADMIN) {
        return true;
    }
    json_array_foreach(groups, i, g)
    {
        names[i] = json_string_value(g);
    }
    return (roles & ORDO_ROLE_APPROVER) &&
           ordo_task_permits(doc, json_string_value(json_object_get(a->user, "login")),
                             json_string_value(json_object_get(a->user, "email")), names,
                             json_array_size(groups));
}

/* The decision against the task's ordo:form, with its defaults filled in:
 * false when the form wants more than "approved". */
static bool form_allows(const json_t *form, json_t *vars)
{
    struct ordo_schema *schema = NULL;
    json_t *defaults;
    bool ok;

    if (!json_is_object(form)) {
        return true;
    }
    ok = ordo_schema_load(form, &schema, NULL) == ORDO_OK &&
         ordo_schema_validate(schema, vars, NULL, NULL) == ORDO_OK;
    if (ok) {
        defaults = ordo_schema_defaults(schema);
        json_object_update_missing(vars, defaults);
        json_decref(defaults);
    }
    ordo_schema_free(schema);
    return ok;
}

/* The approval message, buttons gone, with who decided. */
static json_t *decided_input(struct approval *a, bool approved)
{
    const char *verdict = approved ? "Approved" : "Rejected";
    const char *who = ordo_arena_printf(a->arena, "%s by <@%s>", verdict, a->click.user_id);
    const json_t *first = json_array_get(json_object_get(a->click.message, "blocks"), 0);
    json_t *blocks = json_array();

    if (first &&
        strcmp(jstr(first, "type", NULL) ? jstr(first, "type", NULL) : "", "section") == 0) {
        json_array_append(blocks, (json_t *)first); /* the request as it was asked */
    }
    json_array_append_new(
        blocks,
        json_pack(
            "{s:s, s:[{s:s, s:s}]}", "type", "context", "elements", "type", "mrkdwn", "text",
            ordo_arena_printf(a->arena, "%s %s", approved ? ":white_check_mark:" : ":x:", who)));
    return json_pack("{s:s, s:s*, s:s, s:o}", "channel", a->click.channel, "ts",
                     a->click.message_ts, "text", who, "blocks", blocks);
}

/* Complete the task and queue the message's update, in one transaction. */
static enum ordo_code decide(struct approval *a, const json_t *doc, struct ordo_err *err)
{
    bool approved = strcmp(a->click.action_id, "approve") == 0;
    const char *login = json_string_value(json_object_get(a->user, "login"));
    json_t *vars = ordo_json_defer(a->arena, json_pack("{s:b}", "approved", approved));
    json_t *update = ordo_json_defer(a->arena, decided_input(a, approved));
    struct ordo_notify_job job = {.type = "slack.update_message",
                                  .instance_key = a->task.instance_key,
                                  .element_id = a->task.element_id,
                                  .input = update,
                                  .credential = a->task.credential};
    struct ordo_err why = {0};
    enum ordo_code rc;

    json_object_set_new(a->result, "user", json_string(login));
    if (!form_allows(json_object_get(doc, "form"), vars)) {
        const char *where =
            a->ctx->inbox_url
                ? ordo_arena_printf(a->arena, "%s%lld", a->ctx->inbox_url, (long long)a->task.key)
                : ordo_arena_printf(a->arena, "task %lld", (long long)a->task.key);

        set_outcome(a, "needs_inbox", "the task's form asks for more than the decision");
        return ephemeral(a, ordo_arena_printf(a->arena, "This task needs the web inbox: %s", where),
                         err);
    }
    if (!a->click.message_ts) {
        job.type = NULL; /* nothing to update: no message ts came with the click */
    }
    rc = ordo_store_complete_task_notify(a->st, a->task.key, vars,
                                         ordo_arena_printf(a->arena, "user:%s", login),
                                         job.type ? &job : NULL, &why);
    if (rc == ORDO_E_CONFLICT || rc == ORDO_E_NOTFOUND) {
        set_outcome(a, "already_decided", why.msg);
        return ephemeral(a, MSG_DECIDED, err);
    }
    if (rc != ORDO_OK) {
        return ordo_err_set(err, rc, "%s", why.msg);
    }
    set_outcome(a, approved ? "approved" : "rejected", NULL);
    return ORDO_OK;
}

/* Steps 2 to 4 of approval.h, for an open task. */
static enum ordo_code on_open_task(struct approval *a, struct ordo_err *err)
{
    struct ordo_err why = {0};
    json_t *doc = NULL;
    enum ordo_code rc = find_user(a, &why);

    if (rc == ORDO_E_AGAIN || rc == ORDO_E_INTERNAL) {
        return ordo_err_set(err, rc, "%s", why.msg);
    }
    if (rc != ORDO_OK) { /* nobody in Ordo is this Slack user */
        set_outcome(a, "refused", why.msg);
        return ephemeral(a, MSG_NOT_APPROVER, err);
    }
    rc = ordo_query_get_task(a->st, a->task.key, &doc, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_json_defer(a->arena, doc);
    if (!permitted(a, doc)) {
        json_object_set_new(a->result, "user",
                            json_object_get(a->user, "login")
                                ? json_copy(json_object_get(a->user, "login"))
                                : json_null());
        set_outcome(a, "refused", "not an approver of this task");
        return ephemeral(a, MSG_NOT_APPROVER, err);
    }
    return decide(a, doc, err);
}

static enum ordo_code handle(struct approval *a, const uint8_t *body, size_t len,
                             struct ordo_err *err)
{
    struct ordo_err why = {0};
    uint8_t hash[ORDO_SHA256_SIZE];
    enum ordo_code rc = ordo_approval_parse(body, len, a->arena, &a->click, &why);

    if (rc == ORDO_E_UNPROCESSABLE) {
        set_outcome(a, "ignored", why.msg);
        return ORDO_OK;
    }
    if (rc != ORDO_OK) {
        return ordo_err_set(err, rc, "%s", why.msg);
    }
    ordo_sha256(a->click.token, strlen(a->click.token), hash);
    rc = ordo_store_find_approval(a->st, hash, a->arena, &a->task, &why);
    if (rc == ORDO_E_NOTFOUND) {
        set_outcome(a, "unknown_token", NULL);
        return ephemeral(a, MSG_DECIDED, err);
    }
    if (rc != ORDO_OK) {
        return ordo_err_set(err, rc, "%s", why.msg);
    }
    json_object_set_new(a->result, "task",
                        json_string(ordo_arena_printf(a->arena, "%lld", (long long)a->task.key)));
    if (!a->task.open) {
        set_outcome(a, "already_decided", NULL);
        return ephemeral(a, MSG_DECIDED, err);
    }
    return on_open_task(a, err);
}

enum ordo_code ordo_approval_handle(void *ctx, struct ordo_store *st, const uint8_t *body,
                                    size_t len, json_t **result, int64_t *instance_key,
                                    struct ordo_err *err)
{
    static const struct ordo_approval_ctx none = {0};
    struct approval a = {.ctx = ctx ? ctx : &none, .st = st, .arena = ordo_arena_new()};
    enum ordo_code rc;

    a.result = json_object();
    rc = handle(&a, body, len, err);
    if (instance_key) {
        *instance_key = a.task.instance_key;
    }
    if (rc == ORDO_OK) {
        ordo_log(ORDO_LOG_INFO, "approval", "Slack approval handled",
                 ORDO_STR("outcome", json_string_value(json_object_get(a.result, "outcome"))),
                 ORDO_INT("task", a.task.key), ORDO_INT("instance_key", a.task.instance_key));
    }
    if (result) {
        *result = json_incref(a.result);
    }
    json_decref(a.result);
    ordo_arena_free(a.arena);
    return rc;
}
