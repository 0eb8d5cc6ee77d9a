/*
 * tests/integration/test_http_errors.c - the refusals of every route over
 * real HTTP, with the admin key (issue 5): a body over the route's limit is
 * 413; a JSON body that is malformed is 400, of the wrong type 415, not an
 * object or with a member the route does not know 422; a key that does not
 * exist, or is not a number, is 404; a name in the path ({connector},
 * {name}) that names nothing is 404 and one that cannot be a name 422; a
 * refused query parameter is 400 or 422; a change the resource's state
 * does not allow is 409. Every refusal has the native error body with the
 * status of its code and a request id, and changes no row. Under /v2 (the
 * Camunda 8 dialect) a refusal is a ProblemDetail instead (application/
 * problem+json, the code as its title), and a body the route cannot use
 * is 400 where the native API says 422, as Camunda answers.
 *
 * The matrix walks ordo_api_routes itself and looks each route up in the
 * table below, which says how to exercise it: a route missing from the
 * table fails the test, so a new route cannot escape the matrix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/err.h"
#include "server/api.h"
#include "server/route.h"
#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN_KEY   HTTPTEST_ADMIN_KEY
#define MISSING_KEY "999999999"

static struct httptest srv;

static void setup(void)
{
    /* The matrix makes hundreds of requests a second with one key: not the rate limit's test
     * (test_http_roles has that). */
    static const char *const env[] = {"ORDO_RATE_LIMIT=1000000", "ORDO_RATE_BURST=1000000", NULL};

    httptest_start(&srv, "http_errors", env);
}

static void teardown(void)
{
    httptest_stop(&srv);
}

/* ---- how to exercise each route -------------------------------------------------------------- */

#define F_GATES 0u  /* nothing of its own to refuse: only the body limit of the gates */
#define F_JSON  1u  /* takes a JSON object */
#define F_XML   2u  /* takes BPMN XML or multipart (deploy) */
#define F_KEY   4u  /* {key}: one that does not exist, or is not a number, is 404 */
#define F_NAME  8u  /* names in the path ({connector}, {name}): named_rows[] says more */
#define F_RAW   16u /* takes raw bytes its handler checks (signed hooks): only the body limit */
#define F_MULTI 32u /* takes multipart/form-data only (the Camunda 7 and 8 deploys) */

/* A request of an F_NAME route and its refusal: 'path', with 'body' (NULL:
 * the row's 'valid' body, if the route takes one), answers 'status' with a
 * message that contains 'names' (unless NULL). */
struct probe {
    const char *path;
    long status;
    const char *names;
    const char *body;
};

#define MAX_PROBES 12

struct spec {
    const char *method;
    const char *pattern;
    unsigned flags;
    int query_status; /* of 'query' */
    /* F_KEY or F_NAME with F_JSON: a body that passes validation, so that the key is looked up. */
    const char *valid;
    const char *query; /* a query string the route refuses, or NULL */
};

/* What an F_NAME route (in specs[] too) refuses of the names in its path:
 * 'path' names what exists, for the body's refusals (which come after the
 * names are looked up); 'probes' are the refusals of its names. */
struct named {
    const char *method;
    const char *pattern;
    const char *path;
    struct probe probes[MAX_PROBES];
};

static const char roles[] = "{\"roles\":[\"viewer\"]}";
static const char member[] = "{\"user\":\"admin\"}";
/* A Jira credential that fits the connector's schemas. */
static const char jira_ok[] =
    "{\"config\":{\"email\":\"ops@example.com\"},\"secret\":{\"api_token\":\"t0k3n\"}}";

/* An API webhook endpoint that passes validation. */
static const char hook_ok[] = "{\"scheme\":\"github\",\"action\":\"start\",\"processId\":\"p\"}";

/* A manual edit of a draft that passes validation: well-formed BPMN. */
static const char draft_edit[] =
    "{\"xml\":\"<definitions xmlns=\\\"http://www.omg.org/spec/BPMN/20100524/MODEL\\\"/>\"}";

