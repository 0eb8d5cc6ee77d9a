/*
 * tests/integration/test_approvals.c - Slack approvals end to end below the /hooks route: a
 * real `ordo serve` (httptest) whose executor runs the notify jobs with the real Slack plugin
 * against bin/ordo-sandbox, and ordo_approval_handle() called in this process on the server's
 * database with crafted Slack interactivity bodies, its slack.get_user call going through a
 * plugin host of this process (server/approval_call.c) to the same sandbox.
 *
 * The sandbox and the server are shared by the tests of the file (an unchecked fixture); each
 * test starts its own instance of the process "approve" (one user task, ordo:notify
 * "slack:=channel", assignee "=who"), waits for the approval request in the sandbox's calls
 * and reads the token off its buttons.
 *
 * Users: mgr (maria@acme.example: the sandbox's U001 "maria", approver, not linked, so the
 * first click finds her by email), dana (dana@acme.example, linked to U002, viewer only) and
 * zed (approver, no Slack account).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "base/crypto.h"
#include "base/httpc.h"
#include "base/vault.h"
#include "core/identity.h"
#include "core/store.h"
#include "plugins/host.h"
#include "plugins/registry.h"
#include "server/approval_call.h"
#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"
#include "tests/integration/sandboxtest.h"
#include "tests/unit/check_main.h"
#include "webhooks/approval.h"

#define ADMIN   HTTPTEST_ADMIN_KEY
#define WAIT_MS 20000

static struct sandboxtest sb;
static struct httptest srv;

/* Per test (checked fixture: in the test's own process). */
static struct ordo_defcache *cache;
static struct ordo_store *st;
static struct ordo_vault *vault;
static struct ordo_plugin_host *host;
static struct ordo_registry *reg;
static struct ordo_approval_ctx actx;
static PGconn *db;

/* clang-format off */
static const char process_xml[] =
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' "
    "xmlns:zeebe='http://camunda.org/schema/zeebe/1.0' xmlns:ordo='urn:ordo:schema:bpmn:1.0' "
    "id='D' targetNamespace='urn:test'>\n"
    "<bpmn:process id='approve' name='Laptop request' isExecutable='true'>\n"
    "<bpmn:startEvent id='S'/>\n"
    "<bpmn:sequenceFlow id='F1' sourceRef='S' targetRef='T'/>\n"
    "<bpmn:userTask id='T' name='Approve the laptop' ordo:notify='slack:=channel'>"
    "<bpmn:extensionElements><zeebe:assignmentDefinition assignee='=who'/>"
    "</bpmn:extensionElements></bpmn:userTask>\n"
    "<bpmn:sequenceFlow id='F2' sourceRef='T' targetRef='E'/>\n"
    "<bpmn:endEvent id='E'/>\n"
    "</bpmn:process>\n"
    "</bpmn:definitions>\n";
/* clang-format on */

/* ---- helpers -------------------------------------------------------------------------------- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long api(const char *method, const char *path, const char *json, json_t **out)
{
    struct httptest_resp r;
    long status;

    httptest_json(&srv, method, path, ADMIN, json, &r);
    status = r.status;
    if (out) {
        *out = json_incref(r.json);
    }
    httptest_resp_free(&r);
    return status;
}

/* The first cell of 'sql' (with one text parameter, may be NULL), malloc'ed; NULL for no row or
 * a NULL value. */
