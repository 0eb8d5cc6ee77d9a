/*
 * tests/integration/test_http_c8.c - the Camunda 8 REST dialect under /v2
 * (server/c8_*.c, docs/camunda8-rest.md) over real HTTP against a real
 * `ordo serve`: every route, problem+json errors, keys as strings, job
 * activation as a long poll, failures with retries down to an incident, a
 * BPMN error caught by a boundary event, buffered publication against
 * correlation, and user tasks under the CONTRACTS §7 rule.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN HTTPTEST_ADMIN_KEY
#define BOUND "c8-test-boundary"

static struct httptest srv;

static void setup(void)
{
    httptest_start(&srv, "http_c8", NULL);
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

/* A call that must fail with 'status' as a ProblemDetail naming 'words'. */
static void problem(const char *method, const char *path, const char *key, const char *json,
                    long status, const char *words)
{
    struct httptest_resp r;
    char *type;
    const char *detail;

    httptest_json(&srv, method, path, key, json, &r);
    ck_assert_msg(r.status == status, "%s %s %s: %ld, not %ld (%s)", method, path, json ? json : "",
                  r.status, status, r.body);
    type = httptest_header(&r, "Content-Type");
    ck_assert_msg(type && strncmp(type, "application/problem+json", 24) == 0, "%s %s: %s", method,
                  path, type ? type : "no Content-Type");
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "status")), status);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(r.json, "title")));
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "instance")), path);
    detail = json_string_value(json_object_get(r.json, "detail"));
    ck_assert_msg(detail && strstr(detail, words), "%s %s: detail \"%s\" lacks \"%s\"", method,
                  path, detail ? detail : "", words);
    free(type);
    httptest_resp_free(&r);
}

/* A key member that must be a decimal string: malloc'ed. */
static char *key_of(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);

    ck_assert_msg(json_is_string(v), "%s is not a string", name);
    ck_assert_msg(strspn(json_string_value(v), "0123456789") == strlen(json_string_value(v)),
                  "%s \"%s\" is not decimal", name, json_string_value(v));
    return strdup(json_string_value(v));
}

/* POST /v2/deployments with the fixtures as "resources" parts (and 'extra',
 * more multipart text, may be ""). */
static void deploy_multipart(const char *const *fixtures, const char *extra,
                             struct httptest_resp *r)
{
    size_t cap = 1 << 16, n = 0, len;
    char *body = malloc(cap);

