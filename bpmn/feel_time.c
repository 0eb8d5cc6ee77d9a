/*
 * bpmn/feel_time.c - dates, times, date-times and durations: reading and
 * writing their ISO 8601 forms, arithmetic, properties, and time zones.
 *
 * The calendar is the proleptic Gregorian one of base/calendar.h (exact
 * for any year FEEL allows); the ISO 8601 text is read with bpmn/iso8601.h,
 * in XML Schema's dialect. Leap seconds do not exist here, as in every FEEL
 * engine.
 *
 * Adding months clamps the day to the end of the month, as Java's
 * LocalDate.plusMonths() (and so every FEEL engine) does:
 * 2024-01-31 + P1M = 2024-02-29. A date plus a days-and-time duration is the
 * date of midnight plus that duration (date("2024-01-01") - PT1H is
 * 2023-12-31).
 *
 * Time zones: a fixed offset ("+02:00", "Z" or "z") is supported wherever
 * FEEL takes one, and so are IANA names ("Europe/Paris" as the env's zone,
 * "@Europe/Paris" after a time), read from the zoneinfo database by
 * base/tz.h, daylight saving time included. A value keeps an offset, not a
 * zone: "2026-07-01T10:00:00@Europe/Paris" is 10:00:00+02:00 (see
 * named_zone() for gaps and times of day). ordo_feel_zone_offset() and
 * ordo_feel_zone_offset_local() decide the env's zone for an instant and
 * for a wall-clock time. Text after '@' that is neither UTC, an offset nor
 * a zone that tzdata knows is no zone at all: the date-time is invalid,
 * null, as for any other malformed text from a variable; an unknown zone
 * as the env's zone is an error (ORDO_E_UNPROCESSABLE) once a value needs
 * it.
 */
#include <stdio.h>
#include <string.h>

#include "base/calendar.h"
#include "base/text.h"
#include "base/tz.h"
#include "bpmn/feel_internal.h"
#include "bpmn/iso8601.h"

#define NPS ORDO_FEEL_NANOS_PER_SEC
#define SPD ORDO_FEEL_SECS_PER_DAY

/* ---- calendar ---- */

/* A day FEEL can hold (years -999999999 to 999999999). */
static bool day_ok(int64_t day)
{
    return day >= ordo_days_from_civil(-ORDO_FEEL_MAX_YEAR, 1, 1) &&
           day <= ordo_days_from_civil(ORDO_FEEL_MAX_YEAR, 12, 31);
}

static bool add_months(int64_t day, int64_t months, int64_t *out)
{
    int64_t y;
    int m;
    int d;

    ordo_civil_from_days(day, &y, &m, &d);
    ordo_civil_add_months(&y, &m, &d, months);
    if (y > ORDO_FEEL_MAX_YEAR || y < -ORDO_FEEL_MAX_YEAR) {
        return false;
    }
    *out = ordo_days_from_civil(y, m, d);
    return true;
}

/* ---- time zones ---- */

