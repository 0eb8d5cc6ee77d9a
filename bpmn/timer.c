/*
 * bpmn/timer.c - timer definitions: parsing ISO 8601 dates, durations,
 * repeating intervals and cron, and finding when a timer is next due
 * (contracts in timer.h; user-facing rules in docs/timers.md).
 *
 * Instants are Unix milliseconds, kept between the years 1 and 9999 (what
 * ISO 8601's four-digit years can write); arithmetic that leaves that range
 * means "never due", never an overflow.
 *
 * Cron dialects, told apart by the number of fields and by "?":
 *   5 fields           standard (Vixie) cron: minute hour day month weekday;
 *                      weekday 0-7 (0 and 7: Sunday). When both day fields
 *                      are restricted (neither starts with "*") a day matching
 *                      either is due, as crontab(5) says.
 *   6 fields, no "?"   Spring (Camunda 8): a seconds field first; both day
 *                      fields must match, as Spring's CronExpression does.
 *   6-7 fields, "?"    Quartz (Camunda 7): seconds first, an optional year
 *                      (1970-2199); exactly one day field is "?", and
 *                      weekday numbers are 1-7 with 1 for Sunday.
 * Ranges may wrap ("FRI-MON", "22-2"), as in Quartz.
 *
 * The search for the next cron match walks the calendar month by month: a
 * month's matching days are one 31-bit mask, and the time of day is found
 * with three bit searches, so the search costs a few hundred steps even
 * when nothing matches. It covers 28 years (every weekday and leap year
 * combination but those the year 2100 breaks), or up to the last year of a
 * Quartz year field; no match within that is "never due".
 */
#include "bpmn/timer.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/calendar.h"
#include "base/text.h"
#include "bpmn/iso8601.h"

#define MS_PER_DAY   ((int64_t)86400000)
#define SPD          ((int64_t)86400)
#define MIN_INSTANT  ((int64_t)-62135596800000) /* 0001-01-01T00:00:00Z */
#define MAX_INSTANT  ((int64_t)253402300799999) /* 9999-12-31T23:59:59.999Z */
#define MAX_MONTHS   ((int64_t)12 * 10000)      /* the longest duration: 10,000 years */
#define MAX_DAYS     ((int64_t)3652425)
#define MAX_EXACT_MS (MAX_DAYS * MS_PER_DAY)
#define AVG_MONTH_MS ((int64_t)2629746000) /* 365.2425 days / 12 */
#define SEARCH_YEARS 28
#define YEAR_BASE    1970
#define YEAR_LAST    2199
#define STEP_LIMIT   1000

/* A duration: calendar parts, added in wall-clock time, then exact time. */
struct span {
    int64_t months;
    int64_t days;
    int64_t ms;
};

/* A date-time as written: an instant ('exact'), or a wall-clock time to be
 * read in the caller's zone. 'tz' is the zone it named, or its offset as a
 * fixed zone; NULL when it had neither. */
struct point {
    int64_t ms;
    bool exact;
    const struct ordo_tz *tz;
};

struct cron {
    uint64_t sec, min; /* bits 0-59 */
    uint32_t hour;     /* bits 0-23 */
    uint32_t dom;      /* bits 1-31 */
    uint16_t mon;      /* bits 1-12 */
    uint8_t dow;       /* bits 0-6, Sunday 0 */
    bool days_or;      /* a day matching either day field is due */
    bool any_year;
    uint64_t years[4]; /* bit n: the year YEAR_BASE + n */
};

struct ordo_timer {
    enum ordo_timer_kind kind;
    struct point date; /* a date; a cycle's start when 'has_start' */
    struct span span;  /* a duration; a cycle's period */
    bool is_cron;
    bool has_start;
    bool bounded;
    uint32_t reps;
    struct cron cron;
};

/* What a parse needs to report an error. */
struct parse {
    struct ordo_err *err;
    const char *what; /* "timeDate", "timeDuration", "timeCycle" */
    const char *text; /* the whole text, trimmed, quoted in every message */
    size_t len;
};

