/*
 * tests/integration/test_http_webhooks.c - inbound webhooks end to end
 * (docs/webhooks.md; CONTRACTS §14) on a real `ordo serve` and PostgreSQL:
 * ordo:webhook endpoints registered at deploy, secrets set by API, signed
 * deliveries posted over loopback, the instances the workers start and
 * the messages they deliver, what is refused (401, 400, 404, 413) and that
 * a refused delivery stores nothing; the endpoints API with roles; and the
 * BambooHR sender of ordo-sandbox starting onboarding.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "base/crypto.h"
#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"
#include "tests/integration/sandboxtest.h"
#include "webhooks/standard.h"

#define ADMIN_KEY HTTPTEST_ADMIN_KEY
#define SECRET    "gh-secret-1"
#define PUSH_BODY "{\"repository\":{\"name\":\"ordo\"},\"commits\":[{\"id\":\"a\"},{\"id\":\"b\"}]}"

static struct httptest srv;

static void deploy_file(const char *path_or_fixture, bool fixture)
{
    struct httptest_resp r;
    size_t len = 0;
    char *xml = NULL;

    if (fixture) {
        xml = httptest_fixture(path_or_fixture, &len);
    } else {
        FILE *f = fopen(path_or_fixture, "rb");

        ck_assert_ptr_nonnull(f);
        xml = calloc(1, 1 << 20);
        len = fread(xml, 1, (1 << 20) - 1, f);
        (void)fclose(f);
    }
    httptest_request(&srv, "POST", "/api/deployments", ADMIN_KEY, "application/xml", xml, len, NULL,
                     &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    free(xml);
}

static void hex_mac(const char *secret, const char *a, const char *b, char *out)
{
    char *msg = malloc(strlen(a) + strlen(b) + 1);
    uint8_t mac[ORDO_HMAC_SHA256_SIZE];

    (void)snprintf(msg, strlen(a) + strlen(b) + 1, "%s%s", a, b);
    ordo_hmac_sha256(secret, strlen(secret), msg, strlen(msg), mac);
    ordo_hex(mac, sizeof mac, out);
    free(msg);
}

/* POST a GitHub-style delivery signed with 'secret' (NULL: unsigned). */
static long post_github(const char *name, const char *secret, const char *id, const char *body,
                        json_t **out)
{
    char sig[128] = "X-Hub-Signature-256: sha256=", idh[128], path[128];
    const char *headers[4] = {idh, NULL, NULL, NULL};
    struct httptest_resp r;
    long status;

    (void)snprintf(idh, sizeof idh, "X-GitHub-Delivery: %s", id);
    if (secret) {
        hex_mac(secret, body, "", sig + strlen(sig));
        headers[1] = sig;
    }
    (void)snprintf(path, sizeof path, "/hooks/%s", name);
    httptest_request(&srv, "POST", path, NULL, "application/json", body, strlen(body), headers, &r);
    status = r.status;
    if (out) {
        *out = json_incref(r.json);
    }
    httptest_resp_free(&r);
    return status;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

static long count(const char *sql)
{
    return httptest_count(&srv, sql);
}

/* Wait up to 20 s for 'sql' to count 'want'. */
static long wait_count(const char *sql, long want)
{
    long n = -1;

    for (int i = 0; i < 200 && (n = count(sql)) != want; i++) {
        sleep_ms(100);
    }
    return n;
}

static void setup(void)
{
    struct ordo_err err;

    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
}

/* ---- start endpoints ------------------------------------------------------------------------ */

static void set_secret(const char *name, const char *secret)
{
    char path[128], body[256];

    (void)snprintf(path, sizeof path, "/api/webhooks/endpoints/%s", name);
    (void)snprintf(body, sizeof body, "{\"secret\":\"%s\"}", secret);
    ck_assert_int_eq(httptest_call(&srv, "PUT", path, ADMIN_KEY, body, NULL), 200);
}

static void check_started_instance(void)
{
    json_t *inst = NULL;
    char path[128];
    PGconn *db = httptest_db(&srv);
    PGresult *res = PQexec(db, "SELECT instance_key::text FROM webhook_delivery WHERE endpoint = "
                               "'gh-push' AND state = 'done'");

    ck_assert_int_eq(PQntuples(res), 1);
    (void)snprintf(path, sizeof path, "/api/instances/%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(db);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN_KEY, NULL, &inst), 200);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(inst, "variables"), "repo")),
                     "ordo");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(inst, "variables"), "size")), 2);
    json_decref(inst);
}

