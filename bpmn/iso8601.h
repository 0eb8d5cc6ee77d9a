/*
 * bpmn/iso8601.h - reading the pieces of ISO 8601 text that FEEL
 * (bpmn/feel_time.c) and timer definitions (bpmn/timer.c) share: a cursor
 * over the text, runs of digits, dates, times of day and their fractions
 * of a second. Internal to bpmn/.
 *
 * The two readers accept different dialects, chosen with flags: FEEL reads
 * XML Schema's forms (signed years of 4 to 9 digits, seconds always, a
 * fraction after '.'), timers read Camunda's (four-digit years, seconds
 * optional, ',' as well as '.' before a fraction). What follows a time
 * (an offset, a zone, a duration's units) each caller reads itself.
 *
 * Every reader returns false when the text at the cursor is not what it
 * reads; the cursor has then moved by an unspecified amount and the
 * caller gives up on the whole text. No allocation; thread-safe.
 */
#ifndef ORDO_BPMN_ISO8601_H
#define ORDO_BPMN_ISO8601_H

#include <stdbool.h>
#include <stdint.h>

/* The text still to read: 'p' up to 'end' (not NUL-terminated). */
struct ordo_iso8601_cur {
    const char *p, *end;
};

enum ordo_iso8601_flags {
    ORDO_ISO8601_SIGNED_YEARS = 1 << 0, /* [-+]YYYY, 4 to 9 digits; without: YYYY, exactly 4 */
    ORDO_ISO8601_COMMA = 1 << 1,        /* ',' as well as '.' before a fraction */
    ORDO_ISO8601_SHORT_TIME = 1 << 2,   /* hh:mm without seconds */
};

/* Consume 'ch' if it is next. */
static inline bool ordo_iso8601_eat(struct ordo_iso8601_cur *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* True if a digit '0'-'9' is next. */
static inline bool ordo_iso8601_at_digit(const struct ordo_iso8601_cur *c)
{
    return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* Exactly 'n' digits (n <= 9). */
bool ordo_iso8601_fixed(struct ordo_iso8601_cur *c, int n, int *out);

/* 1 to 'max' digits (max <= 18), not followed by another digit; how many
 * in '*count' (may be NULL). */
bool ordo_iso8601_digits(struct ordo_iso8601_cur *c, int max, int64_t *out, int *count);

/* ".5", ".123456789" (with ORDO_ISO8601_COMMA also ",5") as nanoseconds:
 * 1 to 9 digits, not followed by a tenth. Nothing to read (no '.') is a
 * fraction of 0. */
bool ordo_iso8601_fraction(struct ordo_iso8601_cur *c, unsigned flags, int32_t *nanos);

/* YYYY-MM-DD (or, with ORDO_ISO8601_SIGNED_YEARS, [-+]Y{4,9}-MM-DD) as days
 * since 1970-01-01; the month and day must exist in that year. */
bool ordo_iso8601_date(struct ordo_iso8601_cur *c, unsigned flags, int64_t *day);

/* hh:mm:ss[.f] (with ORDO_ISO8601_SHORT_TIME also hh:mm; a fraction only
 * after seconds) as nanoseconds after midnight: hours 0-23, minutes and
 * seconds 0-59. */
bool ordo_iso8601_clock(struct ordo_iso8601_cur *c, unsigned flags, int64_t *nanos);

#endif
