/*
 * tests/integration/test_pg_batch.c - base/pg.c's pipelined batches with
 * the per-connection cache of prepared statements, on a real PostgreSQL: a
 * batch whose new statements make the cache grow while it is being
 * prepared still sends every statement under its own name (the names were
 * once pointers into the cache, which its growth moved: a use after free
 * that ASan reported from a task completion).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <libpq-fe.h>

#include "base/arena.h"
#include "base/pg.h"
#include "tests/integration/pgtest.h"

#define NSTMTS 100 /* the cache starts at 32 names and doubles: it grows twice */

START_TEST(a_batch_that_grows_the_statement_cache_runs_every_statement)
{
    char *db = pgtest_db_create("pgbatch");
    PGconn *conn = pgtest_connect(db, PGTEST_OWNER);
    struct ordo_pg_stmts *stmts = ordo_pg_stmts_new();
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_pg_batch *batch = ordo_pg_batch_new(arena);
    struct ordo_err err = {0};
    PGresult *res;
    enum ordo_code rc;

    res = PQexec(conn, "CREATE TABLE batch_probe (n int PRIMARY KEY)");
    ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    ordo_pg_batch_use(batch, stmts);
    /* Each statement text at its own address: the cache knows statements by address. */
    for (int i = 0; i < NSTMTS; i++) {
        const char *sql = ordo_arena_strdup(arena, "INSERT INTO batch_probe (n) VALUES ($1::int)");
        char value[16];
        const char *params[1] = {value};

        (void)snprintf(value, sizeof value, "%d", i);
        ordo_pg_batch_add(batch, "a probe row", sql, 1, params);
    }
    rc = ordo_pg_batch_run(conn, batch, &err);
    ck_assert_msg(rc == ORDO_OK, "%s", ordo_err_message(&err));
    res = PQexec(conn, "SELECT count(*), sum(n) FROM batch_probe");
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "100");
    ck_assert_str_eq(PQgetvalue(res, 0, 1), "4950"); /* 0 + 1 + ... + 99: each row its own value */
    PQclear(res);

    ordo_arena_free(arena);
    ordo_pg_stmts_free(stmts);
    PQfinish(conn);
    pgtest_db_drop(db);
    free(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pg_batch");
    TCase *tc = tcase_create("batches");
    SRunner *sr;
    int failed;

    if (!pgtest_available()) {
        return PGTEST_SKIP;
    }
    tcase_add_test(tc, a_batch_that_grows_the_statement_cache_runs_every_statement);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