    ck_assert_ptr_nonnull(body);
    for (size_t i = 0; fixtures[i]; i++) {
        char *xml = httptest_fixture(fixtures[i], &len);

        ck_assert_uint_lt(n + len + 512, cap);
        n += (size_t)snprintf(body + n, cap - n,
                              "--" BOUND "\r\nContent-Disposition: form-data; name=\"resources\"; "
                              "filename=\"%s\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                              fixtures[i]);
        memcpy(body + n, xml, len);
        n += len;
        n += (size_t)snprintf(body + n, cap - n, "\r\n");
        free(xml);
    }
    n += (size_t)snprintf(body + n, cap - n, "%s--" BOUND "--\r\n", extra);
    httptest_request(&srv, "POST", "/v2/deployments", ADMIN, "multipart/form-data; boundary=" BOUND,
                     body, n, NULL, r);
    free(body);
}

static void deploy(const char *fixture)
{
    struct httptest_resp r;

    deploy_multipart((const char *const[]){fixture, NULL}, "", &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
}

/* Start 'process' (newest version) with 'vars': the processInstanceKey. */
static char *start(const char *process, const char *vars)
{
    char body[512];
    json_t *out = NULL;
    char *key;

    (void)snprintf(body, sizeof body,
                   "{\"processDefinitionId\":\"%s\",\"processDefinitionVersion\":-1,"
                   "\"variables\":%s}",
                   process, vars);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/process-instances", ADMIN, body, &out), 200);
    key = key_of(out, "processInstanceKey");
    json_decref(out);
    return key;
}

/* POST /v2/jobs/activation for 'type' (extra members in 'more', "" for
 * none): the response's jobs array (a new reference). */
static json_t *activate(const char *type, int max, const char *more)
{
    char body[512];
    json_t *out = NULL, *jobs;

    (void)snprintf(body, sizeof body,
                   "{\"type\":\"%s\",\"worker\":\"w1\",\"timeout\":60000,"
                   "\"maxJobsToActivate\":%d%s}",
                   type, max, more);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/jobs/activation", ADMIN, body, &out), 200);
    jobs = json_incref(json_object_get(out, "jobs"));
    json_decref(out);
    ck_assert(json_is_array(jobs));
    return jobs;
}

/* Activate until one job of 'type' comes (a failed job may be due a
 * moment later), within 20 s: its document. */
static json_t *activate_one(const char *type)
{
    int64_t until = now_ms() + 20000;

    for (;;) {
        json_t *jobs = activate(type, 1, ",\"requestTimeout\":2000");

        if (json_array_size(jobs) == 1) {
            json_t *job = json_incref(json_array_get(jobs, 0));

            json_decref(jobs);
            return job;
        }
        json_decref(jobs);
        ck_assert_msg(now_ms() < until, "no job of type %s came", type);
    }
}

static long job_call(const json_t *job, const char *verb, const char *json)
{
    char path[128];

    (void)snprintf(path, sizeof path, "/v2/jobs/%s/%s",
                   json_string_value(json_object_get(job, "jobKey")), verb);
    return httptest_call(&srv, "POST", path, ADMIN, json, NULL);
}

/* The native view of an instance, and its state. */
static const char *state_of(const char *inst, json_t **view)
{
    char path[96];

    (void)snprintf(path, sizeof path, "/api/instances/%s", inst);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN, NULL, view), 200);
    return json_string_value(json_object_get(*view, "state"));
}

/* The audit rows of 'inst' whose effects name 'element' (entered or left). */
static long audit_rows(const char *inst, const char *element)
{
    char sql[256];

    (void)snprintf(sql, sizeof sql,
                   "SELECT count(*) FROM audit WHERE instance_key = %s AND payload LIKE "
                   "'%%\"element\":\"%s\"%%'",
                   inst, element);
    return httptest_count(&srv, sql);
}

START_TEST(topology_deploy_and_start_answer_as_camunda_8)
{
    struct httptest_resp r;
    json_t *out = NULL, *dep, *broker;
    char *def, *inst, *by_key, body[256], path[128];

    ck_assert_int_eq(httptest_call(&srv, "GET", "/v2/topology", ADMIN, NULL, &out), 200);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "clusterSize")), 1);
    broker = json_array_get(json_object_get(out, "brokers"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(broker, "partitions"), 0), "role")),
                     "leader");
    ck_assert_ptr_nonnull(json_string_value(json_object_get(out, "gatewayVersion")));
    json_decref(out);

    /* Two files in one request, the tenant named as Camunda names it. */
    deploy_multipart((const char *const[]){"c8-order.bpmn", "external.bpmn", NULL},
                     "--" BOUND "\r\nContent-Disposition: form-data; name=\"tenantId\"\r\n\r\n"
                     "<default>\r\n",
                     &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    free(key_of(r.json, "deploymentKey"));
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "tenantId")), "<default>");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "deployments")), 2);
    dep = json_object_get(json_array_get(json_object_get(r.json, "deployments"), 0),
                          "processDefinition");
    ck_assert_str_eq(json_string_value(json_object_get(dep, "processDefinitionId")), "c8_order");
    ck_assert_int_eq(json_integer_value(json_object_get(dep, "processDefinitionVersion")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(dep, "resourceName")), "c8-order.bpmn");
    def = key_of(dep, "processDefinitionKey");
    httptest_resp_free(&r);

    /* By id (newest version) and by key: the same definition. */
    ck_assert_int_eq(
        httptest_call(&srv, "POST", "/v2/process-instances", ADMIN,
                      "{\"processDefinitionId\":\"c8_order\",\"variables\":{\"amount\":5},"
                      "\"tenantId\":\"<default>\"}",
                      &out),
        200);
    inst = key_of(out, "processInstanceKey");
    ck_assert_str_eq(json_string_value(json_object_get(out, "processDefinitionKey")), def);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "processDefinitionVersion")), 1);
    json_decref(out);
    (void)snprintf(body, sizeof body, "{\"processDefinitionKey\":\"%s\"}", def);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/process-instances", ADMIN, body, &out), 200);
    by_key = key_of(out, "processInstanceKey");
    ck_assert_str_eq(json_string_value(json_object_get(out, "processDefinitionId")), "c8_order");
    json_decref(out);
    ck_assert_str_ne(inst, by_key);

    /* Cancellation, then the instance is over. */
    (void)snprintf(path, sizeof path, "/v2/process-instances/%s/cancellation", by_key);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN, "{}", NULL), 204);
    ck_assert_str_eq(state_of(by_key, &out), "canceled");
    json_decref(out);
    ck_assert_str_eq(state_of(inst, &out), "active");
    json_decref(out);
    free(def);
    free(inst);
    free(by_key);
}
END_TEST