/* "+02:00", "-0530", "+02" as seconds east of UTC. */
static bool parse_offset(const char *s, size_t len, int32_t *out)
{
    int hh;
    int mm = 0;
    bool digits = true;

    if (len < 3 || (s[0] != '+' && s[0] != '-')) {
        return false;
    }
    for (size_t i = 1; i < len; i++) {
        digits = digits && ((s[i] >= '0' && s[i] <= '9') || (i == 3 && s[i] == ':' && len == 6));
    }
    if (!digits || (len != 3 && len != 5 && len != 6)) {
        return false;
    }
    hh = (s[1] - '0') * 10 + (s[2] - '0');
    if (len > 3) {
        mm = (s[len - 2] - '0') * 10 + (s[len - 1] - '0');
    }
    if (hh > 18 || mm > 59 || (hh == 18 && mm > 0)) {
        return false;
    }
    *out = (s[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return true;
}

/* A zone whose offset does not depend on the date: UTC by one of its names,
 * or a fixed offset. */
static bool fixed_zone(const char *zone, int32_t *offset)
{
    static const char *const utc[] = {"UTC", "Z", "GMT", "Etc/UTC", "Etc/GMT", "UCT", "Zulu"};

    *offset = 0;
    for (size_t i = 0; i < sizeof(utc) / sizeof(utc[0]); i++) {
        if (strcmp(zone, utc[i]) == 0) {
            return true;
        }
    }
    return parse_offset(zone, strlen(zone), offset);
}

/* Seconds within what base/tz.h takes in milliseconds. FEEL's years reach
 * +-999,999,999; beyond +-126 million years the offset of the clamped
 * instant is used, which only the last daylight saving rule decides. */
static int64_t clamp_sec(int64_t sec)
{
    const int64_t lim = (int64_t)4000000000000000; /* 4e15 s, 4e18 ms */

    return sec < -lim ? -lim : sec > lim ? lim : sec;
}

/* The zone 'zone' names (base/tz.h reads and caches it), its error as FEEL's. */
static enum ordo_code zone_get(const char *zone, const struct ordo_tz **tz, struct ordo_err *err)
{
    struct ordo_err zerr = {0};

    if (ordo_tz_get(zone, tz, &zerr) == ORDO_OK) {
        return ORDO_OK;
    }
    /* tz.h quotes the name cut between characters: it may come from the
     * configuration or from data. */
    return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "FEEL: %s", zerr.msg);
}

enum ordo_code ordo_feel_zone_offset(const char *zone, int64_t utc_sec, int32_t *offset,
                                     struct ordo_err *err)
{
    const struct ordo_tz *tz;
    enum ordo_code rc;

    *offset = 0;
    if (!zone || !*zone || fixed_zone(zone, offset)) {
        return ORDO_OK;
    }
    rc = zone_get(zone, &tz, err);
    if (rc == ORDO_OK) {
        *offset = ordo_tz_offset(tz, clamp_sec(utc_sec) * 1000);
    }
    return rc;
}

enum ordo_code ordo_feel_zone_offset_local(const char *zone, int64_t wall_sec, int32_t *offset,
                                           struct ordo_err *err)
{
    const struct ordo_tz *tz;
    enum ordo_code rc;
    int64_t wall = clamp_sec(wall_sec);

    *offset = 0;
    if (!zone || !*zone || fixed_zone(zone, offset)) {
        return ORDO_OK;
    }
    rc = zone_get(zone, &tz, err);
    if (rc == ORDO_OK) {
        *offset = (int32_t)(wall - ordo_tz_to_utc(tz, wall * 1000) / 1000);
    }
    return rc;
}

/* The env's offset for 'v' (a local time or date-time), with the error
 * recorded: a date-time's own wall-clock time decides it; a time of day
 * takes the offset at the env's clock. */
static bool local_offset(struct ordo_feel_ev *ev, const struct ordo_feel_value *v, int64_t wall,
                         int32_t *off)
{
    enum ordo_code rc;

    if (ev->rc != ORDO_OK) {
        return false;
    }
    if (v->type == ORDO_FV_DATETIME) {
        rc = ordo_feel_zone_offset_local(ev->env->timezone, wall, off, ev->err);
    } else {
        rc = ordo_feel_zone_offset(ev->env->timezone, ev->env->now_ms / 1000, off, ev->err);
    }
    if (rc != ORDO_OK) {
        ev->rc = rc;
        return false;
    }
    return true;
}

bool ordo_feel_instant(struct ordo_feel_ev *ev, const struct ordo_feel_value *v,
                       struct ordo_feel_duration *out)
{
    int64_t wall = v->u.t.nanos / NPS;
    int32_t off = v->u.t.offset;

    if (v->type == ORDO_FV_DATETIME) {
        wall += v->u.t.day * SPD;
    }
    if (!v->u.t.has_offset && !local_offset(ev, v, wall, &off)) {
        return false;
    }
    out->sec = wall - off;
    out->nano = (int32_t)(v->u.t.nanos % NPS);
    return true;
}

/* ---- reading ---- */

/* '@zone' after a time (dated: after a date-time). A date-time takes the
 * offset its wall-clock time has there, and a time in the gap of a
 * daylight saving change moves forward by its length, as java.time does
 * ("2026-03-29T02:30:00@Europe/Berlin" is 03:30:00+02:00); an ambiguous
 * one takes the earlier offset. A time of day has no date to choose by and
 * takes the zone's standard offset, as Camunda's FEEL does. The zone's
 * name is not kept: the value prints with its offset. ORDO_E_INVAL when
 * the name is malformed or unknown (the text is no date-time: null). */
static enum ordo_code named_zone(const char *zone, bool dated, struct ordo_feel_temporal *t,
                                 struct ordo_err *err)
{
    const struct ordo_tz *tz;
    struct ordo_err zerr = {0};
    int64_t wall = clamp_sec(t->day * SPD + t->nanos / NPS);
    int64_t utc;
    int64_t shift;

    switch (ordo_tz_get(zone, &tz, &zerr)) {
    case ORDO_OK:
        break;
    case ORDO_E_UNPROCESSABLE: /* a broken zoneinfo file is no fault of the text */
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "FEEL: %s", zerr.msg);
    default:
        return ORDO_E_INVAL;
    }
    if (!dated) {
        t->offset = ordo_tz_standard_offset(tz);
        return ORDO_OK;
    }
    utc = ordo_tz_to_utc(tz, wall * 1000) / 1000;
    t->offset = ordo_tz_offset(tz, utc * 1000);
    shift = utc + t->offset - wall; /* the length of a gap, else 0 */
    t->nanos += shift * NPS;
    if (t->nanos >= ORDO_FEEL_NANOS_PER_DAY) {
        t->nanos -= ORDO_FEEL_NANOS_PER_DAY;
        t->day++;
    }
    return ORDO_OK;
}

