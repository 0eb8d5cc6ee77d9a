/*
 * tests/integration/pgtest.h - a real PostgreSQL for integration tests.
 *
 * One cluster serves a whole ctest run (tests/pg/cluster.sh, the ctest
 * fixture 'pg'); it has a template database, ordo_template, that `ordo
 * migrate` brought to the current schema (while that command does not exist,
 * the template is empty: see pgtest_migrated). Every test clones its own
 * database from the template with pgtest_db_create, so tests run in
 * parallel without seeing each other's rows.
 *
 * Roles: "postgres" is the superuser, "ordo_owner" owns the databases and the
 * schema (migrations run as it), "ordo_app" is the application role. There
 * are no passwords: the cluster trusts its private Unix socket.
 *
 * The cluster is found through the state file named by $ORDOTEST_PG_ENV,
 * which ctest sets for tests registered with ordo_add_pg_test (tests/pg/
 * pg.cmake). These are test helpers: on any failure they print the reason
 * (with libpq's message) on stderr and abort(), so callers check nothing.
 * All functions are thread-safe.
 */
#ifndef ORDO_TESTS_PGTEST_H
#define ORDO_TESTS_PGTEST_H

#include <stdbool.h>
#include <stdlib.h>

#include <check.h>
#include <libpq-fe.h>

#define PGTEST_SKIP      77 /* exit code of a skipped test (SKIP_RETURN_CODE) */
#define PGTEST_SUPERUSER "postgres"
#define PGTEST_OWNER     "ordo_owner"
#define PGTEST_APP       "ordo_app"
#define PGTEST_TEMPLATE  "ordo_template"

/* True when $ORDOTEST_PG_ENV names a readable state file. Otherwise prints a
 * NOTICE on stdout saying why and returns false, so the test can skip
 * loudly (exit PGTEST_SKIP; PGTEST_CHECK_MAIN does that). */
bool pgtest_available(void);

/* True when the template database holds the migrated schema; false while
 * `ordo migrate` does not exist and the template is empty. */
bool pgtest_migrated(void);

/* The libpq connection string for database 'dbname' as role 'user':
 * "host=/tmp/ordo-pgtest.XXXXXX port=NNNN dbname=NAME user=USER" (a value
 * with spaces, quotes or backslashes is single-quoted and escaped the libpq
 * way). The string is owned by this module and stays valid until the
 * process exits; the same arguments return the same pointer. Do not free. */
const char *pgtest_conninfo(const char *dbname, const char *user);

/* A new connection to 'dbname' as 'user'; the caller calls PQfinish. */
PGconn *pgtest_connect(const char *dbname, const char *user);

/* Create a database cloned from ordo_template and owned by ordo_owner, named
 * "<prefix>_<pid>_<counter>" (prefix lower-cased, characters other than
 * [a-z0-9_] replaced by '_', cut to fit PostgreSQL's 63 bytes). Retries
 * while something is connected to the template. Returns the name, which the
 * caller frees with free(). Databases not dropped go with the cluster. */
char *pgtest_db_create(const char *prefix);

/* DROP DATABASE IF EXISTS 'name' WITH (FORCE): also ends the connections
 * still open to it. NULL is a no-op. Does not free 'name'. */
void pgtest_db_drop(const char *name);

/* The main() of a PostgreSQL test file: like ORDO_CHECK_MAIN (tests/unit/
 * check_main.h), but exits PGTEST_SKIP after a notice when there is no
 * cluster (the test was started outside ctest). */
#define PGTEST_CHECK_MAIN(make_suite)                     \
    int main(void)                                        \
    {                                                     \
        SRunner *sr;                                      \
        int failed;                                       \
                                                          \
        if (!pgtest_available()) {                        \
            return PGTEST_SKIP;                           \
        }                                                 \
        sr = srunner_create(make_suite());                \
        srunner_run_all(sr, CK_ENV);                      \
        failed = srunner_ntests_failed(sr);               \
        srunner_free(sr);                                 \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE; \
    }

#endif
