/*
 * tests/integration/test_http_api.c - the REST API's flows over real HTTP:
 * idempotent starts, the inbox and the CONTRACTS §7 rule, form validation
 * on completion, instance views, audit search and verification, metrics.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <curl/curl.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN HTTPTEST_ADMIN_KEY

static struct httptest srv;

static void setup(void)
{
    httptest_start(&srv, "httpapi", NULL);
}

static void teardown(void)
{
    httptest_stop(&srv);
}

static void deploy(const char *fixture)
{
    struct httptest_resp r;
    size_t len;
    char *xml = httptest_fixture(fixture, &len);

    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", xml, len, NULL,
                     &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    free(xml);
}

static char *start(const char *process, const char *vars)
{
    char body[512];
    json_t *out = NULL;
    char *key;

    (void)snprintf(body, sizeof body, "{\"processId\":\"%s\",\"variables\":%s}", process, vars);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/instances", ADMIN, body, &out), 201);
    key = strdup(json_string_value(json_object_get(out, "key")));
    json_decref(out);
    return key;
}

/* Add user 'login' to group 'group', creating the group when needed. */
static void join(const char *login, const char *group)
{
    char body[256], path[128];
    json_t *out = NULL;

    (void)snprintf(body, sizeof body, "{\"name\":\"%s\"}", group);
    (void)httptest_call(&srv, "POST", "/api/groups", ADMIN, body, NULL); /* 409 when it exists */
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/groups", ADMIN, NULL, &out), 200);
    for (size_t i = 0; i < json_array_size(json_object_get(out, "items")); i++) {
        json_t *g = json_array_get(json_object_get(out, "items"), i);

        if (strcmp(json_string_value(json_object_get(g, "name")), group) == 0) {
            (void)snprintf(path, sizeof path, "/api/groups/%s/members",
                           json_string_value(json_object_get(g, "key")));
            (void)snprintf(body, sizeof body, "{\"user\":\"%s\"}", login);
            ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN, body, NULL), 204);
        }
    }
    json_decref(out);
}

/* A user with 'roles' (and in 'group' unless NULL), and an API key for it
 * (a new string). */
static char *user_key(const char *login, const char *roles, const char *group)
{
    char body[512];
    json_t *out = NULL;
    char *token;

    (void)snprintf(body, sizeof body,
                   "{\"login\":\"%s\",\"email\":\"%s@example.com\",\"roles\":%s}", login, login,
                   roles);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/users", ADMIN, body, NULL), 201);
    if (group) {
        join(login, group);
    }
    (void)snprintf(body, sizeof body, "{\"user\":\"%s\",\"name\":\"test\",\"scopes\":%s}", login,
                   roles);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/keys", ADMIN, body, &out), 201);
    token = strdup(json_string_value(json_object_get(out, "token")));
    json_decref(out);
    return token;
}

/* The key of the open task at 'element' of instance 'inst'. */
static char *task_of(const char *inst, const char *element)
{
    char path[128];
    json_t *out = NULL;
    char *key = NULL;

    (void)snprintf(path, sizeof path, "/api/tasks?instanceKey=%s", inst);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN, NULL, &out), 200);
    for (size_t i = 0; i < json_array_size(json_object_get(out, "items")); i++) {
        json_t *t = json_array_get(json_object_get(out, "items"), i);

        if (!key && strcmp(json_string_value(json_object_get(t, "elementId")), element) == 0) {
            key = strdup(json_string_value(json_object_get(t, "key")));
        }
    }
    json_decref(out);
    ck_assert_msg(key != NULL, "no open task %s", element);
    return key;
}

START_TEST(an_idempotency_key_starts_one_instance)
{
    static const char body[] = "{\"processId\":\"approval\"}";
    static const char *const hdr[] = {"Idempotency-Key: order-77", NULL};
    struct httptest_resp a, b, c;

    deploy("approval.bpmn");
    httptest_request(&srv, "POST", "/api/instances", ADMIN, "application/json", body, strlen(body),
                     hdr, &a);
    httptest_request(&srv, "POST", "/api/instances", ADMIN, "application/json", body, strlen(body),
                     hdr, &b);
    ck_assert_int_eq(a.status, 201);
    ck_assert_int_eq(b.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(a.json, "key")),
                     json_string_value(json_object_get(b.json, "key")));
    httptest_request(&srv, "POST", "/api/instances", ADMIN, "application/json", body, strlen(body),
                     NULL, &c); /* no key: a new instance */
    ck_assert_int_eq(c.status, 201);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), 2);
    httptest_resp_free(&a);
    httptest_resp_free(&b);
    httptest_resp_free(&c);
}
END_TEST