START_TEST(a_signed_delivery_starts_one_instance_and_refusals_store_nothing)
{
    static const char *const env[] = {"ORDO_WEBHOOK_MAX_BODY=4096", NULL};
    json_t *out = NULL;
    char *text;

    httptest_start(&srv, "http_webhooks", env);
    deploy_file("hook-start.bpmn", true);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/webhooks/endpoints/gh-push", ADMIN_KEY, NULL, &out), 200);
    ck_assert(json_is_false(json_object_get(out, "secret_set")));
    ck_assert_str_eq(json_string_value(json_object_get(out, "source")), "bpmn");
    json_decref(out);

    /* No secret yet: fail closed. */
    ck_assert_int_eq(post_github("gh-push", SECRET, "d-1", PUSH_BODY, NULL), 401);
    set_secret("gh-push", SECRET);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/webhooks/endpoints/gh-push", ADMIN_KEY, NULL, &out), 200);
    ck_assert(json_is_true(json_object_get(out, "secret_set")));
    text = json_dumps(out, 0);
    ck_assert_ptr_null(strstr(text, SECRET)); /* never shown */
    free(text);
    json_decref(out);

    /* Refused: unsigned, wrong secret, tampered body; unknown endpoint. */
    ck_assert_int_eq(post_github("gh-push", NULL, "d-1", PUSH_BODY, NULL), 401);
    ck_assert_int_eq(post_github("gh-push", "other", "d-1", PUSH_BODY, NULL), 401);
    ck_assert_int_eq(post_github("gh-nope", SECRET, "d-1", PUSH_BODY, NULL), 404);
    ck_assert_int_eq(post_github("gh-push", SECRET, "d-x", "not json", NULL), 400);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_delivery"), 0);

    /* Accepted, then worked: one instance with the mapped variables. */
    ck_assert_int_eq(post_github("gh-push", SECRET, "d-1", PUSH_BODY, &out), 200);
    ck_assert_str_eq(json_string_value(json_object_get(out, "status")), "accepted");
    json_decref(out);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM webhook_delivery WHERE state = 'done'", 1),
                     1);
    ck_assert_int_eq(count("SELECT count(*) FROM instance i JOIN definition d ON d.key = "
                           "i.definition_key WHERE d.process_id = 'hook_start'"),
                     1);
    check_started_instance();

    /* The same delivery again: acknowledged, ignored. */
    ck_assert_int_eq(post_github("gh-push", SECRET, "d-1", PUSH_BODY, &out), 200);
    ck_assert_str_eq(json_string_value(json_object_get(out, "status")), "duplicate");
    json_decref(out);
    sleep_ms(500);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_delivery"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM instance i JOIN definition d ON d.key = "
                           "i.definition_key WHERE d.process_id = 'hook_start'"),
                     1);

    /* Suspended: the endpoint is off, nothing is stored. */
    PGconn *db = httptest_db(&srv);
    PGresult *res = PQexec(db, "SELECT key::text FROM definition WHERE process_id = 'hook_start'");
    char path[128];

    (void)snprintf(path, sizeof path, "/api/definitions/%s/suspend", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(db);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN_KEY, NULL, NULL), 204);
    ck_assert_int_eq(post_github("gh-push", SECRET, "d-2", PUSH_BODY, NULL), 404);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_delivery WHERE delivery_id = 'd-2'"), 0);
    httptest_stop(&srv);
}
END_TEST

/* ---- message endpoints ---------------------------------------------------------------------- */

static long post_hmac(const char *body, const char *id)
{
    char sig[128] = "X-Sig: sha256=", idh[64];
    const char *headers[3] = {sig, idh, NULL};
    struct httptest_resp r;
    long status;

    hex_mac(SECRET, body, "", sig + strlen(sig));
    (void)snprintf(idh, sizeof idh, "X-Id: %s", id);
    httptest_request(&srv, "POST", "/hooks/payments", NULL, "application/json", body, strlen(body),
                     headers, &r);
    status = r.status;
    httptest_resp_free(&r);
    return status;
}

/* The status line's code of a POST to 'path' that announces 'length'
 * bytes of body and sends none: the server must answer from the headers
 * alone (0: no answer within 5 s, as when it waits for the body). */
