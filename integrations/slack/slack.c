/*
 * integrations/slack/slack.c - the Slack connector (Web API, bot token).
 *
 * Credential: secret "bot_token" (xoxb-..., sent as a Bearer token);
 * configuration "base_url" (default https://slack.com/api; the sandbox
 * serves <url>/slack/api). Each action is one Web API method, POSTed as
 * JSON, or a GET with a query for the read methods that take no JSON
 * (users.info, users.lookupByEmail, conversations.list).
 *
 * Slack answers failures with HTTP 200 and {"ok":false,"error":CODE}, so
 * every answer's body is parsed before success is decided; slack_err.c
 * maps the codes (auth -> FAIL, ratelimited -> RETRY, others FAIL). A 429
 * never gets here: the host turns it into a RETRY with Retry-After.
 *
 * Calls are at least once. Creating a channel treats name_taken as "our
 * earlier attempt made it" and answers the existing channel; inviting
 * treats already_in_channel as success. Posting a message has no
 * idempotency key at Slack, so a retry after a timeout may post twice
 * (docs/connectors.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "integrations/common/conn.h"
#include "integrations/common/text.h"
#include "integrations/slack/slack_err.h"
#include "ordo/connector.h"

#define SLACK_DEFAULT_BASE "https://slack.com/api"
#define SLACK_PAGE_LIMIT   "200"
#define SLACK_MAX_PAGES    50 /* 10,000 channels: past that, give up looking */

static enum ordo_connector_result setup(struct ordo_conn *c)
{
    const char *token = ordo_conn_str(c->secret, "bot_token");

    if (!token) {
        return ordo_conn_fail(c->out, "the Slack credential has no bot_token");
    }
    ordo_conn_base_url(c, SLACK_DEFAULT_BASE);
    ordo_conn_bearer(c, token);
    ordo_conn_header(c, "Accept", "application/json");
    return ORDO_CONNECTOR_OK;
}

/* One Web API call. A 'query' makes it a GET; otherwise it is a POST of
 * 'body' (NULL: none). 'expected' lists error codes the caller handles
 * itself (NULL: none). */
struct slack_req {
    const char *method;
    const char *query;
    const json_t *body;
    const char *what; /* "post the Slack message" */
    const char *const *expected;
};

static bool is_listed(const char *const *list, const char *code)
{
    for (size_t i = 0; list && list[i]; i++) {
        if (strcmp(list[i], code) == 0) {
            return true;
        }
    }
    return false;
}

/* On OK '*doc' (owned by the caller) has "ok":true, or "ok":false with an
 * error code of r->expected. */
static enum ordo_connector_result slack_call(struct ordo_conn *c, const struct slack_req *r,
                                             json_t **doc)
{
    const char *url = r->query ? ordo_conn_printf(c, "%s/%s?%s", c->base, r->method, r->query)
                               : ordo_conn_printf(c, "%s/%s", c->base, r->method);
    enum ordo_connector_result rc = ordo_conn_send(c, r->query ? "GET" : "POST", url, r->body);
    const char *code;

    *doc = NULL;
    if (rc == ORDO_CONNECTOR_OK) {
        rc = ordo_conn_check(c, r->what);
    }
    if (rc == ORDO_CONNECTOR_OK) {
        rc = ordo_conn_parse(c, r->what, doc);
    }
    if (rc != ORDO_CONNECTOR_OK || json_is_true(json_object_get(*doc, "ok"))) {
        return rc;
    }
    code = json_string_value(json_object_get(*doc, "error"));
    if (code && is_listed(r->expected, code)) {
        return ORDO_CONNECTOR_OK;
    }
    rc = ordo_slack_error_outcome(*doc, r->what, ordo_conn_retry_after_ms(c), c->out);
    json_decref(*doc);
    *doc = NULL;
    return rc;
}

static const char *error_code(const json_t *doc)
{
    return json_is_true(json_object_get(doc, "ok"))
               ? NULL
               : json_string_value(json_object_get(doc, "error"));
}