__attribute__((format(printf, 2, 3))) static enum ordo_code fail(const struct parse *ps,
                                                                 const char *fmt, ...)
{
    char reason[150];
    char quote[80];
    va_list ap;

    va_start(ap, fmt);
    ordo_utf8_vformat(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    return ordo_err_set(ps->err, ORDO_E_UNPROCESSABLE, "invalid %s \"%s\": %s", ps->what,
                        ordo_utf8_quote(quote, sizeof(quote), ps->text, ps->len, 64), reason);
}

/* ---- calendar ---- */

/* Unix ms 'base' plus 'k' times 'p', calendar parts in the wall-clock time
 * of 'tz'; false when that leaves the years 1 to 9999. */
static bool add_span(const struct ordo_tz *tz, int64_t base, const struct span *p, int64_t k,
                     int64_t *out)
{
    int64_t months;
    int64_t days;
    int64_t exact;
    int64_t ms = base;

    if (__builtin_mul_overflow(p->months, k, &months) ||
        __builtin_mul_overflow(p->days, k, &days) || __builtin_mul_overflow(p->ms, k, &exact) ||
        months > MAX_MONTHS || days > MAX_DAYS) {
        return false;
    }
    if (months || days) {
        int64_t local = base + (int64_t)ordo_tz_offset(tz, base) * 1000;
        int64_t day = ordo_floor_div(local, MS_PER_DAY);
        int64_t y;
        int m;
        int d;

        ordo_civil_from_days(day, &y, &m, &d);
        ordo_civil_add_months(&y, &m, &d, months); /* Jan 31 + P1M: Feb 28 */
        if (y > 9999) {
            return false;
        }
        local = (ordo_days_from_civil(y, m, d) + days) * MS_PER_DAY + (local - day * MS_PER_DAY);
        ms = ordo_tz_to_utc(tz, local);
    }
    if (__builtin_add_overflow(ms, exact, &ms) || ms < MIN_INSTANT || ms > MAX_INSTANT) {
        return false;
    }
    *out = ms;
    return true;
}

/* The first of base + k * p, k >= kmin, that is after 'after'. */
static bool first_after(const struct ordo_tz *tz, int64_t base, const struct span *p, int64_t kmin,
                        int64_t after, int64_t *out)
{
    int64_t approx = p->months * AVG_MONTH_MS + p->days * MS_PER_DAY + p->ms;
    int64_t k = kmin;
    int64_t at;

    if (after > base) { /* both within the years 1-9999: no overflow */
        k = (after - base) / approx;
        k = k < kmin ? kmin : k;
    }
    /* The estimate is off by a few periods at most (months differ in
     * length, days in DST changes): step to the first one past 'after'. */
    for (int i = 0; i < STEP_LIMIT && k > kmin && add_span(tz, base, p, k - 1, &at) && at > after;
         i++) {
        k--;
    }
    for (int i = 0; i < STEP_LIMIT; i++, k++) {
        if (!add_span(tz, base, p, k, &at)) {
            return false;
        }
        if (at > after) {
            *out = at;
            return true;
        }
    }
    return false;
}

/* ---- reading ISO 8601 ---- */

/* The zone 'name' ('len' bytes), for a date-time. */
static enum ordo_code named_zone(const struct parse *ps, const char *name, size_t len,
                                 const struct ordo_tz **tz)
{
    char buf[160];
    struct ordo_err zerr = {0};

    if (len == 0 || len >= sizeof(buf) || memchr(name, '\0', len)) {
        return fail(ps, "the time zone name is empty or too long");
    }
    memcpy(buf, name, len);
    buf[len] = '\0';
    if (ordo_tz_get(buf, tz, &zerr) != ORDO_OK) {
        return fail(ps, "%s", zerr.msg);
    }
    return ORDO_OK;
}

/* "Z", "+01:00", "-0530", "+02" after a time: '*off' seconds east and the
 * offset as a fixed zone in '*tz'; '*tz' stays NULL when there is none. */
static enum ordo_code read_offset(const struct parse *ps, struct ordo_iso8601_cur *c, int32_t *off,
                                  const struct ordo_tz **tz)
{
    char name[8];
    char sign;
    int h;
    int m = 0;

    *off = 0;
    if (ordo_iso8601_eat(c, 'Z') || ordo_iso8601_eat(c, 'z')) {
        *tz = ordo_tz_utc();
        return ORDO_OK;
    }
    if (c->p == c->end || (*c->p != '+' && *c->p != '-')) {
        return ORDO_OK;
    }
    sign = *c->p++;
    if (!ordo_iso8601_fixed(c, 2, &h) ||
        ((ordo_iso8601_eat(c, ':') || ordo_iso8601_at_digit(c)) && !ordo_iso8601_fixed(c, 2, &m)) ||
        h > 18 || m > 59 || (h == 18 && m > 0)) {
        return fail(ps, "expected an offset such as +01:00 after the time");
    }
    *off = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
    /* h and m are checked above; the masks tell gcc they fit two digits. */
    (void)snprintf(name, sizeof(name), "%c%02u:%02u", sign, (unsigned)h % 100u, (unsigned)m % 100u);
    return named_zone(ps, name, strlen(name), tz);
}

/* "[Europe/Berlin]" or "@Europe/Berlin" at the end, if there. */
static enum ordo_code read_zone_name(const struct parse *ps, struct ordo_iso8601_cur *c,
                                     const struct ordo_tz **tz)
{
    size_t rest = (size_t)(c->end - c->p);
    const char *s = c->p;

    if (rest == 0) {
        return ORDO_OK;
    }
    c->p = c->end;
    if (*s == '@') {
        return named_zone(ps, s + 1, rest - 1, tz);
    }
    if (*s == '[' && rest >= 2 && s[rest - 1] == ']') {
        return named_zone(ps, s + 1, rest - 2, tz);
    }
    return fail(ps, "unexpected text after the date-time (a zone is written Z, +01:00, "
                    "[Europe/Berlin] or @Europe/Berlin)");
}

/* A date-time or a date. With an offset it is that instant; with a zone
 * name alone, the wall-clock time there; with neither, a wall-clock time
 * for the caller's zone. */
static enum ordo_code read_point(const struct parse *ps, const char *s, size_t len,
                                 struct point *pt)
{
    struct ordo_iso8601_cur c = {s, s + len};
    int64_t day;
    int64_t clock_ns = 0;
    int32_t off = 0;
    const struct ordo_tz *fixed_tz = NULL;
    const struct ordo_tz *named = NULL;
    enum ordo_code rc = ORDO_OK;
    bool has_time;

    memset(pt, 0, sizeof(*pt));
    /* Four-digit years only, and not the year 0000: instants stay within
     * the years 1 to 9999. */
    if (!ordo_iso8601_date(&c, 0, &day) || day < MIN_INSTANT / MS_PER_DAY) {
        return fail(ps, "expected an ISO 8601 date-time such as 2026-12-01T09:00:00Z");
    }
    has_time = ordo_iso8601_eat(&c, 'T');
    if (has_time &&
        !ordo_iso8601_clock(&c, ORDO_ISO8601_SHORT_TIME | ORDO_ISO8601_COMMA, &clock_ns)) {
        return fail(ps, "expected a time of day such as T09:00:00 after the date");
    }
    if (has_time) {
        rc = read_offset(ps, &c, &off, &fixed_tz);
    }
    if (rc == ORDO_OK) {
        rc = read_zone_name(ps, &c, &named);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    pt->ms = day * MS_PER_DAY + clock_ns / 1000000; /* digits past the milliseconds are cut */
    pt->tz = named ? named : fixed_tz;
    if (fixed_tz) { /* the offset fixes the instant; a zone named too serves calendar units */
        pt->ms -= (int64_t)off * 1000;
        pt->exact = true;
    } else if (named) {
        pt->ms = ordo_tz_to_utc(named, pt->ms);
        pt->exact = true;
    }
    return ORDO_OK;
}

/* The instant of 'pt', a wall-clock time read in 'zone' if need be. */
static int64_t point_instant(const struct point *pt, const struct ordo_tz *zone)
{
    return pt->exact ? pt->ms : ordo_tz_to_utc(zone, pt->ms);
}

/* One "<n><unit>" of a duration; 'units' lists the units still allowed in
 * this part (after "P": "YMWD", after "T": "HMS"), in order. */
static bool read_unit(struct ordo_iso8601_cur *c, const char **units, int64_t v[7], const char *all)
{
    int64_t n;
    int32_t frac_ns = 0;
    int64_t frac;
    const char *u;

    if (!ordo_iso8601_digits(c, 12, &n, NULL)) {
        return false;
    }
    if (c->p < c->end && (*c->p == '.' || *c->p == ',')) {
        if (strcmp(all, "HMS") != 0 || !ordo_iso8601_fraction(c, ORDO_ISO8601_COMMA, &frac_ns)) {
            return false;
        }
    }
    frac = frac_ns / 1000000; /* milliseconds: digits past the third are cut */
    if (c->p == c->end || *c->p == '\0' || !(u = strchr(*units, *c->p))) {
        return false;
    }
    if (frac && *u != 'S') {
        return false; /* only seconds take a fraction */
    }
    c->p++;
    *units = u + 1;
    /* v: Y M W D H M S(ms) */
    if (strcmp(all, "HMS") == 0) {
        v[4 + (u - all)] = u - all == 2 ? n * 1000 + frac : n;
    } else {
        v[u - all] = n;
    }
    return true;
}

static enum ordo_code read_span(const struct parse *ps, const char *s, size_t len, struct span *out)
{
    struct ordo_iso8601_cur c = {s, s + len};
    int64_t v[7] = {0};
    const char *date_units = "YMWD";
    const char *time_units = "HMS";
    bool any = false;

    if (len > 0 && *s == '-') {
        return fail(ps, "a timer duration cannot be negative");
    }
    if (!ordo_iso8601_eat(&c, 'P')) {
        return fail(ps, "expected an ISO 8601 duration such as PT15M or P1D");
    }
    while (c.p < c.end && *c.p != 'T') {
        if (!read_unit(&c, &date_units, v, "YMWD")) {
            return fail(ps, "expected an ISO 8601 duration such as PT15M or P1D");
        }
        any = true;
    }
    if (ordo_iso8601_eat(&c, 'T')) {
        any = false;
        while (c.p < c.end) {
            if (!read_unit(&c, &time_units, v, "HMS")) {
                return fail(ps, "expected an ISO 8601 duration such as PT15M or P1D");
            }
            any = true;
        }
    }
    if (!any) {
        return fail(ps, "a duration needs at least one number and unit (PT15M, P1D)");
    }
    /* Twelve digits at most each: the sums below cannot overflow. */
    out->months = v[0] * 12 + v[1];
    out->days = v[2] * 7 + v[3];
    out->ms = v[4] * 3600000 + v[5] * 60000 + v[6];
    if (out->months > MAX_MONTHS || out->days > MAX_DAYS || out->ms > MAX_EXACT_MS) {
        return fail(ps, "the duration is longer than 10000 years");
    }
    return ORDO_OK;
}

/* "R[n]/duration" or "R[n]/start/duration". The duration follows the last
 * "/", since a zone name in the start has one too. */
static enum ordo_code read_repeat(const struct parse *ps, struct ordo_timer *t)
{
    struct ordo_iso8601_cur c = {ps->text + 1, ps->text + ps->len};
    const char *last;
    int64_t n;
    enum ordo_code rc;

    t->bounded = ordo_iso8601_at_digit(&c);
    if (t->bounded) {
        if (!ordo_iso8601_digits(&c, 10, &n, NULL) || n > UINT32_MAX) {
            return fail(ps, "the number of repetitions is too large");
        }
        t->reps = (uint32_t)n;
    }
    if (!ordo_iso8601_eat(&c, '/') || c.p == c.end) {
        return fail(ps, "expected R/PT1H, R5/PT10M or R3/2026-12-01T09:00:00Z/P1D");
    }
    last = c.end;
    while (last > c.p && last[-1] != '/') {
        last--;
    }
    if (last > c.p && (*c.p == 'P' || *last != 'P')) {
        return fail(ps, "only R[n]/duration and R[n]/start/duration are supported, not an "
                        "interval with an end");
    }
    if (last > c.p) {
        t->has_start = true;
        rc = read_point(ps, c.p, (size_t)(last - 1 - c.p), &t->date);
        if (rc != ORDO_OK) {
            return rc;
        }
        c.p = last;
    }
    rc = read_span(ps, c.p, (size_t)(c.end - c.p), &t->span);
    if (rc == ORDO_OK && t->span.months == 0 && t->span.days == 0 && t->span.ms == 0) {
        return fail(ps, "the period of a cycle must be longer than zero");
    }
    return rc;
}

/* ---- cron ---- */

enum dialect {
    CRON_STANDARD,
    CRON_SPRING,
    CRON_QUARTZ,
};

struct field_spec {
    const char *what; /* for messages */
    int lo, hi;       /* as written */
    const char *const *names;
    int name_base; /* the value of names[0] */
};

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
                                          "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

static const struct field_spec spec_sec = {"second", 0, 59, NULL, 0};
static const struct field_spec spec_min = {"minute", 0, 59, NULL, 0};
static const struct field_spec spec_hour = {"hour", 0, 23, NULL, 0};
static const struct field_spec spec_dom = {"day-of-month", 1, 31, NULL, 0};
static const struct field_spec spec_mon = {"month", 1, 12, month_names, 1};
static const struct field_spec spec_dow = {"day-of-week", 0, 7, day_names, 0};
static const struct field_spec spec_dow_quartz = {"day-of-week", 1, 7, day_names, 1};
static const struct field_spec spec_year = {"year", YEAR_BASE, YEAR_LAST, NULL, 0};

/* Values as written, bit 'v - base' ('base' is YEAR_BASE for years, else 0). */
struct bits {
    uint64_t w[4];
};

static void set_bit(struct bits *b, int i)
{
    b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static bool upper_eq(const char *s, size_t len, const char *word)
{
    if (strlen(word) != len) {
        return false;
    }
    for (size_t i = 0; i < len; i++) { /* 'word' is letters: ORing 0x20 folds only their case */
        if (((unsigned char)s[i] | 0x20) != ((unsigned char)word[i] | 0x20)) {
            return false;
        }
    }
    return true;
}

/* A number or a name of field 'f'. */
static bool cron_value(const struct field_spec *f, const char *s, size_t len, int *out)
{
    struct ordo_iso8601_cur c = {s, s + len};
    int64_t v;

    if (ordo_iso8601_at_digit(&c)) {
        if (!ordo_iso8601_digits(&c, 4, &v, NULL) || c.p != c.end) {
            return false;
        }
        *out = (int)v;
        return true;
    }
    for (int i = 0; f->names && f->names[i]; i++) {
        if (upper_eq(s, len, f->names[i])) {
            *out = i + f->name_base;
            return true;
        }
    }
    return false;
}

/* The message for an item that is not understood: Quartz's special
 * characters are named. */
static enum ordo_code bad_item(const struct parse *ps, const struct field_spec *f, const char *s,
                               size_t len)
{
    char quote[40];
    bool letter_l = false;
    bool letter_w = false;

    for (size_t i = 0; i < len; i++) {
        letter_l = letter_l || s[i] == 'L' || s[i] == 'l';
        letter_w = letter_w || s[i] == 'W' || s[i] == 'w';
    }
    if (memchr(s, '#', len)) {
        return fail(ps, "Quartz's \"#\" (the nth weekday of the month) is not supported");
    }
    if (letter_l) {
        return fail(ps, "Quartz's \"L\" (the last day) is not supported");
    }
    if (letter_w) {
        return fail(ps, "Quartz's \"W\" (the nearest weekday) is not supported");
    }
    return fail(ps,
                "\"%s\" is not a valid %s (expected *, a number, a range such as 1-5, "
                "a list or a step such as */15)",
                ordo_utf8_quote(quote, sizeof(quote), s, len, 24), f->what);
}

static enum ordo_code out_of_range(const struct parse *ps, const struct field_spec *f, int v)
{
    return fail(ps, "%s %d is out of range (%d-%d)", f->what, v, f->lo, f->hi);
}

/* "*", "5", "1-5", "FRI-MON", each with an optional "/step". */
static enum ordo_code cron_item(const struct parse *ps, const struct field_spec *f, const char *s,
                                size_t len, struct bits *out)
{
    const char *slash = memchr(s, '/', len);
    size_t body = slash ? (size_t)(slash - s) : len;
    const char *dash = memchr(s, '-', body);
    int base = f == &spec_year ? YEAR_BASE : 0;
    int span = f->hi - f->lo + 1;
    int a = f->lo;
    int b = f->hi;
    int step = 1;

    if (slash && (!cron_value(&spec_sec, slash + 1, len - body - 1, &step) || step < 1)) {
        return bad_item(ps, f, s, len);
    }
    if (step > span) {
        return fail(ps, "step %d is larger than the %s range (%d-%d)", step, f->what, f->lo, f->hi);
    }
    if (!(body == 1 && *s == '*')) {
        if (!cron_value(f, s, dash ? (size_t)(dash - s) : body, &a) ||
            (dash && !cron_value(f, dash + 1, body - (size_t)(dash - s) - 1, &b))) {
            return bad_item(ps, f, s, len);
        }
        b = dash ? b : (slash ? f->hi : a);
    }
    if (a < f->lo || a > f->hi) {
        return out_of_range(ps, f, a);
    }
    if (b < f->lo || b > f->hi) {
        return out_of_range(ps, f, b);
    }
    /* A range may wrap: FRI-MON is FRI, SAT, SUN, MON. */
    for (int i = 0; i <= (b - a + span) % span; i += step) {
        set_bit(out, f->lo + (a - f->lo + i) % span - base);
    }
    return ORDO_OK;
}

static enum ordo_code cron_field(const struct parse *ps, const struct field_spec *f, const char *s,
                                 size_t len, struct bits *out)
{
    const char *end = s + len;

    memset(out, 0, sizeof(*out));
    while (s <= end) {
        const char *comma = memchr(s, ',', (size_t)(end - s));
        size_t n = comma ? (size_t)(comma - s) : (size_t)(end - s);
        enum ordo_code rc;

        if (n == 0) {
            return fail(ps, "an empty item in the %s field", f->what);
        }
        if (n == 1 && *s == '?') {
            return fail(ps, "\"?\" stands alone, and only in the day-of-month or day-of-week "
                            "field of a Quartz expression");
        }
        rc = cron_item(ps, f, s, n, out);
        if (rc != ORDO_OK) {
            return rc;
        }
        s += n + 1;
    }
    return ORDO_OK;
}

struct fields {
    const char *s[8];
    size_t len[8];
    int n;
};

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static enum ordo_code split_fields(const struct parse *ps, const char *s, size_t len,
                                   struct fields *f)
{
    const char *end = s + len;

    for (int i = 0; i < 8; i++) { /* every slot points somewhere, filled or not */
        f->s[i] = end;
        f->len[i] = 0;
    }
    f->n = 0;
    while (s < end) {
        const char *start;

        while (s < end && is_blank(*s)) {
            s++;
        }
        if (s == end) {
            break;
        }
        if (f->n == 8) {
            return fail(ps, "cron takes 5, 6 or 7 fields, not more");
        }
        start = s;
        while (s < end && !is_blank(*s)) {
            s++;
        }
        f->s[f->n] = start;
        f->len[f->n++] = (size_t)(s - start);
    }
    if (f->n < 5 || f->n > 7) {
        return fail(ps, "cron takes 5, 6 or 7 fields, not %d", f->n);
    }
    return ORDO_OK;
}

static bool is_question(const struct fields *f, int i)
{
    return f->len[i] == 1 && f->s[i][0] == '?';
}

/* The two day fields; Quartz's "?" leaves one unrestricted. */
static enum ordo_code cron_days(const struct parse *ps, const struct fields *f, int first,
                                enum dialect d, struct cron *cr)
{
    struct bits dom = {{0xFFFFFFFE, 0, 0, 0}};
    struct bits dow = {{0xFF, 0, 0, 0}};
    bool q_dom = is_question(f, first);
    bool q_dow = is_question(f, first + 2);
    enum ordo_code rc = ORDO_OK;

    if (d != CRON_QUARTZ && (q_dom || q_dow)) {
        return fail(ps, "\"?\" belongs to the six- or seven-field Quartz form, with seconds "
                        "first");
    }
    if (d == CRON_QUARTZ && q_dom == q_dow) {
        return fail(ps, "a Quartz expression needs \"?\" in exactly one of the day-of-month and "
                        "day-of-week fields");
    }
    if (!q_dom) {
        rc = cron_field(ps, &spec_dom, f->s[first], f->len[first], &dom);
    }
    if (rc == ORDO_OK && !q_dow) {
        rc = cron_field(ps, d == CRON_QUARTZ ? &spec_dow_quartz : &spec_dow, f->s[first + 2],
                        f->len[first + 2], &dow);
    }
    if (rc != ORDO_OK) {
        return rc;
    }
    cr->dom = (uint32_t)dom.w[0];
    if (d == CRON_QUARTZ && !q_dow) {
        cr->dow = (uint8_t)(dow.w[0] >> 1); /* 1-7: Sunday 1 */
    } else {
        cr->dow = (uint8_t)((dow.w[0] | dow.w[0] >> 7) & 0x7F); /* 0-7: Sunday 0 and 7 */
    }
    /* crontab(5): with both restricted, either matches; "*" (or "*\/2")
     * means the other field alone decides. */
    cr->days_or = d == CRON_STANDARD && f->s[first][0] != '*' && f->s[first + 2][0] != '*';
    return ORDO_OK;
}

static enum ordo_code read_cron(const struct parse *ps, const char *s, size_t len, struct cron *cr)
{
    struct fields f;
    struct bits b[4];
    enum dialect d;
    int first;
    enum ordo_code rc = split_fields(ps, s, len, &f);

    if (rc != ORDO_OK) {
        return rc;
    }
    d = f.n == 5 ? CRON_STANDARD : CRON_QUARTZ;
    first = f.n == 5 ? 2 : 3; /* the day-of-month field */
    if (f.n == 6 && !is_question(&f, 3) && !is_question(&f, 5)) {
        d = CRON_SPRING;
    }
    memset(cr, 0, sizeof(*cr));
    memset(b, 0, sizeof(b));
    b[0].w[0] = 1; /* five fields: at second 0 */
    if (f.n > 5) {
        rc = cron_field(ps, &spec_sec, f.s[0], f.len[0], &b[0]);
    }
    for (int i = 1; i < 4 && rc == ORDO_OK; i++) { /* minute, hour, month */
        static const struct field_spec *const specs[] = {NULL, &spec_min, &spec_hour, &spec_mon};
        int at = i == 3 ? first + 1 : first - 3 + i;

        rc = cron_field(ps, specs[i], f.s[at], f.len[at], &b[i]);
    }
    if (rc == ORDO_OK) {
        rc = cron_days(ps, &f, first, d, cr);
    }
    cr->any_year = f.n < 7 || (f.len[6] == 1 && f.s[6][0] == '*');
    if (rc == ORDO_OK && !cr->any_year) {
        struct bits y;

        rc = cron_field(ps, &spec_year, f.s[6], f.len[6], &y);
        memcpy(cr->years, y.w, sizeof(cr->years));
    }
    cr->sec = b[0].w[0];
    cr->min = b[1].w[0];
    cr->hour = (uint32_t)b[2].w[0];
    cr->mon = (uint16_t)b[3].w[0];
    return rc;
}

/* "@daily" and its kin, as Vixie cron and Spring read them. */
static const char *cron_macro(const char *s, size_t len)
{
    static const char *const macros[][2] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
    };

    for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
        if (ordo_text_eq(s, len, macros[i][0])) {
            return macros[i][1];
        }
    }
    return NULL;
}

/* ---- the next cron match ---- */

/* The lowest set bit of 'bits' at or above 'from', or -1. */
static int next_bit(uint64_t bits, int from)
{
    if (from > 63) {
        return -1;
    }
    bits &= ~(uint64_t)0 << from;
    return bits ? __builtin_ctzll(bits) : -1;
}

static bool year_ok(const struct cron *c, int64_t y)
{
    int64_t i = y - YEAR_BASE;

    return c->any_year ||
           (i >= 0 && i <= YEAR_LAST - YEAR_BASE && (c->years[i / 64] >> (i % 64) & 1));
}

/* The days of month 'm' of year 'y' that match, as bits 1-31. */
static uint32_t month_days(const struct cron *c, int64_t y, int m)
{
    int n = ordo_days_in_month(y, m);
    int wd = (int)ordo_floor_mod(ordo_days_from_civil(y, m, 1) + 4, 7); /* 1970-01-01: Thursday */
    uint32_t valid = (uint32_t)(((uint64_t)1 << (n + 1)) - 2);
    uint32_t by_dow = 0;

    for (int d = 1; d <= n; d++) {
        if (c->dow >> ((wd + d - 1) % 7) & 1) {
            by_dow |= (uint32_t)1 << d;
        }
    }
    return c->days_or ? (c->dom | by_dow) & valid : c->dom & by_dow & valid;
}

/* The first matching time of day at or after second 'tod', or -1: each
 * step moves to the next matching hour, minute or second, or past one. */
static int64_t day_time(const struct cron *c, int64_t tod)
{
    while (tod < SPD) {
        int h = (int)(tod / 3600);
        int m = (int)(tod / 60 % 60);
        int s = (int)(tod % 60);
        int nh = next_bit(c->hour, h);
        int nm = next_bit(c->min, m);
        int ns = next_bit(c->sec, s);

        if (nh < 0) {
            return -1;
        }
        if (nh != h) {
            tod = (int64_t)nh * 3600;
        } else if (nm < 0) {
            tod = (int64_t)(h + 1) * 3600;
        } else if (nm != m) {
            tod = (int64_t)h * 3600 + (int64_t)nm * 60;
        } else if (ns < 0) {
            tod = (int64_t)h * 3600 + (int64_t)(m + 1) * 60;
        } else {
            return (int64_t)h * 3600 + (int64_t)m * 60 + ns;
        }
    }
    return -1;
}

/* The first local wall-clock second at or after 'from' that matches, up
 * to the end of year 'last_year'. */
static bool next_local(const struct cron *c, int64_t from, int64_t last_year, int64_t *out)
{
    int64_t day = ordo_floor_div(from, SPD);
    int64_t tod = from - day * SPD;
    int64_t y;
    int m;
    int d;

    ordo_civil_from_days(day, &y, &m, &d);
    while (y <= last_year) {
        uint64_t days;
        int64_t t;

        if (!year_ok(c, y) || !(c->mon >> m & 1)) {
            days = 0;
        } else {
            days = (uint64_t)month_days(c, y, m) & (~(uint64_t)0 << d);
        }
        if (days == 0) { /* the first day of the next month */
            y += m == 12;
            m = m == 12 ? 1 : m + 1;
            d = 1;
            tod = 0;
            continue;
        }
        if (__builtin_ctzll(days) != d) {
            d = __builtin_ctzll(days);
            tod = 0;
        }
        t = day_time(c, tod);
        if (t >= 0) {
            *out = ordo_days_from_civil(y, m, d) * SPD + t;
            return true;
        }
        d++; /* may pass the month's end: its mask is empty then */
        tod = 0;
    }
    return false;
}

/* The first matching second after 'after_ms', in the wall-clock time of
 * 'tz'. A wall-clock time that an overlap repeats is due once (at its
 * first instant); one in a gap is due when the gap ends, moved as tz.h
 * says. */
static bool cron_due(const struct cron *c, int64_t after_ms, const struct ordo_tz *tz, int64_t *due)
{
    int64_t after = after_ms < MIN_INSTANT ? MIN_INSTANT : after_ms;
    int64_t from = ordo_floor_div(after, 1000) + ordo_tz_offset(tz, after) + 1;
    int64_t y;
    int m;
    int d;
    int64_t last;
    int64_t w;

    ordo_civil_from_days(ordo_floor_div(from, SPD), &y, &m, &d);
    last = c->any_year ? y + SEARCH_YEARS : YEAR_LAST;
    last = last > 9999 ? 9999 : last;
    while (next_local(c, from, last, &w)) {
        int64_t u = ordo_tz_to_utc(tz, w * 1000);

        if (u > after) { /* not so only in an overlap's second pass */
            *due = u;
            return true;
        }
        from = w + 1;
    }
    return false;
}

/* ---- the public functions ---- */

static const char *const kind_names[] = {
    [ORDO_TIMER_DATE] = "timeDate",
    [ORDO_TIMER_DURATION] = "timeDuration",
    [ORDO_TIMER_CYCLE] = "timeCycle",
};

enum ordo_code ordo_timer_parse(struct ordo_arena *arena, enum ordo_timer_kind kind,
                                const char *text, const struct ordo_timer **out,
                                struct ordo_err *err)
{
    struct parse ps = {err, "timer", text ? text : "", 0};
    struct ordo_timer *t;
    const char *macro;
    enum ordo_code rc;

    ps.len = strlen(ps.text);
    while (ps.len > 0 && ordo_is_space((unsigned char)*ps.text)) {
        ps.text++;
        ps.len--;
    }
    while (ps.len > 0 && ordo_is_space((unsigned char)ps.text[ps.len - 1])) {
        ps.len--;
    }
    if ((unsigned)kind > ORDO_TIMER_CYCLE) {
        return fail(&ps, "unknown kind of timer %d", (int)kind);
    }
    ps.what = kind_names[kind];
    if (ps.len == 0) {
        return fail(&ps, "the definition is empty");
    }
    t = ordo_arena_alloc(arena, sizeof(*t));
    t->kind = kind;
    if (kind == ORDO_TIMER_DATE) {
        rc = read_point(&ps, ps.text, ps.len, &t->date);
    } else if (kind == ORDO_TIMER_DURATION) {
        rc = read_span(&ps, ps.text, ps.len, &t->span);
    } else if (ps.text[0] == 'R') {
        rc = read_repeat(&ps, t);
    } else {
        t->is_cron = true;
        macro = ps.text[0] == '@' ? cron_macro(ps.text, ps.len) : NULL;
        if (ps.text[0] == '@' && !macro) {
            return fail(&ps, "unknown cron macro (known: @yearly, @monthly, @weekly, @daily, "
                             "@hourly)");
        }
        rc = macro ? read_cron(&ps, macro, strlen(macro), &t->cron)
                   : read_cron(&ps, ps.text, ps.len, &t->cron);
    }
    if (rc == ORDO_OK) {
        *out = t;
    }
    return rc;
}

enum ordo_timer_kind ordo_timer_kind_of(const struct ordo_timer *t)
{
    return t->kind;
}

static bool cycle_due(const struct ordo_timer *t, int64_t armed_ms, uint32_t fired,
                      int64_t after_ms, const struct ordo_tz *zone, int64_t *due_ms)
{
    int64_t base = armed_ms;
    const struct ordo_tz *tz = zone;

    if (t->is_cron) {
        return cron_due(&t->cron, after_ms, zone, due_ms);
    }
    if (t->bounded && fired >= t->reps) {
        return false;
    }
    if (t->has_start) {
        base = point_instant(&t->date, zone);
        tz = t->date.tz ? t->date.tz : zone;
    }
    if (base < MIN_INSTANT || base > MAX_INSTANT) {
        return false;
    }
    after_ms = after_ms < MIN_INSTANT   ? MIN_INSTANT
               : after_ms > MAX_INSTANT ? MAX_INSTANT
                                        : after_ms;
    return first_after(tz, base, &t->span, t->has_start ? 0 : 1, after_ms, due_ms);
}

bool ordo_timer_due(const struct ordo_timer *t, int64_t armed_ms, uint32_t fired, int64_t after_ms,
                    const struct ordo_tz *zone, int64_t *due_ms)
{
    if (!zone) {
        zone = ordo_tz_utc();
    }
    switch (t->kind) {
    case ORDO_TIMER_DATE:
        if (fired > 0) {
            return false;
        }
        *due_ms = point_instant(&t->date, zone);
        return true;
    case ORDO_TIMER_DURATION:
        return fired == 0 && armed_ms >= MIN_INSTANT && armed_ms <= MAX_INSTANT &&
               add_span(zone, armed_ms, &t->span, 1, due_ms);
    default:
        return cycle_due(t, armed_ms, fired, after_ms, zone, due_ms);
    }
}