static long announce_only(const char *path, long length)
{
    int port = (int)strtol(strrchr(srv.url, ':') + 1, NULL, 10);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {5, 0};
    char req[256], resp[256] = "";
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    long status = 0;
    ssize_t n;

    ck_assert_int_ge(fd, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)snprintf(req, sizeof req,
                   "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   "Content-Length: %ld\r\n\r\n",
                   path, length);
    ck_assert_int_eq(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
    n = recv(fd, resp, sizeof resp - 1, 0);
    if (n > 9 && strncmp(resp, "HTTP/1.1 ", 9) == 0) {
        status = strtol(resp + 9, NULL, 10);
    } else if (n > 0) {
        status = -1;
    }
    (void)close(fd);
    return status;
}

START_TEST(a_message_endpoint_correlates_and_the_body_limit_holds)
{
    static const char *const env[] = {"ORDO_WEBHOOK_MAX_BODY=4096", NULL};
    json_t *out = NULL;
    char big[5000];

    httptest_start(&srv, "http_webhooks_msg", env);
    deploy_file("hook-message.bpmn", true);
    set_secret("payments", SECRET);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", "/api/instances", ADMIN_KEY,
                      "{\"processId\":\"hook_message\",\"variables\":{\"orderId\":\"o-1\"}}", &out),
        201);
    json_decref(out);
    ck_assert_int_eq(post_hmac("{\"order\":\"o-1\",\"amount\":5}", "p-1"), 200);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM user_task WHERE element_id = 'ship'", 1), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_delivery WHERE endpoint = 'payments' "
                           "AND state = 'done' AND instance_key IS NULL"),
                     1);
    /* A replay of the same id is a duplicate: no second message. */
    ck_assert_int_eq(post_hmac("{\"order\":\"o-1\",\"amount\":5}", "p-1"), 200);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_delivery"), 1);

    memset(big, ' ', sizeof big - 1);
    big[0] = '{';
    big[sizeof big - 2] = '}';
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(post_hmac(big, "p-big"), 413);
    ck_assert_int_eq(count("SELECT count(*) FROM webhook_delivery"), 1);
    /* Decided from the headers, before any of the body is read: an unknown
     * endpoint, and a body announced over this endpoint's limit. */
    ck_assert_int_eq(announce_only("/hooks/no-such-endpoint", 20L * 1024 * 1024), 404);
    ck_assert_int_eq(announce_only("/hooks/payments", 2L * 1024 * 1024), 413);

    /* A mapping that fails: the delivery fails at once, with the message. */
    ck_assert_int_eq(post_hmac("{\"amount\":1}", "p-2"), 200); /* correlationKey gives null */
    ck_assert_int_eq(wait_count("SELECT count(*) FROM webhook_delivery WHERE state = 'failed' "
                                "AND attempts = 1 AND error LIKE '%correlationKey%'",
                                1),
                     1);
    httptest_stop(&srv);
}
END_TEST

/* ---- the API ------------------------------------------------------------------------------- */