START_TEST(refusals_are_problem_details_and_change_nothing)
{
    struct httptest_resp r;
    long before;

    deploy("c8-order.bpmn");
    before = httptest_count(&srv, "SELECT count(*) FROM instance");
    problem("POST", "/v2/process-instances", ADMIN,
            "{\"processDefinitionId\":\"c8_order\",\"tenantId\":\"acme\"}", 400,
            "Ordo has one tenant");
    problem("POST", "/v2/process-instances", ADMIN,
            "{\"processDefinitionId\":\"c8_order\",\"awaitCompletion\":true}", 400,
            "awaitCompletion is not supported");
    problem("POST", "/v2/process-instances", ADMIN,
            "{\"processDefinitionId\":\"c8_order\",\"startInstructions\":[{\"elementId\":\"x\"}]}",
            400, "startInstructions");
    problem("POST", "/v2/process-instances", ADMIN,
            "{\"processDefinitionId\":\"c8_order\",\"x\":1}", 400, "unknown field");
    problem("POST", "/v2/process-instances", ADMIN, "{\"variables\":{}}", 400,
            "processDefinitionId or processDefinitionKey");
    problem("POST", "/v2/process-instances", ADMIN,
            "{\"processDefinitionKey\":\"12\",\"processDefinitionId\":\"c8_order\"}", 400,
            "either");
    problem("POST", "/v2/process-instances", ADMIN, "{\"processDefinitionId\":\"nope\"}", 404, "");
    problem("POST", "/v2/process-instances", ADMIN,
            "{\"processDefinitionId\":\"c8_order\",\"processDefinitionVersion\":9}", 404, "");
    problem("POST", "/v2/process-instances", ADMIN, "{\"processDefinitionKey\":\"999999999\"}", 404,
            "");
    problem("POST", "/v2/process-instances/999999999/cancellation", ADMIN, NULL, 404, "");
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), before);

    problem("POST", "/v2/jobs/activation", ADMIN, "{\"type\":\"c8-reserve\"}", 400, "timeout");
    problem("POST", "/v2/jobs/activation", ADMIN,
            "{\"type\":\"noop.complete\",\"timeout\":1000,\"maxJobsToActivate\":1}", 422,
            "installed connector action");
    problem("POST", "/v2/jobs/activation", ADMIN,
            "{\"type\":\"c8-reserve\",\"timeout\":1000,\"maxJobsToActivate\":1,"
            "\"tenantIds\":[\"acme\"]}",
            400, "Ordo has one tenant");
    problem("POST", "/v2/jobs/activation", ADMIN,
            "{\"type\":\"c8-reserve\",\"timeout\":0,\"maxJobsToActivate\":1}", 400, "timeout");
    problem("POST", "/v2/jobs/999999999/completion", ADMIN, "{}", 404, "");
    problem("POST", "/v2/jobs/999999999/failure", ADMIN, "{\"retries\":-1}", 400, "retries");
    problem("POST", "/v2/jobs/999999999/error", ADMIN, "{}", 400, "errorCode");
    problem("POST", "/v2/messages/publication", ADMIN, "{\"correlationKey\":\"a\"}", 400, "name");
    problem("POST", "/v2/user-tasks/search", ADMIN, "{\"filter\":{\"priority\":1}}", 400,
            "filter.priority is not supported");
    problem("POST", "/v2/user-tasks/search", ADMIN, "{\"filter\":{\"state\":\"DONE\"}}", 400,
            "CREATED");
    problem("GET", "/v2/topology", NULL, NULL, 401, "");

    /* A deployment that is not multipart, and one without resources. */
    httptest_request(&srv, "POST", "/v2/deployments", ADMIN, "application/xml", "<x/>", 4, NULL,
                     &r);
    ck_assert_int_eq(r.status, 415);
    httptest_resp_free(&r);
    deploy_multipart((const char *const[]){NULL}, "", &r);
    ck_assert_int_eq(r.status, 400);
    httptest_resp_free(&r);
    deploy_multipart((const char *const[]){"c8-order.bpmn", NULL},
                     "--" BOUND "\r\nContent-Disposition: form-data; name=\"tenantId\"\r\n\r\n"
                     "acme\r\n",
                     &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_ptr_nonnull(strstr(r.body, "one tenant"));
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), 1);
}
END_TEST

