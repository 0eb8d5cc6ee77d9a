/*
 * tests/integration/test_connectors.c - every connector action through the whole stack: a real
 * `ordo serve` (httptest) with the real plugin loader and the real .so files of
 * lib/ordo/connectors, against bin/ordo-sandbox (sandboxtest), the stand-in for Slack, Jira,
 * GitHub and BambooHR.
 *
 * Each test case (one per connector, and one for what the host does for every connector)
 * starts one sandbox and one server for all of its tests (an unchecked fixture), stores the
 * sandbox's credentials through PUT /api/credentials/{connector}/default, and before each
 * test brings the sandbox back to its seed. A test deploys a small BPMN built here (one
 * service task with ordo:action, zeebe:ioMapping inputs from start variables of the same
 * names, outputs to out_<name>, optionally an error boundary event), starts instances over
 * HTTP and waits for them, then asserts on the variables, the incidents and the calls the
 * sandbox recorded.
 *
 * Tables of every action drive the cases that hold for all of them: a 429 is retried after
 * the server's delay with the same X-Ordo-Idempotency-Key, a bad input is an incident naming
 * the field with no call made, a missing credential is an incident saying how to set it.
 * Those run their instances at once (each action with a credential of its own, so one
 * action's 429 does not hold back the others), which keeps the file's runtime short.
 *
 * Waiting for retries: a 429's delay comes from the fault's Retry-After (2 s). A retry after
 * a timeout or a 502 waits the engine's backoff (10 s); there the test checks the job row
 * (attempts, due time, last error) and then makes the job due at once in the database, which
 * stands in for waiting the backoff out.
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

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"
#include "tests/integration/sandboxtest.h"
#include "tests/unit/check_main.h"

#define ADMIN        HTTPTEST_ADMIN_KEY
#define SETTLE_MS    30000 /* the longest an instance may take to end or stop at an incident */
#define BAMBOO_API   "/bamboohr/api/gateway.php/acme/v1"
#define MAX_XML      16384
#define MAX_PARALLEL 16

static struct sandboxtest sb;
static struct httptest srv;

/* ---- small helpers ------------------------------------------------------------------------- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    (void)nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A malloc'ed string made like printf. */
static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    va_start(ap, fmt);
    (void)vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (timegm() is not POSIX). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    int64_t yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The decimal number of 'len' digits at 'text + at'. */
static int digits_at(const char *text, size_t at, size_t len)
{
    char part[8];
    char *end;
    long v;

    ck_assert_uint_lt(len, sizeof part);
    (void)snprintf(part, sizeof part, "%.*s", (int)len, text + at);
    v = strtol(part, &end, 10);
    ck_assert_msg(end == part + len, "not a time: %s", text);
    return (int)v;
}

/* An RFC 3339 UTC time with milliseconds ("2026-11-25T10:30:00.123Z", as the API and the
 * sandbox write them) in ms since the epoch. */
static int64_t time_ms(const char *text)
{
    int64_t days;

    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strlen(text) == 24 && text[10] == 'T' && text[23] == 'Z', "not a time: %s", text);
    days = days_from_civil(digits_at(text, 0, 4), digits_at(text, 5, 2), digits_at(text, 8, 2));
    return ((days * 24 + digits_at(text, 11, 2)) * 60 + digits_at(text, 14, 2)) * 60000 +
           (int64_t)digits_at(text, 17, 2) * 1000 + digits_at(text, 20, 3);
}

/* The value at a dotted path ("calls.0.body", "name.given_name") of 'root', or NULL. */
static json_t *at(const json_t *root, const char *path)
{
    char part[64];
    json_t *v = (json_t *)root;

    while (v && *path) {
        size_t n = strcspn(path, ".");
        char *end;
        long idx;

        (void)snprintf(part, sizeof part, "%.*s", (int)n, path);
        idx = strtol(part, &end, 10);
        v = json_is_array(v) && *end == '\0' ? json_array_get(v, (size_t)idx)
                                             : json_object_get(v, part);
        path += n + (path[n] == '.');
    }
    return v;
}

static const char *str(const json_t *root, const char *path)
{
    return json_string_value(at(root, path));
}

/* 'text' parsed; aborts the test when it is not JSON. */
static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

    ck_assert_msg(v != NULL, "not JSON (%s): %s", e.text, text);
    return v;
}

/* Assert that the JSON value at 'path' of 'root' equals the JSON text 'want'. */
#define ASSERT_JSON(root, path, want) assert_json_at(__LINE__, (root), (path), (want))

static void assert_json_at(int line, const json_t *root, const char *path, const char *want)
{
    json_t *w = parse(want);
    json_t *got = at(root, path);
    char *text = got ? json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

    ck_assert_msg(got && json_equal(got, w), "line %d: %s is %s, want %s", line, path,
                  text ? text : "absent", want);
    free(text);
    json_decref(w);
}

/* ---- the server's API ---------------------------------------------------------------------- */

/* One request with the admin key; the status, and the body parsed in '*out' (may be NULL). */
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

static void put_credential(const char *connector, const char *name, const char *config,
                           const char *secret)
{
    char path[256];
    char *body = xprintf("{\"config\":%s,\"secret\":%s}", config, secret);
    json_t *out = NULL;
    long status;

    (void)snprintf(path, sizeof path, "/api/credentials/%s/%s", connector, name);
    status = api("PUT", path, body, &out);
    ck_assert_msg(status == 200 || status == 201, "PUT %s: %ld", path, status);
    json_decref(out);
    free(body);
}

/* The sandbox's credentials as the default of each connector, with 'name'. */
static void put_sandbox_credential(const char *connector, const char *name)
{
    char config[256];

    if (strcmp(connector, "slack") == 0) {
        (void)snprintf(config, sizeof config, "{\"base_url\":\"%s/slack/api\"}", sb.url);
        put_credential("slack", name, config, "{\"bot_token\":\"" SANDBOXTEST_SLACK_TOKEN "\"}");
    } else if (strcmp(connector, "jira") == 0) {
        (void)snprintf(config, sizeof config,
                       "{\"base_url\":\"%s/jira\",\"email\":\"" SANDBOXTEST_JIRA_EMAIL "\"}",
                       sb.url);
        put_credential("jira", name, config, "{\"api_token\":\"" SANDBOXTEST_JIRA_TOKEN "\"}");
    } else if (strcmp(connector, "github") == 0) {
        (void)snprintf(config, sizeof config, "{\"base_url\":\"%s/github\",\"org\":\"acme\"}",
                       sb.url);
        put_credential("github", name, config, "{\"token\":\"" SANDBOXTEST_GITHUB_TOKEN "\"}");
    } else if (strcmp(connector, "bamboohr") == 0) {
        (void)snprintf(config, sizeof config, "{\"base_url\":\"%s" BAMBOO_API "\"}", sb.url);
        put_credential("bamboohr", name, config, "{\"api_key\":\"" SANDBOXTEST_BAMBOO_KEY "\"}");
    } else {
        ck_abort_msg("no sandbox credential for %s", connector);
    }
}

static void deploy(const char *xml)
{
    struct httptest_resp r;

    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", xml, strlen(xml),
                     NULL, &r);
    ck_assert_msg(r.status == 201 || r.status == 200, "deploy: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
}

static void deploy_fixture(const char *name)
{
    size_t len;
    char *xml = httptest_fixture(name, &len);

    deploy(xml);
    free(xml);
}

/* Start an instance of 'process' with 'vars' (a JSON object): its key, malloc'ed. */
static char *start(const char *process, const char *vars)
{
    char *body = xprintf("{\"processId\":\"%s\",\"variables\":%s}", process, vars);
    json_t *out = NULL;
    char *key;
    long status;

    status = api("POST", "/api/instances", body, &out);
    ck_assert_msg(status == 201, "start %s: %ld", process, status);
    key = strdup(str(out, "key"));
    json_decref(out);
    free(body);
    return key;
}

static json_t *instance(const char *key)
{
    char path[128];
    json_t *out = NULL;

    (void)snprintf(path, sizeof path, "/api/instances/%s", key);
    ck_assert_int_eq(api("GET", path, NULL, &out), 200);
    return out;
}

/* The instance once it has ended or stopped at an incident (polled: an incident leaves it
 * active, so the long poll of /wait would run into its timeout). */
static json_t *settle(const char *key)
{
    int64_t until = now_ms() + SETTLE_MS;

    for (;;) {
        json_t *inst = instance(key);

        if (strcmp(str(inst, "state"), "active") != 0 ||
            json_array_size(json_object_get(inst, "incidents")) > 0) {
            return inst;
        }
        ck_assert_msg(now_ms() < until, "instance %s neither ended nor failed in time", key);
        json_decref(inst);
        sleep_ms(30);
    }
}

/* The instance once completed: long polls of GET /api/instances/{key}/wait, a second each,
 * so that an incident (which leaves the instance active) fails the test at once with its
 * reason rather than after the whole wait. */
static json_t *completed(const char *key)
{
    char path[128];
    int64_t until = now_ms() + SETTLE_MS;

    (void)snprintf(path, sizeof path, "/api/instances/%s/wait?timeout=1", key);
    for (;;) {
        json_t *inst = NULL;

        ck_assert_int_eq(api("GET", path, NULL, &inst), 200);
        ck_assert_msg(json_array_size(json_object_get(inst, "incidents")) == 0,
                      "instance %s has an incident: %s", key, str(inst, "incidents.0.reason"));
        if (strcmp(str(inst, "state"), "active") != 0) {
            ck_assert_msg(strcmp(str(inst, "state"), "completed") == 0, "instance %s is %s", key,
                          str(inst, "state"));
            return inst;
        }
        ck_assert_msg(now_ms() < until, "instance %s did not complete in time", key);
        json_decref(inst);
    }
}

/* The reason of the instance's one incident (a new string). */
static char *incident_of(const char *key)
{
    json_t *inst = settle(key);
    char *reason;

    ck_assert_msg(json_array_size(json_object_get(inst, "incidents")) == 1,
                  "instance %s is %s with %zu incidents", key, str(inst, "state"),
                  json_array_size(json_object_get(inst, "incidents")));
    reason = strdup(str(inst, "incidents.0.reason"));
    json_decref(inst);
    return reason;
}

#define ASSERT_CONTAINS(text, part) \
    ck_assert_msg(strstr((text), (part)) != NULL, "\"%s\" lacks \"%s\"", (text), (part))

/* Did the instance enter element 'element'? Its history (audit rows) lists the effects of
 * each step, "enter" among them. */
static bool visited(const json_t *inst, const char *element)
{
    size_t i, j;
    const json_t *row;
    const json_t *e;

    json_array_foreach(json_object_get(inst, "history"), i, row)
    {
        json_array_foreach(at(row, "payload.effects"), j, e)
        {
            const char *ev = str(e, "event");
            const char *el = str(e, "element");

            if (ev && el && strcmp(ev, "enter") == 0 && strcmp(el, element) == 0) {
                return true;
            }
        }
    }
    return false;
}

/* The key of the job that ran the instance's service task "task" (its job.attempt rows name
 * it), which the connector sent as X-Ordo-Idempotency-Key; a new string. */
static char *job_key_of(const json_t *inst)
{
    size_t i;
    const json_t *row;

    json_array_foreach(json_object_get(inst, "history"), i, row)
    {
        if (str(row, "action") && strcmp(str(row, "action"), "job.attempt") == 0) {
            return strdup(str(row, "payload.job_key"));
        }
    }
    ck_abort_msg("instance %s ran no job", str(inst, "key"));
    return NULL;
}

/* ---- processes ----------------------------------------------------------------------------- */

/* One service task bound to 'action'. Its inputs are the start variables of the same names
 * (the keys of 'input'), its outputs the result fields of 'outputs' (NULL-terminated, may be
 * NULL) as out_<name>. With 'error_code', an error boundary event catches that BPMN error and
 * ends in "caught". */
struct task {
    const char *process;
    const char *action;
    const char *credential;     /* ordo:credential, or NULL */
    int retries;                /* zeebe:taskDefinition retries; 0: the default */
    const char *error_code;     /* NULL: no boundary event */
    const char *const *outputs; /* NULL-terminated, or NULL */
};

static void append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    int w;

    va_start(ap, fmt);
    w = vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
    ck_assert_msg(w >= 0 && (size_t)w < size - n, "a BPMN of the test is too long");
}

static void deploy_task(const struct task *t, const char *input)
{
    static char xml[MAX_XML];
    json_t *in = parse(input);
    const char *name;
    json_t *v;

    xml[0] = '\0';
    append(xml, sizeof xml,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
           "xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" "
           "xmlns:ordo=\"urn:ordo:schema:bpmn:1.0\" id=\"defs\" targetNamespace=\"urn:ordo:test\">"
           "\n");
    if (t->error_code) {
        append(xml, sizeof xml, "  <error id=\"err\" errorCode=\"%s\" />\n", t->error_code);
    }
    append(xml, sizeof xml,
           "  <process id=\"%s\" isExecutable=\"true\">\n"
           "    <startEvent id=\"start\" />\n"
           "    <sequenceFlow id=\"f1\" sourceRef=\"start\" targetRef=\"task\" />\n"
           "    <serviceTask id=\"task\" ordo:action=\"%s\"",
           t->process, t->action);
    if (t->credential) {
        append(xml, sizeof xml, " ordo:credential=\"%s\"", t->credential);
    }
    append(xml, sizeof xml, "><extensionElements>");
    if (t->retries > 0) {
        append(xml, sizeof xml, "<zeebe:taskDefinition type=\"%s\" retries=\"%d\" />", t->action,
               t->retries);
    }
    append(xml, sizeof xml, "<zeebe:ioMapping>");
    json_object_foreach(in, name, v)
    {
        append(xml, sizeof xml, "<zeebe:input source=\"=%s\" target=\"%s\" />", name, name);
    }
    for (size_t i = 0; t->outputs && t->outputs[i]; i++) {
        append(xml, sizeof xml, "<zeebe:output source=\"=%s\" target=\"out_%s\" />", t->outputs[i],
               t->outputs[i]);
    }
    append(xml, sizeof xml,
           "</zeebe:ioMapping></extensionElements></serviceTask>\n"
           "    <sequenceFlow id=\"f2\" sourceRef=\"task\" targetRef=\"done\" />\n"
           "    <endEvent id=\"done\" />\n");
    if (t->error_code) {
        append(xml, sizeof xml,
               "    <boundaryEvent id=\"catch\" attachedToRef=\"task\"><errorEventDefinition "
               "errorRef=\"err\" /></boundaryEvent>\n"
               "    <sequenceFlow id=\"f3\" sourceRef=\"catch\" targetRef=\"caught\" />\n"
               "    <endEvent id=\"caught\" />\n");
    }
    append(xml, sizeof xml, "  </process>\n</definitions>\n");
    json_decref(in);
    deploy(xml);
}

