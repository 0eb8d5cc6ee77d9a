/*
 * tests/integration/test_http_export.c - GET /api/definitions/{key}/export
 * (issue 9) over real HTTP against `ordo serve`: a deployed definition
 * exported for Camunda 8 and Camunda 7 as XML by default and as
 * {"bpmn","forms","report"} with Accept: application/json; a bad target is
 * 422 and a missing definition 404, both with the native error body; a
 * viewer may export, an anonymous caller may not; nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN_KEY HTTPTEST_ADMIN_KEY

static struct httptest srv;
static char *def_key;

static void setup(void)
{
    struct httptest_resp r;
    size_t len;
    char *xml = httptest_fixture("approval.bpmn", &len);

    httptest_start(&srv, "http_export", NULL);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN_KEY, "application/xml", xml, len, NULL,
                     &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    def_key = strdup(json_string_value(
        json_object_get(json_array_get(json_object_get(r.json, "deployments"), 0), "key")));
    httptest_resp_free(&r);
    free(xml);
}

static void teardown(void)
{
    free(def_key);
    httptest_stop(&srv);
}

static void get_export(const char *query, const char *key, const char *accept,
                       struct httptest_resp *r)
{
    char path[160];
    const char *headers[] = {accept, NULL};

    (void)snprintf(path, sizeof path, "/api/definitions/%s/export%s", def_key, query);
    httptest_request(&srv, "GET", path, key, NULL, NULL, 0, accept ? headers : NULL, r);
}

START_TEST(camunda8_is_xml_by_default_and_json_with_forms_on_request)
{
    struct httptest_resp r;
    char *type;
    const json_t *form, *report;

    get_export("?target=camunda8", ADMIN_KEY, NULL, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    type = httptest_header(&r, "Content-Type");
    ck_assert_str_eq(type, "application/xml");
    free(type);
    ck_assert_ptr_nonnull(strstr(r.body, "modeler:executionPlatform=\"Camunda Cloud\""));
    ck_assert_ptr_nonnull(strstr(r.body, "<zeebe:formDefinition formId=\"Form_review\"/>"));
    ck_assert_ptr_null(strstr(r.body, "ordo:form"));
    /* What the XML alone leaves out is said in headers. */
    type = httptest_header(&r, "Ordo-Export-Forms-Left-Out");
    ck_assert_str_eq(type, "Form_review");
    free(type);
    type = httptest_header(&r, "Ordo-Export-Lost");
    ck_assert_ptr_nonnull(type);
    free(type);
    type = httptest_header(&r, "Ordo-Export-Findings");
    ck_assert_int_gt(strtol(type, NULL, 10), 0);
    free(type);
    httptest_resp_free(&r);

    get_export("?target=camunda8", ADMIN_KEY, "Accept: application/json", &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_ptr_nonnull(r.json);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "target")), "camunda8");
    ck_assert_ptr_nonnull(
        strstr(json_string_value(json_object_get(r.json, "bpmn")), "<zeebe:userTask/>"));
    form = json_object_get(json_object_get(r.json, "forms"), "Form_review");
    ck_assert_ptr_nonnull(form);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(form, "components"), 0), "key")),
                     "approved");
    report = json_object_get(r.json, "report");
    ck_assert(json_array_size(report) > 0);
    ck_assert_ptr_nonnull(json_object_get(json_array_get(report, 0), "level"));
    httptest_resp_free(&r);
}
END_TEST

START_TEST(camunda7_has_form_data_and_history_time_to_live)
{
    struct httptest_resp r;

    get_export("?target=camunda7", ADMIN_KEY, NULL, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "modeler:executionPlatform=\"Camunda Platform\""));
    ck_assert_ptr_nonnull(strstr(r.body, "camunda:historyTimeToLive=\"180\""));
    ck_assert_ptr_nonnull(strstr(r.body, "<camunda:formField id=\"approved\""));
    ck_assert_ptr_nonnull(strstr(r.body, "camunda:candidateGroups=\"finance\""));
    ck_assert_ptr_null(strstr(r.body, "zeebe:"));
    httptest_resp_free(&r);
}
END_TEST

START_TEST(bad_targets_and_missing_definitions_are_refused_and_change_nothing)
{
    static const char *const bad[] = {"", "?target=", "?target=zeebe", "?target=CAMUNDA7"};
    long definitions = httptest_count(&srv, "SELECT count(*) FROM definition");
    long audit = httptest_count(&srv, "SELECT count(*) FROM audit");
    struct httptest_resp r;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        get_export(bad[i], ADMIN_KEY, NULL, &r);
        ck_assert_msg(r.status == 422, "%s: %ld %s", bad[i], r.status, r.body);
        ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_UNPROCESSABLE");
        ck_assert_ptr_nonnull(strstr(r.body, "camunda8 or camunda7"));
        httptest_resp_free(&r);
    }
    httptest_request(&srv, "GET", "/api/definitions/999999999/export?target=camunda8", ADMIN_KEY,
                     NULL, NULL, 0, NULL, &r);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_NOTFOUND");
    httptest_resp_free(&r);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM definition"), definitions);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM audit"), audit);
}
END_TEST

START_TEST(a_viewer_may_export_and_no_one_anonymous)
{
    char *viewer = httptest_user_key(&srv, ADMIN_KEY, "vera", "[\"viewer\"]");
    struct httptest_resp r;

    get_export("?target=camunda7", viewer, NULL, &r);
    ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    get_export("?target=camunda7", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 401);
    httptest_resp_free(&r);
    free(viewer);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("http_export");
    TCase *tc = tcase_create("export");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, camunda8_is_xml_by_default_and_json_with_forms_on_request);
    tcase_add_test(tc, camunda7_has_form_data_and_history_time_to_live);
    tcase_add_test(tc, bad_targets_and_missing_definitions_are_refused_and_change_nothing);
    tcase_add_test(tc, a_viewer_may_export_and_no_one_anonymous);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(make_suite)