struct racer {
    pthread_t thread;
    char header[64];
    struct httptest_resp r;
};

static void *race_main(void *arg)
{
    static const char body[] = "{\"processId\":\"approval\"}";
    struct racer *r = arg;
    const char *const hdr[] = {r->header, NULL};

    httptest_request(&srv, "POST", "/api/instances", ADMIN, "application/json", body, strlen(body),
                     hdr, &r->r);
    return NULL;
}

/* Eight clients send the same key at once: one instance, one key for all. */
static void race(int round)
{
    struct racer racers[8] = {0};
    const char *first = NULL;

    for (size_t i = 0; i < 8; i++) {
        (void)snprintf(racers[i].header, sizeof racers[i].header, "Idempotency-Key: race-%d",
                       round);
        ck_assert_int_eq(pthread_create(&racers[i].thread, NULL, race_main, &racers[i]), 0);
    }
    for (size_t i = 0; i < 8; i++) {
        ck_assert_int_eq(pthread_join(racers[i].thread, NULL), 0);
    }
    for (size_t i = 0; i < 8; i++) {
        const char *key = json_string_value(json_object_get(racers[i].r.json, "key"));

        ck_assert_msg(racers[i].r.status == 200 || racers[i].r.status == 201, "%ld %s",
                      racers[i].r.status, racers[i].r.body);
        first = first ? first : key;
        ck_assert_str_eq(key, first);
    }
    for (size_t i = 0; i < 8; i++) {
        httptest_resp_free(&racers[i].r);
    }
}

START_TEST(concurrent_starts_with_one_idempotency_key_start_one_instance)
{
    deploy("approval.bpmn");
    for (int round = 1; round <= 5; round++) {
        race(round);
    }
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), 5);
}
END_TEST

START_TEST(approvers_see_and_complete_only_their_tasks)
{
    char *inst, *review, *sign, *bob, *dave, path[128];
    json_t *out = NULL;

    deploy("approval.bpmn");
    inst = start("approval", "{}");
    bob = user_key("bob", "[\"approver\"]", NULL);
    dave = user_key("dave", "[\"approver\"]", NULL);
    review = task_of(inst, "review"); /* candidate users Alice@Example.com, bob */
    sign = task_of(inst, "sign");     /* assignee carol */
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/tasks", bob, NULL, &out), 200);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 2); /* review and anyone */
    json_decref(out);
    (void)snprintf(path, sizeof path, "/api/tasks/%s", sign);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, bob, NULL, NULL),
                     404); /* not his: not shown */
    (void)snprintf(path, sizeof path, "/api/tasks/%s/complete", sign);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, bob, "{}", NULL), 404);
    (void)snprintf(path, sizeof path, "/api/tasks/%s/complete", review);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, dave, "{\"variables\":{\"approved\":true}}", NULL), 404);
    /* the form: approved is required and a boolean; a refusal changes nothing */
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, bob, "{\"variables\":{\"approved\":\"yes\"}}", &out),
        422);
    ck_assert(json_array_size(json_object_get(json_object_get(out, "error"), "details")) >= 1);
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, bob, "{}", NULL), 422);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM user_task WHERE state = "
                                          "'completed'"),
                     0);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, bob, "{\"variables\":{\"approved\":true}}", NULL), 204);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, bob, "{\"variables\":{\"approved\":true}}", NULL), 409);
    ck_assert_int_eq(httptest_count(&srv,
                                    "SELECT count(*) FROM user_task WHERE state = 'completed' AND "
                                    "completed_by = 'user:bob'"),
                     1);
    free(inst);
    free(review);
    free(sign);
    free(bob);
    free(dave);
}
END_TEST

START_TEST(claiming_assigns_and_blocks_others)
{
    char *inst, *anyone, *erin, *frank, path[128];
    json_t *out = NULL;

    deploy("approval.bpmn");
    inst = start("approval", "{}");
    anyone = task_of(inst, "anyone");
    erin = user_key("erin", "[\"approver\"]", NULL);
    frank = user_key("frank", "[\"approver\"]", NULL);
    (void)snprintf(path, sizeof path, "/api/tasks/%s/claim", anyone);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, erin, NULL, NULL), 204);
    (void)snprintf(path, sizeof path, "/api/tasks/%s", anyone);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, erin, NULL, &out), 200);
    ck_assert_str_eq(json_string_value(json_object_get(out, "assignee")), "erin");
    json_decref(out);
    (void)snprintf(path, sizeof path, "/api/tasks/%s/complete", anyone);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, frank, "{}", NULL), 404); /* erin's now */
    (void)snprintf(path, sizeof path, "/api/tasks/%s/unclaim", anyone);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, erin, NULL, NULL), 204);
    (void)snprintf(path, sizeof path, "/api/tasks/%s/complete", anyone);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, frank, "{}", NULL), 204);
    free(inst);
    free(anyone);
    free(erin);
    free(frank);
}
END_TEST

