/*
 * tests/integration/pgtest: the PostgreSQL test infrastructure itself. Every
 * test clones two databases from the template; they must be separate, open
 * to the application and owner roles, and gone once dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <libpq-fe.h>

#include "tests/integration/pgtest.h"

static char *db_a;
static char *db_b;

static void setup(void)
{
    db_a = pgtest_db_create("pgtest_a");
    db_b = pgtest_db_create("pgtest_b");
}

static void teardown(void)
{
    pgtest_db_drop(db_a);
    pgtest_db_drop(db_b);
    free(db_a);
    free(db_b);
    db_a = NULL;
    db_b = NULL;
}

/* Run 'sql' (with one parameter, or none when 'param' is NULL) on 'db' as
 * 'user'. Returns the first column of the first row (NULL for no row or SQL
 * NULL), which the caller frees. A failed statement fails the test, after
 * the connection is closed. */
static char *query_value(const char *db, const char *user, const char *sql, const char *param)
{
    PGconn *conn = pgtest_connect(db, user);
    PGresult *res =
        PQexecParams(conn, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(res);
    char error[512];
    char *value = NULL;

    (void)snprintf(error, sizeof(error), "%s", PQresultErrorMessage(res));
    if ((status == PGRES_TUPLES_OK) && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        value = strdup(PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    PQfinish(conn);
    ck_assert_msg(status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK, "%s as %s: %s", sql,
                  user, error);
    return value;
}

/* query_value for a statement whose answer must be 'want'. */
static void assert_value(const char *db, const char *user, const char *sql, const char *param,
                         const char *want)
{
    char *got = query_value(db, user, sql, param);
    int same = got && strcmp(got, want) == 0;
    char shown[256];

    (void)snprintf(shown, sizeof(shown), "%s", got ? got : "(null)");
    free(got);
    ck_assert_msg(same, "%s on %s as %s: got %s, want %s", sql, db, user, shown, want);
}

static const char *const count_tables =
    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')";

START_TEST(clones_are_separate_databases)
{
    char *tables_a = query_value(db_a, PGTEST_OWNER, count_tables, NULL);
    char *tables_b = query_value(db_b, PGTEST_OWNER, count_tables, NULL);
    int same = tables_a && tables_b && strcmp(tables_a, tables_b) == 0;
    int copied = tables_a && strcmp(tables_a, "0") != 0;

    free(tables_a);
    free(tables_b);
    ck_assert_msg(same, "two clones of the template hold different tables");
    /* A migrated template passes its schema on to every clone. */
    ck_assert_msg(copied || !pgtest_migrated(), "the clone of a migrated template has no tables");
    ck_assert_str_ne(db_a, db_b);

    free(query_value(db_a, PGTEST_OWNER, "CREATE TABLE pgtest_probe (id int)", NULL));
    assert_value(db_a, PGTEST_OWNER, "SELECT to_regclass('public.pgtest_probe') IS NOT NULL", NULL,
                 "t");
    assert_value(db_b, PGTEST_OWNER, "SELECT to_regclass('public.pgtest_probe') IS NULL", NULL,
                 "t");
}
END_TEST

START_TEST(clones_accept_the_app_and_owner_roles)
{
    const char *users[] = {PGTEST_APP, PGTEST_OWNER};

    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
        assert_value(db_a, users[i], "SELECT current_user", NULL, users[i]);
        assert_value(db_b, users[i], "SELECT current_database()", NULL, db_b);
    }
    assert_value("postgres", PGTEST_SUPERUSER,
                 "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", db_a,
                 PGTEST_OWNER);
    assert_value(db_a, PGTEST_OWNER, "SELECT current_setting('server_encoding')", NULL, "UTF8");
}
END_TEST

START_TEST(dropped_databases_are_gone)
{
    const char *exists = "SELECT count(*) FROM pg_database WHERE datname = $1";
    char *name = pgtest_db_create("Drop Me-1!");
    size_t prefix = strlen("drop_me_1__");

    ck_assert_msg(strncmp(name, "drop_me_1__", prefix) == 0, "unexpected name %s", name);
    ck_assert_msg(strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name),
                  "unsafe characters in %s", name);
    assert_value("postgres", PGTEST_SUPERUSER, exists, name, "1");
    assert_value(name, PGTEST_APP, "SELECT 1", NULL, "1");

    pgtest_db_drop(name);
    assert_value("postgres", PGTEST_SUPERUSER, exists, name, "0");
    pgtest_db_drop(name); /* IF EXISTS: a second drop is harmless */
    pgtest_db_drop(NULL);
    free(name);
}
END_TEST

START_TEST(conninfo_names_the_socket_database_and_user)
{
    const char *conninfo = pgtest_conninfo("some_db", PGTEST_APP);

    ck_assert_ptr_nonnull(strstr(conninfo, "host=/tmp/ordo-pgtest."));
    ck_assert_ptr_nonnull(strstr(conninfo, " dbname=some_db user=ordo_app"));
    ck_assert_ptr_eq(pgtest_conninfo("some_db", PGTEST_APP), conninfo);
    ck_assert_ptr_nonnull(strstr(pgtest_conninfo("a b", "it's"), "dbname='a b' user='it\\'s'"));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("pgtest");
    TCase *tc = tcase_create("core");

    if (!pgtest_migrated()) {
        (void)printf("NOTICE: the template database is empty (no `ordo migrate` yet)\n");
    }
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, clones_are_separate_databases);
    tcase_add_test(tc, clones_accept_the_app_and_owner_roles);
    tcase_add_test(tc, dropped_databases_are_gone);
    tcase_add_test(tc, conninfo_names_the_socket_database_and_user);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(make_suite)
