/*
 * tests/integration/test_http_c7.c - the Camunda 7 REST dialect under
 * /engine-rest (server/c7_*.c, docs/camunda7-rest.md) over real HTTP on a
 * real `ordo serve`: every route, typed variables both ways, the error
 * bodies, Basic and Bearer credentials, tenant refusals, and the
 * external-task API with its long poll, lock expiry, failures with
 * retries, incidents and BPMN errors caught by a boundary event.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN HTTPTEST_ADMIN_KEY
#define BASE  "/engine-rest"

static struct httptest srv;

static void setup(void)
{
    httptest_start(&srv, "http_c7", NULL);
}

static void teardown(void)
{
    httptest_stop(&srv);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One JSON call: the status, the body in '*out' (may be NULL), and a
 * check that every answer with a body is exactly application/json and
 * every error body carries the C7 fields. */
static long c7(const char *method, const char *path, const char *key, const char *json,
               json_t **out)
{
    struct httptest_resp r;
    char *type;
    long status;

    httptest_json(&srv, method, path, key, json, &r);
    status = r.status;
    type = httptest_header(&r, "Content-Type");
    if (r.len) {
        ck_assert_msg(type && strcmp(type, "application/json") == 0, "%s %s: Content-Type %s",
                      method, path, type ? type : "(none)");
    }
    if (status >= 400) {
        ck_assert_msg(json_is_string(json_object_get(r.json, "message")) &&
                          json_is_string(json_object_get(r.json, "type")),
                      "%s %s: %ld %s", method, path, status, r.body);
    }
    free(type);
    if (out) {
        *out = json_incref(r.json);
    }
    httptest_resp_free(&r);
    return status;
}

static const char *str(const json_t *obj, const char *name)
{
    const char *s = json_string_value(json_object_get(obj, name));

    ck_assert_msg(s != NULL, "no string %s", name);
    return s;
}

/* The multipart body Camunda Modeler sends (CamundaAPI.js deployDiagram). */
static void deploy_c7(const char *fixture, const char *tenant, long want, json_t **out)
{
    static const char *const headers[] = {"Accept: application/json", NULL};
    struct httptest_resp r;
    size_t len, n;
    char *xml = httptest_fixture(fixture, &len);
    size_t cap = len + 2048;
    char *body = malloc(cap);

    n = (size_t)snprintf(body, cap,
                         "--XyZ\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\n"
                         "%s\r\n--XyZ\r\nContent-Disposition: form-data; "
                         "name=\"deployment-source\"\r\n\r\nCamunda Modeler\r\n--XyZ\r\n"
                         "Content-Disposition: form-data; name=\"deploy-changed-only\"\r\n\r\n"
                         "true\r\n",
                         fixture);
    if (tenant) {
        n += (size_t)snprintf(body + n, cap - n,
                              "--XyZ\r\nContent-Disposition: form-data; name=\"tenant-id\"\r\n\r\n"
                              "%s\r\n",
                              tenant);
    }
    n +=
        (size_t)snprintf(body + n, cap - n,
                         "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                         "Content-Type: text/xml\r\n\r\n",
                         fixture, fixture);
    memcpy(body + n, xml, len);
    n += len;
    n += (size_t)snprintf(body + n, cap - n, "\r\n--XyZ--\r\n");
    httptest_request(&srv, "POST", BASE "/deployment/create", ADMIN,
                     "multipart/form-data; boundary=XyZ", body, n, headers, &r);
    ck_assert_msg(r.status == want, "%ld %s", r.status, r.body);
    if (out) {
        *out = json_incref(r.json);
    }
    httptest_resp_free(&r);
    free(body);
    free(xml);
}

/* Start the newest 'process' with typed 'vars' (JSON text): the instance id. */
static char *start(const char *process, const char *vars)
{
    char path[256], body[1024];
    json_t *out = NULL;
    char *id;

    (void)snprintf(path, sizeof path, BASE "/process-definition/key/%s/start", process);
    (void)snprintf(body, sizeof body, "{\"variables\":%s}", vars);
    ck_assert_int_eq(c7("POST", path, ADMIN, body, &out), 200);
    id = strdup(str(out, "id"));
    json_decref(out);
    return id;
}

/* The native view of an instance (GET /api/instances/{id}). */
static json_t *native(const char *id)
{
    char path[128];
    json_t *out = NULL;
    struct httptest_resp r;

    (void)snprintf(path, sizeof path, "/api/instances/%s", id);
    httptest_json(&srv, "GET", path, ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    out = json_incref(r.json);
    httptest_resp_free(&r);
    return out;
}

/* Whether the instance's history entered element 'el' (an "enter" among
 * the effects of its audit rows). */
static bool visited(const json_t *inst, const char *el)
{
    const json_t *row, *e;
    size_t i, k;

    json_array_foreach(json_object_get(inst, "history"), i, row)
    {
        json_array_foreach(json_object_get(json_object_get(row, "payload"), "effects"), k, e)
        {
            const char *event = json_string_value(json_object_get(e, "event"));
            const char *name = json_string_value(json_object_get(e, "element"));

            if (event && name && strcmp(event, "enter") == 0 && strcmp(name, el) == 0) {
                return true;
            }
        }
    }
    return false;
}

/* Poll the native view until the instance is no longer active (10 s). */
static json_t *wait_ended(const char *id)
{
    int64_t deadline = now_ms() + 10000;

    for (;;) {
        json_t *inst = native(id);

        if (strcmp(str(inst, "state"), "active") != 0) {
            return inst;
        }
        json_decref(inst);
        ck_assert_msg(now_ms() < deadline, "instance %s still active", id);
        nanosleep(&(struct timespec){0, 50L * 1000000}, NULL);
    }
}

static void base64(const char *in, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    size_t n = strlen(in), o = 0;

    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)in[i] << 16;

        v |= i + 1 < n ? (uint32_t)(unsigned char)in[i + 1] << 8 : 0;
        v |= i + 2 < n ? (uint32_t)(unsigned char)in[i + 2] : 0;
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = tab[i + 1 < n ? (v >> 6) & 63 : 64]; /* 64: the padding */
        out[o++] = tab[i + 2 < n ? v & 63 : 64];
    }
    out[o] = '\0';
}