/* {channel, ts} of a chat.* answer; takes 'doc'. */
static enum ordo_connector_result message_output(struct ordo_conn *c, json_t *doc)
{
    json_t *o = json_object();

    ordo_conn_out_member(o, "channel", doc, "channel");
    ordo_conn_out_member(o, "ts", doc, "ts");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

static enum ordo_connector_result post_message(struct ordo_conn *c)
{
    const char *text = ordo_conn_str(c->input, "text");
    json_t *blocks = json_object_get(c->input, "blocks");
    json_t *body;
    json_t *doc;
    enum ordo_connector_result rc;

    if (!text && !json_is_array(blocks)) {
        return ordo_conn_fail(c->out,
                              "could not post the Slack message: give text, blocks or both");
    }
    body = json_object();
    ordo_conn_opt_str(body, "channel", ordo_conn_str(c->input, "channel"));
    ordo_conn_opt_str(body, "text", text);
    if (json_is_array(blocks)) {
        (void)json_object_set(body, "blocks", blocks);
    }
    ordo_conn_opt_str(body, "thread_ts", ordo_conn_str(c->input, "thread_ts"));
    rc = slack_call(c,
                    &(struct slack_req){.method = "chat.postMessage",
                                        .body = body,
                                        .what = "post the Slack message"},
                    &doc);
    json_decref(body);
    return rc == ORDO_CONNECTOR_OK ? message_output(c, doc) : rc;
}

static enum ordo_connector_result update_message(struct ordo_conn *c)
{
    const char *text = ordo_conn_str(c->input, "text");
    json_t *blocks = json_object_get(c->input, "blocks");
    json_t *body;
    json_t *doc;
    enum ordo_connector_result rc;

    if (!text && !json_is_array(blocks)) {
        return ordo_conn_fail(c->out,
                              "could not update the Slack message: give text, blocks or both");
    }
    body = json_object();
    ordo_conn_opt_str(body, "channel", ordo_conn_str(c->input, "channel"));
    ordo_conn_opt_str(body, "ts", ordo_conn_str(c->input, "ts"));
    ordo_conn_opt_str(body, "text", text);
    if (json_is_array(blocks)) {
        (void)json_object_set(body, "blocks", blocks);
    }
    rc = slack_call(c,
                    &(struct slack_req){
                        .method = "chat.update", .body = body, .what = "update the Slack message"},
                    &doc);
    json_decref(body);
    return rc == ORDO_CONNECTOR_OK ? message_output(c, doc) : rc;
}

static enum ordo_connector_result post_ephemeral(struct ordo_conn *c)
{
    json_t *body = json_object();
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc;

