/*
 * tests/integration/test_http_ui.c - the web UI's files (server/api_ui.c)
 * over real HTTP from `ordo serve` with ui_dir pointing at a folder made
 * here: served without credentials with their content types and the
 * Content-Security-Policy; names that could leave the folder, hidden
 * files and unknown types are 404 like missing files; / redirects to /ui/;
 * an empty ui_dir or one without index.html says what is wrong; answers of
 * the API carry a sandboxing CSP, so a deployed file is never a page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

static char root[64];   /* holds ui/ and a file beside it that must stay out of reach */
static char ui_dir[96]; /* root/ui */

static void put(const char *rel, const char *text)
{
    char path[256];
    FILE *f;

    (void)snprintf(path, sizeof path, "%s/%s", root, rel);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs(text, f), 0);
    ck_assert_int_eq(fclose(f), 0);
}

static void make_tree(void)
{
    char path[160];

    (void)snprintf(root, sizeof root, "/tmp/ordo-uitest.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    (void)snprintf(ui_dir, sizeof ui_dir, "%s/ui", root);
    ck_assert_int_eq(mkdir(ui_dir, 0755), 0);
    (void)snprintf(path, sizeof path, "%s/app", ui_dir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    put("ui/index.html", "<!doctype html><title>ordo test ui</title>\n");
    put("ui/app/main.js", "export const answer = 42;\n");
    put("ui/app/style.css", "body { color: black; }\n");
    put("ui/notes.txt", "an unknown type\n");
    put("ui/.hidden.js", "hidden\n");
    put("outside.js", "SECRET outside the ui folder\n");
}

static void remove_tree(void)
{
    const char *files[] = {"ui/index.html", "ui/app/main.js", "ui/app/style.css", "ui/notes.txt",
                           "ui/.hidden.js", "outside.js",     "ui/app",           "ui"};
    char path[256];

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        (void)snprintf(path, sizeof path, "%s/%s", root, files[i]);
        (void)remove(path);
    }
    (void)rmdir(root);
}

/* GET 'path' without credentials; the caller frees the answer. */
static long get(const struct httptest *t, const char *path, struct httptest_resp *r)
{
    httptest_request(t, "GET", path, NULL, NULL, NULL, 0, NULL, r);
    return r->status;
}

static void assert_header(const struct httptest_resp *r, const char *name, const char *want)
{
    char *v = httptest_header(r, name);

    ck_assert_msg(v != NULL, "no %s header", name);
    ck_assert_msg(strstr(v, want) != NULL, "%s is \"%s\", wanted \"%s\" in it", name, v, want);
    free(v);
}

START_TEST(files_are_served_with_their_type_and_the_csp)
{
    struct httptest srv;
    char env_ui[128];
    const char *env[] = {env_ui, NULL};
    struct httptest_resp r;
    char *csp;

    make_tree();
    (void)snprintf(env_ui, sizeof env_ui, "ORDO_UI_DIR=%s", ui_dir);
    httptest_start(&srv, "ui", env);

    ck_assert_int_eq(get(&srv, "/ui/", &r), 200);
    ck_assert_str_eq(r.body, "<!doctype html><title>ordo test ui</title>\n");
    assert_header(&r, "Content-Type", "text/html; charset=utf-8");
    assert_header(&r, "X-Frame-Options", "DENY");
    assert_header(&r, "X-Content-Type-Options", "nosniff");
    csp = httptest_header(&r, "Content-Security-Policy");
    ck_assert_ptr_nonnull(csp);
    /* scripts from this server only: no 'unsafe-inline', no 'unsafe-eval', no other source */
    ck_assert_msg(strstr(csp, "; script-src 'self'; ") != NULL, "CSP: %s", csp);
    ck_assert_msg(strstr(csp, "default-src 'none'") && strstr(csp, "frame-ancestors 'none'") &&
                      strstr(csp, "connect-src 'self'") && !strstr(csp, "unsafe-eval"),
                  "CSP: %s", csp);
    free(csp);
    httptest_resp_free(&r);

    ck_assert_int_eq(get(&srv, "/ui/index.html", &r), 200);
    httptest_resp_free(&r);
    ck_assert_int_eq(get(&srv, "/ui/app/main.js", &r), 200);
    ck_assert_str_eq(r.body, "export const answer = 42;\n");
    assert_header(&r, "Content-Type", "text/javascript");
    httptest_resp_free(&r);
    ck_assert_int_eq(get(&srv, "/ui/app/style.css", &r), 200);
    assert_header(&r, "Content-Type", "text/css");
    httptest_resp_free(&r);

    ck_assert_int_eq(get(&srv, "/", &r), 302);
    assert_header(&r, "Location", "/ui/");
    httptest_resp_free(&r);

    httptest_stop(&srv);
    remove_tree();
}
END_TEST

/* An answer of the API is data: opened in a browser (a deployed BPMN file
 * with an XHTML script in it), it may run nothing on this origin. */
START_TEST(api_answers_are_sandboxed_data_not_pages)
{
    static const char script_bpmn[] =
        "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
        "xmlns:x=\"http://www.w3.org/1999/xhtml\" id=\"d\" targetNamespace=\"t\">"
        "<process id=\"p\" isExecutable=\"true\"><documentation><x:script>alert(1)</x:script>"
        "</documentation><startEvent id=\"s\"/></process></definitions>";
    struct httptest srv;
    struct httptest_resp r;
    char path[96];
    const char *key;

    httptest_start(&srv, "ui", NULL);
    ck_assert_int_eq(get(&srv, "/livez", &r), 200);
    assert_header(&r, "Content-Security-Policy",
                  "default-src 'none'; frame-ancestors 'none'; sandbox");
    httptest_resp_free(&r);

    httptest_request(&srv, "POST", "/api/deployments", HTTPTEST_ADMIN_KEY, "application/xml",
                     script_bpmn, strlen(script_bpmn), NULL, &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    key = json_string_value(
        json_object_get(json_array_get(json_object_get(r.json, "deployments"), 0), "key"));
    ck_assert_ptr_nonnull(key);
    (void)snprintf(path, sizeof path, "/api/definitions/%s/xml", key);
    httptest_resp_free(&r);
    httptest_request(&srv, "GET", path, HTTPTEST_ADMIN_KEY, NULL, NULL, 0, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "alert(1)"));       /* the file as deployed... */
    assert_header(&r, "Content-Security-Policy", "sandbox"); /* ...inert */
    assert_header(&r, "Content-Disposition", "attachment");
    httptest_resp_free(&r);
    httptest_stop(&srv);
}
END_TEST

START_TEST(names_that_leave_the_folder_or_hide_are_404)
{
    static const char *const refused[] = {
        "/ui/../outside.js",
        "/ui/%2e%2e/outside.js",
        "/ui/app/../../outside.js",
        "/ui/.hidden.js",
        "/ui/notes.txt",
        "/ui/app//main.js",
        "/ui/app/",
        "/ui/app",
        "/ui/missing.js",
        "/ui//etc/passwd.js",
        "/ui/app\\main.js",
        "/ui/app/main.js/",
    };
    struct httptest srv;
    char env_ui[128];
    const char *env[] = {env_ui, NULL};
    struct httptest_resp r;

    make_tree();
    (void)snprintf(env_ui, sizeof env_ui, "ORDO_UI_DIR=%s", ui_dir);
    httptest_start(&srv, "ui", env);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        long status = get(&srv, refused[i], &r);

        ck_assert_msg(status == 404, "%s: %ld (%s)", refused[i], status, r.body);
        ck_assert_str_eq(httptest_error_code(&r), "ORDO_E_NOTFOUND");
        ck_assert_msg(!strstr(r.body, "SECRET") && !strstr(r.body, "hidden") &&
                          !strstr(r.body, "answer"),
                      "%s leaked a file: %s", refused[i], r.body);
        httptest_resp_free(&r);
    }
    httptest_stop(&srv);
    remove_tree();
}
END_TEST