/* clang-format off */
static const struct spec specs[] = {
    {"GET", "/livez", F_GATES, 0, NULL, NULL},
    {"GET", "/readyz", F_GATES, 0, NULL, NULL},
    {"GET", "/metrics", F_GATES, 0, NULL, NULL},
    {"GET", "/", F_GATES, 0, NULL, NULL},
    {"GET", "/ui/*", F_GATES, 0, NULL, NULL}, /* test_http_ui has the names it refuses */
    {"POST", "/api/auth/login", F_JSON, 0, NULL, NULL},
    {"POST", "/api/auth/logout", F_GATES, 0, NULL, NULL},
    {"GET", "/api/me", F_GATES, 0, NULL, NULL},
    {"POST", "/api/deployments", F_XML, 0, NULL, NULL},
    {"GET", "/api/definitions", F_GATES, 422, NULL, "?latest=maybe"},
    {"GET", "/api/definitions/{key}", F_KEY, 0, NULL, NULL},
    {"GET", "/api/definitions/{key}/xml", F_KEY, 0, NULL, NULL},
    {"GET", "/api/definitions/{key}/findings", F_KEY, 0, NULL, NULL},
    {"GET", "/api/definitions/{key}/versions", F_KEY, 0, NULL, NULL},
    /* export looks the definition up before its target: test_http_export has the 422 */
    {"GET", "/api/definitions/{key}/export", F_KEY, 0, NULL, NULL},
    {"POST", "/api/definitions/{key}/suspend", F_KEY, 0, NULL, NULL},
    {"POST", "/api/definitions/{key}/resume", F_KEY, 0, NULL, NULL},
    {"POST", "/api/instances", F_JSON, 0, NULL, NULL},
    {"GET", "/api/instances", F_GATES, 422, NULL, "?limit=0"},
    {"POST", "/api/instances/bulk-cancel", F_JSON, 0, NULL, NULL},
    {"GET", "/api/instances/{key}", F_KEY, 0, NULL, NULL},
    {"POST", "/api/instances/{key}/cancel", F_KEY, 0, NULL, NULL},
    {"POST", "/api/instances/{key}/suspend", F_KEY, 0, NULL, NULL},
    {"POST", "/api/instances/{key}/resume", F_KEY, 0, NULL, NULL},
    {"POST", "/api/instances/{key}/variables", F_KEY | F_JSON, 0, "{\"variables\":{\"a\":1}}",
     NULL},
    {"GET", "/api/instances/{key}/wait", F_KEY, 422, NULL, "?timeout=soon"},
    /* jobs looks the instance up before its query: no query refusal with a missing key */
    {"GET", "/api/instances/{key}/jobs", F_KEY, 0, NULL, NULL},
    {"GET", "/api/tasks", F_GATES, 422, NULL, "?mine=maybe"},
    {"GET", "/api/tasks/{key}", F_KEY, 0, NULL, NULL},
    {"POST", "/api/tasks/{key}/claim", F_KEY, 0, NULL, NULL},
    {"POST", "/api/tasks/{key}/unclaim", F_KEY, 0, NULL, NULL},
    {"POST", "/api/tasks/{key}/complete", F_KEY | F_JSON, 0, "{}", NULL},
    {"GET", "/api/incidents", F_GATES, 422, NULL, "?limit=501"},
    {"POST", "/api/incidents/bulk-retry", F_JSON, 0, NULL, NULL},
    {"POST", "/api/incidents/{key}/retry", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/api/messages", F_JSON, 0, NULL, NULL},
    {"POST", "/api/messages/correlate", F_JSON, 0, NULL, NULL},
    {"POST", "/api/simulate", F_JSON, 0, NULL, NULL},
    {"GET", "/api/audit", F_GATES, 422, NULL, "?limit=0"},
    {"GET", "/api/events", F_GATES, 400, NULL, "?cursor=x"},
    {"GET", "/api/audit/verify", F_GATES, 422, NULL, "?publicKey=zz"},
    {"GET", "/api/users", F_GATES, 0, NULL, NULL},
    {"POST", "/api/users", F_JSON, 0, NULL, NULL},
    {"GET", "/api/users/{key}", F_KEY, 0, NULL, NULL},
    {"PATCH", "/api/users/{key}", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/api/users/{key}/grant", F_KEY | F_JSON, 0, roles, NULL},
    {"POST", "/api/users/{key}/revoke", F_KEY | F_JSON, 0, roles, NULL},
    {"GET", "/api/groups", F_GATES, 0, NULL, NULL},
    {"POST", "/api/groups", F_JSON, 0, NULL, NULL},
    {"POST", "/api/groups/{key}/members", F_KEY | F_JSON, 0, member, NULL},
    {"POST", "/api/groups/{key}/members/remove", F_KEY | F_JSON, 0, member, NULL},
    {"POST", "/api/groups/{key}/grant", F_KEY | F_JSON, 0, roles, NULL},
    {"POST", "/api/groups/{key}/revoke", F_KEY | F_JSON, 0, roles, NULL},
    {"GET", "/api/keys", F_GATES, 400, NULL, "?userKey=abc"},
    {"POST", "/api/keys", F_JSON, 0, NULL, NULL},
    {"POST", "/api/keys/{key}/revoke", F_KEY, 0, NULL, NULL},
    {"GET", "/api/connectors", F_GATES, 0, NULL, NULL},
    {"GET", "/api/connectors/{name}", F_NAME, 0, NULL, NULL},
    {"GET", "/api/element-templates", F_GATES, 0, NULL, NULL},
    {"GET", "/api/credentials", F_GATES, 422, NULL, "?connector=Not-A-Connector"},
    {"PUT", "/api/credentials/{connector}/{name}", F_NAME | F_JSON, 0, jira_ok, NULL},
    {"DELETE", "/api/credentials/{connector}/{name}", F_NAME, 0, NULL, NULL},
    {"POST", "/api/credentials/{connector}/{name}/test", F_NAME, 0, NULL, NULL},
    {"POST", "/hooks/{name}", F_NAME | F_RAW, 0, NULL, NULL},
    {"GET", "/api/webhooks/endpoints", F_GATES, 422, NULL, "?limit=0"},
    {"GET", "/api/webhooks/endpoints/{name}", F_NAME, 0, NULL, NULL},
    {"PUT", "/api/webhooks/endpoints/{name}", F_NAME | F_JSON, 0, hook_ok, NULL},
    {"DELETE", "/api/webhooks/endpoints/{name}", F_NAME, 0, NULL, NULL},
    {"GET", "/api/webhooks/endpoints/{name}/deliveries", F_NAME, 422, NULL, "?limit=0"},
    {"POST", "/api/webhooks/subscriptions", F_JSON, 0, NULL, NULL},
    {"GET", "/api/webhooks/subscriptions", F_GATES, 422, NULL, "?limit=0"},
    {"GET", "/api/webhooks/subscriptions/{key}", F_KEY, 0, NULL, NULL},
    {"PATCH", "/api/webhooks/subscriptions/{key}", F_KEY | F_JSON, 0, "{}", NULL},
    {"DELETE", "/api/webhooks/subscriptions/{key}", F_KEY, 0, NULL, NULL},
    {"GET", "/api/webhooks/subscriptions/{key}/deliveries", F_KEY, 400, NULL, "?state=bogus"},
    {"POST", "/api/webhooks/subscriptions/{key}/replay", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/api/webhooks/outbox/{seq}/replay", F_KEY, 0, NULL, NULL},
    {"POST", "/api/drafts", F_JSON, 0, NULL, NULL},
    {"GET", "/api/drafts", F_GATES, 422, NULL, "?status=done"},
    {"GET", "/api/drafts/{key}", F_KEY, 422, NULL, "?transcript=maybe"},
    {"GET", "/api/drafts/{key}/events", F_KEY, 0, NULL, NULL},
    {"POST", "/api/drafts/{key}/revise", F_KEY | F_JSON, 0, draft_edit, NULL},
    {"POST", "/api/drafts/{key}/deploy", F_KEY, 0, NULL, NULL},
    /* ---- Camunda 7 REST dialect (/engine-rest): refusals in its own body ---- */
    {"GET", "/engine-rest/version", F_GATES, 0, NULL, NULL},
    {"GET", "/engine-rest/engine", F_GATES, 0, NULL, NULL},
    {"GET", "/engine-rest/deployment", F_GATES, 400, NULL, "?maxResults=-1"},
    {"POST", "/engine-rest/deployment/create", F_MULTI, 0, NULL, NULL},
    {"GET", "/engine-rest/process-definition", F_GATES, 400, NULL, "?latestVersion=maybe"},
    {"GET", "/engine-rest/process-definition/key/{key}", F_KEY, 0, NULL, NULL},
    {"GET", "/engine-rest/process-definition/key/{key}/xml", F_KEY, 0, NULL, NULL},
    {"POST", "/engine-rest/process-definition/key/{key}/start", F_KEY | F_JSON, 0, "{}", NULL},
    {"GET", "/engine-rest/process-definition/{id}", F_KEY, 0, NULL, NULL},
    {"GET", "/engine-rest/process-definition/{id}/xml", F_KEY, 0, NULL, NULL},
    {"POST", "/engine-rest/process-definition/{id}/start", F_KEY | F_JSON, 0, "{}", NULL},
    {"GET", "/engine-rest/process-instance", F_GATES, 400, NULL, "?firstResult=x"},
    {"GET", "/engine-rest/process-instance/{id}", F_KEY, 0, NULL, NULL},
    {"DELETE", "/engine-rest/process-instance/{id}", F_KEY, 0, NULL, NULL},
    {"GET", "/engine-rest/process-instance/{id}/variables", F_KEY, 0, NULL, NULL},
    {"GET", "/engine-rest/task", F_GATES, 400, NULL, "?maxResults=x"},
    {"GET", "/engine-rest/task/count", F_GATES, 400, NULL, "?tenantIdIn=acme"},
    {"GET", "/engine-rest/task/{id}", F_KEY, 0, NULL, NULL},
    {"POST", "/engine-rest/task/{id}/claim", F_KEY | F_JSON, 0, "{\"userId\":\"admin\"}", NULL},
    {"POST", "/engine-rest/task/{id}/unclaim", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/engine-rest/task/{id}/complete", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/engine-rest/message", F_JSON, 0, NULL, NULL},
    {"POST", "/engine-rest/external-task/fetchAndLock", F_JSON, 0, NULL, NULL},
    {"POST", "/engine-rest/external-task/{id}/complete", F_KEY | F_JSON, 0, "{\"workerId\":\"w\"}",
     NULL},
    {"POST", "/engine-rest/external-task/{id}/failure", F_KEY | F_JSON, 0,
     "{\"workerId\":\"w\",\"retries\":0}", NULL},
    {"POST", "/engine-rest/external-task/{id}/bpmnError", F_KEY | F_JSON, 0,
     "{\"workerId\":\"w\",\"errorCode\":\"E\"}", NULL},
    {"POST", "/engine-rest/external-task/{id}/extendLock", F_KEY | F_JSON, 0,
     "{\"workerId\":\"w\",\"newDuration\":1000}", NULL},
    {"POST", "/engine-rest/external-task/{id}/unlock", F_KEY | F_JSON, 0, "{}", NULL},
    /* The Camunda 8 dialect (server/c8_*.c). */
    {"GET", "/v2/topology", F_GATES, 0, NULL, NULL},
    {"POST", "/v2/deployments", F_MULTI, 0, NULL, NULL},
    {"POST", "/v2/process-instances", F_JSON, 0, NULL, NULL},
    {"POST", "/v2/process-instances/{key}/cancellation", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/v2/jobs/activation", F_JSON, 0, NULL, NULL},
    {"POST", "/v2/jobs/{key}/completion", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/v2/jobs/{key}/failure", F_KEY | F_JSON, 0, "{\"retries\":1}", NULL},
    {"POST", "/v2/jobs/{key}/error", F_KEY | F_JSON, 0, "{\"errorCode\":\"E\"}", NULL},
    {"POST", "/v2/messages/publication", F_JSON, 0, NULL, NULL},
    {"POST", "/v2/messages/correlation", F_JSON, 0, NULL, NULL},
    {"POST", "/v2/user-tasks/search", F_JSON, 0, NULL, NULL},
    {"POST", "/v2/user-tasks/{key}/completion", F_KEY | F_JSON, 0, "{}", NULL},
    {"POST", "/v2/user-tasks/{key}/assignment", F_KEY | F_JSON, 0, "{\"assignee\":\"admin\"}", NULL},
};

static const struct named named_rows[] = {
    {"GET", "/api/connectors/{name}", NULL,
     {{"/api/connectors/nosuch", 404, "nosuch", NULL},
      {"/api/connectors/Slack", 404, "Slack", NULL},
      {"/api/connectors/" MISSING_KEY, 404, NULL, NULL}}},
    /* The connector is looked up first (404), then the body (400, 415, 422), then the
     * config and the secret against its schemas (422), then the name (422). */
    {"PUT", "/api/credentials/{connector}/{name}", "/api/credentials/jira/errors",
     {{"/api/credentials/nosuch/acme", 404, "nosuch", NULL},
      {"/api/credentials/" MISSING_KEY "/" MISSING_KEY, 404, NULL, NULL},
      {"/api/credentials/jira/Acme", 422, "credential name", NULL},
      {"/api/credentials/jira/-acme", 422, "credential name", NULL},
      {"/api/credentials/jira/acme", 422, "email",
       "{\"config\":{},\"secret\":{\"api_token\":\"t\"}}"},
      {"/api/credentials/jira/acme", 422, "api_token",
       "{\"config\":{\"email\":\"ops@example.com\"},\"secret\":{\"api_token\":5}}"},
      {"/api/credentials/jira/acme", 422, "config", "{\"config\":[],\"secret\":{}}"},
      {"/api/credentials/jira/acme", 422, "ratePerMinute", "{\"ratePerMinute\":1000001}"},
      {"/api/credentials/noop/acme", 422, "secret", "{\"secret\":{\"token\":\"t\"}}"}}},
    /* No connector is looked up: a credential outlives its plugin. */
    {"DELETE", "/api/credentials/{connector}/{name}", NULL,
     {{"/api/credentials/jira/nosuch", 404, "jira/nosuch", NULL},
      {"/api/credentials/nosuch/acme", 404, "nosuch/acme", NULL},
      {"/api/credentials/jira/Acme", 422, "credential name", NULL},
      {"/api/credentials/Jira/acme", 422, "connector name", NULL},
      {"/api/credentials/" MISSING_KEY "/" MISSING_KEY, 422, "connector name", NULL}}},
    {"POST", "/api/credentials/{connector}/{name}/test", NULL,
     {{"/api/credentials/jira/nosuch/test", 404, "jira/nosuch", NULL},
      {"/api/credentials/nosuch/acme/test", 404, "nosuch", NULL},
      {"/api/credentials/jira/Acme/test", 422, "credential name", NULL},
      {"/api/credentials/noop/acme/test", 422, "cannot test", NULL}}},
    /* An unknown endpoint answers 404 before its body is looked at. */
    {"POST", "/hooks/{name}", NULL,
     {{"/hooks/nosuch", 404, NULL, NULL},
      {"/hooks/Not-A-Name", 404, NULL, NULL}}},
    {"GET", "/api/webhooks/endpoints/{name}", NULL,
     {{"/api/webhooks/endpoints/nosuch", 404, "nosuch", NULL}}},
    /* The body first (400, 415, 422), then the name (422). */
    {"PUT", "/api/webhooks/endpoints/{name}", "/api/webhooks/endpoints/errors",
     {{"/api/webhooks/endpoints/Bad", 422, "endpoint name", NULL},
      {"/api/webhooks/endpoints/x", 422, "scheme", "{\"action\":\"start\"}"},
      {"/api/webhooks/endpoints/x", 422, "processId", "{\"scheme\":\"github\",\"action\":\"start\"}"},
      {"/api/webhooks/endpoints/x", 422, "variables", "{\"scheme\":\"github\",\"action\":\"start\",\"processId\":\"p\",\"variables\":\"={a:\"}"}}},
    {"DELETE", "/api/webhooks/endpoints/{name}", NULL,
     {{"/api/webhooks/endpoints/nosuch", 404, "nosuch", NULL}}},
    {"GET", "/api/webhooks/endpoints/{name}/deliveries", NULL,
     {{"/api/webhooks/endpoints/nosuch/deliveries", 404, "nosuch", NULL}}},
};
/* clang-format on */

#define NSPECS (sizeof specs / sizeof specs[0])

static int used[NSPECS]; /* how often each row matched a route */

static const struct spec *spec_of(const struct ordo_route *route)
{
    for (size_t i = 0; i < NSPECS; i++) {
        if (strcmp(specs[i].method, route->method) == 0 &&
            strcmp(specs[i].pattern, route->pattern) == 0) {
            used[i]++;
            return &specs[i];
        }
    }
    ck_abort_msg("%s %s: a route this test does not know how to exercise; add it to specs[]",
                 route->method, route->pattern);
    return NULL;
}

/* ---- requests and what their answers must be ------------------------------------------------- */

/* The route's pattern with {param} replaced by 'key', then 'query' (may be
 * NULL). A stream always gets a cursor it refuses, so that a request that
 * got through by mistake answers instead of streaming. */
static void route_path(const struct ordo_route *route, const char *key, const char *query,
                       char *out, size_t size)
{
    const char *p = route->pattern;
    size_t n = 0, klen = strlen(key);

    while (*p && n + klen + 1 < size) {
        if (*p == '{') {
            memcpy(out + n, key, klen);
            n += klen;
            p += strcspn(p, "}") + (strchr(p, '}') != NULL);
        } else {
            out[n++] = *p++;
        }
    }
    ck_assert_msg(*p == '\0', "pattern %s is too long", route->pattern);
    out[n] = '\0';
    if (!query && route->kind == ORDO_ROUTE_STREAM) {
        query = "?cursor=x";
    }
    if (query) {
        ck_assert_uint_lt(n + strlen(query), size);
        memcpy(out + n, query, strlen(query) + 1);
    }
}

static int code_status(const char *name)
{
    for (int c = ORDO_E_INVAL; c < ORDO_E__COUNT; c++) {
        if (strcmp(ordo_code_name((enum ordo_code)c), name) == 0) {
            return ordo_code_http_status((enum ordo_code)c);
        }
    }
    return -1;
}

/* 'r' is a refusal with 'status': {"error":{"code":"ORDO_E_...","message":"..."}}
 * (and perhaps "details"), the status of the code, and an X-Request-Id. */
static void check_refusal(const struct httptest_resp *r, long status, const char *what)
{
    const json_t *error = json_object_get(r->json, "error");
    const char *code = json_string_value(json_object_get(error, "code"));
    const char *message = json_string_value(json_object_get(error, "message"));
    char *id = httptest_header(r, "X-Request-Id");

    ck_assert_msg(r->status == status, "%s: %ld, not %ld (%s)", what, r->status, status, r->body);
    ck_assert_msg(json_is_object(error) && json_object_size(r->json) == 1,
                  "%s: not a native error body: %s", what, r->body);
    ck_assert_msg(code && strncmp(code, "ORDO_E_", 7) == 0, "%s: no error code: %s", what, r->body);
    ck_assert_msg(code_status(code) == status, "%s: %s is not a %ld", what, code, status);
    ck_assert_msg(message && *message, "%s: no message: %s", what, r->body);
    ck_assert_msg(json_object_size(error) == 2 ||
                      (json_object_size(error) == 3 && json_object_get(error, "details")),
                  "%s: members beside code, message and details: %s", what, r->body);
    ck_assert_msg(id && *id, "%s: no X-Request-Id", what);
    free(id);
}

/* 'r' is a Camunda 8 refusal with 'status': application/problem+json with
 * the code as its title, the status, a detail and the path as instance. */
static void check_problem(const struct httptest_resp *r, long status, const char *what)
{
    const char *code = json_string_value(json_object_get(r->json, "title"));
    const char *detail = json_string_value(json_object_get(r->json, "detail"));
    char *type = httptest_header(r, "Content-Type");
    char *id = httptest_header(r, "X-Request-Id");

    ck_assert_msg(r->status == status, "%s: %ld, not %ld (%s)", what, r->status, status, r->body);
    ck_assert_msg(type && strncmp(type, "application/problem+json", 24) == 0,
                  "%s: not problem+json but %s", what, type ? type : "no Content-Type");
    ck_assert_msg(code && code_status(code) == status, "%s: title %s is not a %ld", what,
                  code ? code : "(none)", status);
    ck_assert_msg(json_integer_value(json_object_get(r->json, "status")) == status,
                  "%s: status member is not %ld: %s", what, status, r->body);
    ck_assert_msg(detail && *detail, "%s: no detail: %s", what, r->body);
    ck_assert_msg(json_is_string(json_object_get(r->json, "instance")), "%s: no instance: %s", what,
                  r->body);
    ck_assert_msg(id && *id, "%s: no X-Request-Id", what);
    free(type);
    free(id);
}

static bool is_c8(const char *path)
{
    return ordo_route_dialect(path) == ORDO_DIALECT_CAMUNDA8;
}

/* The same for a Camunda 7 path (CONTRACTS §4): {"type","message","code"}. */
static void check_c7_refusal(const struct httptest_resp *r, long status, const char *what)
{
    const char *type = json_string_value(json_object_get(r->json, "type"));
    const char *message = json_string_value(json_object_get(r->json, "message"));
    char *id = httptest_header(r, "X-Request-Id");

    ck_assert_msg(r->status == status, "%s: %ld, not %ld (%s)", what, r->status, status, r->body);
    ck_assert_msg(json_object_size(r->json) == 3 &&
                      json_is_integer(json_object_get(r->json, "code")),
                  "%s: not a Camunda 7 error body: %s", what, r->body);
    ck_assert_msg(type && *type && message && *message, "%s: no type or message: %s", what,
                  r->body);
    ck_assert_msg(id && *id, "%s: no X-Request-Id", what);
    free(id);
}

static bool is_c7(const char *path)
{
    return ordo_route_dialect(path) == ORDO_DIALECT_CAMUNDA7;
}

/* A body that parses but that the route cannot use: 422, or 400 under /v2. */
static long unusable(const char *path)
{
    return is_c8(path) ? 400 : 422;
}

/* One request with the admin key and 'type' + 'body' (may be NULL), which
 * must be refused with 'status'; the message must contain 'names' unless NULL. */
static void refused(const struct ordo_route *route, const char *path, const char *type,
                    const char *body, size_t len, long status, const char *names)
{
    struct httptest_resp r;
    char what[512];

    (void)snprintf(what, sizeof what, "%s %s (%s, %zu bytes)", route->method, path,
                   type ? type : "no body", len);
    httptest_request(&srv, route->method, path, ADMIN_KEY, type, body, len, NULL, &r);
    if (is_c8(path)) {
        check_problem(&r, status, what);
    } else if (is_c7(path)) {
        check_c7_refusal(&r, status, what);
    } else {
        check_refusal(&r, status, what);
    }
    if (names) {
        const char *message =
            is_c8(path) ? json_string_value(json_object_get(r.json, "detail"))
            : is_c7(path)
                ? json_string_value(json_object_get(r.json, "message"))
                : json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));

        ck_assert_msg(strstr(message, names) != NULL, "%s: the message does not name %s: %s", what,
                      names, message);
    }
    httptest_resp_free(&r);
}

static void refused_json(const struct ordo_route *route, const char *path, const char *json,
                         long status, const char *names)
{
    refused(route, path, "application/json", json, strlen(json), status, names);
}

/* ---- the matrix ------------------------------------------------------------------------------ */

/* A body one byte over the route's limit, announced by Content-Length: 413.
 * A signed hook's endpoint is looked up before its body is read (the
 * preflight): one that does not exist is 404 whatever the body. */
static int check_oversize(const struct ordo_route *route, const struct spec *sp, const char *path)
{
    size_t n = route->max_body + 1;
    char *big = malloc(n);

    ck_assert_ptr_nonnull(big);
    memset(big, 'x', n);
    refused(route, path, "application/json", big, n, (sp->flags & F_RAW) ? 404 : 413, NULL);
    free(big);
    return 1;
}

static int check_json_body(const struct ordo_route *route, const char *path)
{
    refused_json(route, path, "{", 400, NULL);
    refused_json(route, path, "{\"zzz\":1}", unusable(path), "zzz");
    refused_json(route, path, "[1]", unusable(path), NULL);
    refused(route, path, "text/plain", "{}", 2, 415, NULL);
    return 4;
}

/* The Camunda 7 and 8 deploys take multipart only: anything else is 415, a
 * multipart body without its closing delimiter 400. */
static int check_multipart_body(const struct ordo_route *route, const char *path)
{
    static const char cut[] = "--b\r\nContent-Disposition: form-data; name=\"resources\"; "
                              "filename=\"a.bpmn\"\r\n\r\n<definitions/>";

    refused(route, path, "multipart/form-data; boundary=b", cut, strlen(cut), 400, NULL);
    refused(route, path, "application/xml", "<definitions/>", strlen("<definitions/>"), 415, NULL);
    refused_json(route, path, "{}", 415, NULL);
    return 3;
}

/* Deploy takes XML or multipart: malformed XML is 400, anything else 415. */
static int check_xml_body(const struct ordo_route *route, const char *path)
{
    refused(route, path, "application/xml", "<definitions", strlen("<definitions"), 400, NULL);
    refused_json(route, path, "{\"zzz\":1}", 415, NULL);
    refused_json(route, path, "{", 415, NULL);
    refused_json(route, path, "[1]", 415, NULL);
    refused(route, path, "text/plain", "<definitions/>", strlen("<definitions/>"), 415, NULL);
    return 5;
}

/* A key that does not exist, and keys that cannot exist, with a body that
 * validates where the route takes one: 404. */
static int check_keys(const struct ordo_route *route, const struct spec *sp)
{
    static const char *const keys[] = {MISSING_KEY, "abc", "0", "-5", "12abc"};
    const char *body = (sp->flags & F_JSON) ? sp->valid : NULL;
    char path[256];

    ck_assert_msg(!(sp->flags & F_JSON) || body, "%s %s: specs[] gives no valid body",
                  route->method, route->pattern);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        route_path(route, keys[i], NULL, path, sizeof path);
        refused(route, path, body ? "application/json" : NULL, body, body ? strlen(body) : 0, 404,
                NULL);
    }
    return (int)(sizeof keys / sizeof keys[0]);
}

static const struct named *named_of(const struct ordo_route *route)
{
    for (size_t i = 0; i < sizeof named_rows / sizeof named_rows[0]; i++) {
        if (strcmp(named_rows[i].method, route->method) == 0 &&
            strcmp(named_rows[i].pattern, route->pattern) == 0) {
            return &named_rows[i];
        }
    }
    ck_abort_msg("%s %s: F_NAME, but not in named_rows[]", route->method, route->pattern);
    return NULL;
}

/* The refusals of the names in the path (F_NAME). */
static int check_names(const struct ordo_route *route, const struct spec *sp,
                       const struct named *nm)
{
    int checks = 0;

    for (const struct probe *p = nm->probes; p < nm->probes + MAX_PROBES && p->path; p++) {
        const char *body = p->body ? p->body : (sp->flags & F_JSON) ? sp->valid : NULL;

        refused(route, p->path, body ? "application/json" : NULL, body, body ? strlen(body) : 0,
                p->status, p->names);
        checks++;
    }
    ck_assert_msg(checks > 0, "%s %s: named_rows[] gives no probes", route->method, route->pattern);
    return checks;
}

static int check_route(const struct ordo_route *route)
{
    const struct spec *sp = spec_of(route);
    char path[256];
    int checks;

    ck_assert_msg(((sp->flags & (F_KEY | F_NAME)) != 0) == (strchr(route->pattern, '{') != NULL),
                  "%s %s: F_KEY or F_NAME does not match the pattern", route->method,
                  route->pattern);
    ck_assert_msg(((sp->flags & (F_JSON | F_XML | F_RAW | F_MULTI)) != 0) == (route->max_body > 0),
                  "%s %s: the body flags do not match max_body %zu", route->method, route->pattern,
                  route->max_body);
    route_path(route, MISSING_KEY, NULL, path, sizeof path);
    checks = check_oversize(route, sp, path);
    if (sp->flags & F_NAME) {
        const struct named *nm = named_of(route);

        ck_assert_msg(!(sp->flags & F_JSON) || (nm->path && sp->valid),
                      "%s %s: no path in named_rows[] or no valid body in specs[]", route->method,
                      route->pattern);
        if (nm->path) {
            (void)snprintf(path, sizeof path, "%s", nm->path);
        }
        checks += check_names(route, sp, nm);
    }
    if (sp->flags & F_JSON) {
        checks += check_json_body(route, path);
    }
    if (sp->flags & F_XML) {
        checks += check_xml_body(route, path);
    }
    if (sp->flags & F_MULTI) {
        checks += check_multipart_body(route, path);
    }
    if (sp->flags & F_KEY) {
        checks += check_keys(route, sp);
    }
    if (sp->query) {
        route_path(route, MISSING_KEY, sp->query, path, sizeof path);
        refused(route, path, NULL, NULL, 0, sp->query_status, NULL);
        checks++;
    }
    return checks;
}

/* Rows a request that got through could have added. */
static const char *const tables[] = {
    "definition",       "instance",    "user_task",  "app_user",   "app_group",
    "api_key",          "idempotency", "audit",      "message",    "role_grant",
    "group_member",     "web_session", "job",        "credential", "webhook_endpoint",
    "webhook_delivery", "draft",       "draft_event"};
#define NTABLES (sizeof tables / sizeof tables[0])

static void count_rows(long *n)
{
    for (size_t i = 0; i < NTABLES; i++) {
        char sql[96];

        (void)snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        n[i] = httptest_count(&srv, sql);
    }
}

static void assert_same_rows(const long *before, const char *after_what)
{
    long now[NTABLES];

    count_rows(now);
    for (size_t i = 0; i < NTABLES; i++) {
        ck_assert_msg(now[i] == before[i], "%s: %s rows went from %ld to %ld", after_what,
                      tables[i], before[i], now[i]);
    }
}

START_TEST(every_route_refuses_what_it_cannot_take_and_changes_nothing)
{
    long before[NTABLES];
    int checks = 0;

    count_rows(before);
    for (size_t i = 0; i < ordo_api_nroutes; i++) {
        checks += check_route(&ordo_api_routes[i]);
    }
    assert_same_rows(before, "the refusals of the matrix");
    for (size_t i = 0; i < NSPECS; i++) {
        ck_assert_msg(used[i] == 1, "specs[] names %s %s, which is not a route", specs[i].method,
                      specs[i].pattern);
    }
    (void)fprintf(stderr, "test_http_errors: %zu routes, %d refusals checked\n", ordo_api_nroutes,
                  checks);
}
END_TEST

/* ---- conflicts ------------------------------------------------------------------------------- */

/* 'method' 'path' with 'key' and a JSON body (or none); the status must be
 * 'status'. Returns the answer's JSON (a new reference, or NULL). */
static json_t *expect(const char *method, const char *path, const char *key, const char *json,
                      long status)
{
    struct httptest_resp r;
    json_t *out;

    httptest_json(&srv, method, path, key, json, &r);
    ck_assert_msg(r.status == status, "%s %s %s: %ld, not %ld (%s)", method, path, json ? json : "",
                  r.status, status, r.body);
    out = json_incref(r.json);
    httptest_resp_free(&r);
    return out;
}

/* A JSON member of 'j' as a new string; 'j' is released. */
static char *take_string(json_t *j, const char *name)
{
    const char *s = json_string_value(json_object_get(j, name));
    char *copy;

    ck_assert_msg(s != NULL, "no %s", name);
    copy = strdup(s);
    json_decref(j);
    return copy;
}

static char *start_approval(void)
{
    return take_string(
        expect("POST", "/api/instances", ADMIN_KEY, "{\"processId\":\"approval\"}", 201), "key");
}

/* The key of the open task at 'element' of instance 'inst'. */
static char *task_of(const char *inst, const char *element)
{
    char path[128];
    json_t *list, *t;
    char *key = NULL;
    size_t i;

    (void)snprintf(path, sizeof path, "/api/tasks?instanceKey=%s&state=created", inst);
    list = expect("GET", path, ADMIN_KEY, NULL, 200);
    json_array_foreach(json_object_get(list, "items"), i, t)
    {
        if (!key && strcmp(json_string_value(json_object_get(t, "elementId")), element) == 0) {
            key = strdup(json_string_value(json_object_get(t, "key")));
        }
    }
    json_decref(list);
    ck_assert_msg(key != NULL, "no open task %s in instance %s", element, inst);
    return key;
}

/* A refusal of the conflict test: 409 with the native body. */
static void conflict(const char *method, const char *path, const char *json)
{
    struct httptest_resp r;
    char what[256];

    (void)snprintf(what, sizeof what, "%s %s %s", method, path, json ? json : "");
    httptest_json(&srv, method, path, ADMIN_KEY, json, &r);
    check_refusal(&r, 409, what);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_CONFLICT");
    httptest_resp_free(&r);
}

struct scene {
    char *ended; /* a cancelled instance */
    char *done;  /* a completed task */
    char *taken; /* a task bob has claimed */
    char *bob;   /* bob's API key (an approver) */
    char *def;   /* the suspended definition */
};

static void scene_set(struct scene *s)
{
    char path[128], *inst;
    size_t len;
    char *xml = httptest_fixture("approval.bpmn", &len);
    struct httptest_resp r;

    httptest_request(&srv, "POST", "/api/deployments", ADMIN_KEY, "application/xml", xml, len, NULL,
                     &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    s->def = strdup(json_string_value(
        json_object_get(json_array_get(json_object_get(r.json, "deployments"), 0), "key")));
    httptest_resp_free(&r);
    free(xml);
    json_decref(expect("POST", "/api/users", ADMIN_KEY,
                       "{\"login\":\"bob\",\"email\":\"bob@example.com\",\"roles\":[\"approver\"]}",
                       201));
    json_decref(expect("POST", "/api/groups", ADMIN_KEY, "{\"name\":\"crew\"}", 201));
    s->bob = take_string(expect("POST", "/api/keys", ADMIN_KEY,
                                "{\"user\":\"bob\",\"name\":\"t\",\"scopes\":[\"approver\"]}", 201),
                         "token");
    s->ended = start_approval();
    (void)snprintf(path, sizeof path, "/api/instances/%s/cancel", s->ended);
    json_decref(expect("POST", path, ADMIN_KEY, NULL, 204));
    inst = start_approval();
    s->done = task_of(inst, "anyone");
    s->taken = task_of(inst, "review");
    free(inst);
    (void)snprintf(path, sizeof path, "/api/tasks/%s/complete", s->done);
    json_decref(expect("POST", path, ADMIN_KEY, "{}", 204));
    (void)snprintf(path, sizeof path, "/api/tasks/%s/claim", s->taken);
    json_decref(expect("POST", path, s->bob, NULL, 204));
    (void)snprintf(path, sizeof path, "/api/definitions/%s/suspend", s->def);
    json_decref(expect("POST", path, ADMIN_KEY, NULL, 204));
}

static void scene_free(struct scene *s)
{
    free(s->ended);
    free(s->done);
    free(s->taken);
    free(s->bob);
    free(s->def);
}

START_TEST(changes_the_state_does_not_allow_are_409_and_change_nothing)
{
    static const char *const on_ended[] = {"cancel", "suspend", "resume"};
    static const char *const on_done[] = {"complete", "claim", "unclaim"};
    struct scene s;
    long before[NTABLES];
    char path[128];

    scene_set(&s);
    count_rows(before);
    for (size_t i = 0; i < sizeof on_ended / sizeof on_ended[0]; i++) {
        (void)snprintf(path, sizeof path, "/api/instances/%s/%s", s.ended, on_ended[i]);
        conflict("POST", path, NULL);
    }
    (void)snprintf(path, sizeof path, "/api/instances/%s/variables", s.ended);
    conflict("POST", path, "{\"variables\":{\"a\":1}}");
    for (size_t i = 0; i < sizeof on_done / sizeof on_done[0]; i++) {
        (void)snprintf(path, sizeof path, "/api/tasks/%s/%s", s.done, on_done[i]);
        conflict("POST", path, i == 0 ? "{}" : NULL);
    }
    (void)snprintf(path, sizeof path, "/api/tasks/%s/claim", s.taken);
    conflict("POST", path, NULL);
    conflict("POST", "/api/users", "{\"login\":\"Bob\",\"email\":\"bob2@example.com\"}");
    conflict("POST", "/api/users", "{\"login\":\"bobby\",\"email\":\"BOB@example.com\"}");
    conflict("POST", "/api/groups", "{\"name\":\"crew\"}");
    conflict("POST", "/api/instances", "{\"processId\":\"approval\"}");
    assert_same_rows(before, "the conflicts");
    scene_free(&s);
}
END_TEST

static Suite *errors_suite(void)
{
    Suite *s = suite_create("http_errors");
    TCase *tc = tcase_create("refusals");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_route_refuses_what_it_cannot_take_and_changes_nothing);
    tcase_add_test(tc, changes_the_state_does_not_allow_are_409_and_change_nothing);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(errors_suite)
