/*
 * tests/fakes/slack.c - the Slack Web API stand-in: /slack/api/<method> (saas-apis.md §1).
 *
 * Like Slack: arguments come from the query, a JSON body or a form body (the body wins); the
 * bot token must come as "Authorization: Bearer xoxb-..." (a token argument is not accepted:
 * Ordo never sends one); every refusal is HTTP 200 with {"ok":false,"error":"<code>"}, except
 * an unknown method (404, as Slack answers it). A rate-limit fault is 429 with Retry-After and
 * {"ok":false,"error":"ratelimited"}.
 *
 * Message timestamps are unique and deterministic: "1700000000.000100", "1700000000.000200", ...
 * so tests can predict them after a reset.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "tests/fakes/sandbox.h"

#define NAME_MAX_LEN  80
#define LIST_DEFAULT  100
#define LIST_MAX      1000
#define CURSOR_PREFIX "offset:"

typedef void method_fn(struct ordo_sandbox_req *req, json_t *slack, json_t *args);

static void fail(struct ordo_sandbox_req *req, const char *code)
{
    ordo_sandbox_reply_json(req, 200, json_pack("{s:b, s:s}", "ok", 0, "error", code));
}

/* {"ok":true, ...body}: "ok" first, as Slack writes it. 'body' is taken over. */
static void ok(struct ordo_sandbox_req *req, json_t *body)
{
    json_t *out = json_pack("{s:b}", "ok", 1);

    (void)json_object_update(out, body);
    json_decref(body);
    ordo_sandbox_reply_json(req, 200, out);
}

/* A string argument, or NULL (also for "" and for non-strings). */
static const char *arg(const json_t *args, const char *name)
{
    const char *v = ordo_sandbox_str(args, name);

    return v && v[0] ? v : NULL;
}

static bool arg_true(const json_t *args, const char *name)
{
    json_t *v = json_object_get(args, name);

    return json_is_true(v) || ordo_streq(json_string_value(v), "true") ||
           ordo_streq(json_string_value(v), "1");
}

static const char *bot_user(const json_t *slack)
{
    return ordo_sandbox_str(json_object_get(slack, "bot"), "user_id");
}

/* A channel by id, or by name with or without '#'. */
static json_t *find_channel(const json_t *slack, const char *ref)
{
    json_t *channels = json_object_get(slack, "channels");
    json_t *ch = ordo_sandbox_find(channels, "id", ref);

    if (!ch && ref) {
        ch = ordo_sandbox_find(channels, "name", ref[0] == '#' ? ref + 1 : ref);
    }
    return ch;
}

static bool is_member(const json_t *channel, const char *user)
{
    size_t i;
    json_t *m;

    json_array_foreach(json_object_get(channel, "members"), i, m)
    {
        if (ordo_streq(json_string_value(m), user)) {
            return true;
        }
    }
    return false;
}

static json_t *channel_view(const json_t *slack, const json_t *ch)
{
    const char *name = ordo_sandbox_str(ch, "name");
    bool private = json_is_true(json_object_get(ch, "is_private"));

    return json_pack("{s:s?, s:s?, s:s?, s:b, s:b, s:b, s:b, s:b, s:b, s:O?, s:s?, s:b, s:i}", "id",
                     ordo_sandbox_str(ch, "id"), "name", name, "name_normalized", name,
                     "is_channel", !private, "is_group", 0, "is_im", 0, "is_private", private,
                     "is_archived", 0, "is_general", ordo_streq(name, "general"), "created",
                     json_object_get(ch, "created"), "creator", ordo_sandbox_str(ch, "creator"),
                     "is_member", is_member(ch, bot_user(slack)), "num_members",
                     (int)json_array_size(json_object_get(ch, "members")));
}

/* "1700000000.000100" and on: unique per message, the same after every reset. */
static char *next_ts(struct ordo_sandbox_req *req, json_t *slack)
{
    json_int_t n = ordo_sandbox_next(slack, "next_ts", 1);

    return ordo_arena_printf(req->arena, "%lld.%06lld", 1700000000LL + (long long)(n / 10000),
                             (long long)(n % 10000) * 100);
}

/* The "blocks" argument: an array, or (from a form) its JSON text; '*bad' when neither. */
static json_t *blocks_arg(struct ordo_sandbox_req *req, const json_t *args, bool *bad)
{
    json_t *b = json_object_get(args, "blocks");

    *bad = false;
    if (json_is_string(b)) {
        b = ordo_json_defer(req->arena, json_loads(json_string_value(b), 0, NULL));
    }
    if (b && !json_is_array(b)) {
        *bad = true;
        return NULL;
    }
    return json_array_size(b) ? b : NULL;
}