/* What follows a time: nothing, "Z" (or "z", as in DMN 1.3's examples),
 * "+02:00" or "@zone". ORDO_E_INVAL when malformed, which includes text
 * after '@' that is no zone; ORDO_E_UNPROCESSABLE (recorded) only for a
 * zoneinfo file that cannot be read. */
static enum ordo_code read_zone(struct ordo_iso8601_cur *c, bool dated,
                                struct ordo_feel_temporal *t, struct ordo_err *err)
{
    size_t rest = (size_t)(c->end - c->p);
    const char *s = c->p;
    char zone[80];

    c->p = c->end;
    t->has_offset = rest > 0;
    if (rest == 0 || (rest == 1 && (*s == 'Z' || *s == 'z'))) {
        return ORDO_OK;
    }
    if (*s != '@') {
        return parse_offset(s, rest, &t->offset) ? ORDO_OK : ORDO_E_INVAL;
    }
    if (rest == 1 || rest - 1 >= sizeof(zone) || memchr(s, '\0', rest)) {
        return ORDO_E_INVAL;
    }
    memcpy(zone, s + 1, rest - 1);
    zone[rest - 1] = '\0';
    if (fixed_zone(zone, &t->offset)) {
        return ORDO_OK;
    }
    return named_zone(zone, dated, t, err);
}

static enum ordo_code read_time(struct ordo_iso8601_cur *c, struct ordo_feel_value *out,
                                struct ordo_err *err)
{
    out->type = ORDO_FV_TIME;
    if (!ordo_iso8601_clock(c, 0, &out->u.t.nanos)) {
        return ORDO_E_INVAL;
    }
    return read_zone(c, false, &out->u.t, err);
}

/* A date-time; 'date_only' accepts a plain date as its midnight. */
static enum ordo_code read_datetime(struct ordo_iso8601_cur *c, bool date_only,
                                    struct ordo_feel_value *out, struct ordo_err *err)
{
    out->type = ORDO_FV_DATETIME;
    if (!ordo_iso8601_date(c, ORDO_ISO8601_SIGNED_YEARS, &out->u.t.day)) {
        return ORDO_E_INVAL;
    }
    if (c->p == c->end && date_only) {
        return ORDO_OK;
    }
    if (!ordo_iso8601_eat(c, 'T') || !ordo_iso8601_clock(c, 0, &out->u.t.nanos)) {
        return ORDO_E_INVAL;
    }
    return read_zone(c, true, &out->u.t, err);
}

/* sum += v * unit, within the longest duration. */
static bool add_units(int64_t *sum, int64_t v, int64_t unit, int64_t max)
{
    if (v > (max - *sum) / unit) {
        return false;
    }
    *sum += v * unit;
    return true;
}

struct duration_parts {
    int64_t months, sec;
    int32_t nano;
    bool ym, dt;
};

/* One "<n><unit>" of a duration; 'last' is the index of the previous unit
 * in "YMDHMS" (units must come in that order). */
static bool read_component(struct ordo_iso8601_cur *c, bool in_time, int *last,
                           struct duration_parts *d)
{
    static const char units[] = "YMDHMS";
    static const int64_t secs[] = {0, 0, SPD, 3600, 60, 1};
    int64_t v;
    int n;
    int32_t frac = 0;
    const char *u;
    int k;