START_TEST(an_instance_view_lists_and_cancels)
{
    char *inst, path[128];
    json_t *out = NULL;

    deploy("approval.bpmn");
    inst = start("approval", "{\"amount\":12}");
    (void)snprintf(path, sizeof path, "/api/instances/%s", inst);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN, NULL, &out), 200);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(out, "variables"), "amount")), 12);
    ck_assert_int_eq(json_array_size(json_object_get(out, "activeElements")), 3);
    ck_assert(json_array_size(json_object_get(out, "history")) >= 1);
    json_decref(out);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/instances?processId=approval&limit=1", ADMIN, NULL, &out),
        200);
    ck_assert_int_eq(json_array_size(json_object_get(out, "items")), 1);
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/instances?limit=0", ADMIN, NULL, NULL), 422);
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/instances?after=xyz", ADMIN, NULL, NULL),
                     400);
    (void)snprintf(path, sizeof path, "/api/instances/%s/variables", inst);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", path, ADMIN, "{\"variables\":{\"amount\":13}}", NULL), 204);
    (void)snprintf(path, sizeof path, "/api/instances/%s/cancel", inst);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN, NULL, NULL), 204);
    ck_assert_int_eq(httptest_call(&srv, "POST", path, ADMIN, NULL, NULL), 409);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance WHERE status = "
                                          "'canceled'"),
                     1);
    free(inst);
}
END_TEST

START_TEST(the_audit_is_searchable_and_verifies)
{
    char *inst, path[160];
    json_t *out = NULL;

    deploy("approval.bpmn");
    inst = start("approval", "{}");
    (void)snprintf(path, sizeof path, "/api/audit?instanceKey=%s", inst);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN, NULL, &out), 200);
    ck_assert(json_array_size(json_object_get(out, "items")) >= 1);
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/audit/verify", ADMIN, NULL, &out), 200);
    ck_assert(json_is_true(json_object_get(out, "ok")));
    json_decref(out);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/audit/verify?publicKey=zz", ADMIN, NULL, NULL), 422);
    free(inst);
}
END_TEST

START_TEST(metrics_count_requests_and_instances)
{
    struct httptest_resp r;
    char *metrics;

    deploy("approval.bpmn");
    deploy("straight.bpmn");
    deploy("external.bpmn");
    free(start("approval", "{}"));
    free(start("straight", "{}"));
    free(start("external", "{}"));
    for (int i = 0; i < 500 && httptest_count(&srv, "SELECT count(*) FROM instance WHERE "
                                                    "process_id = 'straight' AND status = "
                                                    "'completed'") == 0;
         i++) {
        struct timespec ts = {0, 20L * 1000000};

        nanosleep(&ts, NULL);
    }
    metrics = user_key("prom", "[\"metrics\"]", NULL);
    httptest_json(&srv, "GET", "/metrics", metrics, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "ordo_http_requests_total{route=\"POST "
                                         "/api/instances\",status=\"201\"} 3"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "ordo_instances{process=\"approval\",status=\"active\"} 1"));
    ck_assert_ptr_nonnull(strstr(r.body, "ordo_user_tasks_open 3"));
    ck_assert_ptr_nonnull(strstr(r.body, "ordo_jobs_executed_total{outcome=\"completed\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "ordo_job_duration_seconds_count 1\n"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "ordo_jobs_waiting_external{type=\"billing.charge\"} 1\n"));
    httptest_resp_free(&r);
    free(metrics);
}
END_TEST

START_TEST(messages_publish_and_correlate)
{
    json_t *out = NULL;

    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/messages", ADMIN,
                                   "{\"name\":\"nobody-waits\",\"ttl\":60000,\"messageId\":\"m1\"}",
                                   &out),
                     201);
    ck_assert_int_eq(json_integer_value(json_object_get(out, "delivered")), 0);
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/messages", ADMIN,
                                   "{\"name\":\"nobody-waits\",\"ttl\":60000,\"messageId\":\"m1\"}",
                                   &out),
                     200);
    ck_assert(json_is_true(json_object_get(out, "duplicate")));
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/messages/correlate", ADMIN,
                                   "{\"name\":\"nobody\"}", NULL),
                     404);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", "/api/messages", ADMIN, "{\"name\":\"x\",\"ttl\":-1}", NULL),
        422);
}
END_TEST