/* Deploy 't' and start one instance with 'input' as its variables: the instance's key. */
static char *run_task(const struct task *t, const char *input)
{
    deploy_task(t, input);
    return start(t->process, input);
}

/* ---- the sandbox's recorded calls ---------------------------------------------------------- */

/* The calls to 'service' recorded since the last reset. */
static json_t *calls_of(const char *service)
{
    char query[64];

    (void)snprintf(query, sizeof query, "service=%s", service);
    return sandboxtest_calls(&sb, query);
}

/* The recorded calls once there are 'n' of them (a call held by a fault's delay is recorded
 * when it is answered). */
static json_t *calls_after(size_t n)
{
    int64_t until = now_ms() + SETTLE_MS;

    for (;;) {
        json_t *calls = sandboxtest_calls(&sb, NULL);

        if (json_array_size(calls) >= n || now_ms() >= until) {
            return calls;
        }
        json_decref(calls);
        sleep_ms(50);
    }
}

/* DELETE /_sandbox/calls: what a test looks at next starts from none. */
static void forget_calls(void)
{
    struct httptest_resp r;

    sandboxtest_control(&sb, "DELETE", "/_sandbox/calls", NULL, &r);
    ck_assert_int_lt(r.status, 300);
    httptest_resp_free(&r);
}

static size_t ncalls(void)
{
    json_t *calls = sandboxtest_calls(&sb, NULL);
    size_t n = json_array_size(calls);

    json_decref(calls);
    return n;
}

/* Assert the request line of call 'i', that its credential was right and that it carried an
 * idempotency key; answer the call. */
static const json_t *assert_call(const json_t *calls, size_t i, const char *method,
                                 const char *path)
{
    const json_t *c = json_array_get(calls, i);

    ck_assert_msg(c != NULL, "no call %zu (of %zu)", i, json_array_size(calls));
    ck_assert_str_eq(str(c, "method"), method);
    ck_assert_str_eq(str(c, "path"), path);
    ck_assert_msg(json_is_true(json_object_get(c, "auth_ok")), "call %zu: bad credential", i);
    ck_assert_msg(str(c, "idempotency_key") && strspn(str(c, "idempotency_key"), "0123456789") ==
                                                   strlen(str(c, "idempotency_key")),
                  "call %zu: no idempotency key", i);
    return c;
}

/* The body of a recorded call, parsed (a new reference). */
static json_t *body_of(const json_t *call)
{
    return parse(str(call, "body"));
}

/* A call to a sandbox service made by the test itself (not by a connector): 'auth' is a whole
 * header line; the answer's JSON (a new reference, or NULL). */
static json_t *service(const char *method, const char *path, const char *json, const char *auth,
                       long want_status)
{
    const char *headers[] = {auth, "Accept: application/json", NULL};
    struct httptest_resp r;
    json_t *out;

    httptest_request(&sb.t, method, path, NULL, json ? "application/json" : NULL, json,
                     json ? strlen(json) : 0, headers, &r);
    ck_assert_msg(r.status == want_status, "%s %s: %ld %s", method, path, r.status, r.body);
    out = json_incref(r.json);
    httptest_resp_free(&r);
    return out;
}

/* ---- jobs ---------------------------------------------------------------------------------- */

/* The instance's one pending job (GET /api/instances/{key}/jobs) once it has made 'attempts'
 * attempts and recorded an error: a new reference. */
static json_t *job_after(const char *key, int attempts)
{
    char path[128];
    int64_t until = now_ms() + SETTLE_MS;

    (void)snprintf(path, sizeof path, "/api/instances/%s/jobs", key);
    for (;;) {
        json_t *out = NULL;
        json_t *job;

        ck_assert_int_eq(api("GET", path, NULL, &out), 200);
        job = json_array_get(json_object_get(out, "items"), 0);
        if (job && json_integer_value(json_object_get(job, "attempts")) >= attempts &&
            str(job, "lastError") && !str(job, "lockOwner")) {
            json_incref(job);
            json_decref(out);
            return job;
        }
        json_decref(out);
        ck_assert_msg(now_ms() < until, "instance %s: no job with %d attempts", key, attempts);
        sleep_ms(20);
    }
}

/* Make job 'job_key' due now: stands in for waiting out the engine's backoff. */
static void make_due(const char *job_key)
{
    PGconn *db = httptest_db(&srv);
    const char *params[1] = {job_key};
    PGresult *res = PQexecParams(db, "UPDATE job SET due_at = now() WHERE key = $1::bigint", 1,
                                 NULL, params, NULL, NULL, 0);

    ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK && strcmp(PQcmdTuples(res), "1") == 0,
                  "could not make job %s due: %s", job_key, PQerrorMessage(db));
    PQclear(res);
    res = PQexec(db, "NOTIFY ordo_job");
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(db);
}

/* ---- every action ------------------------------------------------------------------------ */

/* One action, and what holds for every action: a valid input that succeeds against the
 * sandbox's seed (and what its test makes first), the first request it makes (for a
 * fault), and an input the schema refuses, with the field the refusal must name. */
struct action_case {
    const char *action;
    const char *service; /* the sandbox's service it calls */
    const char *method;  /* of its first request */
    const char *path;    /* of its first request, below the service's prefix */
    const char *input;
    const char *bad_input;
    const char *bad_field;
};

/* "slack.post_message" + "_429" as a process id. */
static void process_id(char *buf, size_t size, const char *action, const char *suffix)
{
    (void)snprintf(buf, size, "%s%s", action, suffix);
    for (char *p = buf; *p; p++) {
        if (*p == '.') {
            *p = '_';
        }
    }
}

static void connector_of(const char *action, char *buf, size_t size)
{
    (void)snprintf(buf, size, "%.*s", (int)strcspn(action, "."), action);
}

/* Arm a 429 (Retry-After 2 s, once) for the first request of every case, the longest paths
 * first: a fault answers the first call whose path it prefixes, and a more specific one must
 * be taken by its own action. */
static void arm_429s(const struct action_case *cases, size_t n)
{
    bool armed[MAX_PARALLEL] = {false};

    ck_assert_uint_le(n, MAX_PARALLEL);
    for (size_t k = 0; k < n; k++) {
        size_t best = n;
        char *fault;

        for (size_t i = 0; i < n; i++) {
            if (!armed[i] && (best == n || strlen(cases[i].path) > strlen(cases[best].path))) {
                best = i;
            }
        }
        armed[best] = true;
        fault = xprintf("{\"service\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"status\":429,"
                        "\"retry_after\":2,\"times\":1}",
                        cases[best].service, cases[best].method, cases[best].path);
        sandboxtest_fault(&sb, fault);
        free(fault);
    }
}

/* The calls of 'calls' that carry idempotency key 'key', oldest first (a new array). */
static json_t *calls_with_key(const json_t *calls, const char *key)
{
    json_t *out = json_array();
    size_t i;
    const json_t *c;

    json_array_foreach(calls, i, c)
    {
        if (str(c, "idempotency_key") && strcmp(str(c, "idempotency_key"), key) == 0) {
            json_array_append(out, (json_t *)c);
        }
    }
    return out;
}

/* The first call of 'calls' after 'first' with its method and path, or NULL. */
static const json_t *same_request_after(const json_t *calls, const json_t *first)
{
    size_t i;
    const json_t *c;

    json_array_foreach(calls, i, c)
    {
        if (c != first &&
            json_integer_value(json_object_get(c, "seq")) >
                json_integer_value(json_object_get(first, "seq")) &&
            strcmp(str(c, "method"), str(first, "method")) == 0 &&
            strcmp(str(c, "path"), str(first, "path")) == 0) {
            return c;
        }
    }
    return NULL;
}

/* Each action's first request is answered 429 with Retry-After: 2; the job is tried again
 * about 2 s later (the host neither sleeps nor fails it), with the same idempotency key, and
 * the instance completes. Each action has a credential of its own, as a throttled credential
 * holds back every call made with it. */
static void every_action_retries_a_429_after_its_delay(const struct action_case *cases, size_t n)
{
    char *keys[MAX_PARALLEL];
    json_t *calls;

    arm_429s(cases, n);
    for (size_t i = 0; i < n; i++) {
        char process[80];
        char connector[32];
        const struct task t = {
            .process = process, .action = cases[i].action, .credential = cases[i].action};

        connector_of(cases[i].action, connector, sizeof connector);
        if (strcmp(connector, "http") != 0) {
            put_sandbox_credential(connector, cases[i].action);
        }
        process_id(process, sizeof process, cases[i].action, "_429");
        keys[i] = run_task(&t, cases[i].input);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *inst = completed(keys[i]);
        char *job = job_key_of(inst);
        json_t *mine;
        const json_t *first;
        const json_t *retry;

        json_decref(inst);
        calls = sandboxtest_calls(&sb, NULL);
        mine = calls_with_key(calls, job);
        ck_assert_msg(json_array_size(mine) >= 2, "%s: %zu calls", cases[i].action,
                      json_array_size(mine));
        first = json_array_get(mine, 0);
        ck_assert_msg(json_integer_value(json_object_get(first, "status")) == 429 &&
                          json_is_integer(json_object_get(first, "fault")),
                      "%s: the first call was not the 429", cases[i].action);
        /* the next attempt starts after the server's delay (give or take the executor's
         * wake-up), and repeats the request that was refused */
        retry = json_array_get(mine, 1);
        ck_assert_msg(time_ms(str(retry, "time")) - time_ms(str(first, "time")) >= 1900,
                      "%s: tried again %lld ms after the 429", cases[i].action,
                      (long long)(time_ms(str(retry, "time")) - time_ms(str(first, "time"))));
        retry = same_request_after(mine, first);
        ck_assert_msg(retry && json_integer_value(json_object_get(retry, "status")) < 400,
                      "%s: the refused request was not repeated with success", cases[i].action);
        json_decref(mine);
        json_decref(calls);
        free(job);
        free(keys[i]);
    }
}

/* A bad input is an incident at once, naming the field, before any call. */
static void every_action_refuses_a_bad_input(const struct action_case *cases, size_t n)
{
    char *keys[MAX_PARALLEL];

    ck_assert_uint_le(n, MAX_PARALLEL);
    for (size_t i = 0; i < n; i++) {
        char process[80];
        const struct task t = {.process = process, .action = cases[i].action};

        process_id(process, sizeof process, cases[i].action, "_bad");
        keys[i] = run_task(&t, cases[i].bad_input);
    }
    for (size_t i = 0; i < n; i++) {
        char *reason = incident_of(keys[i]);
        char *want = xprintf("input of %s: ", cases[i].action);

        ASSERT_CONTAINS(reason, want);
        ASSERT_CONTAINS(reason, cases[i].bad_field);
        free(want);
        free(reason);
        free(keys[i]);
    }
    ck_assert_uint_eq(ncalls(), 0);
}

/* A task naming a credential that is not stored is an incident at once that names it and says
 * how to set it, before any call. */
static void every_action_needs_its_credential(const struct action_case *cases, size_t n)
{
    char *keys[MAX_PARALLEL];

    ck_assert_uint_le(n, MAX_PARALLEL);
    for (size_t i = 0; i < n; i++) {
        char process[80];
        const struct task t = {
            .process = process, .action = cases[i].action, .credential = "absent"};

        process_id(process, sizeof process, cases[i].action, "_nocred");
        keys[i] = run_task(&t, cases[i].input);
    }
    for (size_t i = 0; i < n; i++) {
        char connector[32];
        char *reason = incident_of(keys[i]);
        char *want;

        connector_of(cases[i].action, connector, sizeof connector);
        want = xprintf("no credential \"absent\" for connector %s: set it with PUT "
                       "/api/credentials/%s/absent",
                       connector, connector);
        ASSERT_CONTAINS(reason, want);
        free(want);
        free(reason);
        free(keys[i]);
    }
    ck_assert_uint_eq(ncalls(), 0);
}

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fixtures ------------------------------------------------------------------------------ */

static const char *const server_env[] = {
    "ORDO_HTTP_ALLOW=127.0.0.1/32", /* the sandbox is on loopback */
    "ORDO_HTTP_SCHEME=any",         /* and speaks plain http */
    "ORDO_EXECUTOR_THREADS=1",      /* one thread: a sleeping call would hold up every job */
    NULL};

static void start_all(void)
{
    static const char *const connectors[] = {"slack", "jira", "github", "bamboohr"};

    memset(&sb, 0, sizeof sb);
    sandboxtest_start(&sb, NULL);
    httptest_start(&srv, "connectors", server_env);
    for (size_t i = 0; i < sizeof connectors / sizeof connectors[0]; i++) {
        put_sandbox_credential(connectors[i], "default");
    }
}

static void stop_all(void)
{
    httptest_stop(&srv);
    sandboxtest_cleanup(&sb);
}

static void reset_sandbox(void)
{
    sandboxtest_reset(&sb);
}

/* ---- slack --------------------------------------------------------------------------------- */