/* GET 'path' with HTTP Basic 'login':'password': the status. */
static long basic_get(const char *path, const char *login, const char *password)
{
    char cred[512], enc[700], header[800];
    const char *headers[] = {header, "Accept: application/json", NULL};
    struct httptest_resp r;
    long status;

    (void)snprintf(cred, sizeof cred, "%s:%s", login, password);
    base64(cred, enc);
    (void)snprintf(header, sizeof header, "Authorization: Basic %s", enc);
    httptest_request(&srv, "GET", path, NULL, NULL, NULL, 0, headers, &r);
    status = r.status;
    if (status == 200) {
        char *type = httptest_header(&r, "Content-Type");

        ck_assert_str_eq(type, "application/json");
        free(type);
    }
    httptest_resp_free(&r);
    return status;
}

/* ---- Camunda Modeler's calls and the repository ------------------------------------------- */

START_TEST(modeler_check_deploy_and_start)
{
    json_t *out = NULL, *defs, *def;
    char path[256];
    const char *def_id;

    ck_assert_int_eq(c7("GET", BASE "/deployment?maxResults=0", ADMIN, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(out), 0);
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/version", ADMIN, NULL, &out), 200);
    ck_assert_str_eq(str(out, "version"), "7.21.0");
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/engine", ADMIN, NULL, &out), 200);
    ck_assert_str_eq(str(json_array_get(out, 0), "name"), "default");
    json_decref(out);

    deploy_c7("c7-approval.bpmn", NULL, 200, &out);
    ck_assert_str_eq(str(out, "name"), "c7-approval.bpmn");
    ck_assert_str_eq(str(out, "source"), "Camunda Modeler");
    defs = json_object_get(out, "deployedProcessDefinitions");
    ck_assert_int_eq(json_object_size(defs), 1);
    def = json_object_iter_value(json_object_iter(defs));
    ck_assert_str_eq(str(def, "key"), "c7_approval");
    ck_assert_str_eq(str(def, "id"), str(out, "id"));
    ck_assert_int_eq(json_integer_value(json_object_get(def, "version")), 1);
    def_id = strdup(str(def, "id"));
    json_decref(out);

    /* Listed, found by key and by id, with its XML. */
    ck_assert_int_eq(c7("GET", BASE "/deployment?name=c7-approval.bpmn", ADMIN, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(out), 1);
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/deployment?nameLike=%25nothing%25", ADMIN, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(out), 0);
    json_decref(out);
    ck_assert_int_eq(
        c7("GET", BASE "/process-definition?key=c7_approval&latestVersion=true", ADMIN, NULL, &out),
        200);
    ck_assert_int_eq(json_array_size(out), 1);
    ck_assert_str_eq(str(json_array_get(out, 0), "id"), def_id);
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/process-definition/key/c7_approval", ADMIN, NULL, &out), 200);
    ck_assert_str_eq(str(out, "id"), def_id);
    ck_assert_str_eq(str(out, "name"), "C7 approval");
    json_decref(out);
    (void)snprintf(path, sizeof path, BASE "/process-definition/%s", def_id);
    ck_assert_int_eq(c7("GET", path, ADMIN, NULL, &out), 200);
    ck_assert_str_eq(str(out, "key"), "c7_approval");
    json_decref(out);
    (void)snprintf(path, sizeof path, BASE "/process-definition/%s/xml", def_id);
    ck_assert_int_eq(c7("GET", path, ADMIN, NULL, &out), 200);
    ck_assert_ptr_nonnull(strstr(str(out, "bpmn20Xml"), "id=\"c7_approval\""));
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/process-definition/key/c7_approval/xml", ADMIN, NULL, &out),
                     200);
    ck_assert_str_eq(str(out, "id"), def_id);
    json_decref(out);

    /* The Modeler's start: by id, {businessKey, variables}; and by key under the engine alias. */
    (void)snprintf(path, sizeof path, BASE "/process-definition/%s/start", def_id);
    ck_assert_int_eq(c7("POST", path, ADMIN,
                        "{\"businessKey\":\"bk-1\",\"variables\":{\"orderId\":{\"value\":\"o-1\","
                        "\"type\":\"String\"}}}",
                        &out),
                     200);
    ck_assert_str_eq(str(out, "definitionId"), def_id);
    ck_assert_str_eq(str(out, "businessKey"), "bk-1");
    ck_assert(json_is_false(json_object_get(out, "ended")));
    ck_assert(json_is_array(json_object_get(out, "links")));
    json_decref(out);
    ck_assert_int_eq(c7("POST", BASE "/engine/default/process-definition/key/c7_approval/start",
                        ADMIN, "{\"withVariablesInReturn\":true}", &out),
                     200);
    ck_assert(json_is_object(json_object_get(out, "variables")));
    json_decref(out);
    ck_assert_int_eq(
        c7("GET", BASE "/engine/default/process-instance?businessKey=bk-1", ADMIN, NULL, &out),
        200);
    ck_assert_int_eq(json_array_size(out), 1);
    json_decref(out);
    ck_assert_int_eq(c7("GET",
                        BASE "/process-instance?processDefinitionKey=c7_approval&maxResults=1",
                        ADMIN, NULL, &out),
                     200);
    ck_assert_int_eq(json_array_size(out), 1);
    json_decref(out);
    free((void *)def_id);
}
END_TEST

/* ---- typed variables ----------------------------------------------------------------------- */

START_TEST(typed_variables_both_ways)
{
    json_t *out = NULL, *inst;
    char path[256];
    char *id;

    deploy_c7("c7-approval.bpmn", NULL, 200, NULL);
    /* Lower-case type names, as camunda-external-task-client-js sends them. */
    id = start("c7_approval",
               "{\"orderId\":{\"value\":\"o-7\",\"type\":\"string\"},"
               "\"n\":{\"value\":\"42\",\"type\":\"integer\"},"
               "\"big\":{\"value\":5000000000,\"type\":\"Long\"},"
               "\"ratio\":{\"value\":2,\"type\":\"Double\"},"
               "\"ok\":{\"value\":true,\"type\":\"Boolean\"},"
               "\"when\":{\"value\":\"2026-11-26T10:00:00.000+0000\",\"type\":\"Date\"},"
               "\"doc\":{\"value\":\"{\\\"a\\\":[1,2]}\",\"type\":\"json\",\"valueInfo\":{}},"
               "\"nothing\":{\"value\":null,\"type\":\"Null\"},"
               "\"plain\":{\"value\":\"x\"}}");
    inst = native(id);
    out = json_object_get(inst, "variables");
    ck_assert_int_eq(json_integer_value(json_object_get(out, "n")), 42);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "big")), 5000000000LL);
    ck_assert(json_is_real(json_object_get(out, "ratio")));
    ck_assert(json_is_true(json_object_get(out, "ok")));
    ck_assert_str_eq(str(out, "when"), "2026-11-26T10:00:00.000+0000");
    ck_assert_int_eq(
        json_integer_value(json_array_get(json_object_get(json_object_get(out, "doc"), "a"), 1)),
        2);
    ck_assert(json_is_null(json_object_get(out, "nothing")));
    json_decref(inst);

    (void)snprintf(path, sizeof path, BASE "/process-instance/%s/variables", id);
    ck_assert_int_eq(c7("GET", path, ADMIN, NULL, &out), 200);
    ck_assert_str_eq(str(json_object_get(out, "orderId"), "type"), "String");
    ck_assert_str_eq(str(json_object_get(out, "n"), "type"), "Integer");
    ck_assert_str_eq(str(json_object_get(out, "big"), "type"), "Long");
    ck_assert_str_eq(str(json_object_get(out, "ratio"), "type"), "Double");
    ck_assert_str_eq(str(json_object_get(out, "ok"), "type"), "Boolean");
    ck_assert_str_eq(str(json_object_get(out, "nothing"), "type"), "Null");
    ck_assert_str_eq(str(json_object_get(out, "doc"), "type"), "Json");
    ck_assert_str_eq(str(json_object_get(out, "doc"), "value"), "{\"a\":[1,2]}");
    ck_assert(json_is_object(json_object_get(json_object_get(out, "doc"), "valueInfo")));
    json_decref(out);

    /* Refused with 400 and a message; nothing starts. */
    {
        static const char *const refused[] = {
            "{\"o\":{\"value\":\"rO0AB\",\"type\":\"Object\",\"valueInfo\":{}}}",
            "{\"f\":{\"value\":\"aGk=\",\"type\":\"File\"}}",
            "{\"b\":{\"value\":\"aGk=\",\"type\":\"Bytes\"}}",
            "{\"u\":{\"value\":1,\"type\":\"Money\"}}",
            "{\"i\":{\"value\":\"abc\",\"type\":\"Integer\"}}",
            "{\"i\":{\"value\":3000000000,\"type\":\"Integer\"}}",
            "{\"j\":{\"value\":\"{not json\",\"type\":\"Json\"}}",
            "{\"s\":{\"value\":1,\"type\":\"String\"}}",
            "{\"x\":5}",
        };
        long before = httptest_count(&srv, "SELECT count(*) FROM instance");

        for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
            char body[512];

            (void)snprintf(body, sizeof body, "{\"variables\":%s}", refused[i]);
            ck_assert_int_eq(
                c7("POST", BASE "/process-definition/key/c7_approval/start", ADMIN, body, &out),
                400);
            ck_assert_str_eq(str(out, "type"), "InvalidRequestException");
            if (i == 0) {
                ck_assert_ptr_nonnull(strstr(str(out, "message"), "serialized Java"));
            }
            json_decref(out);
        }
        ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), before);
    }
    free(id);
}
END_TEST

