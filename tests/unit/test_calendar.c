/*
 * base/calendar: the proleptic Gregorian calendar and RFC 3339 timestamps.
 *
 * Day numbers were checked against Python 3.11:
 *   date(y, m, d).toordinal() - date(1970, 1, 1).toordinal()
 * (years 1 to 9999) and, for the years Python's date lacks, against the
 * 400-year cycle: 146097 days, so day(y - 400, m, d) = day(y, m, d) - 146097.
 * Timestamps: datetime.fromtimestamp(ms / 1000, timezone.utc).
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "base/calendar.h"
#include "tests/unit/check_main.h"

struct civil_case {
    int64_t y;
    int m;
    int d;
    int64_t day;
};

static const struct civil_case civil_cases[] = {
    {1970, 1, 1, 0},
    {1969, 12, 31, -1},
    {1970, 3, 1, 59},
    {2000, 1, 1, 10957},
    {2000, 2, 29, 11016},
    {2000, 3, 1, 11017},
    {2024, 2, 29, 19782},
    {2026, 11, 25, 20782},
    {1900, 3, 1, -25508},
    {1600, 1, 1, -135140},
    {1, 1, 1, -719162},
    {0, 3, 1, -719468}, /* the start of Hinnant's era 0 */
    {0, 1, 1, -719528},
    {-1, 12, 31, -719529},
    {-400, 1, 1, -719528 - 146097},
    {9999, 12, 31, 2932896},
    {10000, 1, 1, 2932897},
};

START_TEST(days_from_civil_matches_known_dates)
{
    for (size_t i = 0; i < sizeof(civil_cases) / sizeof(civil_cases[0]); i++) {
        const struct civil_case *c = &civil_cases[i];
        int64_t y;
        int m;
        int d;

        ck_assert_msg(ordo_days_from_civil(c->y, c->m, c->d) == c->day,
                      "%lld-%02d-%02d: got day %lld, want %lld", (long long)c->y, c->m, c->d,
                      (long long)ordo_days_from_civil(c->y, c->m, c->d), (long long)c->day);
        ordo_civil_from_days(c->day, &y, &m, &d);
        ck_assert_msg(y == c->y && m == c->m && d == c->d,
                      "day %lld: got %lld-%02d-%02d, want %lld-%02d-%02d", (long long)c->day,
                      (long long)y, m, d, (long long)c->y, c->m, c->d);
    }
}
END_TEST

START_TEST(days_from_civil_rolls_over_days_past_the_month)
{
    /* Day 0 is the last of the month before; February 30 is March 1 or 2. */
    ck_assert_int_eq(ordo_days_from_civil(1970, 1, 0), -1);
    ck_assert_int_eq(ordo_days_from_civil(2026, 2, 30), ordo_days_from_civil(2026, 3, 2));
    ck_assert_int_eq(ordo_days_from_civil(2024, 2, 30), ordo_days_from_civil(2024, 3, 1));
}
END_TEST

START_TEST(leap_years_follow_the_gregorian_rules)
{
    ck_assert(!ordo_is_leap_year(1900));
    ck_assert(ordo_is_leap_year(2000));
    ck_assert(ordo_is_leap_year(2024));
    ck_assert(!ordo_is_leap_year(2100));
    ck_assert(!ordo_is_leap_year(2026));
    ck_assert(ordo_is_leap_year(1600));
    ck_assert(ordo_is_leap_year(0));
    ck_assert(ordo_is_leap_year(-4));
    ck_assert(!ordo_is_leap_year(-1));
    ck_assert(!ordo_is_leap_year(-100));
    ck_assert(ordo_is_leap_year(-400));
    /* The day after February 28 tells the same. */
    ck_assert_int_eq(ordo_days_from_civil(1900, 3, 1) - ordo_days_from_civil(1900, 2, 28), 1);
    ck_assert_int_eq(ordo_days_from_civil(2000, 3, 1) - ordo_days_from_civil(2000, 2, 28), 2);
    ck_assert_int_eq(ordo_days_from_civil(2024, 3, 1) - ordo_days_from_civil(2024, 2, 28), 2);
    ck_assert_int_eq(ordo_days_from_civil(2100, 3, 1) - ordo_days_from_civil(2100, 2, 28), 1);
}
END_TEST

