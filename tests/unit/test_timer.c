/*
 * bpmn/timer: ISO 8601 dates, durations and repeating intervals, and cron,
 * and when each is next due, in UTC and in zones with daylight saving time.
 *
 * Calendar facts used below: 2026-03-27 is a Friday; Europe/Berlin moves
 * to +02:00 at 2026-03-29T01:00Z and back at 2026-10-25T01:00Z.
 *
 * The suite is skipped (exit 77, with a reason) when the machine has no
 * zoneinfo database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "base/text.h"
#include "base/tz.h"
#include "bpmn/timer.h"
#include "tests/unit/utc_ms.h"

static struct ordo_arena *arena;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

static const struct ordo_tz *zone(const char *name)
{
    const struct ordo_tz *tz = NULL;

    ck_assert_int_eq(ordo_tz_get(name, &tz, NULL), ORDO_OK);
    return tz;
}

static const struct ordo_timer *parse(enum ordo_timer_kind kind, const char *text)
{
    const struct ordo_timer *t = NULL;
    struct ordo_err err = {0};

    ck_assert_msg(ordo_timer_parse(arena, kind, text, &t, &err) == ORDO_OK, "\"%s\": %s", text,
                  err.msg);
    ck_assert_int_eq(ordo_timer_kind_of(t), kind);
    return t;
}

/* 'text' of 'kind', armed at 'armed', fired 'fired' times, is due at 'want'
 * after 'after' in zone 'tz' (a name; NULL: UTC). */
static void assert_due(enum ordo_timer_kind kind, const char *text, const char *tz,
                       const char *armed, uint32_t fired, const char *after, const char *want)
{
    const struct ordo_timer *t = parse(kind, text);
    int64_t due = 0;
    bool ok = ordo_timer_due(t, ordotest_utc_ms(armed), fired, ordotest_utc_ms(after),
                             tz ? zone(tz) : NULL, &due);

    ck_assert_msg(ok, "\"%s\" after %s: never due, want %s", text, after, want);
    ck_assert_msg(due == ordotest_utc_ms(want), "\"%s\" after %s in %s: due %lld, want %s (%lld)",
                  text, after, tz ? tz : "UTC", (long long)due, want,
                  (long long)ordotest_utc_ms(want));
}

static void assert_never(enum ordo_timer_kind kind, const char *text, const char *tz,
                         const char *armed, uint32_t fired, const char *after)
{
    const struct ordo_timer *t = parse(kind, text);
    int64_t due = 0;

    ck_assert_msg(!ordo_timer_due(t, ordotest_utc_ms(armed), fired, ordotest_utc_ms(after),
                                  tz ? zone(tz) : NULL, &due),
                  "\"%s\" after %s: due %lld, want never", text, after, (long long)due);
}

/* A cron expression's next 'n' due times from 'after', one after another. */
static void assert_sequence(const char *cron, const char *tz, const char *after,
                            const char *const *want, int n)
{
    const struct ordo_timer *t = parse(ORDO_TIMER_CYCLE, cron);
    int64_t from = ordotest_utc_ms(after);

    for (int i = 0; i < n; i++) {
        int64_t due = 0;

        ck_assert_msg(ordo_timer_due(t, 0, (uint32_t)i, from, tz ? zone(tz) : NULL, &due),
                      "\"%s\": occurrence %d never due", cron, i);
        ck_assert_msg(due == ordotest_utc_ms(want[i]), "\"%s\" occurrence %d: %lld, want %s", cron,
                      i, (long long)due, want[i]);
        from = due;
    }
}

static void assert_error(enum ordo_timer_kind kind, const char *text, const char *fragment)
{
    struct ordo_arena *a = ordo_arena_new();
    const struct ordo_timer *t = NULL;
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_timer_parse(a, kind, text, &t, &err), ORDO_E_UNPROCESSABLE);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(err.msg, fragment) != NULL, "\"%s\": message \"%s\" lacks \"%s\"", text,
                  err.msg, fragment);
    ck_assert_msg(ordo_utf8_repair(a, err.msg) == err.msg, "message is not UTF-8: %s", err.msg);
    ordo_arena_free(a);
}

#define D  ORDO_TIMER_DATE
#define DU ORDO_TIMER_DURATION
#define C  ORDO_TIMER_CYCLE
#define T0 "2026-03-27T12:00:00" /* a Friday: the default arming and "now" */