/* An activation that runs in the background. */
struct bg {
    pthread_t thread;
    const char *body;
    long status;
    json_t *out;
    int64_t ms;
};

static void *bg_main(void *arg)
{
    struct bg *b = arg;
    int64_t t0 = now_ms();

    b->status = httptest_call(&srv, "POST", "/v2/jobs/activation", ADMIN, b->body, &b->out);
    b->ms = now_ms() - t0;
    return NULL;
}

START_TEST(jobs_are_activated_by_a_long_poll_and_completed_with_variables)
{
    struct bg b = {.body = "{\"type\":\"c8-charge\",\"worker\":\"w2\",\"timeout\":30000,"
                           "\"maxJobsToActivate\":5,\"requestTimeout\":30000}"};
    struct bg idle = {.body = "{\"type\":\"nothing\",\"timeout\":1000,\"maxJobsToActivate\":1,"
                              "\"requestTimeout\":1000}"};
    json_t *jobs, *job, *again, *view = NULL;
    char *inst;

    deploy("c8-order.bpmn");
    /* Nothing of the type: without requestTimeout the answer comes at once. */
    jobs = activate("c8-reserve", 1, "");
    ck_assert_int_eq(json_array_size(jobs), 0);
    json_decref(jobs);
    /* With one, an empty answer once the time has passed. */
    bg_main(&idle);
    ck_assert_int_eq(idle.status, 200);
    ck_assert_int_eq(json_array_size(json_object_get(idle.out, "jobs")), 0);
    ck_assert_int_ge(idle.ms, 900);
    json_decref(idle.out);

    inst = start("c8_order", "{\"amount\":5,\"note\":\"hello\"}");
    ck_assert_int_eq(pthread_create(&b.thread, NULL, bg_main, &b), 0);
    jobs = activate("c8-reserve", 10, ",\"fetchVariable\":[\"amount\"]");
    ck_assert_int_eq(json_array_size(jobs), 1);
    job = json_array_get(jobs, 0);
    ck_assert_str_eq(json_string_value(json_object_get(job, "type")), "c8-reserve");
    ck_assert_str_eq(json_string_value(json_object_get(job, "elementId")), "reserve");
    ck_assert_str_eq(json_string_value(json_object_get(job, "processDefinitionId")), "c8_order");
    ck_assert_str_eq(json_string_value(json_object_get(job, "worker")), "w1");
    ck_assert_str_eq(json_string_value(json_object_get(job, "processInstanceKey")), inst);
    free(key_of(job, "jobKey"));
    free(key_of(job, "processDefinitionKey"));
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(job, "customHeaders"), "warehouse")),
        "north");
    /* fetchVariable: only what was asked for. */
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(job, "variables"), "amount")), 5);
    ck_assert_ptr_null(json_object_get(json_object_get(job, "variables"), "note"));
    ck_assert_int_gt(json_integer_value(json_object_get(job, "deadline")), 0);
    /* Locked: a second activation does not get it again. */
    again = activate("c8-reserve", 10, "");
    ck_assert_uint_eq(json_array_size(again), 0);
    json_decref(again);
    ck_assert_int_eq(job_call(job, "completion", "{\"variables\":{\"reserved\":true}}"), 204);
    json_decref(jobs);

    /* The next job appears: the waiting activation answers before its time. */
    ck_assert_int_eq(pthread_join(b.thread, NULL), 0);
    ck_assert_int_eq(b.status, 200);
    ck_assert_int_lt(b.ms, 25000);
    job = json_array_get(json_object_get(b.out, "jobs"), 0);
    ck_assert_ptr_nonnull(job);
    ck_assert_str_eq(json_string_value(json_object_get(job, "worker")), "w2");
    ck_assert(json_is_true(json_object_get(json_object_get(job, "variables"), "reserved")));
    ck_assert_int_eq(job_call(job, "completion", "{\"variables\":{\"charged\":5}}"), 204);
    /* Completed twice: the job is gone. */
    ck_assert_int_eq(job_call(job, "completion", "{}"), 404);
    json_decref(b.out);

    ck_assert_str_eq(state_of(inst, &view), "completed");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(view, "variables"), "charged")), 5);
    json_decref(view);
    free(inst);
}
END_TEST

