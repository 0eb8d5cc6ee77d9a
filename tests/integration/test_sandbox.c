/*
 * tests/integration/test_sandbox.c - ordo-sandbox over loopback: each test starts the program
 * (--port 0 --ready-file in a temporary folder), talks to it with libcurl as a connector
 * would, and stops it with SIGTERM, asserting a clean exit.
 *
 * Per service: the success shapes, the refusal of a bad credential, the error shapes,
 * pagination; then the control API: faults (429 with Retry-After, delays), the recorded calls
 * (never an Authorization value), reset, the state file; and the signed BambooHR webhook the
 * sandbox sends, checked by a receiver here that recomputes the HMAC. No PostgreSQL is involved.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <microhttpd.h>

#include "tests/integration/httptest.h"
#include "tests/integration/sandboxtest.h"

extern char **environ;

#define SLACK_AUTH  "Authorization: Bearer xoxb-sandbox-token"
#define JIRA_AUTH   "Authorization: Basic b3BzQGFjbWUuZXhhbXBsZTpzYW5kYm94LWppcmEtdG9rZW4="
#define GITHUB_AUTH "Authorization: Bearer ghp_sandbox_token"
#define BAMBOO_AUTH "Authorization: Basic c2FuZGJveC1iYW1ib29oci1rZXk6eA==" /* key:x */
#define GH_ACCEPT   "Accept: application/vnd.github+json"
#define GH_VERSION  "X-GitHub-Api-Version: 2022-11-28"
#define JSON_ACCEPT "Accept: application/json"
#define BAMBOO_API  "/bamboohr/api/gateway.php/acme/v1"

/* ---- the program ----------------------------------------------------------------------------- */

static struct sandboxtest sb;
static char state_file[128]; /* in the sandbox's folder */

static void setup(void)
{
    memset(&sb, 0, sizeof sb);
    sandboxtest_start(&sb, NULL);
    (void)snprintf(state_file, sizeof state_file, "%s/state.json", sb.dir);
}

static void stop(void)
{
    sandboxtest_stop(&sb);
}

static void teardown(void)
{
    sandboxtest_cleanup(&sb);
}

/* ---- requests -------------------------------------------------------------------------------- */

/* One request; 'h1'..'h3' are whole header lines or NULL. */
static void call(const char *method, const char *path, const char *type, const char *body,
                 const char *h1, const char *h2, const char *h3, struct httptest_resp *r)
{
    const char *headers[4] = {h1, NULL, NULL, NULL};

    if (h1) {
        headers[1] = h2;
        headers[2] = h2 ? h3 : NULL;
    }
    httptest_request(&sb.t, method, path, NULL, type, body, body ? strlen(body) : 0,
                     h1 ? headers : NULL, r);
}

static void slack(const char *method, const char *json, struct httptest_resp *r)
{
    char path[128];

    (void)snprintf(path, sizeof path, "/slack/api/%s", method);
    call("POST", path, "application/json; charset=utf-8", json, SLACK_AUTH, NULL, NULL, r);
}

static void jira(const char *method, const char *path, const char *json, struct httptest_resp *r)
{
    char full[256];

    (void)snprintf(full, sizeof full, "/jira/rest/api/3%s", path);
    call(method, full, json ? "application/json" : NULL, json, JIRA_AUTH, JSON_ACCEPT, NULL, r);
}

static void github(const char *method, const char *path, const char *json, struct httptest_resp *r)
{
    char full[256];

    (void)snprintf(full, sizeof full, "/github%s", path);
    call(method, full, json ? "application/json" : NULL, json, GITHUB_AUTH, GH_ACCEPT, GH_VERSION,
         r);
}

static void bamboo(const char *method, const char *path, const char *json, struct httptest_resp *r)
{
    char full[256];

    (void)snprintf(full, sizeof full, BAMBOO_API "%s", path);
    call(method, full, json ? "application/json" : NULL, json, BAMBOO_AUTH, JSON_ACCEPT, NULL, r);
}

static void control(const char *method, const char *path, const char *json, struct httptest_resp *r)
{
    sandboxtest_control(&sb, method, path, json, r);
}

/* The value at a dotted path ("message.text", "issues.0.id") of 'root', or NULL. */
static json_t *at(json_t *root, const char *path)
{
    char part[64];

    while (root && *path) {
        size_t n = strcspn(path, ".");
        char *end;
        long idx;

        (void)snprintf(part, sizeof part, "%.*s", (int)n, path);
        idx = strtol(part, &end, 10);
        root = json_is_array(root) && *end == '\0' ? json_array_get(root, (size_t)idx)
                                                   : json_object_get(root, part);
        path += n + (path[n] == '.');
    }
    return root;
}

static const char *str(struct httptest_resp *r, const char *path)
{
    return json_string_value(at(r->json, path));
}

static void expect_slack_error(const char *method, const char *json, const char *code)
{
    struct httptest_resp r;

    slack(method, json, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(json_is_false(at(r.json, "ok")), "%s: %s", method, r.body);
    ck_assert_pstr_eq(str(&r, "error"), code);
    httptest_resp_free(&r);
}

/* ---- the program ----------------------------------------------------------------------------- */

START_TEST(announces_url_on_stdout_and_in_ready_file)
{
    struct httptest_resp r;
    json_t *ready = json_load_file(sb.ready, 0, NULL);

    ck_assert_ptr_nonnull(ready);
    ck_assert_int_eq(json_integer_value(json_object_get(ready, "pid")), sb.pid);
    ck_assert_pstr_eq(json_string_value(json_object_get(ready, "url")), sb.t.url);
    ck_assert_int_eq(strncmp(sb.t.url, "http://127.0.0.1:", 17), 0);
    json_decref(ready);
    control("GET", "/_sandbox/health", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "status"), "ok");
    ck_assert(json_is_true(at(r.json, "sandbox")));
    httptest_resp_free(&r);
    stop();
    ck_assert_int_ne(access(sb.ready, F_OK), 0); /* removed on a clean stop */
}
END_TEST

