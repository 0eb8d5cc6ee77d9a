/*
 * tests/integration/test_demo.c - `ordo serve --demo` runs the onboarding
 * example end to end (issue 6, "Must show" 2): BambooHR employee -> Jira
 * ticket -> the manager's approval -> GitHub invitation -> Slack welcome,
 * against the sandbox the server started itself. The sandbox saw exactly
 * the expected calls; a 429 injected into the GitHub invitation is retried
 * with the same idempotency key; the demo's secrets appear nowhere the
 * server writes. And (issue 7, "Must show" 2) the same process started by
 * a signed BambooHR webhook from the sandbox and approved with a signed
 * Slack interactivity post, after a post from a non-approver was refused
 * and left the task waiting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

#include "base/crypto.h"
#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN HTTPTEST_ADMIN_KEY

static struct httptest srv;
static char sandbox[64]; /* the sandbox's root URL */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

/* A request to the sandbox's control API; the answer parsed (caller frees). */
static json_t *control(const char *method, const char *path, const char *body)
{
    struct httptest other = {0};
    struct httptest_resp r;
    json_t *out;

    (void)snprintf(other.url, sizeof other.url, "%s", sandbox);
    httptest_json(&other, method, path, NULL, body, &r);
    ck_assert_msg(r.status / 100 == 2, "%s %s: %ld %s", method, path, r.status, r.body);
    out = json_incref(r.json);
    httptest_resp_free(&r);
    return out;
}

/* The sandbox's root, from the demo's Slack credential. */
static void find_sandbox(void)
{
    struct httptest_resp r;
    size_t i;
    const json_t *c;

    httptest_json(&srv, "GET", "/api/credentials?connector=slack", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    json_array_foreach(json_object_get(r.json, "items"), i, c)
    {
        const char *base =
            json_string_value(json_object_get(json_object_get(c, "config"), "base_url"));
        const char *end = base ? strstr(base, "/slack/api") : NULL;

        if (end) {
            (void)snprintf(sandbox, sizeof sandbox, "%.*s", (int)(end - base), base);
        }
    }
    httptest_resp_free(&r);
    ck_assert_msg(sandbox[0], "no demo credential for slack");
}

static void setup(void)
{
    static const char *const args[] = {"--demo", NULL};

    httptest_start_args(&srv, "demo", NULL, args);
    find_sandbox();
}

static void teardown(void)
{
    httptest_stop(&srv);
}

static void deploy(void)
{
    char path[1024];
    FILE *f;
    char *xml = malloc(1 << 20);
    size_t len;
    struct httptest_resp r;

    (void)snprintf(path, sizeof path, "%s/examples/onboarding.bpmn", getenv("ORDOTEST_SOURCE_DIR"));
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    len = fread(xml, 1, (1 << 20) - 1, f);
    (void)fclose(f);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", xml, len, NULL,
                     &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    free(xml);
}

static char *deploy_and_start(void)
{
    struct httptest_resp r;
    char *key;

    deploy();
    httptest_json(&srv, "POST", "/api/instances", ADMIN,
                  "{\"processId\":\"onboarding\",\"variables\":{\"employee_id\":\"102\"}}", &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    key = strdup(json_string_value(json_object_get(r.json, "key")));
    httptest_resp_free(&r);
    return key;
}

/* The demo manager logs in with the password the demo wrote for her; the
 * session's cookie and CSRF token become request headers. */
static void login_maria(char *cookie, size_t csize, char *csrf, size_t tsize)
{
    char path[128];
    char pw[128] = "";
    char line[256];
    char body[256];
    FILE *f;
    struct httptest_resp r;
    char *set;

    (void)snprintf(path, sizeof path, "%s/demo-users", srv.data_dir);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "no %s", path);
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "password %127s", pw) == 1) {
            break;
        }
    }
    (void)fclose(f);
    ck_assert_msg(pw[0], "no password in %s", path);
    (void)snprintf(body, sizeof body, "{\"login\":\"maria\",\"password\":\"%s\"}", pw);
    httptest_json(&srv, "POST", "/api/auth/login", NULL, body, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    set = httptest_header(&r, "Set-Cookie");
    ck_assert_ptr_nonnull(set);
    (void)snprintf(cookie, csize, "Cookie: %.*s", (int)strcspn(set, ";"), set);
    (void)snprintf(csrf, tsize, "X-CSRF-Token: %s",
                   json_string_value(json_object_get(r.json, "csrfToken")));
    free(set);
    httptest_resp_free(&r);
}