START_TEST(dates_in_every_form)
{
    assert_due(D, "2026-12-01T09:00:00Z", "Europe/Berlin", T0, 0, T0, "2026-12-01T09:00:00");
    assert_due(D, "2026-12-01T09:00:00+01:00", NULL, T0, 0, T0, "2026-12-01T08:00:00");
    assert_due(D, "2026-12-01T09:00:00-0530", NULL, T0, 0, T0, "2026-12-01T14:30:00");
    assert_due(D, "2026-12-01T09:00:00+02", NULL, T0, 0, T0, "2026-12-01T07:00:00");
    assert_due(D, "2026-12-01T09:00Z", NULL, T0, 0, T0, "2026-12-01T09:00:00");
    assert_due(D, " 2026-12-01T09:00:00.250Z\n", NULL, T0, 0, T0, "2026-12-01T09:00:00.250");
    /* a local date-time is read in the zone it is due in */
    assert_due(D, "2026-12-01T09:00:00", NULL, T0, 0, T0, "2026-12-01T09:00:00");
    assert_due(D, "2026-12-01T09:00:00", "Europe/Berlin", T0, 0, T0, "2026-12-01T08:00:00");
    assert_due(D, "2026-07-01T09:00:00", "Europe/Berlin", T0, 0, T0, "2026-07-01T07:00:00");
    assert_due(D, "2026-12-01T09:00:00", "America/New_York", T0, 0, T0, "2026-12-01T14:00:00");
    /* a zone named in the text wins over the caller's */
    assert_due(D, "2026-12-01T09:00:00[Europe/Berlin]", "America/New_York", T0, 0, T0,
               "2026-12-01T08:00:00");
    assert_due(D, "2026-07-01T09:00:00@Europe/Berlin", "Asia/Kolkata", T0, 0, T0,
               "2026-07-01T07:00:00");
    assert_due(D, "2026-12-01T09:00:00+01:00[Europe/Berlin]", NULL, T0, 0, T0,
               "2026-12-01T08:00:00");
    /* a date alone is midnight in the zone */
    assert_due(D, "2026-12-01", NULL, T0, 0, T0, "2026-12-01T00:00:00");
    assert_due(D, "2026-12-01", "Asia/Kolkata", T0, 0, T0, "2026-11-30T18:30:00");
    assert_due(D, "2026-12-01[Australia/Lord_Howe]", NULL, T0, 0, T0, "2026-11-30T13:00:00");
    /* a time that the spring change skips is due when the gap ends */
    assert_due(D, "2026-03-29T02:30:00", "Europe/Berlin", T0, 0, T0, "2026-03-29T01:30:00");
}
END_TEST

/* The ISO 8601 that timers read is wider than FEEL's (bpmn/iso8601.h):
 * seconds are optional, a fraction may follow ',' and is cut to
 * milliseconds; years have four digits, from 0001. */
START_TEST(dates_and_durations_read_the_timer_dialect)
{
    assert_due(D, "2026-12-01T09:00:00,5Z", NULL, T0, 0, T0, "2026-12-01T09:00:00.500");
    assert_due(D, "2026-12-01T09:00:00.1239Z", NULL, T0, 0, T0, "2026-12-01T09:00:00.123");
    assert_due(D, "2024-02-29T10:00Z", NULL, T0, 0, T0, "2024-02-29T10:00:00");
    assert_due(DU, "PT0,25S", NULL, T0, 0, T0, "2026-03-27T12:00:00.250");
    assert_error(D, "0000-01-01T00:00:00Z", "expected an ISO 8601 date-time");
    assert_error(D, "+10000-01-01T00:00:00Z", "expected an ISO 8601 date-time");
    assert_error(D, "2026-02-29", "expected an ISO 8601 date-time");
    assert_error(D, "2026-12-01T09:00:00.1234567891Z", "expected a time of day");
    assert_error(D, "2026-12-01T24:00:00Z", "expected a time of day");
    assert_error(D, "2026-12-01T09:00.5Z", "unexpected text after the date-time");
}
END_TEST

START_TEST(a_date_fires_once_even_when_missed)
{
    assert_due(D, "2026-01-01T00:00:00Z", NULL, T0, 0, T0, "2026-01-01T00:00:00");
    assert_never(D, "2026-01-01T00:00:00Z", NULL, T0, 1, T0);
    assert_never(D, "2030-01-01T00:00:00Z", NULL, T0, 1, T0);
}
END_TEST