/* ---- tasks, messages, instances ------------------------------------------------------------- */

static void group_member(const char *login, const char *group)
{
    char body[256], path[128];
    json_t *out = NULL;
    struct httptest_resp r;

    (void)snprintf(body, sizeof body, "{\"name\":\"%s\"}", group);
    httptest_json(&srv, "POST", "/api/groups", ADMIN, body, &r);
    ck_assert_int_eq(r.status, 201);
    out = json_incref(r.json);
    httptest_resp_free(&r);
    (void)snprintf(path, sizeof path, "/api/groups/%s/members", str(out, "key"));
    (void)snprintf(body, sizeof body, "{\"user\":\"%s\"}", login);
    httptest_json(&srv, "POST", path, ADMIN, body, &r);
    ck_assert_int_eq(r.status, 204);
    httptest_resp_free(&r);
    json_decref(out);
}

START_TEST(tasks_messages_and_instances)
{
    char *approver = httptest_user_key(&srv, ADMIN, "fin", "[\"approver\"]");
    char *outsider = httptest_user_key(&srv, ADMIN, "other", "[\"approver\"]");
    json_t *out = NULL, *inst;
    char path[256], *id, *id2, *task;

    group_member("fin", "finance");
    deploy_c7("c7-approval.bpmn", NULL, 200, NULL);
    id = start("c7_approval", "{\"orderId\":{\"value\":\"o-9\",\"type\":\"String\"}}");
    id2 = start("c7_approval", "{\"orderId\":{\"value\":\"o-10\",\"type\":\"String\"}}");

    (void)snprintf(path, sizeof path, BASE "/task?processInstanceId=%s", id);
    ck_assert_int_eq(c7("GET", path, approver, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(out), 1);
    ck_assert_str_eq(str(json_array_get(out, 0), "taskDefinitionKey"), "approve");
    ck_assert_str_eq(str(json_array_get(out, 0), "processInstanceId"), id);
    {
        /* The list names the definition as GET /task/{id} does. */
        char def_sql[160];
        long def;

        (void)snprintf(def_sql, sizeof def_sql,
                       "SELECT definition_key FROM instance WHERE key = %s", id);
        def = httptest_count(&srv, def_sql);
        ck_assert_int_eq(strtol(str(json_array_get(out, 0), "processDefinitionId"), NULL, 10), def);
    }
    task = strdup(str(json_array_get(out, 0), "id"));
    json_decref(out);
    ck_assert_int_eq(c7("GET", path, outsider, NULL, &out), 200); /* not a candidate */
    ck_assert_int_eq(json_array_size(out), 0);
    json_decref(out);
    ck_assert_int_eq(c7("GET",
                        BASE "/task?candidateGroup=finance&taskDefinitionKey=approve&maxResults=1",
                        approver, NULL, &out),
                     200);
    ck_assert_int_eq(json_array_size(out), 1);
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/task?taskDefinitionKey=nothing", approver, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(out), 0);
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/task/count", approver, NULL, &out), 200);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "count")), 2);
    json_decref(out);
    (void)snprintf(path, sizeof path, BASE "/task/%s", task);
    ck_assert_int_eq(c7("GET", path, approver, NULL, &out), 200);
    ck_assert_str_eq(str(out, "name"), "Approve order");
    ck_assert(json_is_string(json_object_get(out, "created")));
    json_decref(out);
    ck_assert_int_eq(c7("GET", path, outsider, NULL, NULL), 404);

    /* Claim for oneself (not for another), unclaim, claim again, complete. */
    (void)snprintf(path, sizeof path, BASE "/task/%s/claim", task);
    ck_assert_int_eq(c7("POST", path, approver, "{\"userId\":\"someone\"}", NULL), 403);
    ck_assert_int_eq(c7("POST", path, outsider, "{\"userId\":\"other\"}", NULL), 404); /* unseen */
    ck_assert_int_eq(c7("POST", path, approver, "{\"userId\":\"fin\"}", NULL), 204);
    ck_assert_int_eq(c7("GET", BASE "/task?assignee=fin", approver, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(out), 1);
    json_decref(out);
    (void)snprintf(path, sizeof path, BASE "/task/%s/unclaim", task);
    ck_assert_int_eq(c7("POST", path, approver, NULL, NULL), 204);
    ck_assert_int_eq(c7("GET", BASE "/task?assignee=fin", approver, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(out), 0);
    json_decref(out);
    (void)snprintf(path, sizeof path, BASE "/task/%s/complete", task);
    /* The instance's variables are not for an approver: 403, and the task
     * stays open; an admin (every role) gets them. */
    ck_assert_int_eq(c7("POST", path, approver,
                        "{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"}},"
                        "\"withVariablesInReturn\":true}",
                        NULL),
                     403);
    {
        char open_sql[128];

        (void)snprintf(open_sql, sizeof open_sql,
                       "SELECT count(*) FROM user_task WHERE key = %s AND state = 'created'", task);
        ck_assert_int_eq(httptest_count(&srv, open_sql), 1);
    }
    ck_assert_int_eq(c7("POST", path, ADMIN,
                        "{\"variables\":{\"approved\":{\"value\":true,\"type\":\"Boolean\"}},"
                        "\"withVariablesInReturn\":true}",
                        &out),
                     200);
    ck_assert_str_eq(str(json_object_get(out, "approved"), "type"), "Boolean");
    json_decref(out);
    ck_assert_int_eq(c7("POST", path, approver, NULL, NULL), 409); /* once */

    /* Two ways of naming the target, or a mistyped one: 400, nothing delivered. */
    ck_assert_int_eq(c7("POST", BASE "/message", ADMIN,
                        "{\"messageName\":\"paid\",\"businessKey\":\"b\",\"correlationKeys\":"
                        "{\"orderId\":{\"value\":\"o-9\",\"type\":\"String\"}}}",
                        NULL),
                     400);
    ck_assert_int_eq(
        c7("POST", BASE "/message", ADMIN, "{\"messageName\":\"paid\",\"businessKey\":42}", NULL),
        400);
    /* The message: correlated by the one correlation key; 404 when nothing waits. */
    ck_assert_int_eq(c7("POST", BASE "/message", ADMIN,
                        "{\"messageName\":\"paid\",\"correlationKeys\":{\"orderId\":{\"value\":"
                        "\"o-9\",\"type\":\"String\"}},\"processVariables\":{\"paidAt\":{\"value\":"
                        "\"today\",\"type\":\"String\"}},\"resultEnabled\":true}",
                        &out),
                     200);
    ck_assert_int_eq(json_array_size(out), 1);
    ck_assert_str_eq(str(json_array_get(out, 0), "resultType"), "Execution");
    json_decref(out);
    inst = wait_ended(id);
    ck_assert_str_eq(str(inst, "state"), "completed");
    ck_assert_str_eq(str(json_object_get(inst, "variables"), "paidAt"), "today");
    json_decref(inst);
    ck_assert_int_eq(c7("POST", BASE "/message", ADMIN,
                        "{\"messageName\":\"paid\",\"correlationKeys\":{\"orderId\":{\"value\":"
                        "\"o-9\"}}}",
                        &out),
                     404);
    json_decref(out);
    (void)snprintf(path, sizeof path, BASE "/process-instance/%s", id);
    ck_assert_int_eq(c7("GET", path, ADMIN, NULL, &out), 200);
    ck_assert(json_is_true(json_object_get(out, "ended")));
    json_decref(out);

    /* Running instances only; DELETE cancels. */
    ck_assert_int_eq(
        c7("GET", BASE "/process-instance?processDefinitionKey=c7_approval", ADMIN, NULL, &out),
        200);
    ck_assert_int_eq(json_array_size(out), 1);
    ck_assert_str_eq(str(json_array_get(out, 0), "id"), id2);
    json_decref(out);
    (void)snprintf(path, sizeof path, BASE "/process-instance/%s", id2);
    ck_assert_int_eq(c7("DELETE", path, approver, NULL, NULL), 403);
    ck_assert_int_eq(c7("DELETE", path, ADMIN, NULL, NULL), 204);
    inst = native(id2);
    ck_assert_str_eq(str(inst, "state"), "canceled");
    json_decref(inst);
    free(task);
    free(id);
    free(id2);
    free(approver);
    free(outsider);
}
END_TEST

/* ---- errors, credentials, tenants ----------------------------------------------------------- */

START_TEST(errors_credentials_and_tenants)
{
    char *designer = httptest_user_key(&srv, ADMIN, "dana", "[\"designer\"]");
    json_t *out = NULL;
    long defs;

    /* No credentials: 401 in the C7 body; Basic login:key and Bearer work; a key under
     * another login does not. */
    ck_assert_int_eq(c7("GET", BASE "/deployment?maxResults=0", NULL, NULL, &out), 401);
    ck_assert_str_eq(str(out, "type"), "AuthenticationException");
    ck_assert(json_is_integer(json_object_get(out, "code")));
    json_decref(out);
    ck_assert_int_eq(basic_get(BASE "/deployment?maxResults=0", "dana", designer), 200);
    ck_assert_int_eq(basic_get(BASE "/engine/default/deployment?maxResults=0", "dana", designer),
                     200);
    ck_assert_int_eq(basic_get(BASE "/deployment?maxResults=0", "admin", designer), 401);
    ck_assert_int_eq(c7("GET", BASE "/deployment?maxResults=0", designer, NULL, NULL), 200);
    /* Roles: a designer deploys but does not start or run external tasks. */
    deploy_c7("c7-approval.bpmn", NULL, 200, NULL);
    ck_assert_int_eq(
        c7("POST", BASE "/process-definition/key/c7_approval/start", designer, NULL, &out), 403);
    ck_assert_str_eq(str(out, "type"), "AuthorizationException");
    json_decref(out);

    /* 404s and bad input in the C7 body. */
    ck_assert_int_eq(c7("GET", BASE "/process-definition/999999", ADMIN, NULL, NULL), 404);
    ck_assert_int_eq(c7("GET", BASE "/process-definition/key/nope", ADMIN, NULL, &out), 404);
    ck_assert_ptr_nonnull(strstr(str(out, "message"), "nope"));
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/no-such-thing", ADMIN, NULL, NULL), 404);
    /* A filter Ordo does not apply is refused, never ignored: a list then
     * delete must not reach more than was asked. */
    ck_assert_int_eq(
        c7("GET", BASE "/process-instance?variables=orderId_eq_o-9", ADMIN, NULL, &out), 400);
    ck_assert_ptr_nonnull(strstr(str(out, "message"), "\"variables\""));
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/task?candidateUser=bob", ADMIN, NULL, NULL), 400);
    ck_assert_int_eq(c7("GET", BASE "/task/count?unassigned=true", ADMIN, NULL, NULL), 400);
    ck_assert_int_eq(c7("GET", BASE "/deployment?sortBy=name", ADMIN, NULL, NULL), 400);
    ck_assert_int_eq(
        c7("GET", BASE "/process-definition?firstResult=99999999999", ADMIN, NULL, NULL), 400);
    /* Many '%' in nameLike: matched in linear time (a backtracking match
     * would not end on a deployed name), and a long pattern is refused. */
    deploy_c7("c7-order.bpmn", NULL, 200, NULL);
    ck_assert_int_eq(c7("GET",
                        BASE "/deployment?nameLike=%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25"
                             "%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25x",
                        ADMIN, NULL, &out),
                     200);
    ck_assert_uint_eq(json_array_size(out), 0);
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/deployment?nameLike=%25order%25", ADMIN, NULL, &out), 200);
    ck_assert_uint_eq(json_array_size(out), 1);
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/deployment?maxResults=-1", ADMIN, NULL, NULL), 400);
    ck_assert_int_eq(
        c7("POST", BASE "/external-task/fetchAndLock", ADMIN, "{\"maxTasks\":1}", NULL), 422);
    /* An installed action's jobs are the executor's (CONTRACTS §1). */
    ck_assert_int_eq(c7("POST", BASE "/external-task/fetchAndLock", ADMIN,
                        "{\"workerId\":\"w\",\"maxTasks\":1,\"topics\":[{\"topicName\":"
                        "\"noop.complete\",\"lockDuration\":1000}]}",
                        &out),
                     422);
    ck_assert_ptr_nonnull(strstr(str(out, "message"), "installed connector action"));
    json_decref(out);

    {
        /* Two files, the second one a model Ordo cannot run: refused before
         * either is stored. */
        static const char *const headers[] = {"Accept: application/json", NULL};
        static const char bad[] =
            "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\" "
            "targetNamespace=\"t\"><process id=\"scripted\" isExecutable=\"true\">"
            "<scriptTask id=\"s\" scriptFormat=\"groovy\"><script>x</script></scriptTask>"
            "</process></definitions>";
        struct httptest_resp r;
        size_t len, n;
        char *xml = httptest_fixture("c7-order.bpmn", &len);
        size_t cap = len + sizeof bad + 1024;
        char *body = malloc(cap);
        long before = httptest_count(&srv, "SELECT count(*) FROM definition");

        n = (size_t)snprintf(body, cap,
                             "--XyZ\r\nContent-Disposition: form-data; name=\"a.bpmn\"; "
                             "filename=\"a.bpmn\"\r\nContent-Type: text/xml\r\n\r\n");
        memcpy(body + n, xml, len);
        n += len;
        n += (size_t)snprintf(body + n, cap - n,
                              "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b.bpmn\"; "
                              "filename=\"b.bpmn\"\r\nContent-Type: text/xml\r\n\r\n%s"
                              "\r\n--XyZ--\r\n",
                              bad);
        httptest_request(&srv, "POST", BASE "/deployment/create", ADMIN,
                         "multipart/form-data; boundary=XyZ", body, n, headers, &r);
        ck_assert_msg(r.status == 422, "%ld %s", r.status, r.body);
        httptest_resp_free(&r);
        ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), before);
        free(body);
        free(xml);
    }

    /* Tenants: none or "default"; anything else 400, and nothing changes. */
    defs = httptest_count(&srv, "SELECT count(*) FROM definition");
    deploy_c7("c7-order.bpmn", "acme", 400, &out);
    ck_assert_ptr_nonnull(strstr(str(out, "message"), "tenant"));
    json_decref(out);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), defs);
    deploy_c7("c7-order.bpmn", "default", 200, NULL);
    ck_assert_int_eq(c7("POST", BASE "/message", ADMIN,
                        "{\"messageName\":\"paid\",\"tenantId\":\"acme\"}", &out),
                     400);
    ck_assert_ptr_nonnull(strstr(str(out, "message"), "one tenant"));
    json_decref(out);
    ck_assert_int_eq(c7("GET", BASE "/process-definition?tenantIdIn=acme", ADMIN, NULL, NULL), 400);
    ck_assert_int_eq(c7("POST", BASE "/external-task/fetchAndLock", ADMIN,
                        "{\"workerId\":\"w\",\"maxTasks\":1,\"topics\":[{\"topicName\":\"c7-"
                        "charge\",\"lockDuration\":1000,\"tenantIdIn\":[\"acme\"]}]}",
                        NULL),
                     400);
    free(designer);
}
END_TEST