static void post_message_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    json_t *ch = find_channel(slack, arg(args, "channel"));
    const char *text = arg(args, "text");
    const char *thread = arg(args, "thread_ts");
    bool bad;
    json_t *blocks = blocks_arg(req, args, &bad), *msg;
    char *ts;

    if (!ch) {
        fail(req, "channel_not_found");
        return;
    }
    if (bad) {
        fail(req, "invalid_blocks");
        return;
    }
    if (!text && !blocks && !json_object_get(args, "attachments")) {
        fail(req, "no_text");
        return;
    }
    ts = next_ts(req, slack);
    msg = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s*, s:O*, s:s*}", "type", "message", "text",
                    text ? text : "", "user", bot_user(slack), "ts", ts, "channel",
                    ordo_sandbox_str(ch, "id"), "bot_id",
                    ordo_sandbox_str(json_object_get(slack, "bot"), "bot_id"), "blocks", blocks,
                    "thread_ts", thread);
    (void)json_array_append_new(json_object_get(slack, "messages"), json_deep_copy(msg));
    (void)json_object_del(msg, "channel"); /* the answer's message has none */
    ok(req, json_pack("{s:s?, s:s, s:o}", "channel", ordo_sandbox_str(ch, "id"), "ts", ts,
                      "message", msg));
}

static void update_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    json_t *ch = find_channel(slack, arg(args, "channel"));
    const char *ts = arg(args, "ts");
    const char *text = arg(args, "text");
    json_t *msg = NULL, *m, *blocks;
    bool bad;
    size_t i;

    json_array_foreach(json_object_get(slack, "messages"), i, m)
    {
        if (ch && ordo_streq(ordo_sandbox_str(m, "channel"), ordo_sandbox_str(ch, "id")) &&
            ordo_streq(ordo_sandbox_str(m, "ts"), ts)) {
            msg = m;
        }
    }
    blocks = blocks_arg(req, args, &bad);
    if (!ch || !msg) {
        fail(req, !ch ? "channel_not_found" : "message_not_found");
        return;
    }
    if (bad || (!text && !blocks && !json_object_get(args, "attachments"))) {
        fail(req, bad ? "invalid_blocks" : "no_text");
        return;
    }
    (void)json_object_set_new(msg, "text", json_string(text ? text : ""));
    if (blocks) {
        (void)json_object_set(msg, "blocks", blocks);
    }
    (void)json_object_set_new(msg, "edited", json_pack("{s:s?}", "user", bot_user(slack)));
    ok(req, json_pack("{s:s?, s:s, s:s, s:{s:s, s:O*}}", "channel", ordo_sandbox_str(ch, "id"),
                      "ts", ts, "text", text ? text : "", "message", "text", text ? text : "",
                      "blocks", json_object_get(msg, "blocks")));
}

static void post_ephemeral_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    json_t *ch = find_channel(slack, arg(args, "channel"));
    const char *user = arg(args, "user");
    bool bad;
    json_t *blocks = blocks_arg(req, args, &bad);
    char *ts;

    if (!ch) {
        fail(req, "channel_not_found");
    } else if (!ordo_sandbox_find(json_object_get(slack, "users"), "id", user)) {
        fail(req, "user_not_found");
    } else if (!is_member(ch, user)) {
        fail(req, "user_not_in_channel");
    } else if (bad || (!arg(args, "text") && !blocks)) {
        fail(req, bad ? "invalid_blocks" : "no_text");
    } else {
        ts = next_ts(req, slack);
        (void)json_array_append_new(
            json_object_get(slack, "ephemeral"),
            json_pack("{s:s?, s:s, s:s, s:s*, s:O*}", "channel", ordo_sandbox_str(ch, "id"), "user",
                      user, "message_ts", ts, "text", arg(args, "text"), "blocks", blocks));
        ok(req, json_pack("{s:s}", "message_ts", ts));
    }
}

/* Slack's channel-name rule: lower-case letters, digits, '-' and '_', at most 80 characters. */
static const char *name_problem(const char *name)
{
    if (!name) {
        return "invalid_name_required";
    }
    if (strlen(name) > NAME_MAX_LEN) {
        return "invalid_name_maxlength";
    }
    for (const char *p = name; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || ordo_is_digit(*p) || *p == '-' || *p == '_')) {
            return "invalid_name_specials";
        }
    }
    return NULL;
}

static void create_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    const char *name = arg(args, "name");
    const char *problem = name_problem(name);
    json_t *ch;

    if (problem) {
        fail(req, problem);
        return;
    }
    if (ordo_sandbox_find(json_object_get(slack, "channels"), "name", name)) {
        fail(req, "name_taken");
        return;
    }
    ch = json_pack("{s:s, s:s, s:b, s:I, s:s?, s:[s?]}", "id",
                   ordo_arena_printf(req->arena, "C%03lld",
                                     (long long)ordo_sandbox_next(slack, "next_channel", 3)),
                   "name", name, "is_private", arg_true(args, "is_private"), "created",
                   (json_int_t)(ordo_clock_wall_ms() / 1000), "creator", bot_user(slack), "members",
                   bot_user(slack));
    (void)json_array_append_new(json_object_get(slack, "channels"), ch);
    ok(req, json_pack("{s:o}", "channel", channel_view(slack, ch)));
}

