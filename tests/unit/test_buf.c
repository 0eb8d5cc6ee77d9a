#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "base/buf.h"
#include "tests/unit/check_main.h"

START_TEST(empty_buffer_is_empty_string)
{
    struct ordo_buf b = ORDO_BUF_INIT;

    ck_assert_str_eq(ordo_buf_cstr(&b), "");
    ck_assert_uint_eq(b.len, 0);
    ordo_buf_cleanup(&b);
}
END_TEST

START_TEST(appends_grow_and_stay_terminated)
{
    struct ordo_buf b = ORDO_BUF_INIT;

    for (int i = 0; i < 10000; i++) {
        ordo_buf_putc(&b, (char)('a' + i % 26));
    }
    ck_assert_uint_eq(b.len, 10000);
    ck_assert_uint_eq(strlen(ordo_buf_cstr(&b)), 10000);
    ordo_buf_printf(&b, "|%d|%s", 7, "end");
    ck_assert_str_eq(ordo_buf_cstr(&b) + 10000, "|7|end");
    ordo_buf_reset(&b);
    ck_assert_str_eq(ordo_buf_cstr(&b), "");
    ordo_buf_puts(&b, "again");
    ck_assert_str_eq(ordo_buf_cstr(&b), "again");
    ordo_buf_cleanup(&b);
}
END_TEST

START_TEST(binary_content_keeps_length)
{
    struct ordo_buf b = ORDO_BUF_INIT;

    ordo_buf_append(&b, "a\0b", 3);
    ck_assert_uint_eq(b.len, 3);
    ck_assert_int_eq(memcmp(b.data, "a\0b", 3), 0);
    ordo_buf_cleanup(&b);
}
END_TEST

START_TEST(take_hands_over_content)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    size_t len = 99;
    char *s;

    s = ordo_buf_take(&b, &len);
    ck_assert_str_eq(s, "");
    ck_assert_uint_eq(len, 0);
    free(s);
    ordo_buf_puts(&b, "kept");
    s = ordo_buf_take(&b, &len);
    ck_assert_str_eq(s, "kept");
    ck_assert_uint_eq(len, 4);
    ck_assert_ptr_null(b.data);
    free(s);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, empty_buffer_is_empty_string);
    tcase_add_test(tc, appends_grow_and_stay_terminated);
    tcase_add_test(tc, binary_content_keeps_length);
    tcase_add_test(tc, take_hands_over_content);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