    ordo_conn_opt_str(body, "channel", ordo_conn_str(c->input, "channel"));
    ordo_conn_opt_str(body, "user", ordo_conn_str(c->input, "user"));
    ordo_conn_opt_str(body, "text", ordo_conn_str(c->input, "text"));
    rc = slack_call(c,
                    &(struct slack_req){.method = "chat.postEphemeral",
                                        .body = body,
                                        .what = "post the ephemeral Slack message"},
                    &doc);
    json_decref(body);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_member(o, "message_ts", doc, "message_ts");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

/* conversations.list page by page until the channel 'name' shows up: on
 * OK, '*found' is a new reference to it, or NULL when no page has it. */
static enum ordo_connector_result find_channel(struct ordo_conn *c, const char *name,
                                               bool is_private, json_t **found)
{
    const char *cursor = NULL;

    *found = NULL;
    for (int page = 0; page < SLACK_MAX_PAGES; page++) {
        const char *query =
            ordo_conn_printf(c, "types=%s&exclude_archived=false&limit=" SLACK_PAGE_LIMIT "%s%s",
                             is_private ? "private_channel" : "public_channel",
                             cursor ? "&cursor=" : "", cursor ? ordo_conn_enc(c, cursor) : "");
        json_t *doc;
        const json_t *ch;
        enum ordo_connector_result rc;

        if (!ordo_conn_time_left(c, 1000)) {
            return ordo_conn_retry(c->out, 0,
                                   "could not find the existing Slack channel #%s in time", name);
        }
        rc = slack_call(c,
                        &(struct slack_req){.method = "conversations.list",
                                            .query = query,
                                            .what = "find the existing Slack channel"},
                        &doc);
        if (rc != ORDO_CONNECTOR_OK) {
            return rc;
        }
        ch = ordo_conn_find_named(json_object_get(doc, "channels"), "name", name);
        cursor = ordo_conn_str(json_object_get(doc, "response_metadata"), "next_cursor");
        cursor = cursor ? ordo_conn_keep(c, ordo_conn_xstrdup(cursor)) : NULL;
        *found = ch ? json_incref((json_t *)ch) : NULL;
        json_decref(doc);
        if (*found || !cursor) {
            break;
        }
    }
    return ORDO_CONNECTOR_OK;
}

static enum ordo_connector_result channel_output(struct ordo_conn *c, const json_t *ch,
                                                 bool created)
{
    json_t *o = json_object();

    ordo_conn_out_member(o, "channel_id", ch, "id");
    ordo_conn_out_member(o, "name", ch, "name");
    (void)json_object_set_new(o, "created", json_boolean(created));
    return ordo_conn_ok(c->out, o);
}

/* name_taken: most likely our own earlier attempt created it (calls are at
 * least once), so the existing channel is the answer. */
static enum ordo_connector_result existing_channel(struct ordo_conn *c, const char *name,
                                                   bool is_private)
{
    json_t *ch;
    enum ordo_connector_result rc = find_channel(c, name, is_private, &ch);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    if (!ch) {
        return ordo_conn_fail(c->out,
                              "could not create the Slack channel #%s: the name is taken by a "
                              "channel the app cannot see",
                              name);
    }
    if (json_is_true(json_object_get(ch, "is_archived"))) {
        json_decref(ch);
        return ordo_conn_fail(c->out,
                              "could not create the Slack channel #%s: an archived channel has "
                              "that name",
                              name);
    }
    rc = channel_output(c, ch, false);
    json_decref(ch);
    return rc;
}

static enum ordo_connector_result create_channel(struct ordo_conn *c)
{
    static const char *const expected[] = {"name_taken", NULL};
    const char *name = ordo_conn_str_or(c->input, "name", "");
    bool is_private = ordo_conn_bool(c->input, "is_private", false);
    json_t *body;
    json_t *doc;
    enum ordo_connector_result rc;

    if (*name == '#') {
        name++;
    }
    body = json_pack("{s:s, s:b}", "name", name, "is_private", is_private);
    rc = slack_call(c,
                    &(struct slack_req){.method = "conversations.create",
                                        .body = body,
                                        .what = "create the Slack channel",
                                        .expected = expected},
                    &doc);
    json_decref(body);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    if (error_code(doc)) { /* name_taken */
        json_decref(doc);
        return existing_channel(c, name, is_private);
    }
    rc = channel_output(c, json_object_get(doc, "channel"), true);
    json_decref(doc);
    return rc;
}

static enum ordo_connector_result invite_to_channel(struct ordo_conn *c)
{
    static const char *const expected[] = {"already_in_channel", NULL};
    const char *channel = ordo_conn_str_or(c->input, "channel", "");
    json_t *users = ordo_conn_split_list(ordo_conn_str(c->input, "users"));
    const char *ids = ordo_conn_keep(c, ordo_conn_join_list(users, ","));
    json_t *body;
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc;

