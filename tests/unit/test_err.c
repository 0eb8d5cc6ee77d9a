#include <string.h>

#include <check.h>

#include "base/err.h"
#include "tests/unit/check_main.h"

START_TEST(first_error_wins)
{
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_err_set(&err, ORDO_E_NOTFOUND, "task \"%s\" not found", "t1"),
                     ORDO_E_NOTFOUND);
    ck_assert_int_eq(ordo_err_set(&err, ORDO_E_INTERNAL, "later"), ORDO_E_INTERNAL);
    ck_assert_int_eq(err.code, ORDO_E_NOTFOUND);
    ck_assert_str_eq(err.msg, "task \"t1\" not found");
}
END_TEST

START_TEST(null_record_still_returns_code)
{
    ck_assert_int_eq(ordo_err_set(NULL, ORDO_E_TOOBIG, "x"), ORDO_E_TOOBIG);
}
END_TEST

START_TEST(long_message_is_truncated_not_overflowed)
{
    struct ordo_err err = {0};
    char big[600];

    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ordo_err_set(&err, ORDO_E_INVAL, "%s", big);
    ck_assert_uint_eq(strlen(err.msg), ORDO_ERR_MSG_SIZE - 1);
}
END_TEST

START_TEST(truncation_keeps_whole_characters)
{
    struct ordo_err err = {0};
    char big[600] = "";

    for (int i = 0; i < 250; i++) {
        memcpy(big + (size_t)2 * (size_t)i, "\xc3\xa9", 2); /* 250 x U+00E9, 500 bytes */
    }
    big[500] = '\0';
    ordo_err_set(&err, ORDO_E_INVAL, "%s", big); /* a cut at 255 bytes would split one */
    ck_assert_uint_eq(strlen(err.msg), 254);
    ck_assert_int_eq((unsigned char)err.msg[253], 0xa9);
}
END_TEST

START_TEST(table_maps_names_and_statuses)
{
    ck_assert_str_eq(ordo_code_name(ORDO_E_NOTFOUND), "ORDO_E_NOTFOUND");
    ck_assert_int_eq(ordo_code_http_status(ORDO_E_NOTFOUND), 404);
    ck_assert_int_eq(ordo_code_http_status(ORDO_E_UNPROCESSABLE), 422);
    ck_assert_int_eq(ordo_code_http_status(ORDO_E_AGAIN), 503);
    ck_assert_int_eq(ordo_code_http_status(ORDO_E_TIMEOUT), 504);
    ck_assert_int_eq(ordo_code_http_status(ORDO_OK), 200);
    ck_assert_str_eq(ordo_code_name(ORDO_OK), "ORDO_OK");
    /* Out-of-range values degrade to INTERNAL rather than reading past the table. */
    ck_assert_str_eq(ordo_code_name((enum ordo_code)999), "ORDO_E_INTERNAL");
    ck_assert_int_eq(ordo_code_http_status((enum ordo_code) - 1), 500);
}
END_TEST

START_TEST(message_falls_back_to_code_text)
{
    struct ordo_err err = {0};

    err.code = ORDO_E_FORBIDDEN;
    ck_assert_str_eq(ordo_err_message(&err), "not allowed");
    ordo_err_set(&err, ORDO_E_INVAL, "ignored, FORBIDDEN was first");
    ck_assert_str_eq(ordo_err_message(&err), "not allowed");
    ordo_err_clear(&err);
    ck_assert_int_eq(err.code, ORDO_OK);
    ordo_err_set(&err, ORDO_E_INVAL, "now recorded");
    ck_assert_str_eq(ordo_err_message(&err), "now recorded");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("err");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, first_error_wins);
    tcase_add_test(tc, null_record_still_returns_code);
    tcase_add_test(tc, long_message_is_truncated_not_overflowed);
    tcase_add_test(tc, truncation_keeps_whole_characters);
    tcase_add_test(tc, table_maps_names_and_statuses);
    tcase_add_test(tc, message_falls_back_to_code_text);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
