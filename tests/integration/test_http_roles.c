/*
 * tests/integration/test_http_roles.c - the role table (server/api_routes.c,
 * CONTRACTS §7) over real HTTP: every route of ordo_api_routes called with
 * a key of every role, and without one; the rate limit of a principal;
 * the throttling of failed logins; and a browser session with its cookie
 * and CSRF token.
 *
 * The matrix calls each route with a key that does not exist in place of
 * every {param} (999999999: no key, and neither a connector nor a
 * credential name) and an empty JSON object where a body is taken, so that
 * a call the role allows gets past the gates and is refused by the handler
 * itself (404, 415, 422) without changing anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "core/identity.h"
#include "server/api.h"
#include "server/route.h"
#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN_KEY   HTTPTEST_ADMIN_KEY
#define MISSING_KEY "999999999"
#define NROLES      6

static struct httptest srv;

static void setup(void)
{
    httptest_start(&srv, "http_roles", NULL);
}

static void teardown(void)
{
    httptest_stop(&srv);
}

/* One user per role, holding that role only, with a key scoped to it. */
struct person {
    unsigned role;
    char token[ORDO_IDENTITY_TOKEN_SIZE];
};

static struct person people[NROLES] = {
    {ORDO_ROLE_ADMIN, ""},    {ORDO_ROLE_DESIGNER, ""}, {ORDO_ROLE_OPERATOR, ""},
    {ORDO_ROLE_APPROVER, ""}, {ORDO_ROLE_VIEWER, ""},   {ORDO_ROLE_METRICS, ""},
};

/* POST 'json' to 'path' as the admin, which must answer 201. */
static void admin_create(const char *path, const char *json, struct httptest_resp *r)
{
    httptest_json(&srv, "POST", path, ADMIN_KEY, json, r);
    ck_assert_msg(r->status == 201, "POST %s %s: %ld %s", path, json, r->status, r->body);
}

/* Through the API, as an operator would: POST /api/users, then POST /api/keys. */
static void make_people(void)
{
    for (size_t i = 0; i < NROLES; i++) {
        const char *role = ordo_role_name(people[i].role);
        struct httptest_resp r;
        char body[256];
        const char *token;

        (void)snprintf(body, sizeof body,
                       "{\"login\":\"r-%s\",\"email\":\"%s@example.com\",\"roles\":[\"%s\"]}", role,
                       role, role);
        admin_create("/api/users", body, &r);
        httptest_resp_free(&r);
        (void)snprintf(body, sizeof body,
                       "{\"user\":\"r-%s\",\"name\":\"matrix\",\"scopes\":[\"%s\"]}", role, role);
        admin_create("/api/keys", body, &r);
        token = json_string_value(json_object_get(r.json, "token"));
        ck_assert_ptr_nonnull(token);
        ck_assert_uint_lt(strlen(token), sizeof people[i].token);
        memcpy(people[i].token, token, strlen(token) + 1);
        httptest_resp_free(&r);
    }
}

/* The route's pattern with every {param} replaced by a key that does not exist. */
static void route_path(const struct ordo_route *route, char *out, size_t size)
{
    const char *p = route->pattern;
    size_t n = 0;

    while (*p && n + sizeof MISSING_KEY < size) {
        if (*p == '{') {
            memcpy(out + n, MISSING_KEY, sizeof MISSING_KEY - 1);
            n += sizeof MISSING_KEY - 1;
            p += strcspn(p, "}") + (strchr(p, '}') != NULL);
        } else {
            out[n++] = *p++;
        }
    }
    ck_assert_msg(*p == '\0', "pattern %s is too long", route->pattern);
    out[n] = '\0';
    /* A stream would run until the client hangs up: a cursor it refuses
     * (400) shows the request passed the role gate without opening one. */
    if (route->kind == ORDO_ROUTE_STREAM && n + sizeof "?cursor=x" <= size) {
        memcpy(out + n, "?cursor=x", sizeof "?cursor=x");
    }
}