/* The key of the first open task, or NULL (malloc'ed). */
static char *first_task(void)
{
    struct httptest_resp r;
    const json_t *t;
    char *key = NULL;

    httptest_json(&srv, "GET", "/api/tasks", ADMIN, NULL, &r);
    t = json_array_get(json_object_get(r.json, "items"), 0);
    if (t) {
        ck_assert_str_eq(json_string_value(json_object_get(t, "assignee")), "maria@acme.example");
        key = strdup(json_string_value(json_object_get(t, "key")));
    }
    httptest_resp_free(&r);
    return key;
}

/* Maria's open task, once the instance gets there. */
static char *wait_for_task(void)
{
    for (int i = 0; i < 300; i++) {
        char *key = first_task();

        if (key) {
            return key;
        }
        sleep_ms(100);
    }
    ck_abort_msg("the approval task never came");
    return NULL;
}

static void approve(const char *task)
{
    char cookie[512], csrf[128], origin[128], path[128];
    const char *headers[] = {cookie, csrf, origin, "Content-Type: application/json", NULL};
    const char *body = "{\"variables\":{\"approved\":true}}";
    struct httptest_resp r;

    login_maria(cookie, sizeof cookie, csrf, sizeof csrf);
    (void)snprintf(origin, sizeof origin, "Origin: %s", srv.url);
    (void)snprintf(path, sizeof path, "/api/tasks/%s/complete", task);
    httptest_request(&srv, "POST", path, NULL, NULL, body, strlen(body), headers, &r);
    ck_assert_msg(r.status / 100 == 2, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
}

static json_t *wait_completed(const char *inst)
{
    char path[128];

    (void)snprintf(path, sizeof path, "/api/instances/%s", inst);
    for (int i = 0; i < 300; i++) {
        struct httptest_resp r;
        json_t *doc;

        httptest_json(&srv, "GET", path, ADMIN, NULL, &r);
        doc = json_incref(r.json);
        httptest_resp_free(&r);
        if (strcmp(json_string_value(json_object_get(doc, "state")), "completed") == 0) {
            return doc;
        }
        json_decref(doc);
        sleep_ms(100);
    }
    ck_abort_msg("instance %s did not complete", inst);
    return NULL;
}

/* "service METHOD path" of each recorded call, one per line. */
static void calls_text(const json_t *calls, char *out, size_t size)
{
    size_t i, n = 0;
    const json_t *c;

    out[0] = '\0';
    json_array_foreach(calls, i, c)
    {
        n += (size_t)snprintf(out + n, size - n, "%s %s %s %lld\n",
                              json_string_value(json_object_get(c, "service")),
                              json_string_value(json_object_get(c, "method")),
                              json_string_value(json_object_get(c, "path")),
                              (long long)json_integer_value(json_object_get(c, "status")));
        ck_assert_msg(json_is_true(json_object_get(c, "auth_ok")), "unauthenticated call %zu", i);
        ck_assert_uint_lt(n, size);
    }
}

/* The first recorded call to 'path' whose body holds 'needle', once it is
 * made (a new reference). */
static json_t *wait_for_call(const char *path, const char *needle)
{
    for (int i = 0; i < 300; i++) {
        json_t *calls = control("GET", "/_sandbox/calls?service=slack", NULL);
        size_t j;
        const json_t *c;

        json_array_foreach(json_object_get(calls, "calls"), j, c)
        {
            const char *body = json_string_value(json_object_get(c, "body"));

            if (strcmp(json_string_value(json_object_get(c, "path")), path) == 0 && body &&
                strstr(body, needle)) {
                json_t *found = json_incref((json_t *)c);

                json_decref(calls);
                return found;
            }
        }
        json_decref(calls);
        sleep_ms(100);
    }
    ck_abort_msg("no call to %s with %s", path, needle);
    return NULL;
}

/* The Slack approval request for the task, once the notify job posted it
 * (before a decision: a notify job of a task decided first is dropped). */
static json_t *wait_for_approval_request(void)
{
    return wait_for_call("/slack/api/chat.postMessage", "ordo_approval");
}

START_TEST(onboarding_runs_end_to_end_against_the_sandbox)
{
    json_t *faults = control("POST", "/_sandbox/faults",
                             "{\"service\":\"github\",\"path\":\"/orgs/acme/invitations\","
                             "\"method\":\"POST\",\"status\":429,\"retry_after\":1,\"times\":1}");
    char *inst = deploy_and_start();
    char *task = wait_for_task();
    json_t *done, *vars, *calls;
    const json_t *invites[2] = {NULL, NULL};
    char text[4096];
    size_t i, ninv = 0;
    const json_t *c;

    json_decref(wait_for_approval_request());
    approve(task);
    done = wait_completed(inst);
    vars = json_object_get(done, "variables");
    ck_assert_str_eq(json_string_value(json_object_get(vars, "employee_name")), "Nora Newhire");
    ck_assert_str_eq(json_string_value(json_object_get(vars, "manager_email")),
                     "maria@acme.example");
    ck_assert_str_eq(json_string_value(json_object_get(vars, "ticket_key")), "ONB-1");
    ck_assert_ptr_nonnull(json_object_get(vars, "github_invitation"));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(vars, "welcome_ts")));

    calls = control("GET", "/_sandbox/calls", NULL);
    calls_text(json_object_get(calls, "calls"), text, sizeof text);
    /* The GitHub connector looks the team up again on its retry. */
    ck_assert_str_eq(text, "bamboohr GET /bamboohr/api/gateway.php/acme/v1/employees/102 200\n"
                           "jira POST /jira/rest/api/3/issue 201\n"
                           "slack POST /slack/api/chat.postMessage 200\n"
                           "github GET /github/orgs/acme/teams 200\n"
                           "github POST /github/orgs/acme/invitations 429\n"
                           "github GET /github/orgs/acme/teams 200\n"
                           "github POST /github/orgs/acme/invitations 201\n"
                           "slack POST /slack/api/chat.postMessage 200\n");
    json_array_foreach(json_object_get(calls, "calls"), i, c)
    {
        if (strstr(json_string_value(json_object_get(c, "path")), "invitations") && ninv < 2) {
            invites[ninv++] = c;
        }
    }
    ck_assert_uint_eq(ninv, 2);
    ck_assert_str_ne(json_string_value(json_object_get(invites[0], "idempotency_key")), "");
    ck_assert_str_eq(json_string_value(json_object_get(invites[0], "idempotency_key")),
                     json_string_value(json_object_get(invites[1], "idempotency_key")));
    json_decref(calls);
    json_decref(faults);
    json_decref(done);
    free(task);
    free(inst);
}
END_TEST