START_TEST(an_empty_ui_dir_turns_the_ui_off_and_a_missing_build_is_named)
{
    struct httptest srv;
    const char *off[] = {"ORDO_UI_DIR=", NULL};
    char env_ui[128];
    const char *unbuilt[] = {env_ui, NULL};
    struct httptest_resp r;

    httptest_start(&srv, "ui", off);
    ck_assert_int_eq(get(&srv, "/ui/", &r), 404);
    ck_assert_ptr_nonnull(strstr(r.body, "turned off"));
    httptest_resp_free(&r);
    httptest_stop(&srv);

    (void)snprintf(env_ui, sizeof env_ui, "ORDO_UI_DIR=/tmp/ordo-uitest-none-%d", (int)getpid());
    httptest_start(&srv, "ui", unbuilt);
    ck_assert_int_eq(get(&srv, "/ui/", &r), 404);
    ck_assert_ptr_nonnull(strstr(r.body, "scripts/build-ui.sh"));
    httptest_resp_free(&r);
    httptest_stop(&srv);
}
END_TEST

int main(void)
{
    Suite *s;
    TCase *tc;
    SRunner *sr;
    int failed;

    if (!pgtest_available()) {
        return PGTEST_SKIP;
    }
    s = suite_create("http_ui");
    tc = tcase_create("ui files");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, files_are_served_with_their_type_and_the_csp);
    tcase_add_test(tc, names_that_leave_the_folder_or_hide_are_404);
    tcase_add_test(tc, api_answers_are_sandboxed_data_not_pages);
    tcase_add_test(tc, an_empty_ui_dir_turns_the_ui_off_and_a_missing_build_is_named);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
