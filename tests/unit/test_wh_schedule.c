/*
 * tests/unit/test_wh_schedule.c - durations of the webhook config keys
 * (base/duration.h) and the retry schedule of outbound webhooks
 * (webhooks/outbound.h).
 */
#include <string.h>

#include <check.h>

#include "base/config.h"
#include "base/duration.h"
#include "base/err.h"
#include "tests/unit/check_main.h"
#include "webhooks/outbound.h"

START_TEST(durations_take_every_unit)
{
    int64_t ms = 0;

    ck_assert_int_eq(ordo_duration_parse("250ms", &ms, NULL), ORDO_OK);
    ck_assert_int_eq(ms, 250);
    ck_assert_int_eq(ordo_duration_parse("15s", &ms, NULL), ORDO_OK);
    ck_assert_int_eq(ms, 15000);
    ck_assert_int_eq(ordo_duration_parse("5m", &ms, NULL), ORDO_OK);
    ck_assert_int_eq(ms, 300000);
    ck_assert_int_eq(ordo_duration_parse(" 2h ", &ms, NULL), ORDO_OK);
    ck_assert_int_eq(ms, 7200000);
    ck_assert_int_eq(ordo_duration_parse("5d", &ms, NULL), ORDO_OK);
    ck_assert_int_eq(ms, 432000000);
}
END_TEST

START_TEST(malformed_durations_are_named)
{
    static const char *const bad[] = {
        "", "5", "s", "-5s", "1.5s", "5 s", "5sec", "5S", "99999999999999999999d", "4000000000d"};
    struct ordo_err err = {0};
    int64_t ms = 0;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ordo_err_clear(&err);
        ck_assert_msg(ordo_duration_parse(bad[i], &ms, &err) == ORDO_E_INVAL, "%s", bad[i]);
    }
    ordo_err_clear(&err);
    (void)ordo_duration_parse("5sec", &ms, &err);
    ck_assert_ptr_nonnull(strstr(err.msg, "\"5sec\""));
}
END_TEST

START_TEST(schedule_lists_parse_and_refuse_empty_items)
{
    int64_t v[ORDO_DURATION_LIST_MAX];
    size_t n = 0;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_duration_list_parse("5s,5m,30m,2h,5h,10h,14h,20h,24h", v, &n, NULL),
                     ORDO_OK);
    ck_assert_uint_eq(n, 9);
    ck_assert_int_eq(v[0], 5000);
    ck_assert_int_eq(v[8], 86400000);
    ck_assert_int_eq(ordo_duration_list_parse("50ms, 100ms", v, &n, NULL), ORDO_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(v[1], 100);
    ck_assert_int_eq(ordo_duration_list_parse("5s,,5m", v, &n, &err), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_duration_list_parse("", v, &n, NULL), ORDO_E_INVAL);
    ck_assert_int_eq(ordo_duration_list_parse("5s,x", v, &n, NULL), ORDO_E_INVAL);
}
END_TEST

/* The default config: 10 attempts (9 waits) over about three days. */
START_TEST(default_schedule_is_ten_attempts_over_three_days)
{
    struct ordo_config cfg;
    struct ordo_wh_sender_options o = {0};
    int64_t total = 0;

    ordo_config_defaults(&cfg);
    ck_assert_int_eq(ordo_wh_sender_config(&cfg, &o, NULL), ORDO_OK);
    ck_assert_int_eq(o.threads, 2);
    ck_assert_int_eq(o.timeout_ms, 15000);
    ck_assert_int_eq(o.disable_after_ms, 5LL * 86400000);
    for (int attempt = 1; attempt <= 9; attempt++) {
        ck_assert_int_gt(ordo_wh_retry_delay(&o, attempt, -1), 0);
        total += ordo_wh_retry_delay(&o, attempt, -1);
    }
    ck_assert_int_eq(ordo_wh_retry_delay(&o, 10, -1), -1); /* the tenth was the last */
    ck_assert_int_eq(total, (5 + 300 + 1800 + 7200 + 18000 + 36000 + 50400 + 72000 + 86400) *
                                1000LL); /* 75:35:05 */
}
END_TEST

START_TEST(retry_after_raises_the_wait_up_to_a_day)
{
    struct ordo_wh_sender_options o = {.schedule = {1000, 2000}, .nschedule = 2};

    ck_assert_int_eq(ordo_wh_retry_delay(&o, 1, -1), 1000);
    ck_assert_int_eq(ordo_wh_retry_delay(&o, 1, 500), 1000);
    ck_assert_int_eq(ordo_wh_retry_delay(&o, 2, 60000), 60000);
    ck_assert_int_eq(ordo_wh_retry_delay(&o, 1, 7LL * 86400000), ORDO_WH_RETRY_AFTER_MAX);
    ck_assert_int_eq(ordo_wh_retry_delay(&o, 3, 60000), -1);
    ck_assert_int_eq(ordo_wh_retry_delay(&o, 0, -1), -1);
}
END_TEST

START_TEST(bad_config_names_the_key)
{
    struct ordo_config cfg;
    struct ordo_wh_sender_options o = {0};
    struct ordo_err err = {0};

    ordo_config_defaults(&cfg);
    cfg.webhook_retry_schedule = "5s,soon";
    ck_assert_int_eq(ordo_wh_sender_config(&cfg, &o, &err), ORDO_E_INVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "webhook_retry_schedule"));
    ck_assert_ptr_nonnull(strstr(err.msg, "soon"));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("wh_schedule");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, durations_take_every_unit);
    tcase_add_test(tc, malformed_durations_are_named);
    tcase_add_test(tc, schedule_lists_parse_and_refuse_empty_items);
    tcase_add_test(tc, default_schedule_is_ten_attempts_over_three_days);
    tcase_add_test(tc, retry_after_raises_the_wait_up_to_a_day);
    tcase_add_test(tc, bad_config_names_the_key);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
