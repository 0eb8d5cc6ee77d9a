/*
 * bpmn/timer.h - timer definitions: when a timer event is due
 * (CONTRACTS.md §12).
 *
 * A timer event carries one of three definitions, each as text (a FEEL
 * expression is evaluated by the engine first, and its string or duration
 * result is parsed here):
 *
 *   timeDate      an ISO 8601 date-time: "2026-12-01T09:00:00Z",
 *                 "2026-12-01T09:00:00+01:00", "2026-12-01T09:00:00" (in
 *                 the configured zone), "2026-12-01T09:00:00[Europe/Berlin]"
 *                 or "...@Europe/Berlin" (a named zone), or a date alone
 *                 ("2026-12-01": midnight in the zone);
 *   timeDuration  an ISO 8601 duration: "PT15M", "P1DT12H", "P2W", "P1M";
 *   timeCycle     a repeating interval "R5/PT10M", "R/PT1H" (unbounded),
 *                 "R3/2026-12-01T09:00:00Z/P1D" (with a start), or cron:
 *                 5 fields ("0 9 * * MON-FRI"), 6 fields with seconds first
 *                 (Camunda 8, Spring: "0 0 9 * * MON-FRI") or Quartz with
 *                 "?" and an optional year (Camunda 7: "0 0 9 ? * MON-FRI *").
 *                 Cron fields take numbers, names (JAN-DEC, SUN-SAT), "*",
 *                 ranges, lists and steps ("*\/15", "1-5/2"); Quartz's L, W
 *                 and # are refused with a message naming them. A six-field
 *                 expression with "?" is Quartz (weekdays 1-7 from Sunday);
 *                 in five-field cron a day matching either restricted day
 *                 field is due (crontab(5)), in six-field (Spring) both must
 *                 match. R/duration/end and R/start/end are refused.
 *
 * Years, months, weeks and days of durations are calendar units, added in
 * the zone's wall-clock time (P1D across a DST change is 23 or 25 hours);
 * hours, minutes and seconds are exact. Cron is matched in wall-clock time
 * of the zone: a time in a spring gap is due when the gap ends, one that
 * an autumn overlap repeats is due once, the first time (base/tz.h). A
 * cron expression with no match in the 28 years after 'after_ms' (or up to
 * the last year of a Quartz year field) is never due ("0 0 30 2 *").
 * Instants stay within the years 1 to 9999. docs/timers.md says all this
 * for users.
 *
 * Parsed timers are immutable and live in the arena they were parsed into;
 * they may be shared by threads. Parse errors are ORDO_E_UNPROCESSABLE
 * with a message that quotes the text and says what is wrong.
 */
#ifndef ORDO_BPMN_TIMER_H
#define ORDO_BPMN_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/tz.h"

enum ordo_timer_kind {
    ORDO_TIMER_DATE,
    ORDO_TIMER_DURATION,
    ORDO_TIMER_CYCLE,
};

struct ordo_timer; /* parsed; immutable */

/* Parse 'text' (leading and trailing white space ignored) as a definition
 * of 'kind'. A named zone in a date is loaded here (base/tz.h). */
enum ordo_code ordo_timer_parse(struct ordo_arena *arena, enum ordo_timer_kind kind,
                                const char *text, const struct ordo_timer **out,
                                struct ordo_err *err);

enum ordo_timer_kind ordo_timer_kind_of(const struct ordo_timer *t);

/* When the timer is next due. The timer was armed at 'armed_ms' (Unix ms)
 * and has fired 'fired' times so far. The answer is:
 *   date:     the date if fired == 0 (even when it is already past: a
 *             missed timer fires once), else none;
 *   duration: armed_ms + the duration if fired == 0, else none;
 *   cycle:    the first occurrence of the schedule strictly after
 *             'after_ms', unless the repetitions are used up ("R3/..." has
 *             fired 3 times). Occurrences of "R/PT1H" are armed_ms + k *
 *             1 hour, k >= 1; of "R/START/P" they are START + k * P, k >= 0;
 *             of cron every matching second. Passing the current time as
 *             'after_ms' is what makes a cycle fire at most once for all
 *             the periods a long pause skipped.
 * 'zone' is used for local date-times, calendar units and cron (NULL:
 * UTC); a start or date that names a zone (or an offset) uses that for its
 * calendar units instead. Returns false when the timer is never due again.
 * Thread-safe; no allocation. A cron search costs microseconds, even when
 * it finds nothing. */
bool ordo_timer_due(const struct ordo_timer *t, int64_t armed_ms, uint32_t fired, int64_t after_ms,
                    const struct ordo_tz *zone, int64_t *due_ms);

#endif