/* ---- issue 7: the same process from a webhook, decided in Slack ------------------------------ */

#define BAMBOOHR_KEY   "demo-bamboohr-webhook-key"
#define SLACK_SIGNING  "8f1c2b7e0d9a4c3b5e6f7a8b9c0d1e2f"
#define SLACK_ENDPOINT "/hooks/slack-approvals"

static void admin_put(const char *path, const char *body, long want)
{
    struct httptest_resp r;

    httptest_json(&srv, "PUT", path, ADMIN, body, &r);
    ck_assert_msg(r.status == want, "PUT %s: %ld %s", path, r.status, r.body);
    httptest_resp_free(&r);
}

/* application/x-www-form-urlencoded value of 'text'. */
static char *form_escape(const char *text)
{
    CURL *c = curl_easy_init();
    char *e = curl_easy_escape(c, text, 0);
    char *out = strdup(e);

    curl_free(e);
    curl_easy_cleanup(c);
    return out;
}

/* A Slack interactivity post: 'user' clicked 'action' on the message 'ts'
 * carrying 'token', signed with the app's signing secret as Slack does
 * (v0 over "v0:" timestamp ":" body). The status of the answer. */
static long slack_click(const char *user, const char *action, const char *token, const char *ts,
                        const char *trigger)
{
    char payload[1024], sig[96], stamp[64], sighdr[128], *body, *esc;
    const char *headers[] = {stamp, sighdr, "Content-Type: application/x-www-form-urlencoded",
                             NULL};
    uint8_t mac[ORDO_HMAC_SHA256_SIZE];
    char *signed_text;
    struct httptest_resp r;
    long status;
    long long now = (long long)time(NULL);

    (void)snprintf(payload, sizeof payload,
                   "{\"type\":\"block_actions\",\"user\":{\"id\":\"%s\"},\"trigger_id\":\"%s\","
                   "\"channel\":{\"id\":\"C001\"},\"container\":{\"type\":\"message\","
                   "\"message_ts\":\"%s\",\"channel_id\":\"C001\"},\"message\":{\"ts\":\"%s\"},"
                   "\"actions\":[{\"type\":\"button\",\"block_id\":\"ordo_approval\","
                   "\"action_id\":\"%s\",\"value\":\"%s\",\"action_ts\":\"%lld.000100\"}]}",
                   user, trigger, ts, ts, action, token, now);
    esc = form_escape(payload);
    body = malloc(strlen(esc) + 16);
    (void)sprintf(body, "payload=%s", esc); /* checksrc:allow: sized just above */
    signed_text = malloc(strlen(body) + 64);
    (void)sprintf(signed_text, "v0:%lld:%s", now, body); /* checksrc:allow: sized just above */
    ordo_hmac_sha256(SLACK_SIGNING, strlen(SLACK_SIGNING), signed_text, strlen(signed_text), mac);
    ordo_hex(mac, sizeof mac, sig);
    (void)snprintf(stamp, sizeof stamp, "X-Slack-Request-Timestamp: %lld", now);
    (void)snprintf(sighdr, sizeof sighdr, "X-Slack-Signature: v0=%s", sig);
    httptest_request(&srv, "POST", SLACK_ENDPOINT, NULL, NULL, body, strlen(body), headers, &r);
    status = r.status;
    httptest_resp_free(&r);
    free(signed_text);
    free(body);
    free(esc);
    return status;
}

