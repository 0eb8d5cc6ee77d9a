/*
 * base/strmap: the arena-backed string map.
 */
#include <stdio.h>

#include <check.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "tests/unit/check_main.h"

static struct ordo_arena *arena;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

START_TEST(strmap_adds_finds_and_keeps_the_first)
{
    struct ordo_strmap *m = ordo_strmap_new(arena, 2);
    int one = 1;
    int two = 2;
    char keys[5000][8];

    ck_assert_ptr_null(ordo_strmap_get(m, "x"));
    ck_assert_ptr_null(ordo_strmap_add(m, "x", &one));
    ck_assert_ptr_eq(ordo_strmap_add(m, "x", &two), &one); /* already there */
    ck_assert_ptr_eq(ordo_strmap_get(m, "x"), &one);
    ordo_strmap_set(m, "x", &two);
    ck_assert_ptr_eq(ordo_strmap_get(m, "x"), &two);
    for (int i = 0; i < 5000; i++) { /* far past the first size: it grows */
        (void)snprintf(keys[i], sizeof(keys[i]), "k%d", i);
        ck_assert_ptr_null(ordo_strmap_add(m, keys[i], &one));
    }
    ck_assert_uint_eq(ordo_strmap_count(m), 5001);
    for (int i = 0; i < 5000; i++) {
        ck_assert_ptr_eq(ordo_strmap_get(m, keys[i]), &one);
    }
    ck_assert_ptr_null(ordo_strmap_get(m, "k5000"));
    ck_assert_uint_ne(ordo_str_hash("a", 0), ordo_str_hash("a", 1));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("strmap");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, strmap_adds_finds_and_keeps_the_first);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