START_TEST(simulate_runs_in_memory_and_touches_nothing)
{
    static const char body[] = "{\"definitionKey\":\"%s\",\"variables\":{\"a\":1},\"stimuli\":["
                               "{\"answer\":\"review\",\"variables\":{\"approved\":true}},"
                               "{\"answer\":\"sign\"},{\"answer\":\"anyone\"}]}";
    char buf[512];
    json_t *out = NULL, *defs = NULL;
    long audit;

    deploy("approval.bpmn");
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/definitions", ADMIN, NULL, &defs), 200);
    audit = httptest_count(&srv, "SELECT count(*) FROM audit");
    (void)snprintf(buf, sizeof buf, body,
                   json_string_value(
                       json_object_get(json_array_get(json_object_get(defs, "items"), 0), "key")));
    json_decref(defs);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/simulate", ADMIN, buf, &out), 200);
    ck_assert_str_eq(json_string_value(json_object_get(out, "status")), "completed");
    ck_assert(json_is_true(json_object_get(json_object_get(out, "variables"), "approved")));
    ck_assert(json_array_size(json_object_get(out, "records")) > 5);
    json_decref(out);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/simulate", ADMIN,
                                   "{\"bpmn\":\"<definitions\",\"stimuli\":[]}", NULL),
                     400);
    ck_assert_int_eq(httptest_call(&srv, "POST", "/api/simulate", ADMIN,
                                   "{\"definitionKey\":\"1\",\"stimuli\":[{\"advance\":\"soon\"}]}",
                                   NULL),
                     422);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), 0);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM audit"), audit);
}
END_TEST

/* A request on its own thread, for the routes that wait. */
struct bg {
    pthread_t thread;
    const char *path;
    struct httptest_resp r;
    int64_t ms; /* how long it took */
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *bg_main(void *arg)
{
    struct bg *b = arg;
    int64_t t0 = now_ms();

    httptest_json(&srv, "GET", b->path, ADMIN, NULL, &b->r);
    b->ms = now_ms() - t0;
    return NULL;
}

START_TEST(a_long_poll_answers_when_the_instance_ends)
{
    char *inst, *sign, *review, *anyone, path[128];
    struct bg b = {0};

    deploy("approval.bpmn");
    inst = start("approval", "{}");
    (void)snprintf(path, sizeof path, "/api/instances/%s/wait?timeout=1", inst);
    b.path = path;
    bg_main(&b); /* still active after a second: answered as it is */
    ck_assert_int_eq(b.r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(b.r.json, "state")), "active");
    ck_assert_int_ge(b.ms, 900);
    httptest_resp_free(&b.r);
    (void)snprintf(path, sizeof path, "/api/instances/%s/wait?timeout=60", inst);
    ck_assert_int_eq(pthread_create(&b.thread, NULL, bg_main, &b), 0);
    review = task_of(inst, "review");
    sign = task_of(inst, "sign");
    anyone = task_of(inst, "anyone");
    for (const char *const *t = (const char *const[]){review, sign, anyone, NULL}; *t; t++) {
        char p[128];

        (void)snprintf(p, sizeof p, "/api/tasks/%s/complete", *t);
        ck_assert_int_eq(
            httptest_call(&srv, "POST", p, ADMIN, "{\"variables\":{\"approved\":true}}", NULL),
            204);
    }
    ck_assert_int_eq(pthread_join(b.thread, NULL), 0);
    ck_assert_int_eq(b.r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(b.r.json, "state")), "completed");
    ck_assert_int_lt(b.ms, 30000); /* woken, not timed out */
    httptest_resp_free(&b.r);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/instances/1/wait?timeout=500", ADMIN, NULL, NULL), 422);
    free(inst);
    free(review);
    free(sign);
    free(anyone);
}
END_TEST

/* Collects a stream until it holds 'until' (then aborts the transfer). */
struct sse {
    char data[65536];
    size_t len;
    const char *until;
};

static size_t sse_cb(char *p, size_t size, size_t n, void *ctx)
{
    struct sse *s = ctx;
    size_t add = size * n;

    if (s->len + add >= sizeof s->data) {
        return 0;
    }
    memcpy(s->data + s->len, p, add);
    s->len += add;
    s->data[s->len] = '\0';
    return strstr(s->data, s->until) ? 0 : add;
}

struct sse_run {
    pthread_t thread;
    struct sse s;
    char url[256];
    long status;
};