/* ---- external tasks ------------------------------------------------------------------------- */

static json_t *fetch(const char *worker, const char *topic, int lock_ms, int async_ms)
{
    char body[512];
    json_t *out = NULL;

    (void)snprintf(body, sizeof body,
                   "{\"workerId\":\"%s\",\"maxTasks\":10,\"usePriority\":true,"
                   "\"asyncResponseTimeout\":%d,\"topics\":[{\"topicName\":\"%s\","
                   "\"lockDuration\":%d}]}",
                   worker, async_ms, topic, lock_ms);
    ck_assert_int_eq(c7("POST", BASE "/external-task/fetchAndLock", ADMIN, body, &out), 200);
    return out;
}

/* The locked task of instance 'id' in a fetchAndLock answer. */
static const json_t *task_of(const json_t *tasks, const char *id)
{
    const json_t *t;
    size_t i;

    json_array_foreach(tasks, i, t)
    {
        if (strcmp(str(t, "processInstanceId"), id) == 0) {
            return t;
        }
    }
    ck_abort_msg("no task of instance %s", id);
    return NULL;
}

static long outcome(const json_t *task, const char *verb, const char *body)
{
    char path[256];

    (void)snprintf(path, sizeof path, BASE "/external-task/%s/%s", str(task, "id"), verb);
    return c7("POST", path, ADMIN, body, NULL);
}