    if (!ordo_iso8601_digits(c, 18, &v, &n) || (in_time && !ordo_iso8601_fraction(c, 0, &frac)) ||
        c->p >= c->end) {
        return false;
    }
    u = strchr(units + (in_time ? 3 : 0), *c->p++);
    k = u && *u ? (int)(u - units) : -1;
    if (k < 0 || k <= *last || (k > 2) != in_time || (frac && k != 5)) {
        return false;
    }
    *last = k;
    if (k < 2) {
        d->ym = true;
        return add_units(&d->months, v, k == 0 ? 12 : 1, ORDO_FEEL_MAX_DUR_MONTHS);
    }
    d->dt = true;
    d->nano = frac;
    return add_units(&d->sec, v, secs[k], ORDO_FEEL_MAX_DUR_SEC);
}

static bool read_duration(struct ordo_iso8601_cur *c, struct ordo_feel_value *out)
{
    bool neg = ordo_iso8601_eat(c, '-');
    bool in_time = false;
    int last = -1;
    struct duration_parts d = {0};

    if (!ordo_iso8601_eat(c, 'P') || c->p == c->end) {
        return false;
    }
    while (c->p < c->end) {
        if (!in_time && ordo_iso8601_eat(c, 'T')) {
            in_time = true;
            if (c->p == c->end) {
                return false;
            }
        } else if (!read_component(c, in_time, &last, &d)) {
            return false;
        }
    }
    if (d.ym && d.dt) {
        return false; /* FEEL has no duration of both kinds */
    }
    if (d.ym) {
        out->type = ORDO_FV_YM_DURATION;
        out->u.months = neg ? -d.months : d.months;
        return true;
    }
    out->type = ORDO_FV_DT_DURATION;
    out->u.dur.sec = d.sec;
    out->u.dur.nano = d.nano;
    if (neg) {
        *out = ordo_feel_negate(out);
    }
    return true;
}

static enum ordo_feel_type guess_type(const char *s, size_t len)
{
    if (len > 0 && (s[0] == 'P' || (len > 1 && s[0] == '-' && s[1] == 'P'))) {
        return ORDO_FV_DT_DURATION;
    }
    if (memchr(s, 'T', len)) {
        return ORDO_FV_DATETIME;
    }
    return len > 2 && s[2] == ':' ? ORDO_FV_TIME : ORDO_FV_DATE;
}

enum ordo_code ordo_feel_parse_temporal(const char *s, size_t len, enum ordo_feel_type want,
                                        struct ordo_feel_value *out, struct ordo_err *err)
{
    struct ordo_iso8601_cur c = {s, s + len};
    struct ordo_feel_value v = {.type = ORDO_FV_NULL};
    enum ordo_code rc = ORDO_E_INVAL;
    enum ordo_feel_type type = want == ORDO_FV_NULL ? guess_type(s, len) : want;

    switch (type) {
    case ORDO_FV_DATE:
        v.type = ORDO_FV_DATE;
        rc = ordo_iso8601_date(&c, ORDO_ISO8601_SIGNED_YEARS, &v.u.t.day) ? ORDO_OK : ORDO_E_INVAL;
        break;
    case ORDO_FV_TIME:
        rc = read_time(&c, &v, err);
        break;
    case ORDO_FV_DATETIME:
        rc = read_datetime(&c, want == ORDO_FV_DATETIME, &v, err);
        break;
    default:
        rc = read_duration(&c, &v) ? ORDO_OK : ORDO_E_INVAL;
        break;
    }
    if (rc == ORDO_E_UNPROCESSABLE) {
        return rc;
    }
    *out = rc == ORDO_OK && c.p == c.end ? v : ordo_feel_null();
    return ORDO_OK;
}

/* ---- writing ---- */

static size_t put(size_t size, size_t at, int n)
{
    size_t end = at + (n > 0 ? (size_t)n : 0);

    return end < size ? end : size - 1;
}

static size_t put_date(char *buf, size_t size, size_t at, int64_t day)
{
    int64_t y;
    int m;
    int d;
    const char *sign = "";

    ordo_civil_from_days(day, &y, &m, &d);
    if (y < 0) {
        sign = "-";
        y = -y;
    } else if (y > 9999) {
        sign = "+";
    }
    return put(size, at,
               snprintf(buf + at, size - at, "%s%04lld-%02d-%02d", sign, (long long)y, m, d));
}