    json_decref(users);
    if (*ids == '\0') {
        return ordo_conn_fail(c->out, "could not invite to the Slack channel: no user ids given");
    }
    body = json_pack("{s:s, s:s}", "channel", channel, "users", ids);
    rc = slack_call(c,
                    &(struct slack_req){.method = "conversations.invite",
                                        .body = body,
                                        .what = "invite to the Slack channel",
                                        .expected = expected},
                    &doc);
    json_decref(body);
    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_str(o, "channel", channel);
    (void)json_object_set_new(o, "already_in_channel", json_boolean(error_code(doc) != NULL));
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

/* The flat user record of users.info and users.lookupByEmail; takes 'doc'. */
static enum ordo_connector_result user_output(struct ordo_conn *c, json_t *doc)
{
    const json_t *user = json_object_get(doc, "user");
    const json_t *profile = json_object_get(user, "profile");
    const char *real_name = json_string_value(json_object_get(user, "real_name"));
    json_t *o = json_object();

    if (!real_name) {
        real_name = json_string_value(json_object_get(profile, "real_name"));
    }
    ordo_conn_out_member(o, "id", user, "id");
    ordo_conn_out_member(o, "name", user, "name");
    ordo_conn_out_str(o, "real_name", real_name);
    ordo_conn_out_member(o, "email", profile, "email");
    (void)json_object_set_new(o, "deleted",
                              json_boolean(json_is_true(json_object_get(user, "deleted"))));
    ordo_conn_out_member(o, "tz", user, "tz");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

static enum ordo_connector_result get_user(struct ordo_conn *c)
{
    const char *query =
        ordo_conn_printf(c, "user=%s", ordo_conn_enc(c, ordo_conn_str(c->input, "user")));
    json_t *doc;
    enum ordo_connector_result rc = slack_call(
        c,
        &(struct slack_req){.method = "users.info", .query = query, .what = "get the Slack user"},
        &doc);

    return rc == ORDO_CONNECTOR_OK ? user_output(c, doc) : rc;
}

static enum ordo_connector_result lookup_user_by_email(struct ordo_conn *c)
{
    static const char *const expected[] = {"users_not_found", NULL};
    const char *email = ordo_conn_str_or(c->input, "email", "");
    const char *query = ordo_conn_printf(c, "email=%s", ordo_conn_enc(c, email));
    json_t *doc;
    enum ordo_connector_result rc = slack_call(c,
                                               &(struct slack_req){.method = "users.lookupByEmail",
                                                                   .query = query,
                                                                   .what = "look up the Slack user",
                                                                   .expected = expected},
                                               &doc);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    if (error_code(doc)) { /* users_not_found: a new hire may not have joined yet */
        json_decref(doc);
        return ordo_conn_bpmn_error(c->out, "slack_user_not_found",
                                    "no Slack user has the e-mail address %s", email);
    }
    return user_output(c, doc);
}

static json_t *button(const char *action_id, const char *label, const char *style,
                      const char *token)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:b}, s:s, s:s}", "type", "button", "action_id",
                     action_id, "text", "type", "plain_text", "text", label, "emoji", 1, "style",
                     style, "value", token);
}

/* A section with the request, then an actions block with the two buttons
 * the Slack interactivity hook expects (CONTRACTS §14): action_id
 * "approve" and "reject", each carrying the engine's single-use token. */
static json_t *approval_blocks(const char *title, const char *text, const char *token,
                               const char *approve, const char *reject)
{
    size_t n = strlen(title ? title : "") + strlen(text) + 4;
    char *mrkdwn = ordo_conn_xmalloc(n);
    json_t *blocks;

    if (title) {
        (void)snprintf(mrkdwn, n, "*%s*\n%s", title, text);
    } else {
        (void)snprintf(mrkdwn, n, "%s", text);
    }
    blocks = json_pack("[{s:s, s:{s:s, s:s}}, {s:s, s:s, s:[o, o]}]", "type", "section", "text",
                       "type", "mrkdwn", "text", mrkdwn, "type", "actions", "block_id",
                       "ordo_approval", "elements", button("approve", approve, "primary", token),
                       button("reject", reject, "danger", token));
    free(mrkdwn);
    return blocks;
}

