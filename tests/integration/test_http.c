/*
 * tests/integration/test_http.c - `ordo serve` over real HTTP: the front
 * door (open routes, 401/403/404/405/413/415/429), and the deploy and
 * start routes with what a refused request leaves in the database.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

static struct httptest srv;

static void setup(void)
{
    httptest_start(&srv, "http", NULL);
}

static void teardown(void)
{
    httptest_stop(&srv);
}

#define ADMIN HTTPTEST_ADMIN_KEY

START_TEST(livez_and_readyz_need_no_credentials)
{
    struct httptest_resp r;

    httptest_json(&srv, "GET", "/livez", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
    httptest_resp_free(&r);
    httptest_json(&srv, "GET", "/readyz", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(protected_paths_answer_401_before_anything_else)
{
    static const char *const paths[] = {"/api/me", "/api/instances/not-a-key/cancel",
                                        "/api/nothing-here", "/metrics", "/engine-rest/engine"};
    struct httptest_resp r;

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        httptest_json(&srv, "POST", paths[i], NULL, "{malformed", &r);
        ck_assert_msg(r.status == 401, "%s: %ld", paths[i], r.status);
        httptest_resp_free(&r);
    }
    httptest_json(&srv, "GET", "/api/me", "ordo_wrongwrongwrongwrongwrongwrongwrongwron", NULL, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_UNAUTHENTICATED");
    ck_assert_ptr_null(strstr(r.body, "wrongwrong")); /* the token is never echoed */
    httptest_resp_free(&r);
}
END_TEST

START_TEST(the_admin_key_authenticates)
{
    struct httptest_resp r;

    httptest_json(&srv, "GET", "/api/me", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "login")), "admin");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r.json, "roles"), 0)),
                     "admin");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(unknown_routes_are_404_and_wrong_methods_405)
{
    struct httptest_resp r;

    httptest_json(&srv, "GET", "/api/nothing-here", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_NOTFOUND");
    httptest_resp_free(&r);
    httptest_json(&srv, "DELETE", "/api/deployments", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_METHOD");
    httptest_resp_free(&r);
}
END_TEST

START_TEST(deploy_raw_xml_then_start_and_run_to_the_end)
{
    struct httptest_resp r;
    size_t len;
    char *xml = httptest_fixture("straight.bpmn", &len);

    httptest_request(&srv, "POST", "/api/deployments?name=straight.bpmn", ADMIN, "application/xml",
                     xml, len, NULL, &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.json, "deployments"), 0), "processId")),
                     "straight");
    httptest_resp_free(&r);
    httptest_json(&srv, "POST", "/api/instances", ADMIN,
                  "{\"processId\":\"straight\",\"variables\":{\"a\":1},\"businessKey\":\"b-1\"}",
                  &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    ck_assert(json_is_string(json_object_get(r.json, "key")));
    httptest_resp_free(&r);
    for (int i = 0; i < 500 && httptest_count(&srv, "SELECT count(*) FROM instance WHERE "
                                                    "status = 'completed'") == 0;
         i++) {
        struct timespec ts = {0, 20L * 1000000};

        nanosleep(&ts, NULL);
    }
    ck_assert_int_eq(httptest_count(&srv,
                                    "SELECT count(*) FROM instance WHERE status = 'completed' AND "
                                    "business_key = 'b-1'"),
                     1);
    free(xml);
}
END_TEST

START_TEST(deploy_refusals_change_nothing)
{
    static const char bad_expr[] =
        "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\" "
        "targetNamespace=\"t\"><process id=\"p\" isExecutable=\"true\"><startEvent id=\"s\"/>"
        "<scriptTask id=\"x\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"x\"/>"
        "</process></definitions>";
    static const char bad_form[] =
        "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
        "xmlns:ordo=\"urn:ordo:schema:bpmn:1.0\" id=\"d\" targetNamespace=\"t\">"
        "<process id=\"p\" isExecutable=\"true\"><startEvent id=\"s\"/>"
        "<userTask id=\"u\" ordo:form='{\"type\":\"object\",\"properties\":{\"a\":"
        "{\"type\":\"array\"}}}'/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"u\"/>"
        "</process></definitions>";
    static const char unbound[] =
        "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\" "
        "targetNamespace=\"t\"><process id=\"p\" isExecutable=\"true\"><startEvent id=\"s\"/>"
        "<serviceTask id=\"nobody\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"nobody\"/>"
        "</process></definitions>";
    struct httptest_resp r;

    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", unbound,
                     strlen(unbound), NULL, &r);
    ck_assert_msg(r.status == 422, "%ld %s", r.status, r.body); /* no worker could take its job */
    ck_assert_ptr_nonnull(strstr(r.body, "\\\"nobody\\\" has no job type"));
    httptest_resp_free(&r);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", "<definitions", 12,
                     NULL, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_INVAL");
    httptest_resp_free(&r);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", bad_expr,
                     strlen(bad_expr), NULL, &r);
    ck_assert_msg(r.status == 422, "%ld %s", r.status, r.body);
    ck_assert(json_array_size(json_object_get(json_object_get(r.json, "error"), "details")) >= 1);
    httptest_resp_free(&r);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", bad_form,
                     strlen(bad_form), NULL, &r);
    ck_assert_msg(r.status == 422, "%ld %s", r.status, r.body); /* a form outside §11 */
    ck_assert_ptr_nonnull(strstr(r.body, "ordo:form"));
    httptest_resp_free(&r);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "text/plain", "x", 1, NULL, &r);
    ck_assert_int_eq(r.status, 415);
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), 0);
}
END_TEST