/* The button value (the token) of an approval request, and the ts of the
 * message it became (from the sandbox's state: the call record has no
 * answer). */
static void token_of(const json_t *call, char *token, size_t tsize, char *ts, size_t tssize)
{
    json_t *body = json_loads(json_string_value(json_object_get(call, "body")), 0, NULL);
    const json_t *button = json_array_get(
        json_object_get(json_array_get(json_object_get(body, "blocks"), 1), "elements"), 0);
    json_t *state = control("GET", "/_sandbox/state", NULL);
    size_t i;
    const json_t *m;

    ck_assert_str_eq(json_string_value(json_object_get(button, "action_id")), "approve");
    (void)snprintf(token, tsize, "%s", json_string_value(json_object_get(button, "value")));
    ck_assert_uint_ge(strlen(token), 32);
    ts[0] = '\0';
    json_array_foreach(json_object_get(json_object_get(state, "slack"), "messages"), i, m)
    {
        const char *id = json_string_value(
            json_object_get(json_array_get(json_object_get(m, "blocks"), 1), "block_id"));

        if (id && strcmp(id, "ordo_approval") == 0) {
            (void)snprintf(ts, tssize, "%s", json_string_value(json_object_get(m, "ts")));
        }
    }
    ck_assert_msg(ts[0], "the approval message is not in the sandbox's channel");
    json_decref(state);
    json_decref(body);
}