static char *cell(const char *sql, const char *param)
{
    const char *p[1] = {param};
    PGresult *res = PQexecParams(db, sql, param ? 1 : 0, NULL, param ? p : NULL, NULL, NULL, 0);
    char *v = NULL;

    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        v = strdup(PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    return v;
}

static void assert_cell(const char *sql, const char *param, const char *want)
{
    char *v = cell(sql, param);

    ck_assert_msg(v && strcmp(v, want) == 0, "%s [%s]: %s, want %s", sql, param ? param : "",
                  v ? v : "NULL", want);
    free(v);
}

/* The parsed body of the first recorded Slack call to 'method' whose body contains 'needle'
 * (a new reference), or NULL. */
static json_t *find_call(const char *method, const char *needle)
{
    json_t *calls = sandboxtest_calls(&sb, "service=slack");
    json_t *found = NULL;
    char path[128];
    size_t i;
    json_t *c;

    (void)snprintf(path, sizeof path, "/slack/api/%s", method);
    json_array_foreach(calls, i, c)
    {
        const char *text = json_string_value(json_object_get(c, "body"));

        if (!found && strcmp(json_string_value(json_object_get(c, "path")), path) == 0 && text &&
            strstr(text, needle)) {
            found = json_loads(text, 0, NULL);
            ck_assert_ptr_nonnull(found);
        }
    }
    json_decref(calls);
    return found;
}

/* find_call(), waiting for it. */
static void wait_call(const char *method, const char *needle, json_t **body)
{
    int64_t until = now_ms() + WAIT_MS;

    while (!(*body = find_call(method, needle))) {
        ck_assert_msg(now_ms() < until, "no %s call with %s", method, needle);
        sleep_ms(50);
    }
}

static bool has_call(const char *method, const char *needle)
{
    json_t *body = find_call(method, needle);

    json_decref(body);
    return body != NULL;
}

/* One approval request: the instance, its task and the token on the buttons. */
struct asked {
    char instance[32];
    char task[32];
    char token[64];
    char ts[64];
};

static void ask(const char *who, struct asked *out)
{
    char body[256], needle[96];
    json_t *res = NULL, *msg = NULL;
    const json_t *buttons;
    int64_t until = now_ms() + WAIT_MS;
    char *task = NULL;

    memset(out, 0, sizeof *out);
    (void)snprintf(
        body, sizeof body,
        "{\"processId\":\"approve\",\"variables\":{\"channel\":\"C001\",\"who\":\"%s\"}}", who);
    ck_assert_int_eq(api("POST", "/api/instances", body, &res), 201);
    (void)snprintf(out->instance, sizeof out->instance, "%s",
                   json_string_value(json_object_get(res, "key")));
    json_decref(res);
    while (!(
        task = cell("SELECT key FROM user_task WHERE instance_key = $1::bigint", out->instance))) {
        ck_assert_msg(now_ms() < until, "no user task");
        sleep_ms(20);
    }
    (void)snprintf(out->task, sizeof out->task, "%s", task);
    free(task);
    (void)snprintf(needle, sizeof needle, "*Instance:* %s", out->instance);
    wait_call("chat.postMessage", needle, &msg);
    buttons = json_object_get(json_array_get(json_object_get(msg, "blocks"), 1), "elements");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(buttons, 0), "action_id")),
                     "approve");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(buttons, 1), "action_id")),
                     "reject");
    (void)snprintf(out->token, sizeof out->token, "%s",
                   json_string_value(json_object_get(json_array_get(buttons, 0), "value")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(buttons, 1), "value")),
                     out->token);
    json_decref(msg);
    /* The job is done: where the message went is kept on the task. */
    until = now_ms() + WAIT_MS;
    while (!(task = cell("SELECT approval_message::json->>'ts' FROM user_task WHERE key = "
                         "$1::bigint",
                         out->task))) {
        ck_assert_msg(now_ms() < until, "no approval_message");
        sleep_ms(20);
    }
    (void)snprintf(out->ts, sizeof out->ts, "%s", task);
    free(task);
}

/* 'json' as application/x-www-form-urlencoded "payload=...", malloc'ed. */
static char *form(const char *json)
{
    size_t n = strlen(json);
    char *out = malloc(8 + n * 3 + 1);
    char *w = out;

    ck_assert_ptr_nonnull(out);
    memcpy(w, "payload=", 8);
    w += 8;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)json[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.') {
            *w++ = (char)c;
        } else if (c == ' ') {
            *w++ = '+';
        } else {
            w += snprintf(w, 4, "%%%02X", c);
        }
    }
    *w = '\0';
    return out;
}

