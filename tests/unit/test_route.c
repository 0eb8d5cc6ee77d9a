/*
 * tests/unit/test_route.c - route matching, multipart bodies and token
 * buckets: the pieces of the HTTP front door that need no socket.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "server/multipart.h"
#include "server/ratelimit.h"
#include "server/route.h"

static enum ordo_code ok_handler(struct ordo_http_req *req, struct ordo_err *err)
{
    (void)req;
    (void)err;
    return ORDO_OK;
}

static const struct ordo_route routes[] = {
    {"GET", "/livez", ORDO_ROUTE_SYNC, 0, 0, ok_handler, ""},
    {"GET", "/api/instances/{key}", ORDO_ROUTE_SYNC, 1, 0, ok_handler, ""},
    {"POST", "/api/instances/{key}/cancel", ORDO_ROUTE_SYNC, 1, 0, ok_handler, ""},
    {"POST", "/api/instances/bulk-cancel", ORDO_ROUTE_SYNC, 1, 0, ok_handler, ""},
    {"GET", "/ui/*", ORDO_ROUTE_SYNC, 0, 0, ok_handler, ""},
    {"GET", "/engine-rest/task/{id}", ORDO_ROUTE_SYNC, 1, 0, ok_handler, ""},
};
#define NROUTES (sizeof routes / sizeof routes[0])

static enum ordo_route_match find(const char *method, const char *path, const struct ordo_route **r,
                                  const char **params, size_t *nparams)
{
    static char buf[256];

    return ordo_route_find(routes, NROUTES, method, path, buf, sizeof buf, r, params, nparams);
}

START_TEST(parameters_are_taken_from_their_segment)
{
    const struct ordo_route *r = NULL;
    const char *params[ORDO_ROUTE_MAX_PARAMS];
    size_t n = 0;

    ck_assert_int_eq(find("POST", "/api/instances/42/cancel", &r, params, &n), ORDO_ROUTE_FOUND);
    ck_assert_ptr_eq(r, &routes[2]);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(params[0], "42");
    ck_assert_int_eq(find("GET", "/api/instances/7", &r, params, &n), ORDO_ROUTE_FOUND);
    ck_assert_ptr_eq(r, &routes[1]);
    ck_assert_str_eq(params[0], "7");
}
END_TEST

START_TEST(literal_segments_and_methods_must_match)
{
    const struct ordo_route *r = NULL;
    const char *params[ORDO_ROUTE_MAX_PARAMS];
    size_t n = 0;

    ck_assert_int_eq(find("POST", "/api/instances/bulk-cancel", &r, params, &n), ORDO_ROUTE_FOUND);
    ck_assert_ptr_eq(r, &routes[3]);
    ck_assert_int_eq(find("DELETE", "/api/instances/1", &r, params, &n), ORDO_ROUTE_NO_METHOD);
    ck_assert_int_eq(find("GET", "/api/instances/", &r, params, &n), ORDO_ROUTE_NO_PATH);
    ck_assert_int_eq(find("GET", "/api/instances/1/", &r, params, &n), ORDO_ROUTE_NO_PATH);
    ck_assert_int_eq(find("GET", "/api/instance/1", &r, params, &n), ORDO_ROUTE_NO_PATH);
    ck_assert_int_eq(find("GET", "/livezz", &r, params, &n), ORDO_ROUTE_NO_PATH);
    ck_assert_int_eq(find("GET", "/", &r, params, &n), ORDO_ROUTE_NO_PATH);
}
END_TEST

START_TEST(a_star_segment_matches_everything_below)
{
    const struct ordo_route *r = NULL;
    const char *params[ORDO_ROUTE_MAX_PARAMS];
    size_t n = 0;

    ck_assert_int_eq(find("GET", "/ui/app/main.js", &r, params, &n), ORDO_ROUTE_FOUND);
    ck_assert_ptr_eq(r, &routes[4]);
    ck_assert_int_eq(find("GET", "/uix/a", &r, params, &n), ORDO_ROUTE_NO_PATH);
}
END_TEST

START_TEST(dialects_follow_the_path_prefix)
{
    ck_assert_int_eq(ordo_route_dialect("/engine-rest/task"), ORDO_DIALECT_CAMUNDA7);
    ck_assert_int_eq(ordo_route_dialect("/engine-rest"), ORDO_DIALECT_CAMUNDA7);
    ck_assert_int_eq(ordo_route_dialect("/engine-restless"), ORDO_DIALECT_NATIVE);
    ck_assert_int_eq(ordo_route_dialect("/v2/topology"), ORDO_DIALECT_CAMUNDA8);
    ck_assert_int_eq(ordo_route_dialect("/v22"), ORDO_DIALECT_NATIVE);
    ck_assert_int_eq(ordo_route_dialect("/api/me"), ORDO_DIALECT_NATIVE);
}
END_TEST

START_TEST(the_camunda_7_engine_path_is_an_alias)
{
    const struct ordo_route *r = NULL;
    const char *params[ORDO_ROUTE_MAX_PARAMS];
    size_t n = 0;

    ck_assert_int_eq(find("GET", "/engine-rest/engine/default/task/7", &r, params, &n),
                     ORDO_ROUTE_FOUND);
    ck_assert_str_eq(r->pattern, "/engine-rest/task/{id}");
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(params[0], "7");
    ck_assert_int_eq(find("GET", "/engine-rest/task/7", &r, params, &n), ORDO_ROUTE_FOUND);
    /* Only that engine, only under /engine-rest, and only the dialect's routes. */
    ck_assert_int_eq(find("GET", "/engine-rest/engine/other/task/7", &r, params, &n),
                     ORDO_ROUTE_NO_PATH);
    ck_assert_int_eq(find("GET", "/engine-rest/engine/default/livez", &r, params, &n),
                     ORDO_ROUTE_NO_PATH);
    ck_assert_int_eq(find("GET", "/engine-rest/engine/defaultx/task/7", &r, params, &n),
                     ORDO_ROUTE_NO_PATH);
}
END_TEST