START_TEST(durations_in_every_form)
{
    assert_due(DU, "PT15M", NULL, T0, 0, T0, "2026-03-27T12:15:00");
    assert_due(DU, "P1DT12H", NULL, T0, 0, T0, "2026-03-29T00:00:00");
    assert_due(DU, "P2W", NULL, T0, 0, T0, "2026-04-10T12:00:00");
    assert_due(DU, "PT1.5S", NULL, T0, 0, T0, "2026-03-27T12:00:01.500");
    assert_due(DU, "PT0S", NULL, T0, 0, T0, T0);
    assert_due(DU, "P1Y2M3W4DT5H6M7.89S", NULL, T0, 0, T0, "2027-06-21T17:06:07.890");
    /* months keep the day, clamped to the end of the month */
    assert_due(DU, "P1M", NULL, "2026-01-31T09:00:00", 0, T0, "2026-02-28T09:00:00");
    assert_due(DU, "P1Y", NULL, "2024-02-29T09:00:00", 0, T0, "2025-02-28T09:00:00");
    assert_due(DU, "P1M", NULL, "2024-01-31T09:00:00", 0, T0, "2024-02-29T09:00:00");
    /* a duration fires once */
    assert_never(DU, "PT15M", NULL, T0, 1, T0);
}
END_TEST

START_TEST(days_are_calendar_days_across_dst)
{
    /* 13:00 in Berlin the day before each change */
    assert_due(DU, "P1D", "Europe/Berlin", "2026-03-28T12:00:00", 0, T0, "2026-03-29T11:00:00");
    assert_due(DU, "PT24H", "Europe/Berlin", "2026-03-28T12:00:00", 0, T0, "2026-03-29T12:00:00");
    assert_due(DU, "P1D", "Europe/Berlin", "2026-10-24T11:00:00", 0, T0, "2026-10-25T12:00:00");
    assert_due(DU, "PT24H", "Europe/Berlin", "2026-10-24T11:00:00", 0, T0, "2026-10-25T11:00:00");
    assert_due(DU, "P1W", "America/New_York", "2026-03-02T14:00:00", 0, T0, "2026-03-09T13:00:00");
    /* in UTC a day is 24 hours */
    assert_due(DU, "P1D", NULL, "2026-03-28T12:00:00", 0, T0, "2026-03-29T12:00:00");
}
END_TEST

START_TEST(repetitions_are_counted)
{
    const struct ordo_timer *t = parse(C, "R5/PT10M");
    int64_t after = ordotest_utc_ms(T0);
    int64_t due;

    for (uint32_t fired = 0; fired < 5; fired++) {
        ck_assert(ordo_timer_due(t, ordotest_utc_ms(T0), fired, after, NULL, &due));
        ck_assert_int_eq(due, ordotest_utc_ms(T0) + (int64_t)(fired + 1) * 600000);
        after = due;
    }
    ck_assert(!ordo_timer_due(t, ordotest_utc_ms(T0), 5, after, NULL, &due));
    assert_never(C, "R0/PT1H", NULL, T0, 0, T0);
    /* unbounded */
    assert_due(C, "R/PT1H", NULL, T0, 0, T0, "2026-03-27T13:00:00");
    assert_due(C, "R/PT1H", NULL, T0, 100000, "2026-03-27T15:30:00", "2026-03-27T16:00:00");
}
END_TEST

START_TEST(a_missed_cycle_fires_once_then_keeps_its_schedule)
{
    const char *cycle = "R/2026-01-01T09:00:00Z/P1D";

    /* armed long ago: the first occurrence is the start, already past */
    assert_due(C, cycle, NULL, "2025-12-01T00:00:00", 0, "2025-12-01T00:00:00",
               "2026-01-01T09:00:00");
    /* fired late, at T0: the next is the first after T0, not 2026-01-02 */
    assert_due(C, cycle, NULL, "2025-12-01T00:00:00", 1, T0, "2026-03-28T09:00:00");
    assert_due(C, cycle, NULL, "2025-12-01T00:00:00", 2, "2026-03-28T09:00:00",
               "2026-03-29T09:00:00");
    /* a pause of an hour-long cycle also fires once */
    assert_due(C, "R/PT1H", NULL, "2026-03-01T00:00:00", 3, T0, "2026-03-27T13:00:00");
    /* with a count: three occurrences from the start */
    assert_due(C, "R3/2026-12-01T09:00:00Z/P1D", NULL, T0, 0, T0, "2026-12-01T09:00:00");
    assert_due(C, "R3/2026-12-01T09:00:00Z/P1D", NULL, T0, 2, "2026-12-02T09:00:00",
               "2026-12-03T09:00:00");
    assert_never(C, "R3/2026-12-01T09:00:00Z/P1D", NULL, T0, 3, "2026-12-03T09:00:00");
}
END_TEST