START_TEST(days_in_month_counts_february_by_the_year)
{
    static const int common[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    for (int m = 1; m <= 12; m++) {
        ck_assert_int_eq(ordo_days_in_month(2026, m), common[m - 1]);
        ck_assert_int_eq(ordo_days_in_month(2024, m), m == 2 ? 29 : common[m - 1]);
        /* the length agrees with the day numbers */
        ck_assert_int_eq(ordo_days_in_month(-7, m),
                         ordo_days_from_civil(m == 12 ? -6 : -7, m == 12 ? 1 : m + 1, 1) -
                             ordo_days_from_civil(-7, m, 1));
    }
    ck_assert_int_eq(ordo_days_in_month(1900, 2), 28);
    ck_assert_int_eq(ordo_days_in_month(2000, 2), 29);
    ck_assert_int_eq(ordo_days_in_month(2100, 2), 28);
}
END_TEST

/* The day after (y, m, d), counted by hand. */
static void next_day(int64_t *y, int *m, int *d)
{
    if (*d < ordo_days_in_month(*y, *m)) {
        ++*d;
    } else if (*m < 12) {
        ++*m;
        *d = 1;
    } else {
        ++*y;
        *m = 1;
        *d = 1;
    }
}

START_TEST(civil_days_round_trip_over_a_wide_range)
{
    int64_t want_y = -1000;
    int want_m = 1;
    int want_d = 1;
    int64_t y;
    int m;
    int d;

    /* Every day of the years -1000 to 3000 (plain comparisons: a Check
     * assertion for each of 1.5 million days is slow under ASan). */
    for (int64_t day = ordo_days_from_civil(-1000, 1, 1); day <= ordo_days_from_civil(3000, 12, 31);
         day++) {
        ordo_civil_from_days(day, &y, &m, &d);
        if (y != want_y || m != want_m || d != want_d || ordo_days_from_civil(y, m, d) != day) {
            ck_abort_msg("day %lld: got %lld-%02d-%02d, want %lld-%02d-%02d", (long long)day,
                         (long long)y, m, d, (long long)want_y, want_m, want_d);
        }
        next_day(&want_y, &want_m, &want_d);
    }
    ck_assert(want_y == 3001 && want_m == 1 && want_d == 1);
    /* Sampled out to FEEL's years (+-999,999,999) and beyond. */
    for (int64_t day = -INT64_C(400000000000); day <= INT64_C(400000000000);
         day += INT64_C(99999999977)) {
        ordo_civil_from_days(day, &y, &m, &d);
        ck_assert(m >= 1 && m <= 12 && d >= 1 && d <= ordo_days_in_month(y, m));
        ck_assert_int_eq(ordo_days_from_civil(y, m, d), day);
    }
    ck_assert_int_eq(
        ordo_days_from_civil(999999999, 12, 31) - ordo_days_from_civil(999999599, 12, 31), 146097);
    ck_assert_int_eq(
        ordo_days_from_civil(-999999999, 1, 1) - ordo_days_from_civil(-999999599, 1, 1), -146097);
}
END_TEST

START_TEST(floor_division_rounds_towards_minus_infinity)
{
    ck_assert_int_eq(ordo_floor_div(7, 2), 3);
    ck_assert_int_eq(ordo_floor_div(-7, 2), -4);
    ck_assert_int_eq(ordo_floor_div(-1, 86400), -1);
    ck_assert_int_eq(ordo_floor_div(-86400, 86400), -1);
    ck_assert_int_eq(ordo_floor_div(7, -2), -4);
    ck_assert_int_eq(ordo_floor_mod(-1, 7), 6);
    ck_assert_int_eq(ordo_floor_mod(-7, 7), 0);
    ck_assert_int_eq(ordo_floor_mod(7, -2), -1);
    ck_assert_int_eq(ordo_floor_div(INT64_MIN, 1000), -INT64_C(9223372036854776));
    ck_assert_int_eq(ordo_floor_mod(INT64_MIN, 1000), 192);
    ck_assert_int_eq(ordo_floor_mod(INT64_MAX, 1000), 807);
}
END_TEST

struct months_case {
    int64_t y;
    int m, d;
    int64_t months;
    int64_t want_y;
    int want_m, want_d;
};

static const struct months_case months_cases[] = {
    {2024, 1, 31, 1, 2024, 2, 29}, /* java.time: to the end of a leap February */
    {2023, 1, 31, 1, 2023, 2, 28}, {2026, 3, 31, -13, 2025, 2, 28}, {2026, 11, 25, 14, 2028, 1, 25},
    {1, 1, 15, -13, -1, 12, 15},   {2026, 5, 31, 0, 2026, 5, 31},   {2026, 5, 31, 1, 2026, 6, 30},
};

START_TEST(add_months_clamps_the_day_to_the_month)
{
    for (size_t i = 0; i < sizeof(months_cases) / sizeof(months_cases[0]); i++) {
        const struct months_case *c = &months_cases[i];
        int64_t y = c->y;
        int m = c->m;
        int d = c->d;

        ordo_civil_add_months(&y, &m, &d, c->months);
        ck_assert_msg(y == c->want_y && m == c->want_m && d == c->want_d,
                      "%lld-%02d-%02d %+lld months: got %lld-%02d-%02d", (long long)c->y, c->m,
                      c->d, (long long)c->months, (long long)y, m, d);
    }
}
END_TEST

static const char *rfc3339(int64_t ms, char out[ORDO_RFC3339_MS_SIZE])
{
    ordo_format_rfc3339_ms(ms, out);
    return out;
}

START_TEST(rfc3339_writes_utc_with_milliseconds)
{
    char buf[ORDO_RFC3339_MS_SIZE];

    ck_assert_str_eq(rfc3339(0, buf), "1970-01-01T00:00:00.000Z");
    ck_assert_str_eq(rfc3339(1, buf), "1970-01-01T00:00:00.001Z");
    ck_assert_str_eq(rfc3339(999, buf), "1970-01-01T00:00:00.999Z");
    ck_assert_str_eq(rfc3339(INT64_C(1795602600000), buf), "2026-11-25T10:30:00.000Z");
    ck_assert_str_eq(rfc3339(INT64_C(951868799007), buf), "2000-02-29T23:59:59.007Z");
    ck_assert_str_eq(rfc3339(INT64_C(951868800120), buf), "2000-03-01T00:00:00.120Z");
    ck_assert_str_eq(rfc3339(INT64_C(253402300799999), buf), "9999-12-31T23:59:59.999Z");
    ck_assert_str_eq(rfc3339(-INT64_C(62135596800000), buf), "0001-01-01T00:00:00.000Z");
    ck_assert_uint_eq(strlen(buf), ORDO_RFC3339_MS_SIZE - 1);
}
END_TEST

START_TEST(rfc3339_writes_times_before_1970)
{
    char buf[ORDO_RFC3339_MS_SIZE];

    ck_assert_str_eq(rfc3339(-1, buf), "1969-12-31T23:59:59.999Z");
    ck_assert_str_eq(rfc3339(-999, buf), "1969-12-31T23:59:59.001Z");
    ck_assert_str_eq(rfc3339(-1000, buf), "1969-12-31T23:59:59.000Z");
    ck_assert_str_eq(rfc3339(-1001, buf), "1969-12-31T23:59:58.999Z");
    ck_assert_str_eq(rfc3339(-INT64_C(86400000), buf), "1969-12-31T00:00:00.000Z");
    ck_assert_str_eq(rfc3339(-INT64_C(86400001), buf), "1969-12-30T23:59:59.999Z");
    ck_assert_str_eq(rfc3339(-INT64_C(2208988800000), buf), "1900-01-01T00:00:00.000Z");
    ck_assert_str_eq(rfc3339(-INT64_C(62167219200000), buf), "0000-01-01T00:00:00.000Z");
}
END_TEST

START_TEST(rfc3339_clamps_years_to_four_digits)
{
    char buf[ORDO_RFC3339_MS_SIZE];

    /* Only the year is clamped; the rest is the true date and time. */
    ck_assert_str_eq(rfc3339(INT64_C(253402300800000), buf), "9999-01-01T00:00:00.000Z");
    ck_assert_str_eq(rfc3339(-INT64_C(62167219200001), buf), "0000-12-31T23:59:59.999Z");
    ck_assert_str_eq(rfc3339(INT64_MAX, buf), "9999-08-17T07:12:55.807Z");
    ck_assert_str_eq(rfc3339(INT64_MIN, buf), "0000-05-16T16:47:04.192Z");
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("calendar");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, days_from_civil_matches_known_dates);
    tcase_add_test(tc, days_from_civil_rolls_over_days_past_the_month);
    tcase_add_test(tc, leap_years_follow_the_gregorian_rules);
    tcase_add_test(tc, days_in_month_counts_february_by_the_year);
    tcase_add_test(tc, civil_days_round_trip_over_a_wide_range);
    tcase_add_test(tc, floor_division_rounds_towards_minus_infinity);
    tcase_add_test(tc, add_months_clamps_the_day_to_the_month);
    tcase_add_test(tc, rfc3339_writes_utc_with_milliseconds);
    tcase_add_test(tc, rfc3339_writes_times_before_1970);
    tcase_add_test(tc, rfc3339_clamps_years_to_four_digits);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
