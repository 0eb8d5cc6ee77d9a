/*
 * bpmn/export_timer.c - cron in each target's own form (CONTRACTS §12).
 *
 * Ordo reads three cron dialects (bpmn/timer.h): five fields (crontab),
 * six fields with seconds first (Spring, what Zeebe reads) and Quartz with
 * "?" and an optional year (what Camunda 7 reads). The export writes:
 *   Camunda 8  six fields, "?" -> "*", no year (a year other than "*" has
 *              no Spring equivalent and is reported);
 *   Camunda 7  Quartz: six fields with "?" in the day-of-month or the
 *              day-of-week field, whichever the expression leaves open.
 * Weekday numbers differ (crontab and Spring count 0-7 from Sunday, Quartz
 * 1-7 from Sunday). Camunda 7 gets names (SUN-SAT), which Quartz reads
 * in either direction. Camunda 8 gets crontab numbers: Spring reads SUN as
 * 7 and only ascending ranges, so a range starting at Sunday is written
 * 0-5 and one that wraps past Saturday (FRI-MON) as two (5-6,0-1). A
 * weekday step ("*\/2") has no common meaning and is reported, as is an expression that restricts
 * both the day of month and the weekday where the target would combine them differently (crontab:
 * either; Spring: both; Quartz: not allowed). ISO 8601 dates, durations and repeating intervals are
 * the same in both targets and pass unchanged; so do the @daily-style macros for Camunda 8, which
 * Quartz lacks (they are expanded for Camunda 7).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/text.h"
#include "bpmn/export_internal.h"

#define MAX_FIELDS 7

struct cron {
    char *f[MAX_FIELDS];
    int n;
    bool quartz; /* weekday numbers count 1-7 from Sunday */
};

static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

static bool is_cron(const char *t)
{
    if (t[0] == 'R' || t[0] == 'P' || t[0] == '=' || !t[0]) {
        return false;
    }
    if (ordo_export_is_juel(t)) {
        return false; /* a JUEL expression: the caller translates or keeps it */
    }
    /* A date: "2026-..." */
    return !(strlen(t) > 4 && strspn(t, "0123456789") == 4 && t[4] == '-');
}

static const char *macro(const char *t)
{
    static const char *const macros[][2] = {
        {"@yearly", "0 0 0 1 1 *"},   {"@annually", "0 0 0 1 1 *"}, {"@monthly", "0 0 0 1 * *"},
        {"@weekly", "0 0 0 * * SUN"}, {"@daily", "0 0 0 * * *"},    {"@midnight", "0 0 0 * * *"},
        {"@hourly", "0 0 * * * *"},
    };

    for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
        if (strcmp(t, macros[i][0]) == 0) {
            return macros[i][1];
        }
    }
    return NULL;
}

static bool split(struct ordo_arena *arena, const char *t, struct cron *c)
{
    char *s = ordo_arena_strdup(arena, t);

    c->n = 0;
    while (*s) {
        while (*s && ordo_is_space((unsigned char)*s)) {
            *s++ = '\0';
        }
        if (!*s) {
            break;
        }
        if (c->n == MAX_FIELDS) {
            return false;
        }
        c->f[c->n++] = s;
        while (*s && !ordo_is_space((unsigned char)*s)) {
            s++;
        }
    }
    return c->n >= 5;
}

/* Weekday numbers as names; false for a step, which has no common meaning. */
static bool weekday_names(struct ordo_arena *arena, struct cron *c, const char **why)
{
    struct ordo_buf out = ORDO_BUF_INIT;
    const char *s = c->f[5];

    if (strchr(s, '/')) {
        *why = "a weekday step has no common meaning across cron dialects";
        return false;
    }
    while (*s) {
        if (ordo_is_digit((unsigned char)*s)) {
            int v = 0;

            while (ordo_is_digit((unsigned char)*s)) {
                v = v * 10 + (*s++ - '0');
            }
            v = c->quartz ? v - 1 : v % 7;
            if (v < 0 || v > 6) {
                ordo_buf_cleanup(&out);
                *why = "a weekday number is out of range";
                return false;
            }
            ordo_buf_puts(&out, day_names[v]);
        } else {
            ordo_buf_putc(&out, *s++);
        }
    }
    c->f[5] = ordo_arena_strdup(arena, ordo_buf_cstr(&out));
    ordo_buf_cleanup(&out);
    return true;
}

/* The weekday at 's' (a number of the expression's dialect or a name) as
 * 0-6 from Sunday; -1 when none is there. */