START_TEST(endpoints_api_crud_roles_and_standard_webhooks)
{
    char whsec[ORDO_WHSEC_TEXT], sig[ORDO_WH_SIG_SIZE], body[512], ts[32], h1[64], h2[64], h3[128];
    uint8_t key[ORDO_WHSEC_MAX];
    size_t keylen = 0;
    const char *headers[4] = {h1, h2, h3, NULL};
    struct httptest_resp r;
    json_t *out = NULL;
    char *viewer, *operator;

    httptest_start(&srv, "http_webhooks_api", NULL);
    deploy_file("hook-start.bpmn", true);
    viewer = httptest_user_key(&srv, ADMIN_KEY, "vera", "[\"viewer\"]");
    operator= httptest_user_key(&srv, ADMIN_KEY, "otto", "[\"operator\"]");
    ordo_whsec_new(whsec);
    (void)snprintf(body, sizeof body,
                   "{\"scheme\":\"standard\",\"action\":\"start\",\"processId\":\"hook_start\","
                   "\"secret\":\"%s\"}",
                   whsec);
    ck_assert_int_eq(
        httptest_call(&srv, "PUT", "/api/webhooks/endpoints/std-hook", operator, body, NULL), 403);
    ck_assert_int_eq(
        httptest_call(&srv, "PUT", "/api/webhooks/endpoints/std-hook", ADMIN_KEY, body, NULL), 201);
    ck_assert_int_eq(
        httptest_call(&srv, "PUT", "/api/webhooks/endpoints/Bad%20Name", ADMIN_KEY, body, NULL),
        422);
    /* Approvals trust the click's Slack user: only Slack's signature may vouch for it. */
    ck_assert_int_eq(
        httptest_call(&srv, "PUT", "/api/webhooks/endpoints/approvals", ADMIN_KEY,
                      "{\"scheme\":\"github\",\"action\":\"slack_approval\",\"secret\":\"s\"}",
                      NULL),
        422);
    ck_assert_int_eq(
        httptest_call(&srv, "PUT", "/api/webhooks/endpoints/u", ADMIN_KEY,
                      "{\"scheme\":\"unsigned\",\"action\":\"start\",\"processId\":\"x\"}", NULL),
        422); /* without the admin flag */
    ck_assert_int_eq(httptest_call(&srv, "PUT", "/api/webhooks/endpoints/gh-push", ADMIN_KEY,
                                   "{\"scheme\":\"jira\"}", NULL),
                     409); /* a BPMN endpoint's scheme is the model's */
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/webhooks/endpoints", viewer, NULL, &out),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 2);
    json_decref(out);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/webhooks/endpoints?limit=1", viewer, NULL, &out), 200);
    ck_assert_str_eq(json_string_value(json_object_get(out, "next")), "gh-push");
    json_decref(out);

    /* A Standard Webhooks delivery: valid, then stale. */
    ck_assert(ordo_whsec_parse(whsec, key, &keylen));
    (void)snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    ordo_wh_sign(key, keylen, "msg_1", ts, PUSH_BODY, strlen(PUSH_BODY), sig);
    (void)snprintf(h1, sizeof h1, "webhook-id: msg_1");
    (void)snprintf(h2, sizeof h2, "webhook-timestamp: %s", ts);
    (void)snprintf(h3, sizeof h3, "webhook-signature: %s", sig);
    httptest_request(&srv, "POST", "/hooks/std-hook", NULL, "application/json", PUSH_BODY,
                     strlen(PUSH_BODY), headers, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    (void)snprintf(ts, sizeof ts, "%lld", (long long)time(NULL) - 600);
    ordo_wh_sign(key, keylen, "msg_2", ts, PUSH_BODY, strlen(PUSH_BODY), sig);
    (void)snprintf(h1, sizeof h1, "webhook-id: msg_2");
    (void)snprintf(h2, sizeof h2, "webhook-timestamp: %s", ts);
    (void)snprintf(h3, sizeof h3, "webhook-signature: %s", sig);
    httptest_request(&srv, "POST", "/hooks/std-hook", NULL, "application/json", PUSH_BODY,
                     strlen(PUSH_BODY), headers, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_int_eq(r.len, 0); /* bare */
    httptest_resp_free(&r);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM webhook_delivery WHERE state = 'done'", 1),
                     1);
    ck_assert_int_eq(httptest_call(&srv, "GET",
                                   "/api/webhooks/endpoints/std-hook/deliveries", operator, NULL,
                                   &out),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 1);
    ck_assert_ptr_nonnull(json_string_value(
        json_object_get(json_array_get(json_object_get(out, "items"), 0), "instance_key")));
    json_decref(out);

    ck_assert_int_eq(
        httptest_call(&srv, "DELETE", "/api/webhooks/endpoints/gh-push", ADMIN_KEY, NULL, NULL),
        409);
    ck_assert_int_eq(
        httptest_call(&srv, "DELETE", "/api/webhooks/endpoints/std-hook", viewer, NULL, NULL), 403);
    ck_assert_int_eq(
        httptest_call(&srv, "DELETE", "/api/webhooks/endpoints/std-hook", ADMIN_KEY, NULL, NULL),
        204);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/webhooks/endpoints/std-hook", ADMIN_KEY, NULL, NULL), 404);
    ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE action LIKE 'webhook.endpoint.%'"), 2);
    ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE payload LIKE '%whsec_%'"), 0);
    free(viewer);
    free(operator);
    httptest_stop(&srv);
}
END_TEST

/* ---- the BambooHR sandbox sender ------------------------------------------------------------ */

START_TEST(the_bamboohr_sandbox_sender_starts_onboarding)
{
    struct sandboxtest sb = {0};
    struct httptest_resp r;
    char path[512], body[512];
    const char *orders[2] = {"body_then_timestamp", "timestamp_then_body"};

    httptest_start(&srv, "http_webhooks_bamboo", NULL);
    sandboxtest_start(&sb, NULL);
    (void)snprintf(path, sizeof path, "%s/examples/onboarding.bpmn", getenv("ORDOTEST_SOURCE_DIR"));
    deploy_file(path, false);
    set_secret("bamboohr-new-hire", "bamboo-key");
    for (int i = 0; i < 2; i++) {
        (void)snprintf(body, sizeof body,
                       "{\"url\":\"%s/hooks/bamboohr-new-hire\",\"secret\":\"bamboo-key\","
                       "\"employee_id\":\"102\",\"signature\":{\"order\":\"%s\",\"encoding\":"
                       "\"%s\"},\"timestamp\":\"%lld\"}",
                       srv.url, orders[i], i ? "base64" : "hex", (long long)time(NULL) + i);
        sandboxtest_control(&sb, "POST", "/_sandbox/bamboohr/webhook", body, &r);
        ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
        ck_assert_int_eq(json_integer_value(json_object_get(r.json, "status")), 200);
        httptest_resp_free(&r);
    }
    ck_assert_int_eq(wait_count("SELECT count(*) FROM webhook_delivery WHERE state = 'done'", 2),
                     2);
    ck_assert_int_eq(count("SELECT count(*) FROM instance i JOIN definition d ON d.key = "
                           "i.definition_key WHERE d.process_id = 'onboarding'"),
                     2);
    /* A wrong secret: the sandbox reports our 401. */
    (void)snprintf(body, sizeof body,
                   "{\"url\":\"%s/hooks/bamboohr-new-hire\",\"secret\":\"nope\","
                   "\"employee_id\":\"102\"}",
                   srv.url);
    sandboxtest_control(&sb, "POST", "/_sandbox/bamboohr/webhook", body, &r);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "status")), 401);
    httptest_resp_free(&r);
    PGconn *db = httptest_db(&srv);
    PGresult *res = PQexec(db, "SELECT instance_key::text FROM webhook_delivery LIMIT 1");
    json_t *inst = NULL;

    (void)snprintf(path, sizeof path, "/api/instances/%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(db);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN_KEY, NULL, &inst), 200);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(inst, "variables"), "employee_id")),
        "102");
    json_decref(inst);
    sandboxtest_cleanup(&sb);
    httptest_stop(&srv);
}
END_TEST