/* Call 'route' with 'token' (NULL: no credentials); returns the status. */
static long call(const struct ordo_route *route, const char *token, struct httptest_resp *r)
{
    char path[256];

    route_path(route, path, sizeof path);
    httptest_json(&srv, route->method, path, token, route->max_body > 0 ? "{}" : NULL, r);
    return r->status;
}

static bool allowed(const struct ordo_route *route, unsigned role)
{
    return ordo_route_is_open(route) || role == ORDO_ROLE_ADMIN || (route->roles & role) != 0;
}

/* Rows that a call getting past the gates could add. */
struct counts {
    long definition, instance, app_user, api_key, audit, credential, draft;
};

static struct counts count_rows(void)
{
    struct counts c = {
        httptest_count(&srv, "SELECT count(*) FROM definition"),
        httptest_count(&srv, "SELECT count(*) FROM instance"),
        httptest_count(&srv, "SELECT count(*) FROM app_user"),
        httptest_count(&srv, "SELECT count(*) FROM api_key"),
        httptest_count(&srv, "SELECT count(*) FROM audit"),
        httptest_count(&srv, "SELECT count(*) FROM credential"),
        httptest_count(&srv, "SELECT count(*) FROM draft"),
    };

    return c;
}

static void assert_same_counts(const struct counts *a, const struct counts *b, const char *after)
{
    ck_assert_msg(a->definition == b->definition, "%s: definition rows changed", after);
    ck_assert_msg(a->instance == b->instance, "%s: instance rows changed", after);
    ck_assert_msg(a->app_user == b->app_user, "%s: app_user rows changed", after);
    ck_assert_msg(a->api_key == b->api_key, "%s: api_key rows changed", after);
    ck_assert_msg(a->audit == b->audit, "%s: audit rows changed", after);
    ck_assert_msg(a->credential == b->credential, "%s: credential rows changed", after);
    ck_assert_msg(a->draft == b->draft, "%s: draft rows changed", after);
}

/* One call of 'route' as 'who': 403 exactly when 'refused'; otherwise never
 * 401, never 5xx, and a body unless 204. */
static void check_call(const struct ordo_route *route, const struct person *who, bool refused)
{
    const char *role = ordo_role_name(who->role);
    struct httptest_resp r;
    long status = call(route, who->token, &r);

    if (refused) {
        ck_assert_msg(status == 403, "%s %s as %s: %ld, not 403 (%s)", route->method,
                      route->pattern, role, status, r.body);
        ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_FORBIDDEN");
    } else {
        ck_assert_msg(status != 403 && status != 401 && status < 500, "%s %s as %s: %ld (%s)",
                      route->method, route->pattern, role, status, r.body);
        ck_assert_msg(status == 204 || r.len > 0, "%s %s as %s: %ld with no body", route->method,
                      route->pattern, role, status);
    }
    httptest_resp_free(&r);
}

/* Every (route, role) pair the table refuses, or (with 'refused' false)
 * allows, through check_call(). Returns how many calls were made. */
static int run_matrix(bool refused)
{
    int calls = 0;

    for (size_t i = 0; i < ordo_api_nroutes; i++) {
        for (size_t p = 0; p < NROLES; p++) {
            if (allowed(&ordo_api_routes[i], people[p].role) != refused) {
                check_call(&ordo_api_routes[i], &people[p], refused);
                calls++;
            }
        }
    }
    return calls;
}

START_TEST(every_route_answers_every_role_as_the_table_says)
{
    struct counts before, after;
    int refused, allowed_calls;

    make_people();
    before = count_rows();
    refused = run_matrix(true);
    after = count_rows();
    assert_same_counts(&before, &after, "the refused calls");
    allowed_calls = run_matrix(false);
    before = count_rows();
    assert_same_counts(&after, &before, "the allowed calls with empty bodies and unknown keys");
    ck_assert_int_eq(refused + allowed_calls, (int)(ordo_api_nroutes * NROLES));
    ck_assert_int_gt(refused, 0);
    ck_assert_int_gt(allowed_calls, 0);
}
END_TEST