START_TEST(cycles_add_calendar_units_in_their_zone)
{
    /* START + k * P1M: the 31st where the month has one, else its last day */
    const char *const monthly[] = {"2026-03-31T07:00:00", "2026-04-30T07:00:00",
                                   "2026-05-31T07:00:00"};
    const struct ordo_timer *t = parse(C, "R/2026-01-31T09:00:00[Europe/Berlin]/P1M");
    int64_t after = ordotest_utc_ms("2026-03-01T00:00:00");
    int64_t due;

    for (int i = 0; i < 3; i++) {
        ck_assert(ordo_timer_due(t, 0, (uint32_t)i, after, NULL, &due));
        ck_assert_int_eq(due, ordotest_utc_ms(monthly[i]));
        after = due;
    }
    /* a local start keeps 09:00 in the caller's zone across the change */
    assert_due(C, "R/2026-03-28T09:00:00/P1D", "Europe/Berlin", T0, 1, "2026-03-28T08:00:00",
               "2026-03-29T07:00:00");
    /* a start with an offset keeps that offset, as java.time does */
    assert_due(C, "R/2026-03-28T09:00:00+01:00/P1D", "Europe/Berlin", T0, 1, "2026-03-28T08:00:00",
               "2026-03-29T08:00:00");
    /* a cycle without a start counts from the arming, in the caller's zone */
    assert_due(C, "R/P1D", "Europe/Berlin", "2026-03-28T12:00:00", 0, "2026-03-28T12:00:00",
               "2026-03-29T11:00:00");
}
END_TEST

START_TEST(cron_five_fields)
{
    const char *const weekdays[] = {"2026-03-30T09:00:00", "2026-03-31T09:00:00"};
    const char *const quarter[] = {"2026-03-27T12:15:00", "2026-03-27T12:30:00"};
    /* crontab(5)'s example: the 1st and 15th, plus every Friday */
    const char *const either[] = {"2026-04-01T04:30:00", "2026-04-03T04:30:00",
                                  "2026-04-10T04:30:00", "2026-04-15T04:30:00",
                                  "2026-04-17T04:30:00"};

    assert_sequence("0 9 * * MON-FRI", NULL, T0, weekdays, 2);
    assert_sequence("*/15 * * * *", NULL, "2026-03-27T12:07:30", quarter, 2);
    assert_sequence("30 4 1,15 * 5", NULL, T0, either, 5);
    /* a day field starting with "*" leaves the other one alone deciding */
    assert_due(C, "0 0 * * 1", NULL, T0, 0, T0, "2026-03-30T00:00:00");
    assert_due(C, "0 0 1 * *", NULL, T0, 0, T0, "2026-04-01T00:00:00");
    assert_due(C, "0 0 */10 * MON", NULL, T0, 0, T0, "2026-05-11T00:00:00");
    /* 7 is Sunday too */
    assert_due(C, "0 0 * * 7", NULL, T0, 0, T0, "2026-03-29T00:00:00");
    /* strictly after: a match at 'after' itself is not due again */
    assert_due(C, "0 12 * * *", NULL, T0, 0, T0, "2026-03-28T12:00:00");
}
END_TEST

START_TEST(cron_six_fields_seconds_first)
{
    const char *const tens[] = {"2026-03-27T12:00:10", "2026-03-27T12:00:20"};
    const char *const fives[] = {"2026-03-27T12:00:05", "2026-03-27T12:00:20",
                                 "2026-03-27T12:00:35", "2026-03-27T12:00:50",
                                 "2026-03-27T12:01:05"};

    assert_due(C, "0 0 9 * * MON-FRI", NULL, T0, 0, T0, "2026-03-30T09:00:00");
    assert_sequence("*/10 * * * * *", NULL, T0, tens, 2);
    assert_sequence("5/15 * * * * *", NULL, T0, fives, 5);
    /* Spring: both day fields must match (Friday the 13th) */
    assert_due(C, "0 0 9 13 * FRI", NULL, T0, 0, T0, "2026-11-13T09:00:00");
}
END_TEST