/* A fraction of a second without its trailing zeros: ".5", ".123". */
static size_t put_fraction(char *buf, size_t size, size_t at, int32_t nanos)
{
    char frac[16];
    size_t n;

    if (nanos == 0) {
        return at;
    }
    n = (size_t)snprintf(frac, sizeof(frac), ".%09d", (int)nanos);
    while (n > 1 && frac[n - 1] == '0') {
        frac[--n] = '\0';
    }
    return put(size, at, snprintf(buf + at, size - at, "%s", frac));
}

static size_t put_clock(char *buf, size_t size, size_t at, int64_t nanos)
{
    int64_t s = nanos / NPS;

    at = put(size, at,
             snprintf(buf + at, size - at, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60),
                      (int)(s % 60)));
    return put_fraction(buf, size, at, (int32_t)(nanos % NPS));
}

static size_t put_offset(char *buf, size_t size, size_t at, const struct ordo_feel_temporal *t)
{
    int32_t off = t->offset < 0 ? -t->offset : t->offset;
    const char *sign = t->offset < 0 ? "-" : "+";

    if (!t->has_offset) {
        return at;
    }
    if (off == 0) {
        return put(size, at, snprintf(buf + at, size - at, "Z"));
    }
    at = put(size, at,
             snprintf(buf + at, size - at, "%s%02d:%02d", sign, (int)(off / 3600),
                      (int)(off / 60 % 60)));
    if (off % 60) {
        at = put(size, at, snprintf(buf + at, size - at, ":%02d", (int)(off % 60)));
    }
    return at;
}

/* "P1DT2H30M", "-PT5S", "PT0.5S", "PT0S". */
static size_t put_dt_duration(char *buf, size_t size, struct ordo_feel_duration d)
{
    struct ordo_feel_value v = {.type = ORDO_FV_DT_DURATION, .u.dur = d};
    bool neg = d.sec < 0;
    int64_t s;
    int32_t nano;
    size_t at;

    if (neg) {
        v = ordo_feel_negate(&v);
    }
    s = v.u.dur.sec;
    nano = v.u.dur.nano;
    at = put(size, 0, snprintf(buf, size, "%sP", neg ? "-" : ""));
    if (s >= SPD) {
        at = put(size, at, snprintf(buf + at, size - at, "%lldD", (long long)(s / SPD)));
    }
    if (s % SPD == 0 && nano == 0) {
        return s == 0 ? put(size, at, snprintf(buf + at, size - at, "T0S")) : at;
    }
    at = put(size, at, snprintf(buf + at, size - at, "T"));
    if (s % SPD / 3600) {
        at = put(size, at, snprintf(buf + at, size - at, "%dH", (int)(s % SPD / 3600)));
    }
    if (s % 3600 / 60) {
        at = put(size, at, snprintf(buf + at, size - at, "%dM", (int)(s % 3600 / 60)));
    }
    if (s % 60 == 0 && nano == 0) {
        return at;
    }
    at = put(size, at, snprintf(buf + at, size - at, "%d", (int)(s % 60)));
    at = put_fraction(buf, size, at, nano);
    return put(size, at, snprintf(buf + at, size - at, "S"));
}

static size_t put_ym_duration(char *buf, size_t size, int64_t months)
{
    int64_t m = months < 0 ? -months : months;
    size_t at = put(size, 0, snprintf(buf, size, "%sP", months < 0 ? "-" : ""));

    if (m >= 12) {
        at = put(size, at, snprintf(buf + at, size - at, "%lldY", (long long)(m / 12)));
    }
    if (m % 12 || m == 0) {
        at = put(size, at, snprintf(buf + at, size - at, "%dM", (int)(m % 12)));
    }
    return at;
}

size_t ordo_feel_format_temporal(const struct ordo_feel_value *v, char *buf, size_t size)
{
    size_t at = 0;

    buf[0] = '\0';
    switch (v->type) {
    case ORDO_FV_DATE:
        return put_date(buf, size, 0, v->u.t.day);
    case ORDO_FV_TIME:
        at = put_clock(buf, size, 0, v->u.t.nanos);
        return put_offset(buf, size, at, &v->u.t);
    case ORDO_FV_DATETIME:
        at = put_date(buf, size, 0, v->u.t.day);
        at = put(size, at, snprintf(buf + at, size - at, "T"));
        at = put_clock(buf, size, at, v->u.t.nanos);
        return put_offset(buf, size, at, &v->u.t);
    case ORDO_FV_DT_DURATION:
        return put_dt_duration(buf, size, v->u.dur);
    case ORDO_FV_YM_DURATION:
        return put_ym_duration(buf, size, v->u.months);
    default:
        return 0;
    }
}

