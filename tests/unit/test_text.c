/*
 * base/text: NULL-safe equality and UTF-8 helpers.
 */
#include <string.h>

#include <check.h>

#include "base/arena.h"
#include "base/text.h"
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

START_TEST(streq_treats_null_as_a_value)
{
    ck_assert(ordo_streq(NULL, NULL));
    ck_assert(!ordo_streq("a", NULL));
    ck_assert(!ordo_streq(NULL, "a"));
    ck_assert(ordo_streq("abc", "abc"));
    ck_assert(!ordo_streq("abc", "abd"));
}
END_TEST

START_TEST(decode_reads_code_points_and_replaces_bad_bytes)
{
    size_t len;

    ck_assert_uint_eq(ordo_utf8_decode("A", &len), 'A');
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(ordo_utf8_decode("\xc2\xa0", &len), 0xA0);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(ordo_utf8_decode("\xe2\x80\x83", &len), 0x2003);
    ck_assert_uint_eq(len, 3);
    ck_assert_uint_eq(ordo_utf8_decode("\xf0\x9f\x98\x80", &len), 0x1F600);
    ck_assert_uint_eq(len, 4);
    ck_assert_uint_eq(ordo_utf8_decode("\xff", &len), 0xFFFD);
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(ordo_utf8_decode("\xe2\x80", &len), 0xFFFD); /* cut short by the NUL */
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(ordo_utf8_decode("\xc0\xaf", &len), 0xFFFD); /* overlong '/' */
}
END_TEST

START_TEST(repair_returns_valid_text_unchanged_and_fixes_the_rest)
{
    const char *ok = "gr\xc3\xbc\xc3\x9f";

    ck_assert_ptr_eq(ordo_utf8_repair(arena, ok), ok);
    ck_assert_str_eq(ordo_utf8_repair(arena, "a\xff"
                                             "b\xe2\x80"),
                     "a\xef\xbf\xbd"
                     "b\xef\xbf\xbd");
    ck_assert_str_eq(ordo_utf8_repair(arena, "\xed\xa0\x80"), /* a surrogate: three bad bytes */
                     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST(trim_partial_never_splits_a_character)
{
    const char *s = "a\xc3\xa9\xe2\x82\xac"; /* a é € */

    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 1), 1);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 2), 1);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 3), 3);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 4), 3);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 5), 3);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 6), 6);
    ck_assert_uint_eq(ordo_utf8_trim_partial(s, 0), 0);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, streq_treats_null_as_a_value);
    tcase_add_test(tc, decode_reads_code_points_and_replaces_bad_bytes);
    tcase_add_test(tc, repair_returns_valid_text_unchanged_and_fixes_the_rest);
    tcase_add_test(tc, trim_partial_never_splits_a_character);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