/* The "users" argument as an array of ids: a comma-separated string or a JSON array. */
static json_t *user_list(struct ordo_sandbox_req *req, const json_t *args)
{
    json_t *v = json_object_get(args, "users");
    json_t *out = ordo_json_defer(req->arena, json_array());
    const char *s = json_string_value(v);
    size_t i;
    json_t *u;

    if (json_is_array(v)) {
        json_array_foreach(v, i, u)
        {
            (void)json_array_append(out, u);
        }
        return out;
    }
    while (s && *s) {
        size_t n = strcspn(s, ",");

        if (n > 0) {
            (void)json_array_append_new(out, json_stringn(s, n));
        }
        s += n + (s[n] == ',');
    }
    return out;
}

/* Why none of 'users' can be invited, or NULL. */
static const char *invite_problem(const json_t *slack, const json_t *ch, const json_t *users)
{
    size_t i, already = 0;
    json_t *u;

    if (json_array_size(users) == 0) {
        return "no_user";
    }
    json_array_foreach(users, i, u)
    {
        json_t *user =
            ordo_sandbox_find(json_object_get(slack, "users"), "id", json_string_value(u));

        if (!user || json_is_true(json_object_get(user, "deleted"))) {
            return "user_not_found";
        }
        if (ordo_streq(json_string_value(u), bot_user(slack))) {
            return "cant_invite_self";
        }
        already += is_member(ch, json_string_value(u));
    }
    return already == json_array_size(users) ? "already_in_channel" : NULL;
}

static void invite_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    json_t *ch = ordo_sandbox_find(json_object_get(slack, "channels"), "id", arg(args, "channel"));
    json_t *users = user_list(req, args), *u;
    const char *problem = NULL;
    size_t i;

    if (!ch) {
        problem = "channel_not_found";
    } else if (!is_member(ch, bot_user(slack))) {
        problem = "not_in_channel";
    } else {
        problem = invite_problem(slack, ch, users);
    }
    if (problem) {
        fail(req, problem);
        return;
    }
    json_array_foreach(users, i, u)
    {
        if (!is_member(ch, json_string_value(u))) {
            (void)json_array_append(json_object_get(ch, "members"), u);
        }
    }
    ok(req, json_pack("{s:o}", "channel", channel_view(slack, ch)));
}

static void users_info_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    json_t *user = ordo_sandbox_find(json_object_get(slack, "users"), "id", arg(args, "user"));

    if (!user) {
        fail(req, "user_not_found");
        return;
    }
    ok(req, json_pack("{s:O}", "user", user));
}

static void lookup_by_email_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    const char *email = arg(args, "email");
    size_t i;
    json_t *user;

    if (!email) {
        fail(req, "invalid_arguments");
        return;
    }
    json_array_foreach(json_object_get(slack, "users"), i, user)
    {
        const char *have = ordo_sandbox_str(json_object_get(user, "profile"), "email");

        if (have && strcasecmp(have, email) == 0) {
            ok(req, json_pack("{s:O}", "user", user));
            return;
        }
    }
    fail(req, "users_not_found");
}

static void auth_test_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    json_t *team = json_object_get(slack, "team");
    json_t *bot = json_object_get(slack, "bot");

    (void)args;
    ok(req,
       json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}", "url",
                 ordo_arena_printf(req->arena, "%s/slack/", req->base_url), "team",
                 ordo_sandbox_str(team, "name"), "user", ordo_sandbox_str(bot, "name"), "team_id",
                 ordo_sandbox_str(team, "id"), "user_id", ordo_sandbox_str(bot, "user_id"),
                 "bot_id", ordo_sandbox_str(bot, "bot_id"), "is_enterprise_install", 0));
}

/* The offset a cursor stands for: base64 of "offset:N"; -1 when it is not one of ours. */
static int64_t cursor_offset(struct ordo_sandbox_req *req, const char *cursor)
{
    char *text = cursor ? ordo_sandbox_unbase64(req->arena, cursor, NULL) : NULL;

    if (!cursor) {
        return 0;
    }
    if (!text || strncmp(text, CURSOR_PREFIX, strlen(CURSOR_PREFIX)) != 0) {
        return -1;
    }
    return ordo_sandbox_parse_count(text + strlen(CURSOR_PREFIX), 1);
}

