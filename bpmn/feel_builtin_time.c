/*
 * bpmn/feel_builtin_time.c - FEEL's temporal functions: the conversions
 * date(), time(), date and time(), duration(), years and months duration(),
 * the clock now() and today(), and day of week(), month of year().
 *
 * now() and today() read the caller's clock (env->now_ms: the event's time,
 * never the machine's) in env->timezone: UTC when it is NULL, a fixed
 * offset such as "+02:00", or an IANA name such as "Europe/Berlin" (see
 * ordo_feel_zone_offset()).
 */
#include <string.h>

#include "base/calendar.h"
#include "bpmn/feel_internal.h"

#define MAX_OFFSET ((int64_t)18 * 3600) /* seconds: the largest UTC offset */

/* The text of 'arg' read as 'want'; a time zone name records the error. */
static struct ordo_feel_value parsed(struct ordo_feel_ev *ev, const struct ordo_feel_value *arg,
                                     enum ordo_feel_type want)
{
    struct ordo_feel_value v;

    if (!ordo_feel_charge_scan(ev, arg->u.str.len)) { /* looks for a 'T' in all of it */
        return ordo_feel_null();
    }
    if (ordo_feel_parse_temporal(arg->u.str.p, arg->u.str.len, want, &v, ev->err) != ORDO_OK) {
        ev->rc = ORDO_E_UNPROCESSABLE;
        return ordo_feel_null();
    }
    return v;
}

static bool int_in(const struct ordo_feel_value *v, int64_t lo, int64_t hi, int64_t *out)
{
    return ordo_feel_arg_int(v, out) && *out >= lo && *out <= hi;
}

/* date(from) and date(year, month, day). */
struct ordo_feel_value ordo_feel_bi_date(struct ordo_feel_ev *ev,
                                         const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value v = {.type = ORDO_FV_DATE};
    int64_t y;
    int64_t m;
    int64_t d;

    if (n == 3) {
        if (!int_in(&args[0], -ORDO_FEEL_MAX_YEAR, ORDO_FEEL_MAX_YEAR, &y) ||
            !int_in(&args[1], 1, 12, &m) || !int_in(&args[2], 1, 31, &d) ||
            d > ordo_days_in_month(y, (int)m)) { /* 2026-02-30 is not a date */
            return ordo_feel_null();
        }
        v.u.t.day = ordo_days_from_civil(y, (int)m, (int)d);
        return v;
    }
    switch (args[0].type) {
    case ORDO_FV_STRING:
        return parsed(ev, &args[0], ORDO_FV_DATE);
    case ORDO_FV_DATE:
        return args[0];
    case ORDO_FV_DATETIME:
        v.u.t.day = args[0].u.t.day;
        return v;
    default:
        return ordo_feel_null();
    }
}

/* time(h, m, s[, offset]): s may have a fraction; offset is a duration. */
static struct ordo_feel_value time_of_parts(const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value v = {.type = ORDO_FV_TIME};
    struct ordo_feel_duration s;
    int64_t h;
    int64_t m;

    if (!int_in(&args[0], 0, 23, &h) || !int_in(&args[1], 0, 59, &m) ||
        args[2].type != ORDO_FV_NUMBER || !ordo_feel_duration_from_seconds(args[2].u.num, &s) ||
        s.sec < 0 || s.sec > 59) {
        return ordo_feel_null();
    }
    v.u.t.nanos = ((h * 60 + m) * 60 + s.sec) * ORDO_FEEL_NANOS_PER_SEC + s.nano;
    if (n == 4 && args[3].type != ORDO_FV_NULL) {
        if (args[3].type != ORDO_FV_DT_DURATION || args[3].u.dur.nano != 0 ||
            args[3].u.dur.sec > MAX_OFFSET || args[3].u.dur.sec < -MAX_OFFSET) {
            return ordo_feel_null();
        }
        v.u.t.has_offset = true;
        v.u.t.offset = (int32_t)args[3].u.dur.sec;
    }
    return v;
}

struct ordo_feel_value ordo_feel_bi_time(struct ordo_feel_ev *ev,
                                         const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value v = args[0];

    if (n >= 3) {
        return time_of_parts(args, n);
    }
    switch (args[0].type) {
    case ORDO_FV_STRING:
        return parsed(ev, &args[0], ORDO_FV_TIME);
    case ORDO_FV_TIME:
        return v;
    case ORDO_FV_DATETIME:
        v.type = ORDO_FV_TIME;
        v.u.t.day = 0;
        return v;
    case ORDO_FV_DATE:
        v.type = ORDO_FV_TIME;
        v.u.t.day = 0;
        v.u.t.nanos = 0;
        v.u.t.has_offset = true; /* DMN: time(date) is midnight UTC */
        v.u.t.offset = 0;
        return v;
    default:
        return ordo_feel_null();
    }
}