/* ---- arithmetic ---- */

static struct ordo_feel_duration dur_sum(struct ordo_feel_duration a, struct ordo_feel_duration b)
{
    struct ordo_feel_duration r = {a.sec + b.sec, a.nano + b.nano};

    if (r.nano >= NPS) {
        r.nano -= NPS;
        r.sec++;
    }
    return r;
}

static struct ordo_feel_value dt_value(struct ordo_feel_duration d)
{
    struct ordo_feel_value v = {.type = ORDO_FV_DT_DURATION, .u.dur = d};

    if (d.sec > ORDO_FEEL_MAX_DUR_SEC || d.sec < -ORDO_FEEL_MAX_DUR_SEC) {
        return ordo_feel_null();
    }
    return v;
}

static struct ordo_feel_value ym_value(int64_t months)
{
    struct ordo_feel_value v = {.type = ORDO_FV_YM_DURATION, .u.months = months};

    if (months > ORDO_FEEL_MAX_DUR_MONTHS || months < -ORDO_FEEL_MAX_DUR_MONTHS) {
        return ordo_feel_null();
    }
    return v;
}

/* A date or date-time moved by a days-and-time duration 'd'. */
static struct ordo_feel_value plus_dt(const struct ordo_feel_value *a, struct ordo_feel_duration d)
{
    struct ordo_feel_value v = *a;
    struct ordo_feel_duration wall = {a->u.t.day * SPD + a->u.t.nanos / NPS,
                                      (int32_t)(a->u.t.nanos % NPS)};

    if (a->type == ORDO_FV_TIME) {
        int64_t shift = ordo_floor_mod(d.sec, SPD) * NPS + d.nano;

        v.u.t.nanos = ordo_floor_mod(a->u.t.nanos + shift, ORDO_FEEL_NANOS_PER_DAY);
        return v;
    }
    wall = dur_sum(wall, d);
    v.u.t.day = ordo_floor_div(wall.sec, SPD);
    if (a->type == ORDO_FV_DATETIME) {
        v.u.t.nanos = ordo_floor_mod(wall.sec, SPD) * NPS + wall.nano;
    }
    return day_ok(v.u.t.day) ? v : ordo_feel_null();
}

static struct ordo_feel_value plus_months(const struct ordo_feel_value *a, int64_t months)
{
    struct ordo_feel_value v = *a;

    if (a->type == ORDO_FV_TIME || !add_months(a->u.t.day, months, &v.u.t.day)) {
        return ordo_feel_null();
    }
    return v;
}

/* a - b for two dates, two times or two date-times. */
static struct ordo_feel_value difference(struct ordo_feel_ev *ev, const struct ordo_feel_value *a,
                                         const struct ordo_feel_value *b)
{
    struct ordo_feel_value nb;
    struct ordo_feel_duration x = {a->u.t.day * SPD + a->u.t.nanos / NPS,
                                   (int32_t)(a->u.t.nanos % NPS)};
    struct ordo_feel_duration y = {b->u.t.day * SPD + b->u.t.nanos / NPS,
                                   (int32_t)(b->u.t.nanos % NPS)};

    if (a->type == ORDO_FV_DATE) {
        x.sec = a->u.t.day * SPD;
        y.sec = b->u.t.day * SPD;
    } else if ((a->u.t.has_offset || b->u.t.has_offset) &&
               (!ordo_feel_instant(ev, a, &x) || !ordo_feel_instant(ev, b, &y))) {
        return ordo_feel_null();
    }
    nb = ordo_feel_negate(&(struct ordo_feel_value){.type = ORDO_FV_DT_DURATION, .u.dur = y});
    return dt_value(dur_sum(x, nb.u.dur));
}

static bool is_point(enum ordo_feel_type t)
{
    return t == ORDO_FV_DATE || t == ORDO_FV_TIME || t == ORDO_FV_DATETIME;
}