START_TEST(a_failure_with_retries_comes_back_and_zero_retries_is_an_incident)
{
    json_t *job, *view = NULL;
    char *inst;

    deploy("c8-order.bpmn");
    inst = start("c8_order", "{}");
    job = activate_one("c8-reserve");
    ck_assert_int_eq(job_call(job, "completion", "{}"), 204);
    json_decref(job);

    job = activate_one("c8-charge");
    ck_assert_int_eq(json_integer_value(json_object_get(job, "retries")), 3);
    ck_assert_int_eq(job_call(job, "failure",
                              "{\"retries\":1,\"errorMessage\":\"card service down\","
                              "\"retryBackOff\":0,\"variables\":{\"attempts\":1}}"),
                     204);
    json_decref(job);
    job = activate_one("c8-charge"); /* it comes back with the retries left */
    ck_assert_int_eq(json_integer_value(json_object_get(job, "retries")), 1);
    ck_assert_int_eq(job_call(job, "failure", "{\"retries\":0,\"errorMessage\":\"card expired\"}"),
                     204);
    ck_assert_int_ne(job_call(job, "failure", "{\"retries\":0}"), 204);
    json_decref(job);

    ck_assert_str_eq(state_of(inst, &view), "active");
    ck_assert_int_eq(json_array_size(json_object_get(view, "incidents")), 1);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(view, "variables"), "attempts")), 1);
    json_decref(view);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM incident WHERE state = 'open' AND "
                                          "reason LIKE '%card expired%'"),
                     1);
    free(inst);
}
END_TEST