static int weekday_at(const char **s, bool quartz)
{
    int v = -1;

    if (ordo_is_digit((unsigned char)**s)) {
        v = 0;
        while (ordo_is_digit((unsigned char)**s)) {
            v = v * 10 + (*(*s)++ - '0');
        }
        v = quartz ? v - 1 : v == 7 ? 0 : v;
        return v >= 0 && v <= 6 ? v : -1;
    }
    for (int d = 0; d < 7; d++) {
        if (strncasecmp(*s, day_names[d], 3) == 0) {
            *s += 3;
            return d;
        }
    }
    return -1;
}

/* Camunda 8 (Spring): the weekday field in crontab numbers, ascending
 * ranges only; false for a step or a value out of range. */
static bool weekday_numbers(struct ordo_arena *arena, struct cron *c, const char **why)
{
    struct ordo_buf out = ORDO_BUF_INIT;
    const char *s = c->f[5];

    if (strchr(s, '/')) {
        *why = "a weekday step has no common meaning across cron dialects";
        return false;
    }
    while (*s) {
        int a, b;

        if (*s == '*' || *s == '?' || *s == ',' || *s == 'L' || *s == '#') {
            ordo_buf_putc(&out, *s++); /* "L" and "#n" mean the same in Spring */
            continue;
        }
        a = weekday_at(&s, c->quartz);
        b = a;
        if (a >= 0 && *s == '-') {
            s++;
            b = weekday_at(&s, c->quartz);
        }
        if (a < 0 || b < 0) {
            ordo_buf_cleanup(&out);
            *why = "a weekday is out of range";
            return false;
        }
        if (b == 0 && a > 0) {
            b = 7; /* "MON-SUN": Spring counts Sunday as 7 too */
        }
        if (a == b) {
            ordo_buf_printf(&out, "%d", a);
        } else if (a < b) {
            ordo_buf_printf(&out, "%d-%d", a, b);
        } else { /* wraps past Saturday */
            ordo_buf_printf(&out, "%d-6,0-%d", a, b);
        }
    }
    c->f[5] = ordo_arena_strdup(arena, ordo_buf_cstr(&out));
    ordo_buf_cleanup(&out);
    return true;
}

static bool open_field(const char *f)
{
    return strcmp(f, "*") == 0 || strcmp(f, "?") == 0;
}

const char *ordo_export_timer(struct ordo_export_state *x, const char *text, const char **why)
{
    bool c8 = x->target == ORDO_EXPORT_CAMUNDA8;
    const char *t = ordo_export_skip_space(text);
    struct cron c;
    bool both;

    if (!is_cron(t)) {
        return text;
    }
    if (t[0] == '@') {
        if (!macro(t)) {
            *why = "an unknown cron macro";
            return NULL;
        }
        if (c8) {
            return text;
        }
        t = macro(t);
    }
    if (!split(x->arena, t, &c)) {
        *why = "not a cron expression of 5, 6 or 7 fields";
        return NULL;
    }
    c.quartz = c.n == 7 || strchr(t, '?') != NULL;
    both = !open_field(c.f[c.n == 5 ? 2 : 3]) && !open_field(c.f[c.n == 5 ? 4 : 5]);
    if (c.n == 5) {
        /* crontab: "m h dom mon dow" -> seconds first; either day field may match. */
        memmove(&c.f[1], &c.f[0], 5 * sizeof(c.f[0]));
        c.f[0] = "0";
        c.n = 6;
        if (both) {
            *why = "crontab matches either the day of month or the weekday; neither target can";
            return NULL;
        }
    }
    if (c.n == 7) {
        if (c8 && strcmp(c.f[6], "*") != 0) {
            *why = "Camunda 8's cron has no year field";
            return NULL;
        }
        c.n = c8 ? 6 : 7;
    }
    if (!c8 && both) {
        *why = "Quartz cannot restrict both the day of month and the weekday";
        return NULL;
    }
    if (!(c8 ? weekday_numbers(x->arena, &c, why) : weekday_names(x->arena, &c, why))) {
        return NULL;
    }
    if (c8) {
        c.f[3] = strcmp(c.f[3], "?") == 0 ? "*" : c.f[3];
        c.f[5] = strcmp(c.f[5], "?") == 0 ? "*" : c.f[5];
    } else if (open_field(c.f[5])) {
        c.f[5] = "?";
    } else {
        c.f[3] = "?";
    }
    {
        struct ordo_buf out = ORDO_BUF_INIT;
        const char *r;

        for (int i = 0; i < c.n; i++) {
            ordo_buf_printf(&out, "%s%s", i ? " " : "", c.f[i]);
        }
        r = ordo_arena_strdup(x->arena, ordo_buf_cstr(&out));
        ordo_buf_cleanup(&out);
        return r;
    }
}