struct ordo_feel_value ordo_feel_time_arith(struct ordo_feel_ev *ev, int op,
                                            const struct ordo_feel_value *a,
                                            const struct ordo_feel_value *b)
{
    struct ordo_feel_value nb = op == ORDO_FOP_SUB ? ordo_feel_negate(b) : *b;

    if (is_point(a->type) && b->type == ORDO_FV_DT_DURATION) {
        return plus_dt(a, nb.u.dur);
    }
    if (is_point(a->type) && b->type == ORDO_FV_YM_DURATION) {
        return plus_months(a, nb.u.months);
    }
    if (is_point(a->type) && a->type == b->type && op == ORDO_FOP_SUB) {
        return difference(ev, a, b);
    }
    if (a->type == ORDO_FV_DT_DURATION && b->type == ORDO_FV_DT_DURATION) {
        return dt_value(dur_sum(a->u.dur, nb.u.dur));
    }
    if (a->type == ORDO_FV_YM_DURATION && b->type == ORDO_FV_YM_DURATION) {
        return ym_value(a->u.months + nb.u.months);
    }
    if (op == ORDO_FOP_ADD && is_point(b->type) &&
        (a->type == ORDO_FV_DT_DURATION || a->type == ORDO_FV_YM_DURATION)) {
        return ordo_feel_time_arith(ev, op, b, a);
    }
    return ordo_feel_null();
}

struct ordo_decimal ordo_feel_duration_seconds(struct ordo_feel_duration d)
{
    /* nano * 10^-9, built directly: base/decimal.h defines the representation. */
    struct ordo_decimal frac = {.hi = 0, .lo = (uint64_t)d.nano, .exp = -9, .neg = false};
    struct ordo_decimal s;

    if (ordo_decimal_add(ordo_decimal_from_int(d.sec), frac, &s, NULL) != ORDO_OK) {
        return ordo_decimal_from_int(d.sec); /* cannot happen: 34 digits hold 18 + 9 */
    }
    return s;
}

bool ordo_feel_duration_from_seconds(struct ordo_decimal s, struct ordo_feel_duration *out)
{
    struct ordo_decimal whole;
    struct ordo_decimal frac;
    struct ordo_decimal nanos;
    int64_t sec;
    int64_t n;

    if (ordo_decimal_round(s, 0, ORDO_DECIMAL_FLOOR, &whole, NULL) != ORDO_OK ||
        !ordo_decimal_to_int64(whole, &sec) || sec > ORDO_FEEL_MAX_DUR_SEC ||
        sec < -ORDO_FEEL_MAX_DUR_SEC || ordo_decimal_sub(s, whole, &frac, NULL) != ORDO_OK ||
        ordo_decimal_mul(frac, ordo_decimal_from_int(NPS), &nanos, NULL) != ORDO_OK ||
        ordo_decimal_round(nanos, 0, ORDO_DECIMAL_HALF_EVEN, &nanos, NULL) != ORDO_OK ||
        !ordo_decimal_to_int64(nanos, &n)) {
        return false;
    }
    if (n >= NPS) {
        sec++;
        n -= NPS;
    }
    out->sec = sec;
    out->nano = (int32_t)n;
    return true;
}

static struct ordo_feel_value scale_dt(struct ordo_feel_duration d, struct ordo_decimal k, int op)
{
    struct ordo_decimal s = ordo_feel_duration_seconds(d);
    struct ordo_feel_duration r;
    enum ordo_code rc =
        op == ORDO_FOP_MUL ? ordo_decimal_mul(s, k, &s, NULL) : ordo_decimal_div(s, k, &s, NULL);

    if (rc != ORDO_OK || !ordo_feel_duration_from_seconds(s, &r)) {
        return ordo_feel_null();
    }
    return dt_value(r);
}

static struct ordo_feel_value scale_ym(int64_t months, struct ordo_decimal k, int op)
{
    struct ordo_decimal m = ordo_decimal_from_int(months);
    enum ordo_code rc =
        op == ORDO_FOP_MUL ? ordo_decimal_mul(m, k, &m, NULL) : ordo_decimal_div(m, k, &m, NULL);
    int64_t r;

    /* Whole months, truncated, as Java's Period (FEEL engines) computes. */
    if (rc != ORDO_OK || ordo_decimal_round(m, 0, ORDO_DECIMAL_DOWN, &m, NULL) != ORDO_OK ||
        !ordo_decimal_to_int64(m, &r)) {
        return ordo_feel_null();
    }
    return ym_value(r);
}

static struct ordo_feel_value ratio(struct ordo_decimal a, struct ordo_decimal b)
{
    struct ordo_decimal r;

    return ordo_decimal_div(a, b, &r, NULL) == ORDO_OK ? ordo_feel_number(r) : ordo_feel_null();
}