START_TEST(without_credentials_every_protected_route_is_401_and_open_ones_answer)
{
    struct counts before = count_rows(), after;

    for (size_t i = 0; i < ordo_api_nroutes; i++) {
        const struct ordo_route *route = &ordo_api_routes[i];
        struct httptest_resp r;
        long status = call(route, NULL, &r);

        if (ordo_route_is_open(route)) {
            ck_assert_msg(status != 401 && status != 403 && status < 500, "%s %s: %ld (%s)",
                          route->method, route->pattern, status, r.body);
        } else {
            char *www = httptest_header(&r, "WWW-Authenticate");

            ck_assert_msg(status == 401, "%s %s without a key: %ld", route->method, route->pattern,
                          status);
            ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_UNAUTHENTICATED");
            ck_assert_ptr_nonnull(www);
            free(www);
        }
        httptest_resp_free(&r);
    }
    after = count_rows();
    assert_same_counts(&before, &after, "the anonymous calls");
}
END_TEST

/* A 200 carries its document: the handlers that fill it through an out
 * parameter read it after the call that sets it. */
static json_t *get_json(const char *path, struct httptest_resp *r)
{
    httptest_json(&srv, "GET", path, ADMIN_KEY, NULL, r);
    ck_assert_msg(r->status == 200, "GET %s: %ld %s", path, r->status, r->body);
    ck_assert_msg(r->json != NULL, "GET %s: 200 without a JSON body (\"%s\")", path, r->body);
    return r->json;
}

