/*
 * tests/integration/test_demo.c - `ordo serve --demo` runs the onboarding
 * example end to end (issue 6, "Must show" 2): BambooHR employee -> Jira
 * ticket -> the manager's approval -> GitHub invitation -> Slack welcome,
 * against the sandbox the server started itself. The sandbox saw exactly
 * the expected calls; a 429 injected into the GitHub invitation is retried
 * with the same idempotency key; the demo's secrets appear nowhere the
 * server writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

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

static char *deploy_and_start(void)
{
    char path[1024];
    FILE *f;
    char *xml = malloc(1 << 20);
    size_t len;
    struct httptest_resp r;
    char *key;

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

static Suite *demo_suite(void)
{
    Suite *s = suite_create("demo");
    TCase *tc = tcase_create("demo");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, onboarding_runs_end_to_end_against_the_sandbox);
    tcase_add_test(tc, the_demo_secrets_appear_nowhere_the_server_writes);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(demo_suite)