START_TEST(multipart_parts_with_and_without_files)
{
    static const char body[] =
        "--b1\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n"
        "\r\nonboarding\r\n--b1\r\nContent-Disposition: form-data; "
        "name=\"data\"; filename=\"a.bpmn\"\r\nContent-Type: text/xml\r\n"
        "\r\n<x>\r\n--y</x>\r\n--b1--\r\n";
    struct ordo_arena *arena = ordo_arena_new();
    const struct ordo_multipart_part *parts;
    size_t n = 0;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_multipart_parse("multipart/form-data; boundary=\"b1\"", body,
                                          sizeof body - 1, arena, &parts, &n, &err),
                     ORDO_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(parts[0].name, "deployment-name");
    ck_assert_ptr_null(parts[0].filename);
    ck_assert_uint_eq(parts[0].len, strlen("onboarding"));
    ck_assert_str_eq(parts[1].filename, "a.bpmn");
    ck_assert_str_eq(parts[1].content_type, "text/xml");
    ck_assert_uint_eq(parts[1].len, strlen("<x>\r\n--y</x>"));
    ck_assert_int_eq(memcmp(parts[1].data, "<x>\r\n--y</x>", parts[1].len), 0);
    ordo_arena_free(arena);
}
END_TEST

START_TEST(malformed_multipart_is_refused)
{
    static const char *const bodies[] = {
        "no delimiter at all",
        "--b1\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever closed",
        "--b1\r\nno blank line after headers",
        "--b1\r\nContent-Type: text/plain\r\n\r\nno name\r\n--b1--",
    };
    struct ordo_arena *arena = ordo_arena_new();
    const struct ordo_multipart_part *parts;
    size_t n = 0;

    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        struct ordo_err err = {0};

        ck_assert_int_eq(ordo_multipart_parse("multipart/form-data; boundary=b1", bodies[i],
                                              strlen(bodies[i]), arena, &parts, &n, &err),
                         ORDO_E_INVAL);
    }
    ck_assert_int_eq(ordo_multipart_parse("multipart/form-data", "x", 1, arena, &parts, &n, NULL),
                     ORDO_E_INVAL);
    ordo_arena_free(arena);
}
END_TEST

START_TEST(a_bucket_refills_at_its_rate)
{
    struct ordo_ratelimit *rl = ordo_ratelimit_new(2.0, 3.0);
    int wait = 0;

    for (int i = 0; i < 3; i++) {
        ck_assert(ordo_ratelimit_take(rl, "alice", 1.0, 1000, &wait));
    }
    ck_assert(!ordo_ratelimit_take(rl, "alice", 1.0, 1000, &wait));
    ck_assert_int_eq(wait, 1);
    ck_assert(ordo_ratelimit_take(rl, "bob", 1.0, 1000, &wait)); /* buckets are per name */
    ck_assert(!ordo_ratelimit_check(rl, "alice", 1.0, 1400, &wait));
    ck_assert(ordo_ratelimit_take(rl, "alice", 1.0, 1500, &wait)); /* 0.5 s at 2/s: one token */
    ck_assert(!ordo_ratelimit_take(rl, "alice", 1.0, 1500, &wait));
    ck_assert(ordo_ratelimit_take(rl, "alice", 3.0, 60000, &wait)); /* full again, not more */
    ck_assert(!ordo_ratelimit_take(rl, "alice", 1.0, 60000, &wait));
    ordo_ratelimit_free(rl);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("route");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, parameters_are_taken_from_their_segment);
    tcase_add_test(tc, literal_segments_and_methods_must_match);
    tcase_add_test(tc, a_star_segment_matches_everything_below);
    tcase_add_test(tc, dialects_follow_the_path_prefix);
    tcase_add_test(tc, the_camunda_7_engine_path_is_an_alias);
    tcase_add_test(tc, multipart_parts_with_and_without_files);
    tcase_add_test(tc, malformed_multipart_is_refused);
    tcase_add_test(tc, a_bucket_refills_at_its_rate);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