/* A click of 'user' on button 'action' carrying 'token'; the outcome (malloc'ed). */
static char *click(const char *user, const char *action, const char *token, const char *ts,
                   int64_t *instance_key)
{
    json_t *p = json_pack("{s:s, s:{s:s, s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:[{s:s, s:s}]},"
                          " s:[{s:s, s:s, s:s, s:s}], s:s}",
                          "type", "block_actions", "user", "id", user, "username", "someone",
                          "channel", "id", "C001", "container", "type", "message", "message_ts", ts,
                          "message", "ts", ts, "blocks", "type", "section", "block_id", "request",
                          "actions", "block_id", "ordo_approval", "action_id", action, "value",
                          token, "type", "button", "trigger_id", "1.2.3");
    char *text = json_dumps(p, JSON_COMPACT);
    char *body = form(text);
    json_t *result = NULL;
    struct ordo_err err = {0};
    char *outcome;
    int64_t ik = 0;

    ck_assert_msg(ordo_approval_handle(&actx, st, (const uint8_t *)body, strlen(body), &result, &ik,
                                       &err) == ORDO_OK,
                  "%s", err.msg);
    outcome = strdup(json_string_value(json_object_get(result, "outcome")));
    if (instance_key) {
        *instance_key = ik;
    }
    json_decref(result);
    json_decref(p);
    free(text);
    free(body);
    return outcome;
}

static void assert_click(const char *user, const char *action, const char *token, const char *ts,
                         const char *want)
{
    char *got = click(user, action, token, ts, NULL);

    ck_assert_msg(strcmp(got, want) == 0, "outcome %s, want %s", got, want);
    free(got);
}

/* ---- fixtures ------------------------------------------------------------------------------- */