/* The state of task 'key'. */
static char *task_state(const char *key)
{
    char path[128];
    struct httptest_resp r;
    char *state;

    (void)snprintf(path, sizeof path, "/api/tasks/%s", key);
    httptest_json(&srv, "GET", path, ADMIN, NULL, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    state = strdup(json_string_value(json_object_get(r.json, "state")));
    httptest_resp_free(&r);
    return state;
}

START_TEST(a_signed_webhook_starts_onboarding_and_slack_decides_it)
{
    char hook[256], token[128], ts[64];
    json_t *sent, *request, *done;
    struct httptest_resp r;
    char *task, *inst, *state;

    deploy();
    admin_put("/api/webhooks/endpoints/bamboohr-new-hire", "{\"secret\":\"" BAMBOOHR_KEY "\"}",
              200);
    admin_put("/api/webhooks/endpoints/slack-approvals",
              "{\"scheme\":\"slack\",\"action\":\"slack_approval\",\"secret\":\"" SLACK_SIGNING
              "\"}",
              201);
    /* Dana is in Ordo and in Slack (U002), but only a viewer. */
    httptest_json(&srv, "POST", "/api/users", ADMIN,
                  "{\"login\":\"dana\",\"email\":\"dana@acme.example\",\"slackUserId\":\"U002\","
                  "\"roles\":[\"viewer\"]}",
                  &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);

    /* BambooHR (the sandbox) reports Nora, signed with the webhook's key. */
    (void)snprintf(hook, sizeof hook,
                   "{\"url\":\"%s/hooks/bamboohr-new-hire\",\"secret\":\"" BAMBOOHR_KEY
                   "\",\"employee_id\":\"102\"}",
                   srv.url);
    sent = control("POST", "/_sandbox/bamboohr/webhook", hook);
    ck_assert_int_eq(json_integer_value(json_object_get(sent, "status")), 200);
    json_decref(sent);
    task = wait_for_task();
    httptest_json(&srv, "GET", "/api/tasks", ADMIN, NULL, &r);
    inst = strdup(json_string_value(
        json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "instanceKey")));
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), 1);

    /* The request in #general carries the task's token. */
    request = wait_for_approval_request();
    token_of(request, token, sizeof token, ts, sizeof ts);
    json_decref(request);

    /* Dana clicks Approve: refused in private, the task keeps waiting. */
    ck_assert_int_eq(slack_click("U002", "approve", token, ts, "trig-dana"), 200);
    json_decref(wait_for_call("/slack/api/chat.postEphemeral", "not an approver"));
    state = task_state(task);
    ck_assert_str_eq(state, "created");
    free(state);

    /* A bad signature changes nothing either. */
    {
        const char *headers[] = {"X-Slack-Request-Timestamp: 1", "X-Slack-Signature: v0=00",
                                 "Content-Type: application/x-www-form-urlencoded", NULL};

        httptest_request(&srv, "POST", SLACK_ENDPOINT, NULL, NULL, "payload=%7B%7D", 14, headers,
                         &r);
        ck_assert_int_eq(r.status, 401);
        httptest_resp_free(&r);
    }

    /* Maria (U001, the assignee, an approver) approves: the instance runs to its end. */
    ck_assert_int_eq(slack_click("U001", "approve", token, ts, "trig-maria"), 200);
    done = wait_completed(inst);
    ck_assert(json_is_true(json_object_get(json_object_get(done, "variables"), "approved")));
    json_decref(wait_for_call("/slack/api/chat.update", "Approved by <@U001>"));
    json_decref(done);

    /* Slack retries the same click: acknowledged, ignored. */
    ck_assert_int_eq(slack_click("U001", "approve", token, ts, "trig-maria"), 200);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), 1);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM user_task WHERE state = "
                                          "'completed' AND completed_by = 'user:maria'"),
                     1);
    free(task);
    free(inst);
}
END_TEST

/* The demo's tokens (docs/sandbox.md) never leave the vault in clear. */
START_TEST(the_demo_secrets_appear_nowhere_the_server_writes)
{
    static const char *const secrets[] = {"xoxb-sandbox-token", "sandbox-jira-token",
                                          "ghp_sandbox_token", "sandbox-bamboohr-key"};
    struct httptest_resp r;
    char sql[256];

    httptest_json(&srv, "GET", "/api/credentials", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 4);
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        ck_assert_ptr_null(strstr(r.body, secrets[i]));
        (void)snprintf(sql, sizeof sql,
                       "SELECT count(*) FROM audit WHERE payload::text LIKE '%%%s%%'", secrets[i]);
        ck_assert_int_eq(httptest_count(&srv, sql), 0);
        (void)snprintf(sql, sizeof sql,
                       "SELECT count(*) FROM credential c WHERE c::text LIKE '%%%s%%'", secrets[i]);
        ck_assert_int_eq(httptest_count(&srv, sql), 0);
    }
    httptest_resp_free(&r);
}
END_TEST

/* ---- issue 8: the README's sentence, drafted offline, deployed and run ---------------------- */

