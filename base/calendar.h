/*
 * base/calendar.h - the proleptic Gregorian calendar: civil dates as days
 * since 1970-01-01 and back, leap years, month lengths, and instants
 * written as RFC 3339 UTC timestamps.
 *
 * "Proleptic": the Gregorian rules run backwards before 1582 and past any
 * year, with a year 0 (1 BC) and negative years, as ISO 8601, java.time
 * and FEEL count them. Days are Unix days: day 0 is 1970-01-01, day -1 is
 * 1969-12-31. The conversions are Howard Hinnant's public-domain
 * algorithms (https://howardhinnant.github.io/date_algorithms.html), exact
 * for years within +-10^12; no leap seconds, as in Unix time.
 *
 * Time zones (base/tz.h), FEEL's dates (bpmn/feel_time.c), timers
 * (bpmn/timer.c) and the effect records (core/effect.c) all count days
 * with this one module. Thread-safe: no state; no allocation.
 */
#ifndef ORDO_BASE_CALENDAR_H
#define ORDO_BASE_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

/* a / b and a mod b rounded towards minus infinity (b != 0): floor_div(-1,
 * 86400) is -1, the day before the epoch, where C's '/' gives 0; floor_mod
 * has the sign of b. Defined for every a, INT64_MIN included (b != -1).
 * Inline, so that a constant 'b' compiles to a multiplication rather than
 * a division instruction (time zones and timers call them in loops). */
static inline int64_t ordo_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static inline int64_t ordo_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b; /* not a - floor_div(a, b) * b, which overflows near INT64_MIN */

    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

/* Days since 1970-01-01 of year 'y', month 'm' (1-12), day 'd'. 'd' is not
 * checked against the month: day 0 is the last day of the month before,
 * 2026-02-30 is 2026-03-02. */
int64_t ordo_days_from_civil(int64_t y, int m, int d);

/* The date of day 'days' (since 1970-01-01): month 1-12, day 1-31. */
void ordo_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Every fourth year, but not centuries other than every fourth: 2000 and
 * 2024 are leap years, 1900 and 2100 are not; so are 0 and -4. */
bool ordo_is_leap_year(int64_t y);

/* 28 to 31 days in month 'm' (1-12) of year 'y'. */
int ordo_days_in_month(int64_t y, int m);

/* Year 'y', month 'm' (1-12) moved by 'months' (either sign), and day 'd'
 * clamped to the length of the month it lands in, as java.time's
 * plusMonths() (and so FEEL and Camunda's timers) does: 2024-01-31 plus
 * one month is 2024-02-29. The caller bounds y * 12 + months to int64_t. */
void ordo_civil_add_months(int64_t *y, int *m, int *d, int64_t months);

/* "2026-11-25T10:30:00.000Z": 24 characters and a NUL. */
#define ORDO_RFC3339_MS_SIZE 25

/* Write the instant 'unix_ms' (milliseconds since 1970-01-01T00:00:00Z) as
 * RFC 3339 UTC with milliseconds into 'out'. RFC 3339 has four-digit years
 * only: a year before 0000 is written 0000 and one after 9999 is written
 * 9999, the rest of the date and time unchanged (a clock that wrong is a
 * bug elsewhere; the record stays well-formed). Any int64_t is accepted.
 * Fast (no printf): every effect record of the engine carries one. */
void ordo_format_rfc3339_ms(int64_t unix_ms, char out[ORDO_RFC3339_MS_SIZE]);

#endif