START_TEST(a_bpmn_error_is_caught_by_the_boundary_event)
{
    json_t *job, *view = NULL;
    char *inst;

    deploy("c8-order.bpmn");
    inst = start("c8_order", "{\"amount\":900}");
    job = activate_one("c8-reserve");
    ck_assert_int_eq(job_call(job, "completion", "{}"), 204);
    json_decref(job);
    job = activate_one("c8-charge");
    ck_assert_int_eq(job_call(job, "error",
                              "{\"errorCode\":\"DECLINED\",\"errorMessage\":\"over the limit\","
                              "\"variables\":{\"reason\":\"limit\"}}"),
                     204);
    json_decref(job);
    ck_assert_str_eq(state_of(inst, &view), "completed");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(view, "variables"), "reason")), "limit");
    json_decref(view);
    ck_assert_int_ge(audit_rows(inst, "declined"), 1);
    ck_assert_int_eq(audit_rows(inst, "done"), 0);
    free(inst);
}
END_TEST

START_TEST(publication_is_buffered_and_correlation_is_not)
{
    json_t *out = NULL, *view = NULL;
    char *inst;

    deploy("wait-message.bpmn");
    /* Nothing waits: correlation fails and keeps nothing. */
    problem("POST", "/v2/messages/correlation", ADMIN,
            "{\"name\":\"go\",\"correlationKey\":\"o-1\",\"variables\":{\"paid\":1}}", 404,
            "no instance waits");
    inst = start("wait_message", "{\"orderId\":\"o-1\"}");
    ck_assert_str_eq(state_of(inst, &view), "active");
    json_decref(view);
    free(inst);

    /* Published first, the message waits for the instance that comes. */
    ck_assert_int_eq(
        httptest_call(&srv, "POST", "/v2/messages/publication", ADMIN,
                      "{\"name\":\"go\",\"correlationKey\":\"o-2\",\"timeToLive\":60000,"
                      "\"messageId\":\"m-2\",\"variables\":{\"paid\":2}}",
                      &out),
        200);
    ck_assert_str_eq(json_string_value(json_object_get(out, "tenantId")), "<default>");
    free(key_of(out, "messageKey"));
    json_decref(out);
    problem("POST", "/v2/messages/publication", ADMIN,
            "{\"name\":\"go\",\"correlationKey\":\"o-2\",\"timeToLive\":60000,"
            "\"messageId\":\"m-2\"}",
            409, "m-2");
    inst = start("wait_message", "{\"orderId\":\"o-2\"}");
    ck_assert_str_eq(state_of(inst, &view), "completed");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(view, "variables"), "paid")), 2);
    json_decref(view);
    free(inst);

    /* Correlation reaches the one waiting now. */
    inst = start("wait_message", "{\"orderId\":\"o-3\"}");
    ck_assert_int_eq(
        httptest_call(&srv, "POST", "/v2/messages/correlation", ADMIN,
                      "{\"name\":\"go\",\"correlationKey\":\"o-3\",\"variables\":{\"paid\":3}}",
                      NULL),
        200);
    ck_assert_str_eq(state_of(inst, &view), "completed");
    json_decref(view);
    free(inst);
}
END_TEST

/* The userTaskKey of the task of 'element' among 'items'. */
static const char *task_key(const json_t *items, const char *element)
{
    const json_t *t;
    size_t i;

    json_array_foreach(items, i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "elementId")), element) == 0) {
            return json_string_value(json_object_get(t, "userTaskKey"));
        }
    }
    return NULL;
}

/* The three open tasks of 'inst' in pages of two: the endCursor leads to the rest. */
static void page_through(const char *inst)
{
    char body[256];
    json_t *out = NULL, *page;

    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\"},\"page\":{\"limit\":2}}", inst);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN, body, &out), 200);
    page = json_object_get(out, "page");
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 2);
    ck_assert(json_is_true(json_object_get(page, "hasMoreTotalItems")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(page, "endCursor")));
    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\"},\"page\":{\"limit\":2,"
                   "\"after\":\"%s\"}}",
                   inst, json_string_value(json_object_get(page, "endCursor")));
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN, body, &out), 200);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 1);
    ck_assert(json_is_false(json_object_get(json_object_get(out, "page"), "hasMoreTotalItems")));
    json_decref(out);
}