/* date and time(from) and date and time(date, time). */
struct ordo_feel_value ordo_feel_bi_date_and_time(struct ordo_feel_ev *ev,
                                                  const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value v = {.type = ORDO_FV_DATETIME};

    if (n == 2) {
        if ((args[0].type != ORDO_FV_DATE && args[0].type != ORDO_FV_DATETIME) ||
            args[1].type != ORDO_FV_TIME) {
            return ordo_feel_null();
        }
        v.u.t = args[1].u.t;
        v.u.t.day = args[0].u.t.day;
        return v;
    }
    switch (args[0].type) {
    case ORDO_FV_STRING:
        return parsed(ev, &args[0], ORDO_FV_DATETIME);
    case ORDO_FV_DATETIME:
        return args[0];
    case ORDO_FV_DATE:
        v.u.t.day = args[0].u.t.day;
        return v;
    default:
        return ordo_feel_null();
    }
}

struct ordo_feel_value ordo_feel_bi_duration(struct ordo_feel_ev *ev,
                                             const struct ordo_feel_value *args, size_t n)
{
    (void)n;
    if (args[0].type != ORDO_FV_STRING) {
        return ordo_feel_null();
    }
    return parsed(ev, &args[0], ORDO_FV_DT_DURATION);
}

/* The whole months from one date to another, as Java's Period.between(). */
struct ordo_feel_value ordo_feel_bi_ym_duration(struct ordo_feel_ev *ev,
                                                const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value v = {.type = ORDO_FV_YM_DURATION};
    int64_t y1;
    int64_t y2;
    int m1;
    int m2;
    int d1;
    int d2;

    (void)ev;
    (void)n;
    for (int i = 0; i < 2; i++) {
        if (args[i].type != ORDO_FV_DATE && args[i].type != ORDO_FV_DATETIME) {
            return ordo_feel_null();
        }
    }
    ordo_civil_from_days(args[0].u.t.day, &y1, &m1, &d1);
    ordo_civil_from_days(args[1].u.t.day, &y2, &m2, &d2);
    v.u.months = (y2 * 12 + m2) - (y1 * 12 + m1);
    if (v.u.months > 0 && d2 < d1) {
        v.u.months--;
    } else if (v.u.months < 0 && d2 > d1) {
        v.u.months++;
    }
    return v;
}

/* The env's clock as a local date-time with its offset. */
static struct ordo_feel_value now_local(struct ordo_feel_ev *ev)
{
    int64_t ms = ev->env->now_ms;
    int64_t sec = ms / 1000 - (ms % 1000 < 0);
    int64_t milli = ms - sec * 1000;
    int32_t off;
    enum ordo_code rc;
    struct ordo_feel_value v = {.type = ORDO_FV_DATETIME};

    if (ev->rc != ORDO_OK) {
        return ordo_feel_null();
    }
    rc = ordo_feel_zone_offset(ev->env->timezone, sec, &off, ev->err);
    if (rc != ORDO_OK) {
        ev->rc = rc;
        return ordo_feel_null();
    }
    sec += off;
    v.u.t.day = sec / ORDO_FEEL_SECS_PER_DAY - (sec % ORDO_FEEL_SECS_PER_DAY < 0);
    v.u.t.nanos =
        (sec - v.u.t.day * ORDO_FEEL_SECS_PER_DAY) * ORDO_FEEL_NANOS_PER_SEC + milli * 1000000;
    v.u.t.has_offset = true;
    v.u.t.offset = off;
    return v;
}

struct ordo_feel_value ordo_feel_bi_now(struct ordo_feel_ev *ev, const struct ordo_feel_value *args,
                                        size_t n)
{
    (void)args;
    (void)n;
    return now_local(ev);
}

struct ordo_feel_value ordo_feel_bi_today(struct ordo_feel_ev *ev,
                                          const struct ordo_feel_value *args, size_t n)
{
    struct ordo_feel_value v = now_local(ev);

    (void)args;
    (void)n;
    if (v.type == ORDO_FV_DATETIME) {
        v.type = ORDO_FV_DATE;
        v.u.t.nanos = 0;
        v.u.t.has_offset = false;
        v.u.t.offset = 0;
    }
    return v;
}

struct ordo_feel_value ordo_feel_bi_day_of_week(struct ordo_feel_ev *ev,
                                                const struct ordo_feel_value *args, size_t n)
{
    static const char *const days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                       "Friday", "Saturday", "Sunday"};
    bool found;
    struct ordo_feel_value wd;
    int64_t i;

    (void)ev;
    (void)n;
    if (args[0].type != ORDO_FV_DATE && args[0].type != ORDO_FV_DATETIME) {
        return ordo_feel_null();
    }
    wd = ordo_feel_time_property(&args[0], "weekday", 7, &found);
    if (!ordo_feel_arg_int(&wd, &i) || i < 1 || i > 7) {
        return ordo_feel_null();
    }
    return ordo_feel_string(days[i - 1], strlen(days[i - 1]));
}

struct ordo_feel_value ordo_feel_bi_month_of_year(struct ordo_feel_ev *ev,
                                                  const struct ordo_feel_value *args, size_t n)
{
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    int64_t y;
    int m;
    int d;

    (void)ev;
    (void)n;
    if (args[0].type != ORDO_FV_DATE && args[0].type != ORDO_FV_DATETIME) {
        return ordo_feel_null();
    }
    ordo_civil_from_days(args[0].u.t.day, &y, &m, &d);
    return ordo_feel_string(months[m - 1], strlen(months[m - 1]));
}