static int64_t user(PGconn *c, const char *login, const char *email, const char *slack,
                    unsigned roles)
{
    struct ordo_user_new u = {.login = login, .email = email, .slack_user_id = slack};
    struct ordo_err err = {0};
    int64_t key = 0;

    ck_assert_msg(ordo_identity_user_create(c, &u, "test", &key, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_identity_role_grant(c, ORDO_GRANTEE_USER, key, roles, "test", &err) ==
                      ORDO_OK,
                  "%s", err.msg);
    return key;
}

static void setup_all(void)
{
    static const char *const env[] = {"ORDO_HTTP_ALLOW=127.0.0.1/32", "ORDO_HTTP_SCHEME=any", NULL};
    struct ordo_err err = {0};
    struct httptest_resp r;
    char body[512];
    PGconn *c;

    sandboxtest_start(&sb, NULL);
    httptest_start(&srv, "approvals", env);
    (void)snprintf(body, sizeof body,
                   "{\"config\":{\"base_url\":\"%s/slack/"
                   "api\"},\"secret\":{\"bot_token\":\"" SANDBOXTEST_SLACK_TOKEN "\"}}",
                   sb.url);
    ck_assert_int_le(api("PUT", "/api/credentials/slack/default", body, NULL), 201);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", process_xml,
                     strlen(process_xml), NULL, &r);
    ck_assert_msg(r.status == 201 || r.status == 200, "deploy: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    ck_assert_msg(ordo_crypto_init(&err) == ORDO_OK, "%s", err.msg);
    c = httptest_db(&srv);
    (void)user(c, "mgr", "Maria@acme.example", NULL, ORDO_ROLE_APPROVER);
    (void)user(c, "dana", "dana@acme.example", "U002", ORDO_ROLE_VIEWER);
    (void)user(c, "zed", "zed@acme.example", NULL, ORDO_ROLE_APPROVER);
    PQfinish(c);
}

static void teardown_all(void)
{
    httptest_stop(&srv);
    sandboxtest_cleanup(&sb);
}

/* The connectors of the build tree, beside the ordo binary. */
static const char *plugin_dir(void)
{
    static char dir[1024];
    const char *bin = getenv("ORDOTEST_BIN");
    const char *slash = bin ? strrchr(bin, '/') : NULL;

    ck_assert_ptr_nonnull(slash);
    (void)snprintf(dir, sizeof dir, "%.*s/../lib/ordo/connectors", (int)(slash - bin), bin);
    return dir;
}

static void setup(void)
{
    static const char *const allow[] = {"127.0.0.1/32"};
    struct ordo_httpc_policy http = {.allow = allow, .nallow = 1};
    struct ordo_plugin_host_options hopts = {.conninfo = pgtest_conninfo(srv.db, PGTEST_APP),
                                             .http = &http};
    struct ordo_err err = {0};

    db = httptest_db(&srv);
    cache = ordo_defcache_new(NULL);
    ck_assert_msg(ordo_store_open(pgtest_conninfo(srv.db, PGTEST_APP), cache, "approvals-test", &st,
                                  &err) == ORDO_OK,
                  "%s", err.msg);
    ck_assert_msg(ordo_vault_open(HTTPTEST_MASTER_KEY, NULL, false, &vault, &err) == ORDO_OK, "%s",
                  err.msg);
    hopts.vault = vault;
    ck_assert_msg(ordo_plugin_host_new(&hopts, &host, &err) == ORDO_OK, "%s", err.msg);
    ck_assert_msg(ordo_registry_open(plugin_dir(), ordo_plugin_host_table(host), &reg, &err) ==
                      ORDO_OK,
                  "%s", err.msg);
    ordo_plugin_host_attach(host, reg);
    ordo_server_approval_ctx(&actx, host, NULL);
}

static void teardown(void)
{
    ordo_store_close(st);
    ordo_defcache_free(cache);
    ordo_registry_free(reg);
    ordo_plugin_host_free(host);
    ordo_vault_free(vault);
    PQfinish(db);
}

/* ---- tests ---------------------------------------------------------------------------------- */

START_TEST(task_with_notify_posts_buttons_carrying_its_token)
{
    struct asked a;
    char hash[ORDO_SHA256_HEX_SIZE];

    ask("mgr", &a);
    ordo_sha256_hex(a.token, strlen(a.token), hash);
    assert_cell("SELECT encode(approval_token, 'hex') FROM user_task WHERE key = $1::bigint",
                a.task, hash);
    ck_assert_uint_eq(strlen(a.token), 43); /* 32 bytes, base64url without padding */
    /* The notify job is gone once done; its result never reached the instance. */
    assert_cell("SELECT count(*) FROM job WHERE kind = 'notify' AND instance_key = $1::bigint",
                a.instance, "0");
    assert_cell("SELECT state FROM user_task WHERE key = $1::bigint", a.task, "created");
}
END_TEST

START_TEST(approve_by_a_user_found_by_email_completes_and_updates_the_message)
{
    struct asked a;
    json_t *update = NULL;
    int64_t ik = 0;
    char *outcome, *text;

    ask("mgr", &a);
    outcome = click("U001", "approve", a.token, a.ts, &ik);
    ck_assert_str_eq(outcome, "approved");
    free(outcome);
    ck_assert_int_eq(ik, strtoll(a.instance, NULL, 10));
    assert_cell("SELECT state FROM user_task WHERE key = $1::bigint", a.task, "completed");
    assert_cell("SELECT result::json->>'approved' FROM user_task WHERE key = $1::bigint", a.task,
                "true");
    assert_cell("SELECT completed_by FROM user_task WHERE key = $1::bigint", a.task, "user:mgr");
    /* users.info gave maria's email; mgr (any case) is linked to U001 from now on. */
    assert_cell("SELECT slack_user_id FROM app_user WHERE login = $1", "mgr", "U001");
    wait_call("chat.update", a.ts, &update);
    ck_assert_str_eq(json_string_value(json_object_get(update, "channel")), "C001");
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(update, "text")), "Approved by <@U001>"));
    text = json_dumps(update, 0);
    ck_assert_ptr_null(strstr(text, "\"actions\"")); /* the buttons are gone */
    free(text);
    json_decref(update);
    assert_cell("SELECT status FROM instance WHERE key = $1::bigint", a.instance, "completed");
}
END_TEST