START_TEST(slack_post_message_sends_json_and_answers_channel_and_ts)
{
    static const char *const outs[] = {"channel", "ts", NULL};
    const struct task t = {
        .process = "slack_post", .action = "slack.post_message", .outputs = outs};
    char *key = run_task(&t, "{\"channel\":\"#general\",\"text\":\"Welcome Nora\","
                             "\"blocks\":[{\"type\":\"divider\"}],\"ignored\":1}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("slack");
    json_t *body = body_of(assert_call(calls, 0, "POST", "/slack/api/chat.postMessage"));
    char *job;

    ASSERT_JSON(inst, "variables.out_channel", "\"C001\"");
    ASSERT_JSON(inst, "variables.out_ts", "\"1700000000.000100\"");
    ck_assert_uint_eq(json_array_size(calls), 1);
    ASSERT_JSON(body, "",
                "{\"channel\":\"#general\",\"text\":\"Welcome Nora\","
                "\"blocks\":[{\"type\":\"divider\"}]}");
    ck_assert_pstr_eq(str(calls, "0.content_type"), "application/json; charset=utf-8");
    job = job_key_of(inst);
    ck_assert_pstr_eq(str(calls, "0.idempotency_key"), job); /* the job key */
    free(job);
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(slack_update_message_replaces_the_text_of_a_posted_message)
{
    char *key;
    json_t *inst;
    json_t *calls;
    json_t *post;
    json_t *update;

    deploy_fixture("connectors/slack-post-then-update.bpmn");
    key = start("slack_post_then_update", "{\"channel\":\"C002\",\"who\":\"Nora\"}");
    inst = completed(key);
    ASSERT_JSON(inst, "variables.posted_ts", "\"1700000000.000100\"");
    ASSERT_JSON(inst, "variables.updated_ts", "\"1700000000.000100\"");
    ASSERT_JSON(inst, "variables.updated_channel", "\"C002\"");
    calls = calls_of("slack");
    ck_assert_uint_eq(json_array_size(calls), 2);
    post = body_of(assert_call(calls, 0, "POST", "/slack/api/chat.postMessage"));
    update = body_of(assert_call(calls, 1, "POST", "/slack/api/chat.update"));
    ASSERT_JSON(post, "", "{\"channel\":\"C002\",\"text\":\"Approve the laptop for Nora?\"}");
    ASSERT_JSON(update, "",
                "{\"channel\":\"C002\",\"ts\":\"1700000000.000100\","
                "\"text\":\"Approved for Nora\"}");
    /* two jobs, two keys */
    ck_assert_str_ne(str(calls, "0.idempotency_key"), str(calls, "1.idempotency_key"));
    json_decref(post);
    json_decref(update);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(slack_post_ephemeral_and_post_approval)
{
    static const char *const eph_out[] = {"message_ts", NULL};
    static const char *const msg_out[] = {"channel", "ts", NULL};
    const struct task eph = {
        .process = "slack_eph", .action = "slack.post_ephemeral", .outputs = eph_out};
    const struct task appr = {
        .process = "slack_appr", .action = "slack.post_approval", .outputs = msg_out};
    char *k1 = run_task(&eph, "{\"channel\":\"C001\",\"user\":\"U002\",\"text\":\"not you\"}");
    json_t *i1 = completed(k1);
    char *k2 = run_task(&appr, "{\"channel\":\"C002\",\"text\":\"A laptop for *Nora*\","
                               "\"token\":\"tok-1\",\"title\":\"Approve?\"}");
    json_t *i2 = completed(k2);
    json_t *calls = calls_of("slack");
    json_t *b1 = body_of(assert_call(calls, 0, "POST", "/slack/api/chat.postEphemeral"));
    json_t *b2 = body_of(assert_call(calls, 1, "POST", "/slack/api/chat.postMessage"));

    ASSERT_JSON(i1, "variables.out_message_ts", "\"1700000000.000100\"");
    ASSERT_JSON(b1, "", "{\"channel\":\"C001\",\"user\":\"U002\",\"text\":\"not you\"}");
    ASSERT_JSON(i2, "variables.out_channel", "\"C002\"");
    ASSERT_JSON(i2, "variables.out_ts", "\"1700000000.000200\"");
    ASSERT_JSON(b2, "channel", "\"C002\"");
    ASSERT_JSON(b2, "text", "\"Approve?\""); /* the notification is the title */
    ASSERT_JSON(b2, "blocks.0.text.text", "\"*Approve?*\\nA laptop for *Nora*\"");
    ASSERT_JSON(b2, "blocks.1.block_id", "\"ordo_approval\"");
    ASSERT_JSON(b2, "blocks.1.elements.0.action_id", "\"approve\"");
    ASSERT_JSON(b2, "blocks.1.elements.0.style", "\"primary\"");
    ASSERT_JSON(b2, "blocks.1.elements.0.value", "\"tok-1\"");
    ASSERT_JSON(b2, "blocks.1.elements.0.text.text", "\"Approve\"");
    ASSERT_JSON(b2, "blocks.1.elements.1.action_id", "\"reject\"");
    ASSERT_JSON(b2, "blocks.1.elements.1.style", "\"danger\"");
    ASSERT_JSON(b2, "blocks.1.elements.1.value", "\"tok-1\"");
    ASSERT_JSON(b2, "blocks.1.elements.1.text.text", "\"Reject\"");
    json_decref(b1);
    json_decref(b2);
    json_decref(calls);
    json_decref(i1);
    json_decref(i2);
    free(k1);
    free(k2);
}
END_TEST

START_TEST(slack_create_channel_makes_one_or_answers_the_one_of_that_name)
{
    static const char *const outs[] = {"channel_id", "name", "created", NULL};
    const struct task t = {
        .process = "slack_create", .action = "slack.create_channel", .outputs = outs};
    char *k1 = run_task(&t, "{\"name\":\"#onboarding-nora\"}");
    json_t *i1 = completed(k1);
    char *k2 = start("slack_create", "{\"name\":\"it-help\",\"is_private\":false}");
    json_t *i2 = completed(k2);
    json_t *calls = calls_of("slack");
    json_t *b0 = body_of(assert_call(calls, 0, "POST", "/slack/api/conversations.create"));
    json_t *b1 = body_of(assert_call(calls, 1, "POST", "/slack/api/conversations.create"));

    ASSERT_JSON(i1, "variables.out_channel_id", "\"C003\"");
    ASSERT_JSON(i1, "variables.out_name", "\"onboarding-nora\"");
    ASSERT_JSON(i1, "variables.out_created", "true");
    ASSERT_JSON(b0, "", "{\"name\":\"onboarding-nora\",\"is_private\":false}");
    /* name_taken: the channel of that name, as an earlier attempt would have made it */
    ASSERT_JSON(i2, "variables.out_channel_id", "\"C002\"");
    ASSERT_JSON(i2, "variables.out_created", "false");
    ASSERT_JSON(b1, "", "{\"name\":\"it-help\",\"is_private\":false}");
    assert_call(calls, 2, "GET", "/slack/api/conversations.list");
    ck_assert_str_eq(str(calls, "2.query"),
                     "types=public_channel&exclude_archived=false&limit=200");
    ck_assert_uint_eq(json_array_size(calls), 3);
    json_decref(b0);
    json_decref(b1);
    json_decref(calls);
    json_decref(i1);
    json_decref(i2);
    free(k1);
    free(k2);
}
END_TEST

START_TEST(slack_invite_to_channel_counts_already_in_channel_as_success)
{
    static const char *const outs[] = {"channel", "already_in_channel", NULL};
    const struct task t = {
        .process = "slack_invite", .action = "slack.invite_to_channel", .outputs = outs};
    char *k1 = run_task(&t, "{\"channel\":\"C002\",\"users\":\"U002\"}");
    json_t *i1 = completed(k1);
    char *k2 = start("slack_invite", "{\"channel\":\"C001\",\"users\":\" U001, U002 \"}");
    json_t *i2 = completed(k2);
    json_t *calls = calls_of("slack");
    json_t *b1 = body_of(assert_call(calls, 1, "POST", "/slack/api/conversations.invite"));

    assert_call(calls, 0, "POST", "/slack/api/conversations.invite");
    ASSERT_JSON(i1, "variables.out_channel", "\"C002\"");
    ASSERT_JSON(i1, "variables.out_already_in_channel", "false");
    ASSERT_JSON(i2, "variables.out_already_in_channel", "true");
    ASSERT_JSON(b1, "", "{\"channel\":\"C001\",\"users\":\"U001,U002\"}");
    ck_assert_int_eq(json_integer_value(at(calls, "1.status")), 200);
    ck_assert_ptr_nonnull(strstr(str(calls, "1.body"), "U001"));
    json_decref(b1);
    json_decref(calls);
    json_decref(i1);
    json_decref(i2);
    free(k1);
    free(k2);
}
END_TEST

START_TEST(slack_get_user_and_lookup_by_email_answer_the_flat_record)
{
    static const char *const outs[] = {"id", "name", "real_name", "email", "deleted", "tz", NULL};
    const struct task get = {
        .process = "slack_get_user", .action = "slack.get_user", .outputs = outs};
    const struct task lookup = {.process = "slack_lookup",
                                .action = "slack.lookup_user_by_email",
                                .outputs = outs,
                                .error_code = "slack_user_not_found"};
    char *k1 = run_task(&get, "{\"user\":\"U001\"}");
    json_t *i1 = completed(k1);
    char *k2 = run_task(&lookup, "{\"email\":\"dana@acme.example\"}");
    json_t *i2 = completed(k2);
    json_t *calls = calls_of("slack");

    ASSERT_JSON(i1, "variables",
                "{\"user\":\"U001\",\"out_id\":\"U001\",\"out_name\":\"maria\","
                "\"out_real_name\":\"Maria Manager\",\"out_email\":"
                "\"maria@acme.example\",\"out_deleted\":false,\"out_tz\":"
                "\"Europe/Berlin\"}");
    ASSERT_JSON(i2, "variables.out_id", "\"U002\"");
    ASSERT_JSON(i2, "variables.out_name", "\"dana\"");
    ASSERT_JSON(i2, "variables.out_email", "\"dana@acme.example\"");
    ck_assert(!visited(i2, "caught"));
    assert_call(calls, 0, "GET", "/slack/api/users.info");
    ck_assert_str_eq(str(calls, "0.query"), "user=U001");
    assert_call(calls, 1, "GET", "/slack/api/users.lookupByEmail");
    ck_assert_str_eq(str(calls, "1.query"), "email=dana%40acme.example");
    json_decref(calls);
    json_decref(i1);
    json_decref(i2);
    free(k1);
    free(k2);
}
END_TEST

START_TEST(slack_lookup_of_an_unknown_email_is_the_bpmn_error_slack_user_not_found)
{
    const struct task t = {.process = "slack_lookup_missing",
                           .action = "slack.lookup_user_by_email",
                           .error_code = "slack_user_not_found"};
    char *key = run_task(&t, "{\"email\":\"nora+new@acme.example\"}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("slack");

    ck_assert(visited(inst, "caught"));
    ck_assert_pstr_eq(str(calls, "0.query"), "email=nora%2Bnew%40acme.example");
    ck_assert(!visited(inst, "done"));
    ck_assert_uint_eq(json_array_size(json_object_get(inst, "incidents")), 0);
    assert_call(calls, 0, "GET", "/slack/api/users.lookupByEmail");
    ASSERT_JSON(calls, "0.body", "\"\"");
    ck_assert_int_eq(json_integer_value(at(calls, "0.status")), 200); /* ok:false with 200 */
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(slack_create_channel_pages_through_the_channels_for_a_taken_name)
{
    static const char *const outs[] = {"channel_id", "created", NULL};
    const struct task t = {
        .process = "slack_create_paged", .action = "slack.create_channel", .outputs = outs};
    char *key;
    json_t *inst;
    json_t *calls;

    for (int i = 0; i <= 200; i++) { /* C003..C203: the last ones are on the second page */
        char body[64];

        (void)snprintf(body, sizeof body, "{\"name\":\"bulk-%03d\"}", i);
        json_decref(
            service("POST", "/slack/api/conversations.create", body, SANDBOXTEST_SLACK_AUTH, 200));
    }
    forget_calls();
    key = run_task(&t, "{\"name\":\"bulk-200\"}");
    inst = completed(key);
    ASSERT_JSON(inst, "variables.out_channel_id", "\"C203\"");
    ASSERT_JSON(inst, "variables.out_created", "false");
    calls = calls_of("slack");
    ck_assert_uint_eq(json_array_size(calls), 3);
    assert_call(calls, 0, "POST", "/slack/api/conversations.create");
    assert_call(calls, 1, "GET", "/slack/api/conversations.list");
    ck_assert_str_eq(str(calls, "1.query"),
                     "types=public_channel&exclude_archived=false&limit=200");
    assert_call(calls, 2, "GET", "/slack/api/conversations.list");
    ASSERT_CONTAINS(str(calls, "2.query"),
                    "types=public_channel&exclude_archived=false&limit=200&cursor=");
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

/* One instance of 'action' with 'input' that must stop at an incident whose reason holds
 * 'want'. */
static void expect_incident(const char *process, const char *action, const char *credential,
                            const char *input, const char *want)
{
    const struct task t = {.process = process, .action = action, .credential = credential};
    char *key = run_task(&t, input);
    char *reason = incident_of(key);

    ASSERT_CONTAINS(reason, want);
    free(reason);
    free(key);
}

START_TEST(slack_ok_false_with_http_200_is_an_incident_naming_slacks_code)
{
    json_t *calls;

    expect_incident("slack_e1", "slack.post_message", NULL, "{\"channel\":\"C999\",\"text\":\"x\"}",
                    "could not post the Slack message: Slack answered channel_not_found");
    expect_incident("slack_e2", "slack.update_message", NULL,
                    "{\"channel\":\"C001\",\"ts\":\"1.2\",\"text\":\"x\"}",
                    "could not update the Slack message: Slack answered message_not_found");
    expect_incident("slack_e3", "slack.post_ephemeral", NULL,
                    "{\"channel\":\"C002\",\"user\":\"U002\",\"text\":\"x\"}",
                    "Slack answered user_not_in_channel");
    expect_incident("slack_e4", "slack.create_channel", NULL, "{\"name\":\"New Hire\"}",
                    "could not create the Slack channel: Slack answered invalid_name_specials");
    expect_incident("slack_e5", "slack.invite_to_channel", NULL,
                    "{\"channel\":\"C002\",\"users\":\"U002,U404\"}",
                    "could not invite to the Slack channel: Slack answered user_not_found");
    expect_incident("slack_e6", "slack.get_user", NULL, "{\"user\":\"U404\"}",
                    "could not get the Slack user: Slack answered user_not_found");
    expect_incident("slack_e7", "slack.post_approval", NULL,
                    "{\"channel\":\"C404\",\"text\":\"x\",\"token\":\"t\"}",
                    "could not post the Slack approval request: Slack answered channel_not_found");
    calls = calls_of("slack");
    ck_assert_uint_eq(json_array_size(calls), 7); /* each failed at once: no retries */
    for (size_t i = 0; i < 7; i++) {
        ck_assert_int_eq(json_integer_value(at(json_array_get(calls, i), "status")), 200);
    }
    json_decref(calls);
}
END_TEST

START_TEST(slack_a_wrong_token_is_an_authentication_failure)
{
    char config[128];

    (void)snprintf(config, sizeof config, "{\"base_url\":\"%s/slack/api\"}", sb.url);
    put_credential("slack", "wrong", config, "{\"bot_token\":\"xoxb-wrong\"}");
    expect_incident("slack_auth", "slack.post_message", "wrong",
                    "{\"channel\":\"C001\",\"text\":\"x\"}",
                    "could not post the Slack message: authentication failed (Slack "
                    "invalid_auth): check the credential");
}
END_TEST

/* Every Slack action; update_message edits the first message of the seed's counter, which
 * slack_prepare() posts. */
static const struct action_case slack_cases[] = {
    {"slack.post_message", "slack", "POST", "/api/chat.postMessage",
     "{\"channel\":\"C001\",\"text\":\"hi\"}", "{\"text\":\"hi\"}", "channel"},
    {"slack.update_message", "slack", "POST", "/api/chat.update",
     "{\"channel\":\"C001\",\"ts\":\"1700000000.000100\",\"text\":\"edited\"}",
     "{\"channel\":\"C001\",\"text\":\"edited\"}", "ts"},
    {"slack.post_ephemeral", "slack", "POST", "/api/chat.postEphemeral",
     "{\"channel\":\"C001\",\"user\":\"U002\",\"text\":\"psst\"}",
     "{\"channel\":\"C001\",\"user\":\"U002\",\"text\":5}", "text"},
    {"slack.create_channel", "slack", "POST", "/api/conversations.create",
     "{\"name\":\"new-hires\"}", "{\"name\":\"new-hires\",\"is_private\":\"yes\"}", "is_private"},
    {"slack.invite_to_channel", "slack", "POST", "/api/conversations.invite",
     "{\"channel\":\"C002\",\"users\":\"U002\"}", "{\"channel\":\"C002\",\"users\":[\"U002\"]}",
     "users"},
    {"slack.get_user", "slack", "GET", "/api/users.info", "{\"user\":\"U002\"}", "{\"user\":null}",
     "user"},
    {"slack.lookup_user_by_email", "slack", "GET", "/api/users.lookupByEmail",
     "{\"email\":\"maria@acme.example\"}", "{\"email\":\"maria\"}", "email"},
    {"slack.post_approval", "slack", "POST", "/api/chat.postMessage",
     "{\"channel\":\"C002\",\"text\":\"A laptop?\",\"token\":\"t1\"}",
     "{\"channel\":\"C002\",\"text\":\"A laptop?\"}", "token"},
};

static void slack_prepare(void)
{
    json_decref(service("POST", "/slack/api/chat.postMessage",
                        "{\"channel\":\"C001\",\"text\":\"to be edited\"}", SANDBOXTEST_SLACK_AUTH,
                        200));
}

START_TEST(slack_every_action_retries_a_429_after_its_delay_with_the_same_key)
{
    slack_prepare();
    every_action_retries_a_429_after_its_delay(slack_cases, NCASES(slack_cases));
}
END_TEST

START_TEST(slack_every_action_refuses_a_bad_input_without_a_call)
{
    every_action_refuses_a_bad_input(slack_cases, NCASES(slack_cases));
}
END_TEST

START_TEST(slack_every_action_needs_its_credential)
{
    every_action_needs_its_credential(slack_cases, NCASES(slack_cases));
}
END_TEST

/* ---- jira ---------------------------------------------------------------------------------- */

/* An issue made by the test itself in project ONB (the seed has none): its key, malloc'ed. */
static char *jira_issue(const char *summary, const char *labels)
{
    char *body = xprintf("{\"fields\":{\"project\":{\"key\":\"ONB\"},\"issuetype\":{\"name\":"
                         "\"Task\"},\"summary\":\"%s\",\"labels\":%s}}",
                         summary, labels ? labels : "[]");
    json_t *out = service("POST", "/jira/rest/api/3/issue", body, SANDBOXTEST_JIRA_AUTH, 201);
    char *key = strdup(str(out, "key"));

    json_decref(out);
    free(body);
    return key;
}

START_TEST(jira_create_issue_sends_adf_and_labels_and_answers_key_id_and_url)
{
    static const char *const outs[] = {"issue_key", "issue_id", "url", NULL};
    const struct task t = {
        .process = "jira_create", .action = "jira.create_issue", .outputs = outs};
    char *key = run_task(&t, "{\"project\":\"ONB\",\"summary\":\"Onboard Nora\",\"issue_type\":"
                             "\"Story\",\"labels\":[\"hr\"],\"description\":\"Laptop and "
                             "accounts\\n\\n- laptop\\n- badge\"}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("jira");
    json_t *body = body_of(assert_call(calls, 0, "POST", "/jira/rest/api/3/issue"));
    char *job = job_key_of(inst);
    char *label = xprintf("[\"hr\",\"ordo-%s\"]", job);
    char *url = xprintf("\"%s/jira/browse/ONB-1\"", sb.url);

    ASSERT_JSON(inst, "variables.out_issue_key", "\"ONB-1\"");
    ASSERT_JSON(inst, "variables.out_issue_id", "\"10001\"");
    ASSERT_JSON(inst, "variables.out_url", url);
    ck_assert_uint_eq(json_array_size(calls), 1);
    ASSERT_JSON(body, "fields.project", "{\"key\":\"ONB\"}");
    ASSERT_JSON(body, "fields.issuetype", "{\"name\":\"Story\"}");
    ASSERT_JSON(body, "fields.summary", "\"Onboard Nora\"");
    ASSERT_JSON(body, "fields.labels", label); /* the job's label, for a retry to find it */
    ASSERT_JSON(body, "fields.description.type", "\"doc\"");
    ASSERT_JSON(body, "fields.description.content.0",
                "{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":"
                "\"Laptop and accounts\"}]}");
    ASSERT_JSON(body, "fields.description.content.1.type", "\"bulletList\"");
    free(url);
    free(label);
    free(job);
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(jira_comment_transitions_get_and_search_work_on_one_issue)
{
    static const char *const comment_out[] = {"comment_id", NULL};
    static const char *const move_out[] = {"issue_key", "status", "transitioned", NULL};
    static const char *const get_out[] = {"key", "id", "status", "summary", "fields", NULL};
    static const char *const search_out[] = {"issues", "total_returned", NULL};
    const struct task comment = {
        .process = "jira_comment", .action = "jira.add_comment", .outputs = comment_out};
    const struct task move = {
        .process = "jira_move", .action = "jira.transition_issue", .outputs = move_out};
    const struct task get = {.process = "jira_get",
                             .action = "jira.get_issue",
                             .error_code = "jira_issue_not_found",
                             .outputs = get_out};
    const struct task search = {
        .process = "jira_search", .action = "jira.search", .outputs = search_out};
    char *issue = jira_issue("Onboard Nora", "[\"hr\"]");
    char *k;
    json_t *inst;
    json_t *calls;
    json_t *body;

    ck_assert_str_eq(issue, "ONB-1");
    forget_calls();
    /* a comment, in ADF */
    k = run_task(&comment, "{\"issue_key\":\"ONB-1\",\"body\":\"Laptop ordered\"}");
    inst = completed(k);
    ck_assert(json_is_string(at(inst, "variables.out_comment_id")));
    calls = calls_of("jira");
    body = body_of(assert_call(calls, 0, "POST", "/jira/rest/api/3/issue/ONB-1/comment"));
    ASSERT_JSON(body, "body.type", "\"doc\"");
    ASSERT_JSON(body, "body.content.0.content.0.text", "\"Laptop ordered\"");
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(k);
    /* by the target status, in any case: status, transitions, then the transition */
    forget_calls();
    k = run_task(&move, "{\"issue_key\":\"ONB-1\",\"status\":\"in progress\"}");
    inst = completed(k);
    ASSERT_JSON(inst, "variables.out_status", "\"In Progress\"");
    ASSERT_JSON(inst, "variables.out_transitioned", "true");
    calls = calls_of("jira");
    ck_assert_uint_eq(json_array_size(calls), 3);
    assert_call(calls, 0, "GET", "/jira/rest/api/3/issue/ONB-1");
    ck_assert_str_eq(str(calls, "0.query"), "fields=status");
    assert_call(calls, 1, "GET", "/jira/rest/api/3/issue/ONB-1/transitions");
    body = body_of(assert_call(calls, 2, "POST", "/jira/rest/api/3/issue/ONB-1/transitions"));
    ASSERT_JSON(body, "", "{\"transition\":{\"id\":\"11\"}}");
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(k);
    /* by the transition's name */
    k = start("jira_move", "{\"issue_key\":\"ONB-1\",\"status\":\"Done\"}");
    inst = completed(k);
    ASSERT_JSON(inst, "variables.out_status", "\"Done\"");
    ASSERT_JSON(inst, "variables.out_transitioned", "true");
    json_decref(inst);
    free(k);
    /* already there: a success that changes nothing, as a repeated attempt sees it */
    forget_calls();
    k = start("jira_move", "{\"issue_key\":\"ONB-1\",\"status\":\"done\"}");
    inst = completed(k);
    ASSERT_JSON(inst, "variables.out_status", "\"Done\"");
    ASSERT_JSON(inst, "variables.out_transitioned", "false");
    ck_assert_uint_eq(ncalls(), 1);
    json_decref(inst);
    free(k);
    /* read it, with a field more */
    forget_calls();
    k = run_task(&get, "{\"issue_key\":\"ONB-1\",\"fields\":\"labels, cf 1\"}");
    inst = completed(k);
    ASSERT_JSON(inst, "variables.out_key", "\"ONB-1\"");
    ASSERT_JSON(inst, "variables.out_id", "\"10001\"");
    ASSERT_JSON(inst, "variables.out_status", "\"Done\"");
    ASSERT_JSON(inst, "variables.out_summary", "\"Onboard Nora\"");
    ASSERT_JSON(inst, "variables.out_fields.labels", "[\"hr\"]");
    ck_assert(!visited(inst, "caught"));
    calls = calls_of("jira");
    assert_call(calls, 0, "GET", "/jira/rest/api/3/issue/ONB-1");
    ck_assert_str_eq(str(calls, "0.query"), "fields=summary,status,labels,cf%201");
    json_decref(calls);
    json_decref(inst);
    free(k);
    /* and find it */
    forget_calls();
    k = run_task(&search, "{\"jql\":\"project = ONB AND labels = hr\",\"fields\":\"labels\"}");
    inst = completed(k);
    ASSERT_JSON(inst, "variables.out_total_returned", "1");
    ck_assert_uint_eq(json_array_size(at(inst, "variables.out_issues")), 1);
    ASSERT_JSON(inst, "variables.out_issues.0.key", "\"ONB-1\"");
    ASSERT_JSON(inst, "variables.out_issues.0.id", "\"10001\"");
    ASSERT_JSON(inst, "variables.out_issues.0.summary", "\"Onboard Nora\"");
    ASSERT_JSON(inst, "variables.out_issues.0.status", "\"Done\"");
    ASSERT_JSON(inst, "variables.out_issues.0.fields.labels", "[\"hr\"]");
    calls = calls_of("jira");
    body = body_of(assert_call(calls, 0, "POST", "/jira/rest/api/3/search/jql"));
    ASSERT_JSON(body, "",
                "{\"jql\":\"project = ONB AND labels = hr\",\"maxResults\":50,"
                "\"fields\":[\"summary\",\"status\",\"labels\"]}");
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(k);
    free(issue);
}
END_TEST

START_TEST(jira_search_follows_next_page_tokens_up_to_max_results)
{
    static const char *const outs[] = {"total_returned", "issues", NULL};
    const struct task t = {
        .process = "jira_search_pages", .action = "jira.search", .outputs = outs};
    char *k;
    json_t *inst;
    json_t *calls;
    json_t *first;
    json_t *second;

    for (int i = 0; i < 103; i++) {
        free(jira_issue("bulk", NULL));
    }
    forget_calls();
    k = run_task(&t, "{\"jql\":\"project = ONB\",\"max_results\":102}");
    inst = completed(k);
    ASSERT_JSON(inst, "variables.out_total_returned", "102");
    ASSERT_JSON(inst, "variables.out_issues.0.key", "\"ONB-1\"");
    ASSERT_JSON(inst, "variables.out_issues.101.key", "\"ONB-102\"");
    calls = calls_of("jira");
    ck_assert_uint_eq(json_array_size(calls), 2);
    first = body_of(assert_call(calls, 0, "POST", "/jira/rest/api/3/search/jql"));
    second = body_of(assert_call(calls, 1, "POST", "/jira/rest/api/3/search/jql"));
    ASSERT_JSON(first, "maxResults", "100");
    ck_assert_ptr_null(at(first, "nextPageToken"));
    ASSERT_JSON(second, "maxResults", "2"); /* only what is still wanted */
    ck_assert(json_is_string(at(second, "nextPageToken")));
    json_decref(first);
    json_decref(second);
    json_decref(calls);
    json_decref(inst);
    free(k);
}
END_TEST

START_TEST(jira_get_issue_of_a_missing_key_is_the_bpmn_error_jira_issue_not_found)
{
    const struct task t = {.process = "jira_get_missing",
                           .action = "jira.get_issue",
                           .error_code = "jira_issue_not_found"};
    char *key = run_task(&t, "{\"issue_key\":\"ONB-404\"}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("jira");

    ck_assert(visited(inst, "caught"));
    ck_assert(!visited(inst, "done"));
    assert_call(calls, 0, "GET", "/jira/rest/api/3/issue/ONB-404");
    ck_assert_int_eq(json_integer_value(at(calls, "0.status")), 404);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(jira_refusals_are_incidents_with_jiras_explanation)
{
    char config[256];

    free(jira_issue("Onboard Nora", NULL));
    expect_incident("jira_e1", "jira.create_issue", NULL,
                    "{\"project\":\"NOPE\",\"summary\":\"x\"}",
                    "could not create the Jira issue: HTTP 400: project: Specify a valid "
                    "project ID or key");
    expect_incident("jira_e2", "jira.create_issue", NULL,
                    "{\"project\":\"IT\",\"summary\":\"x\",\"issue_type\":\"Story\"}",
                    "issuetype: The issue type selected is invalid.");
    expect_incident("jira_e3", "jira.add_comment", NULL,
                    "{\"issue_key\":\"ONB-404\",\"body\":\"x\"}",
                    "could not add the Jira comment: not found (HTTP 404)");
    expect_incident("jira_e4", "jira.transition_issue", NULL,
                    "{\"issue_key\":\"ONB-1\",\"status\":\"Reopen\"}",
                    "could not transition ONB-1 to \"Reopen\": no such transition from \"To "
                    "Do\"; available: Start Progress (to In Progress)");
    expect_incident("jira_e5", "jira.search", NULL, "{\"jql\":\"ORDER BY created\"}",
                    "could not search Jira: HTTP 400");
    (void)snprintf(config, sizeof config,
                   "{\"base_url\":\"%s/jira\",\"email\":\"" SANDBOXTEST_JIRA_EMAIL "\"}", sb.url);
    put_credential("jira", "wrong", config, "{\"api_token\":\"not-the-token\"}");
    expect_incident("jira_e6", "jira.get_issue", "wrong", "{\"issue_key\":\"ONB-1\"}",
                    "could not read the Jira issue: authentication failed (HTTP 401): check the "
                    "credential");
}
END_TEST

START_TEST(jira_create_issue_on_a_retry_answers_the_issue_of_the_earlier_attempt)
{
    static const char *const outs[] = {"issue_key", NULL};
    const struct task t = {
        .process = "jira_create_retry", .action = "jira.create_issue", .outputs = outs};
    char *key;
    json_t *job;
    char *job_key;
    char *labels;
    json_t *inst;
    json_t *calls;
    json_t *mine;
    json_t *body;
    json_t *state;

    /* The first attempt's answer is lost (502), as if Jira had created the issue and the
     * gateway failed; the test creates that issue with the attempt's label. */
    sandboxtest_fault(&sb, "{\"service\":\"jira\",\"method\":\"POST\",\"path\":"
                           "\"/rest/api/3/issue\",\"status\":502}");
    key = run_task(&t, "{\"project\":\"ONB\",\"summary\":\"Onboard Nora\"}");
    job = job_after(key, 1);
    ASSERT_CONTAINS(str(job, "lastError"), "gateway failed");
    ASSERT_CONTAINS(str(job, "lastError"), "502");
    job_key = strdup(str(job, "key"));
    json_decref(job);
    labels = xprintf("[\"ordo-%s\"]", job_key);
    free(jira_issue("Onboard Nora", labels));
    make_due(job_key);
    inst = completed(key);
    ASSERT_JSON(inst, "variables.out_issue_key", "\"ONB-1\"");
    calls = sandboxtest_calls(&sb, NULL);
    mine = calls_with_key(calls, job_key);
    ck_assert_uint_eq(json_array_size(mine), 2); /* the lost create, then the look-up */
    assert_call(mine, 0, "POST", "/jira/rest/api/3/issue");
    body = body_of(assert_call(mine, 1, "POST", "/jira/rest/api/3/search/jql"));
    free(labels);
    labels = xprintf("\"labels = \\\"ordo-%s\\\"\"", job_key);
    ASSERT_JSON(body, "jql", labels);
    json_decref(body);
    state = service("GET", "/_sandbox/state", NULL, NULL, 200);
    ck_assert_uint_eq(json_array_size(at(state, "jira.issues")), 1); /* no duplicate */
    json_decref(state);
    json_decref(mine);
    json_decref(calls);
    json_decref(inst);
    free(labels);
    free(job_key);
    free(key);
}
END_TEST

START_TEST(jira_a_site_given_as_a_url_is_used_as_it_is)
{
    static const char *const outs[] = {"key", NULL};
    const struct task t = {
        .process = "jira_site", .action = "jira.get_issue", .credential = "site", .outputs = outs};
    char config[256];
    char *key;
    json_t *inst;
    json_t *calls;

    free(jira_issue("Onboard Nora", NULL));
    forget_calls();
    (void)snprintf(config, sizeof config,
                   "{\"site\":\"%s/jira\",\"email\":\"" SANDBOXTEST_JIRA_EMAIL "\"}", sb.url);
    put_credential("jira", "site", config, "{\"api_token\":\"" SANDBOXTEST_JIRA_TOKEN "\"}");
    key = run_task(&t, "{\"issue_key\":\"ONB-1\"}");
    inst = completed(key);
    ASSERT_JSON(inst, "variables.out_key", "\"ONB-1\"");
    calls = calls_of("jira");
    assert_call(calls, 0, "GET", "/jira/rest/api/3/issue/ONB-1");
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

/* Every Jira action; the tests make the issue ONB-1 they work on first. The faults' paths are
 * armed longest first, so /issue/ONB-1/comment is not taken by /issue. */
static const struct action_case jira_cases[] = {
    {"jira.create_issue", "jira", "POST", "/rest/api/3/issue",
     "{\"project\":\"ONB\",\"summary\":\"Laptop for Nora\"}", "{\"project\":\"ONB\"}", "summary"},
    {"jira.add_comment", "jira", "POST", "/rest/api/3/issue/ONB-1/comment",
     "{\"issue_key\":\"ONB-1\",\"body\":\"Ordered\"}", "{\"issue_key\":\"ONB-1\"}", "body"},
    {"jira.transition_issue", "jira", "GET", "/rest/api/3/issue/ONB-1",
     "{\"issue_key\":\"ONB-1\",\"status\":\"In Progress\"}", "{\"issue_key\":\"ONB-1\"}", "status"},
    {"jira.get_issue", "jira", "GET", "/rest/api/3/issue/ONB-1", "{\"issue_key\":\"ONB-1\"}",
     "{\"fields\":\"labels\"}", "issue_key"},
    {"jira.search", "jira", "POST", "/rest/api/3/search/jql", "{\"jql\":\"project = ONB\"}",
     "{\"jql\":\"project = ONB\",\"max_results\":\"ten\"}", "max_results"},
};

START_TEST(jira_every_action_retries_a_429_after_its_delay_with_the_same_key)
{
    free(jira_issue("Onboard Nora", NULL));
    every_action_retries_a_429_after_its_delay(jira_cases, NCASES(jira_cases));
}
END_TEST

START_TEST(jira_every_action_refuses_a_bad_input_without_a_call)
{
    every_action_refuses_a_bad_input(jira_cases, NCASES(jira_cases));
}
END_TEST

START_TEST(jira_every_action_needs_its_credential)
{
    every_action_needs_its_credential(jira_cases, NCASES(jira_cases));
}
END_TEST

/* ---- github -------------------------------------------------------------------------------- */

/* GitHub's required headers were sent: the sandbox notes any that is missing. */
static void assert_github_headers(const json_t *call)
{
    ASSERT_JSON(call, "notes", "[]");
}

START_TEST(github_create_issue_answers_number_url_and_id)
{
    static const char *const outs[] = {"number", "url", "id", NULL};
    const struct task t = {.process = "gh_issue", .action = "github.create_issue", .outputs = outs};
    char *key = run_task(&t, "{\"repo\":\"it-requests\",\"title\":\"Laptop for Nora\",\"body\":"
                             "\"Please order one\",\"labels\":[\"hardware\"],\"assignees\":"
                             "[\"maria-acme\"]}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("github");
    const json_t *c = assert_call(calls, 0, "POST", "/github/repos/acme/it-requests/issues");
    json_t *body = body_of(c);

    ASSERT_JSON(inst, "variables.out_number", "1");
    ck_assert(json_is_integer(at(inst, "variables.out_id")));
    ASSERT_CONTAINS(str(inst, "variables.out_url"), "/github-web/acme/it-requests/issues/1");
    assert_github_headers(c);
    ASSERT_JSON(body, "",
                "{\"title\":\"Laptop for Nora\",\"body\":\"Please order one\","
                "\"labels\":[\"hardware\"],\"assignees\":[\"maria-acme\"]}");
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(github_invite_to_org_resolves_team_slugs_and_takes_a_duplicate_as_done)
{
    static const char *const outs[] = {"invitation_id", "already", NULL};
    const struct task t = {
        .process = "gh_invite", .action = "github.invite_to_org", .outputs = outs};
    char *k1 = run_task(&t, "{\"email\":\"nora@acme.example\",\"teams\":\"onboarding\","
                            "\"team_ids\":[1]}");
    json_t *i1 = completed(k1);
    char *k2 = start("gh_invite", "{\"email\":\"nora@acme.example\"}");
    json_t *i2 = completed(k2);
    json_t *calls = calls_of("github");
    const json_t *post;
    json_t *body;

    ck_assert(json_is_integer(at(i1, "variables.out_invitation_id")));
    ASSERT_JSON(i1, "variables.out_already", "false");
    assert_call(calls, 0, "GET", "/github/orgs/acme/teams");
    ck_assert_str_eq(str(calls, "0.query"), "per_page=100");
    post = assert_call(calls, 1, "POST", "/github/orgs/acme/invitations");
    assert_github_headers(post);
    body = body_of(post);
    ASSERT_JSON(body, "",
                "{\"email\":\"nora@acme.example\",\"role\":\"direct_member\","
                "\"team_ids\":[1,2]}");
    json_decref(body);
    /* the second invitation: GitHub's 422 "already a part of this organization" is success */
    ASSERT_JSON(i2, "variables.out_invitation_id", "null");
    ASSERT_JSON(i2, "variables.out_already", "true");
    assert_call(calls, 2, "POST", "/github/orgs/acme/invitations");
    ck_assert_int_eq(json_integer_value(at(calls, "2.status")), 422);
    ck_assert_uint_eq(json_array_size(calls), 3);
    json_decref(calls);
    json_decref(i1);
    json_decref(i2);
    free(k1);
    free(k2);
}
END_TEST

START_TEST(github_add_team_member_puts_the_membership)
{
    static const char *const outs[] = {"state", "role", NULL};
    const struct task t = {
        .process = "gh_member", .action = "github.add_team_member", .outputs = outs};
    char *key = run_task(&t, "{\"team\":\"engineering\",\"username\":\"dana-dev\","
                             "\"role\":\"maintainer\"}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("github");
    const json_t *c =
        assert_call(calls, 0, "PUT", "/github/orgs/acme/teams/engineering/memberships/dana-dev");
    json_t *body = body_of(c);

    ASSERT_JSON(inst, "variables.out_state", "\"active\"");
    ASSERT_JSON(inst, "variables.out_role", "\"maintainer\"");
    assert_github_headers(c);
    ASSERT_JSON(body, "", "{\"role\":\"maintainer\"}");
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(github_create_repository_is_private_unless_told_otherwise)
{
    static const char *const outs[] = {"full_name", "url", "id", "created", NULL};
    const struct task t = {
        .process = "gh_repo", .action = "github.create_repository", .outputs = outs};
    char *key = run_task(&t, "{\"name\":\"svc-nora\",\"description\":\"Nora's service\"}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("github");
    const json_t *c = assert_call(calls, 0, "POST", "/github/orgs/acme/repos");
    json_t *body = body_of(c);

    ASSERT_JSON(inst, "variables.out_full_name", "\"acme/svc-nora\"");
    ASSERT_JSON(inst, "variables.out_created", "true");
    ck_assert(json_is_integer(at(inst, "variables.out_id")));
    ASSERT_CONTAINS(str(inst, "variables.out_url"), "/github-web/acme/svc-nora");
    assert_github_headers(c);
    ASSERT_JSON(body, "",
                "{\"name\":\"svc-nora\",\"private\":true,\"auto_init\":false,"
                "\"description\":\"Nora's service\"}");
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(github_refusals_are_incidents_with_githubs_explanation)
{
    char config[256];

    expect_incident("gh_e1", "github.add_team_member", NULL,
                    "{\"team\":\"nope\",\"username\":\"dana-dev\"}",
                    "could not add the GitHub team member: not found (HTTP 404)");
    /* on a first attempt an existing name is someone else's repository */
    expect_incident("gh_e2", "github.create_repository", NULL, "{\"name\":\"it-requests\"}",
                    "could not create the GitHub repository it-requests: the name exists "
                    "already");
    expect_incident("gh_e3", "github.invite_to_org", NULL,
                    "{\"email\":\"nora@acme.example\",\"teams\":\"onboarding, nope\"}",
                    "could not invite to the GitHub organisation acme: no team nope");
    expect_incident("gh_e4", "github.create_issue", NULL,
                    "{\"repo\":\"it-requests\",\"title\":\"\"}",
                    "could not create an issue in acme/it-requests: HTTP 422");
    (void)snprintf(config, sizeof config, "{\"base_url\":\"%s/github\",\"org\":\"acme\"}", sb.url);
    put_credential("github", "wrong", config, "{\"token\":\"ghp_wrong\"}");
    expect_incident("gh_e5", "github.create_issue", "wrong",
                    "{\"repo\":\"it-requests\",\"title\":\"x\"}",
                    "could not create an issue in acme/it-requests: authentication failed (HTTP "
                    "401): check the credential");
}
END_TEST

/* GitHub's secondary rate limit comes as a 403 saying so, without Retry-After: the job
 * waits at least a minute, it is no authentication failure. */
START_TEST(github_secondary_rate_limit_waits_a_minute)
{
    const struct task t = {
        .process = "gh_secondary", .action = "github.invite_to_org", .credential = NULL};
    char *key;
    json_t *job;

    sandboxtest_fault(&sb, "{\"service\":\"github\",\"method\":\"POST\",\"path\":"
                           "\"/orgs/acme/invitations\",\"status\":403,\"times\":1,\"body\":"
                           "{\"message\":\"You have exceeded a secondary rate limit. Please "
                           "wait a few minutes before you try again.\"}}");
    key = run_task(&t, "{\"email\":\"nora@acme.example\"}");
    job = job_after(key, 1);
    ASSERT_CONTAINS(str(job, "lastError"), "secondary rate limit");
    ck_assert_int_ge(time_ms(str(job, "dueAt")) - now_ms(), 50000);
    json_decref(job);
    free(key);
}
END_TEST

/* create_repository whose first attempt's answer is lost (502) after GitHub made the
 * repository (the test makes it): the retry answers that repository. With 'org' NULL the
 * credential has no org and the repository is the token user's. */
static void repository_on_a_retry(const char *credential, const char *org, const char *owner)
{
    static const char *const outs[] = {"full_name", "created", NULL};
    const struct task t = {.process = "gh_repo_retry",
                           .action = "github.create_repository",
                           .credential = credential,
                           .outputs = outs};
    char *fault = xprintf("{\"service\":\"github\",\"method\":\"POST\",\"path\":\"%s\","
                          "\"status\":502}",
                          org ? "/orgs/acme/repos" : "/user/repos");
    char *key;
    json_t *job;
    char *job_key;
    char *want;
    json_t *inst;

    sandboxtest_fault(&sb, fault);
    key = run_task(&t, "{\"name\":\"svc-nora\"}");
    job = job_after(key, 1);
    job_key = strdup(str(job, "key"));
    json_decref(job);
    json_decref(service("POST", org ? "/github/orgs/acme/repos" : "/github/user/repos",
                        "{\"name\":\"svc-nora\",\"private\":true}", SANDBOXTEST_GITHUB_AUTH, 201));
    make_due(job_key);
    inst = completed(key);
    want = xprintf("\"%s/svc-nora\"", owner);
    ASSERT_JSON(inst, "variables.out_full_name", want);
    ASSERT_JSON(inst, "variables.out_created", "false");
    json_decref(inst);
    free(want);
    free(job_key);
    free(key);
    free(fault);
}

START_TEST(github_create_repository_on_a_retry_answers_the_earlier_attempts_repository)
{
    char config[128];

    repository_on_a_retry(NULL, "acme", "acme");
    reset_sandbox();
    (void)snprintf(config, sizeof config, "{\"base_url\":\"%s/github\"}", sb.url);
    put_credential("github", "personal", config, "{\"token\":\"" SANDBOXTEST_GITHUB_TOKEN "\"}");
    repository_on_a_retry("personal", NULL, "ordo-sandbox-bot");
}
END_TEST

/* The teams of org acme with 120 more before "onboarding", so that it is on page 2. */
static char *state_with_many_teams(void)
{
    json_t *state = service("GET", "/_sandbox/state", NULL, NULL, 200);
    json_t *teams = at(state, "github.orgs.0.teams");
    json_t *last = json_incref(json_array_get(teams, 1));
    char path[160];

    ck_assert_str_eq(str(last, "slug"), "onboarding");
    ck_assert_int_eq(json_array_remove(teams, 1), 0);
    for (int i = 0; i < 120; i++) {
        char slug[32];

        (void)snprintf(slug, sizeof slug, "team-%03d", i);
        json_array_append_new(teams, json_pack("{s:i, s:s, s:s, s:s, s:s, s:{}}", "id", 100 + i,
                                               "slug", slug, "name", slug, "description", "",
                                               "privacy", "closed", "members"));
    }
    json_array_append_new(teams, last);
    (void)snprintf(path, sizeof path, "%s/many-teams.json", sb.dir);
    ck_assert_int_eq(json_dump_file(state, path, JSON_COMPACT), 0);
    json_decref(state);
    return strdup(path);
}

START_TEST(github_team_pages_are_followed_only_under_the_base_url)
{
    char *path = state_with_many_teams();
    const char *args[] = {"--state", path, NULL};
    struct sandboxtest paged;
    char config[256];
    char *key;
    json_t *inst;
    json_t *calls;
    json_t *body;
    struct httptest_resp r;
    const struct task t = {
        .process = "gh_paged", .action = "github.invite_to_org", .credential = "paged"};
    const struct task t2 = {
        .process = "gh_aliased", .action = "github.invite_to_org", .credential = "aliased"};

    memset(&paged, 0, sizeof paged);
    sandboxtest_start(&paged, args);
    (void)snprintf(config, sizeof config, "{\"base_url\":\"%s/github\",\"org\":\"acme\"}",
                   paged.url);
    put_credential("github", "paged", config, "{\"token\":\"" SANDBOXTEST_GITHUB_TOKEN "\"}");
    key = run_task(&t, "{\"email\":\"nora@acme.example\",\"teams\":\"onboarding\"}");
    inst = completed(key);
    json_decref(inst);
    free(key);
    sandboxtest_control(&paged, "GET", "/_sandbox/calls", NULL, &r);
    calls = json_incref(json_object_get(r.json, "calls"));
    httptest_resp_free(&r);
    ck_assert_uint_eq(json_array_size(calls), 3);
    assert_call(calls, 0, "GET", "/github/orgs/acme/teams");
    assert_call(calls, 1, "GET", "/github/orgs/acme/teams");
    ck_assert_str_eq(str(calls, "1.query"), "per_page=100&page=2");
    body = body_of(assert_call(calls, 2, "POST", "/github/orgs/acme/invitations"));
    ASSERT_JSON(body, "team_ids", "[2]");
    json_decref(body);
    json_decref(calls);
    /* The same API under another name of the host: the Link header names 127.0.0.1, which is
     * not under this base URL, so the token is not sent there and the team is not found. */
    (void)snprintf(config, sizeof config,
                   "{\"base_url\":\"http://localhost:%s/github\",\"org\":\"acme\"}",
                   strrchr(paged.url, ':') + 1);
    put_credential("github", "aliased", config, "{\"token\":\"" SANDBOXTEST_GITHUB_TOKEN "\"}");
    sandboxtest_reset(&paged);
    key = run_task(&t2, "{\"email\":\"nora@acme.example\",\"teams\":\"onboarding\"}");
    inst = settle(key);
    ASSERT_CONTAINS(str(inst, "incidents.0.reason"),
                    "could not invite to the GitHub organisation acme: no team onboarding");
    json_decref(inst);
    free(key);
    sandboxtest_control(&paged, "GET", "/_sandbox/calls", NULL, &r);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "calls")), 1);
    httptest_resp_free(&r);
    sandboxtest_cleanup(&paged);
    free(path);
}
END_TEST

static const struct action_case github_cases[] = {
    {"github.create_issue", "github", "POST", "/repos/acme/it-requests/issues",
     "{\"repo\":\"it-requests\",\"title\":\"Laptop\"}",
     "{\"repo\":\"it-requests\",\"title\":\"Laptop\",\"labels\":\"hardware\"}", "labels"},
    {"github.invite_to_org", "github", "POST", "/orgs/acme/invitations",
     "{\"email\":\"nora@acme.example\"}", "{\"email\":\"nora@acme.example\",\"role\":\"owner\"}",
     "role"},
    {"github.add_team_member", "github", "PUT", "/orgs/acme/teams/onboarding/memberships/dana-dev",
     "{\"team\":\"onboarding\",\"username\":\"dana-dev\"}", "{\"team\":\"onboarding\"}",
     "username"},
    {"github.create_repository", "github", "POST", "/orgs/acme/repos", "{\"name\":\"svc-nora\"}",
     "{\"name\":\"svc-nora\",\"private\":\"no\"}", "private"},
};

START_TEST(github_every_action_retries_a_429_after_its_delay_with_the_same_key)
{
    every_action_retries_a_429_after_its_delay(github_cases, NCASES(github_cases));
}
END_TEST

START_TEST(github_every_action_refuses_a_bad_input_without_a_call)
{
    every_action_refuses_a_bad_input(github_cases, NCASES(github_cases));
}
END_TEST

START_TEST(github_every_action_needs_its_credential)
{
    every_action_needs_its_credential(github_cases, NCASES(github_cases));
}
END_TEST

/* ---- bamboohr ------------------------------------------------------------------------------ */

START_TEST(bamboohr_get_employee_answers_the_worker_record)
{
    static const char *const outs[] = {"id",         "user_name", "name",       "display_name",
                                       "emails",     "title",     "department", "manager",
                                       "start_date", "active",    "raw",        NULL};
    const struct task t = {.process = "bamboo_get",
                           .action = "bamboohr.get_employee",
                           .error_code = "bamboohr_employee_not_found",
                           .outputs = outs};
    char *key = run_task(&t, "{\"id\":\"102\",\"fields\":\"mobilePhone\"}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("bamboohr");
    const json_t *c = assert_call(calls, 0, "GET", BAMBOO_API "/employees/102");
    const json_t *v = json_object_get(inst, "variables");

    ASSERT_JSON(v, "out_id", "\"102\"");
    ASSERT_JSON(v, "out_user_name", "\"nora@acme.example\"");
    ASSERT_JSON(v, "out_name", "{\"given_name\":\"Nora\",\"family_name\":\"Newhire\"}");
    ASSERT_JSON(v, "out_display_name", "\"Nora Newhire\"");
    ASSERT_JSON(v, "out_emails",
                "[{\"value\":\"nora@acme.example\",\"type\":\"work\",\"primary\":true}]");
    ASSERT_JSON(v, "out_title", "\"Software Engineer\"");
    ASSERT_JSON(v, "out_department", "\"Engineering\"");
    ASSERT_JSON(v, "out_manager", "{\"id\":\"101\",\"email\":\"maria@acme.example\"}");
    ck_assert_pstr_eq(str(v, "out_start_date"), str(v, "out_raw.hireDate"));
    ck_assert_uint_eq(strlen(str(v, "out_start_date")), 10);
    ASSERT_JSON(v, "out_active", "true");
    ck_assert(json_object_get(json_object_get(v, "out_raw"), "mobilePhone") != NULL);
    ck_assert(!visited(inst, "caught"));
    ck_assert_str_eq(str(c, "query"),
                     "fields=firstName,lastName,preferredName,displayName,workEmail,jobTitle,"
                     "department,division,location,supervisorEId,supervisorEmail,hireDate,status,"
                     "employeeNumber,mobilePhone");
    ASSERT_JSON(c, "notes", "[]"); /* it asked for JSON */
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(bamboohr_update_employee_shows_in_list_changed)
{
    static const char *const outs[] = {"employees", "latest", NULL};
    const struct task update = {.process = "bamboo_update", .action = "bamboohr.update_employee"};
    const struct task changed = {
        .process = "bamboo_changed", .action = "bamboohr.list_changed", .outputs = outs};
    char *k1;
    char *k2;
    char *k3;
    json_t *i1;
    json_t *i2;
    json_t *i3;
    json_t *calls;
    json_t *body;

    deploy_task(&changed, "{\"since\":null,\"type\":null}"); /* both inputs mapped */
    k1 = start("bamboo_changed", "{\"since\":\"2000-01-01T00:00:00Z\"}");
    i1 = completed(k1);
    k2 = run_task(&update, "{\"id\":\"102\",\"fields\":{\"jobTitle\":\"Staff Engineer\"}}");
    i2 = completed(k2);
    k3 = start("bamboo_changed", "{\"since\":\"2000-01-01T00:00:00Z\",\"type\":\"updated\"}");
    i3 = completed(k3);
    calls = calls_of("bamboohr");
    ck_assert_uint_eq(json_array_size(at(i1, "variables.out_employees")), 2);
    ASSERT_JSON(i1, "variables.out_employees.0.id", "\"101\"");
    ASSERT_JSON(i1, "variables.out_employees.0.action", "\"inserted\"");
    ck_assert(json_is_string(at(i1, "variables.out_employees.0.last_changed")));
    ck_assert(json_is_string(at(i1, "variables.out_latest")));
    assert_call(calls, 0, "GET", BAMBOO_API "/employees/changed");
    ck_assert_str_eq(str(calls, "0.query"), "since=2000-01-01T00%3A00%3A00Z&type=all");
    body = body_of(assert_call(calls, 1, "POST", BAMBOO_API "/employees/102"));
    ASSERT_JSON(body, "", "{\"jobTitle\":\"Staff Engineer\"}");
    ASSERT_JSON(i2, "variables", "{\"id\":\"102\",\"fields\":{\"jobTitle\":\"Staff Engineer\"}}");
    ck_assert_uint_eq(json_array_size(at(i3, "variables.out_employees")), 1);
    ASSERT_JSON(i3, "variables.out_employees.0.id", "\"102\"");
    ASSERT_JSON(i3, "variables.out_employees.0.action", "\"updated\"");
    ck_assert_str_eq(str(calls, "2.query"), "since=2000-01-01T00%3A00%3A00Z&type=updated");
    json_decref(body);
    json_decref(calls);
    json_decref(i1);
    json_decref(i2);
    json_decref(i3);
    free(k1);
    free(k2);
    free(k3);
}
END_TEST

START_TEST(bamboohr_an_unknown_employee_is_the_bpmn_error_bamboohr_employee_not_found)
{
    const struct task t = {.process = "bamboo_missing",
                           .action = "bamboohr.get_employee",
                           .error_code = "bamboohr_employee_not_found"};
    char *key = run_task(&t, "{\"id\":\"999\"}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("bamboohr");

    ck_assert(visited(inst, "caught"));
    ck_assert(!visited(inst, "done"));
    assert_call(calls, 0, "GET", BAMBOO_API "/employees/999");
    ck_assert_int_eq(json_integer_value(at(calls, "0.status")), 404);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(bamboohr_refusals_are_incidents_with_the_error_message_header)
{
    char config[256];

    expect_incident("bamboo_e1", "bamboohr.update_employee", NULL,
                    "{\"id\":\"102\",\"fields\":{\"favouriteColour\":\"green\"}}",
                    "could not update the BambooHR employee: HTTP 400: Unknown field: "
                    "favouriteColour");
    sandboxtest_fault(&sb, "{\"service\":\"bamboohr\",\"path\":"
                           "\"/api/gateway.php/acme/v1/employees/changed\",\"status\":400}");
    expect_incident("bamboo_e2", "bamboohr.list_changed", NULL,
                    "{\"since\":\"2000-01-01T00:00:00Z\"}",
                    "could not list the changed BambooHR employees: HTTP 400: Injected fault");
    expect_incident("bamboo_e3", "bamboohr.update_employee", NULL,
                    "{\"id\":\"999\",\"fields\":{\"jobTitle\":\"x\"}}",
                    "could not update the BambooHR employee: not found (HTTP 404)");
    (void)snprintf(config, sizeof config, "{\"base_url\":\"%s" BAMBOO_API "\"}", sb.url);
    put_credential("bamboohr", "wrong", config, "{\"api_key\":\"not-the-key\"}");
    expect_incident("bamboo_e4", "bamboohr.get_employee", "wrong", "{\"id\":\"102\"}",
                    "could not read the BambooHR employee: authentication failed (HTTP 401): "
                    "check the credential");
}
END_TEST

START_TEST(bamboohr_without_a_default_credential_names_the_default)
{
    json_t *out = NULL;

    ck_assert_int_eq(api("DELETE", "/api/credentials/bamboohr/default", NULL, &out), 204);
    json_decref(out);
    expect_incident("bamboo_nodefault", "bamboohr.get_employee", NULL, "{\"id\":\"102\"}",
                    "no credential \"default\" for connector bamboohr: set it with PUT "
                    "/api/credentials/bamboohr/default");
    put_sandbox_credential("bamboohr", "default");
    ck_assert_uint_eq(ncalls(), 0);
}
END_TEST

static const struct action_case bamboohr_cases[] = {
    {"bamboohr.get_employee", "bamboohr", "GET", "/api/gateway.php/acme/v1/employees/102",
     "{\"id\":\"102\"}", "{\"id\":102}", "id"},
    {"bamboohr.list_changed", "bamboohr", "GET", "/api/gateway.php/acme/v1/employees/changed",
     "{\"since\":\"2000-01-01T00:00:00Z\"}", "{\"since\":\"yesterday\"}", "since"},
    {"bamboohr.update_employee", "bamboohr", "POST", "/api/gateway.php/acme/v1/employees/101",
     "{\"id\":\"101\",\"fields\":{\"jobTitle\":\"Director\"}}",
     "{\"id\":\"101\",\"fields\":\"jobTitle\"}", "fields"},
};

START_TEST(bamboohr_every_action_retries_a_429_after_its_delay_with_the_same_key)
{
    every_action_retries_a_429_after_its_delay(bamboohr_cases, NCASES(bamboohr_cases));
}
END_TEST

START_TEST(bamboohr_every_action_refuses_a_bad_input_without_a_call)
{
    every_action_refuses_a_bad_input(bamboohr_cases, NCASES(bamboohr_cases));
}
END_TEST

START_TEST(bamboohr_every_action_needs_its_credential)
{
    every_action_needs_its_credential(bamboohr_cases, NCASES(bamboohr_cases));
}
END_TEST

/* ---- http and noop -------------------------------------------------------------------------- */

/* An http credential with the sandbox's GitHub token for the GitHub API. */
static void put_http_credential(const char *name)
{
    char config[256];

    (void)snprintf(config, sizeof config, "{\"auth\":\"bearer\",\"base_url\":\"%s/github\"}",
                   sb.url);
    put_credential("http", name, config, "{\"token\":\"" SANDBOXTEST_GITHUB_TOKEN "\"}");
}

static void start_http(void)
{
    start_all();
    put_http_credential("gh");
    put_http_credential("http.request"); /* for the table below */
}

static const char *const http_outputs[] = {"status", "headers", "body", NULL};

START_TEST(http_request_sends_method_query_headers_and_body_and_reads_the_answer)
{
    const struct task t = {.process = "http_post",
                           .action = "http.request",
                           .credential = "gh",
                           .outputs = http_outputs};
    char *key = run_task(&t, "{\"method\":\"POST\",\"url\":\"repos/acme/it-requests/issues\","
                             "\"query\":{\"a\":\"b c\",\"n\":[1,true]},\"headers\":{\"X-Trace\":"
                             "\"t-1\",\"Accept\":\"application/vnd.github+json\","
                             "\"X-GitHub-Api-Version\":\"2022-11-28\"},"
                             "\"body\":{\"title\":\"From the http connector\"}}");
    json_t *inst = completed(key);
    json_t *calls = calls_of("github");
    const json_t *c = assert_call(calls, 0, "POST", "/github/repos/acme/it-requests/issues");
    json_t *body = body_of(c);

    ASSERT_JSON(inst, "variables.out_status", "201");
    ASSERT_CONTAINS(str(inst, "variables.out_headers.content-type"), "application/json");
    ASSERT_JSON(inst, "variables.out_body.number", "1");
    ASSERT_JSON(inst, "variables.out_body.title", "\"From the http connector\"");
    ck_assert_str_eq(str(c, "query"), "a=b%20c&n=1&n=true");
    ASSERT_JSON(c, "notes", "[]");
    ck_assert_str_eq(str(c, "content_type"), "application/json; charset=utf-8");
    ASSERT_JSON(body, "", "{\"title\":\"From the http connector\"}");
    json_decref(body);
    json_decref(calls);
    json_decref(inst);
    free(key);
}
END_TEST

START_TEST(http_request_needs_no_credential)
{
    const struct task t = {
        .process = "http_anon", .action = "http.request", .outputs = http_outputs};
    char *input = xprintf("{\"url\":\"%s/github/user\"}", sb.url);
    char *key = run_task(&t, input);
    json_t *inst = completed(key);
    json_t *calls = calls_of("github");

    /* the answer of an unauthenticated call, as it is: not a failure without fail_on_status */
    ASSERT_JSON(inst, "variables.out_status", "401");
    ASSERT_JSON(inst, "variables.out_body.message", "\"Requires authentication\"");
    ck_assert_uint_eq(json_array_size(calls), 1);
    ASSERT_JSON(calls, "0.auth_ok", "false");
    json_decref(calls);
    json_decref(inst);
    free(key);
    free(input);
}
END_TEST

START_TEST(http_fail_on_status_is_an_incident_showing_only_the_origin)
{
    const struct task t = {.process = "http_fail", .action = "http.request", .credential = "gh"};
    char *key = run_task(&t, "{\"url\":\"repos/acme/secret-name?token=abc\","
                             "\"fail_on_status\":true}");
    char *reason = incident_of(key);
    char *want = xprintf("%s answered HTTP 404: Not Found", sb.url);

    ASSERT_CONTAINS(reason, want);
    ck_assert_ptr_null(strstr(reason, "secret-name"));
    ck_assert_ptr_null(strstr(reason, "abc"));
    ck_assert_uint_eq(ncalls(), 1);
    free(want);
    free(reason);
    free(key);
}
END_TEST

START_TEST(http_a_credential_is_sent_only_under_its_base_url)
{
    const struct task t = {
        .process = "http_elsewhere", .action = "http.request", .credential = "gh"};
    char *input = xprintf("{\"url\":\"%s/slack/api/auth.test\"}", sb.url);
    char *key = run_task(&t, input);
    char *reason = incident_of(key);
    char *want = xprintf("the credential may only be sent to %s; the url points elsewhere", sb.url);

    ASSERT_CONTAINS(reason, want);
    ck_assert_uint_eq(ncalls(), 0);
    free(want);
    free(reason);
    free(key);
    free(input);
}
END_TEST

START_TEST(http_a_blocked_address_is_refused_by_the_ssrf_guard)
{
    static const char *const urls[] = {"http://169.254.169.254/latest/meta-data/",
                                       "http://10.0.0.1/", "http://[::1]:9/"};
    const struct task t = {.process = "http_ssrf", .action = "http.request", .retries = 3};

    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        char *input = xprintf("{\"url\":\"%s\"}", urls[i]);
        char *key = i == 0 ? run_task(&t, input) : start(t.process, input);
        char *reason = incident_of(key);
        json_t *jobs = NULL;
        char path[128];

        ASSERT_CONTAINS(reason, "is not allowed");
        ASSERT_CONTAINS(reason, "add it to http_allow to permit it");
        /* a refusal is final: no attempt left for later */
        (void)snprintf(path, sizeof path, "/api/instances/%s/jobs", key);
        ck_assert_int_eq(api("GET", path, NULL, &jobs), 200);
        ASSERT_JSON(jobs, "items.0.attempts", "1");
        json_decref(jobs);
        free(reason);
        free(key);
        free(input);
    }
}
END_TEST

START_TEST(http_a_timeout_is_retried_with_the_same_key)
{
    const struct task t = {.process = "http_slow",
                           .action = "http.request",
                           .credential = "gh",
                           .retries = 2,
                           .outputs = http_outputs};
    char *key;
    json_t *job;
    json_t *calls;
    json_t *inst;
    char *job_key;

    sandboxtest_fault(&sb, "{\"service\":\"github\",\"path\":\"/user\",\"delay_ms\":1500,"
                           "\"times\":1}");
    key = run_task(&t, "{\"url\":\"user\",\"timeout_ms\":300}");
    job = job_after(key, 1);
    ASSERT_CONTAINS(str(job, "lastError"), "timed out");
    ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(job, "retries")), 2); /* allowed in all */
    /* the engine's backoff (10 s and some jitter), as a timeout gives no delay */
    ck_assert_int_ge(time_ms(str(job, "dueAt")) - now_ms(), 5000);
    job_key = strdup(str(job, "key"));
    json_decref(job);
    make_due(job_key);
    inst = completed(key);
    ASSERT_JSON(inst, "variables.out_status", "200");
    ASSERT_JSON(inst, "variables.out_body.login", "\"ordo-sandbox-bot\"");
    json_decref(inst);
    /* The sandbox records the call it held when its delay is over. */
    calls = calls_after(2);
    ck_assert_uint_eq(json_array_size(calls), 2);
    for (size_t i = 0; i < 2; i++) {
        const json_t *c = json_array_get(calls, i);

        ck_assert_str_eq(str(c, "path"), "/github/user");
        ck_assert_str_eq(str(c, "idempotency_key"), job_key);
        ck_assert(json_is_integer(json_object_get(c, "fault")) ||
                  json_integer_value(json_object_get(c, "status")) == 200);
    }
    json_decref(calls);
    free(job_key);
    free(key);
}
END_TEST

START_TEST(http_refuses_unsafe_requests_without_a_call)
{
    char config[256];
    const struct task t = {.process = "http_hdr",
                           .action = "http.request",
                           .credential = "hdr",
                           .outputs = http_outputs};
    char *key;
    json_t *inst;
    json_t *calls;

    /* the credential's header wins over an input header of the same name */
    (void)snprintf(config, sizeof config,
                   "{\"auth\":\"header\",\"header_name\":\"Authorization\",\"base_url\":"
                   "\"%s/github\"}",
                   sb.url);
    put_credential("http", "hdr", config, "{\"token\":\"Bearer " SANDBOXTEST_GITHUB_TOKEN "\"}");
    key = run_task(&t, "{\"url\":\"user\",\"headers\":{\"authorization\":\"Bearer forged\"}}");
    inst = completed(key);
    ASSERT_JSON(inst, "variables.out_status", "200");
    calls = calls_of("github");
    assert_call(calls, 0, "GET", "/github/user"); /* auth_ok: the stored token was sent */
    json_decref(calls);
    json_decref(inst);
    free(key);
    forget_calls();
    /* a secret in a header of its own must not follow a redirect to another host */
    (void)snprintf(config, sizeof config,
                   "{\"auth\":\"header\",\"header_name\":\"X-Api-Key\",\"base_url\":\"%s/github\"}",
                   sb.url);
    put_credential("http", "apikey", config, "{\"token\":\"k-1\"}");
    expect_incident("http_redirect", "http.request", "apikey",
                    "{\"url\":\"user\",\"follow_redirects\":true}",
                    "follow_redirects cannot be used with a credential sent in the X-Api-Key "
                    "header");
    /* no header injection */
    expect_incident("http_crlf", "http.request", "gh",
                    "{\"url\":\"user\",\"headers\":{\"X-A\":\"b\\r\\nX-Injected: 1\"}}",
                    "the request header \"X-A\" is not valid");
    expect_incident("http_two_bodies", "http.request", "gh",
                    "{\"url\":\"user\",\"body\":{},\"body_text\":\"x\"}",
                    "give at most one of body, body_array and body_text");
    ck_assert_uint_eq(ncalls(), 0);
}
END_TEST

START_TEST(a_connector_whose_base_url_is_a_blocked_address_is_refused_too)
{
    put_credential("slack", "internal", "{\"base_url\":\"http://10.0.0.1/api\"}",
                   "{\"bot_token\":\"" SANDBOXTEST_SLACK_TOKEN "\"}");
    expect_incident("ssrf_slack", "slack.post_message", "internal",
                    "{\"channel\":\"C001\",\"text\":\"hi\"}",
                    "address 10.0.0.1 is not allowed (private); add it to http_allow to permit "
                    "it");
}
END_TEST

static const struct action_case http_cases[] = {
    {"http.request", "github", "GET", "/user", "{\"url\":\"user\"}",
     "{\"url\":\"user\",\"method\":\"FETCH\"}", "method"},
};

START_TEST(http_retries_a_429_after_its_delay_with_the_same_key)
{
    every_action_retries_a_429_after_its_delay(http_cases, NCASES(http_cases));
}
END_TEST

START_TEST(http_refuses_a_bad_input_without_a_call)
{
    const struct task t = {.process = "http_nourl", .action = "http.request"};
    char *key = run_task(&t, "{\"method\":\"GET\"}");
    char *reason = incident_of(key);

    ASSERT_CONTAINS(reason, "input of http.request: ");
    ASSERT_CONTAINS(reason, "url");
    free(reason);
    free(key);
    every_action_refuses_a_bad_input(http_cases, NCASES(http_cases));
}
END_TEST

START_TEST(http_needs_a_credential_it_names)
{
    every_action_needs_its_credential(http_cases, NCASES(http_cases));
}
END_TEST

START_TEST(noop_complete_completes_without_a_call_or_variables)
{
    const struct task t = {.process = "noop_any", .action = "noop.complete"};
    char *key = run_task(&t, "{\"whatever\":{\"a\":[1,2]}}");
    json_t *inst = completed(key);

    ASSERT_JSON(inst, "variables", "{\"whatever\":{\"a\":[1,2]}}");
    ck_assert_uint_eq(ncalls(), 0);
    json_decref(inst);
    free(key);
}
END_TEST

/* ---- what the host does for every connector --------------------------------------------- */

START_TEST(a_429_reschedules_the_job_by_retry_after_while_other_jobs_run)
{
    const struct task slow = {.process = "host_throttled", .action = "slack.post_message"};
    const struct task quick = {.process = "host_noop", .action = "noop.complete"};
    char *k1;
    char *k2;
    char *job_key;
    json_t *job;
    json_t *calls;
    json_t *inst;
    int64_t refused_at;
    int64_t due;

    sandboxtest_fault(&sb, "{\"service\":\"slack\",\"path\":\"/api/chat.postMessage\","
                           "\"status\":429,\"retry_after\":2,\"times\":1}");
    deploy_task(&quick, "{}");
    k1 = run_task(&slow, "{\"channel\":\"C001\",\"text\":\"hi\"}");
    job = job_after(k1, 1);
    calls = calls_of("slack");
    ck_assert_uint_eq(json_array_size(calls), 1);
    ck_assert_int_eq(json_integer_value(at(calls, "0.status")), 429);
    refused_at = time_ms(str(calls, "0.time"));
    due = time_ms(str(job, "dueAt"));
    /* rescheduled by the server's Retry-After, not failed and not slept on */
    ck_assert_msg(due - refused_at >= 1900 && due - refused_at <= 3000, "due %lld ms after the 429",
                  (long long)(due - refused_at));
    ck_assert_int_eq(json_integer_value(json_object_get(job, "attempts")), 1);
    ASSERT_CONTAINS(str(job, "lastError"), "rate limited by the service");
    ASSERT_CONTAINS(str(job, "lastError"), "429");
    job_key = strdup(str(job, "key"));
    ck_assert_str_eq(str(calls, "0.idempotency_key"), job_key);
    json_decref(calls);
    json_decref(job);
    /* The one executor thread is free meanwhile: another instance's job runs at once. */
    k2 = start("host_noop", "{}");
    json_decref(completed(k2));
    ck_assert_msg(now_ms() < due - 200, "the noop job waited for the throttled one");
    inst = instance(k1);
    ck_assert_str_eq(str(inst, "state"), "active");
    json_decref(inst);
    inst = completed(k1);
    ASSERT_JSON(inst, "incidents", "[]");
    json_decref(inst);
    calls = calls_of("slack");
    ck_assert_uint_eq(json_array_size(calls), 2);
    ck_assert_int_eq(json_integer_value(at(calls, "1.status")), 200);
    ck_assert_str_eq(str(calls, "1.idempotency_key"), job_key); /* the same key */
    ck_assert_int_ge(time_ms(str(calls, "1.time")), due - 50);
    json_decref(calls);
    free(job_key);
    free(k1);
    free(k2);
}
END_TEST

/* POST /api/credentials/{connector}/{name}/test: the status, the answer in '*out'. */
static long test_credential(const char *connector, const char *name, json_t **out)
{
    char path[160];

    (void)snprintf(path, sizeof path, "/api/credentials/%s/%s/test", connector, name);
    return api("POST", path, NULL, out);
}

START_TEST(every_connector_tests_its_credential_with_one_call)
{
    static const struct {
        const char *connector;
        const char *method;
        const char *path;
    } checks[] = {
        {"slack", "POST", "/slack/api/auth.test"},
        {"jira", "GET", "/jira/rest/api/3/myself"},
        {"github", "GET", "/github/user"},
        {"bamboohr", "GET", BAMBOO_API "/employees/directory"},
    };
    char config[256];
    json_t *out = NULL;
    json_t *calls;

    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        ck_assert_int_eq(test_credential(checks[i].connector, "default", &out), 200);
        ASSERT_JSON(out, "ok", "true");
        json_decref(out);
    }
    calls = sandboxtest_calls(&sb, NULL);
    ck_assert_uint_eq(json_array_size(calls), 4);
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        const json_t *c = json_array_get(calls, i);

        ck_assert_str_eq(str(c, "method"), checks[i].method);
        ck_assert_str_eq(str(c, "path"), checks[i].path);
        ck_assert(json_is_true(json_object_get(c, "auth_ok")));
    }
    json_decref(calls);
    /* a wrong one says so (422), with the service's reason and no secret */
    (void)snprintf(config, sizeof config, "{\"base_url\":\"%s/slack/api\"}", sb.url);
    put_credential("slack", "stale", config, "{\"bot_token\":\"xoxb-stale-0123\"}");
    ck_assert_int_eq(test_credential("slack", "stale", &out), 422);
    ASSERT_CONTAINS(str(out, "error.message"),
                    "credential slack/stale does not work: could not check the Slack token: "
                    "authentication failed (Slack invalid_auth)");
    ck_assert_ptr_null(strstr(str(out, "error.message"), "xoxb-stale"));
    json_decref(out);
    /* http tests its credential with its test_url, and says when it has none */
    (void)snprintf(config, sizeof config,
                   "{\"auth\":\"bearer\",\"base_url\":\"%s/github\",\"test_url\":\"user\"}",
                   sb.url);
    put_credential("http", "tested", config, "{\"token\":\"" SANDBOXTEST_GITHUB_TOKEN "\"}");
    ck_assert_int_eq(test_credential("http", "tested", &out), 200);
    json_decref(out);
    (void)snprintf(config, sizeof config, "{\"auth\":\"bearer\",\"base_url\":\"%s/github\"}",
                   sb.url);
    put_credential("http", "untested", config, "{\"token\":\"" SANDBOXTEST_GITHUB_TOKEN "\"}");
    ck_assert_int_eq(test_credential("http", "untested", &out), 422);
    ASSERT_CONTAINS(str(out, "error.message"), "nothing to test: set test_url");
    json_decref(out);
    ck_assert_uint_eq(ncalls(), 6);
}
END_TEST

START_TEST(a_503_with_retry_after_waits_its_delay_and_a_500_the_engines_backoff)
{
    const struct task t = {.process = "host_5xx", .action = "github.create_issue"};
    char *k1;
    char *k2;
    json_t *job;
    json_t *calls;
    char *job_key;
    int64_t first;

    /* 503 with Retry-After: throttling, decided by the host */
    sandboxtest_fault(&sb, "{\"service\":\"github\",\"path\":\"/repos/acme/it-requests/issues\","
                           "\"status\":503,\"retry_after\":2}");
    k1 = run_task(&t, "{\"repo\":\"it-requests\",\"title\":\"one\"}");
    json_decref(completed(k1));
    calls = calls_of("github");
    ck_assert_uint_eq(json_array_size(calls), 2);
    ck_assert_int_eq(json_integer_value(at(calls, "0.status")), 503);
    ck_assert_int_eq(json_integer_value(at(calls, "1.status")), 201);
    ck_assert_int_ge(time_ms(str(calls, "1.time")) - time_ms(str(calls, "0.time")), 1900);
    json_decref(calls);
    forget_calls();
    /* 500 without a delay: the connector's RETRY, after the engine's backoff */
    sandboxtest_fault(&sb, "{\"service\":\"github\",\"path\":\"/repos/acme/it-requests/issues\","
                           "\"status\":500}");
    k2 = start("host_5xx", "{\"repo\":\"it-requests\",\"title\":\"two\"}");
    job = job_after(k2, 1);
    calls = calls_of("github");
    first = time_ms(str(calls, "0.time"));
    ASSERT_CONTAINS(str(job, "lastError"), "could not create an issue in acme/it-requests");
    ASSERT_CONTAINS(str(job, "lastError"), "500");
    ck_assert_int_ge(time_ms(str(job, "dueAt")) - first, 9000); /* 10 s, less nothing */
    job_key = strdup(str(job, "key"));
    make_due(job_key);
    json_decref(completed(k2));
    json_decref(calls);
    json_decref(job);
    free(job_key);
    free(k1);
    free(k2);
}
END_TEST

/* A test case with a sandbox and a server of its own ('start' and stop_all), the sandbox
 * back to its seed before each test. */
static TCase *server_case(Suite *s, const char *name, void (*start_fn)(void))
{
    TCase *tc = tcase_create(name);

    tcase_add_unchecked_fixture(tc, start_fn, stop_all);
    tcase_add_checked_fixture(tc, reset_sandbox, NULL);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return tc;
}

static void add_slack(Suite *s)
{
    TCase *tc = server_case(s, "slack", start_all);

    tcase_add_test(tc, slack_post_message_sends_json_and_answers_channel_and_ts);
    tcase_add_test(tc, slack_update_message_replaces_the_text_of_a_posted_message);
    tcase_add_test(tc, slack_post_ephemeral_and_post_approval);
    tcase_add_test(tc, slack_create_channel_makes_one_or_answers_the_one_of_that_name);
    tcase_add_test(tc, slack_create_channel_pages_through_the_channels_for_a_taken_name);
    tcase_add_test(tc, slack_invite_to_channel_counts_already_in_channel_as_success);
    tcase_add_test(tc, slack_get_user_and_lookup_by_email_answer_the_flat_record);
    tcase_add_test(tc, slack_lookup_of_an_unknown_email_is_the_bpmn_error_slack_user_not_found);
    tcase_add_test(tc, slack_ok_false_with_http_200_is_an_incident_naming_slacks_code);
    tcase_add_test(tc, slack_a_wrong_token_is_an_authentication_failure);
    tcase_add_test(tc, slack_every_action_retries_a_429_after_its_delay_with_the_same_key);
    tcase_add_test(tc, slack_every_action_refuses_a_bad_input_without_a_call);
    tcase_add_test(tc, slack_every_action_needs_its_credential);
}

static void add_jira(Suite *s)
{
    TCase *tc = server_case(s, "jira", start_all);

    tcase_add_test(tc, jira_create_issue_sends_adf_and_labels_and_answers_key_id_and_url);
    tcase_add_test(tc, jira_comment_transitions_get_and_search_work_on_one_issue);
    tcase_add_test(tc, jira_search_follows_next_page_tokens_up_to_max_results);
    tcase_add_test(tc, jira_get_issue_of_a_missing_key_is_the_bpmn_error_jira_issue_not_found);
    tcase_add_test(tc, jira_refusals_are_incidents_with_jiras_explanation);
    tcase_add_test(tc, jira_a_site_given_as_a_url_is_used_as_it_is);
    tcase_add_test(tc, jira_create_issue_on_a_retry_answers_the_issue_of_the_earlier_attempt);
    tcase_add_test(tc, jira_every_action_retries_a_429_after_its_delay_with_the_same_key);
    tcase_add_test(tc, jira_every_action_refuses_a_bad_input_without_a_call);
    tcase_add_test(tc, jira_every_action_needs_its_credential);
}

static void add_github(Suite *s)
{
    TCase *tc = server_case(s, "github", start_all);

    tcase_add_test(tc, github_create_issue_answers_number_url_and_id);
    tcase_add_test(tc, github_invite_to_org_resolves_team_slugs_and_takes_a_duplicate_as_done);
    tcase_add_test(tc, github_add_team_member_puts_the_membership);
    tcase_add_test(tc, github_create_repository_is_private_unless_told_otherwise);
    tcase_add_test(tc, github_refusals_are_incidents_with_githubs_explanation);
    tcase_add_test(tc, github_secondary_rate_limit_waits_a_minute);
    tcase_add_test(tc, github_create_repository_on_a_retry_answers_the_earlier_attempts_repository);
    tcase_add_test(tc, github_team_pages_are_followed_only_under_the_base_url);
    tcase_add_test(tc, github_every_action_retries_a_429_after_its_delay_with_the_same_key);
    tcase_add_test(tc, github_every_action_refuses_a_bad_input_without_a_call);
    tcase_add_test(tc, github_every_action_needs_its_credential);
}

static void add_bamboohr(Suite *s)
{
    TCase *tc = server_case(s, "bamboohr", start_all);

    tcase_add_test(tc, bamboohr_get_employee_answers_the_worker_record);
    tcase_add_test(tc, bamboohr_update_employee_shows_in_list_changed);
    tcase_add_test(tc, bamboohr_an_unknown_employee_is_the_bpmn_error_bamboohr_employee_not_found);
    tcase_add_test(tc, bamboohr_refusals_are_incidents_with_the_error_message_header);
    tcase_add_test(tc, bamboohr_without_a_default_credential_names_the_default);
    tcase_add_test(tc, bamboohr_every_action_retries_a_429_after_its_delay_with_the_same_key);
    tcase_add_test(tc, bamboohr_every_action_refuses_a_bad_input_without_a_call);
    tcase_add_test(tc, bamboohr_every_action_needs_its_credential);
}

static void add_http(Suite *s)
{
    TCase *tc = server_case(s, "http", start_http);

    tcase_add_test(tc, http_request_sends_method_query_headers_and_body_and_reads_the_answer);
    tcase_add_test(tc, http_request_needs_no_credential);
    tcase_add_test(tc, http_fail_on_status_is_an_incident_showing_only_the_origin);
    tcase_add_test(tc, http_a_credential_is_sent_only_under_its_base_url);
    tcase_add_test(tc, http_a_blocked_address_is_refused_by_the_ssrf_guard);
    tcase_add_test(tc, a_connector_whose_base_url_is_a_blocked_address_is_refused_too);
    tcase_add_test(tc, http_refuses_unsafe_requests_without_a_call);
    tcase_add_test(tc, http_a_timeout_is_retried_with_the_same_key);
    tcase_add_test(tc, http_retries_a_429_after_its_delay_with_the_same_key);
    tcase_add_test(tc, http_refuses_a_bad_input_without_a_call);
    tcase_add_test(tc, http_needs_a_credential_it_names);
    tcase_add_test(tc, noop_complete_completes_without_a_call_or_variables);
}

static void add_host(Suite *s)
{
    TCase *tc = server_case(s, "host", start_all);

    tcase_add_test(tc, a_429_reschedules_the_job_by_retry_after_while_other_jobs_run);
    tcase_add_test(tc, a_503_with_retry_after_waits_its_delay_and_a_500_the_engines_backoff);
    tcase_add_test(tc, every_connector_tests_its_credential_with_one_call);
}

static Suite *make_suite(void)
{
    Suite *s = suite_create("connectors");

    add_slack(s);
    add_jira(s);
    add_github(s);
    add_bamboohr(s);
    add_http(s);
    add_host(s);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