START_TEST(deploy_multipart_refuses_all_when_one_file_is_bad)
{
    static const char head[] = "--XyZ\r\nContent-Disposition: form-data; name=\"deployment-name\""
                               "\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: form-data; "
                               "name=\"f1\"; filename=\"a.bpmn\"\r\nContent-Type: text/xml\r\n\r\n";
    static const char mid[] = "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f2\"; "
                              "filename=\"b.bpmn\"\r\n\r\n";
    static const char tail[] = "\r\n--XyZ--\r\n";
    struct httptest_resp r;
    size_t len;
    char *xml = httptest_fixture("straight.bpmn", &len);
    size_t cap = len * 2 + 1024;
    char *body = malloc(cap);
    int n;

    n = snprintf(body, cap, "%s%s%s%s%s", head, xml, mid, "<definitions", tail);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "multipart/form-data; boundary=XyZ",
                     body, (size_t)n, NULL, &r);
    ck_assert_msg(r.status == 400, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), 0);
    n = snprintf(body, cap, "%s%s%s%s%s", head, xml, mid, xml, tail);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "multipart/form-data; boundary=XyZ",
                     body, (size_t)n, NULL, &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "deployments")), 2);
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), 1); /* same XML */
    free(body);
    free(xml);
}
END_TEST

START_TEST(start_refusals_are_422_or_404_and_change_nothing)
{
    static const char *const bodies[] = {
        "{\"processId\":\"straight\",\"surprise\":1}",
        "{\"processId\":42}",
        "{\"processId\":\"straight\",\"variables\":[1]}",
        "{\"processId\":\"straight\",\"version\":-1}",
        "[1,2]",
    };
    struct httptest_resp r;

    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        httptest_json(&srv, "POST", "/api/instances", ADMIN, bodies[i], &r);
        ck_assert_msg(r.status == 422, "%s: %ld %s", bodies[i], r.status, r.body);
        ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_UNPROCESSABLE");
        httptest_resp_free(&r);
    }
    httptest_json(&srv, "POST", "/api/instances", ADMIN, "{\"processId\":", &r);
    ck_assert_int_eq(r.status, 400);
    httptest_resp_free(&r);
    httptest_json(&srv, "POST", "/api/instances", ADMIN, "{\"processId\":\"nope\"}", &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
    httptest_request(&srv, "POST", "/api/instances", ADMIN, "text/plain", "{}", 2, NULL, &r);
    ck_assert_int_eq(r.status, 415);
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM instance"), 0);
}
END_TEST

START_TEST(oversized_bodies_are_413)
{
    size_t n = (size_t)70 * 1024;
    char *big = malloc(n + 1);
    struct httptest_resp r;

    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    httptest_json(&srv, "POST", "/api/instances", ADMIN, big, &r);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_TOOBIG");
    httptest_resp_free(&r);
    free(big);
}
END_TEST

START_TEST(cancel_of_an_unknown_instance_is_404)
{
    struct httptest_resp r;

    httptest_json(&srv, "POST", "/api/instances/123456789/cancel", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
    httptest_json(&srv, "POST", "/api/instances/abc/cancel", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    httptest_resp_free(&r);
}
END_TEST

START_TEST(responses_carry_a_request_id)
{
    struct httptest_resp r;
    static const char *const given[] = {"X-Request-Id: my-trace-1", NULL};
    char *id;

    httptest_request(&srv, "GET", "/livez", NULL, NULL, NULL, 0, given, &r);
    id = httptest_header(&r, "X-Request-Id");
    ck_assert_str_eq(id, "my-trace-1");
    free(id);
    httptest_resp_free(&r);
    httptest_request(&srv, "GET", "/livez", NULL, NULL, NULL, 0, NULL, &r);
    id = httptest_header(&r, "X-Request-Id");
    ck_assert_ptr_nonnull(id);
    ck_assert_uint_gt(strlen(id), 8);
    free(id);
    httptest_resp_free(&r);
}
END_TEST

static Suite *http_suite(void)
{
    Suite *s = suite_create("http");
    TCase *tc = tcase_create("front door");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, livez_and_readyz_need_no_credentials);
    tcase_add_test(tc, protected_paths_answer_401_before_anything_else);
    tcase_add_test(tc, the_admin_key_authenticates);
    tcase_add_test(tc, unknown_routes_are_404_and_wrong_methods_405);
    tcase_add_test(tc, deploy_raw_xml_then_start_and_run_to_the_end);
    tcase_add_test(tc, deploy_refusals_change_nothing);
    tcase_add_test(tc, deploy_multipart_refuses_all_when_one_file_is_bad);
    tcase_add_test(tc, start_refusals_are_422_or_404_and_change_nothing);
    tcase_add_test(tc, oversized_bodies_are_413);
    tcase_add_test(tc, cancel_of_an_unknown_instance_is_404);
    tcase_add_test(tc, responses_carry_a_request_id);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(http_suite)