static void *sse_main(void *arg)
{
    struct sse_run *r = arg;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer " ADMIN);

    curl_easy_setopt(c, CURLOPT_URL, r->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sse_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->s);
    (void)curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

START_TEST(events_stream_the_audit_as_it_happens)
{
    struct sse_run r = {0};

    (void)snprintf(r.url, sizeof r.url, "%s/api/events", srv.url);
    r.s.until = "definition.deployed";
    ck_assert_int_eq(pthread_create(&r.thread, NULL, sse_main, &r), 0);
    while (r.s.len == 0) { /* the stream is open once its first bytes arrive */
        struct timespec ts = {0, 20L * 1000000};

        nanosleep(&ts, NULL);
    }
    deploy("straight.bpmn");
    ck_assert_int_eq(pthread_join(r.thread, NULL), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.s.data, "event: audit\ndata: {"));
    ck_assert_ptr_nonnull(strstr(r.s.data, "\"action\":\"definition.deployed\""));
    ck_assert_int_eq(httptest_call(&srv, "GET", "/api/events?cursor=nonsense", ADMIN, NULL, NULL),
                     400);
}
END_TEST

/* The rule ids of the findings of the first deployment in a deploy answer. */
static char *finding_rules(const char *fixture)
{
    struct httptest_resp r;
    size_t len, i;
    char *xml = httptest_fixture(fixture, &len);
    char rules[1024] = "";
    json_t *f;

    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", xml, len, NULL,
                     &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    json_array_foreach(
        json_object_get(json_array_get(json_object_get(r.json, "deployments"), 0), "findings"), i,
        f)
    {
        size_t n = strlen(rules);

        (void)snprintf(rules + n, sizeof rules - n, "%s ",
                       json_string_value(json_object_get(f, "rule")));
    }
    httptest_resp_free(&r);
    free(xml);
    return strdup(rules);
}

START_TEST(deploy_reports_what_will_wait_and_stores_it)
{
    char *rules = finding_rules("external.bpmn");
    json_t *defs = NULL, *findings = NULL;
    char path[128];

    ck_assert_msg(strstr(rules, "ordo/job-type-not-installed") != NULL, "%s", rules);
    free(rules);
    rules = finding_rules("approval.bpmn"); /* candidate group "finance" does not exist */
    ck_assert_msg(strstr(rules, "ordo/unknown-group") != NULL, "%s", rules);
    free(rules);
    ck_assert_int_eq(
        httptest_call(&srv, "POST", "/api/groups", ADMIN, "{\"name\":\"finance\"}", NULL), 201);
    ck_assert_int_eq(
        httptest_call(&srv, "GET", "/api/definitions?processId=external", ADMIN, NULL, &defs), 200);
    (void)snprintf(path, sizeof path, "/api/definitions/%s/findings",
                   json_string_value(
                       json_object_get(json_array_get(json_object_get(defs, "items"), 0), "key")));
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN, NULL, &findings), 200);
    ck_assert_int_ge(json_array_size(json_object_get(findings, "items")), 1);
    json_decref(defs);
    json_decref(findings);
}
END_TEST

START_TEST(a_process_with_only_a_message_start_starts_through_the_api)
{
    char *inst, path[128];
    json_t *out = NULL;

    deploy("order-placed.bpmn");
    inst = start("order_placed", "{\"order\":7}");
    (void)snprintf(path, sizeof path, "/api/instances/%s", inst);
    ck_assert_int_eq(httptest_call(&srv, "GET", path, ADMIN, NULL, &out), 200);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(out, "variables"), "order")), 7);
    json_decref(out);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM audit WHERE element_id = "
                                          "'order_placed' AND action = 'instance.started'"),
                     1);
    free(inst);
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("http_api");
    TCase *tc = tcase_create("flows");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, an_idempotency_key_starts_one_instance);
    tcase_add_test(tc, concurrent_starts_with_one_idempotency_key_start_one_instance);
    tcase_add_test(tc, deploy_reports_what_will_wait_and_stores_it);
    tcase_add_test(tc, a_process_with_only_a_message_start_starts_through_the_api);
    tcase_add_test(tc, approvers_see_and_complete_only_their_tasks);
    tcase_add_test(tc, claiming_assigns_and_blocks_others);
    tcase_add_test(tc, an_instance_view_lists_and_cancels);
    tcase_add_test(tc, the_audit_is_searchable_and_verifies);
    tcase_add_test(tc, metrics_count_requests_and_instances);
    tcase_add_test(tc, messages_publish_and_correlate);
    tcase_add_test(tc, simulate_runs_in_memory_and_touches_nothing);
    tcase_add_test(tc, a_long_poll_answers_when_the_instance_ends);
    tcase_add_test(tc, events_stream_the_audit_as_it_happens);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(api_suite)