START_TEST(reads_answer_their_documents)
{
    struct httptest_resp r;
    char path[96];
    size_t len;
    char *xml = httptest_fixture("straight.bpmn", &len);
    const char *key;

    ck_assert_int_ge(json_array_size(json_object_get(get_json("/api/users", &r), "items")), 1);
    httptest_resp_free(&r);
    ck_assert_ptr_nonnull(json_object_get(get_json("/api/groups", &r), "items"));
    httptest_resp_free(&r);
    key = json_string_value(json_object_get(get_json("/api/me", &r), "userKey"));
    ck_assert_ptr_nonnull(key);
    (void)snprintf(path, sizeof path, "/api/users/%s", key);
    httptest_resp_free(&r);
    ck_assert_str_eq(json_string_value(json_object_get(get_json(path, &r), "login")), "admin");
    httptest_resp_free(&r);

    httptest_request(&srv, "POST", "/api/deployments?name=straight.bpmn", ADMIN_KEY,
                     "application/xml", xml, len, NULL, &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    free(xml);
    admin_create("/api/instances", "{\"processId\":\"straight\"}", &r);
    (void)snprintf(path, sizeof path, "/api/instances/%s",
                   json_string_value(json_object_get(r.json, "key")));
    httptest_resp_free(&r);
    ck_assert_str_eq(json_string_value(json_object_get(get_json(path, &r), "processId")),
                     "straight");
    httptest_resp_free(&r);

    ck_assert_int_ge(
        json_array_size(json_object_get(get_json("/api/connectors", &r), "connectors")), 1);
    httptest_resp_free(&r);
    ck_assert_str_eq(
        json_string_value(json_object_get(get_json("/api/connectors/noop", &r), "name")), "noop");
    httptest_resp_free(&r);
    ck_assert_int_ge(json_array_size(get_json("/api/element-templates", &r)), 1);
    httptest_resp_free(&r);
    ck_assert_ptr_nonnull(json_object_get(get_json("/api/credentials", &r), "items"));
    httptest_resp_free(&r);
}
END_TEST

/* ---- browser sessions ------------------------------------------------------------------------ */

/* "ordo_session=<token>" from the Set-Cookie of a response, malloc'ed. */
static char *session_cookie(const struct httptest_resp *r)
{
    char *set = httptest_header(r, "Set-Cookie");
    char *cookie;

    ck_assert_ptr_nonnull(set);
    ck_assert_msg(strncmp(set, "ordo_session=", 13) == 0, "Set-Cookie: %s", set);
    ck_assert_ptr_nonnull(strstr(set, "HttpOnly"));
    set[strcspn(set, ";")] = '\0';
    cookie = strdup(set);
    free(set);
    return cookie;
}

/* A request riding on the cookie, with the given CSRF token and Origin (each may be NULL). */
static void with_cookie(const char *method, const char *path, const char *cookie, const char *csrf,
                        const char *origin, const char *json, struct httptest_resp *r)
{
    char h_cookie[256], h_csrf[256], h_origin[128];
    const char *headers[4] = {NULL, NULL, NULL, NULL};
    size_t n = 0;

    (void)snprintf(h_cookie, sizeof h_cookie, "Cookie: %s", cookie);
    headers[n++] = h_cookie;
    if (csrf) {
        (void)snprintf(h_csrf, sizeof h_csrf, "X-CSRF-Token: %s", csrf);
        headers[n++] = h_csrf;
    }
    if (origin) {
        (void)snprintf(h_origin, sizeof h_origin, "Origin: %s", origin);
        headers[n++] = h_origin;
    }
    httptest_request(&srv, method, path, NULL, json ? "application/json" : NULL, json,
                     json ? strlen(json) : 0, headers, r);
}

START_TEST(a_password_session_needs_its_csrf_token_and_our_origin_to_change_state)
{
    static const char msg[] = "{\"name\":\"session-test\",\"ttl\":60000}";
    struct httptest_resp r;
    char *cookie, *csrf;
    long audit;

    admin_create(
        "/api/users",
        "{\"login\":\"sally\",\"email\":\"sally@example.com\",\"password\":\"correct-horse-"
        "battery\",\"roles\":[\"operator\"]}",
        &r);
    httptest_resp_free(&r);
    httptest_json(&srv, "POST", "/api/auth/login", NULL,
                  "{\"login\":\"Sally\",\"password\":\"correct-horse-battery\"}", &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "user"), "login")),
                     "sally");
    csrf = strdup(json_string_value(json_object_get(r.json, "csrfToken")));
    cookie = session_cookie(&r);
    httptest_resp_free(&r);

    with_cookie("GET", "/api/me", cookie, NULL, NULL, NULL, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "login")), "sally");
    httptest_resp_free(&r);

    audit = httptest_count(&srv, "SELECT count(*) FROM audit");
    with_cookie("POST", "/api/messages", cookie, NULL, srv.url, msg, &r);
    ck_assert_msg(r.status == 403, "no CSRF token: %ld %s", r.status, r.body);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_FORBIDDEN");
    httptest_resp_free(&r);
    with_cookie("POST", "/api/messages", cookie, "not-the-token", srv.url, msg, &r);
    ck_assert_msg(r.status == 403, "a wrong CSRF token: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    with_cookie("POST", "/api/messages", cookie, csrf, "http://evil.example", msg, &r);
    ck_assert_msg(r.status == 403, "another origin: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    with_cookie("POST", "/api/messages", cookie, csrf, NULL, msg, &r);
    ck_assert_msg(r.status == 403, "no origin: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM message"), 0);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM audit"), audit);

    with_cookie("POST", "/api/messages", cookie, csrf, srv.url, msg, &r);
    ck_assert_msg(r.status == 201, "token and origin: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM message"), 1);

    with_cookie("POST", "/api/auth/logout", cookie, NULL, srv.url, NULL, &r);
    ck_assert_msg(r.status == 403, "logout without the token: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    with_cookie("POST", "/api/auth/logout", cookie, csrf, srv.url, NULL, &r);
    ck_assert_msg(r.status == 204, "logout: %ld %s", r.status, r.body);
    {
        char *set = httptest_header(&r, "Set-Cookie");

        ck_assert_ptr_nonnull(set);
        ck_assert_ptr_nonnull(strstr(set, "Max-Age=0"));
        free(set);
    }
    httptest_resp_free(&r);
    with_cookie("GET", "/api/me", cookie, NULL, NULL, NULL, &r);
    ck_assert_msg(r.status == 401, "after logout: %ld %s", r.status, r.body);
    httptest_resp_free(&r);
    free(cookie);
    free(csrf);
}
END_TEST