START_TEST(external_tasks_complete_fail_and_error)
{
    json_t *tasks, *inst;
    const json_t *t;
    char *ok, *flaky, *declined, *extra;

    deploy_c7("c7-order.bpmn", NULL, 200, NULL);
    ok = start("c7_order", "{\"amount\":{\"value\":10,\"type\":\"Integer\"}}");
    flaky = start("c7_order", "{\"amount\":{\"value\":20,\"type\":\"Integer\"}}");
    declined = start("c7_order", "{\"amount\":{\"value\":30,\"type\":\"Integer\"}}");
    extra = start("c7_order", "{\"amount\":{\"value\":40,\"type\":\"Integer\"}}");

    tasks = fetch("w1", "c7-charge", 30000, 0);
    ck_assert_int_eq(json_array_size(tasks), 4);
    t = task_of(tasks, ok);
    ck_assert_str_eq(str(t, "topicName"), "c7-charge");
    ck_assert_str_eq(str(t, "activityId"), "charge");
    ck_assert_str_eq(str(t, "processDefinitionKey"), "c7_order");
    ck_assert_str_eq(str(t, "workerId"), "w1");
    ck_assert(json_is_string(json_object_get(t, "lockExpirationTime")));
    ck_assert_str_eq(str(json_object_get(json_object_get(t, "variables"), "amount"), "type"),
                     "Integer");

    /* Only the holder reports outcomes; variables are typed. */
    ck_assert_int_eq(outcome(t, "complete", "{\"workerId\":\"w2\"}"), 409);
    ck_assert_int_eq(outcome(t, "complete",
                             "{\"workerId\":\"w1\",\"variables\":{\"charged\":{\"value\":true,"
                             "\"type\":\"boolean\"}},\"localVariables\":{\"receipt\":{\"value\":"
                             "\"r-1\",\"type\":\"String\"}}}"),
                     204);
    ck_assert_int_eq(outcome(t, "complete", "{\"workerId\":\"w1\"}"), 404); /* done already */

    /* A failure with a retry left comes back with its message; without retries (0, as
     * Camunda reads an absent value) an incident. */
    ck_assert_int_eq(outcome(task_of(tasks, flaky), "failure",
                             "{\"workerId\":\"w1\",\"errorMessage\":\"card service down\","
                             "\"errorDetails\":\"timeout\",\"retries\":1,\"retryTimeout\":0}"),
                     204);
    /* A BPMN error caught by the boundary event. */
    ck_assert_int_eq(outcome(task_of(tasks, declined), "bpmnError",
                             "{\"workerId\":\"w1\",\"errorCode\":\"CARD_DECLINED\","
                             "\"errorMessage\":\"no funds\"}"),
                     204);
    /* extendLock, then unlock: another worker takes it at once. */
    ck_assert_int_eq(
        outcome(task_of(tasks, extra), "extendLock", "{\"workerId\":\"w2\",\"newDuration\":60000}"),
        409);
    ck_assert_int_eq(
        outcome(task_of(tasks, extra), "extendLock", "{\"workerId\":\"w1\",\"newDuration\":60000}"),
        204);
    ck_assert_int_eq(outcome(task_of(tasks, extra), "unlock", NULL), 204);
    json_decref(tasks);

    tasks = fetch("w2", "c7-charge", 30000, 0);
    ck_assert_int_eq(json_array_size(tasks), 2); /* flaky (due again) and extra (unlocked) */
    t = task_of(tasks, flaky);
    ck_assert_str_eq(str(t, "errorMessage"), "card service down: timeout");
    ck_assert_int_eq(json_integer_value(json_object_get(t, "retries")), 1);
    ck_assert_int_eq(outcome(t, "failure", "{\"workerId\":\"w2\",\"errorMessage\":\"still down\"}"),
                     204);
    ck_assert_int_eq(outcome(task_of(tasks, extra), "complete", "{\"workerId\":\"w2\"}"), 204);
    json_decref(tasks);
    ck_assert_int_eq(
        httptest_count(&srv, "SELECT count(*) FROM incident WHERE resolved_at IS NULL"), 1);

    /* The ok instance moved to ship with the worker's variables; the declined one ended
     * through the boundary event. */
    tasks = fetch("w1", "c7-ship", 30000, 0);
    ck_assert_int_eq(json_array_size(tasks), 2);
    t = task_of(tasks, ok);
    ck_assert(json_is_true(
        json_object_get(json_object_get(json_object_get(t, "variables"), "charged"), "value")));
    ck_assert_int_eq(outcome(t, "complete", "{\"workerId\":\"w1\"}"), 204);
    json_decref(tasks);
    inst = wait_ended(ok);
    ck_assert_str_eq(str(inst, "state"), "completed");
    ck_assert(visited(inst, "shipped"));
    ck_assert_str_eq(str(json_object_get(inst, "variables"), "receipt"), "r-1");
    json_decref(inst);
    inst = wait_ended(declined);
    ck_assert(visited(inst, "cancelled"));
    ck_assert(!visited(inst, "shipped"));
    json_decref(inst);
    free(ok);
    free(flaky);
    free(declined);
    free(extra);
}
END_TEST