START_TEST(cron_quartz)
{
    /* Quartz numbers weekdays 1-7 from Sunday: 2-6 is MON-FRI */
    assert_due(C, "0 0 9 ? * MON-FRI", NULL, T0, 0, T0, "2026-03-30T09:00:00");
    assert_due(C, "0 0 9 ? * 2-6", NULL, T0, 0, T0, "2026-03-30T09:00:00");
    assert_due(C, "0 0 9 ? * 1", NULL, T0, 0, T0, "2026-03-29T09:00:00");
    assert_due(C, "0 0 12 1 * ?", NULL, T0, 0, T0, "2026-04-01T12:00:00");
    assert_due(C, "0 0 9 ? * MON-FRI *", NULL, T0, 0, T0, "2026-03-30T09:00:00");
    assert_due(C, "0 0 0 1 1 ? 2030", NULL, T0, 0, T0, "2030-01-01T00:00:00");
    assert_due(C, "0 0 0 1 1 ? 2031-2040/3", NULL, T0, 0, T0, "2031-01-01T00:00:00");
    assert_due(C, "0 0 0 1 1 ? 2031-2040/3", NULL, T0, 0, "2031-01-01T00:00:00",
               "2034-01-01T00:00:00");
    assert_due(C, "0 0 0 1 1 ? 2150", NULL, T0, 0, T0, "2150-01-01T00:00:00");
    assert_never(C, "0 0 0 1 1 ? 2020", NULL, T0, 0, T0);
}
END_TEST

START_TEST(cron_names_ranges_steps_and_lists)
{
    const char *const wrap_hours[] = {"2026-03-27T22:00:00", "2026-03-28T00:00:00",
                                      "2026-03-28T02:00:00", "2026-03-28T22:00:00"};
    const char *const long_weekend[] = {"2026-03-28T00:00:00", "2026-03-29T00:00:00",
                                        "2026-03-30T00:00:00", "2026-04-03T00:00:00"};
    const char *const odd_minutes[] = {"2026-03-27T12:01:00", "2026-03-27T12:03:00",
                                       "2026-03-27T12:05:00", "2026-03-27T13:01:00"};

    assert_due(C, "0 0 1 JAN,jul *", NULL, T0, 0, T0, "2026-07-01T00:00:00");
    assert_due(C, "0 0 1 jan-MAR *", NULL, T0, 0, T0, "2027-01-01T00:00:00");
    assert_sequence("0 22-2/2 * * *", NULL, T0, wrap_hours, 4);
    assert_sequence("0 0 * * FRI-MON", NULL, T0, long_weekend, 4);
    assert_sequence("1-5/2 * * * *", NULL, T0, odd_minutes, 4);
    assert_due(C, "0,30 9,17 * * *", NULL, T0, 0, T0, "2026-03-27T17:00:00");
    assert_due(C, "@daily", NULL, T0, 0, T0, "2026-03-28T00:00:00");
    assert_due(C, "@hourly", NULL, T0, 0, T0, "2026-03-27T13:00:00");
    assert_due(C, "@weekly", NULL, T0, 0, T0, "2026-03-29T00:00:00");
}
END_TEST

START_TEST(cron_february_29_and_impossible_dates)
{
    const char *const leap[] = {"2028-02-29T00:00:00", "2032-02-29T00:00:00"};

    assert_sequence("0 0 29 2 *", NULL, T0, leap, 2);
    /* 2100 is no leap year: eight years from 2096 to 2104 */
    assert_due(C, "0 0 29 2 *", NULL, T0, 0, "2096-03-01T00:00:00", "2104-02-29T00:00:00");
    assert_never(C, "0 0 30 2 *", NULL, T0, 0, T0);
    assert_never(C, "0 0 31 4,6,9,11 *", NULL, T0, 0, T0);
    assert_never(C, "0 0 0 30 2 ?", NULL, T0, 0, T0);
    /* beyond the year 9999 nothing is due */
    assert_never(C, "0 0 1 1 *", NULL, T0, 0, "9999-06-01T00:00:00");
}
END_TEST

