/*
 * bpmn/iso8601.c - reading ISO 8601 dates and times for FEEL and timers
 * (contracts in iso8601.h).
 */
#include "bpmn/iso8601.h"

#include "base/calendar.h"

#define NANOS_PER_SEC ((int64_t)1000000000)

bool ordo_iso8601_fixed(struct ordo_iso8601_cur *c, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (!ordo_iso8601_at_digit(c)) {
            return false;
        }
        v = v * 10 + (*c->p++ - '0');
    }
    *out = v;
    return true;
}

bool ordo_iso8601_digits(struct ordo_iso8601_cur *c, int max, int64_t *out, int *count)
{
    int64_t v = 0;
    int n = 0;

    while (ordo_iso8601_at_digit(c) && n < max) {
        v = v * 10 + (*c->p++ - '0');
        n++;
    }
    *out = v;
    if (count) {
        *count = n;
    }
    return n > 0 && !ordo_iso8601_at_digit(c);
}

bool ordo_iso8601_fraction(struct ordo_iso8601_cur *c, unsigned flags, int32_t *nanos)
{
    int64_t v;
    int n;

    *nanos = 0;
    if (!ordo_iso8601_eat(c, '.') && !((flags & ORDO_ISO8601_COMMA) && ordo_iso8601_eat(c, ','))) {
        return true;
    }
    if (!ordo_iso8601_digits(c, 9, &v, &n)) {
        return false;
    }
    while (n++ < 9) {
        v *= 10;
    }
    *nanos = (int32_t)v;
    return true;
}

bool ordo_iso8601_date(struct ordo_iso8601_cur *c, unsigned flags, int64_t *day)
{
    bool neg = false;
    int64_t y;
    int n = 4;
    int m;
    int d;

    if (flags & ORDO_ISO8601_SIGNED_YEARS) {
        neg = ordo_iso8601_eat(c, '-');
        if (!neg) {
            (void)ordo_iso8601_eat(c, '+');
        }
        if (!ordo_iso8601_digits(c, 9, &y, &n)) {
            return false;
        }
    } else {
        int y4;

        if (!ordo_iso8601_fixed(c, 4, &y4)) {
            return false;
        }
        y = y4;
    }
    if (n < 4 || !ordo_iso8601_eat(c, '-') || !ordo_iso8601_fixed(c, 2, &m) ||
        !ordo_iso8601_eat(c, '-') || !ordo_iso8601_fixed(c, 2, &d)) {
        return false;
    }
    y = neg ? -y : y;
    if (m < 1 || m > 12 || d < 1 || d > ordo_days_in_month(y, m)) {
        return false;
    }
    *day = ordo_days_from_civil(y, m, d);
    return true;
}

bool ordo_iso8601_clock(struct ordo_iso8601_cur *c, unsigned flags, int64_t *nanos)
{
    int h;
    int m;
    int s = 0;
    int32_t frac = 0;

    if (!ordo_iso8601_fixed(c, 2, &h) || !ordo_iso8601_eat(c, ':') ||
        !ordo_iso8601_fixed(c, 2, &m)) {
        return false;
    }
    if (ordo_iso8601_eat(c, ':')) {
        if (!ordo_iso8601_fixed(c, 2, &s) || !ordo_iso8601_fraction(c, flags, &frac)) {
            return false;
        }
    } else if (!(flags & ORDO_ISO8601_SHORT_TIME)) {
        return false;
    }
    if (h > 23 || m > 59 || s > 59) {
        return false;
    }
    *nanos = ((int64_t)h * 3600 + (int64_t)m * 60 + s) * NANOS_PER_SEC + frac;
    return true;
}
