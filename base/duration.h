/*
 * base/duration.h - short durations in configuration: "15s", "250ms",
 * "5m", "2h", "5d", and comma-separated lists of them (the outbound
 * webhook retry schedule: "5s,5m,30m,2h").
 *
 * A duration is a decimal integer followed by one unit: ms, s, m, h or d.
 * No sign, no fraction, no blanks inside; blanks around list items are
 * ignored. Anything else is ORDO_E_INVAL with a message that quotes the
 * offending text. Values above ORDO_DURATION_MAX_MS (about 100 years) are
 * refused, so sums of a few never overflow an int64.
 *
 * Pure functions; thread-safe.
 */
#ifndef ORDO_BASE_DURATION_H
#define ORDO_BASE_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define ORDO_DURATION_MAX_MS   ((int64_t)100 * 365 * 24 * 3600 * 1000)
#define ORDO_DURATION_LIST_MAX 32 /* items of one list */

/* One duration, in milliseconds. */
enum ordo_code ordo_duration_parse(const char *text, int64_t *ms, struct ordo_err *err);

/* A comma-separated list of 1 to ORDO_DURATION_LIST_MAX durations into
 * 'out'; '*n' is their count. An empty list or an empty item is
 * ORDO_E_INVAL. */
enum ordo_code ordo_duration_list_parse(const char *text, int64_t out[ORDO_DURATION_LIST_MAX],
                                        size_t *n, struct ordo_err *err);

#endif