START_TEST(unknown_paths_are_404_and_other_hosts_421)
{
    struct httptest_resp r;

    control("GET", "/nothing/here", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
    control("GET", "/_sandbox/nothing", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
    control("GET", "/", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "Nothing here reaches the real services"));
    httptest_resp_free(&r);
    /* a page that reached the loopback port under its own name (DNS rebinding) */
    call("GET", "/_sandbox/state", NULL, NULL, "Host: attacker.example:80", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 421);
    httptest_resp_free(&r);
    call("GET", "/slack/api/auth.test", NULL, NULL, SLACK_AUTH, "Host: localhost.example", NULL,
         &r);
    ck_assert_int_eq(r.status, 421);
    httptest_resp_free(&r);
    call("GET", "/slack/api/auth.test", NULL, NULL, SLACK_AUTH, "Host: localhost:1", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    httptest_resp_free(&r);
}
END_TEST

/* ---- Slack ----------------------------------------------------------------------------------- */

START_TEST(slack_post_message_answers_channel_ts_and_message)
{
    struct httptest_resp r;

    slack("chat.postMessage", "{\"channel\":\"#general\",\"text\":\"Welcome Nora\"}", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_true(at(r.json, "ok")));
    ck_assert_pstr_eq(str(&r, "channel"), "C001");
    ck_assert_pstr_eq(str(&r, "ts"), "1700000000.000100");
    ck_assert_pstr_eq(str(&r, "message.text"), "Welcome Nora");
    ck_assert_pstr_eq(str(&r, "message.ts"), "1700000000.000100");
    httptest_resp_free(&r);
    slack("chat.postMessage",
          "{\"channel\":\"C002\",\"text\":\"fallback\",\"blocks\":[{\"type\":\"section\","
          "\"text\":{\"type\":\"mrkdwn\",\"text\":\"*hi*\"}}]}",
          &r);
    ck_assert_pstr_eq(str(&r, "ts"), "1700000000.000200"); /* unique */
    ck_assert_pstr_eq(str(&r, "message.blocks.0.type"), "section");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(slack_refuses_missing_token_as_not_authed_and_wrong_as_invalid_auth)
{
    struct httptest_resp r;

    call("POST", "/slack/api/auth.test", NULL, NULL, NULL, NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert(json_is_false(at(r.json, "ok")));
    ck_assert_pstr_eq(str(&r, "error"), "not_authed");
    httptest_resp_free(&r);
    call("POST", "/slack/api/auth.test", NULL, NULL, "Authorization: Bearer xoxb-wrong", NULL, NULL,
         &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "error"), "invalid_auth");
    httptest_resp_free(&r);
    slack("auth.test", NULL, &r);
    ck_assert(json_is_true(at(r.json, "ok")));
    ck_assert_pstr_eq(str(&r, "team"), "Acme");
    ck_assert_pstr_eq(str(&r, "team_id"), "T0ACME");
    ck_assert_pstr_eq(str(&r, "user_id"), "U0BOT");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(slack_error_codes_are_ok_false_with_http_200)
{
    char body[128];

    expect_slack_error("chat.postMessage", "{\"channel\":\"C999\",\"text\":\"x\"}",
                       "channel_not_found");
    expect_slack_error("chat.postMessage", "{\"channel\":\"C001\"}", "no_text");
    expect_slack_error("chat.update", "{\"channel\":\"C001\",\"ts\":\"1.2\",\"text\":\"x\"}",
                       "message_not_found");
    expect_slack_error("users.lookupByEmail", "{\"email\":\"nora@acme.example\"}",
                       "users_not_found");
    expect_slack_error("users.info", "{\"user\":\"U404\"}", "user_not_found");
    expect_slack_error("conversations.invite", "{\"channel\":\"C001\",\"users\":\"U001,U002\"}",
                       "already_in_channel");
    expect_slack_error("conversations.invite", "{\"channel\":\"C002\",\"users\":\"U002,U404\"}",
                       "user_not_found");
    expect_slack_error("conversations.invite", "{\"channel\":\"C404\",\"users\":\"U002\"}",
                       "channel_not_found");
    expect_slack_error("conversations.create", "{\"name\":\"New Hire\"}", "invalid_name_specials");
    (void)snprintf(body, sizeof body, "{\"name\":\"%081d\"}", 0); /* 81 characters */
    expect_slack_error("conversations.create", body, "invalid_name_maxlength");
    expect_slack_error("conversations.create", "{\"name\":\"general\"}", "name_taken");
}
END_TEST

START_TEST(slack_create_invite_update_and_ephemeral)
{
    struct httptest_resp r;

    slack("conversations.create", "{\"name\":\"onboarding-nora\"}", &r);
    ck_assert(json_is_true(at(r.json, "ok")));
    ck_assert_pstr_eq(str(&r, "channel.id"), "C003");
    ck_assert_pstr_eq(str(&r, "channel.name"), "onboarding-nora");
    httptest_resp_free(&r);
    slack("conversations.invite", "{\"channel\":\"C003\",\"users\":\"U001,U002\"}", &r);
    ck_assert(json_is_true(at(r.json, "ok")));
    ck_assert_int_eq(json_integer_value(at(r.json, "channel.num_members")), 3);
    httptest_resp_free(&r);
    expect_slack_error("conversations.invite", "{\"channel\":\"C003\",\"users\":\"U002\"}",
                       "already_in_channel");
    slack("chat.postMessage", "{\"channel\":\"C003\",\"text\":\"Approve?\"}", &r);
    httptest_resp_free(&r);
    slack("chat.update",
          "{\"channel\":\"C003\",\"ts\":\"1700000000.000100\",\"text\":\"Approved by Maria\"}", &r);
    ck_assert(json_is_true(at(r.json, "ok")));
    ck_assert_pstr_eq(str(&r, "message.text"), "Approved by Maria");
    httptest_resp_free(&r);
    slack("chat.postEphemeral", "{\"channel\":\"C003\",\"user\":\"U002\",\"text\":\"not you\"}",
          &r);
    ck_assert(json_is_true(at(r.json, "ok")));
    ck_assert_pstr_eq(str(&r, "message_ts"), "1700000000.000200");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(slack_reads_form_bodies_and_get_queries)
{
    struct httptest_resp r;

    call("POST", "/slack/api/users.lookupByEmail", "application/x-www-form-urlencoded",
         "email=maria%40acme.example", SLACK_AUTH, NULL, NULL, &r);
    ck_assert(json_is_true(at(r.json, "ok")));
    ck_assert_pstr_eq(str(&r, "user.id"), "U001");
    ck_assert_pstr_eq(str(&r, "user.real_name"), "Maria Manager");
    ck_assert_pstr_eq(str(&r, "user.profile.email"), "maria@acme.example");
    ck_assert(json_is_false(at(r.json, "user.deleted")));
    ck_assert_pstr_eq(str(&r, "user.tz"), "Europe/Berlin");
    httptest_resp_free(&r);
    call("GET", "/slack/api/users.info?user=U002", NULL, NULL, SLACK_AUTH, NULL, NULL, &r);
    ck_assert_pstr_eq(str(&r, "user.name"), "dana");
    httptest_resp_free(&r);
    call("POST", "/slack/api/chat.postMessage", "application/json", "{not json", SLACK_AUTH, NULL,
         NULL, &r);
    ck_assert_pstr_eq(str(&r, "error"), "invalid_json");
    httptest_resp_free(&r);
    slack("no.such.method", "{}", &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_pstr_eq(str(&r, "error"), "unknown_method");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(slack_conversations_list_pages_with_next_cursor)
{
    struct httptest_resp r;
    char path[128];

    slack("conversations.list", "{\"limit\":1}", &r);
    ck_assert_int_eq(json_array_size(at(r.json, "channels")), 1);
    ck_assert_pstr_eq(str(&r, "channels.0.id"), "C001");
    ck_assert_ptr_nonnull(str(&r, "response_metadata.next_cursor"));
    ck_assert_str_ne(str(&r, "response_metadata.next_cursor"), "");
    (void)snprintf(path, sizeof path, "/slack/api/conversations.list?limit=1&cursor=%s",
                   str(&r, "response_metadata.next_cursor"));
    httptest_resp_free(&r);
    call("GET", path, NULL, NULL, SLACK_AUTH, NULL, NULL, &r);
    ck_assert_pstr_eq(str(&r, "channels.0.id"), "C002");
    ck_assert_pstr_eq(str(&r, "response_metadata.next_cursor"), ""); /* the last page */
    httptest_resp_free(&r);
    slack("conversations.list", "{\"cursor\":\"bogus\"}", &r);
    ck_assert_pstr_eq(str(&r, "error"), "invalid_cursor");
    httptest_resp_free(&r);
}
END_TEST

/* ---- Jira ------------------------------------------------------------------------------------ */

#define ADF                                                                             \
    "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"paragraph\",\"content\":" \
    "[{\"type\":\"text\",\"text\":\"Laptop and accounts\"}]}]}"
#define NEW_ISSUE(project, summary)                                                         \
    "{\"fields\":{\"project\":{\"key\":\"" project "\"},\"issuetype\":{\"name\":\"Task\"}," \
    "\"summary\":\"" summary "\",\"description\":" ADF "}}"

static char *transition_ids(void)
{
    struct httptest_resp r;
    static char ids[64];
    size_t i;
    json_t *t;

    jira("GET", "/issue/ONB-1/transitions", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ids[0] = '\0';
    json_array_foreach(at(r.json, "transitions"), i, t)
    {
        ck_assert(json_is_string(json_object_get(t, "id"))); /* ids are strings */
        (void)snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%s", i ? "," : "",
                       json_string_value(json_object_get(t, "id")));
    }
    httptest_resp_free(&r);
    return ids;
}

START_TEST(jira_creates_gets_transitions_and_comments_an_issue)
{
    struct httptest_resp r;

    jira("POST", "/issue", NEW_ISSUE("ONB", "Onboard Nora Newhire"), &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_pstr_eq(str(&r, "key"), "ONB-1");
    ck_assert_pstr_eq(str(&r, "id"), "10001");
    ck_assert_ptr_nonnull(strstr(str(&r, "self"), "/jira/rest/api/3/issue/10001"));
    httptest_resp_free(&r);
    jira("GET", "/issue/ONB-1?fields=summary,status", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "fields.summary"), "Onboard Nora Newhire");
    ck_assert_pstr_eq(str(&r, "fields.status.name"), "To Do");
    ck_assert_ptr_null(at(r.json, "fields.description")); /* not asked for */
    httptest_resp_free(&r);
    ck_assert_str_eq(transition_ids(), "11");
    jira("POST", "/issue/ONB-1/transitions", "{\"transition\":{\"id\":\"11\"}}", &r);
    ck_assert_int_eq(r.status, 204);
    ck_assert_uint_eq(r.len, 0);
    httptest_resp_free(&r);
    ck_assert_str_eq(transition_ids(), "21");
    jira("POST", "/issue/ONB-1/transitions", "{\"transition\":{\"id\":\"31\"}}", &r);
    ck_assert_int_eq(r.status, 400); /* Reopen is for Done issues */
    ck_assert_ptr_nonnull(str(&r, "errorMessages.0"));
    httptest_resp_free(&r);
    jira("POST", "/issue/ONB-1/transitions", "{\"transition\":{\"id\":\"21\"}}", &r);
    httptest_resp_free(&r);
    jira("GET", "/issue/ONB-1", NULL, &r);
    ck_assert_pstr_eq(str(&r, "fields.status.name"), "Done");
    ck_assert_pstr_eq(str(&r, "fields.status.statusCategory.key"), "done");
    httptest_resp_free(&r);
    ck_assert_str_eq(transition_ids(), "31");
    jira("POST", "/issue/ONB-1/comment", "{\"body\":" ADF "}", &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_ptr_nonnull(str(&r, "id"));
    ck_assert_ptr_nonnull(str(&r, "created"));
    ck_assert_pstr_eq(str(&r, "author.emailAddress"), "ops@acme.example");
    ck_assert_pstr_eq(str(&r, "body.type"), "doc");
    httptest_resp_free(&r);
    jira("GET", "/myself", NULL, &r);
    ck_assert_pstr_eq(str(&r, "emailAddress"), "ops@acme.example");
    ck_assert_ptr_nonnull(str(&r, "accountId"));
    ck_assert_ptr_nonnull(str(&r, "displayName"));
    httptest_resp_free(&r);
}
END_TEST

START_TEST(jira_refuses_bad_credentials_with_401_error_messages)
{
    struct httptest_resp r;

    call("GET", "/jira/rest/api/3/myself", NULL, NULL,
         "Authorization: Basic b3BzQGFjbWUuZXhhbXBsZTp3cm9uZw==", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert(json_is_array(at(r.json, "errorMessages")));
    ck_assert_ptr_nonnull(str(&r, "errorMessages.0"));
    ck_assert(json_is_object(at(r.json, "errors")));
    httptest_resp_free(&r);
    call("GET", "/jira/rest/api/3/myself", NULL, NULL, NULL, NULL, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(jira_400_names_each_bad_field_and_404_unknown_issue)
{
    struct httptest_resp r;

    jira("POST", "/issue",
         "{\"fields\":{\"project\":{\"key\":\"ONB\"},\"issuetype\":{\"name\":\"Task\"},"
         "\"description\":\"plain text is not ADF\"}}",
         &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_int_eq(json_array_size(at(r.json, "errorMessages")), 0);
    ck_assert_ptr_nonnull(str(&r, "errors.summary"));
    ck_assert_ptr_nonnull(str(&r, "errors.description"));
    httptest_resp_free(&r);
    jira("POST", "/issue", NEW_ISSUE("NOPE", "x"), &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_nonnull(str(&r, "errors.project"));
    httptest_resp_free(&r);
    jira("POST", "/issue",
         "{\"fields\":{\"project\":{\"key\":\"IT\"},\"issuetype\":{\"name\":\"Story\"},"
         "\"summary\":\"x\"}}",
         &r);
    ck_assert_int_eq(r.status, 400); /* IT has no Story */
    ck_assert_ptr_nonnull(str(&r, "errors.issuetype"));
    httptest_resp_free(&r);
    jira("GET", "/issue/ONB-99", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_pstr_eq(str(&r, "errorMessages.0"),
                      "Issue does not exist or you do not have permission to see it.");
    ck_assert(json_is_object(at(r.json, "errors")));
    httptest_resp_free(&r);
    jira("POST", "/issue/ONB-99/comment", "{\"body\":" ADF "}", &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(jira_search_pages_with_next_page_token)
{
    struct httptest_resp r;
    char body[256];

    for (int i = 0; i < 3; i++) {
        jira("POST", "/issue", NEW_ISSUE("ONB", "issue"), &r);
        httptest_resp_free(&r);
    }
    jira("POST", "/issue", NEW_ISSUE("IT", "other project"), &r);
    httptest_resp_free(&r);
    jira("GET", "/search/jql?jql=project%20%3D%20ONB&maxResults=2&fields=key,summary", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(at(r.json, "issues")), 2);
    ck_assert_pstr_eq(str(&r, "issues.0.key"), "ONB-1");
    ck_assert_pstr_eq(str(&r, "issues.1.fields.summary"), "issue");
    ck_assert(json_is_false(at(r.json, "isLast")));
    ck_assert_ptr_nonnull(str(&r, "nextPageToken"));
    (void)snprintf(body, sizeof body,
                   "{\"jql\":\"project = ONB ORDER BY created\",\"maxResults\":2,"
                   "\"nextPageToken\":\"%s\",\"fields\":[\"key\"]}",
                   str(&r, "nextPageToken"));
    httptest_resp_free(&r);
    jira("POST", "/search/jql", body, &r);
    ck_assert_int_eq(json_array_size(at(r.json, "issues")), 1);
    ck_assert_pstr_eq(str(&r, "issues.0.key"), "ONB-3");
    ck_assert_ptr_null(at(r.json, "nextPageToken")); /* the last page */
    ck_assert(json_is_true(at(r.json, "isLast")));
    httptest_resp_free(&r);
    jira("POST", "/search/jql", "{\"jql\":\"key = IT-1\"}", &r);
    ck_assert_int_eq(json_array_size(at(r.json, "issues")), 1);
    ck_assert_pstr_eq(str(&r, "issues.0.id"), "10004"); /* only ids without "fields" */
    ck_assert_ptr_null(at(r.json, "issues.0.key"));
    httptest_resp_free(&r);
    jira("POST", "/search/jql", "{\"jql\":\"\"}", &r);
    ck_assert_int_eq(r.status, 400); /* unbounded */
    httptest_resp_free(&r);
    jira("POST", "/search/jql", "{\"jql\":\"project = NOPE\"}", &r);
    ck_assert_int_eq(r.status, 400);
    httptest_resp_free(&r);
}
END_TEST

/* ---- GitHub ---------------------------------------------------------------------------------- */

START_TEST(github_invites_and_refuses_a_duplicate_invitation_with_422)
{
    struct httptest_resp r;
    const char *invite = "{\"email\":\"nora@acme.example\",\"team_ids\":[1,2]}";

    github("POST", "/orgs/acme/invitations", invite, &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert(json_is_integer(at(r.json, "id")));
    ck_assert(json_is_null(at(r.json, "login")));
    ck_assert_pstr_eq(str(&r, "email"), "nora@acme.example");
    ck_assert_pstr_eq(str(&r, "role"), "direct_member");
    ck_assert_int_eq(json_integer_value(at(r.json, "team_count")), 2);
    ck_assert_ptr_nonnull(str(&r, "created_at"));
    ck_assert_ptr_nonnull(str(&r, "inviter.login"));
    ck_assert_ptr_nonnull(str(&r, "invitation_teams_url"));
    ck_assert_ptr_nonnull(str(&r, "node_id"));
    httptest_resp_free(&r);
    github("POST", "/orgs/acme/invitations", invite, &r);
    ck_assert_int_eq(r.status, 422);
    ck_assert_pstr_eq(str(&r, "message"), "Validation Failed");
    ck_assert_pstr_eq(str(&r, "errors.0.resource"), "OrganizationInvitation");
    ck_assert_pstr_eq(str(&r, "errors.0.code"), "unprocessable");
    ck_assert_pstr_eq(str(&r, "errors.0.field"), "data");
    ck_assert_pstr_eq(str(&r, "errors.0.message"),
                      "Invitee is already a part of this organization");
    ck_assert_pstr_eq(str(&r, "status"), "422");
    ck_assert_ptr_nonnull(str(&r, "documentation_url"));
    httptest_resp_free(&r);
    github("POST", "/orgs/acme/invitations", "{\"email\":\"x@acme.example\",\"team_ids\":[9]}", &r);
    ck_assert_int_eq(r.status, 422);
    httptest_resp_free(&r);
    github("POST", "/orgs/nope/invitations", invite, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_pstr_eq(str(&r, "message"), "Not Found");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(github_refuses_bad_credentials_and_unsupported_versions)
{
    struct httptest_resp r;

    call("GET", "/github/user", NULL, NULL, "Authorization: Bearer ghp_wrong", GH_ACCEPT,
         GH_VERSION, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_pstr_eq(str(&r, "message"), "Bad credentials");
    ck_assert_ptr_nonnull(str(&r, "documentation_url"));
    httptest_resp_free(&r);
    call("GET", "/github/user", NULL, NULL, NULL, NULL, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    httptest_resp_free(&r);
    call("GET", "/github/user", NULL, NULL, "Authorization: token ghp_sandbox_token", GH_ACCEPT,
         "X-GitHub-Api-Version: 2021-01-01", &r);
    ck_assert_int_eq(r.status, 400);
    httptest_resp_free(&r);
    call("GET", "/github/user", NULL, NULL, "Authorization: token ghp_sandbox_token", GH_ACCEPT,
         GH_VERSION, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "login"), "ordo-sandbox-bot");
    ck_assert(json_is_integer(at(r.json, "id")));
    ck_assert_pstr_eq(str(&r, "user_view_type"), "private"); /* the token's own profile */
    ck_assert_pstr_eq(str(&r, "email"), "ops@acme.example");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(github_membership_issue_and_repository_have_githubs_shapes)
{
    struct httptest_resp r;
    char *location;

    github("PUT", "/orgs/acme/teams/onboarding/memberships/dana-dev", "{\"role\":\"member\"}", &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "role"), "member");
    ck_assert_pstr_eq(str(&r, "state"), "active");
    ck_assert_ptr_nonnull(str(&r, "url"));
    httptest_resp_free(&r);
    github("PUT", "/orgs/acme/teams/onboarding/memberships/dana-dev", "{\"role\":\"owner\"}", &r);
    ck_assert_int_eq(r.status, 422);
    httptest_resp_free(&r);
    github("POST", "/repos/acme/it-requests/issues",
           "{\"title\":\"Laptop for Nora\",\"labels\":[\"new hire\"],"
           "\"assignees\":[\"maria-acme\",\"nobody-here\"]}",
           &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(json_integer_value(at(r.json, "number")), 1);
    ck_assert_pstr_eq(str(&r, "state"), "open");
    ck_assert_pstr_eq(str(&r, "title"), "Laptop for Nora");
    ck_assert_pstr_eq(str(&r, "user.login"), "ordo-sandbox-bot");
    ck_assert_ptr_nonnull(str(&r, "html_url"));
    ck_assert_ptr_nonnull(str(&r, "node_id"));
    ck_assert_pstr_eq(str(&r, "labels.0.name"), "new hire");
    ck_assert_ptr_nonnull(strstr(str(&r, "labels.0.url"), "/labels/new%20hire"));
    ck_assert_pstr_eq(str(&r, "assignee.login"), "maria-acme");
    ck_assert_int_eq(json_array_size(at(r.json, "assignees")), 1); /* unknown logins dropped */
    ck_assert(json_is_null(at(r.json, "milestone")));
    location = httptest_header(&r, "Location");
    ck_assert_pstr_eq(location, str(&r, "url"));
    free(location);
    httptest_resp_free(&r);
    github("POST", "/repos/acme/it-requests/issues", "{\"body\":\"no title\"}", &r);
    ck_assert_int_eq(r.status, 422);
    ck_assert_pstr_eq(str(&r, "errors.0.field"), "title");
    httptest_resp_free(&r);
    github("POST", "/orgs/acme/repos", "{\"name\":\"nora-sandbox\",\"private\":true}", &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_pstr_eq(str(&r, "full_name"), "acme/nora-sandbox");
    ck_assert(json_is_true(at(r.json, "private")));
    ck_assert_pstr_eq(str(&r, "visibility"), "private");
    ck_assert_pstr_eq(str(&r, "organization.login"), "acme");
    ck_assert_ptr_nonnull(strstr(str(&r, "clone_url"), "/github-web/acme/nora-sandbox.git"));
    location = httptest_header(&r, "Location");
    ck_assert_pstr_eq(location, str(&r, "url"));
    free(location);
    httptest_resp_free(&r);
    github("POST", "/orgs/acme/repos", "{\"name\":\"nora-sandbox\"}", &r);
    ck_assert_int_eq(r.status, 422);
    ck_assert_pstr_eq(str(&r, "errors.0.message"), "name already exists on this account");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(github_reads_repositories_and_creates_them_for_the_token_user)
{
    struct httptest_resp r;

    github("GET", "/repos/acme/it-requests", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "full_name"), "acme/it-requests");
    ck_assert_pstr_eq(str(&r, "owner.type"), "Organization");
    ck_assert(json_is_true(at(r.json, "private")));
    httptest_resp_free(&r);
    github("GET", "/repos/acme/nope", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
    github("POST", "/user/repos", "{\"name\":\"dotfiles\"}", &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_pstr_eq(str(&r, "full_name"), "ordo-sandbox-bot/dotfiles");
    ck_assert_pstr_eq(str(&r, "owner.type"), "User");
    httptest_resp_free(&r);
    github("POST", "/repos/ordo-sandbox-bot/dotfiles/issues", "{\"title\":\"first\"}", &r);
    ck_assert_int_eq(r.status, 201);
    ck_assert_int_eq(json_integer_value(at(r.json, "number")), 1);
    httptest_resp_free(&r);
    github("POST", "/repos/maria-acme/anything/issues", "{\"title\":\"x\"}", &r);
    ck_assert_int_eq(r.status, 404); /* only the token's own user has repositories here */
    httptest_resp_free(&r);
}
END_TEST

START_TEST(github_teams_page_with_link_header_and_rate_limit_headers)
{
    struct httptest_resp r;
    char *link, *remaining, *resource;

    github("GET", "/orgs/acme/teams?per_page=1", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(r.json), 1);
    ck_assert_pstr_eq(str(&r, "0.slug"), "engineering");
    ck_assert_int_eq(json_integer_value(at(r.json, "0.id")), 1);
    link = httptest_header(&r, "Link");
    ck_assert_ptr_nonnull(link);
    ck_assert_ptr_nonnull(strstr(link, "/github/orgs/acme/teams?per_page=1&page=2>; rel=\"next\""));
    remaining = httptest_header(&r, "x-ratelimit-remaining");
    resource = httptest_header(&r, "x-ratelimit-resource");
    ck_assert_pstr_eq(remaining, "4999");
    ck_assert_pstr_eq(resource, "core");
    free(link);
    free(remaining);
    free(resource);
    httptest_resp_free(&r);
    github("GET", "/orgs/acme/teams?per_page=1&page=2", NULL, &r);
    ck_assert_pstr_eq(str(&r, "0.slug"), "onboarding");
    link = httptest_header(&r, "Link");
    ck_assert_ptr_nonnull(link);
    ck_assert_ptr_null(strstr(link, "rel=\"next\""));
    ck_assert_ptr_nonnull(strstr(link, "rel=\"prev\""));
    free(link);
    remaining = httptest_header(&r, "x-ratelimit-used");
    ck_assert_pstr_eq(remaining, "2");
    free(remaining);
    httptest_resp_free(&r);
    github("GET", "/orgs/nope/teams", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    remaining = httptest_header(&r, "x-ratelimit-limit");
    ck_assert_pstr_eq(remaining, "5000"); /* on every answer */
    free(remaining);
    httptest_resp_free(&r);
}
END_TEST

/* ---- BambooHR -------------------------------------------------------------------------------- */

START_TEST(bamboohr_employee_has_the_requested_fields_as_strings)
{
    struct httptest_resp r;

    bamboo("GET",
           "/employees/102?fields=firstName,lastName,workEmail,jobTitle,department,"
           "supervisorEId,supervisorEmail,hireDate,status",
           NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "id"), "102");
    ck_assert_pstr_eq(str(&r, "firstName"), "Nora");
    ck_assert_pstr_eq(str(&r, "workEmail"), "nora@acme.example");
    ck_assert_pstr_eq(str(&r, "department"), "Engineering");
    ck_assert_pstr_eq(str(&r, "supervisorEId"), "101");
    ck_assert_pstr_eq(str(&r, "supervisorEmail"), "maria@acme.example");
    ck_assert_pstr_eq(str(&r, "status"), "Active");
    ck_assert_int_eq(strlen(str(&r, "hireDate")), 10);
    ck_assert_uint_eq(json_object_size(r.json), 10); /* requested fields only, and id */
    httptest_resp_free(&r);
    bamboo("GET", "/employees/999", NULL, &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
    bamboo("GET", "/employees/directory", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(at(r.json, "employees")), 2);
    ck_assert_pstr_eq(str(&r, "employees.1.displayName"), "Nora Newhire");
    ck_assert(json_is_array(at(r.json, "fields")));
    httptest_resp_free(&r);
}
END_TEST

START_TEST(bamboohr_refuses_unknown_domains_bad_keys_and_xml_clients)
{
    struct httptest_resp r;

    call("GET", "/bamboohr/api/gateway.php/nope/v1/employees/101", NULL, NULL, BAMBOO_AUTH,
         JSON_ACCEPT, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
    call("GET", BAMBOO_API "/employees/101", NULL, NULL,
         "Authorization: Basic d3Jvbmc6eA==", /* wrong:x */ JSON_ACCEPT, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_uint_eq(r.len, 0);
    httptest_resp_free(&r);
    call("GET", BAMBOO_API "/employees/101", NULL, NULL, BAMBOO_AUTH, "Accept: */*", NULL, &r);
    ck_assert_int_eq(r.status, 406);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(bamboohr_update_shows_in_changed_employees)
{
    struct httptest_resp r;

    bamboo("POST", "/employees/102", "{\"jobTitle\":\"Senior Engineer\"}", &r);
    ck_assert_int_eq(r.status, 200);
    httptest_resp_free(&r);
    bamboo("POST", "/employees/102", "{\"favouriteColour\":\"green\"}", &r);
    ck_assert_int_eq(r.status, 400);
    httptest_resp_free(&r);
    bamboo("GET", "/employees/102?fields=jobTitle", NULL, &r);
    ck_assert_pstr_eq(str(&r, "jobTitle"), "Senior Engineer");
    httptest_resp_free(&r);
    bamboo("GET", "/employees/changed?since=2000-01-01T00:00:00Z&type=updated", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_pstr_eq(str(&r, "employees.102.id"), "102");
    ck_assert_pstr_eq(str(&r, "employees.102.action"), "Updated");
    ck_assert_ptr_nonnull(str(&r, "employees.102.lastChanged"));
    ck_assert_ptr_null(at(r.json, "employees.101")); /* inserted, not updated */
    ck_assert_ptr_nonnull(str(&r, "latest"));
    httptest_resp_free(&r);
    bamboo("GET", "/employees/changed?since=2000-01-01T00:00:00Z", NULL, &r);
    ck_assert_pstr_eq(str(&r, "employees.101.action"), "Inserted");
    httptest_resp_free(&r);
    bamboo("GET", "/employees/changed?since=yesterday", NULL, &r);
    ck_assert_int_eq(r.status, 400);
    httptest_resp_free(&r);
}
END_TEST

/* ---- the BambooHR webhook sender ------------------------------------------------------------- */

/* A tiny webhook receiver on 127.0.0.1: it keeps the last request's signature headers and raw
 * body, and answers 'answer'. One request at a time; the test reads the capture only after the
 * sandbox's answer, which comes after the receiver's. */
struct receiver {
    struct MHD_Daemon *d;
    unsigned port;
    unsigned answer;
    int hits;
    char ts[32], sig[128], type[64];
    char body[8192];
    size_t len;
};

static void copy_header(struct MHD_Connection *conn, const char *name, char *out, size_t size)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);

    (void)snprintf(out, size, "%s", v ? v : "");
}

static enum MHD_Result receive_hook(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version, const char *upload,
                                    size_t *upload_size, void **con_cls)
{
    struct receiver *rv = cls;
    struct MHD_Response *resp;
    enum MHD_Result ok;

    (void)url;
    (void)method;
    (void)version;
    if (!*con_cls) { /* the headers are in; the body follows */
        *con_cls = rv;
        rv->len = 0;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        size_t n = *upload_size < sizeof rv->body - 1 - rv->len ? *upload_size
                                                                : sizeof rv->body - 1 - rv->len;

        memcpy(rv->body + rv->len, upload, n);
        rv->len += n;
        rv->body[rv->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    rv->hits++;
    copy_header(conn, "X-BambooHR-Timestamp", rv->ts, sizeof rv->ts);
    copy_header(conn, "X-BambooHR-Signature", rv->sig, sizeof rv->sig);
    copy_header(conn, "Content-Type", rv->type, sizeof rv->type);
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    ok = MHD_queue_response(conn, rv->answer, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void receiver_start(struct receiver *rv, unsigned answer)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    const union MHD_DaemonInfo *info;

    memset(rv, 0, sizeof *rv);
    rv->answer = answer;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, receive_hook, rv,
                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_END);
    ck_assert_ptr_nonnull(rv->d);
    info = MHD_get_daemon_info(rv->d, MHD_DAEMON_INFO_BIND_PORT);
    ck_assert_ptr_nonnull(info);
    rv->port = info->port;
}

/* POST /_sandbox/bamboohr/webhook to the receiver; 'extra' is more JSON members ("" or
 * ",\"signature\":{...}"). */
static void send_hook(const struct receiver *rv, const char *extra, struct httptest_resp *r)
{
    char json[512];

    (void)snprintf(json, sizeof json,
                   "{\"url\":\"http://127.0.0.1:%u/hooks/x\",\"secret\":\"s3cret-key\","
                   "\"employee_id\":\"102\"%s}",
                   rv->port, extra);
    control("POST", "/_sandbox/bamboohr/webhook", json, r);
}

/* Recompute HMAC-SHA256("s3cret-key", the signed bytes) over what the receiver got, with the
 * message built here by concatenation, and compare with the header and the control answer. */
static void expect_signed(const struct receiver *rv, bool ts_first, bool base64,
                          struct httptest_resp *r)
{
    static const char key[] = "s3cret-key";
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    char msg[8300], want[128];
    int n;

    n = ts_first ? snprintf(msg, sizeof msg, "%s%s", rv->ts, rv->body)
                 : snprintf(msg, sizeof msg, "%s%s", rv->body, rv->ts);
    ck_assert(n > 0 && (size_t)n < sizeof msg);
    ck_assert_uint_eq(strlen(rv->body), rv->len); /* the raw bytes hold no NUL */
    ck_assert_int_eq(sodium_init() >= 0, 1);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (unsigned long long)n);
    crypto_auth_hmacsha256_final(&st, mac);
    if (base64) {
        sodium_bin2base64(want, sizeof want, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
        ck_assert_uint_eq(strlen(want), 44);
    } else {
        sodium_bin2hex(want, sizeof want, mac, sizeof mac);
        ck_assert_uint_eq(strlen(want), 64);
    }
    ck_assert_str_eq(rv->sig, want);
    ck_assert_pstr_eq(str(r, "signature"), want);
    ck_assert_pstr_eq(str(r, "timestamp"), rv->ts);
}

START_TEST(bamboohr_webhook_is_signed_in_the_chosen_form)
{
    struct receiver rv;
    struct httptest_resp r;
    json_t *payload;
    long long now = (long long)time(NULL);

    receiver_start(&rv, 202);
    send_hook(&rv, "", &r); /* the defaults: body then timestamp, hex */
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq((int)json_integer_value(at(r.json, "status")), 202);
    ck_assert_int_eq(rv.hits, 1);
    ck_assert_str_eq(rv.type, "application/json");
    ck_assert(llabs(strtoll(rv.ts, NULL, 10) - now) < 60);
    expect_signed(&rv, false, false, &r);
    payload = json_loads(rv.body, 0, NULL);
    ck_assert_pstr_eq(json_string_value(at(payload, "employees.0.id")), "102");
    ck_assert_pstr_eq(json_string_value(at(payload, "employees.0.action")), "Created");
    ck_assert_pstr_eq(json_string_value(at(payload, "employees.0.fields.workEmail")),
                      "nora@acme.example");
    ck_assert(json_array_size(at(payload, "employees.0.changedFields")) > 0);
    ck_assert_ptr_nonnull(json_string_value(at(payload, "employees.0.timestamp")));
    json_decref(payload);
    httptest_resp_free(&r);

    send_hook(&rv,
              ",\"signature\":{\"order\":\"timestamp_then_body\",\"encoding\":\"base64\"},"
              "\"timestamp\":\"1700000000\"",
              &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(rv.ts, "1700000000"); /* a stale one, as asked */
    expect_signed(&rv, true, true, &r);
    httptest_resp_free(&r);
    send_hook(&rv, ",\"signature\":{\"encoding\":\"base64\"}", &r);
    expect_signed(&rv, false, true, &r);
    httptest_resp_free(&r);
    send_hook(&rv, ",\"signature\":{\"order\":\"timestamp_then_body\"}", &r);
    expect_signed(&rv, true, false, &r);
    httptest_resp_free(&r);
    ck_assert_int_eq(rv.hits, 4);

    MHD_stop_daemon(rv.d); /* nobody listens there now */
    send_hook(&rv, "", &r);
    ck_assert_int_eq(r.status, 502);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(bamboohr_webhook_refuses_other_hosts_and_bad_forms)
{
    static const char *const bad[] = {
        "{\"url\":\"http://example.com/hooks/x\",\"secret\":\"k\",\"employee_id\":\"102\"}",
        "{\"url\":\"http://127.0.0.1@example.com/\",\"secret\":\"k\",\"employee_id\":\"102\"}",
        "{\"url\":\"http://127.0.0.1.example.com/\",\"secret\":\"k\",\"employee_id\":\"102\"}",
        "{\"url\":\"https://127.0.0.1:1/\",\"secret\":\"k\",\"employee_id\":\"102\"}",
        "{\"url\":\"http://127.0.0.1:1/\",\"employee_id\":\"102\"}",
        "{\"url\":\"http://127.0.0.1:1/\",\"secret\":\"k\",\"employee_id\":\"102\","
        "\"signature\":{\"encoding\":\"base32\"}}",
        "{\"url\":\"http://127.0.0.1:1/\",\"secret\":\"k\",\"employee_id\":\"102\","
        "\"timestamp\":\"yesterday\"}",
    };
    struct httptest_resp r;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        control("POST", "/_sandbox/bamboohr/webhook", bad[i], &r);
        ck_assert_msg(r.status == 400, "%s: %ld", bad[i], r.status);
        httptest_resp_free(&r);
    }
    control("POST", "/_sandbox/bamboohr/webhook",
            "{\"url\":\"http://127.0.0.1:1/\",\"secret\":\"k\",\"employee_id\":\"999\"}", &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
}
END_TEST

/* ---- the control API ------------------------------------------------------------------------- */

static void arm(const char *fault)
{
    sandboxtest_fault(&sb, fault);
}

static void expect_429_then_ok(void (*fn)(const char *, const char *, const char *,
                                          struct httptest_resp *),
                               const char *method, const char *path, int ok_status)
{
    struct httptest_resp r;
    char *retry;

    fn(method, path, NULL, &r);
    ck_assert_msg(r.status == 429, "%s: %ld", path, r.status);
    retry = httptest_header(&r, "Retry-After");
    ck_assert_pstr_eq(retry, "2");
    free(retry);
    httptest_resp_free(&r);
    fn(method, path, NULL, &r);
    ck_assert_msg(r.status == ok_status, "%s: %ld %s", path, r.status, r.body);
    httptest_resp_free(&r);
}

START_TEST(fault_429_carries_retry_after_then_the_next_call_succeeds)
{
    struct httptest_resp r;

    arm("{\"service\":\"slack\",\"path\":\"/api/chat.postMessage\",\"status\":429,"
        "\"retry_after\":2,\"times\":1}");
    slack("chat.postMessage", "{\"channel\":\"C001\",\"text\":\"x\"}", &r);
    ck_assert_int_eq(r.status, 429);
    ck_assert_pstr_eq(str(&r, "error"), "ratelimited");
    httptest_resp_free(&r);
    slack("chat.postMessage", "{\"channel\":\"C001\",\"text\":\"x\"}", &r);
    ck_assert(json_is_true(at(r.json, "ok")));
    httptest_resp_free(&r);
    arm("{\"service\":\"jira\",\"path\":\"/rest/api/3/myself\",\"status\":429,\"retry_after\":2}");
    expect_429_then_ok(jira, "GET", "/myself", 200);
    arm("{\"service\":\"github\",\"path\":\"/user\",\"status\":429,\"retry_after\":2}");
    expect_429_then_ok(github, "GET", "/user", 200);
    arm("{\"service\":\"bamboohr\",\"path\":\"/api/gateway.php/acme/v1/employees\","
        "\"status\":429,\"retry_after\":2}");
    expect_429_then_ok(bamboo, "GET", "/employees/101", 200);
    control("GET", "/_sandbox/calls?service=github", NULL, &r);
    ck_assert_int_eq(json_array_size(at(r.json, "calls")), 2);
    ck_assert(json_is_integer(at(r.json, "calls.0.fault")));
    ck_assert(json_is_null(at(r.json, "calls.1.fault")));
    ck_assert_int_eq(json_integer_value(at(r.json, "calls.0.status")), 429);
    httptest_resp_free(&r);
    control("POST", "/_sandbox/faults", "{\"service\":\"nope\",\"status\":500}", &r);
    ck_assert_int_eq(r.status, 400);
    httptest_resp_free(&r);
}
END_TEST

struct timed {
    const char *url;
    long status;
    double seconds;
};

static size_t discard_cb(const char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* A GET on another thread (Check's assertions belong to the main one): status and seconds. */
static void *timed_get_cb(void *arg)
{
    struct timed *t = arg;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, SLACK_AUTH);

    curl_easy_setopt(c, CURLOPT_URL, t->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t->status);
        curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &t->seconds);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

START_TEST(fault_delay_holds_the_answer_but_no_thread)
{
    struct timed slow[3];
    pthread_t th[3];
    struct httptest_resp r;
    char url[128];
    struct timespec t0, t1;

    arm("{\"service\":\"slack\",\"path\":\"/api/auth.test\",\"delay_ms\":2500,\"times\":3}");
    (void)snprintf(url, sizeof url, "%s/slack/api/auth.test", sb.t.url);
    for (int i = 0; i < 3; i++) { /* more delayed calls than the sandbox has threads */
        slow[i] = (struct timed){.url = url};
        ck_assert_int_eq(pthread_create(&th[i], NULL, timed_get_cb, &slow[i]), 0);
    }
    (void)nanosleep(&(struct timespec){0, 300L * 1000000}, NULL);
    (void)clock_gettime(CLOCK_MONOTONIC, &t0);
    slack("users.info", "{\"user\":\"U001\"}", &r);
    (void)clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert(json_is_true(at(r.json, "ok")));
    httptest_resp_free(&r);
    ck_assert_msg((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < 1.5,
                  "a delayed call held up another one");
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_int_eq(slow[i].status, 200);
        ck_assert_msg(slow[i].seconds >= 2.4, "answered after %.2f s", slow[i].seconds);
    }
}
END_TEST

START_TEST(a_call_whose_client_gave_up_during_a_delay_is_still_recorded)
{
    struct httptest_resp r;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, SLACK_AUTH);
    char url[128];

    arm("{\"service\":\"slack\",\"path\":\"/api/chat.postMessage\",\"delay_ms\":800}");
    (void)snprintf(url, sizeof url, "%s/slack/api/chat.postMessage", sb.t.url);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "X-Ordo-Idempotency-Key: gave-up");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{\"channel\":\"C001\",\"text\":\"late\"}");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 200L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OPERATION_TIMEDOUT);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    /* recorded once the delay is over, with the answer it would have had */
    for (int i = 0; i < 100; i++) {
        control("GET", "/_sandbox/calls", NULL, &r);
        if (json_array_size(at(r.json, "calls")) > 0) {
            break;
        }
        httptest_resp_free(&r);
        (void)nanosleep(&(struct timespec){0, 50L * 1000000}, NULL);
    }
    ck_assert_int_eq(json_array_size(at(r.json, "calls")), 1);
    ck_assert_pstr_eq(str(&r, "calls.0.idempotency_key"), "gave-up");
    ck_assert_int_eq(json_integer_value(at(r.json, "calls.0.status")), 200);
    ck_assert(json_is_integer(at(r.json, "calls.0.fault")));
    httptest_resp_free(&r);
    /* and the service acted on it, as a real one that had the request would have */
    control("GET", "/_sandbox/state", NULL, &r);
    ck_assert_pstr_eq(str(&r, "slack.messages.0.text"), "late");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(calls_record_each_call_without_authorization_values)
{
    struct httptest_resp r;

    call("POST", "/slack/api/chat.postMessage", "application/json",
         "{\"channel\":\"C001\",\"text\":\"hello\"}", SLACK_AUTH, "Idempotency-Key: idem-1", NULL,
         &r);
    httptest_resp_free(&r);
    call("GET", "/slack/api/users.info?user=U001", NULL, NULL, "Authorization: Bearer xoxb-bad",
         "X-Ordo-Idempotency-Key: idem-2", NULL, &r);
    httptest_resp_free(&r);
    jira("GET", "/myself", NULL, &r);
    httptest_resp_free(&r);
    call("GET", "/github/user", NULL, NULL, GITHUB_AUTH, NULL, NULL, &r); /* no Accept, version */
    httptest_resp_free(&r);
    control("GET", "/_sandbox/calls", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(at(r.json, "calls")), 4);
    ck_assert_int_eq(json_integer_value(at(r.json, "calls.0.seq")), 1);
    ck_assert_pstr_eq(str(&r, "calls.0.service"), "slack");
    ck_assert_pstr_eq(str(&r, "calls.0.method"), "POST");
    ck_assert_pstr_eq(str(&r, "calls.0.path"), "/slack/api/chat.postMessage");
    ck_assert_pstr_eq(str(&r, "calls.0.content_type"), "application/json");
    ck_assert_pstr_eq(str(&r, "calls.0.body"), "{\"channel\":\"C001\",\"text\":\"hello\"}");
    ck_assert_pstr_eq(str(&r, "calls.0.idempotency_key"), "idem-1");
    ck_assert(json_is_true(at(r.json, "calls.0.auth_ok")));
    ck_assert_int_eq(json_integer_value(at(r.json, "calls.0.status")), 200);
    ck_assert_pstr_eq(str(&r, "calls.1.query"), "user=U001");
    ck_assert_pstr_eq(str(&r, "calls.1.idempotency_key"), "idem-2");
    ck_assert(json_is_false(at(r.json, "calls.1.auth_ok")));
    ck_assert_pstr_eq(str(&r, "calls.2.service"), "jira");
    ck_assert_int_eq(json_array_size(at(r.json, "calls.3.notes")), 2);
    ck_assert_ptr_null(strstr(r.body, "xoxb-"));
    ck_assert_ptr_null(strstr(r.body, "ghp_"));
    ck_assert_ptr_null(strstr(r.body, "b3BzQGFjbWUuZXhhbXBsZT"));
    ck_assert_ptr_null(strstr(r.body, "Basic"));
    ck_assert_ptr_null(strstr(r.body, "Bearer"));
    httptest_resp_free(&r);
    control("GET", "/_sandbox/calls?service=jira", NULL, &r);
    ck_assert_int_eq(json_array_size(at(r.json, "calls")), 1);
    httptest_resp_free(&r);
    control("GET", "/_sandbox/calls?since=3", NULL, &r);
    ck_assert_int_eq(json_array_size(at(r.json, "calls")), 1);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(reset_restores_the_seed_and_forgets_calls_and_faults)
{
    struct httptest_resp r;

    slack("conversations.create", "{\"name\":\"temp\"}", &r);
    httptest_resp_free(&r);
    jira("POST", "/issue", NEW_ISSUE("ONB", "gone after reset"), &r);
    httptest_resp_free(&r);
    arm("{\"service\":\"github\",\"status\":500,\"times\":5}");
    control("POST", "/_sandbox/reset", NULL, &r);
    ck_assert_int_eq(r.status, 200);
    httptest_resp_free(&r);
    control("GET", "/_sandbox/calls", NULL, &r);
    ck_assert_int_eq(json_array_size(at(r.json, "calls")), 0);
    httptest_resp_free(&r);
    control("GET", "/_sandbox/state", NULL, &r);
    ck_assert_int_eq(json_array_size(at(r.json, "slack.channels")), 2);
    ck_assert_int_eq(json_array_size(at(r.json, "jira.issues")), 0);
    ck_assert_ptr_nonnull(str(&r, "credentials.slack_bot_token")); /* the state shows them */
    httptest_resp_free(&r);
    github("GET", "/user", NULL, &r);
    ck_assert_int_eq(r.status, 200); /* the fault is gone */
    httptest_resp_free(&r);
    jira("POST", "/issue", NEW_ISSUE("ONB", "numbers start again"), &r);
    ck_assert_pstr_eq(str(&r, "key"), "ONB-1");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(body_over_one_mebibyte_is_413)
{
    struct httptest_resp r;
    size_t n = (size_t)1024 * 1024 + 10;
    char *big = malloc(n + 1);

    ck_assert_ptr_nonnull(big);
    memset(big, 'x', n);
    big[n] = '\0';
    httptest_request(&sb.t, "POST", "/slack/api/chat.postMessage", "xoxb-sandbox-token",
                     "application/json", big, n, NULL, &r);
    ck_assert_int_eq(r.status, 413);
    httptest_resp_free(&r);
    free(big);
    control("GET", "/_sandbox/calls", NULL, &r);
    ck_assert_int_eq(json_integer_value(at(r.json, "calls.0.status")), 413);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(state_file_and_flags_override_the_seed)
{
    const char *state = "{\"credentials\":{\"jira_api_token\":\"from-file\"},"
                        "\"slack\":{\"users\":[{\"id\":\"U777\",\"name\":\"nora\","
                        "\"profile\":{\"email\":\"nora@acme.example\"}}]}}";
    const char *args[] = {"--state", state_file, "--slack-token", "xoxb-from-flag", NULL};
    FILE *f = fopen(state_file, "w");
    struct httptest_resp r;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(state, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    stop();
    sandboxtest_start(&sb, args);
    call("POST", "/slack/api/users.lookupByEmail", "application/json",
         "{\"email\":\"nora@acme.example\"}", "Authorization: Bearer xoxb-from-flag", NULL, NULL,
         &r);
    ck_assert_pstr_eq(str(&r, "user.id"), "U777");
    httptest_resp_free(&r);
    call("GET", "/jira/rest/api/3/myself", NULL, NULL,
         "Authorization: Basic b3BzQGFjbWUuZXhhbXBsZTpmcm9tLWZpbGU=", /* ops@...:from-file */
         NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(a_state_file_of_the_wrong_shape_exits_2)
{
    const char *argv[] = {sandboxtest_bin(), "--port", "0", "--state", state_file, NULL};
    FILE *f = fopen(state_file, "w");
    pid_t pid;
    int status = 0;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs("{\"slack\":{\"users\":\"not a list\"}}", f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(posix_spawn(&pid, argv[0], NULL, NULL, (char **)argv, environ), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sandbox");
    TCase *tc = tcase_create("sandbox");
    SRunner *sr;
    int failed;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, announces_url_on_stdout_and_in_ready_file);
    tcase_add_test(tc, unknown_paths_are_404_and_other_hosts_421);
    tcase_add_test(tc, slack_post_message_answers_channel_ts_and_message);
    tcase_add_test(tc, slack_refuses_missing_token_as_not_authed_and_wrong_as_invalid_auth);
    tcase_add_test(tc, slack_error_codes_are_ok_false_with_http_200);
    tcase_add_test(tc, slack_create_invite_update_and_ephemeral);
    tcase_add_test(tc, slack_reads_form_bodies_and_get_queries);
    tcase_add_test(tc, slack_conversations_list_pages_with_next_cursor);
    tcase_add_test(tc, jira_creates_gets_transitions_and_comments_an_issue);
    tcase_add_test(tc, jira_refuses_bad_credentials_with_401_error_messages);
    tcase_add_test(tc, jira_400_names_each_bad_field_and_404_unknown_issue);
    tcase_add_test(tc, jira_search_pages_with_next_page_token);
    tcase_add_test(tc, github_invites_and_refuses_a_duplicate_invitation_with_422);
    tcase_add_test(tc, github_refuses_bad_credentials_and_unsupported_versions);
    tcase_add_test(tc, github_membership_issue_and_repository_have_githubs_shapes);
    tcase_add_test(tc, github_reads_repositories_and_creates_them_for_the_token_user);
    tcase_add_test(tc, github_teams_page_with_link_header_and_rate_limit_headers);
    tcase_add_test(tc, bamboohr_employee_has_the_requested_fields_as_strings);
    tcase_add_test(tc, bamboohr_refuses_unknown_domains_bad_keys_and_xml_clients);
    tcase_add_test(tc, bamboohr_update_shows_in_changed_employees);
    tcase_add_test(tc, bamboohr_webhook_is_signed_in_the_chosen_form);
    tcase_add_test(tc, bamboohr_webhook_refuses_other_hosts_and_bad_forms);
    tcase_add_test(tc, fault_429_carries_retry_after_then_the_next_call_succeeds);
    tcase_add_test(tc, fault_delay_holds_the_answer_but_no_thread);
    tcase_add_test(tc, a_call_whose_client_gave_up_during_a_delay_is_still_recorded);
    tcase_add_test(tc, calls_record_each_call_without_authorization_values);
    tcase_add_test(tc, reset_restores_the_seed_and_forgets_calls_and_faults);
    tcase_add_test(tc, body_over_one_mebibyte_is_413);
    tcase_add_test(tc, state_file_and_flags_override_the_seed);
    tcase_add_test(tc, a_state_file_of_the_wrong_shape_exits_2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