struct poll {
    const char *worker;
    int lock_ms, async_ms;
    json_t *tasks;
    int64_t took_ms;
};

static void *poll_cb(void *arg)
{
    struct poll *p = arg;
    int64_t t0 = now_ms();

    p->tasks = fetch(p->worker, "c7-charge", p->lock_ms, p->async_ms);
    p->took_ms = now_ms() - t0;
    return NULL;
}

START_TEST(fetch_and_lock_long_polls)
{
    struct poll p = {"w1", 30000, 1000, NULL, 0};
    pthread_t th;
    char *id;

    deploy_c7("c7-order.bpmn", NULL, 200, NULL);
    /* Nothing to lock: the answer is [] once the timeout has passed. */
    poll_cb(&p);
    ck_assert_int_eq(json_array_size(p.tasks), 0);
    ck_assert_int_ge(p.took_ms, 900);
    json_decref(p.tasks);

    /* A job that appears while the poll waits answers it long before its timeout. */
    p.async_ms = 60000;
    ck_assert_int_eq(pthread_create(&th, NULL, poll_cb, &p), 0);
    nanosleep(&(struct timespec){0, 300L * 1000000}, NULL); /* let the poll start waiting */
    id = start("c7_order", "{}");
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    ck_assert_int_eq(json_array_size(p.tasks), 1);
    ck_assert_str_eq(str(json_array_get(p.tasks, 0), "processInstanceId"), id);
    ck_assert_int_lt(p.took_ms, 20000);
    json_decref(p.tasks);

    /* A locked task is no one else's: w2 gets nothing while w1 holds it. */
    p = (struct poll){"w2", 1000, 0, NULL, 0};
    poll_cb(&p);
    ck_assert_int_eq(json_array_size(p.tasks), 0);
    json_decref(p.tasks);
    free(id);
}
END_TEST

