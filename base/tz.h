/*
 * base/tz.h - time zones from the system's IANA database (tzdata).
 *
 * Timers (CONTRACTS.md §12), cron cycles and FEEL's today() work in a zone:
 * the `timezone` config key (UTC by default) unless the expression names
 * one. A zone is read once from /usr/share/zoneinfo/NAME (TZif, versions 1
 * to 4, with the POSIX TZ footer for times past the last transition) and
 * kept for the life of the process: zones are immutable and shared by all
 * threads. Names are checked before any file is opened (at most 128 bytes
 * of letters, digits, "/", "_", "-", "+", starting with a letter; no "."
 * at all, so no ".."; no trailing or doubled "/"), so a name from a BPMN
 * file cannot reach outside the zoneinfo folder; a file is read only up to
 * 1 MiB.
 * Fixed offsets ("+02:00", "-0530", "+02", "UTC+02:00") and the names of
 * UTC ("UTC", "Z", "GMT", "Etc/UTC", ...) need no file. Files with leap
 * second records (the "right/" zones) are refused: Unix time has none.
 *
 * Times past the last transition of the file follow its POSIX TZ footer
 * ("CET-1CEST,M3.5.0,M10.5.0/3"), so the year 2100 has daylight saving
 * time too; times before the first transition take the file's first type.
 *
 * Local times that do not exist (the hour skipped when clocks go forward)
 * move forward by the length of the gap; local times that happen twice
 * take the earlier offset, as java.time.ZonedDateTime does, which is what
 * Camunda computes.
 *
 * Thread-safe: a process-wide cache under a mutex; a zone, once returned,
 * is never freed or changed, so it is read without locking. Errors:
 * ORDO_E_INVAL for a malformed name, ORDO_E_NOTFOUND for an unknown zone,
 * ORDO_E_UNPROCESSABLE for a zoneinfo file that is not valid TZif (or is
 * larger than 1 MiB, or counts leap seconds). Messages quote the name.
 */
#ifndef ORDO_BASE_TZ_H
#define ORDO_BASE_TZ_H

#include <stdint.h>

#include "base/err.h"

struct ordo_tz; /* immutable, process lifetime */

/* The zone named 'name'. NULL or "" is UTC. Zones are cached by the name
 * as given: "Europe/Berlin" is read from disk once per process. */
enum ordo_code ordo_tz_get(const char *name, const struct ordo_tz **out, struct ordo_err *err);

/* UTC (never fails). */
const struct ordo_tz *ordo_tz_utc(void);

/* The zone's name as given ("Europe/Berlin", "+02:00", "UTC"). */
const char *ordo_tz_name(const struct ordo_tz *tz);

/* Offset from UTC, in seconds east, at the instant 'utc_ms' (Unix milliseconds). */
int32_t ordo_tz_offset(const struct ordo_tz *tz, int64_t utc_ms);

/* The instant of local wall-clock time 'local_ms' (milliseconds since
 * 1970-01-01T00:00 local), resolving gaps and overlaps as described above:
 * Europe/Berlin's 2026-03-29T02:30 (a gap) is 01:30Z, which reads 03:30
 * there; 2026-10-25T02:30 (an overlap) is 00:30Z, at +02:00. Values beyond
 * +-2^62 ms (146 million years) are clamped to that range first. */
int64_t ordo_tz_to_utc(const struct ordo_tz *tz, int64_t local_ms);

/* The zone's standard offset (without daylight saving time) under its
 * latest rules: +3600 for Europe/Berlin, whatever the date. For a time of
 * day with a zone name (FEEL's time("10:00:00@Europe/Paris")), which has no
 * date to choose an offset by; Camunda's FEEL does the same. */
int32_t ordo_tz_standard_offset(const struct ordo_tz *tz);

#endif