struct ordo_feel_value ordo_feel_duration_scale(const struct ordo_feel_value *a,
                                                const struct ordo_feel_value *b, int op)
{
    if (op == ORDO_FOP_MUL && a->type == ORDO_FV_NUMBER) {
        const struct ordo_feel_value *t = a;

        a = b;
        b = t;
    }
    if (b->type == ORDO_FV_NUMBER && a->type == ORDO_FV_DT_DURATION) {
        return scale_dt(a->u.dur, b->u.num, op);
    }
    if (b->type == ORDO_FV_NUMBER && a->type == ORDO_FV_YM_DURATION) {
        return scale_ym(a->u.months, b->u.num, op);
    }
    if (op != ORDO_FOP_DIV || a->type != b->type) {
        return ordo_feel_null();
    }
    if (a->type == ORDO_FV_DT_DURATION) {
        return ratio(ordo_feel_duration_seconds(a->u.dur), ordo_feel_duration_seconds(b->u.dur));
    }
    if (a->type == ORDO_FV_YM_DURATION) {
        return ratio(ordo_decimal_from_int(a->u.months), ordo_decimal_from_int(b->u.months));
    }
    return ordo_feel_null();
}

/* ---- properties ---- */

static bool date_property(int64_t day, const char *name, size_t len, int64_t *out)
{
    int64_t y;
    int m;
    int d;

    ordo_civil_from_days(day, &y, &m, &d);
    if (ordo_text_eq(name, len, "year")) {
        *out = y;
    } else if (ordo_text_eq(name, len, "month")) {
        *out = m;
    } else if (ordo_text_eq(name, len, "day")) {
        *out = d;
    } else if (ordo_text_eq(name, len, "weekday")) {
        *out = ordo_floor_mod(day + 3, 7) + 1; /* ISO: Monday 1; 1970-01-01 was a Thursday */
    } else {
        return false;
    }
    return true;
}

static bool clock_property(int64_t nanos, const char *name, size_t len, int64_t *out)
{
    int64_t s = nanos / NPS;

    if (ordo_text_eq(name, len, "hour")) {
        *out = s / 3600;
    } else if (ordo_text_eq(name, len, "minute")) {
        *out = s / 60 % 60;
    } else if (ordo_text_eq(name, len, "second")) {
        *out = s % 60;
    } else {
        return false;
    }
    return true;
}

/* days, hours, minutes, seconds of a duration, each with its sign. */
static bool dt_property(struct ordo_feel_duration d, const char *name, size_t len, int64_t *out)
{
    struct ordo_feel_value v = {.type = ORDO_FV_DT_DURATION, .u.dur = d};
    int64_t sign = d.sec < 0 ? -1 : 1;
    int64_t s;

    if (d.sec < 0) {
        v = ordo_feel_negate(&v);
    }
    s = v.u.dur.sec;
    if (ordo_text_eq(name, len, "days")) {
        *out = sign * (s / SPD);
    } else if (ordo_text_eq(name, len, "hours")) {
        *out = sign * (s % SPD / 3600);
    } else if (ordo_text_eq(name, len, "minutes")) {
        *out = sign * (s % 3600 / 60);
    } else if (ordo_text_eq(name, len, "seconds")) {
        *out = sign * (s % 60);
    } else {
        return false;
    }
    return true;
}

static bool ym_property(int64_t months, const char *name, size_t len, int64_t *out)
{
    if (ordo_text_eq(name, len, "years")) {
        *out = months / 12;
    } else if (ordo_text_eq(name, len, "months")) {
        *out = months % 12;
    } else {
        return false;
    }
    return true;
}

struct ordo_feel_value ordo_feel_time_property(const struct ordo_feel_value *v, const char *name,
                                               size_t len, bool *found)
{
    int64_t x = 0;

    switch (v->type) {
    case ORDO_FV_DATE:
        *found = date_property(v->u.t.day, name, len, &x);
        break;
    case ORDO_FV_TIME:
        *found = clock_property(v->u.t.nanos, name, len, &x);
        break;
    case ORDO_FV_DATETIME:
        *found =
            date_property(v->u.t.day, name, len, &x) || clock_property(v->u.t.nanos, name, len, &x);
        break;
    case ORDO_FV_DT_DURATION:
        *found = dt_property(v->u.dur, name, len, &x);
        break;
    case ORDO_FV_YM_DURATION:
        *found = ym_property(v->u.months, name, len, &x);
        break;
    default:
        *found = false;
        break;
    }
    return *found ? ordo_feel_int(x) : ordo_feel_null();
}