static enum ordo_connector_result post_approval(struct ordo_conn *c)
{
    const char *title = ordo_conn_str(c->input, "title");
    const char *text = ordo_conn_str_or(c->input, "text", "");
    json_t *blocks = approval_blocks(title, text, ordo_conn_str_or(c->input, "token", ""),
                                     ordo_conn_str_or(c->input, "approve_label", "Approve"),
                                     ordo_conn_str_or(c->input, "reject_label", "Reject"));
    json_t *body;
    json_t *doc;
    enum ordo_connector_result rc;

    if (!blocks) {
        return ordo_conn_fail(c->out, "could not build the Slack approval message");
    }
    /* 'text' is the notification's fallback when blocks are shown. */
    body = json_pack("{s:s, s:s, s:o}", "channel", ordo_conn_str_or(c->input, "channel", ""),
                     "text", title ? title : text, "blocks", blocks);
    rc = slack_call(c,
                    &(struct slack_req){.method = "chat.postMessage",
                                        .body = body,
                                        .what = "post the Slack approval request"},
                    &doc);
    json_decref(body);
    return rc == ORDO_CONNECTOR_OK ? message_output(c, doc) : rc;
}

static enum ordo_connector_result auth_test(struct ordo_conn *c)
{
    json_t *doc;
    json_t *o;
    enum ordo_connector_result rc = slack_call(
        c, &(struct slack_req){.method = "auth.test", .what = "check the Slack token"}, &doc);

    if (rc != ORDO_CONNECTOR_OK) {
        return rc;
    }
    o = json_object();
    ordo_conn_out_member(o, "team", doc, "team");
    ordo_conn_out_member(o, "team_id", doc, "team_id");
    ordo_conn_out_member(o, "user", doc, "user");
    ordo_conn_out_member(o, "user_id", doc, "user_id");
    json_decref(doc);
    return ordo_conn_ok(c->out, o);
}

ORDO_CONN_INVOKE(setup, post_message)
ORDO_CONN_INVOKE(setup, update_message)
ORDO_CONN_INVOKE(setup, post_ephemeral)
ORDO_CONN_INVOKE(setup, create_channel)
ORDO_CONN_INVOKE(setup, invite_to_channel)
ORDO_CONN_INVOKE(setup, get_user)
ORDO_CONN_INVOKE(setup, lookup_user_by_email)
ORDO_CONN_INVOKE(setup, post_approval)
ORDO_CONN_INVOKE(setup, auth_test)

/* The descriptor. */

static const char *const kw_post_message[] = {"slack",  "message", "post", "send",
                                              "notify", "chat",    NULL};
static const char *const kw_update_message[] = {"slack", "message", "update", "edit", NULL};
static const char *const kw_post_ephemeral[] = {"slack",   "ephemeral", "private",
                                                "message", "notify",    NULL};
static const char *const kw_create_channel[] = {"slack", "channel", "create", "conversation", NULL};
static const char *const kw_invite[] = {"slack", "channel", "invite", "add", "member", NULL};
static const char *const kw_get_user[] = {"slack", "user", "profile", "get", NULL};
static const char *const kw_lookup[] = {"slack", "user", "email", "lookup", "find", NULL};
static const char *const kw_approval[] = {"slack",   "approval", "approve", "reject",
                                          "buttons", "decision", NULL};
static const char *const err_user_not_found[] = {"slack_user_not_found", NULL};

static const char user_output_schema[] = ORDO_CONN_JSON({
    "type" : "object",
    "properties" : {
        "id" : {"type" : "string", "description" : "Slack user ID (U0123ABC)"},
        "name" : {"type" : "string", "description" : "the handle"},
        "real_name" : {"type" : [ "string", "null" ]},
        "email" : {"type" : [ "string", "null" ], "description" : "needs scope users:read.email"},
        "deleted" : {"type" : "boolean", "description" : "true for a deactivated account"},
        "tz" : {"type" : [ "string", "null" ], "description" : "IANA time zone"}
    }
});

static const char message_output_schema[] = ORDO_CONN_JSON({
    "type" : "object",
    "properties" : {
        "channel" : {"type" : "string", "description" : "the channel ID"},
        "ts" : {"type" : "string", "description" : "the message's timestamp, its ID in the channel"}
    }
});

