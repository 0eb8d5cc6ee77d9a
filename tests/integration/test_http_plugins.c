/*
 * tests/integration/test_http_plugins.c - a server whose plugin folder
 * holds bad plugins beside a good one: it refuses each with its reason,
 * keeps running, and runs the good one's actions with their credential,
 * whose secret never shows in what the server says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <check.h>
#include <jansson.h>

#include "tests/integration/httptest.h"
#include "tests/integration/pgtest.h"

#define ADMIN  HTTPTEST_ADMIN_KEY
#define SECRET "tok-ECHO-5f0e9d8c7b6a"

static struct httptest srv;
static char dir[64];

/* Copy test plugin 'name' into the folder as 'as', with 'mode'. */
static void install(const char *name, const char *as, const char *mode)
{
    char cmd[512];

    (void)snprintf(cmd, sizeof cmd, "install -m %s '%s/%s.so' '%s/%s'", mode,
                   getenv("ORDOTEST_PLUGIN_DIR"), name, dir, as);
    ck_assert_int_eq(system(cmd), 0); /* checksrc:allow - test setup */
}

static void setup(void)
{
    char env[128];
    char notes[128];
    const char *extra[] = {env, NULL};
    FILE *f;

    (void)snprintf(dir, sizeof dir, "/tmp/ordo-plugins-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chmod(dir, 0755), 0);
    install("good", "echo.so", "755");
    install("wrong_abi", "wrong_abi.so", "755");
    install("no_symbol", "no_symbol.so", "755");
    install("bad_schema", "bad_schema.so", "755");
    install("good", "writable.so", "757");
    (void)snprintf(notes, sizeof notes, "%s/notes.so", dir);
    f = fopen(notes, "w");
    ck_assert_ptr_nonnull(f);
    (void)fputs("not a shared object\n", f);
    (void)fclose(f);
    (void)snprintf(env, sizeof env, "ORDO_PLUGIN_DIR=%s", dir);
    httptest_start(&srv, "plugins", extra);
}

static void teardown(void)
{
    char cmd[128];

    httptest_stop(&srv);
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0); /* checksrc:allow - test cleanup */
}

/* The reason given for refusing 'file' (a name in the folder), or NULL. */
static const char *reason(const json_t *refused, const char *file)
{
    size_t i;
    const json_t *r;

    json_array_foreach(refused, i, r)
    {
        const char *path = json_string_value(json_object_get(r, "file"));
        size_t n = strlen(path), m = strlen(file);

        if (n > m && strcmp(path + n - m, file) == 0 && path[n - m - 1] == '/') {
            return json_string_value(json_object_get(r, "reason"));
        }
    }
    return NULL;
}

static void assert_reason(const json_t *refused, const char *file, const char *part)
{
    const char *why = reason(refused, file);

    ck_assert_msg(why && strstr(why, part), "%s: \"%s\" not in %s", file, part,
                  why ? why : "(not refused)");
}

START_TEST(bad_plugins_are_refused_with_reasons_and_the_server_runs_on)
{
    struct httptest_resp r;
    const json_t *refused;

    httptest_json(&srv, "GET", "/api/connectors", ADMIN, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(json_array_size(json_object_get(r.json, "connectors")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.json, "connectors"), 0), "name")),
                     "echo");
    refused = json_object_get(r.json, "refused");
    ck_assert_uint_eq(json_array_size(refused), 5);
    assert_reason(refused, "wrong_abi.so", "built for connector ABI 99, this server has ABI 1");
    assert_reason(refused, "no_symbol.so", "not an Ordo connector");
    assert_reason(refused, "bad_schema.so", "\"pattern\" is not in Ordo's JSON Schema subset");
    assert_reason(refused, "writable.so", "writable by group or others");
    assert_reason(refused, "notes.so", "could not load plugin");
    httptest_resp_free(&r);
    httptest_json(&srv, "GET", "/livez", NULL, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    httptest_resp_free(&r);
}
END_TEST

/* Poll until 'sql' (a count) is positive, up to 20 s. */
static void wait_for(const char *sql)
{
    for (int i = 0; i < 200 && httptest_count(&srv, sql) == 0; i++) {
        struct timespec ts = {0, 100L * 1000000};

        (void)nanosleep(&ts, NULL);
    }
    ck_assert_msg(httptest_count(&srv, sql) > 0, "never: %s", sql);
}

/* The first cell of 'sql' as text, malloc'ed. */
static char *cell(const char *sql)
{
    PGconn *db = httptest_db(&srv);
    PGresult *res = PQexec(db, sql);
    char *v;

    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_int_eq(PQntuples(res), 1);
    v = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(db);
    return v;
}

START_TEST(a_good_plugin_runs_with_its_credential_and_its_secret_stays_hidden)
{
    struct httptest_resp r;
    size_t len;
    char *xml = httptest_fixture("echo.bpmn", &len);
    char path[128];
    json_t *vars, *want;
    char *inst;
    char *text;

    httptest_json(&srv, "PUT", "/api/credentials/echo/default", ADMIN,
                  "{\"secret\":{\"token\":\"" SECRET "\"}}", &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    httptest_request(&srv, "POST", "/api/deployments", ADMIN, "application/xml", xml, len, NULL,
                     &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    httptest_resp_free(&r);
    free(xml);
    httptest_json(&srv, "POST", "/api/instances", ADMIN,
                  "{\"processId\":\"echo\",\"variables\":{\"text\":\"hi\",\"n\":2,"
                  "\"other\":\"x\"}}",
                  &r);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    inst = strdup(json_string_value(json_object_get(r.json, "key")));
    httptest_resp_free(&r);

    /* echo.slow asked for a retry in 60 s, saying the secret in its message. */
    wait_for("SELECT count(*) FROM job WHERE element_id = 'slow' AND last_error IS NOT NULL");
    text = cell("SELECT last_error FROM job WHERE element_id = 'slow'");
    ck_assert_msg(strstr(text, "not yet (secret ***)") && !strstr(text, SECRET), "%s", text);
    free(text);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM job WHERE element_id = 'slow' "
                                          "AND due_at > now() + interval '50 seconds'"),
                     1);
    /* echo.reply saw only the inputs it declares, its job's key and attempt. */
    (void)snprintf(path, sizeof path, "/api/instances/%s", inst);
    httptest_json(&srv, "GET", path, ADMIN, NULL, &r);
    vars = json_object_get(r.json, "variables");
    want = json_pack("{s:s, s:i}", "text", "hi", "n", 2);
    ck_assert_msg(json_equal(json_object_get(vars, "input"), want), "%s", r.body);
    ck_assert_int_eq(json_integer_value(json_object_get(vars, "attempt")), 1);
    ck_assert_msg(strspn(json_string_value(json_object_get(vars, "key")), "0123456789") > 0, "%s",
                  r.body);
    ck_assert_ptr_null(strstr(r.body, SECRET));
    json_decref(want);
    httptest_resp_free(&r);
    free(inst);
    ck_assert_int_eq(httptest_count(&srv, "SELECT count(*) FROM audit WHERE payload::text LIKE "
                                          "'%" SECRET "%'"),
                     0);
}
END_TEST

static Suite *plugins_suite(void)
{
    Suite *s = suite_create("http_plugins");
    TCase *tc = tcase_create("plugins");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bad_plugins_are_refused_with_reasons_and_the_server_runs_on);
    tcase_add_test(tc, a_good_plugin_runs_with_its_credential_and_its_secret_stays_hidden);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(plugins_suite)