START_TEST(reject_completes_with_approved_false)
{
    struct asked a;
    json_t *update = NULL;

    ask("mgr", &a);
    assert_click("U001", "reject", a.token, a.ts, "rejected");
    assert_cell("SELECT result::json->>'approved' FROM user_task WHERE key = $1::bigint", a.task,
                "false");
    wait_call("chat.update", a.ts, &update);
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(update, "text")), "Rejected by <@U001>"));
    json_decref(update);
}
END_TEST

START_TEST(anything_but_approve_is_a_reject)
{
    struct asked a;

    ask("mgr", &a);
    assert_click("U001", "maybe", a.token, a.ts, "rejected");
    assert_cell("SELECT result::json->>'approved' FROM user_task WHERE key = $1::bigint", a.task,
                "false");
}
END_TEST

START_TEST(user_without_approver_role_is_refused_and_the_token_stays_valid)
{
    struct asked a;
    json_t *eph = NULL;
    struct ordo_err err = {0};
    int64_t dana = 0;

    ask("dana", &a);
    assert_click("U002", "approve", a.token, a.ts, "refused");
    assert_cell("SELECT state FROM user_task WHERE key = $1::bigint", a.task, "created");
    wait_call("chat.postEphemeral", "You are not an approver of this task", &eph);
    ck_assert_str_eq(json_string_value(json_object_get(eph, "user")), "U002");
    ck_assert_str_eq(json_string_value(json_object_get(eph, "channel")), "C001");
    json_decref(eph);
    /* Once dana may approve, the same token works. */
    ck_assert_int_eq(ordo_identity_user_find(db, "dana", &dana, &err), ORDO_OK);
    ck_assert_int_eq(
        ordo_identity_role_grant(db, ORDO_GRANTEE_USER, dana, ORDO_ROLE_APPROVER, "test", &err),
        ORDO_OK);
    assert_click("U002", "approve", a.token, a.ts, "approved");
    assert_cell("SELECT completed_by FROM user_task WHERE key = $1::bigint", a.task, "user:dana");
    ck_assert_int_eq(
        ordo_identity_role_revoke(db, ORDO_GRANTEE_USER, dana, ORDO_ROLE_APPROVER, "test", &err),
        ORDO_OK);
}
END_TEST

START_TEST(approver_who_is_not_the_assignee_is_refused)
{
    struct asked a;

    ask("zed", &a);
    assert_click("U001", "approve", a.token, a.ts, "refused");
    assert_cell("SELECT state FROM user_task WHERE key = $1::bigint", a.task, "created");
    ck_assert(!has_call("chat.update", a.ts));
    assert_cell("SELECT count(*) FROM job WHERE kind = 'notify' AND type = 'slack.post_ephemeral'"
                " AND instance_key = $1::bigint AND due_at = 'infinity'",
                a.instance, "0");
}
END_TEST

START_TEST(slack_user_unknown_to_ordo_is_refused)
{
    struct asked a;

    ask("mgr", &a);
    assert_click("U0BOT", "approve", a.token, a.ts, "refused");
    assert_cell("SELECT state FROM user_task WHERE key = $1::bigint", a.task, "created");
}
END_TEST

/* A second Slack account with the email of a user linked to another one
 * (another workspace, an external guest) does not act as that user. */