static void list_cb(struct ordo_sandbox_req *req, json_t *slack, json_t *args)
{
    const char *limit_text = arg(args, "limit");
    int64_t limit = limit_text ? ordo_sandbox_parse_count(limit_text, 1) : LIST_DEFAULT;
    int64_t at = cursor_offset(req, arg(args, "cursor"));
    json_t *all = json_object_get(slack, "channels"), *page = json_array();
    const char *next = "";

    if (json_is_integer(json_object_get(args, "limit"))) {
        limit = json_integer_value(json_object_get(args, "limit"));
    }
    if (limit < 1 || limit > LIST_MAX || at < 0 || (size_t)at > json_array_size(all)) {
        json_decref(page);
        fail(req, at < 0 || (size_t)at > json_array_size(all) ? "invalid_cursor" : "invalid_limit");
        return;
    }
    for (size_t i = (size_t)at; i < json_array_size(all) && i < (size_t)(at + limit); i++) {
        (void)json_array_append_new(page, channel_view(slack, json_array_get(all, i)));
    }
    if ((size_t)(at + limit) < json_array_size(all)) {
        const char *raw =
            ordo_arena_printf(req->arena, CURSOR_PREFIX "%lld", (long long)at + (long long)limit);

        next = ordo_sandbox_base64(req->arena, raw, strlen(raw));
    }
    ok(req,
       json_pack("{s:o, s:{s:s}}", "channels", page, "response_metadata", "next_cursor", next));
}

static const struct {
    const char *name;
    method_fn *fn;
} methods[] = {
    {"chat.postMessage", post_message_cb},
    {"chat.update", update_cb},
    {"chat.postEphemeral", post_ephemeral_cb},
    {"conversations.create", create_cb},
    {"conversations.invite", invite_cb},
    {"conversations.list", list_cb},
    {"users.info", users_info_cb},
    {"users.lookupByEmail", lookup_by_email_cb},
    {"auth.test", auth_test_cb},
};

/* The call's arguments: the query, then the body's (JSON object or form) over them; NULL with
 * Slack's error code in '*why' when the body cannot be read. */
static json_t *call_args(struct ordo_sandbox_req *req, const char **why)
{
    json_t *args = ordo_sandbox_query_object(req), *body;

    if (req->body_len == 0) {
        return args;
    }
    if (ordo_sandbox_content_type_is(req, "application/json")) {
        body = ordo_sandbox_body_json(req);
        if (!json_is_object(body)) {
            *why = "invalid_json";
            return NULL;
        }
        (void)json_object_update(args, body);
        return args;
    }
    if (ordo_sandbox_content_type_is(req, "application/x-www-form-urlencoded")) {
        body = ordo_json_defer(req->arena, ordo_sandbox_form_parse(req->body, req->body_len));
        if (!body) {
            *why = "invalid_form_data";
            return NULL;
        }
        (void)json_object_update(args, body);
        return args;
    }
    *why = "invalid_form_data";
    return NULL;
}

static bool slack_auth(struct ordo_sandbox_req *req, json_t *state)
{
    const char *h = ordo_sandbox_header(req, "Authorization");
    const char *token = ordo_sandbox_str(json_object_get(state, "credentials"), "slack_bot_token");

    return h && token && strncasecmp(h, "Bearer ", 7) == 0 && strcmp(h + 7, token) == 0;
}

static void slack_handle(struct ordo_sandbox_req *req, json_t *state)
{
    const char *method = strncmp(req->rel, "/api/", 5) == 0 ? req->rel + 5 : NULL;
    const char *why = NULL;
    json_t *args;

    for (size_t i = 0; method && i < sizeof methods / sizeof methods[0]; i++) {
        if (strcmp(methods[i].name, method) != 0) {
            continue;
        }
        if (!req->auth_ok) {
            fail(req, ordo_sandbox_header(req, "Authorization") ? "invalid_auth" : "not_authed");
            return;
        }
        args = call_args(req, &why);
        if (!args) {
            fail(req, why);
            return;
        }
        methods[i].fn(req, json_object_get(state, "slack"), args);
        return;
    }
    ordo_sandbox_reply_json(req, 404,
                            json_pack("{s:b, s:s, s:s?}", "ok", 0, "error", "unknown_method",
                                      "req_method",
                                      method ? ordo_utf8_repair(req->arena, method) : NULL));
}

static void slack_fault(struct ordo_sandbox_req *req, int status)
{
    const char *code = status == 429   ? "ratelimited"
                       : status >= 500 ? "fatal_error"
                                       : "request_failed";

    ordo_sandbox_reply_json(req, status, json_pack("{s:b, s:s}", "ok", 0, "error", code));
}

const struct ordo_sandbox_service ordo_sandbox_slack = {
    .name = "slack",
    .prefix = "/slack",
    .auth = slack_auth,
    .handle = slack_handle,
    .fault = slack_fault,
};
