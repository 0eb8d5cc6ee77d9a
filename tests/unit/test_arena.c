#include <stdint.h>
#include <string.h>

#include <check.h>

#include "base/arena.h"
#include "tests/unit/check_main.h"

static struct ordo_arena *arena; /* fresh per test: the checked fixture runs in the child */

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

static void record_cb(void *p)
{
    strcat((char *)p, "x"); /* NOLINT: test helper, buffer sized by the test */
}

struct order {
    char seen[8];
    size_t n;
};

struct order_item {
    struct order *order;
    char tag;
};

static void order_cb(void *p)
{
    struct order_item *it = p;

    it->order->seen[it->order->n++] = it->tag;
}

START_TEST(reset_runs_deferred_once)
{
    char log[4] = "";

    ordo_arena_defer(arena, record_cb, log);
    ordo_arena_reset(arena);
    ordo_arena_reset(arena);
    ck_assert_str_eq(log, "x");
}
END_TEST

START_TEST(deferred_run_newest_first)
{
    static struct order order;
    static struct order_item a = {&order, 'a'}, b = {&order, 'b'}, c = {&order, 'c'};

    ordo_arena_defer(arena, order_cb, &a);
    ordo_arena_defer(arena, order_cb, &b);
    ordo_arena_defer(arena, order_cb, &c);
    ordo_arena_reset(arena);
    ck_assert_str_eq(order.seen, "cba");
}
END_TEST

START_TEST(allocations_are_zeroed_aligned_and_distinct)
{
    unsigned char *p[200];

    for (int i = 0; i < 200; i++) {
        size_t sz = (size_t)(i * 37 % 500) + 1;

        p[i] = ordo_arena_alloc(arena, sz);
        ck_assert_uint_eq((uintptr_t)p[i] % _Alignof(max_align_t), 0);
        for (size_t k = 0; k < sz; k++) {
            ck_assert_uint_eq(p[i][k], 0);
        }
        memset(p[i], i & 0xff, sz);
    }
    /* Writing every allocation must not have clobbered another one. */
    for (int i = 0; i < 200; i++) {
        ck_assert_uint_eq(p[i][0], (unsigned)(i & 0xff));
    }
}
END_TEST

START_TEST(big_allocation_survives_later_small_ones)
{
    char *big = ordo_arena_alloc(arena, 1u << 20);
    char *small;

    memset(big, 'B', 1u << 20);
    for (int i = 0; i < 1000; i++) {
        small = ordo_arena_alloc(arena, 64);
        memset(small, 's', 64);
    }
    ck_assert_int_eq(big[0], 'B');
    ck_assert_int_eq(big[(1u << 20) - 1], 'B');
    ck_assert_uint_ge(ordo_arena_used(arena), (1u << 20) + 64000u);
    ordo_arena_reset(arena); /* frees the big block too; ASan reports a leak otherwise */
    ck_assert_uint_eq(ordo_arena_used(arena), 0);
}
END_TEST

START_TEST(strings_are_copied)
{
    char src[] = "hello";
    char *d = ordo_arena_strdup(arena, src);
    char *n = ordo_arena_strndup(arena, "abcdef", 3);
    char *f = ordo_arena_printf(arena, "%s-%d", "v", 42);

    src[0] = 'j';
    ck_assert_str_eq(d, "hello");
    ck_assert_str_eq(n, "abc");
    ck_assert_str_eq(f, "v-42");
    ck_assert_ptr_null(ordo_arena_strdup(arena, NULL));
}
END_TEST

START_TEST(grow_keeps_elements_and_doubles)
{
    int *v = NULL;
    size_t n = 0;
    size_t cap = 0;

    for (int i = 0; i < 100; i++) {
        int *before = v;
        size_t old_cap = cap;

        v = ordo_arena_grow(arena, v, n, &cap, sizeof(*v));
        ck_assert(n < cap);
        ck_assert((n == old_cap) == (v != before)); /* moved exactly when full */
        v[n++] = i * 3;
    }
    ck_assert_uint_eq(cap, 128);
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(v[i], (intmax_t)i * 3);
    }
}
END_TEST

START_TEST(free_null_is_noop)
{
    ordo_arena_free(NULL);
    ordo_arena_reset(NULL);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reset_runs_deferred_once);
    tcase_add_test(tc, deferred_run_newest_first);
    tcase_add_test(tc, allocations_are_zeroed_aligned_and_distinct);
    tcase_add_test(tc, big_allocation_survives_later_small_ones);
    tcase_add_test(tc, strings_are_copied);
    tcase_add_test(tc, grow_keeps_elements_and_doubles);
    tcase_add_test(tc, free_null_is_noop);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