START_TEST(cron_in_a_zone_across_dst)
{
    const char *const spring[] = {"2026-03-28T01:30:00", "2026-03-29T01:30:00",
                                  "2026-03-30T00:30:00"};
    const char *const autumn[] = {"2026-10-25T00:30:00", "2026-10-26T01:30:00"};
    const char *const half_hours[] = {"2026-10-25T00:30:00", "2026-10-25T02:00:00",
                                      "2026-10-25T02:30:00"};

    /* 02:30 does not exist on 2026-03-29: due at 03:30 CEST, when it would have been */
    assert_sequence("30 2 * * *", "Europe/Berlin", T0, spring, 3);
    /* 02:30 happens twice on 2026-10-25: due once, the first time */
    assert_sequence("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00", autumn, 2);
    /* wall-clock times are due once: the repeated hour is not repeated */
    assert_sequence("*/30 * * * *", "Europe/Berlin", "2026-10-25T00:00:00", half_hours, 3);
    /* after an instant in the repeated hour, the next is still after it */
    assert_due(C, "*/30 * * * *", "Europe/Berlin", T0, 0, "2026-10-25T01:15:00",
               "2026-10-25T02:00:00");
    assert_due(C, "0 9 * * *", "Europe/Berlin", T0, 0, "2026-07-01T00:00:00",
               "2026-07-01T07:00:00");
    /* T0 is 08:00 in New York (EDT since 2026-03-08) */
    assert_due(C, "0 0 9 ? * MON-FRI", "America/New_York", T0, 0, T0, "2026-03-27T13:00:00");
    assert_due(C, "0 9 * * *", "Asia/Kolkata", T0, 0, T0, "2026-03-28T03:30:00");
}
END_TEST

START_TEST(errors_quote_the_text_and_say_what_is_wrong)
{
    char long_text[400];

    assert_error(C, "0 0 0 L * ?", "invalid timeCycle \"0 0 0 L * ?\": Quartz's \"L\"");
    assert_error(C, "0 0 0 15W * ?", "Quartz's \"W\" (the nearest weekday) is not supported");
    assert_error(C, "0 0 0 ? * 6#3", "Quartz's \"#\"");
    assert_error(C, "0 0 0 ? * 6L", "Quartz's \"L\"");
    assert_error(C, "0 0 9 LW * ?", "Quartz's \"L\"");
    assert_error(C, "61 * * * *", "\"61 * * * *\": minute 61 is out of range (0-59)");
    assert_error(C, "0 24 * * *", "hour 24 is out of range (0-23)");
    assert_error(C, "0 0 0 * * 8", "day-of-week 8 is out of range (0-7)");
    assert_error(C, "0 0 0 ? * 0", "day-of-week 0 is out of range (1-7)");
    assert_error(C, "0 0 0 1 13 ?", "month 13 is out of range (1-12)");
    assert_error(C, "0 0 0 1 1 ? 1969", "year 1969 is out of range (1970-2199)");
    assert_error(C, "0 0 * * FOO", "\"FOO\" is not a valid day-of-week");
    assert_error(C, "0 0 * *", "cron takes 5, 6 or 7 fields, not 4");
    assert_error(C, "0 0 9 * * MON *", "needs \"?\" in exactly one of the day-of-month and");
    assert_error(C, "0 0 9 ? * ?", "needs \"?\" in exactly one");
    assert_error(C, "0 9 ? * *", "\"?\" belongs to the six- or seven-field Quartz form");
    assert_error(C, "0 ? 9 ? * MON", "\"?\" stands alone, and only in the day-of-month");
    assert_error(C, "*/0 * * * *", "\"*/0\" is not a valid minute");
    assert_error(C, "*/61 * * * *", "step 61 is larger than the minute range (0-59)");
    assert_error(C, "1,,2 * * * *", "an empty item in the minute field");
    assert_error(C, "@reboot", "unknown cron macro");
    assert_error(C, "R5", "expected R/PT1H, R5/PT10M");
    assert_error(C, "R/PT0S", "the period of a cycle must be longer than zero");
    assert_error(C, "R/P1D/2026-12-01T00:00:00Z", "not an interval with an end");
    assert_error(C, "R/2026-13-01T00:00:00Z/P1D", "expected an ISO 8601 date-time");
    assert_error(D, "2026-02-29T09:00:00Z", "invalid timeDate \"2026-02-29T09:00:00Z\"");
    assert_error(D, "2026-12-01T24:00:00Z", "expected a time of day such as T09:00:00");
    assert_error(D, "2026-12-01T09:00:00[Nope/Zone]", "unknown time zone \"Nope/Zone\"");
    assert_error(D, "2026-12-01T09:00:00@../etc/passwd", "invalid time zone name");
    assert_error(D, "2026-12-01T09:00:00+19:00", "expected an offset such as +01:00");
    assert_error(D, "2026-12-01 09:00", "unexpected text after the date-time");
    assert_error(D, "PT5M", "expected an ISO 8601 date-time");
    assert_error(DU, "-PT5M",
                 "invalid timeDuration \"-PT5M\": a timer duration cannot be negative");
    assert_error(DU, "P", "a duration needs at least one number and unit");
    assert_error(DU, "P1DT", "a duration needs at least one number and unit");
    assert_error(DU, "PT1D", "expected an ISO 8601 duration such as PT15M");
    assert_error(DU, "P1M2Y", "expected an ISO 8601 duration");
    assert_error(DU, "PT1.5M", "expected an ISO 8601 duration");
    assert_error(DU, "P10001Y", "the duration is longer than 10000 years");
    assert_error(DU, "   ", "invalid timeDuration \"\": the definition is empty");
    assert_error(DU, NULL, "the definition is empty");
    /* a long text is quoted cut between characters, the reason intact */
    memset(long_text, 'x', sizeof(long_text));
    memcpy(long_text, "1 2 3 4 5 6 7 8 ", 16);
    memcpy(long_text + 63, "\xc3\xa9", 2);
    long_text[sizeof(long_text) - 1] = '\0';
    assert_error(C, long_text, "xxx...\": cron takes 5, 6 or 7 fields, not more");
}
END_TEST

