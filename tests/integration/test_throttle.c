/*
 * tests/integration/test_throttle.c - per-credential rate limits shared
 * through PostgreSQL (plugins/throttle.h): two connections stand for two
 * nodes, and what one spends or is told to wait, the other sees.
 */
#include <stdint.h>
#include <stdlib.h>

#include <check.h>
#include <jansson.h>

#include "base/crypto.h"
#include "base/pg.h"
#include "base/vault.h"
#include "core/credential.h"
#include "plugins/throttle.h"
#include "tests/integration/pgtest.h"

#define KEY "8f3a1c5e7b9d2f4061a3c5e7092b4d6f8a1c3e5f7092b4d6f81a3c5e7092b4d6"

static char *dbname;
static PGconn *node_a, *node_b;
static struct ordo_err err;
static int64_t cred; /* a stored credential's id */

static void setup(void)
{
    struct ordo_vault *vault = NULL;
    struct ordo_credential_input in = {"slack", "default", NULL, NULL, 60};

    ordo_err_clear(&err);
    ck_assert_int_eq(ordo_crypto_init(&err), ORDO_OK);
    dbname = pgtest_db_create("throttle");
    ck_assert_int_eq(ordo_pg_connect(pgtest_conninfo(dbname, PGTEST_APP), &node_a, &err), ORDO_OK);
    ck_assert_int_eq(ordo_pg_connect(pgtest_conninfo(dbname, PGTEST_APP), &node_b, &err), ORDO_OK);
    ck_assert_int_eq(ordo_vault_open(KEY, "", false, &vault, &err), ORDO_OK);
    ck_assert_msg(ordo_credential_set(node_a, vault, &in, NULL, &cred, NULL, &err) == ORDO_OK, "%s",
                  err.msg);
    ordo_vault_free(vault);
}

static void teardown(void)
{
    PQfinish(node_a);
    PQfinish(node_b);
    pgtest_db_drop(dbname);
    free(dbname);
}

static int64_t take(PGconn *db, int rate)
{
    int64_t wait = -1;

    ck_assert_msg(ordo_throttle_take(db, cred, rate, &wait, &err) == ORDO_OK, "%s", err.msg);
    return wait;
}

/* 60 a minute: a burst of 6 (a tenth of the minute), then about one a
 * second; the two nodes draw from the one bucket. */
START_TEST(a_budget_is_shared_by_every_node)
{
    int passed = 0;
    int64_t wait = 0;

    for (int i = 0; i < 20 && wait == 0; i++) {
        wait = take(i % 2 ? node_b : node_a, 60);
        passed += wait == 0;
    }
    /* The first call makes the row from a full bucket, then the 6 tokens. */
    ck_assert_int_ge(passed, 6);
    ck_assert_int_le(passed, 8);
    ck_assert_int_gt(wait, 0);
    ck_assert_int_le(wait, 1000);
    /* Still empty for the other node: nothing was taken by asking. */
    ck_assert_int_gt(take(node_b, 60), 0);
}
END_TEST

START_TEST(a_block_from_one_node_holds_the_others)
{
    int64_t wait;

    ck_assert_int_eq(take(node_b, 0), 0);
    ck_assert_int_eq(ordo_throttle_block(node_a, cred, 5000, &err), ORDO_OK);
    wait = take(node_b, 0);
    ck_assert_int_gt(wait, 4000);
    ck_assert_int_le(wait, 5000);
    /* A shorter block later does not shorten it. */
    ck_assert_int_eq(ordo_throttle_block(node_b, cred, 100, &err), ORDO_OK);
    ck_assert_int_gt(take(node_a, 0), 4000);
}
END_TEST

START_TEST(calls_without_a_credential_are_never_held)
{
    int64_t wait = -1;

    ck_assert_int_eq(ordo_throttle_block(node_a, 0, 5000, &err), ORDO_OK);
    ck_assert_int_eq(ordo_throttle_take(node_a, 0, 1, &wait, &err), ORDO_OK);
    ck_assert_int_eq(wait, 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("throttle");
    TCase *tc = tcase_create("throttle");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_budget_is_shared_by_every_node);
    tcase_add_test(tc, a_block_from_one_node_holds_the_others);
    tcase_add_test(tc, calls_without_a_credential_are_never_held);
    suite_add_tcase(s, tc);
    return s;
}

PGTEST_CHECK_MAIN(make_suite)