START_TEST(second_slack_account_of_a_linked_user_is_refused)
{
    struct asked a;
    PGresult *res;

    ask("mgr", &a);
    res = PQexec(db, "UPDATE app_user SET slack_user_id = 'U999' WHERE login = 'mgr'");
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    assert_click("U001", "approve", a.token, a.ts, "refused"); /* U001 has maria's email */
    assert_cell("SELECT state FROM user_task WHERE key = $1::bigint", a.task, "created");
    assert_cell("SELECT slack_user_id FROM app_user WHERE login = $1", "mgr", "U999");
    res = PQexec(db, "UPDATE app_user SET slack_user_id = NULL WHERE login = 'mgr'");
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    assert_click("U001", "approve", a.token, a.ts, "approved"); /* unlinked: the email links */
}
END_TEST

START_TEST(replayed_token_after_completion_changes_nothing)
{
    struct asked a;
    char *before, *after;
    json_t *eph = NULL;

    ask("mgr", &a);
    assert_click("U001", "approve", a.token, a.ts, "approved");
    before = cell("SELECT result || completed_by || ended_at::text FROM user_task WHERE key = "
                  "$1::bigint",
                  a.task);
    assert_click("U001", "reject", a.token, a.ts, "already_decided");
    after = cell("SELECT result || completed_by || ended_at::text FROM user_task WHERE key = "
                 "$1::bigint",
                 a.task);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    wait_call("chat.postEphemeral", "This request was already decided.", &eph);
    json_decref(eph);
}
END_TEST

START_TEST(token_matching_nothing_is_already_decided)
{
    int64_t ik = -1;
    char *outcome = click("U001", "approve", "not-a-token-of-ordo", "1.000", &ik);

    ck_assert_str_eq(outcome, "unknown_token");
    ck_assert_int_eq(ik, 0);
    free(outcome);
}
END_TEST

START_TEST(bodies_that_are_no_click_are_refused_or_ignored)
{
    static const char bad[] = "payload=%ZZ";
    static const char other[] = "payload=%7B%22type%22%3A%22view_submission%22%7D";
    json_t *result = NULL;
    struct ordo_err err = {0};

    ck_assert_int_eq(
        ordo_approval_handle(&actx, st, (const uint8_t *)bad, strlen(bad), &result, NULL, &err),
        ORDO_E_INVAL);
    json_decref(result);
    result = NULL;
    ck_assert_int_eq(
        ordo_approval_handle(&actx, st, (const uint8_t *)other, strlen(other), &result, NULL, &err),
        ORDO_OK);
    ck_assert_str_eq(json_string_value(json_object_get(result, "outcome")), "ignored");
    json_decref(result);
}
END_TEST

/* Start an instance with 'vars'; its key in 'out'. */
static void start_with(const char *vars, char *out, size_t size)
{
    char body[256];
    json_t *res = NULL;

    (void)snprintf(body, sizeof body, "{\"processId\":\"approve\",\"variables\":%s}", vars);
    ck_assert_int_eq(api("POST", "/api/instances", body, &res), 201);
    (void)snprintf(out, size, "%s", json_string_value(json_object_get(res, "key")));
    json_decref(res);
}

START_TEST(target_feel_that_fails_sends_nothing_and_the_task_waits)
{
    char inst[32];

    start_with("{\"who\":\"mgr\",\"channel\":null}", inst, sizeof inst);
    assert_cell("SELECT state FROM user_task WHERE instance_key = $1::bigint", inst, "created");
    assert_cell("SELECT count(*) FROM job WHERE instance_key = $1::bigint", inst, "0");
    assert_cell("SELECT count(*) FROM user_task WHERE instance_key = $1::bigint AND "
                "approval_token IS NULL",
                inst, "1");
    assert_cell("SELECT count(*) FROM incident WHERE instance_key = $1::bigint", inst, "0");
    assert_cell("SELECT count(*) FROM audit WHERE instance_key = $1::bigint AND action = "
                "'task.notify_failed'",
                inst, "1");
}
END_TEST