START_TEST(extreme_inputs_are_never_due_not_overflows)
{
    const struct ordo_timer *t;
    int64_t due;

    t = parse(DU, "P9999Y");
    ck_assert(!ordo_timer_due(t, INT64_MAX, 0, 0, NULL, &due));
    ck_assert(!ordo_timer_due(t, ordotest_utc_ms("2026-01-01T00:00:00"), 0, 0, NULL, &due));
    t = parse(C, "R/PT1S");
    ck_assert(!ordo_timer_due(t, ordotest_utc_ms(T0), 0, INT64_MAX, NULL, &due));
    ck_assert(ordo_timer_due(t, ordotest_utc_ms(T0), 0, INT64_MIN, NULL, &due));
    ck_assert_int_eq(due, ordotest_utc_ms(T0) + 1000);
    t = parse(C, "R/0001-01-01T00:00:00Z/PT1S");
    ck_assert(ordo_timer_due(t, 0, 0, ordotest_utc_ms("9999-12-31T23:59:58"), NULL, &due));
    ck_assert_int_eq(due, ordotest_utc_ms("9999-12-31T23:59:59"));
    t = parse(C, "0 0 1 1 *");
    ck_assert(ordo_timer_due(t, 0, 0, INT64_MIN, NULL, &due));
    ck_assert_int_eq(due, ordotest_utc_ms("0002-01-01T00:00:00"));
    ck_assert(!ordo_timer_due(t, 0, 0, INT64_MAX, NULL, &due));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("timer");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, dates_in_every_form);
    tcase_add_test(tc, dates_and_durations_read_the_timer_dialect);
    tcase_add_test(tc, a_date_fires_once_even_when_missed);
    tcase_add_test(tc, durations_in_every_form);
    tcase_add_test(tc, days_are_calendar_days_across_dst);
    tcase_add_test(tc, repetitions_are_counted);
    tcase_add_test(tc, a_missed_cycle_fires_once_then_keeps_its_schedule);
    tcase_add_test(tc, cycles_add_calendar_units_in_their_zone);
    tcase_add_test(tc, cron_five_fields);
    tcase_add_test(tc, cron_six_fields_seconds_first);
    tcase_add_test(tc, cron_quartz);
    tcase_add_test(tc, cron_names_ranges_steps_and_lists);
    tcase_add_test(tc, cron_february_29_and_impossible_dates);
    tcase_add_test(tc, cron_in_a_zone_across_dst);
    tcase_add_test(tc, errors_quote_the_text_and_say_what_is_wrong);
    tcase_add_test(tc, extreme_inputs_are_never_due_not_overflows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (access("/usr/share/zoneinfo/Europe/Berlin", R_OK) != 0) {
        printf("test_timer: skipped: no zoneinfo database in /usr/share/zoneinfo (install "
               "tzdata)\n");
        return 77;
    }
    sr = srunner_create(make_suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