static const struct ordo_connector_action slack_actions[] = {
    {
        .id = "slack.post_message",
        .title = "Post a message",
        .description = "Posts a message to a Slack channel, or as a reply in a thread. Give text, "
                       "Block Kit blocks, or both (the text is then the notification fallback).",
        .keywords = kw_post_message,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "channel" : {
                    "type" : "string",
                    "title" : "Channel",
                    "description" : "channel ID (C0123ABC), or the name of a public channel"
                },
                "text" : {"type" : "string", "title" : "Text", "description" : "mrkdwn text"},
                "blocks" : {
                    "type" : "array",
                    "title" : "Blocks",
                    "description" : "Block Kit blocks (a JSON array)"
                },
                "thread_ts" : {
                    "type" : "string",
                    "title" : "Thread",
                    "description" : "ts of the parent message, to reply in its thread"
                }
            },
            "required" : ["channel"],
            "additionalProperties" : false
        }),
        .output_schema = message_output_schema,
        .timeout_ms = 30000,
        .invoke = post_message_cb,
    },
    {
        .id = "slack.update_message",
        .title = "Update a message",
        .description = "Replaces the text or blocks of a message the app posted earlier, for "
                       "example to remove the buttons of an answered approval request.",
        .keywords = kw_update_message,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "channel" : {
                    "type" : "string",
                    "title" : "Channel",
                    "description" : "channel ID (C0123ABC), or the name of a public channel"
                },
                "ts" : {
                    "type" : "string",
                    "title" : "Message ts",
                    "description" : "the ts returned when the message was posted"
                },
                "text" : {"type" : "string", "title" : "Text"},
                "blocks" : {"type" : "array", "title" : "Blocks"}
            },
            "required" : [ "channel", "ts" ],
            "additionalProperties" : false
        }),
        .output_schema = message_output_schema,
        .timeout_ms = 30000,
        .invoke = update_message_cb,
    },
    {
        .id = "slack.post_ephemeral",
        .title = "Post an ephemeral message",
        .description = "Shows a message to one user in a channel (\"only visible to you\"), for "
                       "example to tell someone they may not approve a request.",
        .keywords = kw_post_ephemeral,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "channel" : {
                    "type" : "string",
                    "title" : "Channel",
                    "description" : "channel ID (C0123ABC), or the name of a public channel"
                },
                "user" : {"type" : "string", "title" : "User", "description" : "Slack user ID"},
                "text" : {"type" : "string", "title" : "Text"}
            },
            "required" : [ "channel", "user", "text" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON(
            {"type" : "object", "properties" : {"message_ts" : {"type" : "string"}}}),
        .timeout_ms = 30000,
        .invoke = post_ephemeral_cb,
    },
    {
        .id = "slack.create_channel",
        .title = "Create a channel",
        .description = "Creates a public or private Slack channel. If the name is taken by a "
                       "channel the app can see, that channel is returned (created false), so a "
                       "retry does not fail.",
        .keywords = kw_create_channel,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "name" : {
                    "type" : "string",
                    "title" : "Name",
                    "description" : "lower case letters, digits, - and _, at most 80 characters"
                },
                "is_private" : {"type" : "boolean", "title" : "Private", "default" : false}
            },
            "required" : ["name"],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "channel_id" : {"type" : "string"},
                "name" : {"type" : "string"},
                "created" : {
                    "type" : "boolean",
                    "description" : "false when an existing channel was returned"
                }
            }
        }),
        .timeout_ms = 60000,
        .invoke = create_channel_cb,
    },
    {
        .id = "slack.invite_to_channel",
        .title = "Invite users to a channel",
        .description = "Adds users to a channel the app is a member of. Users already in the "
                       "channel count as success.",
        .keywords = kw_invite,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "channel" : {"type" : "string", "title" : "Channel", "description" : "channel ID"},
                "users" : {
                    "type" : "string",
                    "title" : "Users",
                    "description" : "comma-separated Slack user IDs (U01,U02), at most 1000"
                }
            },
            "required" : [ "channel", "users" ],
            "additionalProperties" : false
        }),
        .output_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" :
                {"channel" : {"type" : "string"}, "already_in_channel" : {"type" : "boolean"}}
        }),
        .timeout_ms = 30000,
        .invoke = invite_to_channel_cb,
    },
    {
        .id = "slack.get_user",
        .title = "Get a user",
        .description = "Reads a Slack user's profile by user ID: handle, real name, e-mail, "
                       "time zone and whether the account is deactivated.",
        .keywords = kw_get_user,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" :
                {"user" : {"type" : "string", "title" : "User", "description" : "Slack user ID"}},
            "required" : ["user"],
            "additionalProperties" : false
        }),
        .output_schema = user_output_schema,
        .timeout_ms = 30000,
        .invoke = get_user_cb,
    },
    {
        .id = "slack.lookup_user_by_email",
        .title = "Find a user by e-mail",
        .description = "Finds the Slack user with an e-mail address. Raises the BPMN error "
                       "slack_user_not_found when nobody has it yet (a new hire who has not "
                       "joined), which a process can catch to wait and try again.",
        .keywords = kw_lookup,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {"email" : {"type" : "string", "format" : "email", "title" : "E-mail"}},
            "required" : ["email"],
            "additionalProperties" : false
        }),
        .output_schema = user_output_schema,
        .bpmn_errors = err_user_not_found,
        .timeout_ms = 30000,
        .invoke = lookup_user_by_email_cb,
    },
    {
        .id = "slack.post_approval",
        .title = "Ask for an approval",
        .description = "Posts an approval request with Approve and Reject buttons. The engine "
                       "uses it for user tasks with ordo:notify; the buttons carry its "
                       "single-use token and clicks come back through the Slack hook.",
        .keywords = kw_approval,
        .input_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "channel" : {
                    "type" : "string",
                    "title" : "Channel",
                    "description" : "channel ID (C0123ABC), or the name of a public channel"
                },
                "text" : {
                    "type" : "string",
                    "title" : "Request",
                    "description" : "what is to be approved (mrkdwn)"
                },
                "token" : {
                    "type" : "string",
                    "title" : "Token",
                    "description" : "the engine's single-use approval token"
                },
                "title" : {"type" : "string", "title" : "Title"},
                "approve_label" :
                    {"type" : "string", "title" : "Approve label", "default" : "Approve"},
                "reject_label" : {"type" : "string", "title" : "Reject label", "default" : "Reject"}
            },
            "required" : [ "channel", "text", "token" ],
            "additionalProperties" : false
        }),
        .output_schema = message_output_schema,
        .timeout_ms = 30000,
        .invoke = post_approval_cb,
    },
};

static const char *const slack_keywords[] = {"slack",   "chat",     "message",
                                             "channel", "approval", NULL};

ORDO_CONNECTOR_DEFINE(
        .name = "slack", .version = "1.0.0", .title = "Slack",
        .description = "Post and update messages, ask for approvals with buttons, create channels, "
                       "invite people and look up users in a Slack workspace (Web API, bot token).",
        .keywords = slack_keywords,
        .config_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "base_url" : {
                    "type" : "string",
                    "title" : "API base URL",
                    "description" : "default https://slack.com/api; for proxies and the sandbox"
                }
            },
            "additionalProperties" : false
        }),
        .credential_schema = ORDO_CONN_JSON({
            "type" : "object",
            "properties" : {
                "bot_token" : {
                    "type" : "string",
                    "title" : "Bot token",
                    "description" : "xoxb-... of the Slack app installed in the workspace"
                }
            },
            "required" : ["bot_token"],
            "additionalProperties" : false
        }),
        .test_credentials = auth_test_cb, .actions = slack_actions,
        .nactions = sizeof(slack_actions) / sizeof(slack_actions[0]), .max_concurrency = 0,
        .init = ordo_conn_init, .fini = NULL);