START_TEST(expired_lock_is_fetchable_again)
{
    struct poll p = {"w1", 1000, 0, NULL, 0};
    json_t *t;
    char *id;

    deploy_c7("c7-order.bpmn", NULL, 200, NULL);
    id = start("c7_order", "{\"amount\":{\"value\":1},\"note\":{\"value\":\"n\"}}");
    /* A topic's variables name what the task carries. */
    ck_assert_int_eq(c7("POST", BASE "/external-task/fetchAndLock", ADMIN,
                        "{\"workerId\":\"w1\",\"maxTasks\":1,\"topics\":[{\"topicName\":"
                        "\"c7-charge\",\"lockDuration\":1000,\"variables\":[\"amount\"]}]}",
                        &p.tasks),
                     200);
    ck_assert_int_eq(json_array_size(p.tasks), 1);
    t = json_incref(json_array_get(p.tasks, 0));
    json_decref(p.tasks);
    ck_assert_int_eq(json_object_size(json_object_get(t, "variables")), 1);
    ck_assert_ptr_nonnull(json_object_get(json_object_get(t, "variables"), "amount"));
    /* w2 waits (long poll) until w1's one-second lock runs out, then holds it. */
    p = (struct poll){"w2", 30000, 20000, NULL, 0};
    poll_cb(&p);
    ck_assert_int_eq(json_array_size(p.tasks), 1);
    ck_assert_str_eq(str(json_array_get(p.tasks, 0), "id"), str(t, "id"));
    ck_assert_str_eq(str(json_array_get(p.tasks, 0), "workerId"), "w2");
    ck_assert_int_lt(p.took_ms, 15000);
    json_decref(p.tasks);
    ck_assert_int_eq(outcome(t, "complete", "{\"workerId\":\"w1\"}"), 409);
    ck_assert_int_eq(outcome(t, "complete", "{\"workerId\":\"w2\"}"), 204);
    json_decref(t);
    free(id);
}
END_TEST

static Suite *c7_suite(void)
{
    Suite *s = suite_create("http_c7");
    TCase *tc = tcase_create("c7");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, modeler_check_deploy_and_start);
    tcase_add_test(tc, typed_variables_both_ways);
    tcase_add_test(tc, tasks_messages_and_instances);
    tcase_add_test(tc, errors_credentials_and_tenants);
    tcase_add_test(tc, external_tasks_complete_fail_and_error);
    tcase_add_test(tc, fetch_and_lock_long_polls);
    tcase_add_test(tc, expired_lock_is_fetchable_again);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(c7_suite)