/* The userTaskKeys of a search, in order, joined by commas. */
static void search_keys(const char *body, char *out, size_t size)
{
    json_t *res = NULL, *t;
    size_t i, n = 0;

    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN, body, &res), 200);
    out[0] = '\0';
    json_array_foreach(json_object_get(res, "items"), i, t)
    {
        n += (size_t)snprintf(out + n, size - n, "%s,",
                              json_string_value(json_object_get(t, "userTaskKey")));
        ck_assert_uint_lt(n, size);
    }
    json_decref(res);
}

/* Oldest first, as @camunda8/sdk asks by default (sort creationDate asc,
 * page from 0), in pages too; newest first otherwise. */
static void sort_both_ways(const char *inst)
{
    char body[512], asc[128], page1[128], page2[128], desc[128], joined[256];

    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\"},\"sort\":[{\"field\":"
                   "\"creationDate\",\"order\":\"asc\"}],\"page\":{\"from\":0,\"limit\":100}}",
                   inst);
    search_keys(body, asc, sizeof asc);
    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\"},\"sort\":[{\"field\":"
                   "\"userTaskKey\",\"order\":\"ASC\"}],\"page\":{\"limit\":2}}",
                   inst);
    search_keys(body, page1, sizeof page1);
    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\"},\"sort\":[{\"field\":"
                   "\"userTaskKey\",\"order\":\"asc\"}],\"page\":{\"limit\":2,\"after\":"
                   "\"%.*s\"}}",
                   inst, (int)(strrchr(page1, ',') - strchr(page1, ',') - 1),
                   strchr(page1, ',') + 1);
    search_keys(body, page2, sizeof page2);
    (void)snprintf(joined, sizeof joined, "%s%s", page1, page2);
    ck_assert_str_eq(joined, asc);
    (void)snprintf(body, sizeof body, "{\"filter\":{\"processInstanceKey\":\"%s\"}}", inst);
    search_keys(body, desc, sizeof desc);
    ck_assert_uint_eq(strlen(asc), strlen(desc));
    ck_assert_str_ne(asc, desc);
    /* ascending keys: the first is the smallest */
    ck_assert_int_lt(strtoll(asc, NULL, 10), strtoll(desc, NULL, 10));
    problem("POST", "/v2/user-tasks/search", ADMIN,
            "{\"sort\":[{\"field\":\"name\",\"order\":\"asc\"}]}", 400, "name");
}

/* A review task (candidates: alice, bob, group finance) that bob holds:
 * alice, a candidate too, does not take it, allowOverride or not (409, as
 * a claim); an admin does. */
static void held_tasks_are_not_taken_by_another_candidate(const char *bob)
{
    char *alice = httptest_user_key(&srv, ADMIN, "alice", "[\"approver\"]");
    char *inst = start("approval", "{}");
    char body[256], path[128];
    json_t *out = NULL;
    const char *review;

    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\",\"state\":\"CREATED\"}}", inst);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN, body, &out), 200);
    review = task_key(json_object_get(out, "items"), "review");
    ck_assert_ptr_nonnull(review);
    (void)snprintf(path, sizeof path, "/v2/user-tasks/%s/assignment", review);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, bob, "{\"assignee\":\"bob\"}", NULL), 204);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, alice, "{\"assignee\":\"alice\"}", NULL),
                     409);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, alice,
                                   "{\"assignee\":\"alice\",\"allowOverride\":true}", NULL),
                     409);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN, "{\"assignee\":\"alice\"}", NULL),
                     204);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM user_task WHERE element_id = "
                                          "'review' AND assignee = 'alice' AND state = 'created'"),
                     1);
    json_decref(out);
    free(inst);
    free(alice);
}