/* Worked deliveries go after webhook_retention; their ids may then come
 * again (the window of dedupe is the retention). */
START_TEST(worked_deliveries_are_purged_after_the_retention)
{
    static const char *const env[] = {"ORDO_WEBHOOK_RETENTION=1s", NULL};
    static const char body[] = "{\"repository\":{\"name\":\"r\"},\"commits\":[]}";

    httptest_start(&srv, "http_webhooks_purge", env);
    {
        /* One name per file, even across its processes: refused, nothing registered. */
        size_t len = 0;
        char *xml = httptest_fixture("hook-dup.bpmn", &len);
        struct httptest_resp r;

        httptest_request(&srv, "POST", "/api/deployments", ADMIN_KEY, "application/xml", xml, len,
                         NULL, &r);
        ck_assert_msg(r.status == 409 && strstr(r.body, "endpoint \\\"shared"), "%ld %s", r.status,
                      r.body);
        httptest_resp_free(&r);
        free(xml);
        ck_assert_int_eq(count("SELECT count(*) FROM webhook_endpoint"), 0);
    }
    deploy_file("hook-start.bpmn", true);
    set_secret("gh-push", SECRET);
    ck_assert_int_eq(post_github("gh-push", SECRET, "d-old", body, NULL), 200);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM instance", 1), 1);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM webhook_delivery", 0), 0);
    ck_assert_int_eq(post_github("gh-push", SECRET, "d-old", body, NULL), 200);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM instance", 2), 2);
    httptest_stop(&srv);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("http_webhooks");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, a_signed_delivery_starts_one_instance_and_refusals_store_nothing);
    tcase_add_test(tc, a_message_endpoint_correlates_and_the_body_limit_holds);
    tcase_add_test(tc, endpoints_api_crud_roles_and_standard_webhooks);
    tcase_add_test(tc, the_bamboohr_sandbox_sender_starts_onboarding);
    tcase_add_test(tc, worked_deliveries_are_purged_after_the_retention);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(make_suite)