#define README_TEXT                                                                           \
    "New employee onboarding: when BambooHR adds an employee, open a Jira ticket, ask their " \
    "manager to approve a laptop, then invite them to GitHub and welcome them in Slack."

/* The draft of 'text', once the draft workers have made it. */
static json_t *wait_draft(const char *key)
{
    char path[128];

    (void)snprintf(path, sizeof path, "/api/drafts/%s", key);
    for (int i = 0; i < 300; i++) {
        struct httptest_resp r;
        json_t *doc;
        const char *status;

        httptest_json(&srv, "GET", path, ADMIN, NULL, &r);
        ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
        doc = json_incref(r.json);
        httptest_resp_free(&r);
        status = json_string_value(json_object_get(doc, "status"));
        if (strcmp(status, "queued") != 0 && strcmp(status, "running") != 0) {
            return doc;
        }
        json_decref(doc);
        sleep_ms(100);
    }
    ck_abort_msg("the draft was never finished");
    return NULL;
}

START_TEST(the_readme_sentence_drafted_offline_runs_end_to_end)
{
    struct httptest_resp r;
    json_t *draft, *body, *done, *calls;
    char path[128], text[4096], key[32], start[256], *dumped;
    const char *process_id;

    body = json_pack("{s:s}", "text", README_TEXT);
    dumped = json_dumps(body, JSON_COMPACT);
    httptest_json(&srv, "POST", "/api/drafts", ADMIN, dumped, &r);
    free(dumped);
    json_decref(body);
    ck_assert_msg(r.status == 202, "%ld %s", r.status, r.body);
    (void)snprintf(key, sizeof key, "%s", json_string_value(json_object_get(r.json, "key")));
    httptest_resp_free(&r);

    draft = wait_draft(key);
    ck_assert_msg(json_is_true(json_object_get(draft, "usable")), "%s",
                  json_dumps(draft, JSON_COMPACT));
    ck_assert_uint_eq(json_array_size(json_object_get(draft, "unplaced")), 0);
    process_id = json_string_value(
        json_object_get(json_object_get(json_object_get(draft, "ir"), "process"), "id"));
    ck_assert_ptr_nonnull(process_id);

    (void)snprintf(path, sizeof path, "/api/drafts/%s/deploy", key);
    httptest_json(&srv, "POST", path, ADMIN, NULL, &r);
    ck_assert_msg(r.status == 201 || r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_ptr_nonnull(json_object_get(r.json, "uses"));
    httptest_resp_free(&r);

    (void)snprintf(start, sizeof start,
                   "{\"processId\":\"%s\",\"variables\":{\"employee_id\":\"102\"}}", process_id);
    httptest_json(&srv, "POST", "/api/instances", ADMIN, start, &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    (void)snprintf(path, sizeof path, "%s", json_string_value(json_object_get(r.json, "key")));
    httptest_resp_free(&r);

    {
        char *task = wait_for_task();

        approve(task);
        free(task);
    }
    done = wait_completed(path);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(done, "variables"), "employee_name")),
        "Nora Newhire");
    calls = control("GET", "/_sandbox/calls", NULL);
    calls_text(json_object_get(calls, "calls"), text, sizeof text);
    ck_assert_msg(strstr(text, "bamboohr GET /bamboohr/api/gateway.php/acme/v1/employees/102 200"),
                  "%s", text);
    ck_assert_msg(strstr(text, "jira POST /jira/rest/api/3/issue 201"), "%s", text);
    ck_assert_msg(strstr(text, "github POST /github/orgs/acme/invitations 201"), "%s", text);
    ck_assert_msg(strstr(text, "slack POST /slack/api/chat.postMessage 200"), "%s", text);
    json_decref(calls);
    json_decref(done);
    json_decref(draft);
}
END_TEST

static Suite *demo_suite(void)
{
    Suite *s = suite_create("demo");
    TCase *tc = tcase_create("demo");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, onboarding_runs_end_to_end_against_the_sandbox);
    tcase_add_test(tc, the_demo_secrets_appear_nowhere_the_server_writes);
    tcase_add_test(tc, a_signed_webhook_starts_onboarding_and_slack_decides_it);
    tcase_add_test(tc, the_readme_sentence_drafted_offline_runs_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(demo_suite)