/* ---- limits ---------------------------------------------------------------------------------- */

/* A 429 of the rate limits: its code and a Retry-After of a second or more. */
static void check_429(const struct httptest_resp *r)
{
    char *retry = httptest_header(r, "Retry-After");

    ck_assert_str_eq(httptest_error_code(r), "ORDO_E_RATE_LIMITED");
    ck_assert_msg(retry != NULL, "429 without Retry-After");
    ck_assert_int_ge(strtol(retry, NULL, 10), 1);
    free(retry);
}

/* Call 'method' 'path' until it answers 429 (checked by check_429), at most
 * 'max' times; every answer before it must be 'before_status'. Returns how
 * many calls came before the 429. */
static int until_429(const char *method, const char *path, const char *key, const char *json,
                     long before_status, int max)
{
    for (int i = 0; i < max; i++) {
        struct httptest_resp r;
        bool limited;

        httptest_json(&srv, method, path, key, json, &r);
        limited = r.status == 429;
        if (limited) {
            check_429(&r);
        } else {
            ck_assert_msg(r.status == before_status, "%s %s call %d: %ld %s", method, path, i,
                          r.status, r.body);
        }
        httptest_resp_free(&r);
        if (limited) {
            return i;
        }
    }
    ck_abort_msg("%s %s: no 429 in %d calls", method, path, max);
    return -1;
}

START_TEST(over_the_rate_limit_is_429_with_retry_after)
{
    static const char *const env[] = {"ORDO_RATE_LIMIT=1", "ORDO_RATE_BURST=3", NULL};
    struct httptest_resp r;
    int n;

    httptest_start(&srv, "http_rate", env);
    n = until_429("GET", "/api/me", ADMIN_KEY, NULL, 200, 20);
    ck_assert_int_ge(n, 3);                               /* the burst */
    ck_assert_int_le(n, 6);                               /* one a second beyond it */
    httptest_json(&srv, "GET", "/livez", NULL, NULL, &r); /* open routes are not limited */
    ck_assert_int_eq(r.status, 200);
    httptest_resp_free(&r);
    httptest_stop(&srv);
}
END_TEST

START_TEST(failed_logins_are_throttled)
{
    static const char wrong[] = "{\"login\":\"tom\",\"password\":\"wrong-password\"}";
    struct httptest_resp r;
    int n;

    httptest_start(&srv, "http_login", NULL);
    admin_create(
        "/api/users",
        "{\"login\":\"tom\",\"email\":\"tom@example.com\",\"password\":\"the-right-password\"}",
        &r);
    httptest_resp_free(&r);
    n = until_429("POST", "/api/auth/login", NULL, wrong, 401, 15);
    ck_assert_int_eq(n, 10); /* 10 at once, then one a minute */
    /* Throttled before the password is looked at: the right one waits too. */
    httptest_json(&srv, "POST", "/api/auth/login", NULL,
                  "{\"login\":\"tom\",\"password\":\"the-right-password\"}", &r);
    ck_assert_int_eq(r.status, 429);
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM web_session"), 0);
    httptest_stop(&srv);
}
END_TEST

static Suite *roles_suite(void)
{
    Suite *s = suite_create("http_roles");
    TCase *tc = tcase_create("role table");
    TCase *lim = tcase_create("limits");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_route_answers_every_role_as_the_table_says);
    tcase_add_test(tc, without_credentials_every_protected_route_is_401_and_open_ones_answer);
    tcase_add_test(tc, a_password_session_needs_its_csrf_token_and_our_origin_to_change_state);
    tcase_add_test(tc, reads_answer_their_documents);
    suite_add_tcase(s, tc);
    tcase_set_timeout(lim, 300);
    tcase_add_test(lim, over_the_rate_limit_is_429_with_retry_after);
    tcase_add_test(lim, failed_logins_are_throttled);
    suite_add_tcase(s, lim);
    return s;
}

PGTEST_CHECK_MAIN(roles_suite)