START_TEST(notification_that_fails_is_parked_with_its_error_and_no_incident)
{
    char inst[32];
    char *err = NULL;
    int64_t until = now_ms() + WAIT_MS;

    start_with("{\"who\":\"mgr\",\"channel\":\"C999\"}", inst, sizeof inst);
    while (!(err = cell("SELECT last_error FROM job WHERE kind = 'notify' AND instance_key = "
                        "$1::bigint AND due_at = 'infinity'",
                        inst))) {
        ck_assert_msg(now_ms() < until, "the failed notification was not parked");
        sleep_ms(50);
    }
    ck_assert_msg(strstr(err, "channel_not_found") != NULL, "last_error: %s", err);
    free(err);
    /* A parked request keeps no usable token at rest; the task holds only its hash. */
    assert_cell("SELECT count(*) FROM job WHERE kind = 'notify' AND instance_key = $1::bigint "
                "AND payload::jsonb ? 'token'",
                inst, "0");
    assert_cell("SELECT state FROM user_task WHERE instance_key = $1::bigint", inst, "created");
    assert_cell("SELECT count(*) FROM incident WHERE instance_key = $1::bigint", inst, "0");
    assert_cell("SELECT status FROM instance WHERE key = $1::bigint", inst, "active");
}
END_TEST

START_TEST(notification_of_a_task_that_ended_is_dropped)
{
    char inst[32];
    char *job = NULL;
    int64_t until = now_ms() + WAIT_MS;

    start_with("{\"who\":\"mgr\",\"channel\":\"C999\"}", inst, sizeof inst);
    while (!(job = cell("SELECT key FROM job WHERE kind = 'notify' AND instance_key = "
                        "$1::bigint AND due_at = 'infinity'",
                        inst))) {
        ck_assert_msg(now_ms() < until, "the failed notification was not parked");
        sleep_ms(50);
    }
    {
        char path[96];

        (void)snprintf(path, sizeof path, "/api/instances/%s/cancel", inst);
        ck_assert_int_lt(api("POST", path, NULL, NULL), 300);
    }
    /* Made due again: the executor finds its task canceled and deletes it unrun. */
    free(cell("UPDATE job SET due_at = now() WHERE key = $1::bigint RETURNING key", job));
    until = now_ms() + WAIT_MS;
    for (char *left; (left = cell("SELECT key FROM job WHERE key = $1::bigint", job)) != NULL;) {
        free(left);
        ck_assert_msg(now_ms() < until, "the notification of a canceled task stayed");
        sleep_ms(50);
    }
    free(job);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("approvals");
    TCase *tc = tcase_create("slack");

    tcase_add_unchecked_fixture(tc, setup_all, teardown_all);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, task_with_notify_posts_buttons_carrying_its_token);
    tcase_add_test(tc, approve_by_a_user_found_by_email_completes_and_updates_the_message);
    tcase_add_test(tc, reject_completes_with_approved_false);
    tcase_add_test(tc, anything_but_approve_is_a_reject);
    tcase_add_test(tc, user_without_approver_role_is_refused_and_the_token_stays_valid);
    tcase_add_test(tc, approver_who_is_not_the_assignee_is_refused);
    tcase_add_test(tc, slack_user_unknown_to_ordo_is_refused);
    tcase_add_test(tc, second_slack_account_of_a_linked_user_is_refused);
    tcase_add_test(tc, replayed_token_after_completion_changes_nothing);
    tcase_add_test(tc, token_matching_nothing_is_already_decided);
    tcase_add_test(tc, bodies_that_are_no_click_are_refused_or_ignored);
    tcase_add_test(tc, target_feel_that_fails_sends_nothing_and_the_task_waits);
    tcase_add_test(tc, notification_that_fails_is_parked_with_its_error_and_no_incident);
    tcase_add_test(tc, notification_of_a_task_that_ended_is_dropped);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