START_TEST(user_tasks_are_searched_and_completed_under_the_task_rule)
{
    char *bob = httptest_user_key(&srv, ADMIN, "bob", "[\"approver\"]");
    char *inst, path[128], body[256];
    json_t *out = NULL, *items;
    const char *review, *sign, *anyone;

    deploy("approval.bpmn");
    inst = start("approval", "{}");
    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\",\"state\":\"CREATED\"}}", inst);
    /* The admin sees every task; bob only those he may act on. */
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN, body, &out), 200);
    items = json_object_get(out, "items");
    ck_assert_int_eq(json_array_size(items), 3);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(out, "page"), "totalItems")), 3);
    {
        /* The key as a JSON integer, as bodies may give keys. */
        char numeric[256];
        json_t *same = NULL;

        (void)snprintf(numeric, sizeof numeric,
                       "{\"filter\":{\"processInstanceKey\":%s,\"state\":\"CREATED\"}}", inst);
        ck_assert_int_eq(
            httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN, numeric, &same), 200);
        ck_assert_int_eq(json_array_size(json_object_get(same, "items")), 3);
        json_decref(same);
    }
    sign = task_key(items, "sign");
    ck_assert_ptr_nonnull(sign);
    (void)snprintf(path, sizeof path, "/v2/user-tasks/%s/completion", sign);
    json_decref(out);
    page_through(inst);
    sort_both_ways(inst);

    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", bob, body, &out), 200);
    items = json_object_get(out, "items");
    ck_assert_int_eq(json_array_size(items), 2);
    ck_assert_ptr_null(task_key(items, "sign"));
    review = task_key(items, "review");
    anyone = task_key(items, "anyone");
    ck_assert_ptr_nonnull(review);
    ck_assert_ptr_nonnull(anyone);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "state")),
                     "CREATED");

    /* carol's task: bob may not complete it (404: he cannot see it either). */
    ck_assert_int_eq(httptest_call(&srv, "POST", path, bob, "{}", NULL), 404);
    /* The form wants "approved": 422 with the field, nothing changes. */
    (void)snprintf(path, sizeof path, "/v2/user-tasks/%s/completion", review);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, bob, "{\"variables\":{}}", NULL), 422);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, bob, "{\"variables\":{\"approved\":true}}", NULL), 204);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, bob, "{\"variables\":{\"approved\":true}}", NULL) / 100,
        4);
    /* Assignment: to oneself, then the task is bob's. */
    (void)snprintf(path, sizeof path, "/v2/user-tasks/%s/assignment", anyone);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, bob, "{\"assignee\":\"carol\"}", NULL), 403);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, bob, "{\"assignee\":\"bob\"}", NULL), 204);
    held_tasks_are_not_taken_by_another_candidate(bob);
    json_decref(out);

    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN,
                                   "{\"filter\":{\"assignee\":\"bob\"}}", &out),
                     200);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(out, "items"), 0), "elementId")),
                     "anyone");
    json_decref(out);
    (void)snprintf(body, sizeof body,
                   "{\"filter\":{\"processInstanceKey\":\"%s\",\"state\":\"COMPLETED\"},"
                   "\"page\":{\"limit\":1}}",
                   inst);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/v2/user-tasks/search", ADMIN, body, &out), 200);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(out, "items"), 0), "state")),
                     "COMPLETED");
    json_decref(out);
    free(inst);
    free(bob);
}
END_TEST

static Suite *c8_suite(void)
{
    Suite *s = suite_create("http_c8");
    TCase *tc = tcase_create("camunda8");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, topology_deploy_and_start_answer_as_camunda_8);
    tcase_add_test(tc, refusals_are_problem_details_and_change_nothing);
    tcase_add_test(tc, jobs_are_activated_by_a_long_poll_and_completed_with_variables);
    tcase_add_test(tc, a_failure_with_retries_comes_back_and_zero_retries_is_an_incident);
    tcase_add_test(tc, a_bpmn_error_is_caught_by_the_boundary_event);
    tcase_add_test(tc, publication_is_buffered_and_correlation_is_not);
    tcase_add_test(tc, user_tasks_are_searched_and_completed_under_the_task_rule);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(c8_suite)
